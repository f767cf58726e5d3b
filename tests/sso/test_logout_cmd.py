"""`awsswitch logout [--sso-session S]`: portal Logout with the cached token, token file
removed, registrations kept; failures of the portal call are only warnings."""

from __future__ import annotations

import json
import os

import pytest
from support.sso import (
    POWERUSER,
    REGION,
    START_URL,
    token_file,
    write_grant,
    write_token,
)

from awsswitch.credentials import cache as credentials_cache
from awsswitch.sso import cache

pytestmark = pytest.mark.usefixtures("sso_config")


def test_logout_calls_the_portal_and_removes_the_token(standin, sandbox) -> None:
    login = sandbox.run("login", POWERUSER)
    assert login.returncode == 0, login.stderr
    token = json.loads(token_file(sandbox).read_text())
    registration = cache.registration_file(
        os.environ, START_URL, REGION, ["sso:account:access"], "corp"
    )
    assert os.path.exists(registration)
    standin.reset_calls()

    result = sandbox.run("logout", AWS_PROFILE=POWERUSER)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Logged out of sso-session corp")
    assert standin.count("Logout", accessToken=token["accessToken"]) == 1
    assert not standin.token_valid(token["accessToken"])
    assert not token_file(sandbox).exists()
    assert os.path.exists(registration)  # kept, as `aws sso logout` keeps it


def test_logout_by_session_removes_cli_role_credentials(standin, sandbox) -> None:
    write_grant(sandbox, standin)
    cli_cache = sandbox.home / ".aws" / "cli" / "cache"
    cli_cache.mkdir(parents=True)
    ours = credentials_cache.sso_key("111111111111", "PowerUser", session="corp", start_url=None)
    other = cli_cache / "unrelated.json"
    (cli_cache / f"{ours}.json").write_text('{"ProviderType": "sso"}')
    other.write_text("{}")
    result = sandbox.run("logout", "--sso-session", "corp")
    assert result.returncode == 0, result.stderr
    assert "1 cached role credential file" in result.stdout
    assert not (cli_cache / f"{ours}.json").exists() and other.exists()
    assert standin.count("Logout") == 1


def test_cli_cache_key_matches_botocore() -> None:
    key = credentials_cache.sso_key("111111111111", "Admin", session="corp", start_url=None)
    assert key.startswith("d7467b2c")


def test_portal_failure_is_a_warning(standin, sandbox) -> None:
    write_token(sandbox)  # a token the stand-in never issued: Logout answers 401
    result = sandbox.run("logout", "--sso-session", "corp")
    assert result.returncode == 0
    assert "warning: the portal logout for sso-session corp failed" in result.stderr
    assert not token_file(sandbox).exists()


def test_unreachable_portal_is_a_warning(sandbox) -> None:
    write_token(sandbox)
    result = sandbox.run(
        "logout",
        "--sso-session",
        "corp",
        AWS_ENDPOINT_URL_SSO="http://127.0.0.1:9",
        AWS_MAX_ATTEMPTS="1",
    )
    assert result.returncode == 0
    assert "warning" in result.stderr
    assert not token_file(sandbox).exists()


def test_logout_without_token(standin, sandbox) -> None:
    result = sandbox.run("logout", "--sso-session", "corp")
    assert result.returncode == 0
    assert "nothing to log out of" in result.stdout
    assert standin.calls == []


def test_logout_corrupt_token_just_removes_it(standin, sandbox) -> None:
    write_token(sandbox, raw="{{{")
    result = sandbox.run("logout", AWS_PROFILE="chained")
    assert result.returncode == 0
    assert not token_file(sandbox).exists()
    assert standin.calls == []


def test_logout_needs_a_session(standin, sandbox) -> None:
    result = sandbox.run("logout")  # no AWS_PROFILE, two sessions configured
    assert result.returncode == 2
    assert "--sso-session" in result.stderr
