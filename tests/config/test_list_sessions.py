"""`awsswitch list --json` says when a session ends, not only when its access token does:
an SSO session's refresh bound (registration or token), and an `aws login` console session
as its own kind with its own cache."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone

from support.login_files import ARN, entry, write
from support.sso import CONFIG, write_token


def _rows(sandbox) -> dict[str, dict]:
    proc = subprocess.run(
        [sys.executable, "-m", "awsswitch", "list", "--json"],
        env=sandbox.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return {row["name"]: row for row in json.loads(proc.stdout)}


def _parse(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def test_sso_session_end_is_the_registrations_when_refreshable(sandbox) -> None:
    sandbox.write_config(CONFIG)
    write_token(sandbox, expires_in=3600, registration_expires_in=5 * 86400)
    token = _rows(sandbox)["awsprofile.home.poweruser"]["token"]
    assert token["state"] == "fresh"
    assert token["session_end_basis"] == "registration"
    left = _parse(token["session_ends_at"]) - datetime.now(timezone.utc)
    assert timedelta(days=4, hours=23) < left <= timedelta(days=5)


def test_sso_session_without_refresh_ends_with_the_token(sandbox) -> None:
    sandbox.write_config(CONFIG)
    write_token(sandbox, expires_in=3600, refreshable=False)
    token = _rows(sandbox)["awsprofile.home.poweruser"]["token"]
    assert token["session_end_basis"] == "token"
    assert token["session_ends_at"] == token["expires_at"]


def test_console_session_profile_is_its_own_kind(sandbox) -> None:
    sandbox.write_config(CONFIG + f"\n[profile console]\nlogin_session = {ARN}\n")
    write(sandbox.home / ".aws" / "login" / "cache", entry(expires_in=3600, signed_in_ago=3600))
    row = _rows(sandbox)["console"]
    assert row["kind"] == "login"
    token = row["token"]
    assert token["state"] == "fresh"
    assert token["login_session"] == ARN
    assert token["session_end_basis"] == "sign-in"
    left = _parse(token["session_ends_at"]) - datetime.now(timezone.utc)
    assert timedelta(hours=10, minutes=58) < left <= timedelta(hours=11)


def test_console_session_without_cache_needs_a_login(sandbox) -> None:
    sandbox.write_config(CONFIG + f"\n[profile console]\nlogin_session = {ARN}\n")
    assert _rows(sandbox)["console"]["token"]["state"] == "login-needed"
