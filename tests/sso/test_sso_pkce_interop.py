"""Interop of the PKCE login: what awsswitch caches after an authorization-code login, botocore
(in child processes: its cache folder is fixed at import) and Debian's AWS CLI v2 2.9.19
(through AWS_DATA_PATH) use: role credentials, STS, and a refresh with the auth-code client."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from pkce_helpers import FAKE_BROWSER
from support.sso import (
    POWERUSER,
    READONLY,
    token_file,
)

from awsswitch.standin import StandIn

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("sso_config")]


_BOTO3 = """
import json, sys, boto3
session = boto3.Session(profile_name=sys.argv[1])
creds = session.get_credentials().get_frozen_credentials()
who = session.client("sts", region_name="us-east-1").get_caller_identity()
print(json.dumps({"key": creds.access_key, "arn": who["Arn"]}))
"""


def _issued_keys(standin: StandIn) -> list[str]:
    return [
        c.result["roleCredentials"]["accessKeyId"]
        for c in standin.calls
        if c.operation == "GetRoleCredentials" and c.result
    ]


@pytest.fixture
def pkce_login(standin, sandbox, tmp_path) -> dict:
    """`awsswitch login --native` in a child process, the fake browser as $BROWSER, no
    desktop: an authorization-code login. Returns the cached token."""
    env = {k: v for k, v in sandbox.env.items() if not k.startswith(("SSH_", "DISPLAY"))}
    env.update(
        BROWSER=f"{sys.executable} {FAKE_BROWSER}", FAKE_BROWSER_LOG=str(tmp_path / "visits")
    )
    sandbox.env = env
    result = sandbox.run("login", POWERUSER, "--native")
    assert result.returncode == 0, result.stderr
    assert standin.count("CreateToken", grantType="authorization_code", error="") == 1
    assert standin.count("StartDeviceAuthorization") == 0
    standin.reset_calls()
    return json.loads(token_file(sandbox).read_text())


def _boto3(sandbox, profile: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", _BOTO3, profile],
        env=sandbox.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_boto3_gets_role_credentials_after_a_pkce_login(standin, sandbox, pkce_login) -> None:
    for profile, role in ((POWERUSER, "PowerUser"), (READONLY, "ReadOnly")):
        got = _boto3(sandbox, profile)
        assert got["key"] in _issued_keys(standin)
        assert f":assumed-role/AWSReservedSSO_{role}_" in got["arn"]
    calls = [c for c in standin.calls if c.operation == "GetRoleCredentials"]
    assert calls and all(c.params["accessToken"] == pkce_login["accessToken"] for c in calls)
    assert standin.count("CreateToken") == 0


def test_boto3_refreshes_a_pkce_token(standin, sandbox, pkce_login) -> None:
    """The refresh token of the authorization-code client works through botocore."""
    token_file(sandbox).write_text(json.dumps(dict(pkce_login, expiresAt="2000-01-01T00:00:00Z")))
    got = _boto3(sandbox, POWERUSER)
    assert got["key"] in _issued_keys(standin)
    (refresh,) = [c for c in standin.calls if c.operation == "CreateToken"]
    assert refresh.params["grantType"] == "refresh_token"
    assert refresh.params["clientId"] == pkce_login["clientId"] and not refresh.error
    assert json.loads(token_file(sandbox).read_text())["accessToken"] != pkce_login["accessToken"]


def test_cli_v2_reads_the_pkce_login(standin, sandbox, pkce_login, aws_v2) -> None:
    env = {**sandbox.env, "AWS_DATA_PATH": standin.cli_data_path()}
    exported = subprocess.run(
        [aws_v2, "configure", "export-credentials", "--profile", POWERUSER, "--format", "env"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert exported.returncode == 0, exported.stderr
    (key,) = _issued_keys(standin)
    assert f"export AWS_ACCESS_KEY_ID={key}" in exported.stdout.splitlines()
    who = subprocess.run(
        [aws_v2, "sts", "get-caller-identity", "--profile", READONLY, "--output", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert who.returncode == 0, who.stderr
    assert ":assumed-role/AWSReservedSSO_ReadOnly_" in json.loads(who.stdout)["Arn"]
    accounts = subprocess.run(
        [aws_v2, "sso", "list-accounts", "--region", "us-east-1", "--output", "json",
         "--access-token", pkce_login["accessToken"]],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert accounts.returncode == 0, accounts.stderr
    ids = {a["accountId"] for a in json.loads(accounts.stdout)["accountList"]}
    assert {"111111111111", "222222222222"} <= ids
