"""Files that users or other programs control: safe reads, the atomic writer, the lock,
private modes, and one-line messages for every way the file system can fail (stdlib only:
the switch path loads it).

The one home for these concepts; everything else calls in here:
- `read_bytes(path, limit)`: opens only a regular file (a FIFO, device or directory is
  refused without blocking), reads at most `limit` bytes, raises `FileFault` (one line
  naming the file and what to do) for anything but a missing file (FileNotFoundError).
  The null device reads as an empty file (`AWS_SHARED_CREDENTIALS_FILE=/dev/null`).
- `atomic_write(path, data)`: temporary file in the same folder, fsync, keep the old mode
  (0600 for a new file, whatever the umask), rename over the target through symlinks,
  fsync the folder. Refuses a file the user may not write (read-only mode, immutable,
  read-only file system) instead of silently replacing it through the rename.
- `lock(path)`: an exclusive `flock` on the folder that holds `resolve(path)`, so every
  writer of a file agrees on the lock whatever its environment (cache folders, XDG
  variables) says; re-entrant within a process; bounded: 30 s off a terminal, then a clear
  failure; on a terminal it says what it waits for and Ctrl-C stops it.
- `private_dir`, `write_private`, `read_private`: awsswitch's own caches: folders 0700,
  files 0600 whatever the umask; a cache file owned by someone else or writable by others
  is ignored (it is loaded with marshal: never trust a forgeable one) and replaced on the
  next write; a cache folder owned by someone else is not written to.

Caveat: a rename replaces the directory entry, so a file with several hard links is unlinked
from the others (symlinks are fine; they are followed).
"""

from __future__ import annotations

import os
import time

from awsswitch.errors import AwsswitchError

# Annotation-only imports: collections.abc and typing cost milliseconds on every `asw`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any

# Size caps for what awsswitch reads. A config with 10,000 profiles is about 1.5 MB.
CONFIG_LIMIT = 64 * 1024 * 1024
TOKEN_LIMIT = 1024 * 1024  # an SSO token or registration file is a few KB
CACHE_LIMIT = 256 * 1024 * 1024  # awsswitch's own index cache

LOCK_TIMEOUT = 30.0  # seconds a non-interactive run waits for a lock

_S_IFMT = 0o170000
_S_IFREG = 0o100000
_KINDS = {0o010000: "a FIFO", 0o020000: "a character device", 0o040000: "a directory",
          0o060000: "a block device", 0o140000: "a socket"}  # fmt: skip


class FileFault(AwsswitchError):
    """A file awsswitch cannot read or write; the message names it and what to do."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.path = path


def resolve(path: str) -> str:
    """`path` with every symlink followed (also a dangling one: its target gets created)."""
    return os.path.realpath(os.path.abspath(path))


def identity(path: str) -> tuple[int, ...] | None:
    """(dev, inode, size, mtime_ns, ctime_ns), or None when missing: tells whether a program
    that does not take our lock (the AWS CLI) wrote the file between read and rename."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def is_regular(mode: int) -> bool:
    return (mode & _S_IFMT) == _S_IFREG


def _kind(mode: int) -> str:
    return _KINDS.get(mode & _S_IFMT, "not a regular file")


# -- messages ----------------------------------------------------------------------------

_ADVICE = {
    "EACCES": "permission denied: check the owner and mode of the file and its folder (ls -ld)",
    "EPERM": "operation not permitted: the file may be immutable (lsattr; chattr -i) or "
    "owned by someone else",
    "EROFS": "the file system is read-only: remount it read-write or point awsswitch elsewhere",
    "ENOSPC": "no space left on the device: free some space and try again",
    "EDQUOT": "disk quota exceeded: free some space and try again",
    "ELOOP": "too many levels of symbolic links: fix the symlink loop",
    "ENOTDIR": "a component of the path is not a folder",
    "EISDIR": "it is a folder, not a file",
    "ENAMETOOLONG": "the path is too long",
    "EIO": "input/output error from the device",
}


