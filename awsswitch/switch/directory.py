"""A directory's `.awsprofile` and the trust store behind `awsswitch allow` and `deny`.

The file: the profile name on its first line, then optionally `region = NAME`; blank lines
and `# comments` after the first line are ignored; at most 4 KiB of UTF-8 text. Nothing in
it is ever run or expanded: it names a profile and a region, and that is all it can do.

Trust, as direnv does it: a file is acted on only when `awsswitch allow` recorded its path
and the sha256 of its bytes. The path is the file in its folder with that folder's symlinks
resolved (a symlinked `.awsprofile` elsewhere is a different file to trust); the bytes
hashed are the bytes parsed, read once. Each allowed file is one entry,
`$XDG_DATA_HOME/awsswitch/allow/<sha256 of the path>` (0600 in a 0700 folder) holding the
content's sha256 and the path; an entry someone else could have written is ignored
(files.read_private). Every allow or deny rewrites `trust-stamp` beside that folder: the
shell hooks compare it at each prompt (one `read`, no process) to look again after one.

Stdlib only: the `cd` hook's switch loads it.
"""

from __future__ import annotations

import os

from awsswitch import files
from awsswitch.context import display
from awsswitch.errors import AwsswitchError

# Annotation-only imports: collections.abc and typing cost milliseconds on every `asw`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from awsswitch.config.profiles import Profile

FILENAME = ".awsprofile"
LIMIT = 4096  # a name and a region take a few dozen bytes
STAMP_LIMIT = 64  # what fish reads of the stamp (read --nchars 64); bash and zsh read its line


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


class FileError(AwsswitchError):
    """A `.awsprofile` that says nothing usable; the message names the file and the fault."""


class Choice:
    """What a `.awsprofile` asks for."""

    __slots__ = ("name", "region")

    def __init__(self, name: str, region: str | None) -> None:
        self.name = name
        self.region = region


class DirFile:
    """One read of a `.awsprofile`: the path as given, its trust key, its bytes and their hash."""

    __slots__ = ("data", "digest", "key", "path")

    def __init__(self, path: str, data: bytes) -> None:
        self.path = path
        self.key = key_of(path)
        self.data = data
        self.digest = files.sha256_hex(data)


# -- locations -------------------------------------------------------------------------------


def data_dir(env: Mapping[str, str]) -> str:
    """`$XDG_DATA_HOME/awsswitch` (an absolute XDG_DATA_HOME only, as the XDG spec says),
    else `~/.local/share/awsswitch`."""
    from awsswitch import paths

    base = env.get("XDG_DATA_HOME") or ""
    if not base.startswith("/"):
        base = os.path.join(paths.home(env), ".local", "share")
    return os.path.join(base, "awsswitch")


def stamp_file(env: Mapping[str, str]) -> str:
    return os.path.join(data_dir(env), "trust-stamp")


def _entry(key: str, env: Mapping[str, str]) -> str:
    return os.path.join(data_dir(env), "allow", files.sha256_hex(_bytes(key)))


def key_of(path: str) -> str:
    """The trust key of the `.awsprofile` at `path`: its folder with symlinks resolved, then
    the file name (the file itself is not resolved)."""
    folder = os.path.dirname(os.path.abspath(path))
    return os.path.join(os.path.realpath(folder), os.path.basename(path))


def find(start: str) -> str | None:
    """The nearest `.awsprofile` (a regular file, or a link to one) in `start` or a parent."""
    folder = os.path.abspath(start)
    while True:
        candidate = os.path.join(folder, FILENAME)
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def target(where: str | None, *, must_exist: bool = True) -> str:
    """The `.awsprofile` that `allow`/`deny` WHERE means: WHERE itself when it names such a
    file, else the nearest one from the folder WHERE (the current one by default) up.
    `must_exist` False (deny): WHERE/.awsprofile even when it is gone, if none is found."""
    start = where if where else os.getcwd()
    if os.path.basename(start.rstrip("/")) == FILENAME and not os.path.isdir(start):
        return os.path.abspath(start)
    if where and not os.path.isdir(start):
        if not must_exist:
            return os.path.join(os.path.abspath(start), FILENAME)
        raise FileError(f"{display(start)} is not a folder")
    found = find(start)
    if found is not None:
        return found
    if not must_exist:
        return os.path.join(os.path.abspath(start), FILENAME)
    raise FileError(f"no {FILENAME} in {display(os.path.abspath(start))} or its parents")


