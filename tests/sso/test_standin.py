"""The Identity Center stand-in, driven by boto3 over real HTTP on 127.0.0.1."""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError, ReadTimeoutError

from awsswitch.standin import (
    DEVICE_CODE_GRANT,
    EXAMPLE_START_URL,
    Account,
    StandIn,
    generate_accounts,
    write_cli_data_path,
)

REGION = "us-east-1"


def client(service: str, **config: Any) -> Any:
    """An unsigned client as the AWS CLI and botocore's SSO providers build them; endpoints
    come from the AWS_ENDPOINT_URL_* variables the test exported."""
    session = boto3.Session(region_name=REGION)
    return session.client(service, config=Config(signature_version=UNSIGNED, **config))


def point_at(s: StandIn, monkeypatch: pytest.MonkeyPatch) -> StandIn:
    """Export the stand-in's endpoints for boto3 (undone after the test)."""
    for key, value in s.env().items():
        monkeypatch.setenv(key, value)
    return s


@pytest.fixture
def standin(monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    with StandIn(auto_approve_after=None) as s:
        yield point_at(s, monkeypatch)


def register(oidc: Any, scopes: list[str] | None = None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"clientName": "botocore-client-corp", "clientType": "public"}
    if scopes is not None:
        kwargs["scopes"] = scopes
    return oidc.register_client(**kwargs)


def device_token(oidc: Any, reg: dict[str, Any], device: dict[str, Any]) -> dict[str, Any]:
    return oidc.create_token(
        clientId=reg["clientId"],
        clientSecret=reg["clientSecret"],
        grantType=DEVICE_CODE_GRANT,
        deviceCode=device["deviceCode"],
    )


def start_device(oidc: Any, reg: dict[str, Any]) -> dict[str, Any]:
    return oidc.start_device_authorization(
        clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl=EXAMPLE_START_URL
    )


def login(oidc: Any, s: StandIn) -> tuple[dict[str, Any], dict[str, Any]]:
    reg = register(oidc, ["sso:account:access"])
    device = start_device(oidc, reg)
    s.approve(device["userCode"])
    return reg, device_token(oidc, reg, device)


# --------------------------------------------------------------------------- sso-oidc


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


# --------------------------------------------------------------------------- portal


def test_list_accounts_and_roles_paginate(monkeypatch: pytest.MonkeyPatch) -> None:
    accounts = generate_accounts(45, 3)
    with StandIn(accounts) as s:
        grant = s.mint_token()
        point_at(s, monkeypatch)
        sso = client("sso")
        pages = list(
            sso.get_paginator("list_accounts").paginate(
                accessToken=grant.access_token, PaginationConfig={"PageSize": 10}
            )
        )
        assert len(pages) == 5
        listed = [a for page in pages for a in page["accountList"]]
        assert [a["accountId"] for a in listed] == [a.account_id for a in accounts]
        assert listed[0] == {
            "accountId": "100000000000",
            "accountName": "account-0001",
            "emailAddress": "account-0001@example.com",
        }
        role_pages = list(
            sso.get_paginator("list_account_roles").paginate(
                accessToken=grant.access_token,
                accountId=accounts[7].account_id,
                PaginationConfig={"PageSize": 1},
            )
        )
        assert [r["roleName"] for p in role_pages for r in p["roleList"]] == [
            "AdministratorAccess",
            "PowerUserAccess",
            "ReadOnlyAccess",
        ]
        assert {r["accountId"] for p in role_pages for r in p["roleList"]} == {"100000000007"}
        assert s.count("ListAccounts") == 5
        assert s.calls[1].params["nextToken"] and s.calls[1].params["maxResults"] == "10"
        # Default page size without maxResults.
        assert len(sso.list_accounts(accessToken=grant.access_token)["accountList"]) == 20
        with pytest.raises(sso.exceptions.InvalidRequestException):
            sso.list_accounts(accessToken=grant.access_token, nextToken="garbage")


def test_accounts_in_every_form_and_optional_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    accounts = [
        Account("333333333333", roles=("Admin",)),
        {"id": "444444444444", "name": "dict", "email": "d@example.com", "roles": ["R"]},
        ("555555555555", "tuple", None, ["T1", "T2"]),
    ]
    with StandIn(accounts) as s:
        point_at(s, monkeypatch)
        token = s.mint_token().access_token
        listed = client("sso").list_accounts(accessToken=token)["accountList"]
    assert listed == [
        {"accountId": "333333333333"},
        {"accountId": "444444444444", "accountName": "dict", "emailAddress": "d@example.com"},
        {"accountId": "555555555555", "accountName": "tuple"},
    ]


def test_get_role_credentials(standin: StandIn) -> None:
    sso = client("sso")
    token = standin.mint_token().access_token
    before = time.time()
    creds = sso.get_role_credentials(
        accessToken=token, accountId="111111111111", roleName="PowerUser"
    )["roleCredentials"]
    assert creds["accessKeyId"].startswith("ASIA") and len(creds["accessKeyId"]) == 20
    assert len(creds["secretAccessKey"]) == 40 and creds["sessionToken"]
    # epoch milliseconds, one hour ahead
    assert before * 1000 + 3500_000 < creds["expiration"] < time.time() * 1000 + 3700_000
    [call] = standin.calls
    assert call.params == {
        "accessToken": token,
        "accountId": "111111111111",
        "roleName": "PowerUser",
    }
    assert call.result == {"roleCredentials": creds}

    for account, role in (("111111111111", "AdministratorAccess"), ("999999999999", "PowerUser")):
        with pytest.raises(ClientError) as info:
            sso.get_role_credentials(accessToken=token, accountId=account, roleName=role)
        assert info.value.response["Error"] == {
            "Code": "ForbiddenException",
            "Message": "No access",
        }


def test_unauthorized_tokens(standin: StandIn) -> None:
    sso = client("sso")
    expired = standin.mint_token(expires_in=-5).access_token
    for token in ("not-a-token", expired):
        with pytest.raises(sso.exceptions.UnauthorizedException) as info:
            sso.list_accounts(accessToken=token)
        assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 401
    valid = standin.mint_token(expires_in=600).access_token
    standin.advance(601)
    with pytest.raises(sso.exceptions.UnauthorizedException):
        sso.list_account_roles(accessToken=valid, accountId="111111111111")


def test_logout_invalidates_session(standin: StandIn) -> None:
    oidc, sso = client("sso-oidc"), client("sso")
    reg, token = login(oidc, standin)
    assert sso.list_accounts(accessToken=token["accessToken"])["accountList"]
    sso.logout(accessToken=token["accessToken"])
    assert not standin.token_valid(token["accessToken"])
    with pytest.raises(sso.exceptions.UnauthorizedException):
        sso.list_accounts(accessToken=token["accessToken"])
    with pytest.raises(sso.exceptions.UnauthorizedException):
        sso.logout(accessToken=token["accessToken"])
    # The refresh token of the ended sign-in is dead too.
    with pytest.raises(oidc.exceptions.InvalidGrantException):
        oidc.create_token(
            clientId=reg["clientId"],
            clientSecret=reg["clientSecret"],
            grantType="refresh_token",
            refreshToken=token["refreshToken"],
        )
    assert standin.count("Logout") == 2 and standin.count("Logout", error="") == 1


# --------------------------------------------------------------------------- throttling, latency


def test_throttling_is_retried_by_botocore(standin: StandIn) -> None:
    standin.throttle_every = 2
    sso = client("sso")
    token = standin.mint_token().access_token
    first = sso.list_accounts(accessToken=token)
    second = sso.list_accounts(accessToken=token)  # 2nd call 429, retried, 3rd call succeeds
    assert first["ResponseMetadata"]["RetryAttempts"] == 0
    assert second["ResponseMetadata"]["RetryAttempts"] == 1
    assert second["accountList"] == first["accountList"]
    throttled = [c for c in standin.calls if c.error]
    assert [(c.status, c.error) for c in throttled] == [(429, "TooManyRequestsException")]
    assert standin.count("ListAccounts") == 3


def test_throttling_surfaces_when_retries_exhausted(
    standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    standin.throttle_every = 1
    sso = client("sso")
    token = standin.mint_token().access_token
    with pytest.raises(sso.exceptions.TooManyRequestsException) as info:
        sso.get_role_credentials(accessToken=token, accountId="111111111111", roleName="ReadOnly")
    assert info.value.response["Error"]["Code"] == "TooManyRequestsException"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert standin.count("GetRoleCredentials") == 1
    # sso-oidc is not throttled unless asked for.
    assert client("sso-oidc").register_client(clientName="c", clientType="public")["clientId"]


def test_throttle_probability_is_seeded_and_rps_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")

    def outcomes(**kwargs: Any) -> list[str]:
        with StandIn(**kwargs) as s:
            point_at(s, monkeypatch)
            sso = client("sso")
            token = s.mint_token().access_token
            for _ in range(20):
                with contextlib.suppress(sso.exceptions.TooManyRequestsException):
                    sso.list_accounts(accessToken=token)
            return [c.error or "ok" for c in s.calls]

    first = outcomes(throttle_probability=0.5, seed=7)
    assert first == outcomes(throttle_probability=0.5, seed=7)
    assert 0 < first.count("TooManyRequestsException") < 20
    # 20 calls in a row are far faster than one second apart: only the first 3 pass.
    limited = outcomes(throttle_rps=3)
    assert limited[:3] == ["ok"] * 3
    assert "TooManyRequestsException" in limited[3:]


def test_latency_delays_every_answer(standin: StandIn) -> None:
    token = standin.mint_token().access_token
    impatient = client("sso", read_timeout=0.2, retries={"total_max_attempts": 1})
    standin.latency = 1.0
    with pytest.raises(ReadTimeoutError):
        impatient.list_accounts(accessToken=token)
    standin.latency = 0.0
    assert impatient.list_accounts(accessToken=token)["accountList"]


def test_concurrent_calls_are_all_recorded(standin: StandIn) -> None:
    standin.latency = 0.01
    token = standin.mint_token().access_token
    errors: list[BaseException] = []

    def worker() -> None:
        sso = client("sso")
        try:
            for _ in range(10):
                sso.list_accounts(accessToken=token)
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert standin.counts() == {"ListAccounts": 80}
    standin.reset_calls()
    assert standin.calls == [] and standin.count() == 0


# --------------------------------------------------------------------------- approval page


def http(url: str, data: bytes | None = None) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, data=data, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


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


def test_unknown_route_and_bad_json(standin: StandIn) -> None:
    status, body = http(f"{standin.url}/nope")
    assert status == 404 and "No operation" in json.loads(body)["message"]
    request = urllib.request.Request(f"{standin.url}/client/register", data=b"{not json")
    try:
        urllib.request.urlopen(request, timeout=10)
        raise AssertionError("expected HTTP 400")
    except urllib.error.HTTPError as exc:
        assert exc.code == 400
        assert exc.headers["x-amzn-ErrorType"] == "InvalidRequestException"


# --------------------------------------------------------------------------- API details


def test_lifecycle_and_env() -> None:
    s = StandIn()
    with pytest.raises(RuntimeError):
        _ = s.url
    s.start()
    try:
        assert s.running and s.url.startswith("http://127.0.0.1:") and s.port > 0
        assert s.env() == {"AWS_ENDPOINT_URL_SSO": s.url, "AWS_ENDPOINT_URL_SSO_OIDC": s.url}
        data_path = s.env(cli_data_path=True)["AWS_DATA_PATH"]
        assert os.path.isfile(f"{data_path}/sso/2019-06-10/endpoint-rule-set-1.json")
    finally:
        s.stop()
    assert not s.running and not os.path.exists(data_path)
    s.stop()  # idempotent


def test_generate_accounts_shapes() -> None:
    accounts = generate_accounts(1000, 8)
    assert len(accounts) == 1000 and len({a.account_id for a in accounts}) == 1000
    assert all(len(a.account_id) == 12 and a.account_id.isdigit() for a in accounts)
    assert accounts[-1].name == "account-1000"
    assert accounts[0].roles[-2:] == ("Role7", "Role8")
    assert generate_accounts(2, 2, role_names=["A", "B", "C"])[1].roles == ("A", "B")


def test_grant_cache_entry_matches_cli_format(standin: StandIn) -> None:
    grant = standin.mint_token(expires_in=300)
    entry = grant.cache_entry(EXAMPLE_START_URL, REGION)
    assert list(entry) == [
        "startUrl",
        "region",
        "accessToken",
        "expiresAt",
        "clientId",
        "clientSecret",
        "registrationExpiresAt",
        "refreshToken",
    ]
    assert entry["expiresAt"].endswith("Z") and len(entry["expiresAt"]) == 20
    assert "refreshToken" not in standin.mint_token(refresh_token=False).cache_entry("u", "r")
    assert standin.calls == []  # minting is not an API call


def test_botocore_refreshes_through_standin(
    standin: StandIn, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """botocore's own SSO token provider: a token with 5 minutes left is refreshed once at the
    stand-in, written back rotated, then used for GetRoleCredentials."""
    import botocore.credentials
    import botocore.tokens

    # botocore fixes the cache folder at import time, possibly before the sandbox HOME existed.
    cache_dir = str(sandbox.sso_cache)
    monkeypatch.setattr(botocore.tokens.SSOTokenProvider, "_SSO_TOKEN_CACHE_DIR", cache_dir)
    monkeypatch.setattr(botocore.credentials.SSOProvider, "_SSO_TOKEN_CACHE_DIR", cache_dir)
    sandbox.write_config(
        "[sso-session corp]\n"
        f"sso_start_url = {EXAMPLE_START_URL}\n"
        "sso_region = us-east-1\n\n"
        "[profile home]\nsso_session = corp\nsso_account_id = 111111111111\n"
        "sso_role_name = PowerUser\n"
    )
    grant = standin.mint_token(expires_in=300)
    sandbox.sso_cache.mkdir(parents=True)
    cache_file = sandbox.sso_cache / "ee0bfd2552fbd840c02cc48b6e823320543c450f.json"
    cache_file.write_text(json.dumps(grant.cache_entry(EXAMPLE_START_URL, REGION)))

    creds = boto3.Session(profile_name="home").get_credentials().get_frozen_credentials()
    assert creds.access_key.startswith("ASIA")
    assert standin.counts() == {"CreateToken": 1, "GetRoleCredentials": 1}
    refreshed = json.loads(cache_file.read_text())
    assert refreshed["refreshToken"] != grant.refresh_token
    assert standin.token_valid(refreshed["accessToken"])
    assert standin.calls[1].params["accessToken"] == refreshed["accessToken"]


def test_cli_data_path_redirects_botocore_without_endpoint_variables(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with StandIn() as s:
        data_path = write_cli_data_path(tmp_path / "data", s.url)
        for service in ("sso", "sso-oidc"):
            ruleset = json.loads(
                (
                    tmp_path / "data" / service / "2019-06-10" / "endpoint-rule-set-1.json"
                ).read_text()
            )
            assert {"Region", "UseFIPS", "UseDualStack", "Endpoint"} <= set(ruleset["parameters"])
            assert ruleset["rules"][-1]["endpoint"]["url"] == s.url
        monkeypatch.setenv("AWS_DATA_PATH", data_path)
        reg = client("sso-oidc").register_client(clientName="c", clientType="public")
        assert reg["clientId"].startswith("standin-client-")
        assert s.counts() == {"RegisterClient": 1}


# --------------------------------------------------------------------------- PKCE (CLI >= 2.22)


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


def test_injected_failures(standin: StandIn) -> None:
    grant = standin.mint_token()
    oidc, sso = client("sso-oidc", retries={"total_max_attempts": 1}), client("sso")
    standin.fail("CreateToken", "InvalidGrantException", times=2)
    for _ in range(2):
        with pytest.raises(oidc.exceptions.InvalidGrantException):
            oidc.create_token(
                clientId=grant.client_id,
                clientSecret=grant.client_secret,
                grantType="refresh_token",
                refreshToken=grant.refresh_token,
            )
    # The injected errors did not consume the refresh token.
    assert oidc.create_token(
        clientId=grant.client_id,
        clientSecret=grant.client_secret,
        grantType="refresh_token",
        refreshToken=grant.refresh_token,
    )["accessToken"]
    standin.fail("ListAccounts", "UnauthorizedException")
    with pytest.raises(sso.exceptions.UnauthorizedException):
        sso.list_accounts(accessToken=grant.access_token)
    standin.fail("RegisterClient")
    with pytest.raises(oidc.exceptions.InternalServerException) as info:
        oidc.register_client(clientName="c", clientType="public")
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    with pytest.raises(ValueError):
        standin.fail("NoSuchOperation")


def test_account_roles_given_as_one_string() -> None:
    account = Account.coerce({"id": "666666666666", "roles": "Admin"})
    assert account.roles == ("Admin",)
    assert Account.coerce(("777777777777",)) == Account("777777777777")


def test_internal_bug_answers_500_and_keeps_serving(
    standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(params: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("boom")

    monkeypatch.setattr(standin, "_op_ListAccounts", broken)
    sso = client("sso", retries={"total_max_attempts": 1})
    token = standin.mint_token().access_token
    with pytest.raises(ClientError) as info:
        sso.list_accounts(accessToken=token)
    assert info.value.response["Error"]["Code"] == "InternalServerException"
    assert sso.list_account_roles(accessToken=token, accountId="111111111111")["roleList"]
