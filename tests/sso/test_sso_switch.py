"""The token hook inside a real switch: `asw` in bash (through `awsswitch init bash`) against
the stand-in. One login for two profiles of a session, Ctrl-C leaves the environment as it
was (exit 130), off a terminal no login is attempted (exit 1)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from support.sandbox import require
from support.sso import (
    POWERUSER,
    set_env,
    token_file,
    write_token,
)

from awsswitch.standin import StandIn

pytestmark = pytest.mark.usefixtures("sso_config")

_INIT = f'eval "$({sys.executable} -m awsswitch init bash)"'


def _bash(sandbox, script: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [require("bash"), "--noprofile", "--norc", "-c", f"{_INIT}\n{script}"],
        env={**sandbox.env, **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_off_a_terminal_no_login_exit_1(sandbox, monkeypatch) -> None:
    with StandIn() as s:
        set_env(sandbox, monkeypatch, **s.env(), AWSSWITCH_AWS_CLI="native")
        result = _bash(
            sandbox,
            'export AWS_PROFILE=before\nasw home.poweruser\necho "rc=$? p=$AWS_PROFILE"',
        )
        assert s.calls == []
    assert "rc=1 p=before" in result.stdout
    assert "not a terminal" in result.stderr
    assert "awsswitch login --sso-session corp" in result.stderr


def test_no_login_flag_skips_the_hook(sandbox, monkeypatch) -> None:
    result = _bash(sandbox, 'asw --no-login home.poweruser\necho "rc=$? p=$AWS_PROFILE"')
    assert f"rc=0 p={POWERUSER}" in result.stdout


def test_fresh_token_switches_off_a_terminal(sandbox) -> None:
    write_token(sandbox, expires_in=3600)
    result = _bash(sandbox, 'asw home.poweruser\necho "rc=$? p=$AWS_PROFILE"')
    assert f"rc=0 p={POWERUSER}" in result.stdout, result.stderr


@pytest.mark.slow
def test_interactive_switches_login_once_and_ctrl_c_changes_nothing(sandbox, monkeypatch) -> None:
    pexpect = pytest.importorskip("pexpect")
    with StandIn(auto_approve_after=None) as s:
        set_env(sandbox, monkeypatch, **s.env(), AWSSWITCH_AWS_CLI="native", PS1="$ ")
        child = pexpect.spawn(
            require("bash"),
            ["--noprofile", "--norc", "-i"],
            env=sandbox.env,
            encoding="utf-8",
            timeout=30,
        )
        try:
            child.sendline(f"{_INIT}; export AWS_PROFILE=before; echo READY")
            child.expect("READY")
            # Ctrl-C in the middle of the login: no switch, status 130
            child.sendline("asw home.poweruser")
            child.expect("enter the code")
            auth = s.wait_for_device_authorization()
            child.expect(re.escape(auth.user_code))
            child.sendintr()
            child.sendline('echo "rc=$? p=$AWS_PROFILE"')
            child.expect(r"rc=(\d+) p=(\S*)")
            assert child.match.group(1) == "130" and child.match.group(2) == "before"
            assert not token_file(sandbox).exists()
            # then a login that completes, and a second profile of the session: no login
            s.auto_approve_after = 1
            child.sendline('asw home.poweruser; echo "rc=$? p=$AWS_PROFILE"')
            child.expect(r"rc=(\d+) p=(\S*)")
            assert child.match.groups() == ("0", POWERUSER)
            child.sendline('asw work.admin; echo "rc=$? p=$AWS_PROFILE"')
            child.expect(r"rc=(\d+) p=(\S*)")
            assert child.match.groups() == ("0", "work.admin")
            child.sendline("exit")
            child.expect(pexpect.EOF)
        finally:
            child.close(force=True)
        assert s.count("StartDeviceAuthorization") == 2  # the interrupted one, then one
    assert token_file(sandbox).exists()
