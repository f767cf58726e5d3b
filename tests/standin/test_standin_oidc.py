"""The sso-oidc API of the stand-in (device flow, refresh, PKCE), driven by boto3 over real HTTP."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest
from botocore.exceptions import ClientError
from standin_helpers import client, device_token, http, login, register, start_device

from awsswitch.standin import EXAMPLE_START_URL, StandIn


def test_device_flow_pending_then_approved(standin: StandIn) -> None:
    oidc = client("sso-oidc")
    reg = register(oidc, ["sso:account:access"])
    assert reg["clientSecretExpiresAt"] > time.time() + 80 * 86400
    device = start_device(oidc, reg)
    assert device["verificationUriComplete"] == (
        f"{standin.url}/device?user_code={device['userCode']}"
    )
    assert device["interval"] == 1
    assert device["expiresIn"] == 600

    for _ in range(3):
        with pytest.raises(oidc.exceptions.AuthorizationPendingException) as info:
            device_token(oidc, reg, device)
        assert info.value.response["Error"]["Code"] == "AuthorizationPendingException"
        assert info.value.response["error"] == "authorization_pending"
    [pending] = standin.pending()
    assert (pending.user_code, pending.polls, pending.start_url) == (
        device["userCode"],
        3,
        EXAMPLE_START_URL,
    )

    assert standin.approve() == [device["userCode"]]
    token = device_token(oidc, reg, device)
    assert token["tokenType"] == "Bearer"
    assert token["expiresIn"] == 3600
    assert token["refreshToken"]
    assert standin.token_valid(token["accessToken"])
    # A device code is good for one token only.
    with pytest.raises(oidc.exceptions.InvalidGrantException):
        device_token(oidc, reg, device)

    assert standin.counts() == {
        "RegisterClient": 1,
        "StartDeviceAuthorization": 1,
        "CreateToken": 5,
    }
    assert standin.count("CreateToken", error="AuthorizationPendingException") == 3
    assert standin.count("CreateToken", error="") == 1
    register_call = standin.calls[0]
    assert register_call.params["scopes"] == ["sso:account:access"]
    assert register_call.result is not None
    assert register_call.result["clientId"] == reg["clientId"]


def test_auto_approve_after_n_polls(standin: StandIn) -> None:
    standin.auto_approve_after = 2
    oidc = client("sso-oidc")
    reg = register(oidc)
    device = start_device(oidc, reg)
    codes = []
    for _ in range(3):
        try:
            device_token(oidc, reg, device)
            codes.append("ok")
        except ClientError as exc:
            codes.append(exc.response["Error"]["Code"])
    assert codes == ["AuthorizationPendingException", "AuthorizationPendingException", "ok"]


def test_auto_approve_zero_answers_first_poll(standin: StandIn) -> None:
    standin.auto_approve_after = 0
    oidc = client("sso-oidc")
    reg = register(oidc)
    assert device_token(oidc, reg, start_device(oidc, reg))["accessToken"]


def test_slow_down_on_configured_poll(standin: StandIn) -> None:
    standin.slow_down_on = frozenset({2})
    standin.auto_approve_after = 2
    oidc = client("sso-oidc")
    reg = register(oidc)
    device = start_device(oidc, reg)
    seen = []
    while True:
        try:
            device_token(oidc, reg, device)
            break
        except (
            oidc.exceptions.SlowDownException,
            oidc.exceptions.AuthorizationPendingException,
        ) as exc:
            seen.append(exc.response["Error"]["Code"])
    # The slow_down poll does not count towards auto-approval.
    assert seen == [
        "AuthorizationPendingException",
        "SlowDownException",
        "AuthorizationPendingException",
    ]


def test_polling_faster_than_interval_gets_slow_down(standin: StandIn) -> None:
    standin.enforce_interval = True
    standin.interval = 30
    oidc = client("sso-oidc")
    reg = register(oidc)
    device = start_device(oidc, reg)
    with pytest.raises(oidc.exceptions.AuthorizationPendingException):
        device_token(oidc, reg, device)
    with pytest.raises(oidc.exceptions.SlowDownException) as info:
        device_token(oidc, reg, device)
    assert info.value.response["error"] == "slow_down"
    standin.advance(40)  # waited long enough (interval grew by 5 s after the slow_down)
    with pytest.raises(oidc.exceptions.AuthorizationPendingException):
        device_token(oidc, reg, device)


def test_expired_device_code(standin: StandIn) -> None:
    oidc = client("sso-oidc")
    reg = register(oidc)
    device = start_device(oidc, reg)
    standin.advance(601)
    assert standin.pending() == []
    with pytest.raises(oidc.exceptions.ExpiredTokenException) as info:
        device_token(oidc, reg, device)
    assert info.value.response["error"] == "expired_token"
    with pytest.raises(LookupError):
        standin.approve(device["userCode"])


def test_denied_device_authorization(standin: StandIn) -> None:
    oidc = client("sso-oidc")
    reg = register(oidc)
    device = start_device(oidc, reg)
    assert standin.deny(device["userCode"]) == [device["userCode"]]
    with pytest.raises(oidc.exceptions.AccessDeniedException):
        device_token(oidc, reg, device)


def test_bad_client_credentials_and_grants(standin: StandIn) -> None:
    oidc = client("sso-oidc")
    reg = register(oidc)
    with pytest.raises(oidc.exceptions.InvalidClientException) as info:
        oidc.start_device_authorization(
            clientId=reg["clientId"], clientSecret="wrong", startUrl=EXAMPLE_START_URL
        )
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 401
    with pytest.raises(oidc.exceptions.InvalidGrantException):
        device_token(oidc, reg, {"deviceCode": "no-such-code"})
    with pytest.raises(oidc.exceptions.UnsupportedGrantTypeException):
        oidc.create_token(
            clientId=reg["clientId"], clientSecret=reg["clientSecret"], grantType="password"
        )


def test_refresh_rotates_and_rejects_reuse(standin: StandIn) -> None:
    oidc = client("sso-oidc")
    reg, first = login(oidc, standin)

    def refresh(token: str) -> dict[str, Any]:
        return oidc.create_token(
            clientId=reg["clientId"],
            clientSecret=reg["clientSecret"],
            grantType="refresh_token",
            refreshToken=token,
        )

    second = refresh(first["refreshToken"])
    assert second["accessToken"] != first["accessToken"]
    assert second["refreshToken"] != first["refreshToken"]
    assert standin.token_valid(second["accessToken"])
    with pytest.raises(oidc.exceptions.InvalidGrantException) as info:
        refresh(first["refreshToken"])  # used once already
    assert info.value.response["error"] == "invalid_grant"
    with pytest.raises(oidc.exceptions.InvalidGrantException):
        refresh("standin-refresh-unknown")
    assert refresh(second["refreshToken"])["accessToken"]
    assert standin.count("CreateToken", grantType="refresh_token") == 4
    assert standin.count("CreateToken", grantType="refresh_token", error="") == 2


def test_refresh_fails_after_registration_expired(standin: StandIn) -> None:
    grant = standin.mint_token(registration_expires_in=60)
    oidc = client("sso-oidc")
    standin.advance(61)
    with pytest.raises(oidc.exceptions.InvalidClientException):
        oidc.create_token(
            clientId=grant.client_id,
            clientSecret=grant.client_secret,
            grantType="refresh_token",
            refreshToken=grant.refresh_token,
        )


def test_no_refresh_tokens_when_disabled(standin: StandIn) -> None:
    standin.refresh_tokens = False
    standin.access_token_ttl = 120
    oidc = client("sso-oidc")
    _, token = login(oidc, standin)
    assert "refreshToken" not in token
    assert token["expiresIn"] == 120


def test_http_approval_endpoint(standin: StandIn) -> None:
    oidc = client("sso-oidc")
    reg = register(oidc)
    device = start_device(oidc, reg)
    status, page = http(standin.verification_uri)
    assert status == 200 and device["userCode"] in page

    # A user "opens the browser" on verificationUriComplete.
    status, page = http(device["verificationUriComplete"])
    assert status == 200 and "approved" in page
    assert device_token(oidc, reg, device)["accessToken"]

    status, _ = http(f"{standin.verification_uri}?user_code=ZZZZ-ZZZZ")
    assert status == 404

    # The form on /device posts the code; action=deny denies.
    second = start_device(oidc, reg)
    form = urllib.parse.urlencode({"user_code": second["userCode"], "action": "deny"}).encode()
    assert http(standin.verification_uri, form)[0] == 200
    with pytest.raises(oidc.exceptions.AccessDeniedException):
        device_token(oidc, reg, second)
    third = start_device(oidc, reg)
    form = urllib.parse.urlencode({"user_code": third["userCode"].lower()}).encode()
    assert http(standin.verification_uri, form)[0] == 200
    assert device_token(oidc, reg, third)["accessToken"]
    assert standin.count("StartDeviceAuthorization") == 3  # page visits are not API calls


def test_wait_for_device_authorization_from_another_thread(standin: StandIn) -> None:
    oidc = client("sso-oidc")
    reg = register(oidc)
    result: dict[str, Any] = {}

    def approver() -> None:
        result["device"] = standin.wait_for_device_authorization(timeout=10)
        standin.approve(result["device"].user_code)

    thread = threading.Thread(target=approver)
    thread.start()
    device = start_device(oidc, reg)
    thread.join()
    assert result["device"].user_code == device["userCode"]
    assert device_token(oidc, reg, device)["accessToken"]
    standin.wait_for_call("CreateToken", 1, error="")
    with pytest.raises(TimeoutError):
        standin.wait_for_call("Logout", timeout=0.1)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def pkce_authorize(s: StandIn, reg: dict[str, Any], challenge: str) -> tuple[int, str, str]:
    """Open /authorize as the CLI's browser would; (status, Location or page, redirect_uri)."""
    redirect_uri = "http://127.0.0.1:45678/oauth/callback"
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": reg["clientId"],
            "redirect_uri": redirect_uri,
            "state": "st-1",
            "code_challenge_method": "S256",
            "scopes": "sso:account:access",
            "code_challenge": challenge,
        }
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(f"{s.url}/authorize?{query}", timeout=10) as resp:
            return resp.status, resp.read().decode(), redirect_uri
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Location", ""), redirect_uri


