"""The login lock (`files.lock` on ~/.aws/sso/cache) is never waited on forever: off a
terminal a held lock (another login, or an `asw` stopped with SIGSTOP) fails after a bound
with a clear message; on a terminal the wait says what it waits for and Ctrl-C ends it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest
from support.sso import (
    POWERUSER,
    READONLY,
    set_env,
    spawn_asw,
    token_file,
    write_grant,
    write_token,
)

from awsswitch import files
from awsswitch.config.profiles import load_index
from awsswitch.sso import cache, hook
from awsswitch.standin import StandIn

pytestmark = pytest.mark.usefixtures("sso_config")

HOLDER = (
    "import sys, time\n"
    "from awsswitch import files\n"
    "files.lock(sys.argv[1]).__enter__()\n"
    "print('locked', flush=True)\n"
    "time.sleep(600)\n"
)


@pytest.fixture
def held(sandbox) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the lock of the token cache folder."""
    path = str(token_file(sandbox))
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, path],
        env=sandbox.env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        yield proc
    finally:
        proc.kill()
        proc.wait(timeout=30)


def _ensure(name: str, *, interactive: bool) -> str | None:
    index = load_index(os.environ)
    return hook.ensure_fresh(index.by_name[name], index, interactive=interactive, env=os.environ)


def test_fresh_token_never_waits_for_the_lock(sandbox, held) -> None:
    write_token(sandbox, expires_in=3600)
    assert _ensure(POWERUSER, interactive=False) == hook.KEPT


def test_held_lock_off_a_terminal_fails_after_the_bound(
    standin, sandbox, held, monkeypatch
) -> None:
    monkeypatch.setattr(files, "LOCK_TIMEOUT", 0.3)
    write_grant(sandbox, standin, expires_in=-60)
    before = token_file(sandbox).read_bytes()
    with pytest.raises(files.FileFault) as info:
        _ensure(POWERUSER, interactive=False)
    message = info.value.message
    assert "another process still holds the lock" in message
    assert "sso-session corp" in message and "\n" not in message
    assert standin.calls == []
    assert token_file(sandbox).read_bytes() == before


def test_writes_inside_a_login_take_the_lock_again(sandbox) -> None:
    """The lock is re-entrant in one process: the token write inside a login passes."""
    path = str(token_file(sandbox))
    with files.lock(path):
        cache.write_json(path, {"a": 1})
    assert token_file(sandbox).read_bytes() == b'{"a": 1}'


def test_ctrl_c_while_waiting_for_the_lock_on_a_terminal(standin, sandbox, held) -> None:
    pexpect = pytest.importorskip("pexpect")
    write_grant(sandbox, standin, expires_in=-60)
    before = token_file(sandbox).read_bytes()
    child = spawn_asw(sandbox)
    try:
        child.expect(r"waiting for another awsswitch process to finish with sso-session corp")
        child.expect(r"Ctrl-C to stop")
        child.sendintr()
        child.expect(pexpect.EOF)
        output = child.before or ""
    finally:
        child.close()
    assert child.exitstatus == 130
    assert "export AWS_PROFILE" not in output
    assert standin.calls == []
    assert token_file(sandbox).read_bytes() == before


@pytest.mark.slow
def test_a_stopped_login_does_not_hang_a_scripted_switch(sandbox, monkeypatch) -> None:
    """A login waiting for approval holds the lock; stopped with SIGSTOP it never lets go.
    A switch off a terminal that needs the lock gives up after 30 s with a clear message."""
    with StandIn(auto_approve_after=None) as s:
        set_env(sandbox, monkeypatch, **s.env(), AWSSWITCH_AWS_CLI="native")
        login = subprocess.Popen(
            [sys.executable, "-m", "awsswitch", "login", POWERUSER],
            env=sandbox.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            s.wait_for_device_authorization(timeout=30)
            os.kill(login.pid, signal.SIGSTOP)
            write_grant(sandbox, s, expires_in=-60)  # READONLY shares the session: refresh due
            result = subprocess.run(
                [sys.executable, "-m", "awsswitch", "_asw", "bash", READONLY],
                env=sandbox.env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=120,
            )
        finally:
            os.kill(login.pid, signal.SIGCONT)
            login.kill()
            login.wait(timeout=30)
    assert result.returncode == 1 and result.stdout == ""
    assert "another process still holds the lock" in result.stderr
    assert f"waited {files.LOCK_TIMEOUT:.0f} s for sso-session corp" in result.stderr
