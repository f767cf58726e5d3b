"""The built-in authorization-code login (PKCE) over real HTTP: the stand-in's /authorize, a
browser played by tests/sso/fake_browser.py, awsswitch's loopback listener. What the CLI
registers and sends, the state and verifier checks, denial, bounded waits. (Which flow and
which browser: test_sso_login_browser.py.)"""

from __future__ import annotations

import json
import os
import socket
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from pkce_helpers import (
    AUTH_CODE_REGISTRATION,
    authorize_query,
    corp_registration,
    corp_target,
    last_page,
    login,
    read_visits,
)
from support.sso import (
    REGION,
    START_URL,
    TOKEN_FIELDS,
    set_env,
    token_file,
)

from awsswitch.errors import AwsswitchError
from awsswitch.sso import cache, clients, hook, pkce, state
from awsswitch.standin import StandIn

pytestmark = pytest.mark.usefixtures("sso_config")


# -- end to end ---------------------------------------------------------------------------


def test_pkce_login_end_to_end(standin, sandbox, visits, capfd) -> None:
    login()
    out, err = capfd.readouterr()
    assert out.startswith("sso-session corp: logged in (")
    assert "renewable until" in out

    register = [c for c in standin.calls if c.operation == "RegisterClient"]
    assert len(register) == 1  # the endpoint look-up never reaches the wire
    assert register[0].params == {
        "clientName": "botocore-client-corp",
        "clientType": "public",
        "grantTypes": AUTH_CODE_REGISTRATION,
        "redirectUris": ["http://127.0.0.1/oauth/callback"],
        "issuerUrl": START_URL,
        "scopes": ["sso:account:access"],
    }
    assert standin.count("StartDeviceAuthorization") == 0

    opened, landed = read_visits(visits, landed=1)
    url = opened["url"]
    assert url.startswith(standin.url + "/authorize?")  # AWS_ENDPOINT_URL_SSO_OIDC moved it
    query = authorize_query(url)
    assert list(query) == [
        "response_type",
        "client_id",
        "redirect_uri",
        "state",
        "code_challenge_method",
        "scopes",
        "code_challenge",
    ]
    assert query["response_type"] == "code"
    assert query["client_id"] == register[0].result["clientId"]
    assert query["code_challenge_method"] == "S256"
    assert query["scopes"] == "sso:account:access"
    assert str(uuid.UUID(query["state"])) == query["state"]
    redirect = urlsplit(query["redirect_uri"])
    assert (redirect.scheme, redirect.hostname, redirect.path) == (
        "http",
        "127.0.0.1",
        "/oauth/callback",
    )
    assert (landed["status"], landed["title"]) == (200, "Login complete")
    assert landed["url"] == query["redirect_uri"]

    (exchange,) = [c for c in standin.calls if c.operation == "CreateToken"]
    assert exchange.params["grantType"] == "authorization_code"
    assert exchange.params["redirectUri"] == query["redirect_uri"]
    verifier = exchange.params["codeVerifier"]
    assert len(verifier) == 64 and pkce.challenge(verifier) == query["code_challenge"]
    assert not exchange.error

    # On stderr: the URL and the way out; never the verifier or the code.
    assert url in err and "--use-device-code --sso-session corp" in err
    assert verifier not in err and exchange.params["code"] not in err

    token = json.loads(token_file(sandbox).read_text())
    assert list(token) == TOKEN_FIELDS
    assert token["accessToken"] == exchange.result["accessToken"]
    assert standin.token_valid(token["accessToken"])
    reg = json.loads(corp_registration().read_text())
    assert list(reg) == ["clientId", "clientSecret", "expiresAt", "scopes", "grantTypes"]
    assert reg["grantTypes"] == AUTH_CODE_REGISTRATION
    assert reg["scopes"] == ["sso:account:access"]
    assert reg["expiresAt"] == token["registrationExpiresAt"]
    assert corp_registration().read_text() == cache.dumps(reg)


