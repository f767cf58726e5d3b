"""`awsswitch exec` over real HTTP to the stand-in: CMD's environment in each mode (what `asw`
sets; credentials; the credential server's two variables), boto3 in CMD getting the role
credentials the stand-in issued, the SSO session made fresh first, exit statuses (CMD's own,
126, 127, 128+N), stdout left to CMD, and CMD never run through a shell."""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

import pytest
from credhelp import command
from support.sso import (
    POWERUSER,
    READONLY,
    make_exe,
    role_credentials,
    write_grant,
    write_token,
)

from awsswitch.commands import exec_
from awsswitch.errors import UsageError
from awsswitch.standin import StandIn
from awsswitch.switch.core import CONFLICTING

pytestmark = pytest.mark.usefixtures("cred_config")

PRINT_ENV = "import json, os; print(json.dumps(dict(os.environ)))"
BOTO3_CREDS = """
import json, boto3
c = boto3.Session().get_credentials()
f = c.get_frozen_credentials()
print(json.dumps({"method": c.method, "key": f.access_key, "secret": f.secret_key,
                  "token": f.token}))
"""
MODES = ((), ("--env-credentials",), ("--server",))
# What a shell may still hold from an earlier identity: exec must clear all of it.
STALE = {name: f"stale-{name.lower()}" for name in CONFLICTING}


def _exec(sandbox: Any, *args: str, env: dict[str, str] | None = None, **kw: Any) -> Any:
    return command(sandbox, "exec_", *args, env=env, **kw)


def _child_env(sandbox: Any, *args: str, env: dict[str, str] | None = None) -> dict[str, str]:
    out = _exec(sandbox, *args, "--", sys.executable, "-c", PRINT_ENV, env=env)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_parse() -> None:
    opts = exec_.parse(["p", "--", "aws", "s3", "ls"])
    assert (opts.profile, opts.mode, opts.command) == ("p", exec_.MODE_PROFILE, ["aws", "s3", "ls"])
    opts = exec_.parse(["--server", "p", "--", "cmd", "--server"])
    assert (opts.profile, opts.mode, opts.command) == ("p", exec_.MODE_SERVER, ["cmd", "--server"])
    opts = exec_.parse(["p", "ls", "-la", "--", "x"])  # without `--`: CMD keeps its options
    assert (opts.profile, opts.command) == ("p", ["ls", "-la", "--", "x"])
    opts = exec_.parse(["--env-credentials", "--", "env"])
    assert (opts.profile, opts.mode, opts.command) == (None, exec_.MODE_ENV, ["env"])
    assert exec_.parse(["-h"]).help
    for bad in (
        ["p"],
        ["p", "--"],
        ["--bogus", "--", "x"],
        ["--server", "--env-credentials", "p", "--", "x"],
        [],
    ):
        with pytest.raises(UsageError):
            exec_.parse(bad)


def test_default_mode_sets_what_asw_sets(standin: StandIn, sandbox: Any) -> None:
    write_grant(sandbox, standin)
    env = _child_env(sandbox, POWERUSER, env={**STALE, "AWS_PROFILE": "keys"})
    assert env["AWS_PROFILE"] == POWERUSER
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "eu-west-1"
    assert env["AWSSWITCH_PROFILE"] == POWERUSER and env["AWSSWITCH_PREVIOUS"] == "keys"
    assert not set(CONFLICTING) & set(env)
    assert standin.calls == []  # a fresh token: nothing to fetch, no credentials in CMD


def test_default_mode_clears_only_the_region_awsswitch_set(standin: StandIn, sandbox: Any) -> None:
    write_grant(sandbox, standin)
    ours = {
        "AWS_REGION": "eu-west-1",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWSSWITCH_REGION": "eu-west-1",
    }
    env = _child_env(sandbox, READONLY, env=ours)  # READONLY has no region
    assert "AWS_REGION" not in env and "AWS_DEFAULT_REGION" not in env
    env = _child_env(sandbox, READONLY, env={"AWS_REGION": "ap-south-1"})
    assert env["AWS_REGION"] == "ap-south-1"


