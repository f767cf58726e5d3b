"""`configure sso-session` never invents scopes for an existing session."""

from __future__ import annotations

from typing import Any


def test_existing_session_without_scopes_gets_none_added(sandbox: Any) -> None:
    before = (
        "[sso-session corp]\n"
        "sso_start_url = https://d-1234567890.awsapps.com/start\n"
        "sso_region = us-east-1\n"
    )
    sandbox.write_config(before)
    result = sandbox.run("configure", "sso-session", "corp", "--region", "eu-west-1")
    assert result.returncode == 0, result.stderr
    assert sandbox.config.read_text() == before.replace("us-east-1", "eu-west-1")


def test_new_session_gets_default_scopes(sandbox: Any) -> None:
    result = sandbox.run(
        "configure",
        "sso-session",
        "corp",
        "--start-url",
        "https://d-1234567890.awsapps.com/start",
        "--region",
        "us-east-1",
    )
    assert result.returncode == 0, result.stderr
    assert "sso_registration_scopes = sso:account:access\n" in sandbox.config.read_text()
