"""The sign-in federation endpoint over real HTTP: sign-in tokens only for temporary
credentials the stand-in issued, the login redirect only for tokens it issued, refusals."""

from __future__ import annotations

import http.client
import json
import urllib.parse
from typing import Any

import boto3
import pytest
from standin_helpers import http as fetch

from awsswitch.standin import StandIn

CONSOLE = "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1"


def session_of(creds: dict[str, Any]) -> str:
    return json.dumps(
        {
            "sessionId": creds["accessKeyId"],
            "sessionKey": creds["secretAccessKey"],
            "sessionToken": creds["sessionToken"],
        }
    )


def get_token(s: StandIn, session: str | None, **extra: str) -> tuple[int, dict[str, Any]]:
    params = {"Action": "getSigninToken", **extra}
    if session is not None:
        params["Session"] = session
    status, body = fetch(f"{s.federation_url}?{urllib.parse.urlencode(params)}")
    return status, json.loads(body)


def login(s: StandIn, token: str, destination: str = CONSOLE) -> http.client.HTTPResponse:
    """GET the login URL without following the redirect."""
    query = urllib.parse.urlencode(
        {"Action": "login", "Issuer": "awsswitch", "Destination": destination, "SigninToken": token}
    )
    split = urllib.parse.urlsplit(s.federation_url)
    conn = http.client.HTTPConnection(split.hostname, split.port, timeout=10)
    conn.request("GET", f"{split.path}?{query}")
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


@pytest.fixture
def creds(standin: StandIn) -> dict[str, Any]:
    return standin.mint_credentials("111111111111", "PowerUser")


def test_token_then_login_redirects(standin: StandIn, creds: dict[str, Any]) -> None:
    status, body = get_token(standin, session_of(creds), SessionDuration="3600")
    assert status == 200 and set(body) == {"SigninToken"}
    token = body["SigninToken"]
    assert standin.signin_token_valid(token)
    response = login(standin, token)
    assert response.status == 302
    assert response.getheader("Location") == CONSOLE
    assert standin.count("GetSigninToken", error="", sessionId=creds["accessKeyId"]) == 1
    assert standin.count("Login", error="", SigninToken=token, Destination=CONSOLE) == 1
    # What the record keeps of the call: never the secret key or the session token.
    recorded = json.dumps([c.params for c in standin.calls])
    assert creds["secretAccessKey"] not in recorded and creds["sessionToken"] not in recorded


def test_post_form_and_assumed_role_credentials(standin: StandIn, creds: dict[str, Any]) -> None:
    """AWS takes the session in a POST form too (long session tokens); credentials from
    AssumeRole and registered temporary keys qualify like portal ones."""
    sts = boto3.Session(
        aws_access_key_id=creds["accessKeyId"],
        aws_secret_access_key=creds["secretAccessKey"],
        aws_session_token=creds["sessionToken"],
        region_name="us-east-1",
    ).client("sts")
    role = sts.assume_role(RoleArn="arn:aws:iam::222222222222:role/Deploy", RoleSessionName="me")
    assumed = {
        "accessKeyId": role["Credentials"]["AccessKeyId"],
        "secretAccessKey": role["Credentials"]["SecretAccessKey"],
        "sessionToken": role["Credentials"]["SessionToken"],
    }
    standin.register_keys("ASIAREGISTERED000000", "sekrit", session_token="tok-registered")
    registered = {
        "accessKeyId": "ASIAREGISTERED000000",
        "secretAccessKey": "sekrit",
        "sessionToken": "tok-registered",
    }
    for c in (creds, assumed, registered):
        form = urllib.parse.urlencode({"Action": "getSigninToken", "Session": session_of(c)})
        status, body = fetch(standin.federation_url, data=form.encode())
        assert status == 200, body
        assert standin.signin_token_valid(json.loads(body)["SigninToken"])


def test_refusals(standin: StandIn, creds: dict[str, Any]) -> None:
    assert get_token(standin, None)[0] == 400
    assert get_token(standin, "{not json")[0] == 400
    assert get_token(standin, json.dumps({"sessionId": creds["accessKeyId"]}))[0] == 400
    good = session_of(creds)
    assert get_token(standin, good, SessionDuration="60")[0] == 400
    assert get_token(standin, good, SessionDuration="soon")[0] == 400
    forged = session_of({**creds, "secretAccessKey": "guess"})
    status, body = get_token(standin, forged)
    assert status == 403 and body["Error"] == "InvalidSession"
    assert get_token(standin, session_of({**creds, "sessionToken": "other"}))[0] == 403
    unknown = {"accessKeyId": "ASIANOTISSUED0000000", "secretAccessKey": "s", "sessionToken": "t"}
    assert get_token(standin, session_of(unknown))[0] == 403
    # Long-term keys: the federation endpoint wants temporary credentials.
    standin.register_keys("AKIALONGTERM00000000", "long-secret")
    long_term = {"accessKeyId": "AKIALONGTERM00000000", "secretAccessKey": "long-secret"}
    assert get_token(standin, session_of({**long_term, "sessionToken": ""}))[0] == 403
    status, body = fetch(f"{standin.federation_url}?Action=federate")
    assert status == 400
    assert standin.count("GetSigninToken", error="") == 0


def test_expired_credentials_and_tokens(standin: StandIn) -> None:
    short = standin.mint_credentials("111111111111", "PowerUser", expires_in=2)
    status, body = get_token(standin, session_of(short))
    assert status == 200
    token = body["SigninToken"]
    standin.advance(3)
    status, body = get_token(standin, session_of(short))
    assert status == 403 and body["Error"] == "ExpiredSession"
    assert login(standin, token).status == 302  # the sign-in token lives on its own clock
    standin.advance(standin.signin_token_ttl)
    assert not standin.signin_token_valid(token)
    response = login(standin, token)
    assert response.status == 400 and response.getheader("Location") is None
    assert standin.count("Login", error="ExpiredSigninToken") == 1


def test_login_refuses_unknown_tokens_and_bad_destinations(
    standin: StandIn, creds: dict[str, Any]
) -> None:
    assert login(standin, "standin-signin-forged").status == 400
    assert login(standin, "").status == 400
    token = get_token(standin, session_of(creds))[1]["SigninToken"]
    hostile = ("", "javascript:alert(1)", "/relative/path", f"{CONSOLE}\r\nSet-Cookie: x=1")
    for destination in hostile:
        response = login(standin, token, destination)
        assert response.status == 400 and response.getheader("Location") is None
    assert standin.count("Login", error="InvalidSigninToken") == 2
    assert standin.count("Login", error="InvalidDestination") == 4
    assert standin.count("Login", error="") == 0