def test_default_mode_makes_the_session_fresh_first(standin: StandIn, sandbox: Any) -> None:
    write_grant(sandbox, standin, expires_in=60)  # refreshable, inside the 15-minute window
    out = _exec(sandbox, POWERUSER, "--", sys.executable, "-c", "print('only this')")
    assert out.returncode == 0, out.stderr
    assert out.stdout == "only this\n"
    assert standin.count("CreateToken") == 1
    assert standin.count("GetRoleCredentials") == 0


def test_modes_need_a_session_off_a_terminal(
    standin: StandIn, sandbox: Any, tmp_path: Path
) -> None:
    write_token(sandbox, expires_in=-60, refreshable=False)
    marker = tmp_path / "ran"
    for mode in MODES:
        out = _exec(sandbox, *mode, POWERUSER, "--", "touch", str(marker))
        assert out.returncode == 1, (mode, out.stderr)
        assert "awsswitch login --sso-session corp" in out.stderr
        assert out.stdout == ""
    assert not marker.exists()


def test_env_credentials_reach_boto3(standin: StandIn, sandbox: Any) -> None:
    write_grant(sandbox, standin)
    out = _exec(
        sandbox,
        "--env-credentials",
        POWERUSER,
        "--",
        sys.executable,
        "-c",
        BOTO3_CREDS,
        env={**STALE, "AWS_PROFILE": "keys"},
    )
    assert out.returncode == 0, out.stderr
    issued = role_credentials(standin)
    assert len(issued) == 1
    assert json.loads(out.stdout) == {
        "method": "env",
        "key": issued[0]["accessKeyId"],
        "secret": issued[0]["secretAccessKey"],
        "token": issued[0]["sessionToken"],
    }
    env = _child_env(sandbox, "--env-credentials", POWERUSER)
    assert "AWS_PROFILE" not in env
    assert env["AWS_ACCESS_KEY_ID"] == issued[0]["accessKeyId"]  # the cached ones
    assert env["AWS_CREDENTIAL_EXPIRATION"].startswith("20")
    assert env["AWS_REGION"] == "eu-west-1"
    assert len(role_credentials(standin)) == 1


def test_server_credentials_reach_boto3(standin: StandIn, sandbox: Any) -> None:
    write_grant(sandbox, standin)
    stale = {
        **STALE,
        "AWS_PROFILE": "keys",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/x",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/nonexistent",
    }
    out = _exec(sandbox, "--server", POWERUSER, "--", sys.executable, "-c", BOTO3_CREDS, env=stale)
    assert out.returncode == 0, out.stderr
    issued = role_credentials(standin)
    assert json.loads(out.stdout) == {
        "method": "container-role",
        "key": issued[-1]["accessKeyId"],
        "secret": issued[-1]["secretAccessKey"],
        "token": issued[-1]["sessionToken"],
    }
    env = _child_env(sandbox, "--server", POWERUSER, env=stale)
    aws = {k for k in env if k.startswith("AWS_") and "ENDPOINT_URL" not in k}
    assert aws == {
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
        "AWS_EC2_METADATA_DISABLED",
    }
    assert env["AWS_CONTAINER_CREDENTIALS_FULL_URI"].startswith("http://127.0.0.1:")
    assert len(env["AWS_CONTAINER_AUTHORIZATION_TOKEN"]) >= 32
    assert env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] not in out.stderr


def test_server_warns_when_default_has_credentials(standin: StandIn, sandbox: Any) -> None:
    write_grant(sandbox, standin)
    sandbox.credentials.write_text(
        "[default]\naws_access_key_id = AKIAD\naws_secret_access_key = s\n"
    )
    out = _exec(sandbox, "--server", POWERUSER, "--", "true")
    assert out.returncode == 0
    assert "[default] profile has credentials of its own" in out.stderr


