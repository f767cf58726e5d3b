"""The switch hook over real HTTP to the stand-in: no call when fresh, one silent refresh
when due, written back in the AWS CLI's exact format."""

from __future__ import annotations

import json
import os
import re

import pytest
from support.sso import (
    POWERUSER,
    READONLY,
    REGION,
    START_URL,
    token_file,
    write_grant,
    write_token,
)

from awsswitch.config.profiles import load_index
from awsswitch.errors import AwsswitchError
from awsswitch.sso import hook, state

pytestmark = pytest.mark.usefixtures("sso_config")

_TOKEN_RE = re.compile(
    r'\{"startUrl": "(?P<url>[^"]+)", "region": "(?P<region>[^"]+)", '
    r'"accessToken": "(?P<at>[^"]+)", "expiresAt": "(?P<exp>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)", '
    r'"clientId": "(?P<cid>[^"]+)", "clientSecret": "(?P<cs>[^"]+)", '
    r'"registrationExpiresAt": "(?P<reg>[^"]+)", "refreshToken": "(?P<rt>[^"]+)"\}'
)


def _ensure(name: str, **kw: object) -> str | None:
    index = load_index(os.environ)
    return hook.ensure_fresh(
        index.by_name[name], index, interactive=kw.pop("interactive", False), env=os.environ, **kw
    )


def test_fresh_token_makes_no_call(standin, sandbox) -> None:
    write_grant(sandbox, standin, expires_in=3600)
    before = token_file(sandbox).read_bytes()
    assert _ensure(POWERUSER) == hook.KEPT
    assert _ensure("chained") == hook.KEPT
    assert standin.calls == []
    assert token_file(sandbox).read_bytes() == before


def test_non_sso_profile_is_left_alone(standin) -> None:
    assert _ensure("keys") is None
    assert standin.calls == []


