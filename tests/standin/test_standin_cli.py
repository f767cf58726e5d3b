"""The stand-in as a process (`python -m awsswitch.standin`) and against the real AWS CLI v2."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from support.sso import TOKEN_FIELDS

from awsswitch.standin import EXAMPLE_START_URL, StandIn

SESSION = "corp"
CONFIG = f"""[sso-session {SESSION}]
sso_start_url = {EXAMPLE_START_URL}
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile home.poweruser]
sso_session = {SESSION}
sso_account_id = 111111111111
sso_role_name = PowerUser
region = eu-west-1
"""


# --------------------------------------------------------------------------- python -m


@contextlib.contextmanager
def _standin_module(sandbox: Any, *args: str) -> Iterator[subprocess.Popen[str]]:
    """`python -m awsswitch.standin ARGS`, its output piped; killed if it outlives the test."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "awsswitch.standin", *args],
        env=sandbox.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


@pytest.fixture
def standin_process(sandbox: Any) -> Iterator[tuple[subprocess.Popen[str], dict[str, str]]]:
    args = ["--accounts", "25", "--roles", "2", "--auto-approve", "--latency-ms", "1"]
    data = str(sandbox.home / "standin-data")
    with _standin_module(sandbox, *args, "--print-env", "--cli-data-path", data) as proc:
        assert proc.stdout is not None
        lines = [proc.stdout.readline().strip() for _ in range(5)]
        yield proc, dict(line.split("=", 1) for line in lines)


