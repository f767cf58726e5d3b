"""A refresh or login that fails before any request (a bad sso_region) is an error message,
never a traceback; a still-valid token is kept, as for any failed refresh."""

from __future__ import annotations

import subprocess
from typing import Any

from support.sso import CONFIG, REGION, run_awsswitch, write_token

from awsswitch import regions

BAD = CONFIG.replace(
    f"sso_region = {REGION}\nsso_registration_scopes",
    "sso_region = bad region\nsso_registration_scopes",
    1,
)


def _asw(sandbox: Any, name: str) -> subprocess.CompletedProcess:
    return run_awsswitch(sandbox, "_asw", "bash", name, env={"AWSSWITCH_AWS_CLI": "native"})


def test_failed_refresh_keeps_a_valid_token_without_traceback(sandbox: Any) -> None:
    assert BAD != CONFIG
    sandbox.write_config(BAD)
    write_token(sandbox, expires_in=300)  # refresh due, still valid for 5 minutes
    result = _asw(sandbox, "home.poweruser")
    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stderr
    assert "export AWS_PROFILE='awsprofile.home.poweruser'" in result.stdout
    assert "refresh failed: the sso_region 'bad region' of sso-session corp is unusable" in (
        result.stderr
    )


def test_login_with_a_bad_region_is_a_clean_error(sandbox: Any) -> None:
    sandbox.write_config(BAD)
    result = sandbox.run("login", "home.poweruser", "--native", "--no-browser")
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    # the one region rule (awsswitch.regions) names the problem, before any network call
    assert result.stderr == (
        "awsswitch: the sso_region 'bad region' of sso-session corp is unusable: "
        f"{regions.why_not('bad region')}\n"
    )


def test_availability_zone_as_sso_region(sandbox: Any) -> None:
    sandbox.write_config(BAD.replace("bad region", "us-east-1a"))
    result = sandbox.run("login", "home.poweruser", "--native", "--no-browser")
    assert result.returncode == 1
    assert "that is an availability zone; its region is us-east-1" in result.stderr
