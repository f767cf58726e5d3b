"""A refresh or login that fails before any request (a bad sso_region) is an error message,
never a traceback; a still-valid token is kept, as for any failed refresh."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from support.sso import CONFIG, REGION, write_token

BAD = CONFIG.replace(
    f"sso_region = {REGION}\nsso_registration_scopes",
    "sso_region = bad region\nsso_registration_scopes",
    1,
)


def _asw(sandbox: Any, name: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "awsswitch", "_asw", "bash", name],
        env={**sandbox.env, "AWSSWITCH_AWS_CLI": "native"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_failed_refresh_keeps_a_valid_token_without_traceback(sandbox: Any) -> None:
    assert BAD != CONFIG
    sandbox.write_config(BAD)
    write_token(sandbox, expires_in=300)  # refresh due, still valid for 5 minutes
    result = _asw(sandbox, "home.poweruser")
    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stderr
    assert "export AWS_PROFILE='awsprofile.home.poweruser'" in result.stdout
    assert "refresh" in result.stderr.lower()


def test_login_with_a_bad_region_is_a_clean_error(sandbox: Any) -> None:
    sandbox.write_config(BAD)
    result = sandbox.run("login", "home.poweruser", "--native", "--no-browser")
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    assert result.stderr.startswith("awsswitch: ")