@pytest.mark.parametrize("mode", MODES, ids=["profile", "env", "server"])
def test_exit_status_passes_through(mode: tuple[str, ...], sandbox: Any) -> None:
    for code in (0, 1, 7, 255):
        out = _exec(sandbox, *mode, "keys", "--", sys.executable, "-c", f"raise SystemExit({code})")
        assert out.returncode == code, out.stderr


@pytest.mark.parametrize("mode", MODES, ids=["profile", "env", "server"])
def test_signal_death(mode: tuple[str, ...], sandbox: Any) -> None:
    kill = "import os, signal; os.kill(os.getpid(), signal.SIGTERM)"
    out = _exec(sandbox, *mode, "keys", "--", sys.executable, "-c", kill)
    if mode == ("--server",):  # awsswitch stayed the parent: the shell convention
        assert out.returncode == 128 + signal.SIGTERM
    else:  # awsswitch became CMD: the caller sees the signal itself
        assert out.returncode == -signal.SIGTERM


@pytest.mark.parametrize("mode", MODES, ids=["profile", "env", "server"])
def test_not_found_and_not_runnable(mode: tuple[str, ...], sandbox: Any, tmp_path: Path) -> None:
    out = _exec(sandbox, *mode, "keys", "--", "no-such-command-xyz", "arg")
    assert (out.returncode, out.stdout) == (127, "")
    assert out.stderr == "awsswitch: no-such-command-xyz: command not found\n"
    plain = tmp_path / "not-executable"
    plain.write_text("#!/bin/sh\necho hi\n")
    out = _exec(sandbox, *mode, "keys", "--", str(plain))
    assert (out.returncode, out.stdout) == (126, "")
    assert out.stderr.count("\n") == 1 and "Permission denied" in out.stderr
    out = _exec(sandbox, *mode, "keys", "--", str(tmp_path))  # a folder
    assert out.returncode == 126


@pytest.mark.parametrize("mode", MODES, ids=["profile", "env", "server"])
def test_never_through_a_shell(mode: tuple[str, ...], sandbox: Any, tmp_path: Path) -> None:
    marker = tmp_path / "injected"
    hostile = f"$(touch {marker}); `touch {marker}` && touch {marker}"
    echo = "import sys; print(repr(sys.argv[1:]))"
    out = _exec(sandbox, *mode, "keys", "--", sys.executable, "-c", echo, hostile, "*", "~")
    assert out.returncode == 0, out.stderr
    assert out.stdout == repr([hostile, "*", "~"]) + "\n"
    out = _exec(sandbox, *mode, "keys", "--", f"true; touch {marker}")
    assert out.returncode == 127
    assert not marker.exists()


def test_cmd_found_on_the_profile_environments_path(sandbox: Any, tmp_path: Path) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    make_exe(bindir / "mytool", '#!/bin/sh\necho "mytool $AWS_PROFILE $*"\n')
    path = f"{bindir}{os.pathsep}{os.environ['PATH']}"
    for mode in ((), ("--server",)):
        out = _exec(sandbox, *mode, "keys", "--", "mytool", "a b", env={"PATH": path})
        assert out.returncode == 0, out.stderr
        assert out.stdout == ("mytool keys a b\n" if not mode else "mytool  a b\n")


def test_profile_errors(sandbox: Any, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    out = _exec(sandbox, "no-such-profile", "--", "touch", str(marker))
    assert out.returncode == 2 and "could not be found" in out.stderr
    out = _exec(sandbox, "--env-credentials", "plain", "--", "touch", str(marker))
    assert out.returncode == 1 and "has no credentials" in out.stderr
    out = _exec(sandbox, "--", "touch", str(marker))
    assert out.returncode == 2 and "AWS_PROFILE is not set" in out.stderr
    assert not marker.exists()
    out = _exec(sandbox, "--", sys.executable, "-c", PRINT_ENV, env={"AWS_PROFILE": "keys"})
    assert json.loads(out.stdout)["AWS_PROFILE"] == "keys"


def test_help(sandbox: Any) -> None:
    out = _exec(sandbox, "--help")
    assert out.returncode == 0 and out.stdout.startswith(exec_.USAGE)
