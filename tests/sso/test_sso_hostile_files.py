"""Whatever sits at a token cache path, every command that reads it answers promptly: a FIFO
(used to hang `list`, `status`, `login` and `asw`), /dev/zero and a 20 MB file (unbounded
reads), absurd dates (OverflowError), deep JSON. Each becomes "login needed" with a reason,
or is used, as botocore would; never a hang or a traceback."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from support.sso import (
    CORP_KEY,
    POWERUSER,
    run_awsswitch,
    token_file,
    write_token,
)

from awsswitch import files
from awsswitch.config.profiles import load_index
from awsswitch.sso import cache, state

pytestmark = pytest.mark.usefixtures("sso_config")

FAR_FUTURE = "9999-12-31T23:59:59-01:00"  # past datetime.max once converted to UTC
FAR_PAST = "0001-01-01T00:00:00+01:00"  # before datetime.min in UTC


def _run(sandbox, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`awsswitch ARGS` off a terminal, with a bound: a hang fails the test, not the run."""
    result = run_awsswitch(sandbox, *args, env={"AWSSWITCH_AWS_CLI": "native", **env})
    assert "Traceback" not in result.stderr, result.stderr
    return result


def _listed_state(listed: subprocess.CompletedProcess[str]) -> str:
    assert listed.returncode == 0, listed.stderr
    rows = {row["name"]: row for row in json.loads(listed.stdout)}
    return rows[POWERUSER]["token"]["state"]


def _fifo(sandbox) -> Path:
    path = token_file(sandbox)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    return path


def _dev_zero(sandbox) -> Path:
    path = token_file(sandbox)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to("/dev/zero")
    return path


def _big(sandbox) -> Path:
    path = token_file(sandbox)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps({"accessToken": "a", "expiresAt": "2099-01-01T00:00:00Z", "pad": ""})
    path.write_bytes(body[:-2].encode() + b"x" * (20 * 1024 * 1024) + b'"}')
    return path


MAKERS = {"fifo": _fifo, "dev-zero": _dev_zero, "20MB": _big}
WHY = {"fifo": "FIFO", "dev-zero": "character device", "20MB": "larger than 1 MiB"}


@pytest.mark.parametrize("kind", list(MAKERS))
def test_state_reads_are_bounded(sandbox, kind: str) -> None:
    MAKERS[kind](sandbox)
    token, why = state.load_token(str(token_file(sandbox)))
    assert token is None and WHY[kind] in why
    index = load_index(os.environ)
    status = state.profile_token_status(index.by_name[POWERUSER], index)
    assert status is not None and status.state == state.LOGIN_NEEDED
    assert WHY[kind] in status.reason


@pytest.mark.parametrize("kind", list(MAKERS))
def test_switch_off_a_terminal(sandbox, kind: str) -> None:
    MAKERS[kind](sandbox)
    result = _run(sandbox, "_asw", "bash", POWERUSER)
    assert result.returncode == 1 and result.stdout == ""
    assert WHY[kind] in result.stderr and "awsswitch login --sso-session corp" in result.stderr


