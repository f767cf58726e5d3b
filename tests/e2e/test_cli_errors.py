"""The CLI's error boundary: usage errors in one line (with any typer the bounds allow), no
Python traceback for bad input or a faulty environment, quiet on a closed pipe.

Everything runs `python -m awsswitch` in a subprocess. Faults that cannot be produced from
outside (an exception nobody expected) are injected by replacing one function in the real
process before the real entry point runs (`_run_faulty`)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

EXE = [sys.executable, "-m", "awsswitch"]

# Replaces MODULE.ATTR with a function that fails as KIND says, then runs the entry point.
FAULTY = r"""
import importlib, sys
module, attr, kind, *args = sys.argv[1:]

def fault(*_a, **_k):
    if kind == "interrupt":
        raise KeyboardInterrupt
    if kind == "flood":  # a command printing far more than a pipe holds
        for _ in range(20000):
            sys.stdout.write("line of output that nobody reads\n")
        return None
    if kind == "oserror":  # one that no lower layer wrapped
        raise FileNotFoundError(2, "No such file or directory", "/nowhere/\x1b[2Jfile")
    raise RuntimeError("boom\nsecond line")

setattr(importlib.import_module(module), attr, fault)
from awsswitch.__main__ import main
sys.exit(main(args))
"""


def _env(sandbox, **extra: str) -> dict[str, str]:
    # PYTHONUNBUFFERED makes CPython drop a partial pipe write silently (no BrokenPipeError).
    env = {k: v for k, v in sandbox.env.items() if k != "PYTHONUNBUFFERED"}
    return {**env, **extra}


def _run(sandbox, *args: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*EXE, *args],
        env=_env(sandbox, **extra),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _run_faulty(sandbox, target: str, kind: str, *args: str, **extra: str):
    module, attr = target.rsplit(".", 1)
    return subprocess.run(
        [sys.executable, "-c", FAULTY, module, attr, kind, *args],
        env=_env(sandbox, **extra),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "Exception ignored" not in proc.stderr, proc.stderr


# -- usage errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "words", "hint"),
    [
        (["--bogus"], ["--bogus"], "awsswitch"),
        (["nosuchcmd"], ["nosuchcmd"], "awsswitch"),
        (["sync"], ["missing", "sessions"], "awsswitch sync"),
        (["status", "a", "b"], ["unexpected", "b"], "awsswitch status"),
        (["list", "--nope"], ["--nope"], "awsswitch list"),
        (["status", "--verify=yes"], ["--verify"], "awsswitch status"),
        (["configure", "nope"], ["nope"], "awsswitch configure"),
        (["sync", "--concurrency", "0", "s"], ["--concurrency"], "awsswitch sync"),
        (["login", "--sso-session"], ["--sso-session"], "awsswitch login"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else None,
)
def test_usage_error_is_one_line_and_a_hint(sandbox, args, words, hint):
    proc = _run(sandbox, *args)
    _no_traceback(proc)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 2, proc.stderr
    assert lines[0].startswith("awsswitch: "), lines
    for word in words:
        assert word.lower() in lines[0].lower(), lines[0]
    assert lines[1] == f"Try '{hint} --help'."


@pytest.mark.parametrize(
    ("args", "listed"),
    [([], ["list", "status", "sync", "configure"]), (["configure"], ["sso-session", "profile"])],
    ids=["awsswitch", "configure"],
)
def test_a_bare_group_prints_its_help_on_stderr_and_exits_2(sandbox, args, listed):
    """Consistent whatever click typer runs on (click 8.1 printed it on stdout, exit 0)."""
    proc = _run(sandbox, *args)
    _no_traceback(proc)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith(f"Usage: {' '.join(['awsswitch', *args])} ")
    for name in listed:
        assert f"  {name} " in proc.stderr, proc.stderr


def test_help_and_version_still_go_to_stdout(sandbox):
    proc = _run(sandbox, "--help")
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout.startswith("Usage: awsswitch ")
    proc = _run(sandbox, "list", "-h")  # an option the fast parser leaves to typer
    assert (proc.returncode, proc.stderr) == (0, "")
    assert "--json" in proc.stdout
    proc = _run(sandbox, "--version")
    assert proc.returncode == 0 and proc.stdout.startswith("awsswitch ")


def test_a_hostile_argument_is_shown_escaped(sandbox):
    proc = _run(sandbox, "\x1b[2Jevil\nline")
    _no_traceback(proc)
    assert proc.returncode == 2
    assert "\x1b" not in proc.stderr
    assert "\\x1b[2Jevil\\nline" in proc.stderr.splitlines()[0]


# -- the boundary: every other failure is one line --------------------------------------


@pytest.mark.parametrize(
    ("target", "args"),
    [
        ("awsswitch.commands.list_profiles.rows", ["list"]),  # the stdlib fast path
        ("awsswitch.commands.status.load_index", ["status"]),  # the stdlib fast path
        ("awsswitch.commands.logout.run", ["logout"]),  # through typer
        ("awsswitch.commands.sync.run", ["sync", "awssso.home"]),  # through typer
    ],
    ids=["list", "status", "logout", "sync"],
)
def test_an_unexpected_exception_is_one_line(sandbox, target, args):
    proc = _run_faulty(sandbox, target, "raise", *args)
    _no_traceback(proc)
    assert proc.returncode == 1
    assert proc.stderr == (
        "awsswitch: unexpected error: RuntimeError: boom\\nsecond line "
        "(run with AWSSWITCH_DEBUG=1 for details)\n"
    )
    debug = _run_faulty(sandbox, target, "raise", *args, AWSSWITCH_DEBUG="1")
    assert debug.returncode == 1
    assert debug.stderr.startswith("Traceback (most recent call last):")
    assert "in fault" in debug.stderr
    assert debug.stderr.endswith("awsswitch: unexpected error: RuntimeError: boom\\nsecond line\n")


def test_switch_core_failure_prints_nothing_on_stdout(sandbox):
    """`eval "$(awsswitch _asw bash NAME)"` must never evaluate half an answer."""
    sandbox.write_config("[profile a]\nregion = eu-west-1\n")
    proc = _run_faulty(sandbox, "awsswitch.switch.core.run", "raise", "_asw", "bash", "a")
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "unexpected error: RuntimeError" in proc.stderr
    ok = _run(sandbox, "_asw", "bash", "a")  # the same call without the fault switches
    assert ok.returncode == 0 and "AWS_PROFILE" in ok.stdout


def test_init_failure_is_one_line(sandbox):
    proc = _run_faulty(sandbox, "awsswitch.switch.init.render", "raise", "init", "bash")
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "unexpected error: RuntimeError" in proc.stderr


@pytest.mark.parametrize(
    ("target", "args"),
    [
        ("awsswitch.commands.list_profiles.rows", ["list"]),
        ("awsswitch.commands.logout.run", ["logout"]),
    ],
    ids=["fast-path", "typer"],
)
def test_interrupt_is_one_line_and_130(sandbox, target, args):
    proc = _run_faulty(sandbox, target, "interrupt", *args)
    assert (proc.returncode, proc.stdout, proc.stderr) == (130, "", "awsswitch: interrupted\n")


def test_ctrl_c_at_a_prompt(sandbox):
    """A real SIGINT from the terminal while `configure` waits for an answer."""
    child = pexpect.spawn(
        EXE[0],
        [*EXE[1:], "configure", "sso-session", "awssso.new"],
        env=_env(sandbox),
        encoding="utf-8",
        timeout=30,
    )
    child.expect("URL")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "awsswitch: interrupted" in child.before
    assert "Traceback" not in child.before


@pytest.mark.parametrize(
    ("target", "args"),
    [
        ("awsswitch.commands.list_profiles.rows", ["list"]),
        ("awsswitch.commands.logout.run", ["logout"]),
    ],
    ids=["fast-path", "typer"],
)
def test_an_os_error_nobody_wrapped_names_the_file(sandbox, target, args):
    proc = _run_faulty(sandbox, target, "oserror", *args)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == "awsswitch: /nowhere/\\x1b[2Jfile: No such file or directory\n"


def test_a_faulty_config_path_is_one_line(sandbox, tmp_path: Path):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    config = blocker / "config"  # its folder is a regular file: ENOTDIR, even for root
    proc = _run(
        sandbox,
        "configure",
        "sso-session",
        "awssso.x",
        "--start-url",
        "https://d-1234567890.awsapps.com/start",
        "--region",
        "eu-west-1",
        AWS_CONFIG_FILE=str(config),
    )
    _no_traceback(proc)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr.startswith("awsswitch: ")
    assert str(config) in proc.stderr


@pytest.mark.parametrize("args", [["list", "--json"], ["status"], ["sync", "--help"]])
def test_a_full_disk_on_stdout_is_one_line(sandbox, args):
    sandbox.write_config("[profile a]\nregion = eu-west-1\n")
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [*EXE, *args],
            env=_env(sandbox, AWS_PROFILE="a"),
            stdin=subprocess.DEVNULL,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert proc.returncode == 1
    assert proc.stderr == "awsswitch: No space left on device\n"


@pytest.mark.parametrize(
    "command",
    [
        '"$PY" -m awsswitch list | head -1',
        '"$PY" -m awsswitch list --json | head -1',
        '"$PY" -c "$FAULTY" awsswitch.commands.logout run flood logout | head -1',
    ],
    ids=["list", "list-json", "typer-command"],
)
def test_a_closed_pipe_is_quiet(sandbox, command):
    sandbox.write_config("".join(f"[profile p{i}]\nregion = eu-west-1\n" for i in range(3000)))
    proc = subprocess.run(
        ["bash", "-c", f'{command}; echo "status=${{PIPESTATUS[0]}}"'],
        env=_env(sandbox, PY=sys.executable, FAULTY=FAULTY),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.stderr == ""
    first, status = proc.stdout.splitlines()
    assert first.strip()
    assert status == "status=141"  # 128 + SIGPIPE, what `yes | head -1` reports


def test_secrets_in_a_broken_token_stay_out_of_the_output(sandbox):
    sandbox.write_config(
        "[sso-session s]\nsso_start_url = https://d-1234567890.awsapps.com/start\n"
        "sso_region = eu-west-1\n\n"
        "[profile p]\nsso_session = s\nsso_account_id = 123412341234\nsso_role_name = R\n"
    )
    sandbox.sso_cache.mkdir(parents=True)
    key = hashlib.sha1(b"s").hexdigest()
    secrets = ("SECRET-ACCESS-TOKEN", "SECRET-REFRESH", "SECRET-CLIENT")
    fields = ("accessToken", "refreshToken", "clientSecret")
    token = dict(zip(fields, secrets, strict=True), expiresAt=7)
    (sandbox.sso_cache / f"{key}.json").write_text(json.dumps(token), encoding="utf-8")
    for args in (["list"], ["list", "--json"], ["status"], ["status", "p"]):
        proc = _run(sandbox, *args, AWS_PROFILE="p")
        _no_traceback(proc)
        for secret in secrets:
            assert secret not in proc.stdout + proc.stderr, (args, proc.stdout, proc.stderr)


# -- errors.report itself (the one boundary), in-process ----------------------------------


def _report(exc: BaseException, **env: str) -> tuple[int, str]:
    from awsswitch.errors import report

    err = io.StringIO()
    code = report(exc, stderr=err, env=env)
    return code, err.getvalue()


def test_report_masks_secret_fields_of_an_unexpected_message():
    message = (
        '{"refreshToken": "SECRET-1", "clientSecret": "SECRET-2"} '
        "Invalid type for parameter accessToken, value: SECRET-3, type: int"
    )
    code, out = _report(ValueError(message))
    assert code == 1
    for secret in ("SECRET-1", "SECRET-2", "SECRET-3"):
        assert secret not in out
    assert out.count("***") == 3 and out.startswith("awsswitch: unexpected error: ValueError: ")


def test_the_debug_traceback_masks_them_too():
    """AWSSWITCH_DEBUG's traceback repeats each message, the cause's included."""
    try:
        try:
            raise KeyError('clientSecret="SECRET-1"')
        except KeyError as cause:
            raise ValueError('{"refreshToken": "SECRET-2"}') from cause
    except ValueError as exc:
        code, out = _report(exc, AWSSWITCH_DEBUG="1")
    assert code == 1
    assert "Traceback (most recent call last)" in out and "raise KeyError" in out
    assert "SECRET" not in out  # in the messages and the source lines shown
    assert "KeyError: 'clientSecret=\"***\"'" in out and "The above exception" in out
    assert out.endswith('awsswitch: unexpected error: ValueError: {"refreshToken": "***"}\n')


def test_report_cuts_a_long_message_to_one_short_line():
    code, out = _report(RuntimeError("x" * 5000 + "\n" + "y" * 10))
    assert code == 1 and out.count("\n") == 1 and len(out) < 450


def test_report_names_both_files_of_a_failed_rename(tmp_path: Path):
    with pytest.raises(OSError) as caught:
        os.rename(tmp_path / "missing", tmp_path / "target")
    code, out = _report(caught.value)
    assert code == 1
    assert out == (
        f"awsswitch: {tmp_path / 'missing'} -> {tmp_path / 'target'}: No such file or directory\n"
    )


def test_a_broken_pipe_that_is_not_stdout_is_reported():
    """Under pytest fd 1 is a file, not a closed pipe: a BrokenPipeError from elsewhere (a
    socket) must not be swallowed as if the reader of stdout had gone."""
    code, out = _report(BrokenPipeError(32, "Broken pipe"))
    assert (code, out) == (1, "awsswitch: Broken pipe\n")


def test_report_keeps_the_exit_code_of_an_awsswitch_error():
    from awsswitch.errors import AwsswitchError, UsageError

    assert _report(UsageError("bad name")) == (2, "awsswitch: bad name\n")
    assert _report(AwsswitchError("no", exit_code=3)) == (3, "awsswitch: no\n")
    code, out = _report(AwsswitchError("with trace"), AWSSWITCH_DEBUG="1")
    assert code == 1 and "AwsswitchError: with trace" in out  # the traceback, on request
    assert out.endswith("awsswitch: with trace\n")
    assert _report(KeyboardInterrupt(), AWSSWITCH_DEBUG="1") == (130, "awsswitch: interrupted\n")
