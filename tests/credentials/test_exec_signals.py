"""Signals under `exec`, on a real terminal (pexpect): Ctrl-C reaches CMD exactly once, SIGTERM
sent to awsswitch reaches CMD, CMD's exit status comes back; in the default mode awsswitch
has become CMD (same process id), under `--server` it stays CMD's parent and forwards."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pexpect
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("cred_config")]

# Counts SIGINT and SIGTERM; after the first one, waits a moment for a duplicate, then exits
# with 40 + the number received.
CHILD = """
import os, signal, sys, time
got = []
def on(signum, frame):
    got.append(signum)
    print(f"GOT {signal.Signals(signum).name} {len(got)}", flush=True)
signal.signal(signal.SIGINT, on)
signal.signal(signal.SIGTERM, on)
print(f"READY {os.getpid()}", flush=True)
while not got:
    signal.pause()
time.sleep(1.0)
sys.exit(40 + len(got))
"""
MODES = ((), ("--server",))


def _exec_argv(mode: tuple[str, ...], *command: str) -> list[str]:
    """`python -m awsswitch.commands.exec_ [MODE] keys -- COMMAND`."""
    return [sys.executable, "-m", "awsswitch.commands.exec_", *mode, "keys", "--", *command]


def _on_pty(sandbox: Any, argv: list[str]) -> pexpect.spawn:
    return pexpect.spawn(argv[0], argv[1:], env=sandbox.env, encoding="utf-8", timeout=30)


def _spawn(sandbox: Any, mode: tuple[str, ...], script: Path) -> tuple[pexpect.spawn, int]:
    child = _on_pty(sandbox, _exec_argv(mode, sys.executable, str(script)))
    child.expect(r"READY (\d+)")
    return child, int(child.match.group(1))


def _finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus is not None, child.signalstatus
    return child.exitstatus


@pytest.fixture(name="script")
def script_fixture(tmp_path: Path) -> Path:
    path = tmp_path / "child.py"
    path.write_text(CHILD, encoding="utf-8")
    return path


@pytest.mark.parametrize("mode", MODES, ids=["profile", "server"])
def test_ctrl_c_reaches_cmd_once(mode: tuple[str, ...], sandbox: Any, script: Path) -> None:
    child, pid = _spawn(sandbox, mode, script)
    assert (pid == child.pid) == (not mode)  # exec: awsswitch became CMD
    child.sendintr()
    child.expect("GOT SIGINT 1")
    assert _finish(child) == 41
    assert "GOT SIGINT 2" not in (child.before or "")


@pytest.mark.parametrize("mode", MODES, ids=["profile", "server"])
def test_sigterm_to_awsswitch_reaches_cmd(
    mode: tuple[str, ...], sandbox: Any, script: Path
) -> None:
    child, _ = _spawn(sandbox, mode, script)
    os.kill(child.pid, signal.SIGTERM)
    child.expect("GOT SIGTERM 1")
    assert _finish(child) == 41


def test_ctrl_c_that_ends_cmd_gives_130(sandbox: Any) -> None:
    """CMD with Python's default Ctrl-C handling dies of SIGINT: 128 + 2."""
    sleeper = "import time; print('READY', flush=True); time.sleep(60)"
    child = _on_pty(sandbox, _exec_argv(("--server",), sys.executable, "-c", sleeper))
    child.expect("READY")
    child.sendintr()
    assert _finish(child) == 130


def test_server_forwards_signals_without_a_terminal(sandbox: Any, script: Path) -> None:
    """No terminal sent it: a SIGINT for awsswitch is passed on to CMD."""
    proc = subprocess.Popen(
        _exec_argv(("--server",), sys.executable, str(script)),
        env=sandbox.env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert re.fullmatch(r"READY (\d+)\n", line) and int(line.split()[1]) != proc.pid
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 41, err
    assert out == "GOT SIGINT 1\n"


TERMINAL_SENT = """
import subprocess
from awsswitch.commands.exec_ import _terminal_sent
same = subprocess.Popen(["sleep", "30"])
other = subprocess.Popen(["sleep", "30"], start_new_session=True)
print("RESULT", _terminal_sent(same.pid), _terminal_sent(other.pid), flush=True)
same.kill()
other.kill()
"""


def test_ctrl_c_is_not_forwarded_when_the_terminal_sent_it(sandbox: Any) -> None:
    """Ctrl-C goes from the terminal to its whole foreground process group: awsswitch passes it
    on only when CMD is not in that group (the counts above cannot see a duplicate: a second
    SIGINT that arrives while the first is pending merges with it)."""
    child = pexpect.spawn(
        sys.executable, ["-c", TERMINAL_SENT], env=sandbox.env, encoding="utf-8", timeout=30
    )
    child.expect(r"RESULT (\w+) (\w+)")
    assert child.match.groups() == ("True", "False")
    _finish(child)
    off = subprocess.run(
        [sys.executable, "-c", TERMINAL_SENT],
        env=sandbox.env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        start_new_session=True,
        timeout=30,
    )
    assert off.stdout == "RESULT False False\n", off.stderr
