"""`awsswitch demo [SHELL]`: a sandboxed shell with the stand-in, driven through a pty."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest
from support.sandbox import require

from awsswitch.commands import demo
from awsswitch.standin import StandIn

SSO_ROLE_ARN = re.compile(
    r"arn:aws:sts::123412341234:assumed-role/AWSReservedSSO_PowerUserAccess_[0-9a-f]{16}/\S+"
)


def test_demo_config_has_the_seed_session_and_profile() -> None:
    import tempfile

    from awsswitch.config.reader import load_config

    with tempfile.NamedTemporaryFile("w", suffix=".ini", delete=False) as fh:
        fh.write(demo.config_text())
    try:
        config = load_config(fh.name)
    finally:
        os.unlink(fh.name)
    session = config["sso_sessions"]["awssso.home"]
    assert session["sso_start_url"] == "https://d-1234567890.awsapps.com/start"
    assert session["sso_region"] == "eu-west-1"
    profile = config["profiles"]["awsprofile.home.poweruser"]
    assert profile == {
        "sso_session": "awssso.home",
        "sso_account_id": "123412341234",
        "sso_role_name": "PowerUserAccess",
        "region": "eu-west-1",
    }
    assert len(config["profiles"]) >= 4


@pytest.mark.parametrize(
    ("shell_var", "expected"),
    [("/bin/zsh", "zsh"), ("/usr/bin/fish", "fish"), ("/bin/tcsh", "bash"), ("", "bash")],
)
def test_default_shell(shell_var: str, expected: str) -> None:
    assert demo.default_shell({"SHELL": shell_var}) == expected


def test_demo_refuses_unknown_shell_and_non_terminal(sandbox) -> None:
    unknown = sandbox.run("demo", "tcsh")
    assert unknown.returncode == 2 and "unsupported shell" in unknown.stderr
    piped = subprocess.run(
        [sys.executable, "-m", "awsswitch", "demo", "bash"],
        env=sandbox.env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert piped.returncode == 1 and "terminal" in piped.stderr


@pytest.mark.slow
@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_demo_session(sandbox, shell: str) -> None:
    """Start, `asw home.poweruser` (one auto-approved login), the prompt shows the profile,
    `status --verify` asks the stand-in's STS, exit: the stand-in stops and the sandbox is gone;
    the caller's HOME is untouched."""
    require(shell)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "awsswitch", "demo", shell],
        env={**sandbox.env, "TERM": "dumb"},
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 200),
    )
    try:
        child.expect(r"throwaway HOME \(([^)]+)\)")
        root = child.match.group(1)
        assert os.path.isdir(root)
        child.expect("awsswitch exec ")
        child.expect(re.escape("awsswitch console --url"))
        child.expect("awsswitch-demo")
        child.sendline("asw home.poweruser")
        child.expect(re.escape("Successfully logged into Start URL"))
        child.expect(r"aws:home\.poweruser")
        child.sendline('echo "profile=$AWS_PROFILE"')
        child.expect("profile=awsprofile.home.poweruser")
        child.sendline("asw work.admin")  # same session: no second login
        child.expect(r"aws:work\.admin")
        child.sendline("awsswitch status")
        child.expect(r"token:\s+fresh")
        child.sendline("awsswitch status --verify")  # STS on the stand-in
        child.expect(r"verified:\s+account 210987654321")
        child.expect(r"AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}/")
        child.sendline("exit")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, child.before
    assert not os.path.exists(root)
    assert not (sandbox.home / ".aws" / "sso").exists()
    assert not (sandbox.home / ".aws" / "config").exists()


