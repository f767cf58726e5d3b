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


def _expand(path: str, env: Mapping[str, str]) -> str:
    # botocore: os.path.expandvars, then expanduser (against HOME).
    path = os.path.expandvars(path)
    if path.startswith("~"):
        path = home(env) + path[1:]
    return path


def config_file(env: Mapping[str, str] | None = None) -> str:
    """`$AWS_CONFIG_FILE`, else `~/.aws/config`."""
    env = os.environ if env is None else env
    return _expand(env.get("AWS_CONFIG_FILE") or "~/.aws/config", env)


def credentials_file(env: Mapping[str, str] | None = None) -> str:
    """`$AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`."""
    env = os.environ if env is None else env
    return _expand(env.get("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials", env)


def sso_cache_dir(env: Mapping[str, str] | None = None) -> str:
    """`~/.aws/sso/cache`: no variable overrides it, in botocore or the CLI."""
    return os.path.join(home(env), ".aws", "sso", "cache")


def cache_dir(env: Mapping[str, str] | None = None) -> str:
    """awsswitch's own cache: `$AWSSWITCH_CACHE_DIR`, else `$XDG_CACHE_HOME/awsswitch`."""
    env = os.environ if env is None else env
    explicit = env.get("AWSSWITCH_CACHE_DIR")
    if explicit:
        return explicit
    base = env.get("XDG_CACHE_HOME") or os.path.join(home(env), ".cache")
    return os.path.join(base, "awsswitch")
