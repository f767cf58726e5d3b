"""`asw` on an `aws login` console-session profile (login_session = ARN): a usable session
switches; a session that needs a new sign-in fails off a terminal with the command to run,
and the shell's environment is left as it was."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from support.login_files import ARN, entry, write

CONFIG = f"""[profile console]
login_session = {ARN}
region = eu-west-1
"""


def _asw(sandbox, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "awsswitch", "_asw", "bash", *args],
        env={**sandbox.env, "PATH": "/usr/bin:/bin"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _cache(sandbox) -> Path:
    return Path(sandbox.home) / ".aws" / "login" / "cache"


def test_a_usable_console_session_switches(sandbox) -> None:
    sandbox.write_config(CONFIG)
    write(_cache(sandbox), entry(expires_in=3600))
    proc = _asw(sandbox, "console")
    assert proc.returncode == 0, proc.stderr
    assert "export AWS_PROFILE='console'" in proc.stdout


def test_a_session_that_needs_a_sign_in_fails_off_a_terminal(sandbox) -> None:
    sandbox.write_config(CONFIG)
    write(_cache(sandbox), entry(expires_in=-60, drop=("refreshToken", "dpopKey")))
    proc = _asw(sandbox, "console")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stdout == ""  # nothing for the wrapper to eval
    assert "aws login --profile console" in proc.stderr
    assert "login-secret-access-key" not in proc.stderr


def test_no_cache_at_all_fails_off_a_terminal(sandbox) -> None:
    sandbox.write_config(CONFIG)
    proc = _asw(sandbox, "console")
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert "aws login" in proc.stderr
