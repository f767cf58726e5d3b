"""Concurrent writers never lose a profile, whatever cache folder each one uses.

The editor's lock is `files.lock(path)`: a `flock` on the folder holding the config file, so two
processes agree on it whatever XDG_CACHE_HOME or AWSSWITCH_CACHE_DIR each one has (a lock file in
the cache folder made every process with its own cache folder a lock of its own). The caches
beside it (profile index, completion names) are replaced atomically and never claim to be fresh
for a config they did not read. A lock held elsewhere makes a writer wait, at most 30 s off a
terminal, then fail in one line; on a terminal it says what it waits for.

Real processes throughout: `awsswitch configure` subprocesses started together, `flock(1)`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from awsswitch import files
from awsswitch.config import names, profiles, reader
from awsswitch.files import FileFault

N = 10
SEED = "# shared\n[sso-session corp]\nsso_start_url = https://d-1234567890.awsapps.com/start\n"
SEED += "sso_region = eu-west-1\n"

# `awsswitch ARGS` through its real entry point, imported first and started on a signal, so
# that the ten writers reach the config file together rather than one Python start-up apart.
READY = textwrap.dedent(
    """
    import sys
    from awsswitch.__main__ import main
    import awsswitch.cli, awsswitch.commands.configure  # noqa: F401  (warm: typer and all)
    sys.stdout.write("ready\\n"); sys.stdout.flush()
    sys.stdin.readline()
    sys.exit(main(sys.argv[1:]))
    """
)


def _cache_env(sandbox: Any, i: int) -> dict[str, str]:
    """Process i's environment: its own cache folder, by either variable."""
    env = dict(sandbox.env)
    folder = str(sandbox.home / f"cache-{i}")
    if i % 2:
        env["AWSSWITCH_CACHE_DIR"] = folder
    else:
        env["XDG_CACHE_HOME"] = folder
    return env


def _together(commands: list[tuple[list[str], dict[str, str]]]) -> list[tuple[int, str]]:
    """Start every `awsswitch ARGS` (with its env), release them at once; (status, stderr)."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", READY, *args],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args, env in commands
    ]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline() == "ready\n"
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    out = []
    for p in procs:
        _, err = p.communicate(timeout=120)
        out.append((p.returncode, err))
    return out


def _configure(i: int) -> list[str]:
    return ["configure", "profile", f"p{i}", "--sso-session", "corp", "--account-id",
            f"{i:012d}", "--role-name", "Admin", "--region", "eu-west-1"]  # fmt: skip


def _check_caches(sandbox: Any, env: dict[str, str], expected: set[str]) -> None:
    """What a cache folder holds is either absent, stale (and known to be) or complete."""
    index = profiles.load_index(env)
    assert set(index.names) == expected
    path = Path(names.names_file(env))
    if path.exists() and names.is_fresh(env):
        listed = {line[1:] for line in path.read_text().splitlines() if line.startswith("p")}
        assert listed == expected, "a names file claims to be fresh but misses profiles"
    folder = Path(profiles.cache_path(env)).parent
    if folder.exists():
        assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == []


def test_ten_writers_with_ten_cache_folders_keep_every_profile(sandbox: Any) -> None:
    sandbox.write_config(SEED)
    results = _together([(_configure(i), _cache_env(sandbox, i)) for i in range(N)])
    assert [code for code, _ in results] == [0] * N, results
    profiles_now = reader.load_config(str(sandbox.config))["profiles"]
    expected = {f"p{i}" for i in range(N)}
    assert set(profiles_now) == expected
    for i in range(N):
        assert profiles_now[f"p{i}"]["sso_account_id"] == f"{i:012d}"
    assert sandbox.config.read_text().startswith(SEED)
    assert sorted(p.name for p in sandbox.config.parent.iterdir()) == ["config"]
    for i in range(N):
        _check_caches(sandbox, _cache_env(sandbox, i), expected)


def test_writers_and_readers_sharing_one_cache_folder(sandbox: Any) -> None:
    sandbox.write_config(SEED)
    env = sandbox.env
    readers = [(["list"], env), (["init", "bash"], env)] * 3
    writers = [(_configure(i), env) for i in range(N)]
    results = _together([x for pair in zip(writers, readers * 2, strict=False) for x in pair])
    assert all(code == 0 for code, _ in results), results
    _check_caches(sandbox, env, {f"p{i}" for i in range(N)})
    # Once settled, the names file is written and complete.
    names.refresh(env)
    assert names.is_fresh(env)


def test_names_written_while_the_config_changes_are_not_trusted(
    sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer changes the config between the names file's freshness check and its
    rename: the file written then lists the old names but is newer than the config, so the
    shell would take it as fresh. It must not survive as fresh."""
    sandbox.write_config(SEED + "[profile old]\nregion = x\n")
    past = time.time() - 60
    os.utime(sandbox.config, (past, past))
    env = sandbox.env
    render = names.render

    def other_writer_meanwhile(*args: Any) -> str | None:
        with open(sandbox.config, "a", encoding="utf-8") as fh:
            fh.write("[profile new]\nregion = y\n")
        os.utime(sandbox.config, (past + 1, past + 1))  # changed, and older than any write now
        return render(*args)

    monkeypatch.setattr(names, "render", other_writer_meanwhile)
    before = names.stamp(env)
    index = profiles.load_index(env, use_cache=False)
    names.update(index, env, before)
    monkeypatch.setattr(names, "render", render)
    path = Path(names.names_file(env))
    assert not (path.exists() and names.is_fresh(env)), path.read_text()
    assert names.refresh(env)
    assert "pnew" in path.read_text().splitlines()


