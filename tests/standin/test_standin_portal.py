"""The portal (sso) API of the stand-in, driven by boto3 over real HTTP."""

from __future__ import annotations

import time

import pytest
from botocore.exceptions import ClientError
from standin_helpers import client, login, point_at

from awsswitch.standin import Account, StandIn, generate_accounts


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


def test_account_roles_given_as_one_string() -> None:
    account = Account.coerce({"id": "666666666666", "roles": "Admin"})
    assert account.roles == ("Admin",)
    assert Account.coerce(("777777777777",)) == Account("777777777777")


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
