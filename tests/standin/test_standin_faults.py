"""Reply faults for hardening SSO clients: garbage, no accessToken, a huge expiresIn, a reply
that never comes, a huge body. Checked on the wire (http.client) and through botocore."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from typing import Any
from urllib.parse import urlsplit

import pytest
from botocore.exceptions import ReadTimeoutError
from standin_helpers import client

from awsswitch.standin import (
    DEVICE_CODE_GRANT,
    EXAMPLE_START_URL,
    HUGE_EXPIRES_IN_VALUE,
    REFRESH_TOKEN_GRANT,
    Grant,
    StandIn,
)


def post_token(s: StandIn, body: dict[str, Any], timeout: float = 10.0) -> tuple[int, bytes]:
    """POST /token as botocore would; (status, raw body)."""
    conn = http.client.HTTPConnection(urlsplit(s.url).netloc, timeout=timeout)
    try:
        data = json.dumps(body).encode()
        conn.request("POST", "/token", data, {"Content-Type": "application/json"})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def refresh_body(grant: Grant, token: str | None = None) -> dict[str, Any]:
    return {
        "clientId": grant.client_id,
        "clientSecret": grant.client_secret,
        "grantType": REFRESH_TOKEN_GRANT,
        "refreshToken": token or grant.refresh_token,
    }


def refresh_works(s: StandIn, grant: Grant) -> bool:
    status, raw = post_token(s, refresh_body(grant))
    return status == 200 and s.token_valid(json.loads(raw)["accessToken"])


def test_garbage_reply_is_not_json_and_spends_nothing(standin: StandIn) -> None:
    grant = standin.mint_token()
    standin.refresh_fault = "garbage"
    status, raw = post_token(standin, refresh_body(grant))
    assert status == 200
    with pytest.raises(ValueError):
        json.loads(raw)
    [call] = standin.calls
    assert (call.fault, call.status, call.error, call.result) == ("garbage", 200, None, None)
    standin.refresh_fault = None
    assert refresh_works(standin, grant)


def test_reply_without_access_token(standin: StandIn) -> None:
    grant = standin.mint_token()
    standin.fail_reply("CreateToken", "no-access-token", grant_type=REFRESH_TOKEN_GRANT)
    status, raw = post_token(standin, refresh_body(grant))
    reply = json.loads(raw)
    assert status == 200 and "accessToken" not in reply
    assert reply == {"tokenType": "Bearer", "expiresIn": standin.access_token_ttl}
    assert refresh_works(standin, grant)  # queued once: the next refresh is normal


def test_huge_expires_in_is_a_real_rotated_grant(standin: StandIn) -> None:
    grant = standin.mint_token()
    standin.refresh_fault = "huge-expires-in"
    status, raw = post_token(standin, refresh_body(grant))
    reply = json.loads(raw)
    assert status == 200 and reply["expiresIn"] == HUGE_EXPIRES_IN_VALUE == 99999999999999
    assert standin.token_valid(reply["accessToken"]) and reply["refreshToken"]
    assert standin.calls[0].result == reply
    standin.refresh_fault = None
    status, raw = post_token(standin, refresh_body(grant))  # the old refresh token is spent
    assert status == 400 and json.loads(raw)["error"] == "invalid_grant"


def test_hang_until_the_client_gives_up(standin: StandIn) -> None:
    grant = standin.mint_token()
    standin.refresh_fault = "hang"
    with pytest.raises(TimeoutError):
        post_token(standin, refresh_body(grant), timeout=0.5)
    standin.wait_for_call("CreateToken")
    [call] = standin.calls
    assert (call.fault, call.status, call.result) == ("hang", 0, None)
    standin.refresh_fault = None
    assert refresh_works(standin, grant)  # nothing was spent, and the server still answers


def test_hang_is_bounded_by_the_server(standin: StandIn) -> None:
    grant = standin.mint_token()
    standin.hang_limit = 0.2
    standin.fail_reply("CreateToken", "hang")
    # A patient client: the server closes the connection without a byte.
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        post_token(standin, refresh_body(grant), timeout=30)
    assert refresh_works(standin, grant)


def test_stop_ends_a_hanging_request() -> None:
    s = StandIn(refresh_fault="hang").start()
    grant = s.mint_token()
    outcome: list[BaseException] = []

    def patient() -> None:
        try:
            post_token(s, refresh_body(grant), timeout=30)
        except (OSError, http.client.HTTPException) as exc:
            outcome.append(exc)

    thread = threading.Thread(target=patient)
    thread.start()
    s.wait_for_call("CreateToken")
    s.stop()
    thread.join(timeout=20)
    assert not thread.is_alive()
    assert outcome and not isinstance(outcome[0], socket.timeout)


def test_huge_body_is_valid_json_of_the_asked_size(standin: StandIn) -> None:
    grant = standin.mint_token()
    standin.huge_body_bytes = 3 * 1024 * 1024 + 7
    standin.refresh_fault = "huge-body"
    status, raw = post_token(standin, refresh_body(grant))
    assert status == 200 and len(raw) == standin.huge_body_bytes
    reply = json.loads(raw)
    assert standin.token_valid(reply["accessToken"])
    assert standin.calls[0].fault == "huge-body"


def test_queued_faults_match_the_grant_type_and_count(standin: StandIn) -> None:
    standin.auto_approve_after = 0
    oidc = client("sso-oidc", retries={"total_max_attempts": 1})
    reg = oidc.register_client(clientName="c", clientType="public")
    standin.fail_reply("CreateToken", "garbage", times=2, grant_type=REFRESH_TOKEN_GRANT)
    # A device-code poll is not a refresh: it is answered normally.
    device = oidc.start_device_authorization(
        clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl=EXAMPLE_START_URL
    )
    token = oidc.create_token(
        clientId=reg["clientId"],
        clientSecret=reg["clientSecret"],
        grantType=DEVICE_CODE_GRANT,
        deviceCode=device["deviceCode"],
    )
    grant = Grant(token["accessToken"], 0, token["refreshToken"], reg["clientId"], "", 0)
    body = {**refresh_body(grant), "clientSecret": reg["clientSecret"]}
    assert [post_token(standin, body)[1][:6] for _ in range(2)] == [b"<html>"] * 2
    status, raw = post_token(standin, body)
    assert status == 200 and standin.token_valid(json.loads(raw)["accessToken"])
    assert [c.fault for c in standin.calls if c.operation == "CreateToken"] == [
        None,
        "garbage",
        "garbage",
        None,
    ]


def test_botocore_sees_a_broken_refresh_and_a_hanging_portal(standin: StandIn) -> None:
    grant = standin.mint_token()
    oidc = client("sso-oidc", retries={"total_max_attempts": 1})
    standin.refresh_fault = "garbage"
    # botocore takes a 200 that is not JSON for a success without fields: the client must check.
    reply = oidc.create_token(**refresh_body(grant))
    assert "accessToken" not in reply and reply["ResponseMetadata"]["HTTPStatusCode"] == 200
    standin.fail_reply("ListAccounts", "hang")
    sso = client("sso", read_timeout=0.3, retries={"total_max_attempts": 1})
    with pytest.raises(ReadTimeoutError):
        sso.list_accounts(accessToken=grant.access_token)
    assert sso.list_accounts(accessToken=grant.access_token)["accountList"]


def test_bad_fault_modes_are_refused() -> None:
    s = StandIn()
    with pytest.raises(ValueError, match="unknown reply fault"):
        s.fail_reply("CreateToken", "slow")
    with pytest.raises(ValueError, match="CreateToken only"):
        s.fail_reply("ListAccounts", "no-access-token")
    with pytest.raises(ValueError, match="unknown operation"):
        s.fail_reply("Nope", "garbage")
    with pytest.raises(ValueError):
        StandIn(refresh_fault="bogus")