HOLD = textwrap.dedent(
    """
    import sys, time
    from awsswitch import files
    with files.lock(sys.argv[1]):
        sys.stdout.write("held\\n"); sys.stdout.flush()
        time.sleep(60)
    """
)


def test_the_lock_is_shared_by_processes_with_different_cache_folders(
    sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(sandbox.config)],
        env=_cache_env(sandbox, 1),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        monkeypatch.setenv("XDG_CACHE_HOME", str(sandbox.home / "cache-0"))
        with (
            pytest.raises(FileFault, match="another process still holds the lock on"),
            files.lock(str(sandbox.config), timeout=0.5),
        ):
            pass
    finally:
        holder.kill()
        holder.wait()
    with files.lock(str(sandbox.config), timeout=0.5):  # free once the holder is gone
        pass


def _flock(folder: Path) -> subprocess.Popen[bytes]:
    """`flock FOLDER sleep 60`: another program holding the lock; returns once it holds it."""
    flock = shutil.which("flock")
    if flock is None:
        pytest.skip("flock(1) is not installed")
    proc = subprocess.Popen([flock, str(folder), "sh", "-c", "echo held; exec sleep 60"],
                            stdout=subprocess.PIPE, start_new_session=True)  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline() == b"held\n"
    return proc


def _release(proc: subprocess.Popen[bytes]) -> None:
    """End flock and the command holding the lock with it (its own process group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    proc.wait()


@pytest.mark.slow
def test_a_held_lock_fails_in_one_line_after_30_seconds(sandbox: Any) -> None:
    sandbox.write_config(SEED + "[profile keep]\nregion = x\n")
    holder = _flock(sandbox.config.parent)
    try:
        result = sandbox.run("configure", "profile", "keep", "--region", "eu-west-2")
    finally:
        _release(holder)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"awsswitch: another process still holds the lock on {sandbox.config.parent} (waited "
        f"30 s for {sandbox.config}); try again when it has finished"
    ]
    assert reader.load_config(str(sandbox.config))["profiles"]["keep"] == {"region": "x"}


# Every value given: on a terminal, configure would ask for the missing ones.
UPDATE_ON_TERMINAL = ["configure", "profile", "keep", "--region", "eu-west-2", "--output", "json"]


def _spawn(sandbox: Any, *args: str) -> Any:
    pexpect = pytest.importorskip("pexpect")
    return pexpect.spawn(
        sys.executable,
        ["-m", "awsswitch", *args],
        env=sandbox.env,
        encoding="utf-8",
        timeout=30,
        dimensions=(24, 200),
    )


@pytest.mark.slow
def test_on_a_terminal_the_wait_is_announced_and_ends_with_the_holder(sandbox: Any) -> None:
    sandbox.write_config(SEED + "[profile keep]\nregion = x\n")
    holder = _flock(sandbox.config.parent)
    child = _spawn(
        sandbox, "configure", "profile", "keep", "--region", "eu-west-2", "--output", "json"
    )
    try:
        child.expect_exact(
            f"waiting for another awsswitch process to finish with {sandbox.config} "
            "(Ctrl-C to stop)..."
        )
        assert reader.load_config(str(sandbox.config))["profiles"]["keep"] == {"region": "x"}
        _release(holder)
        child.expect_exact("Updated [profile keep]")
        child.expect(pytest.importorskip("pexpect").EOF)
    finally:
        _release(holder)
        child.close(force=True)
    assert child.exitstatus == 0
    assert reader.load_config(str(sandbox.config))["profiles"]["keep"] == {
        "region": "eu-west-2",
        "output": "json",
    }


@pytest.mark.slow
def test_on_a_terminal_ctrl_c_stops_the_wait(sandbox: Any) -> None:
    sandbox.write_config(SEED + "[profile keep]\nregion = x\n")
    before = sandbox.config.read_bytes()
    holder = _flock(sandbox.config.parent)
    child = _spawn(
        sandbox, "configure", "profile", "keep", "--region", "eu-west-2", "--output", "json"
    )
    try:
        child.expect_exact("(Ctrl-C to stop)...")
        child.sendintr()
        child.expect(pytest.importorskip("pexpect").EOF)
    finally:
        _release(holder)
        child.close(force=True)
    assert child.exitstatus == 130
    assert "Traceback" not in (child.before or "")
    assert sandbox.config.read_bytes() == before
