"""The stand-in under load and injected errors: throttling, latency, concurrency, failures."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import pytest
from botocore.exceptions import ClientError, ReadTimeoutError
from standin_helpers import client, point_at

from awsswitch.standin import StandIn


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


def test_internal_bug_answers_500_and_keeps_serving(
    standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(params: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("boom")

    monkeypatch.setattr(standin.portal, "list_accounts", broken)
    sso = client("sso", retries={"total_max_attempts": 1})
    token = standin.mint_token().access_token
    with pytest.raises(ClientError) as info:
        sso.list_accounts(accessToken=token)
    assert info.value.response["Error"]["Code"] == "InternalServerException"
    assert sso.list_account_roles(accessToken=token, accountId="111111111111")["roleList"]
