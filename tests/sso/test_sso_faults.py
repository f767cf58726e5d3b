"""A misbehaving service, over real HTTP on 127.0.0.1: refresh and login replies that are
garbage, lack the token, claim an absurd lifetime, never come, never end or drip. Each is a
one-line failure (never a traceback), nothing bad is cached, a still-valid token is kept off
a terminal, and no token or secret reaches the messages."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from support.faulty_http import FaultyServer, Reply
from support.sso import (
    POWERUSER,
    REGION,
    START_URL,
    run_awsswitch,
    set_env,
    spawn_asw,
    token_file,
    write_grant,
    write_token,
)

from awsswitch.config.profiles import load_index
from awsswitch.errors import AwsswitchError
from awsswitch.sso import cache, clients, hook, native, refresh, state

pytestmark = pytest.mark.usefixtures("sso_config")

REPLY_FAULTS = ["garbage", "no-access-token", "huge-expires-in", "huge-body"]
WHY = {
    "garbage": "no accessToken",
    "no-access-token": "no accessToken",
    "huge-expires-in": "expiresIn is out of range",
    "huge-body": "larger than",
}


def _ensure(name: str = POWERUSER, *, interactive: bool = False) -> str | None:
    index = load_index(os.environ)
    return hook.ensure_fresh(index.by_name[name], index, interactive=interactive, env=os.environ)


def _target() -> state.SsoTarget:
    index = load_index(os.environ)
    target = state.profile_target(index.by_name[POWERUSER], index)
    assert target is not None
    return target


@pytest.fixture
def no_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(native, "_sleep", lambda _seconds: None)


# -- refresh: the stand-in's reply faults --------------------------------------------------


@pytest.mark.parametrize("mode", REPLY_FAULTS)
def test_bad_refresh_reply_keeps_a_still_valid_token_off_a_terminal(
    standin, sandbox, capsys, mode
) -> None:
    grant = write_grant(sandbox, standin, expires_in=300)  # refresh due, 5 minutes left
    before = token_file(sandbox).read_bytes()
    standin.fail_reply("CreateToken", mode, grant_type="refresh_token")
    assert _ensure() == hook.KEPT
    err = capsys.readouterr().err
    assert "the token for sso-session corp was not renewed (refresh failed: " in err
    assert WHY[mode] in err
    assert "m left: using it" in err and "awsswitch login --sso-session corp" in err
    assert token_file(sandbox).read_bytes() == before  # never a bad token in the cache
    assert grant.refresh_token not in err and grant.access_token not in err
    assert standin.count("CreateToken", grantType="refresh_token") == 1  # not retried


@pytest.mark.parametrize("mode", REPLY_FAULTS)
def test_bad_refresh_reply_with_an_expired_token_is_a_clear_error(standin, sandbox, mode) -> None:
    write_grant(sandbox, standin, expires_in=-60)
    before = token_file(sandbox).read_bytes()
    standin.fail_reply("CreateToken", mode, grant_type="refresh_token")
    with pytest.raises(hook.LoginNeeded) as info:
        _ensure()
    message = info.value.message
    assert "\n" not in message
    assert "refresh failed" in message and WHY[mode] in message
    assert "awsswitch login --sso-session corp" in message
    assert token_file(sandbox).read_bytes() == before
    assert standin.count("StartDeviceAuthorization") == 0


@pytest.mark.parametrize("mode", ["garbage", "huge-expires-in"])
def test_bad_refresh_reply_on_a_terminal_falls_back_to_a_login(
    standin, sandbox, no_waits, mode
) -> None:
    write_grant(sandbox, standin, expires_in=-60)
    standin.fail_reply("CreateToken", mode, grant_type="refresh_token")
    assert _ensure(interactive=True) == hook.LOGGED_IN
    assert standin.count("StartDeviceAuthorization") == 1
    token = json.loads(token_file(sandbox).read_text())
    assert standin.token_valid(token["accessToken"])
    assert state.status_of(_target()).state == state.FRESH


def test_refresh_that_never_answers_is_bounded(standin, sandbox, monkeypatch, capsys) -> None:
    """`hang`: no answer at all. The read timeout ends each attempt, a second attempt
    follows, then the refresh fails and the still-valid token is kept."""
    monkeypatch.setattr(clients, "READ_TIMEOUT", 0.5)
    write_grant(sandbox, standin, expires_in=300)
    standin.refresh_fault = "hang"
    assert _ensure() == hook.KEPT
    assert "timeout" in capsys.readouterr().err.lower()
    assert standin.count("CreateToken", grantType="refresh_token") == refresh.REFRESH_ATTEMPTS


def test_refresh_refused_with_the_secrets_echoed_never_shows_them(standin, sandbox) -> None:
    """A service that echoes the request in its error: the message is redacted."""
    write_token(sandbox, expires_in=-60)  # refreshToken "old-refresh", clientSecret "csecret"
    standin.fail(
        "CreateToken",
        "InvalidGrantException",
        message="refresh token old-refresh of client cid (secret csecret) is not valid",
    )
    with pytest.raises(AwsswitchError) as info:
        _ensure()
    assert "InvalidGrantException" in info.value.message
    for secret in ("old-refresh", "csecret", "old-access"):
        assert secret not in info.value.message


def test_failing_refresh_prints_no_token_values(standin, sandbox) -> None:
    """The whole `_asw` run: stderr names the problem and the fix, never a token."""
    write_token(sandbox, expires_in=-60)
    standin.fail("CreateToken", "InvalidGrantException", message="bad grant old-refresh csecret")
    result = run_awsswitch(sandbox, "_asw", "bash", POWERUSER)
    assert result.returncode == 1 and result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "awsswitch login --sso-session corp" in result.stderr
    for secret in ("old-refresh", "csecret", "old-access"):
        assert secret not in result.stderr


@pytest.mark.parametrize(("left", "code"), [(300, 0), (-60, 1)])
def test_asw_with_a_garbage_refresh_reply(standin, sandbox, left: int, code: int) -> None:
    grant = write_grant(sandbox, standin, expires_in=left)
    standin.refresh_fault = "garbage"
    result = run_awsswitch(sandbox, "_asw", "bash", POWERUSER)
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    assert ("export AWS_PROFILE=" in result.stdout) == (code == 0)
    assert grant.refresh_token not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(("awsswitch: ", "asw: ")), lines


# -- refresh: what the stand-in cannot do ---------------------------------------------------


def _refresh_against(sandbox, monkeypatch, reply: Reply) -> tuple[str, FaultyServer]:
    write_token(sandbox, expires_in=-60)
    with FaultyServer({"/token": reply}) as srv:
        set_env(sandbox, monkeypatch, AWS_ENDPOINT_URL_SSO_OIDC=srv.url)
        with pytest.raises(refresh.RefreshFailed) as info:
            refresh.refresh(_target(), os.environ)
    return str(info.value), srv


def test_endless_reply_is_cut_off(sandbox, monkeypatch) -> None:
    before = write_token(sandbox, expires_in=-60).read_bytes()
    why, srv = _refresh_against(sandbox, monkeypatch, Reply(json={"x": 1}, endless=True))
    assert f"larger than {clients.BODY_LIMIT} bytes" in why
    assert srv.paths() == ["/token"]
    assert token_file(sandbox).read_bytes() == before


def test_dripping_reply_meets_a_deadline(sandbox, monkeypatch) -> None:
    monkeypatch.setattr(clients, "BODY_DEADLINE", 0.3)
    body = json.dumps({"accessToken": "a" * 100, "expiresIn": 3600}).encode()
    why, srv = _refresh_against(sandbox, monkeypatch, Reply(body=body, drip=0.02))
    assert "timeout" in why.lower()
    assert len(srv.requests) == refresh.REFRESH_ATTEMPTS


@pytest.mark.parametrize(
    ("reply", "why"),
    [
        ({"accessToken": "", "expiresIn": 3600}, "accessToken is not a string"),
        ({"accessToken": 5, "expiresIn": 3600}, "accessToken is not a string"),
        ({"accessToken": "a\nb", "expiresIn": 3600}, "characters no accessToken has"),
        ({"accessToken": "a" * 70000, "expiresIn": 3600}, "accessToken is too long"),
        ({"accessToken": "a", "expiresIn": 0}, "expiresIn is out of range"),
        ({"accessToken": "a", "expiresIn": -5}, "expiresIn is out of range"),
        ({"accessToken": "a"}, "has no expiresIn"),
        ({"accessToken": "a", "expiresIn": 60, "refreshToken": 7}, "refreshToken"),
    ],
)
def test_unusable_token_replies(sandbox, monkeypatch, reply: dict, why: str) -> None:
    before = write_token(sandbox, expires_in=-60).read_bytes()
    message, _ = _refresh_against(sandbox, monkeypatch, Reply(json=reply))
    assert message.startswith("the service sent an unusable token (")
    assert why in message
    assert token_file(sandbox).read_bytes() == before


# -- the device flow -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "mode", "why"),
    [
        ("RegisterClient", "garbage", "unusable client registration (the reply has no clientId)"),
        ("StartDeviceAuthorization", "garbage", "unusable authorization"),
        ("CreateToken", "no-access-token", "unusable token (the reply has no accessToken)"),
        ("CreateToken", "huge-expires-in", "unusable token (its expiresIn is out of range"),
        ("CreateToken", "garbage", "unusable token"),
    ],
)
def test_bad_login_replies_cache_nothing(
    standin, sandbox, no_waits, operation: str, mode: str, why: str
) -> None:
    grant = None if operation != "CreateToken" else native.DEVICE_GRANT
    standin.fail_reply(operation, mode, grant_type=grant)
    with pytest.raises(AwsswitchError) as info:
        _ensure(interactive=True)
    assert why in info.value.message and "\n" not in info.value.message
    assert not token_file(sandbox).exists()
    registration = Path(
        cache.registration_file(os.environ, START_URL, REGION, ["sso:account:access"], "corp")
    )
    assert registration.exists() == (operation != "RegisterClient")


def _login_against(sandbox, monkeypatch, routes: dict[str, Reply]) -> str:
    with FaultyServer(routes) as srv:
        set_env(sandbox, monkeypatch, AWS_ENDPOINT_URL_SSO_OIDC=srv.url)
        with pytest.raises(AwsswitchError) as info:
            native.login(_target(), os.environ, sleep=lambda _s: None, open_browser=lambda _u: 0)
    assert not token_file(sandbox).exists()
    return info.value.message


REGISTERED = Reply(
    json={"clientId": "cid", "clientSecret": "csec", "clientSecretExpiresAt": 4102444800}
)
AUTHORIZED = Reply(
    json={
        "deviceCode": "dev",
        "userCode": "ABCD-EFGH",
        "verificationUri": "https://device.sso.example/",
        "expiresIn": 600,
        "interval": 1,
    }
)
PENDING = Reply(400, json={"error": "authorization_pending"}, headers={
    "x-amzn-ErrorType": "AuthorizationPendingException"})  # fmt: skip


@pytest.mark.parametrize(
    ("registration", "why"),
    [
        ({"clientId": "c", "clientSecret": "s", "clientSecretExpiresAt": 99999999999999}, "range"),
        ({"clientId": "c", "clientSecret": "s", "clientSecretExpiresAt": 1}, "already past"),
        ({"clientId": "c", "clientSecretExpiresAt": 4102444800}, "no clientSecret"),
    ],
)
def test_unusable_registrations(sandbox, monkeypatch, registration: dict, why: str) -> None:
    message = _login_against(sandbox, monkeypatch, {"/client/register": Reply(json=registration)})
    assert "unusable client registration" in message and why in message


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"interval": "soon"}, "unreadable reply"),
        ({"deviceCode": None}, "has no deviceCode"),
        ({"expiresIn": -1}, "expiresIn is out of range"),
        ({"userCode": ["x"]}, "userCode is not a string"),
        ({"userCode": "AB\x1b[2JCD"}, "characters no userCode has"),
        ({"verificationUri": "https://x/\u202e"}, "characters no verificationUri has"),
    ],
)
def test_unusable_authorizations(sandbox, monkeypatch, change: dict, why: str) -> None:
    body = {**AUTHORIZED.json, **change}
    body = {k: v for k, v in body.items() if v is not None}
    message = _login_against(
        sandbox,
        monkeypatch,
        {"/client/register": REGISTERED, "/device_authorization": Reply(json=body)},
    )
    assert message.startswith("could not start the login for sso-session corp: ")
    assert why in message


def test_polling_stops_at_a_capped_deadline(sandbox, monkeypatch, capfd) -> None:
    """A device code claiming to last three years: polling still ends (MAX_WAIT)."""
    monkeypatch.setattr(native, "MAX_WAIT", 0)
    monkeypatch.setattr(native, "_GRACE", 0)
    body = {**AUTHORIZED.json, "expiresIn": 10**8}
    message = _login_against(
        sandbox,
        monkeypatch,
        {
            "/client/register": REGISTERED,
            "/device_authorization": Reply(json=body),
            "/token": PENDING,
        },
    )
    assert "not approved in time" in message
    assert "ABCD-EFGH" in capfd.readouterr().err  # shown once, before the deadline


def test_login_token_reply_is_checked(sandbox, monkeypatch) -> None:
    message = _login_against(
        sandbox,
        monkeypatch,
        {
            "/client/register": REGISTERED,
            "/device_authorization": Reply(json=AUTHORIZED.json),
            "/token": Reply(json={"accessToken": "tok", "expiresIn": 99999999999999}),
        },
    )
    assert message.startswith("login for sso-session corp failed: the service sent an unusable")


def test_ctrl_c_during_a_hung_refresh_on_a_terminal(standin, sandbox) -> None:
    """On a terminal a network wait is never a trap: Ctrl-C ends it (exit 130), the cache
    file stays as it was."""
    pexpect = pytest.importorskip("pexpect")
    write_grant(sandbox, standin, expires_in=-60)
    before = token_file(sandbox).read_bytes()
    standin.refresh_fault = "hang"
    child = spawn_asw(sandbox)
    try:
        standin.wait_for_call("CreateToken", timeout=30)
        child.sendintr()
        child.expect(pexpect.EOF)
        output = child.before or ""
    finally:
        child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in output and "export AWS_PROFILE" not in output
    assert token_file(sandbox).read_bytes() == before
