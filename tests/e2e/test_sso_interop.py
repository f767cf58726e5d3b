"""Interop: what awsswitch writes, botocore and the real AWS CLI v2 read, and the other way
round. botocore runs in child processes, because its token cache folder is fixed at import
(from HOME); the CLI is Debian's 2.9.19, sent to the stand-in through AWS_DATA_PATH."""

from __future__ import annotations

import json
import subprocess

import pytest
from support.sso import (
    POWERUSER,
    READONLY,
    issued_keys,
    python_json,
    sso_config_fixture,  # noqa: F401 (fixture)
    standin_fixture,  # noqa: F401 (fixture)
    token_file,
)

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("sso_config")]

_BOTO3_CREDENTIALS = """
import json, sys, boto3
session = boto3.Session(profile_name=sys.argv[1])
creds = session.get_credentials().get_frozen_credentials()
print(json.dumps({"key": creds.access_key, "token": creds.token}))
"""


def test_boto3_uses_the_cache_awsswitch_wrote(standin, sandbox) -> None:
    login = sandbox.run("login", POWERUSER, "--native")
    assert login.returncode == 0, login.stderr
    standin.reset_calls()
    for profile in (POWERUSER, READONLY):  # two roles, one session, one cached token
        creds = python_json(sandbox, _BOTO3_CREDENTIALS, profile)
        assert creds["key"] in issued_keys(standin)
    token = json.loads(token_file(sandbox).read_text())
    calls = [c for c in standin.calls if c.operation == "GetRoleCredentials"]
    assert calls and all(c.params["accessToken"] == token["accessToken"] for c in calls)
    assert standin.count("CreateToken") == 0  # fresh: botocore did not refresh it


def test_boto3_refreshes_what_awsswitch_wrote_and_awsswitch_reads_it(standin, sandbox) -> None:
    """A token awsswitch wrote, made refresh-due: botocore refreshes it and writes it back;
    awsswitch then reads botocore's file as fresh."""
    standin.access_token_ttl = 600  # 10 minutes: below the 15-minute window at once
    assert sandbox.run("login", POWERUSER, "--native").returncode == 1  # "still not fresh"
    assert token_file(sandbox).exists()
    standin.access_token_ttl = 3600
    python_json(sandbox, _BOTO3_CREDENTIALS, POWERUSER)
    assert standin.count("CreateToken", grantType="refresh_token") == 1
    status = sandbox.run("status", POWERUSER)
    assert "token:    fresh" in status.stdout


def test_cli_v2_accepts_the_cache_awsswitch_wrote(standin, sandbox, aws_v2) -> None:
    login = sandbox.run("login", POWERUSER, "--native")
    assert login.returncode == 0, login.stderr
    standin.reset_calls()
    env = {**sandbox.env, "AWS_DATA_PATH": standin.cli_data_path()}
    out = subprocess.run(
        [aws_v2, "configure", "export-credentials", "--profile", POWERUSER, "--format", "env"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    keys = issued_keys(standin)
    assert len(keys) == 1
    assert f"export AWS_ACCESS_KEY_ID={keys[0]}" in out.stdout.splitlines()


def test_awsswitch_runs_the_real_cli_login_and_reads_its_cache(standin, sandbox, aws_v2) -> None:
    env = {"AWS_DATA_PATH": standin.cli_data_path(), "AWSSWITCH_AWS_CLI": aws_v2}
    result = sandbox.run("login", POWERUSER, **env)
    assert result.returncode == 0, result.stderr
    assert "running `aws sso login --sso-session corp --no-browser`" in result.stderr
    assert "Successfully logged into Start URL" in result.stderr  # the CLI's, on stderr
    assert result.stdout.startswith("sso-session corp: logged in")
    assert standin.count("StartDeviceAuthorization") == 1
    token = json.loads(token_file(sandbox).read_text())
    assert standin.token_valid(token["accessToken"])
    assert "token:    fresh" in sandbox.run("status", POWERUSER).stdout
    # and awsswitch refreshes the CLI's token when it comes due
    standin.reset_calls()
    body = dict(token, expiresAt="2000-01-01T00:00:00Z")
    token_file(sandbox).write_text(json.dumps(body))
    refreshed = sandbox.run("login", POWERUSER, **env)
    assert refreshed.returncode == 0, refreshed.stderr
    assert "token refreshed" in refreshed.stdout
    assert standin.counts() == {"CreateToken": 1}


def test_cli_v2_logout_after_awsswitch_login(standin, sandbox, aws_v2) -> None:
    assert sandbox.run("login", POWERUSER, "--native").returncode == 0
    env = {**sandbox.env, "AWS_DATA_PATH": standin.cli_data_path(), "AWS_PROFILE": POWERUSER}
    out = subprocess.run(
        [aws_v2, "sso", "logout"], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert standin.count("Logout") == 1
    assert "login needed" in sandbox.run("status", POWERUSER).stdout