def test_fresh_token_needs_no_boto3(sandbox) -> None:
    """A fresh token is checked without importing boto3/botocore at all."""
    write_token(sandbox, expires_in=3600)
    import subprocess
    import sys

    code = (
        "import os,sys;from awsswitch.config.profiles import load_index;"
        "from awsswitch.sso import hook;"
        "i=load_index(os.environ);"
        f"r=hook.ensure_fresh(i.by_name['{POWERUSER}'],i,interactive=False,env=os.environ);"
        "print(r, 'botocore' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=sandbox.env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["kept", "False"]


def test_refreshable_token_is_refreshed_once(standin, sandbox) -> None:
    grant = write_grant(sandbox, standin, expires_in=300)  # 5 min left: refresh due
    path = token_file(sandbox)
    old = json.loads(path.read_text())
    path.chmod(0o644)
    inode = path.stat().st_ino
    index = load_index(os.environ)
    assert state.profile_token_status(index.by_name[POWERUSER], index).state == state.REFRESHABLE

    assert _ensure(POWERUSER) == hook.REFRESHED
    assert standin.count("CreateToken") == 1
    assert standin.count("CreateToken", grantType="refresh_token", error="") == 1
    assert len(standin.calls) == 1

    text = path.read_text()
    match = _TOKEN_RE.fullmatch(text)  # key order, separators, date form, no newline
    assert match, text
    new = json.loads(text)
    assert new["startUrl"] == START_URL and new["region"] == REGION
    assert new["accessToken"] != grant.access_token and standin.token_valid(new["accessToken"])
    assert new["refreshToken"] != old["refreshToken"]  # rotated
    assert new["clientId"] == old["clientId"] and new["clientSecret"] == old["clientSecret"]
    assert new["registrationExpiresAt"] == old["registrationExpiresAt"]  # copied as written
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.stat().st_ino != inode  # atomic replace
    assert state.profile_token_status(index.by_name[READONLY], index).state == state.FRESH

    # the second profile of the session now needs nothing
    standin.reset_calls()
    assert _ensure(READONLY) == hook.KEPT
    assert standin.calls == []


def test_expired_but_refreshable_token_is_refreshed(standin, sandbox) -> None:
    write_grant(sandbox, standin, expires_in=-7200)
    assert _ensure("chained") == hook.REFRESHED
    assert standin.count("CreateToken", grantType="refresh_token") == 1
    index = load_index(os.environ)
    assert state.profile_token_status(index.by_name[POWERUSER], index).state == state.FRESH


def test_refresh_drops_unknown_keys_like_botocore(standin, sandbox) -> None:
    write_grant(sandbox, standin, expires_in=60)
    path = token_file(sandbox)
    body = json.loads(path.read_text())
    body["extra"] = "x"
    path.write_text(json.dumps(body))
    _ensure(POWERUSER)
    assert "extra" not in json.loads(path.read_text())


def test_refresh_rejected_off_terminal_fails_clearly(standin, sandbox) -> None:
    """The service refuses the refresh token and the token has expired: no login off a
    terminal, a clear error (exit 1), the file left as it was."""
    write_token(sandbox, expires_in=-60)  # refresh token the stand-in never issued
    before = token_file(sandbox).read_bytes()
    with pytest.raises(AwsswitchError) as info:
        _ensure(POWERUSER, interactive=False)
    assert info.value.exit_code == 1
    assert "not a terminal" in info.value.message
    assert "awsswitch login --sso-session corp" in info.value.message
    assert standin.count("CreateToken", grantType="refresh_token") == 1
    assert standin.count("StartDeviceAuthorization") == 0
    assert token_file(sandbox).read_bytes() == before


def test_refresh_rejected_but_still_valid_keeps_going(standin, sandbox, capsys) -> None:
    """Off a terminal, a token with minutes left is still usable: warn, do not fail."""
    write_token(sandbox, expires_in=300)
    assert _ensure(POWERUSER, interactive=False) == hook.KEPT
    err = capsys.readouterr().err
    assert "was not renewed (refresh failed: InvalidClientException" in err
    assert "5m left: using it" in err


@pytest.mark.parametrize("left", [600, 30])
def test_unrefreshable_but_valid_token_is_used_off_a_terminal(
    standin, sandbox, capsys, left: int
) -> None:
    """As every SDK does: a token that cannot be refreshed is still used while it lasts.
    Off a terminal the switch goes on and says how long it has; nothing is called."""
    write_token(sandbox, expires_in=left, refreshable=False)
    before = token_file(sandbox).read_bytes()
    assert _ensure(POWERUSER, interactive=False) == hook.KEPT
    err = capsys.readouterr().err
    assert "cannot be refreshed" in err and f"{round(left / 60)}m left: using it" in err
    assert "awsswitch login --sso-session corp" in err
    assert standin.calls == []
    assert token_file(sandbox).read_bytes() == before


def test_unrefreshable_but_valid_token_logs_in_early_on_a_terminal(
    standin, sandbox, monkeypatch
) -> None:
    from awsswitch.sso import native

    monkeypatch.setattr(native, "_sleep", lambda _s: None)
    write_token(sandbox, expires_in=600, refreshable=False)
    assert _ensure(POWERUSER, interactive=True) == hook.LOGGED_IN
    assert standin.count("StartDeviceAuthorization") == 1


def test_refresh_rejected_on_terminal_logs_in(standin, sandbox, monkeypatch) -> None:
    write_token(sandbox, expires_in=-60)
    assert _ensure(POWERUSER, interactive=True) == hook.LOGGED_IN
    assert standin.count("StartDeviceAuthorization") == 1
    index = load_index(os.environ)
    assert state.profile_token_status(index.by_name[POWERUSER], index).state == state.FRESH


def test_login_needed_off_terminal_makes_no_call(standin, sandbox) -> None:
    write_token(sandbox, expires_in=-60, refreshable=False)
    with pytest.raises(AwsswitchError, match="not a terminal"):
        _ensure(POWERUSER, interactive=False)
    assert standin.calls == []


def test_missing_token_off_terminal(standin) -> None:
    with pytest.raises(AwsswitchError, match="no cached token"):
        _ensure(READONLY, interactive=False)
    assert standin.calls == []


def test_corrupt_cache_is_login_needed_not_a_crash(standin, sandbox) -> None:
    write_token(sandbox, raw='{"accessToken": "a", "expiresAt": ')
    with pytest.raises(AwsswitchError, match="not a terminal"):
        _ensure(POWERUSER, interactive=False)
    assert _ensure(POWERUSER, interactive=True) == hook.LOGGED_IN
    assert json.loads(token_file(sandbox).read_text())["startUrl"] == START_URL


def test_legacy_profile_refreshes_its_own_file(standin, sandbox) -> None:
    from support.sso import LEGACY_URL

    key = state.cache_key(None, LEGACY_URL)
    write_grant(sandbox, standin, key=key, expires_in=60)
    assert _ensure("legacy") == hook.REFRESHED
    body = json.loads(token_file(sandbox, key).read_text())
    assert body["startUrl"] == LEGACY_URL  # from the profile, as written


def test_missing_sso_session_section_is_a_clear_error(standin) -> None:
    with pytest.raises(AwsswitchError, match=r"no \[sso-session missing\] section"):
        _ensure("orphan")
