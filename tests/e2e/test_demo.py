"""`awsswitch demo [SHELL]`: a sandboxed shell with the stand-in, driven through a pty."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from support.sandbox import require

from awsswitch.commands import demo

pexpect = pytest.importorskip("pexpect")


def test_demo_config_has_the_seed_session_and_profile() -> None:
    import tempfile

    from awsswitch.config.reader import load_config

    with tempfile.NamedTemporaryFile("w", suffix=".ini", delete=False) as fh:
        fh.write(demo.config_text())
    try:
        config = load_config(fh.name)
    finally:
        os.unlink(fh.name)
    session = config["sso_sessions"]["awssso.home"]
    assert session["sso_start_url"] == "https://d-1234567890.awsapps.com/start"
    assert session["sso_region"] == "eu-west-1"
    profile = config["profiles"]["awsprofile.home.poweruser"]
    assert profile == {
        "sso_session": "awssso.home",
        "sso_account_id": "123412341234",
        "sso_role_name": "PowerUserAccess",
        "region": "eu-west-1",
    }
    assert len(config["profiles"]) >= 4


@pytest.mark.parametrize(
    ("shell_var", "expected"),
    [("/bin/zsh", "zsh"), ("/usr/bin/fish", "fish"), ("/bin/tcsh", "bash"), ("", "bash")],
)
def test_default_shell(shell_var: str, expected: str) -> None:
    assert demo.default_shell({"SHELL": shell_var}) == expected


def test_demo_refuses_unknown_shell_and_non_terminal(sandbox) -> None:
    unknown = sandbox.run("demo", "tcsh")
    assert unknown.returncode == 2 and "unsupported shell" in unknown.stderr
    piped = subprocess.run(
        [sys.executable, "-m", "awsswitch", "demo", "bash"],
        env=sandbox.env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert piped.returncode == 1 and "terminal" in piped.stderr


@pytest.mark.slow
@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_demo_session(sandbox, shell: str) -> None:
    """Start, `asw home.poweruser` (one auto-approved login), the prompt shows the profile,
    exit: the stand-in stops and the sandbox is gone; the caller's HOME is untouched."""
    require(shell)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "awsswitch", "demo", shell],
        env={**sandbox.env, "TERM": "dumb"},
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 200),
    )
    try:
        child.expect(r"throwaway HOME \(([^)]+)\)")
        root = child.match.group(1)
        assert os.path.isdir(root)
        child.expect("awsswitch-demo")
        child.sendline("asw home.poweruser")
        child.expect(re.escape("Successfully logged into Start URL"))
        child.expect(r"aws:home\.poweruser")
        child.sendline('echo "profile=$AWS_PROFILE"')
        child.expect("profile=awsprofile.home.poweruser")
        child.sendline("asw work.admin")  # same session: no second login
        child.expect(r"aws:work\.admin")
        child.sendline("awsswitch status")
        child.expect(r"token:\s+fresh")
        child.sendline("exit")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, child.before
    assert not os.path.exists(root)
    assert not (sandbox.home / ".aws" / "sso").exists()
    assert not (sandbox.home / ".aws" / "config").exists()