def test_pkce_authorization_code_flow(standin: StandIn) -> None:
    import base64
    import hashlib

    verifier = "v" * 64
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    oidc = client("sso-oidc")
    reg = oidc.register_client(
        clientName="botocore-client-corp",
        clientType="public",
        grantTypes=["authorization_code", "refresh_token"],
        redirectUris=["http://127.0.0.1/oauth/callback"],
        issuerUrl=EXAMPLE_START_URL,
        scopes=["sso:account:access"],
    )

    # Manual mode: a page with an "Allow" link that redirects to the callback.
    status, page, redirect_uri = pkce_authorize(standin, reg, challenge.decode().rstrip("="))
    assert status == 200 and "/authorize/allow?request=" in page
    allow = page.split('href="', 1)[1].split('"', 1)[0]
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as info:
        opener.open(f"{standin.url}{allow}", timeout=10)
    location = info.value.headers["Location"]
    assert location.startswith(f"{redirect_uri}?")
    params = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
    assert params["state"] == ["st-1"]

    def exchange(code: str, code_verifier: str) -> dict[str, Any]:
        return oidc.create_token(
            clientId=reg["clientId"],
            clientSecret=reg["clientSecret"],
            grantType="authorization_code",
            redirectUri=redirect_uri,
            codeVerifier=code_verifier,
            code=code,
        )

    with pytest.raises(oidc.exceptions.InvalidGrantException):
        exchange(params["code"][0], "wrong-verifier")
    token = exchange(params["code"][0], verifier)
    assert standin.token_valid(token["accessToken"]) and token["refreshToken"]
    with pytest.raises(oidc.exceptions.InvalidGrantException):
        exchange(params["code"][0], verifier)  # single use

    # Auto-approval: /authorize redirects at once.
    standin.auto_approve_after = 0
    status, location, _ = pkce_authorize(standin, reg, challenge.decode().rstrip("="))
    assert status == 302 and "code=standin-code-" in location

    # A device-flow client may not use the authorization_code grant.
    plain = register(oidc)
    with pytest.raises(oidc.exceptions.UnauthorizedClientException):
        oidc.create_token(
            clientId=plain["clientId"],
            clientSecret=plain["clientSecret"],
            grantType="authorization_code",
            redirectUri=redirect_uri,
            codeVerifier=verifier,
            code="x",
        )


