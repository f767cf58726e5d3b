"""The session's end, not only the token's: what the cache says about it
(`state.session_end`, `TokenStatus.session_ends_at`), the once-per-end warning of the switch,
and `login`'s report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from support.sandbox import require
from support.sso import (
    CORP_KEY,
    POWERUSER,
    READONLY,
    REGION,
    START_URL,
    iso,
    now,
    write_token,
)

from awsswitch import paths
from awsswitch.commands import login as login_cmd
from awsswitch.config.profiles import load_index
from awsswitch.sso import cache, hook, native, state

pytestmark = pytest.mark.usefixtures("sso_config")

MIN = 60


def _token(expires_in: float, *, refresh: bool = True, registration_in: float = 30 * 86400):
    body = {
        "startUrl": START_URL,
        "region": REGION,
        "accessToken": "a",
        "expiresAt": iso(now() + timedelta(seconds=expires_in)),
    }
    if refresh:
        body.update(
            clientId="c",
            clientSecret="s",
            refreshToken="r",
            registrationExpiresAt=iso(now() + timedelta(seconds=registration_in)),
        )
    return body


def _seconds(when) -> float:
    return (when - now()).total_seconds()


# -- what the cache says -----------------------------------------------------------------


def test_refreshable_session_ends_with_its_registration() -> None:
    ends, basis = state.session_end(_token(3600, registration_in=10 * 86400))
    assert basis == state.END_REGISTRATION
    assert abs(_seconds(ends) - 10 * 86400) < 5


def test_registration_ending_before_the_token_leaves_the_token() -> None:
    ends, basis = state.session_end(_token(3600, registration_in=600))
    assert basis == state.END_REGISTRATION and abs(_seconds(ends) - 3600) < 5


def test_no_refresh_token_ends_with_the_access_token() -> None:
    ends, basis = state.session_end(_token(7200, refresh=False))
    assert basis == state.END_TOKEN and abs(_seconds(ends) - 7200) < 5


def test_expired_registration_cannot_refresh() -> None:
    ends, basis = state.session_end(_token(1800, registration_in=-60))
    assert basis == state.END_TOKEN and abs(_seconds(ends) - 1800) < 5


@pytest.mark.parametrize(
    "token",
    [None, {}, {"accessToken": "a"}, {"accessToken": "", "expiresAt": "2999-01-01T00:00:00Z"}],
)
def test_unusable_files_have_no_session_end(token) -> None:
    assert state.session_end(token) == (None, "")


def test_status_carries_the_session_end(sandbox) -> None:
    write_token(sandbox, expires_in=3600, registration_expires_in=5 * 86400)
    index = load_index(os.environ)
    status = state.profile_token_status(index.by_name[POWERUSER], index)
    assert status.session_end_basis == state.END_REGISTRATION
    assert abs(status.session_seconds_left() - 5 * 86400) < 5
    (sandbox.sso_cache / f"{CORP_KEY}.json").write_text("{oops")
    broken = state.profile_token_status(index.by_name[POWERUSER], index)
    assert (broken.session_ends_at, broken.session_end_basis) == (None, "")
    assert broken.session_seconds_left() is None


# -- the switch's warning ----------------------------------------------------------------


def _switch(name: str = POWERUSER) -> str | None:
    index = load_index(os.environ)
    return hook.ensure_fresh(index.by_name[name], index, interactive=False, env=os.environ)


def _record() -> Path:
    return Path(paths.cache_dir(os.environ)) / f"session-end-{CORP_KEY}"


def test_warns_once_per_session_end(sandbox, capfd) -> None:
    write_token(sandbox, expires_in=20 * MIN, refreshable=False)
    assert _switch() == hook.KEPT
    first = capfd.readouterr()
    assert first.out == ""
    assert "the session of sso-session corp ends at" in first.err
    assert "cannot be refreshed" in first.err
    assert "awsswitch login --force --sso-session corp" in first.err
    assert _record().stat().st_mode & 0o777 == 0o600
    # once: the next switch (another profile of the session too) says nothing
    assert _switch() == hook.KEPT and _switch(READONLY) == hook.KEPT
    assert capfd.readouterr().err == ""
    # a new session end (a new login elsewhere) is a new warning
    write_token(sandbox, expires_in=25 * MIN, refreshable=False)
    _switch()
    assert "ends at" in capfd.readouterr().err


def test_warning_for_a_registration_about_to_expire(sandbox, capfd) -> None:
    write_token(sandbox, expires_in=20 * MIN, registration_expires_in=25 * MIN)
    _switch()
    err = capfd.readouterr().err
    assert "can be renewed until" in err and "client registration expires" in err


@pytest.mark.parametrize(
    "token",
    [
        {"expires_in": 45 * MIN, "refreshable": False},  # more than 30 minutes left
        {"expires_in": 20 * MIN, "registration_expires_in": 40 * MIN},  # refreshable for 40
    ],
)
def test_no_warning_further_out(sandbox, capfd, token) -> None:
    write_token(sandbox, **token)
    _switch()
    assert capfd.readouterr().err == ""
    assert not _record().exists()


def test_a_token_kept_unrenewed_has_only_its_own_message(sandbox, capfd) -> None:
    """Off a terminal, a token within 15 minutes that cannot be refreshed is used with a
    message saying so; the session warning would only repeat it."""
    write_token(sandbox, expires_in=10 * MIN, refreshable=False)
    assert _switch() == hook.KEPT
    err = capfd.readouterr().err
    assert "was not renewed" in err and "session of" not in err


def test_unwritable_cache_folder_still_warns(sandbox, capfd, monkeypatch, tmp_path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("AWSSWITCH_CACHE_DIR", str(blocker / "cache"))
    write_token(sandbox, expires_in=20 * MIN, refreshable=False)
    _switch()
    _switch()
    assert capfd.readouterr().err.count("ends at") == 2  # cannot remember: says it again


def test_warning_in_a_real_switch_goes_to_stderr_once(sandbox) -> None:
    write_token(sandbox, expires_in=20 * MIN, refreshable=False)
    init = f'eval "$({sys.executable} -m awsswitch init bash)"'
    result = subprocess.run(
        [require("bash"), "--noprofile", "--norc", "-c",
         f'{init}\nasw home.poweruser\nasw home.readonly\necho "p=$AWS_PROFILE"'],
        env=sandbox.env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == f"p={READONLY}"
    assert result.stderr.count("the session of sso-session corp ends at") == 1


# -- login's report, re-registration -------------------------------------------------------


def test_login_reports_the_session_end(sandbox, capsys) -> None:
    write_token(sandbox, expires_in=2 * 3600, refreshable=False)
    login_cmd.run(POWERUSER)
    out = capsys.readouterr().out
    assert out.startswith("sso-session corp: token is fresh; kept it (2h 0m left; no refresh:")
    write_token(sandbox, expires_in=2 * 3600)
    login_cmd.run(POWERUSER)
    assert "renewable until" in capsys.readouterr().out


def test_login_registers_anew_when_the_registration_ends_within_the_warning(
    standin, sandbox, monkeypatch
) -> None:
    """A registration with 20 minutes left would still be reused by the CLI (15-minute
    window); awsswitch registers anew, so the login after the warning lasts."""
    monkeypatch.setattr(native, "_sleep", lambda _s: None)
    path = Path(
        cache.registration_file(os.environ, START_URL, REGION, ["sso:account:access"], "corp")
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    old = {
        "clientId": "old",
        "clientSecret": "old",
        "expiresAt": iso(now() + timedelta(minutes=20)),
    }
    path.write_text(json.dumps(old))
    login_cmd.run(POWERUSER, force=True)
    assert standin.count("RegisterClient") == 1
    token = json.loads((sandbox.sso_cache / f"{CORP_KEY}.json").read_text())
    assert token["clientId"] != "old"
    assert native.REGISTRATION_REUSE == state.SESSION_WARNING
