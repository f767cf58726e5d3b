"""`awsswitch login [PROFILE | --sso-session S] [--force] [--native] [--no-browser]`, run as
a real subprocess against the stand-in."""

from __future__ import annotations

import json

import pytest
from support.sso import (
    POWERUSER,
    READONLY,
    fake_v2_aws,
    path_with,
    token_file,
    write_grant,
    write_token,
)

pytestmark = pytest.mark.usefixtures("sso_config")


def test_login_logs_in_then_keeps(standin, sandbox) -> None:
    first = sandbox.run("login", POWERUSER)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("sso-session corp: logged in (")
    assert "Successfully logged into Start URL" in first.stderr
    assert standin.count("StartDeviceAuthorization") == 1

    again = sandbox.run("login", READONLY)
    assert again.returncode == 0
    assert again.stdout.startswith("sso-session corp: token is fresh; kept it (")
    assert standin.count("StartDeviceAuthorization") == 1


def test_login_refreshes_when_due(standin, sandbox) -> None:
    write_grant(sandbox, standin, expires_in=120)
    result = sandbox.run("login", "--sso-session", "corp")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("sso-session corp: token refreshed (")
    assert standin.counts() == {"CreateToken": 1}


def test_force_logs_in_even_when_fresh(standin, sandbox) -> None:
    write_grant(sandbox, standin, expires_in=3600)
    result = sandbox.run("login", "--force", "--sso-session", "corp")
    assert result.returncode == 0, result.stderr
    assert "logged in" in result.stdout
    assert standin.count("StartDeviceAuthorization") == 1
    assert standin.count("CreateToken", grantType="refresh_token") == 0


def test_profile_defaults_to_aws_profile(standin, sandbox) -> None:
    result = sandbox.run("login", AWS_PROFILE="chained")  # source_profile -> corp
    assert result.returncode == 0, result.stderr
    assert "sso-session corp: logged in" in result.stdout


def test_short_name_resolves(standin, sandbox) -> None:
    result = sandbox.run("login", "home.poweruser")
    assert result.returncode == 0, result.stderr
    assert token_file(sandbox).exists()


def test_native_flag_skips_a_v2_cli(standin, sandbox, tmp_path) -> None:
    log = tmp_path / "aws.log"
    exe = fake_v2_aws(tmp_path / "bin", log)
    result = sandbox.run("login", POWERUSER, "--native", AWSSWITCH_AWS_CLI=str(exe))
    assert result.returncode == 0, result.stderr
    assert not log.exists()
    assert standin.count("StartDeviceAuthorization") == 1


def test_uses_the_v2_cli_and_passes_no_browser(standin, sandbox, tmp_path) -> None:
    log = tmp_path / "aws.log"
    fake_v2_aws(tmp_path / "bin", log)
    result = sandbox.run(
        "login",
        POWERUSER,
        "--no-browser",
        AWSSWITCH_AWS_CLI="",
        PATH=path_with(tmp_path / "bin"),
        DISPLAY=":0",
    )
    assert result.returncode == 0, result.stderr
    assert log.read_text().splitlines() == ["sso login --sso-session corp --no-browser"]
    assert "FAKE-CLI-STDOUT" in result.stderr and "FAKE-CLI-STDOUT" not in result.stdout
    assert "running `aws sso login --sso-session corp --no-browser`" in result.stderr
    assert result.stdout.startswith("sso-session corp: logged in")


def test_login_off_a_terminal_still_works(standin, sandbox) -> None:
    """An explicit `login` is allowed to ask: URL and code go to stderr, no tty needed."""
    standin.auto_approve_after = 1
    result = sandbox.run("login", POWERUSER)  # stdin/stdout/stderr are pipes here
    assert result.returncode == 0, result.stderr
    auth = standin.device_authorizations()[0]
    assert auth.user_code in result.stderr


@pytest.mark.parametrize(
    ("args", "env", "code", "message"),
    [
        (["nope"], {}, 2, "could not be found"),
        (["home"], {}, 2, "matches several profiles"),
        (["x", "--sso-session", "corp"], {}, 2, "not both"),
        (["--sso-session", "nope"], {}, 2, "sso-session does not exist"),
        (["keys"], {}, 1, "does not use SSO"),
        (["orphan"], {}, 1, "no [sso-session missing] section"),
        ([], {}, 2, "no profile given"),
    ],
)
def test_login_errors(standin, sandbox, args, env, code, message) -> None:
    result = sandbox.run("login", *args, **env)
    assert result.returncode == code, result.stderr
    assert message in result.stderr
    assert result.stdout == ""
    assert standin.calls == []


def test_session_missing_start_url(standin, sandbox) -> None:
    sandbox.write_config(
        "[sso-session bare]\nsso_region = us-east-1\n\n[profile p]\nsso_session = bare\n"
    )
    result = sandbox.run("login", "p")
    assert result.returncode == 1
    assert result.stderr == (
        "awsswitch: sso-session bare is missing the following configuration: sso_start_url\n"
    )


def test_only_session_is_the_default(standin, sandbox) -> None:
    sandbox.write_config(
        "[sso-session solo]\nsso_start_url = https://d-1234567890.awsapps.com/start\n"
        "sso_region = us-east-1\n"
    )
    result = sandbox.run("login")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("sso-session solo: logged in")


def test_corrupt_token_then_login(standin, sandbox) -> None:
    write_token(sandbox, raw="\x00\x01not json")
    status = sandbox.run("status", POWERUSER)
    assert "login needed" in status.stdout and "corrupt" in status.stdout
    result = sandbox.run("login", POWERUSER)
    assert result.returncode == 0, result.stderr
    assert "corrupt" in result.stderr
    assert json.loads(token_file(sandbox).read_text())["accessToken"]
