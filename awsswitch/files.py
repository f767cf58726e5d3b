"""Atomic writes and inter-process locks for the user's files (stdlib only).

API:
- `resolve(path) -> str`: the file a write to `path` must replace (symlinks followed, so a
  dotfile repo's `~/.aws/config -> ~/dotfiles/aws/config` keeps its link).
- `atomic_write(path, data, *, new_mode=0o600) -> str`: write `data` to `resolve(path)` through a
  temporary file in the same directory: write, fsync, keep the old file's mode (and owner when
  permitted), rename over the target, fsync the directory. Creates missing parent directories
  (mode per umask, like the AWS CLI) and gives a new file `new_mode`. Returns the path written.
  Readers see the old or the new content, never a mix; a crash leaves at most a `.tmp` file.
- `lock(path, env=None, timeout=30.0)`: a context manager holding an exclusive `fcntl.flock` on a
  lock file for `resolve(path)`, kept in awsswitch's cache directory (`paths.cache_dir`), not
  next to the user's file (nothing is ever created in ~/.aws besides the file itself).
- `identity(path)`: (dev, inode, size, mtime_ns, ctime_ns) or None: used to detect that a
  program which does not take our lock (the AWS CLI) wrote the file between read and rename.

Caveat: a rename replaces the directory entry, so a file with several hard links is unlinked
from the others (symlinks are fine; they are followed).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator, Mapping

from awsswitch import paths
from awsswitch.errors import AwsswitchError


def resolve(path: str) -> str:
    """`path` with every symlink followed (also a dangling one: its target gets created)."""
    return os.path.realpath(os.path.abspath(path))


def identity(path: str) -> tuple[int, ...] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def atomic_write(path: str, data: bytes, *, new_mode: int = 0o600) -> str:
    """Replace `resolve(path)` with `data` atomically; return the path written."""
    import tempfile

    target = resolve(path)
    directory = os.path.dirname(target)
    os.makedirs(directory, exist_ok=True)
    try:
        st: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        st = None
    if st is not None and not _is_regular(st.st_mode):
        raise AwsswitchError(f"{target} is not a regular file; not writing it")
    mode = (st.st_mode & 0o7777) if st is not None else new_mode
    fd, tmp = tempfile.mkstemp(
        prefix="." + os.path.basename(target) + ".", suffix=".tmp", dir=directory
    )
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fchmod(fh.fileno(), mode)
            if st is not None and (st.st_uid, st.st_gid) != (os.getuid(), os.getgid()):
                # e.g. root editing a user's file: keep the owner (needs the privilege).
                with contextlib.suppress(OSError):
                    os.fchown(fh.fileno(), st.st_uid, st.st_gid)
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(directory)
    return target


def _is_regular(mode: int) -> bool:
    return (mode & 0o170000) == 0o100000


def _fsync_dir(directory: str) -> None:
    # Makes the rename itself durable; some filesystems refuse O_RDONLY fsync on dirs.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def lock_path(path: str, env: Mapping[str, str] | None = None) -> str:
    import hashlib

    digest = hashlib.sha1(resolve(path).encode("utf-8", "surrogateescape")).hexdigest()
    return os.path.join(paths.cache_dir(env), "locks", digest[:20] + ".lock")


@contextlib.contextmanager
def lock(
    path: str, env: Mapping[str, str] | None = None, *, timeout: float = 30.0
) -> Iterator[str]:
    """Hold an exclusive lock for writing `path` (blocks up to `timeout` seconds)."""
    import fcntl

    lpath = lock_path(path, env)
    os.makedirs(os.path.dirname(lpath), mode=0o700, exist_ok=True)
    fd = os.open(lpath, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + timeout
        delay = 0.005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise AwsswitchError(
                        f"another awsswitch process is still writing {path} "
                        f"(lock {lpath} held for {timeout:.0f}s); try again"
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.1)
        yield lpath
    finally:
        os.close(fd)  # closing releases the flock
