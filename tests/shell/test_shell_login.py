"""A switch that has to log in, in a real shell on a pty, with a stand-in `aws` CLI v2:
what `aws sso login` prints never reaches the eval, and Ctrl-C leaves the shell as it was."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from datetime import datetime, timedelta, timezone

import pytest
from support.shells import CONFIG, SHELLS, expect_prompt, init_code, shell_value, spawn

pytestmark = pytest.mark.slow

FAKE_AWS = """#!/bin/sh
# A stand-in for the AWS CLI v2: `--version`, and `sso login` that talks on stdout.
case "$1" in
--version) echo "aws-cli/2.15.0 Python/3.11.6 Linux/6 exe/x86_64 prompt/off"; exit 0 ;;
esac
echo 'export PWNED=yes; touch "$HOME/PWNED"'
echo "LOGIN STARTED"
if [ -n "${{FAKE_AWS_HANG:-}}" ]; then
    sleep 60
    exit 0
fi
mkdir -p "$HOME/.aws/sso/cache"
printf '%s' '{token}' > "$HOME/.aws/sso/cache/{key}.json"
exit 0
"""


def _fake_aws(sandbox) -> dict[str, str]:
    now = datetime.now(timezone.utc)
    token = json.dumps(
        {
            "startUrl": "https://home.example.com/start",
            "region": "eu-west-1",
            "accessToken": "access",
            "expiresAt": (now + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
    )
    bin_dir = sandbox.home / "bin"
    bin_dir.mkdir()
    aws = bin_dir / "aws"
    key = hashlib.sha1(b"awssso.home").hexdigest()
    aws.write_text(FAKE_AWS.format(token=token, key=key))
    aws.chmod(aws.stat().st_mode | stat.S_IXUSR)
    return {"PATH": f"{bin_dir}{os.pathsep}{sandbox.env['PATH']}", "BROWSER": "true"}


@pytest.fixture(autouse=True)
def _config(sandbox):
    sandbox.write_config(CONFIG)


@pytest.mark.parametrize("shell", SHELLS)
def test_login_output_never_reaches_the_eval(sandbox, shell):
    env = _fake_aws(sandbox)
    child = spawn(sandbox, shell, init_code(shell), env=env)
    child.sendline("asw home.poweruser")
    child.expect_exact("LOGIN STARTED")  # shown to the person (on stderr)...
    child.expect_exact("READY>")
    expect_prompt(child)
    assert shell_value(child, "$AWS_PROFILE") == "awsprofile.home.poweruser"
    # ...but the `export PWNED=...` it printed on its stdout was never evaluated.
    assert shell_value(child, "$PWNED" if shell == "fish" else "${PWNED-}") == ""
    assert not (sandbox.home / "PWNED").exists()
    child.sendline("exit")


@pytest.mark.parametrize("shell", SHELLS)
def test_ctrl_c_during_login_changes_nothing(sandbox, shell):
    env = {**_fake_aws(sandbox), "FAKE_AWS_HANG": "1"}
    child = spawn(sandbox, shell, init_code(shell), env=env)
    child.sendline("asw static")
    expect_prompt(child)
    child.sendline("asw home.poweruser")
    child.expect_exact("LOGIN STARTED")
    child.sendintr()
    child.expect_exact("READY>")
    # The shell abandons the interrupted command line; its status says so (zsh reports 1
    # for any function interrupted by Ctrl-C, with or without awsswitch).
    status = shell_value(child, "$status" if shell == "fish" else "$?")
    assert status == ("1" if shell == "zsh" else "130")
    assert shell_value(child, "$AWS_PROFILE") == "static"
    assert shell_value(child, "$AWSSWITCH_PROFILE") == "static"
    assert not (sandbox.home / "PWNED").exists()
    child.sendline("exit")