def fault(exc: OSError, path: str, doing: str) -> FileFault:
    """One line for `exc` raised while `doing` ("read", "write", ...) `path`."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    advice = _ADVICE.get(name) or (exc.strerror or str(exc)).lower()
    tail = "; nothing was changed" if doing not in ("read", "open") else ""
    return FileFault(f"cannot {doing} {path}: {advice}{tail}", path)


# -- reading -------------------------------------------------------------------------------


def read_bytes(path: str, limit: int) -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them.

    FileNotFoundError when it does not exist; FileFault for anything else that is wrong
    (not a regular file, larger than `limit`, unreadable, symlink loop). Never blocks: a
    FIFO is refused before anything is read from it.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise fault(exc, path, "read") from None
    try:
        st = os.fstat(fd)
        if not is_regular(st.st_mode):
            if _is_null_device(st):
                return b""
            raise FileFault(f"cannot read {path}: it is {_kind(st.st_mode)}, not a file", path)
        if st.st_size > limit:
            raise FileFault(f"cannot read {path}: larger than {_size(limit)}", path)
        chunks = []
        left = limit + 1  # one byte more tells a file that grew past the limit
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        if left <= 0:
            raise FileFault(f"cannot read {path}: larger than {_size(limit)}", path)
        return b"".join(chunks)
    except OSError as exc:
        raise fault(exc, path, "read") from None
    finally:
        os.close(fd)


def _is_null_device(st: os.stat_result) -> bool:
    # `AWS_SHARED_CREDENTIALS_FILE=/dev/null` is the usual way to say "no such file"
    # (botocore sees none): it reads as empty rather than as a refused device.
    if (st.st_mode & _S_IFMT) != 0o020000:
        return False
    try:
        return os.stat(os.devnull).st_rdev == st.st_rdev
    except OSError:
        return False


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit} bytes"


# -- writing -------------------------------------------------------------------------------


def _tmp_name(target: str) -> str:
    folder, base = os.path.split(target)
    return os.path.join(folder, f".{base}.{os.getpid()}.{os.urandom(4).hex()}.tmp")


def make_dirs(folder: str, mode: int = 0o700) -> None:
    """Create `folder` and missing parents with `mode` exactly (not masked by the umask;
    os.makedirs gives intermediate folders the umask's mode)."""
    if os.path.isdir(folder):
        return
    parent = os.path.dirname(folder)
    if parent and parent != folder:
        make_dirs(parent, mode)
    try:
        os.mkdir(folder, mode)
    except FileExistsError:
        return
    os.chmod(folder, mode)


def atomic_write(path: str, data: bytes, *, mode: int | None = None) -> str:
    """Replace `resolve(path)` with `data` atomically; return the path written.

    Keeps an existing file's mode (and owner when permitted); a new file gets 0o600;
    `mode` forces one. Raises FileFault (nothing changed) on any failure, and refuses a file
    the user may not write (read-only mode, immutable, read-only file system).
    """
    target = resolve(path)
    st = _existing(target)
    if st is not None and not os.access(target, os.W_OK):
        raise _not_writable(target)
    final_mode = mode if mode is not None else (st.st_mode & 0o7777 if st else 0o600)
    owner = (st.st_uid, st.st_gid) if st is not None else None
    _replace(target, data, final_mode, owner)
    return target


def _existing(target: str) -> os.stat_result | None:
    """The stat of the regular file `target` (None when missing), its folder created."""
    try:
        make_dirs(os.path.dirname(target))
        st = os.stat(target)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise fault(exc, target, "write") from None
    if not is_regular(st.st_mode):
        raise FileFault(f"cannot write {target}: it is {_kind(st.st_mode)}, not a file", target)
    return st


def _not_writable(target: str) -> FileFault:
    """Why `target` may not be written: the open for writing that os.access predicts will
    fail gives the reason (EROFS, EPERM for an immutable file) without touching the file."""
    import errno

    flags = os.O_WRONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        os.close(os.open(target, flags | getattr(os, "O_CLOEXEC", 0)))
    except OSError as exc:
        if exc.errno != errno.EACCES:
            return fault(exc, target, "write")
    return FileFault(
        f"{target} is read-only (no write permission), so awsswitch will not replace it: "
        f"make it writable (chmod u+w {target}) or edit it by hand; nothing was changed",
        target,
    )


def _replace(target: str, data: bytes, mode: int, owner: tuple[int, int] | None) -> None:
    """Temporary file beside `target` (mode `mode`, `owner` kept when permitted), fsync,
    rename over `target`, fsync the folder; FileFault and no temporary file on failure."""
    folder = os.path.dirname(target)
    tmp = _tmp_name(target)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fchmod(fd, mode)
            if owner is not None and owner != (os.getuid(), os.getgid()):
                # e.g. root editing a user's file: keep the owner (needs the privilege).
                try:  # noqa: SIM105 - contextlib costs an import on the switch path
                    os.fchown(fd, *owner)
                except OSError:
                    pass
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except OSError as exc:
        _unlink(tmp)
        raise fault(exc, target, "write") from None
    except BaseException:
        _unlink(tmp)
        raise
    _fsync_dir(folder)


def _unlink(path: str) -> None:
    try:  # noqa: SIM105 - contextlib costs an import on the switch path
        os.unlink(path)
    except OSError:
        pass


def _fsync_dir(directory: str) -> None:
    # Makes the rename itself durable; some file systems refuse fsync on a folder.
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


# -- awsswitch's own files -----------------------------------------------------------------


def private_dir(folder: str) -> None:
    """Create awsswitch's own folder (0700 whatever the umask); raises OSError, also when it
    exists but belongs to someone else or stays writable by others (they could swap files)."""
    make_dirs(folder, 0o700)
    st = os.stat(folder)
    if st.st_uid != os.getuid():
        raise PermissionError(f"{folder} belongs to another user")
    if st.st_mode & 0o022:  # e.g. made by an older version under umask 000
        os.chmod(folder, st.st_mode & 0o7755)


def write_private(path: str, data: bytes) -> bool:
    """Write one of awsswitch's caches (0600, owned by this user, in a 0700 folder) over
    whatever is there, a forged file included. Never raises: a cache that cannot be written
    only costs speed. True when written."""
    target = os.path.abspath(path)  # a symlink planted here is replaced, not followed
    try:
        private_dir(os.path.dirname(target))
        _replace(target, data, 0o600, None)
    except (OSError, AwsswitchError):
        return False
    return True


def read_private(path: str, limit: int = CACHE_LIMIT, *, head: int | None = None) -> bytes | None:
    """One of awsswitch's caches, or None when it is missing, unreadable, not a regular file,
    too large, not owned by this user, or writable by others (it could be forged).
    `head`: only the first `head` bytes are wanted (whatever the size of the file)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not is_regular(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o022:
            return None
        if head is not None:
            return os.read(fd, head)
        if st.st_size > limit:
            return None
        data = os.read(fd, st.st_size + 1)
        while len(data) <= st.st_size:
            more = os.read(fd, st.st_size + 1 - len(data))
            if not more:
                break
            data += more
        return data if len(data) <= limit else None
    except OSError:
        return None
    finally:
        os.close(fd)


# -- the lock ------------------------------------------------------------------------------

_held: dict[tuple[int, int], list[int]] = {}  # (dev, inode) of a locked folder -> [fd, depth]


class _Lock:
    """Context manager for `lock()` (a class: contextlib costs an import on the hot path)."""

    def __init__(
        self,
        path: str,
        timeout: float | None,
        interactive: bool,
        what: str | None,
        say: Callable[[str], None] | None,
    ) -> None:
        self.target = resolve(path)
        self.folder = os.path.dirname(self.target)
        self.timeout = LOCK_TIMEOUT if timeout is None else timeout
        self.interactive = interactive
        self.what = what or self.target
        self.say = say
        self.key: tuple[int, int] | None = None

    def __enter__(self) -> str:
        import fcntl

        try:
            make_dirs(self.folder)
            fd = os.open(self.folder, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except OSError as exc:
            raise fault(exc, self.folder, "lock") from None
        st = os.fstat(fd)
        key = (st.st_dev, st.st_ino)
        held = _held.get(key)
        if held is not None:  # this process holds it already (e.g. a login, then its write)
            os.close(fd)
            held[1] += 1
            self.key = key
            return self.folder
        try:
            self._acquire(fcntl, fd)
        except BaseException:
            os.close(fd)
            raise
        _held[key] = [fd, 1]
        self.key = key
        return self.folder

    def _acquire(self, fcntl: object, fd: int) -> None:
        flock, flags = fcntl.flock, fcntl.LOCK_EX | fcntl.LOCK_NB  # type: ignore[attr-defined]
        try:
            flock(fd, flags)
            return
        except BlockingIOError:
            pass
        except OSError:  # a file system without flock: work without the lock
            return
        if self.interactive and self.say is not None:
            self.say(
                f"waiting for another awsswitch process to finish with {self.what} "
                "(Ctrl-C to stop)..."
            )
        deadline = time.monotonic() + self.timeout
        delay = 0.005
        while True:
            time.sleep(delay)
            delay = min(delay * 2, 0.2)
            try:
                flock(fd, flags)
                return
            except BlockingIOError:
                if not self.interactive and time.monotonic() >= deadline:
                    raise FileFault(
                        f"another process still holds the lock on {self.folder} (waited "
                        f"{self.timeout:.0f} s for {self.what}); try again when it has "
                        "finished",
                        self.target,
                    ) from None

    def __exit__(self, *exc: object) -> None:
        if self.key is None:
            return
        held = _held[self.key]
        held[1] -= 1
        if held[1] == 0:
            del _held[self.key]
            os.close(held[0])  # closing releases the flock


def lock(
    path: str,
    *,
    timeout: float | None = None,
    interactive: bool = False,
    what: str | None = None,
    say: Callable[[str], None] | None = None,
) -> _Lock:
    """Hold the lock for writing `path` (see the module docstring).

    Off a terminal (`interactive` False) waits at most `timeout` seconds (30 by default),
    then raises FileFault; on a terminal calls `say` once with what it waits for and waits
    until the lock is free or Ctrl-C (KeyboardInterrupt).
    """
    return _Lock(path, timeout, interactive, what, say)


def _locked_folders() -> Iterator[tuple[int, int]]:  # for tests
    return iter(list(_held))


_sha256: Any = None  # the constructor, found on first use


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of `data`, in hex, from CPython's own sha256 (`_sha2` from 3.12, `_sha256`
    before): hashlib would load OpenSSL first, milliseconds on every `asw`. Named at run
    time: which one exists depends on the interpreter."""
    global _sha256
    if _sha256 is None:
        for name in ("_sha2", "_sha256"):
            try:
                _sha256 = __import__(name).sha256
                break
            except (ImportError, AttributeError):
                continue
        else:  # pragma: no cover - other interpreters
            from hashlib import sha256

            _sha256 = sha256
    return _sha256(data).hexdigest()