@pytest.mark.parametrize("kind", list(MAKERS))
def test_list_and_status(sandbox, kind: str) -> None:
    MAKERS[kind](sandbox)
    listed = _run(sandbox, "list", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = {row["name"]: row for row in json.loads(listed.stdout)}
    assert rows[POWERUSER]["token"]["state"] == state.LOGIN_NEEDED
    status = _run(sandbox, "status", POWERUSER)
    assert status.returncode == 0, status.stderr
    assert "login needed" in status.stdout and WHY[kind] in status.stdout


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_login_refuses_a_path_it_cannot_replace(standin, sandbox, kind: str) -> None:
    """Before asking anyone to approve anything: the AWS CLI would block opening a FIFO."""
    MAKERS[kind](sandbox)
    result = _run(sandbox, "login", POWERUSER)
    assert result.returncode == 1
    assert "is not a regular file; remove it" in result.stderr
    assert standin.calls == []


def test_login_replaces_a_20mb_file(standin, sandbox) -> None:
    _big(sandbox)
    result = _run(sandbox, "login", POWERUSER)
    assert result.returncode == 0, result.stderr
    assert "larger than 1 MiB" in result.stderr  # why it logged in
    assert state.load_token(str(token_file(sandbox)))[0] is not None


def test_registration_fifo_is_a_clear_error(standin, sandbox) -> None:
    path = Path(cache.registration_file(os.environ, *_registration_args()))
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    assert cache.usable_registration(str(path)) is None  # refused, not read
    result = _run(sandbox, "login", POWERUSER)
    assert result.returncode == 1
    assert "FIFO" in result.stderr
    assert not token_file(sandbox).exists()


def _registration_args() -> tuple[str, str, list[str], str]:
    from support.sso import REGION, START_URL

    return START_URL, REGION, ["sso:account:access"], "corp"


@pytest.mark.parametrize(
    "raw",
    [
        "[" * 200_000,  # deep nesting: RecursionError inside json
        '{"accessToken": "a", "expiresAt": 1e99999}',
        '{"accessToken": "a", "expiresAt": "' + "9" * 5000 + '"}',
        b"\xff\xfe\x00\x00".decode("latin-1"),
    ],
)
def test_odd_json_is_login_needed(sandbox, raw: str) -> None:
    write_token(sandbox, raw=raw)
    status = state.status_of(_target())
    assert status.state == state.LOGIN_NEEDED and status.reason


def _target() -> state.SsoTarget:
    index = load_index(os.environ)
    target = state.profile_target(index.by_name[POWERUSER], index)
    assert target is not None
    return target


# -- dates past the ends of datetime ----------------------------------------------------------


def test_parse_time_clamps_like_botocore() -> None:
    """botocore subtracts aware datetimes (no overflow): far future is valid, far past is
    expired. parse_time keeps those answers, a day inside datetime's range."""
    assert state.parse_time(FAR_FUTURE) == state.LATEST
    assert state.parse_time(FAR_PAST) == state.EARLIEST
    # usable for display in any zone
    for when in (state.LATEST, state.EARLIEST):
        assert when.astimezone().year in (1, 9999)
    assert state.classify({"accessToken": "a", "expiresAt": FAR_FUTURE})[0] == state.FRESH
    assert state.classify({"accessToken": "a", "expiresAt": FAR_PAST})[0] == state.LOGIN_NEEDED


def test_far_future_token_everywhere(standin, sandbox) -> None:
    write_token(sandbox, expiresAt=FAR_FUTURE, registrationExpiresAt=FAR_FUTURE)
    switched = _run(sandbox, "_asw", "bash", POWERUSER)
    assert switched.returncode == 0, switched.stderr
    assert f"export AWS_PROFILE='{POWERUSER}'" in switched.stdout
    listed = _run(sandbox, "list", "--json")
    assert _listed_state(listed) == state.FRESH
    status = _run(sandbox, "status", POWERUSER)
    assert status.returncode == 0 and "fresh" in status.stdout
    login = _run(sandbox, "login", POWERUSER)
    assert login.returncode == 0 and "kept it" in login.stdout
    assert standin.calls == []


@pytest.mark.parametrize("refreshable", [False, True])
def test_far_past_token_everywhere(standin, sandbox, refreshable: bool) -> None:
    """Expired long ago: refreshed when it can be (its registration still valid), else a
    login is needed; with a far-past registration it cannot be refreshed."""
    reg = "2099-01-01T00:00:00Z" if refreshable else FAR_PAST
    write_token(sandbox, expiresAt=FAR_PAST, registrationExpiresAt=reg)
    listed = _run(sandbox, "list", "--json")
    expected = state.REFRESHABLE if refreshable else state.LOGIN_NEEDED
    assert _listed_state(listed) == expected
    status = _run(sandbox, "status", POWERUSER)
    assert status.returncode == 0 and "expired" in status.stdout
    switched = _run(sandbox, "_asw", "bash", POWERUSER)
    # the stand-in never issued "old-refresh": the refresh is refused, then no login
    assert switched.returncode == 1 and "not a terminal" in switched.stderr
    login = _run(sandbox, "login", POWERUSER)
    assert login.returncode == 0 and "logged in" in login.stdout


def test_token_file_mode_and_key(sandbox) -> None:
    """The cache file the helpers above poke at is the real one."""
    assert token_file(sandbox).name == CORP_KEY + ".json"
    assert files.TOKEN_LIMIT == 1024 * 1024


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_logout_removes_whatever_is_there(standin, sandbox, kind: str) -> None:
    MAKERS[kind](sandbox)
    result = _run(sandbox, "logout", "--sso-session", "corp")
    assert result.returncode == 0, result.stderr
    assert "Logged out of sso-session corp" in result.stdout
    assert not os.path.lexists(token_file(sandbox))
    assert standin.calls == []  # no token was read, so no portal call
