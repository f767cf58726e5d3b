"""The stand-in's Python API and plumbing: lifecycle, env, routes, minted grants, AWS_DATA_PATH."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import boto3
import pytest
from standin_helpers import REGION, client, http
from support.sso import TOKEN_FIELDS

from awsswitch.standin import EXAMPLE_START_URL, StandIn, generate_accounts, write_cli_data_path


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


def test_lifecycle_and_env() -> None:
    s = StandIn()
    with pytest.raises(RuntimeError):
        _ = s.url
    s.start()
    try:
        assert s.running and s.url.startswith("http://127.0.0.1:") and s.port > 0
        assert s.env() == {
            "AWS_ENDPOINT_URL_SSO": s.url,
            "AWS_ENDPOINT_URL_SSO_OIDC": s.url,
            "AWS_ENDPOINT_URL_STS": s.sts_url,
            "AWSSWITCH_FEDERATION_ENDPOINT": f"{s.url}/federation",
        }
        assert s.env(sts=False) == {
            "AWS_ENDPOINT_URL_SSO": s.url,
            "AWS_ENDPOINT_URL_SSO_OIDC": s.url,
        }
        data_path = s.env(cli_data_path=True)["AWS_DATA_PATH"]
        for rules in ("sso/2019-06-10", "sso-oidc/2019-06-10", "sts/2011-06-15"):
            assert os.path.isfile(f"{data_path}/{rules}/endpoint-rule-set-1.json")
        without_sts = s.env(cli_data_path=True, sts=False)["AWS_DATA_PATH"]
        assert sorted(os.listdir(without_sts)) == ["sso", "sso-oidc"]
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
    assert list(entry) == TOKEN_FIELDS
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
