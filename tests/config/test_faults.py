"""Config and credentials paths that are not plain files, and file systems that fail.

Every reader of a user's config file (the botocore-equal reader, the profile index, the
completion names, the editor) goes through `reader.read_file` (`files.read_bytes` capped at
`files.CONFIG_LIMIT`): a FIFO, a symlink to /dev/zero, a folder, a huge file or a symlink loop
is a one-line error naming the file, never a hang or a memory blow-up. Writes that the file
system refuses (full, read-only, immutable file) leave the file as it was and say what to do,
in one line, without a traceback. Real files, FIFOs, mounts and subprocesses throughout.
"""

from __future__ import annotations

import errno
import os
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from awsswitch import files
from awsswitch.config import editor, names, profiles, reader
from awsswitch.config.editor import PROFILE
from awsswitch.files import FileFault

SEED = "[profile keep]\nregion = eu-west-1\noutput = json\n"
HUGE = files.CONFIG_LIMIT + 1


@pytest.fixture(autouse=True)
def deadline() -> Iterator[None]:
    """A read that blocks (a FIFO opened without O_NONBLOCK) fails the test instead of hanging
    the suite."""

    def expired(*_: Any) -> None:
        raise TimeoutError("a config read blocked for 20 s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(20)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _make(kind: str, path: Path) -> str:
    """Turn `path` into `kind`; the message FileFault gives for it after `cannot read PATH: `."""
    path.unlink(missing_ok=True)
    if kind == "fifo":
        os.mkfifo(path)
        return "it is a FIFO, not a file"
    if kind == "dev-zero":
        path.symlink_to("/dev/zero")
        return "it is a character device, not a file"
    if kind == "directory":
        path.mkdir()
        return "it is a directory, not a file"
    if kind == "huge":
        with open(path, "wb") as fh:  # sparse: no disk space used
            fh.truncate(HUGE)
        return "larger than 64 MiB"
    if kind == "loop":
        path.symlink_to(path.name)
        return "too many levels of symbolic links: fix the symlink loop"
    raise AssertionError(kind)


KINDS = ["fifo", "dev-zero", "directory", "huge", "loop"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("role", ["config", "credentials"])
def test_every_reader_refuses_what_is_not_a_plain_file(sandbox: Any, kind: str, role: str) -> None:
    sandbox.write_config(SEED)
    path = sandbox.config if role == "config" else sandbox.credentials
    why = _make(kind, path)
    line = f"cannot read {path}: {why}"

    for read in (
        lambda: reader.raw_parse(str(path)),
        lambda: reader.load_config(str(path)),
        lambda: profiles.load_index(sandbox.env),
        lambda: profiles.load_index(sandbox.env, use_cache=False),
    ):
        with pytest.raises(FileFault) as info:
            read()
        assert info.value.message == line
        assert info.value.path == str(path)
    assert names.refresh(sandbox.env) is False  # completion falls back, never raises
    assert not os.path.exists(names.names_file(sandbox.env))
    if role == "config":
        with pytest.raises(FileFault, match=f"^{line}$"):
            editor.load_document(str(path))
        with pytest.raises(FileFault) as info:
            editor.edit_config(str(path), lambda d: d.update(PROFILE, "x", {"region": "r"}))
        # the loop cannot even be locked or resolved: any one-line message naming it will do
        assert str(path) in info.value.message
        assert "\n" not in info.value.message


@pytest.mark.parametrize("kind", KINDS)
def test_cli_reports_one_line_and_does_not_hang(sandbox: Any, kind: str) -> None:
    why = _make(kind, sandbox.config)
    for args in (["list"], ["_asw", "bash", "keep"], ["status", "keep"]):
        result = sandbox.run(*args)
        assert result.returncode == 1, result
        prog = "asw" if args[0] == "_asw" else "awsswitch"
        assert result.stderr.splitlines() == [f"{prog}: cannot read {sandbox.config}: {why}"]
        assert result.stdout == ""


def _limit_memory() -> None:
    limit = 512 * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def test_a_config_larger_than_memory_is_refused_not_read(sandbox: Any) -> None:
    # 4 GiB (sparse) under a 512 MiB address-space limit: reading it whole would fail with
    # MemoryError; the size cap refuses it before reading a byte.
    with open(sandbox.config, "wb") as fh:
        fh.truncate(4 * 1024**3)
    result = subprocess.run(
        [sys.executable, "-m", "awsswitch", "list"],
        env=sandbox.env,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limit_memory,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"awsswitch: cannot read {sandbox.config}: larger than 64 MiB"
    ]


def test_the_null_device_as_credentials_file_means_none(sandbox: Any) -> None:
    sandbox.write_config(SEED)
    result = sandbox.run("list", AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    assert result.returncode == 0, result.stderr
    assert "keep" in result.stdout


# -- writes the file system refuses ----------------------------------------------------------

UPDATE = ["configure", "profile", "keep", "--region", "eu-west-2"]


def _assert_refused(result: subprocess.CompletedProcess[str], config: Path, line: str) -> None:
    assert result.returncode == 1, result
    assert result.stderr.splitlines() == [f"awsswitch: {line}"]
    assert "Traceback" not in result.stderr + result.stdout


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs, mounted for the test (needs root and mount permission)."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k,mode=0755", "tmpfs", str(mnt)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def _fill(folder: Path) -> None:
    """Fill the file system holding `folder` to the last byte."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (4096, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)


def test_full_file_system_leaves_the_config_intact(sandbox: Any, small_fs: Path) -> None:
    config = small_fs / "config"
    config.write_text(SEED)
    before = config.stat()
    _fill(small_fs)
    result = sandbox.run(*UPDATE, AWS_CONFIG_FILE=str(config))
    _assert_refused(
        result,
        config,
        f"cannot write {config}: no space left on the device: free some space and try again; "
        "nothing was changed",
    )
    assert config.read_text() == SEED
    assert config.stat().st_ino == before.st_ino
    assert _leftovers(small_fs) == []


def test_read_only_file_system(sandbox: Any, small_fs: Path) -> None:
    config = small_fs / "config"
    config.write_text(SEED)
    remount = subprocess.run(
        ["mount", "-o", "remount,ro", str(small_fs)], capture_output=True, text=True
    )
    if remount.returncode != 0:
        pytest.skip(f"cannot remount read-only: {remount.stderr.strip()}")
    result = sandbox.run(*UPDATE, AWS_CONFIG_FILE=str(config))
    _assert_refused(
        result,
        config,
        f"cannot write {config}: the file system is read-only: remount it read-write or point "
        "awsswitch elsewhere; nothing was changed",
    )
    assert config.read_text() == SEED


@pytest.fixture
def immutable(sandbox: Any) -> Iterator[Path]:
    """The sandbox config with the immutable attribute (chattr +i), removed afterwards."""
    sandbox.write_config(SEED)
    chattr = shutil.which("chattr")
    if chattr is None:
        pytest.skip("chattr is not installed")
    done = subprocess.run([chattr, "+i", str(sandbox.config)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot make a file immutable here: {done.stderr.strip()}")
    try:
        yield sandbox.config
    finally:
        subprocess.run([chattr, "-i", str(sandbox.config)], check=False)


def test_immutable_config_is_refused_with_what_to_do(sandbox: Any, immutable: Path) -> None:
    before = immutable.stat()
    result = sandbox.run(*UPDATE)
    _assert_refused(
        result,
        immutable,
        f"cannot write {immutable}: operation not permitted: the file may be immutable (lsattr; "
        "chattr -i) or owned by someone else; nothing was changed",
    )
    assert immutable.read_text() == SEED
    assert immutable.stat().st_ino == before.st_ino
    assert _leftovers(immutable.parent) == []


def test_symlink_loop_is_refused_for_writes(sandbox: Any) -> None:
    _make("loop", sandbox.config)
    result = sandbox.run(*UPDATE)
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("awsswitch: cannot ")
    assert "too many levels of symbolic links" in result.stderr
    assert str(sandbox.config) in result.stderr
    assert sandbox.config.is_symlink()


def test_unwritable_cache_costs_only_speed(sandbox: Any) -> None:
    # The cache folder cannot exist: its parent is a regular file (works as root too).
    blocker = sandbox.home / "not-a-folder"
    blocker.write_text("")
    sandbox.write_config(SEED + "aws_access_key_id = A\naws_secret_access_key = B\n")
    os.utime(sandbox.config, (0, 1_000_000_000))  # old enough to be cached, were it possible
    for variable in ("XDG_CACHE_HOME", "AWSSWITCH_CACHE_DIR"):
        env = {variable: str(blocker / "cache")}
        listed = sandbox.run("list", **env)
        assert listed.returncode == 0, listed.stderr
        assert "keep" in listed.stdout
        assert listed.stderr == ""
        switched = sandbox.run("_asw", "bash", "keep", **env)
        assert switched.returncode == 0, switched.stderr
        assert "export AWS_PROFILE='keep'" in switched.stdout
        init = sandbox.run("init", "bash", **env)
        assert init.returncode == 0, init.stderr
        configured = sandbox.run("configure", "profile", "keep", "--region", "ap-south-1", **env)
        assert configured.returncode == 0, configured.stderr
        assert "Traceback" not in configured.stderr
    assert reader.load_config(str(sandbox.config))["profiles"]["keep"]["region"] == "ap-south-1"
    assert blocker.read_text() == ""