def _pkce_client(oidc: Any, redirect_uris: list[str] | None) -> dict[str, Any]:
    extra = {} if redirect_uris is None else {"redirectUris": redirect_uris}
    return oidc.register_client(
        clientName="c",
        clientType="public",
        grantTypes=["authorization_code", "refresh_token"],
        issuerUrl=EXAMPLE_START_URL,
        **extra,
    )


@pytest.mark.parametrize(
    ("registered", "allowed"),
    [
        (["http://127.0.0.1/oauth/callback"], True),  # any port, as RFC 8252 allows
        (["http://127.0.0.1:45678/oauth/callback"], True),
        (["http://127.0.0.1/other"], False),
        (["http://localhost/oauth/callback"], False),  # another host
        (["https://127.0.0.1/oauth/callback"], False),
        (["http://example.com/oauth/callback"], False),
        ([], False),
        (None, False),
    ],
)
def test_authorize_needs_a_registered_redirect_uri(standin: StandIn, registered, allowed) -> None:
    standin.auto_approve_after = 0
    reg = _pkce_client(client("sso-oidc"), registered)
    status, location, redirect_uri = pkce_authorize(standin, reg, "c" * 43)
    if allowed:
        assert status == 302 and location.startswith(f"{redirect_uri}?code=standin-code-")
        assert standin.count("Authorize", redirectUri=redirect_uri, state="st-1") == 1
    else:
        assert status == 400 and not location
        assert standin.count("Authorize", error="InvalidRequestException") == 1
    assert standin.count("Authorize") == 1


def test_authorize_visits_are_recorded_without_the_challenge(standin: StandIn) -> None:
    reg = _pkce_client(client("sso-oidc"), ["http://127.0.0.1/oauth/callback"])
    status, page, _ = pkce_authorize(standin, reg, "secret-challenge" * 3)
    assert status == 200
    allow = page.split('href="', 1)[1].split('"', 1)[0]
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError):
        opener.open(f"{standin.url}{allow}", timeout=10)
    standin.wait_for_call("AuthorizeAllow")
    calls = [c for c in standin.calls if c.operation.startswith("Authorize")]
    assert [(c.operation, c.status) for c in calls] == [("Authorize", 200), ("AuthorizeAllow", 302)]
    assert calls[0].params["clientId"] == reg["clientId"]
    assert "secret-challenge" not in repr(calls)