def test_registration_reused_by_its_own_flow_only(standin, sandbox, visits) -> None:
    """One registration file per (start URL, region, scopes, session), as the CLI: a PKCE
    login reuses an authorization-code registration, a device login replaces it with its
    own, and the next PKCE login replaces that again."""
    login()
    login(force=True)
    assert standin.count("RegisterClient") == 1
    first = json.loads(corp_registration().read_text())
    login(force=True, use_device_code=True)
    device = json.loads(corp_registration().read_text())
    assert "grantTypes" not in device and device["clientId"] != first["clientId"]
    login(force=True)
    again = json.loads(corp_registration().read_text())
    assert again["grantTypes"] == AUTH_CODE_REGISTRATION
    assert standin.count("RegisterClient") == 3
    assert standin.count("CreateToken", grantType="authorization_code", error="") == 3


def test_scopes_as_configured(standin, sandbox, visits) -> None:
    sandbox.config.write_text(
        sandbox.config.read_text().replace(
            "sso_registration_scopes = sso:account:access",
            "sso_registration_scopes = sso:account:access, codewhisperer:completions",
        )
    )
    login()
    (register,) = [c for c in standin.calls if c.operation == "RegisterClient"]
    scopes = ["sso:account:access", "codewhisperer:completions"]
    assert register.params["scopes"] == scopes
    query = authorize_query(read_visits(visits)[0]["url"])
    assert query["scopes"] == "sso:account:access codewhisperer:completions"
    assert (
        "scopes=sso%3Aaccount%3Aaccess%20codewhisperer%3Acompletions&"
        in (read_visits(visits)[0]["url"])
    )
    path = cache.registration_file(os.environ, START_URL, REGION, scopes, "corp")
    assert json.loads(Path(path).read_text())["scopes"] == scopes


def test_session_without_scopes_registers_the_default(standin, sandbox, visits) -> None:
    login(sso_session="other")
    (register,) = [c for c in standin.calls if c.operation == "RegisterClient"]
    assert register.params["scopes"] == ["sso:account:access"]
    assert authorize_query(read_visits(visits)[0]["url"])["scopes"] == "sso:account:access"
    # the key holds the scopes as configured (none), the file the ones registered
    path = cache.registration_file(os.environ, "https://d-2222222222.awsapps.com/start",
                                   "eu-west-1", None, "other")  # fmt: skip
    assert json.loads(Path(path).read_text())["scopes"] == ["sso:account:access"]


def test_favicon_request_does_not_end_the_login(standin, sandbox, visits, monkeypatch) -> None:
    monkeypatch.setenv("FAKE_BROWSER_MODE", "favicon")
    login()
    events = {v["event"]: v for v in read_visits(visits, landed=1)}
    assert events["favicon"]["status"] == 404
    assert events["landed"]["title"] == "Login complete"
    assert state.status_of(corp_target()).state == state.FRESH


# -- refusals -----------------------------------------------------------------------------


def test_wrong_state_is_never_exchanged(standin, sandbox, visits, monkeypatch, capfd) -> None:
    monkeypatch.setenv("FAKE_BROWSER_MODE", "wrong-state")
    with pytest.raises(AwsswitchError, match="state that is not this login's"):
        login()
    assert standin.count("CreateToken") == 0  # the code was never exchanged
    landed = last_page(visits)
    assert (landed["status"], landed["title"]) == (400, "Login failed")
    assert not token_file(sandbox).exists()
    # the code the stand-in issued is still unused (nothing else redeemed it either)
    assert [a.used for a in standin.oidc.auth_codes.values()] == [False]
    assert "standin-code-" not in capfd.readouterr().err


def test_verifier_mismatch_refused_by_the_service(standin, sandbox, visits, monkeypatch) -> None:
    """The page gets the challenge of another verifier: the stand-in refuses the exchange."""
    real = pkce.challenge
    monkeypatch.setattr(pkce, "challenge", lambda verifier: real(verifier[::-1]))
    with pytest.raises(AwsswitchError, match="InvalidGrantException") as caught:
        login()
    (exchange,) = [c for c in standin.calls if c.operation == "CreateToken"]
    assert exchange.error == "InvalidGrantException"
    assert exchange.params["codeVerifier"] not in str(caught.value)
    assert exchange.params["code"] not in str(caught.value)
    assert not token_file(sandbox).exists()


