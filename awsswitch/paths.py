"""Where things live, derived from the environment (stdlib only: used on the hot path).

Every function takes the environment as a mapping so tests can swap it (httpie's
`Environment` idea) without touching `os.environ`.
"""

from __future__ import annotations

import os

# Annotation-only imports: collections.abc and typing cost milliseconds on every `asw`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping


def home(env: Mapping[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    return env.get("HOME") or os.path.expanduser("~")


_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


def expand(path: str, env: Mapping[str, str] | None = None) -> str:
    """`path` as botocore opens `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE`:
    `os.path.expandvars`, then `os.path.expanduser`, with `env` standing in for os.environ
    (`~` is $HOME, or the passwd entry's home when HOME is unset; `~user` is user's home
    from the passwd database; unknown variables and users stay as written)."""
    env = os.environ if env is None else env
    return _expanduser(_expandvars(path, env), env)


def _expandvars(path: str, env: Mapping[str, str]) -> str:
    # posixpath.expandvars, without its `re` (~5 ms on the switch path): `$name` (ASCII \w+)
    # or `${anything but a brace}`; a value put in is not scanned again.
    i = path.find("$")
    while i >= 0:
        start = i + 1
        if path[start : start + 1] == "{":
            close = path.find("}", start)
            if close < 0:
                i = path.find("$", start)
                continue
            end = close + 1
            name = path[start + 1 : close]
        else:
            end = start
            while end < len(path) and path[end] in _WORD:
                end += 1
            if end == start:
                i = path.find("$", start)
                continue
            name = path[start:end]
        value = env.get(name)
        if value is None:
            i = path.find("$", end)
            continue
        path = path[:i] + value + path[end:]
        i = path.find("$", i + len(value))
    return path


def _expanduser(path: str, env: Mapping[str, str]) -> str:
    # posixpath.expanduser, reading HOME from `env`.
    if not path.startswith("~"):
        return path
    i = path.find("/", 1)
    if i < 0:
        i = len(path)
    if i == 1 and "HOME" in env:
        userhome = env["HOME"]
    else:
        import pwd

        try:
            entry = pwd.getpwuid(os.getuid()) if i == 1 else pwd.getpwnam(path[1:i])
        except (KeyError, ValueError):  # unknown user (ValueError: a NUL in the name)
            return path
        userhome = entry.pw_dir
    return (userhome.rstrip("/") + path[i:]) or "/"


def config_file(env: Mapping[str, str] | None = None) -> str:
    """`$AWS_CONFIG_FILE`, else `~/.aws/config`."""
    env = os.environ if env is None else env
    return expand(env.get("AWS_CONFIG_FILE") or "~/.aws/config", env)


def credentials_file(env: Mapping[str, str] | None = None) -> str:
    """`$AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`."""
    env = os.environ if env is None else env
    return expand(env.get("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials", env)


def sso_cache_dir(env: Mapping[str, str] | None = None) -> str:
    """`~/.aws/sso/cache`: no variable overrides it, in botocore or the CLI."""
    return os.path.join(home(env), ".aws", "sso", "cache")


LOGIN_CACHE_VAR = "AWS_LOGIN_CACHE_DIRECTORY"


def cli_cache_dir(env: Mapping[str, str] | None = None) -> str:
    """`~/.aws/cli/cache`, the AWS CLI's role credentials (no variable moves it)."""
    return os.path.join(home(env), ".aws", "cli", "cache")


def login_cache_dir(env: Mapping[str, str] | None = None) -> str:
    """botocore's get_login_token_cache_directory, for `aws login` console sessions:
    `$AWS_LOGIN_CACHE_DIRECTORY` (set, even empty: expanded as the config file's path),
    else `~/.aws/login/cache`."""
    env = os.environ if env is None else env
    if LOGIN_CACHE_VAR in env:
        return expand(env[LOGIN_CACHE_VAR], env)
    return os.path.join(home(env), ".aws", "login", "cache")


def cache_dir(env: Mapping[str, str] | None = None) -> str:
    """awsswitch's own cache: `$AWSSWITCH_CACHE_DIR`, else `$XDG_CACHE_HOME/awsswitch`."""
    env = os.environ if env is None else env
    explicit = env.get("AWSSWITCH_CACHE_DIR")
    if explicit:
        return explicit
    base = env.get("XDG_CACHE_HOME") or os.path.join(home(env), ".cache")
    return os.path.join(base, "awsswitch")