def test_module_runs_until_sigterm(
    standin_process: tuple[subprocess.Popen[str], dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    proc, env = standin_process
    assert list(env) == [
        "AWS_ENDPOINT_URL_SSO",
        "AWS_ENDPOINT_URL_SSO_OIDC",
        "AWS_ENDPOINT_URL_STS",
        "AWSSWITCH_FEDERATION_ENDPOINT",
        "AWS_DATA_PATH",
    ]
    url = env["AWS_ENDPOINT_URL_SSO"]
    assert url.startswith("http://127.0.0.1:") and env["AWS_ENDPOINT_URL_SSO_OIDC"] == url
    assert env["AWS_ENDPOINT_URL_STS"] == url
    assert env["AWSSWITCH_FEDERATION_ENDPOINT"] == f"{url}/federation"
    assert os.path.isfile(f"{env['AWS_DATA_PATH']}/sso-oidc/2019-06-10/endpoint-rule-set-1.json")
    assert os.path.isfile(f"{env['AWS_DATA_PATH']}/sts/2011-06-15/endpoint-rule-set-1.json")
    for key in ("AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL_SSO_OIDC"):
        monkeypatch.setenv(key, env[key])

    config = Config(signature_version=UNSIGNED)
    session = boto3.Session(region_name="us-east-1")
    oidc = session.client("sso-oidc", config=config)
    reg = oidc.register_client(clientName="c", clientType="public")
    device = oidc.start_device_authorization(
        clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl=EXAMPLE_START_URL
    )
    token = oidc.create_token(  # --auto-approve: the first poll succeeds
        clientId=reg["clientId"],
        clientSecret=reg["clientSecret"],
        grantType="urn:ietf:params:oauth:grant-type:device_code",
        deviceCode=device["deviceCode"],
    )
    sso = session.client("sso", config=config)
    pages = sso.get_paginator("list_accounts").paginate(accessToken=token["accessToken"])
    assert sum(len(p["accountList"]) for p in pages) == 25

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0
    assert proc.stderr is not None and "Traceback" not in proc.stderr.read()


def test_module_sigint_plain_url_and_refresh_fault(sandbox: Any) -> None:
    with _standin_module(sandbox, "--refresh-fault", "garbage") as proc:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line.startswith("URL=http://127.0.0.1:")
        with urllib.request.urlopen(f"{line[4:]}/device", timeout=10) as resp:
            assert resp.status == 200
        # --refresh-fault: a refresh is answered with a body that is not JSON.
        refresh = json.dumps({"clientId": "c", "grantType": "refresh_token"}).encode()
        with urllib.request.urlopen(f"{line[4:]}/token", refresh, timeout=10) as resp:
            assert resp.status == 200 and resp.read().startswith(b"<html>")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0


def test_module_rejects_bad_usage(sandbox: Any) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "awsswitch.standin", "--auto-approve", "--approve-after", "2"],
        env=sandbox.env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2 and "not allowed with" in result.stderr


# --------------------------------------------------------------------------- real AWS CLI v2


def run_aws(aws: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [aws, *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_aws_cli_v2_login_export_logout(aws_v2: str, sandbox: Any) -> None:
    sandbox.write_config(CONFIG)
    with StandIn(auto_approve_after=0) as s:
        env = {**sandbox.env, "AWS_DATA_PATH": s.cli_data_path()}
        login = run_aws(aws_v2, env, "sso", "login", "--sso-session", SESSION, "--no-browser")
        assert login.returncode == 0, login.stderr
        assert f"Successfully logged into Start URL: {EXAMPLE_START_URL}" in login.stdout
        assert s.counts() == {"RegisterClient": 1, "StartDeviceAuthorization": 1, "CreateToken": 1}
        register = s.calls[0]
        assert register.params["clientName"] == f"botocore-client-{SESSION}"
        assert register.params["scopes"] == ["sso:account:access"]

        token_file = sandbox.sso_cache / f"{hashlib.sha1(SESSION.encode()).hexdigest()}.json"
        raw = token_file.read_text()
        token = json.loads(raw)
        assert list(token) == TOKEN_FIELDS and not raw.endswith("\n")
        issued = s.calls[2].result
        assert issued is not None
        assert token["accessToken"] == issued["accessToken"]
        assert token["refreshToken"] == issued["refreshToken"]
        assert token["startUrl"] == EXAMPLE_START_URL and token["region"] == "us-east-1"
        assert s.token_valid(token["accessToken"])

        s.reset_calls()
        export = run_aws(
            aws_v2,
            env,
            "configure",
            "export-credentials",
            "--profile",
            "home.poweruser",
            "--format",
            "env-no-export",
        )
        assert export.returncode == 0, export.stderr
        [call] = s.calls
        assert call.operation == "GetRoleCredentials"
        assert call.params["accountId"] == "111111111111"
        assert call.params["roleName"] == "PowerUser"
        assert call.params["accessToken"] == token["accessToken"]
        creds = call.result["roleCredentials"] if call.result else {}
        lines = export.stdout.splitlines()
        assert f"AWS_ACCESS_KEY_ID={creds['accessKeyId']}" in lines
        assert f"AWS_SECRET_ACCESS_KEY={creds['secretAccessKey']}" in lines
        assert f"AWS_SESSION_TOKEN={creds['sessionToken']}" in lines

        logout = run_aws(aws_v2, {**env, "AWS_PROFILE": "home.poweruser"}, "sso", "logout")
        assert logout.returncode == 0, logout.stderr
        assert s.count("Logout", error="", accessToken=token["accessToken"]) == 1
        assert not s.token_valid(token["accessToken"])
        assert not token_file.exists()


@pytest.mark.slow
def test_aws_cli_v2_waits_for_browser_approval(aws_v2: str, sandbox: Any) -> None:
    """Manual approval: the CLI polls while a "user" opens the verification URL."""
    sandbox.write_config(CONFIG)
    with StandIn(auto_approve_after=None, interval=1) as s:
        env = {**sandbox.env, "AWS_DATA_PATH": s.cli_data_path()}
        proc = subprocess.Popen(
            [aws_v2, "sso", "login", "--sso-session", SESSION, "--no-browser"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            device = s.wait_for_device_authorization(timeout=60)
            s.wait_for_call("CreateToken", 1, error="AuthorizationPendingException", timeout=60)
            with urllib.request.urlopen(device.verification_uri_complete, timeout=10) as resp:
                assert resp.status == 200
            out, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        assert proc.returncode == 0, err
        # --no-browser prints the URL and code for the user, then the success line.
        assert s.verification_uri in out and device.user_code in out
        assert "Successfully logged into Start URL" in out
        assert s.count("CreateToken", error="") == 1
        assert s.count("CreateToken", error="AuthorizationPendingException") >= 1


def test_module_port_in_use_fails_cleanly(sandbox: Any) -> None:
    with StandIn() as s:
        result = subprocess.run(
            [sys.executable, "-m", "awsswitch.standin", "--port", str(s.port)],
            env=sandbox.env,
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 1
    assert "cannot listen" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""