def test_denied_in_the_browser(standin, sandbox, visits, monkeypatch) -> None:
    monkeypatch.setenv("FAKE_BROWSER_MODE", "deny")
    with pytest.raises(AwsswitchError, match=r"refused in the browser \(access_denied: User said"):
        login()
    assert standin.count("CreateToken") == 0
    assert last_page(visits)["title"] == "Login failed"


def test_no_answer_is_bounded(standin, sandbox, visits, monkeypatch) -> None:
    monkeypatch.setenv("FAKE_BROWSER_MODE", "idle")
    monkeypatch.setattr(pkce, "OVERALL_TIMEOUT", 1)
    with pytest.raises(AwsswitchError, match="no answer from the browser"):
        login()
    assert standin.count("CreateToken") == 0


def test_listener_is_closed_after_the_login(standin, sandbox, visits) -> None:
    login()
    port = urlsplit(authorize_query(read_visits(visits)[0]["url"])["redirect_uri"]).port
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=5):
        pass


# -- pieces -------------------------------------------------------------------------------


def test_challenge_is_s256_without_padding() -> None:
    import base64
    import hashlib

    verifier = pkce.new_verifier()
    assert len(verifier) == 64 and set(verifier) <= set(pkce._VERIFIER_CHARS)
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode()
    assert len(digest) == 44 and digest.endswith("=")
    assert pkce.challenge(verifier) == digest[:-1]  # the CLI trims the one "="


def test_authorize_base_follows_the_endpoint(monkeypatch) -> None:
    """Found without a request: the default regional endpoint, or the override's scheme and
    host (its path dropped, as the CLI does)."""
    default = clients.client("sso-oidc", "eu-central-1", {})
    assert pkce.authorize_base(default) == "https://oidc.eu-central-1.amazonaws.com"
    moved = clients.client(
        "sso-oidc", "eu-central-1", {"AWS_ENDPOINT_URL_SSO_OIDC": "http://127.0.0.1:9/some/path"}
    )
    assert pkce.authorize_base(moved) == "http://127.0.0.1:9"


def test_authorize_url_encoding() -> None:
    url = pkce.authorize_url(
        "https://oidc.us-east-1.amazonaws.com",
        "client id/1",
        "http://127.0.0.1:4242/oauth/callback",
        "0b6c6f1e-2d3b-4c7a-9b58-1f3a5e7d9c20",
        ("a:b", "c"),
        "CHALLENGE-_",
    )
    assert url == (
        "https://oidc.us-east-1.amazonaws.com/authorize?response_type=code"
        "&client_id=client%20id%2F1"
        "&redirect_uri=http%3A%2F%2F127.0.0.1%3A4242%2Foauth%2Fcallback"
        "&state=0b6c6f1e-2d3b-4c7a-9b58-1f3a5e7d9c20&code_challenge_method=S256"
        "&scopes=a%3Ab%20c&code_challenge=CHALLENGE-_"
    )


def test_login_hint_and_hook_signature() -> None:
    target = state.SsoTarget("it's", START_URL, REGION, None, None, "/x")
    assert target.hint("--force") == "awsswitch login --force --sso-session 'it'\\''s'"
    assert hook.ensure_target_fresh.__kwdefaults__["use_device_code"] is False


def test_standalone_stand_in_authorize_page_needs_a_click(sandbox, monkeypatch, visits) -> None:
    """With auto-approval off, /authorize shows an Allow page; the listener keeps waiting
    for a browser that never clicks, within its bound."""
    with StandIn(auto_approve_after=None) as s:
        set_env(sandbox, monkeypatch, **s.env(), AWSSWITCH_AWS_CLI="native")
        monkeypatch.setattr(pkce, "OVERALL_TIMEOUT", 2)
        with pytest.raises(AwsswitchError, match="no answer from the browser"):
            login()
        landed = last_page(visits)
        assert landed["status"] == 200 and landed["url"].startswith(s.url + "/authorize")
        assert s.count("CreateToken") == 0
