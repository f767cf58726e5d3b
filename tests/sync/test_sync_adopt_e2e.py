"""Adoption end to end: a real `awsswitch sync` process (and `commands.sync.run` for
`--rename`, until the command line carries the option) against the Identity Center stand-in
over real HTTP on 127.0.0.1, on the real config file in the sandbox."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
from collections.abc import Iterator

import pytest
from botocore.configloader import load_config
from support.sandbox import Sandbox

from awsswitch.commands import sync as sync_cmd
from awsswitch.config.profiles import load_index
from awsswitch.config.resolve import resolve
from awsswitch.context import Environment
from awsswitch.errors import AwsswitchError
from awsswitch.standin import Account, StandIn
from awsswitch.sync import MARKER

START_URL = "https://d-1234567890.awsapps.com/start"
SESSION = "awssso.home"
ACCOUNTS = [
    Account("111111111111", "home", None, ("PowerUser",)),
    Account("222222222222", "Dev", None, ("Admin",)),
]
BASE = f"""\
[sso-session {SESSION}]
sso_start_url = {START_URL}
sso_region = eu-west-1
"""
# The case: written by hand before any sync, with a comment, an odd header spacing
# and keys of the user's own. The template would name it awsprofile.home.home.poweruser.
MINE = """
# my power user, by hand
[profile   awsprofile.home.poweruser]
sso_session = awssso.home
sso_account_id = 111111111111
sso_role_name = PowerUser
region = us-west-2   ; mine
cli_pager =
s3 =
    addressing_style = path
"""
TWIN = "awsprofile.home.home.poweruser"


@pytest.fixture
def org(sandbox: Sandbox) -> Iterator[StandIn]:
    with StandIn(ACCOUNTS) as standin:
        grant = standin.mint_token()
        sandbox.sso_cache.mkdir(parents=True, exist_ok=True)
        path = sandbox.sso_cache / (hashlib.sha1(SESSION.encode()).hexdigest() + ".json")
        path.write_text(json.dumps(grant.cache_entry(START_URL, "eu-west-1")), encoding="utf-8")
        sandbox.env.update(standin.env())
        yield standin


def sync(sandbox: Sandbox, *args: str) -> subprocess.CompletedProcess[str]:
    result = sandbox.run("sync", SESSION, *args)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def run_in_process(sandbox: Sandbox, **options: object) -> str:
    """`commands.sync.run` with its own environment and streams; returns its stderr."""
    err = io.StringIO()
    ctx = Environment(
        sandbox.env, stdin=io.StringIO(""), stdout=io.StringIO(), stderr=err, stdin_isatty=False
    )
    sync_cmd.run([SESSION], ctx=ctx, **options)  # type: ignore[arg-type]
    return err.getvalue()


def profiles(sandbox: Sandbox) -> dict[str, dict[str, object]]:
    return load_config(str(sandbox.config))["profiles"]


def test_hand_written_profile_is_kept_reported_and_not_twinned(
    sandbox: Sandbox, org: StandIn
) -> None:
    sandbox.write_config(BASE + MINE)
    before = sandbox.config.read_bytes()
    result = sync(sandbox, "--prune", "--yes")
    assert result.returncode == 0, result.stderr
    assert (
        "  = awsprofile.home.poweruser kept: hand-written profile for account 111111111111 "
        f"role PowerUser; --rename moves it to {TWIN}\n"
    ) in result.stderr
    assert "1 added, 0 updated, 0 removed, 0 unchanged, 0 skipped, 1 kept" in result.stderr
    text = sandbox.config.read_bytes()
    assert text.startswith(before)  # byte for byte; only Dev's profile appended
    assert set(profiles(sandbox)) == {"awsprofile.home.poweruser", "awsprofile.home.dev.admin"}
    # And `asw poweruser` finds exactly one profile.
    found = resolve("poweruser", load_index(sandbox.env).profiles)
    assert [p.name for p in found] == ["awsprofile.home.poweruser"]
    # A second run changes nothing and says the same.
    again = sync(sandbox)
    assert "0 added, 0 updated, 0 removed, 1 unchanged, 0 skipped, 1 kept" in again.stderr
    assert sandbox.config.read_bytes() == text


def test_rename_moves_the_hand_written_profile_keeping_every_other_byte(
    sandbox: Sandbox, org: StandIn
) -> None:
    sandbox.write_config(BASE + MINE)
    before = sandbox.config.read_text(encoding="utf-8")
    err = run_in_process(sandbox, rename=True, yes=True)
    assert f"  ~ {TWIN} (adopted, renamed from awsprofile.home.poweruser)\n" in err
    text = sandbox.config.read_text(encoding="utf-8")
    expected = (
        before.replace("[profile   awsprofile.home.poweruser]", f"[profile {TWIN}]")
        + "\n[profile awsprofile.home.dev.admin]\n"
    )
    assert text.startswith(expected)
    moved = profiles(sandbox)[TWIN]
    assert moved["region"] == "us-west-2   ; mine" and MARKER not in moved  # still the user's
    assert "awsprofile.home.poweruser" not in profiles(sandbox)


def test_twin_left_by_an_older_sync_goes_with_prune_then_rename_takes_its_name(
    sandbox: Sandbox, org: StandIn
) -> None:
    twin = (
        f"\n[profile {TWIN}]\nsso_session = {SESSION}\nsso_account_id = 111111111111\n"
        f"sso_role_name = PowerUser\nregion = eu-west-1\n{MARKER} = {SESSION}\n"
    )
    sandbox.write_config(BASE + MINE + twin)
    result = sync(sandbox)
    assert result.returncode == 0, result.stderr
    assert f"  ? {TWIN} kept: duplicate of awsprofile.home.poweruser (--prune removes it)" in (
        result.stderr
    )
    assert TWIN in profiles(sandbox)
    err = run_in_process(sandbox, rename=True, prune=True, yes=True)
    assert f"  - {TWIN} (duplicate of awsprofile.home.poweruser)" in err
    assert f"  ~ {TWIN} (adopted, renamed from awsprofile.home.poweruser)" in err
    got = profiles(sandbox)
    assert set(got) == {TWIN, "awsprofile.home.dev.admin"}
    assert MARKER not in got[TWIN] and got[TWIN]["region"] == "us-west-2   ; mine"


def test_rename_of_an_adopted_profile_is_confirmed_like_a_removal(
    sandbox: Sandbox, org: StandIn
) -> None:
    sandbox.write_config(BASE + MINE)
    before = sandbox.config.read_bytes()
    err = io.StringIO()
    ctx = Environment(
        sandbox.env,
        stdin=io.StringIO("n\n"),
        stdout=io.StringIO(),
        stderr=err,
        stdin_isatty=True,
        stderr_isatty=True,
    )
    with pytest.raises(AwsswitchError, match="nothing written"):
        sync_cmd.run([SESSION], rename=True, ctx=ctx)
    assert "  - awsprofile.home.poweruser (renamed to awsprofile.home.home.poweruser)" in (
        err.getvalue()
    )
    assert sandbox.config.read_bytes() == before


def test_hostile_hand_written_name_is_reported_escaped(sandbox: Sandbox, org: StandIn) -> None:
    hostile = MINE.replace("awsprofile.home.poweruser", "pu\x1b[31m$(id)")
    sandbox.write_config(BASE + hostile)
    result = sync(sandbox)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stderr
    assert "  = pu\\x1b[31m$(id) kept: hand-written profile" in result.stderr
