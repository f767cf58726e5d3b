"""`awsswitch sync --prune` on a terminal: the removal prompt shows hand-edited names escaped
(a real process in a pty, the stand-in portal on 127.0.0.1)."""

from __future__ import annotations

import hashlib
import json
import sys

import pytest
from support.sandbox import Sandbox

from awsswitch.standin import Account, StandIn
from awsswitch.sync import MARKER

START_URL = "https://d-1234567890.awsapps.com/start"
SESSION = "corp"
# A profile sync once wrote, renamed by hand to carry an escape sequence (clears the screen).
HOSTILE = "evil\x1b[2Jname"


def test_the_removal_prompt_escapes_a_hostile_profile_name(sandbox: Sandbox) -> None:
    pexpect = pytest.importorskip("pexpect")
    sandbox.write_config(
        f"[sso-session {SESSION}]\nsso_start_url = {START_URL}\nsso_region = eu-west-1\n\n"
        f"[profile {HOSTILE}]\nsso_session = {SESSION}\nsso_account_id = 222222222222\n"
        f"sso_role_name = PowerUser\nregion = eu-west-1\n{MARKER} = {SESSION}\n"
    )
    granted = [Account("111111111111", "Prod", "prod@example.com", ("ReadOnly",))]
    with StandIn(granted) as standin:
        grant = standin.mint_token()
        sandbox.sso_cache.mkdir(parents=True, exist_ok=True)
        token = sandbox.sso_cache / (hashlib.sha1(SESSION.encode()).hexdigest() + ".json")
        token.write_text(json.dumps(grant.cache_entry(START_URL, "eu-west-1")), encoding="utf-8")
        before = sandbox.config.read_bytes()
        child = pexpect.spawn(
            sys.executable,
            ["-m", "awsswitch", "sync", SESSION, "--prune"],
            env={**sandbox.env, **standin.env()},
            encoding="utf-8",
            timeout=60,
        )
        child.expect(r"would remove 1 profile")
        child.expect(r"\[y/N\] ")
        shown = child.before
        child.sendline("n")
        child.expect(pexpect.EOF)
        child.close()
    assert "\x1b" not in shown
    assert "  - evil\\x1b[2Jname (" in shown
    assert child.exitstatus == 1
    assert sandbox.config.read_bytes() == before