@pytest.fixture
def demo_world(tmp_path: Path) -> Iterator[tuple[StandIn, dict[str, str]]]:
    """The demo's stand-in and shell environment without the shell, signed in to the demo's
    sso-session (a token in its cache, as after `asw home.poweruser`)."""
    standin = demo.start_standin()
    try:
        home = tmp_path / "demo-home"
        (home / ".aws").mkdir(parents=True)
        (home / ".aws" / "config").write_text(demo.config_text(), encoding="utf-8")
        env = demo.environment(str(tmp_path), str(home), standin.env(cli_data_path=True))
        grant = standin.mint_token()
        cache = home / ".aws" / "sso" / "cache"
        cache.mkdir(parents=True)
        key = hashlib.sha1(demo.SESSION.encode()).hexdigest()
        token = cache / f"{key}.json"
        token.write_text(json.dumps(grant.cache_entry(demo.START_URL, demo.REGION)))
        token.chmod(0o600)
        yield standin, env
    finally:
        standin.stop()


def _run(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120
    )


def test_demo_environment_points_every_endpoint_at_the_standin(
    demo_world: tuple[StandIn, dict[str, str]],
) -> None:
    standin, env = demo_world
    assert env["AWS_ENDPOINT_URL_STS"] == standin.sts_url
    assert env["AWSSWITCH_FEDERATION_ENDPOINT"] == standin.federation_url
    assert env["AWS_ENDPOINT_URL_SSO"] == env["AWS_ENDPOINT_URL_SSO_OIDC"] == standin.url
    assert os.path.isfile(f"{env['AWS_DATA_PATH']}/sts/2011-06-15/endpoint-rule-set-1.json")


def test_status_verify_in_the_demo(demo_world: tuple[StandIn, dict[str, str]]) -> None:
    standin, env = demo_world
    py = sys.executable
    proc = _run(env, py, "-m", "awsswitch", "status", "--verify", "awsprofile.home.poweruser")
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"verified:\s+account 123412341234", proc.stdout), proc.stdout
    arn = re.search(r"arn:\s+(\S+)", proc.stdout)
    assert arn and SSO_ROLE_ARN.fullmatch(arn.group(1)), proc.stdout
    assert standin.count("GetRoleCredentials", error="", accountId="123412341234") == 1
    assert standin.count("GetCallerIdentity", error="") == 1


def test_aws_cli_v2_in_the_demo(demo_world: tuple[StandIn, dict[str, str]], aws_v2: str) -> None:
    """The Debian CLI (it ignores AWS_ENDPOINT_URL_*) reaches the stand-in's portal and STS
    through the demo's AWS_DATA_PATH."""
    standin, env = demo_world
    proc = _run(env, aws_v2, "sts", "get-caller-identity", "--profile", "awsprofile.work.admin")
    assert proc.returncode == 0, proc.stderr
    identity = json.loads(proc.stdout)
    assert identity["Account"] == "210987654321"
    assert "/AWSReservedSSO_AdministratorAccess_" in identity["Arn"]
    assert standin.count("GetCallerIdentity", error="") == 1


def test_exec_and_console_url_in_the_demo(demo_world: tuple[StandIn, dict[str, str]]) -> None:
    """What the welcome text shows: `exec` runs a command as a profile (here with plain
    keys, which STS on the stand-in accepts), `console --url` prints a sign-in URL whose token
    the stand-in issued."""
    standin, env = demo_world
    py = sys.executable
    who = "import boto3; print(boto3.client('sts').get_caller_identity()['Arn'])"
    proc = _run(
        env, py, "-m", "awsswitch.commands.exec_", "home.poweruser", "--env-credentials", "--",
        py, "-c", who,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert SSO_ROLE_ARN.fullmatch(proc.stdout.strip()), proc.stdout
    proc = _run(env, py, "-m", "awsswitch.commands.console", "home.poweruser", "--url")
    assert proc.returncode == 0, proc.stderr
    url = urllib.parse.urlsplit(proc.stdout.strip())
    assert f"{url.scheme}://{url.netloc}{url.path}" == standin.federation_url
    query = dict(urllib.parse.parse_qsl(url.query))
    assert query["Action"] == "login"
    assert standin.signin_token_valid(query["SigninToken"])
    assert query["Destination"].startswith("https://")
    assert standin.count("GetSigninToken", error="") == 1
