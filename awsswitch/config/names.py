"""The names file: profile and sso-session names for shell completion (stdlib only).

Completion must not start Python, so the switch core and `init` leave the names in
`<cache_dir>/names` whenever they find it stale; the shell functions read it when it is
newer than the config files (no process at all), and otherwise parse the config files
with one `awk`. Format, one item per line:

    #awsswitch-names 2
    #<raw $AWS_CONFIG_FILE>           (empty when unset)
    #<raw $AWS_SHARED_CREDENTIALS_FILE>
    #<$HOME>
    #+<config path> | #-<config path> (+ it existed when written, - it did not)
    #+<credentials path> | #-<credentials path>
    S<sso-session name>               \
    p<profile name>                    > sorted by code point (= C-locale byte order), so
    s<short name, when not the name>  /  bash can binary-search a prefix

The header lets the shell check, without a process, that the file was written for the
same files it would read; names with a line break are left out (they cannot be typed at a
prompt anyway). The file is written by `files.write_private` (0600 in a 0700 folder,
whatever the umask); one owned by someone else or writable by others is not trusted, here
or by the shell, and is replaced by the next write.
"""

from __future__ import annotations

import os

from awsswitch import files, paths

# `typing` and `collections.abc` cost ~7 ms at every `asw` and `init` (they pull in `re`):
# the annotations are strings, so the names they need are imported for type checkers only.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from awsswitch.config.profiles import ProfileIndex

MAGIC = "awsswitch-names 2"

Stamp = tuple[str, str, int, int]  # (config spec, credentials spec, their mtimes in ns)


def names_file(env: Mapping[str, str]) -> str:
    return os.path.join(paths.cache_dir(env), "names")


def _spec(path: str) -> tuple[str, int]:
    try:
        return "+" + path, os.stat(path).st_mtime_ns
    except OSError:
        return "-" + path, -1


def stamp(env: Mapping[str, str]) -> Stamp:
    """What the config files look like now; take it *before* parsing them."""
    config, config_mtime = _spec(paths.config_file(env))
    creds, creds_mtime = _spec(paths.credentials_file(env))
    return config, creds, config_mtime, creds_mtime


def _header(env: Mapping[str, str], st: Stamp) -> list[str]:
    values = [
        MAGIC,
        env.get("AWS_CONFIG_FILE", ""),
        env.get("AWS_SHARED_CREDENTIALS_FILE", ""),
        env.get("HOME", ""),
        st[0],
        st[1],
    ]
    return ["#" + v for v in values]


def _one_line(text: str) -> bool:
    return "\n" not in text and "\r" not in text


def is_fresh(env: Mapping[str, str], st: Stamp | None = None) -> bool:
    """True when the names file is valid for these config files (the shell's own check)."""
    st = stamp(env) if st is None else st
    path = names_file(env)
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError:
        return False
    data = files.read_private(path, head=16384)  # None when it could be forged
    if data is None:
        return False
    head = data.decode("utf-8", "surrogateescape").split("\n")[:6]
    if head != _header(env, st):
        return False
    return all(m < mtime for m in st[2:] if m >= 0)


def render(index: ProfileIndex, env: Mapping[str, str], st: Stamp) -> str | None:
    header = _header(env, st)
    if not all(_one_line(h) for h in header):
        return None
    body = []
    for p in index.profiles:
        if _one_line(p.name):
            body.append("p" + p.name)
            if p.short != p.name:
                body.append("s" + p.short)
    body.extend("S" + s for s in index.sso_sessions if _one_line(s))
    return "\n".join(header + sorted(set(body))) + "\n"


def update(index: ProfileIndex, env: Mapping[str, str], before: Stamp) -> bool:
    """Write the names file for `index`, parsed from files that looked like `before`.

    Does nothing when the file is already fresh, or when the config files changed while
    they were parsed (the shell would then trust names older than the files). Never
    raises for I/O: completion falls back to parsing in the shell.
    """
    try:
        if stamp(env) != before or is_fresh(env, before):
            return False
        text = render(index, env, before)
        if text is None:
            return False
        path = names_file(env)
        if not files.write_private(path, text.encode("utf-8", "surrogateescape")):
            return False
        written = os.stat(path)
        if stamp(env) == before:
            return True
        # Another process wrote the config files between our check and our rename: our file
        # is newer than theirs, so the shell would take these old names as fresh. Remove it
        # (unless a newer writer replaced it already); completion then parses the files.
        current = os.stat(path)
        if (current.st_dev, current.st_ino) == (written.st_dev, written.st_ino):
            os.unlink(path)
        return False
    except OSError:
        return False


def refresh(env: Mapping[str, str]) -> bool:
    """Bring the names file up to date if it is stale (parses the config only then).

    For `init` and for commands that change the config files. Never raises.
    """
    from awsswitch.config.profiles import load_index
    from awsswitch.errors import AwsswitchError

    written = False
    try:
        for attempt in range(2):
            before = stamp(env)
            if is_fresh(env, before):
                return written
            written = update(load_index(env), env, before) or written
            if not written or attempt or is_fresh(env, before):
                return written
            # Written within the file system's timestamp tick of a config file written just
            # before (a command's own write): equal times read as stale, rightly, since a
            # second write in that tick would not show. Once the tick is over, again.
            import time

            time.sleep(0.01)
    except (AwsswitchError, OSError, UnicodeError):
        pass
    return written