# -- the file ----------------------------------------------------------------------------------


def load(path: str) -> DirFile:
    """The file at `path`, at most LIMIT bytes; FileNotFoundError when it is gone, FileFault
    when it is not a regular file, too large or unreadable (never blocks on a FIFO)."""
    return DirFile(path, files.read_bytes(path, LIMIT))


def parse(f: DirFile) -> Choice:
    """What the file asks for; FileError saying why when it asks for nothing usable."""
    where = display(f.path)
    if b"\0" in f.data:
        raise FileError(f"{where}: binary data, not a profile name")
    try:
        text = f.data.decode("utf-8")
    except UnicodeDecodeError:
        raise FileError(f"{where}: not UTF-8 text") from None
    lines = text.removeprefix("\ufeff").split("\n")
    name = lines[0].strip()
    if not name:
        raise FileError(f"{where}: the first line must name a profile")
    if not name.isprintable():
        raise FileError(f"{where}: the profile name '{display(name)}' has control characters")
    region: str | None = None
    for number, raw in enumerate(lines[1:], start=2):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        value = value.strip()
        if not sep or key.strip() != "region" or not value:
            raise FileError(f"{where}, line {number}: expected `region = NAME`")
        if region is not None:
            raise FileError(f"{where}, line {number}: a second region")
        from awsswitch import regions

        try:
            regions.check(value)
        except AwsswitchError as exc:
            raise FileError(f"{where}, line {number}: {exc.message}") from None
        region = value
    return Choice(name, region)


def profile_for(name: str, profiles: Sequence[Profile], path: str) -> Profile:
    """The profile a file names: its full name, its short name or a unique dot-separated
    ending; never a fuzzy guess (new profiles would change what an old file means).
    FileError when none or several match."""
    from awsswitch.config.resolve import NAME, SHORT, SUFFIX, match

    found, how = match(name, profiles)
    if len(found) == 1 and how in (NAME, SHORT, SUFFIX):
        return found[0]
    if len(found) > 1 and how == SUFFIX:
        raise FileError(
            f"{display(path)}: '{display(name)}' names {len(found)} profiles; write the full name"
        )
    raise FileError(f"{display(path)}: no profile named '{display(name)}'")


# -- trust -------------------------------------------------------------------------------------


def is_allowed(f: DirFile, env: Mapping[str, str]) -> bool:
    """`allow` recorded this file's path with exactly these bytes."""
    entry = files.read_private(_entry(f.key, env), LIMIT)
    if entry is None:
        return False
    return entry.split(b"\n", 1)[0] == f.digest.encode("ascii")


def allow(f: DirFile, env: Mapping[str, str]) -> None:
    """Record the file's path and hash; FileFault when the store cannot be written."""
    entry = _entry(f.key, env)
    with files.lock(entry):
        if not files.write_private(entry, _bytes(f"{f.digest}\n{f.key}\n")):
            raise files.FileFault(
                f"cannot write {display(entry)}: check that {display(data_dir(env))} is "
                "yours and writable; nothing was allowed",
                entry,
            )
        _touch_stamp(env)


def deny(key: str, env: Mapping[str, str]) -> bool:
    """Forget the file with trust key `key`; False when it was not allowed."""
    entry = _entry(key, env)
    with files.lock(entry):
        try:
            os.unlink(entry)
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise files.fault(exc, entry, "remove") from None
        _touch_stamp(env)
    return True


def _touch_stamp(env: Mapping[str, str]) -> None:
    # A new random value: the shells look again when it differs from what they saw.
    files.write_private(stamp_file(env), os.urandom(8).hex().encode("ascii") + b"\n")


def read_stamp(env: Mapping[str, str]) -> str:
    """The stamp's first line as the shells read it (`read -r`, at most STAMP_LIMIT bytes),
    "" when there is none."""
    path = stamp_file(env)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return ""
    try:
        if not files.is_regular(os.fstat(fd).st_mode):
            return ""
        data = os.read(fd, STAMP_LIMIT)
    except OSError:
        return ""
    finally:
        os.close(fd)
    return data.split(b"\n", 1)[0].decode("ascii", "replace")
