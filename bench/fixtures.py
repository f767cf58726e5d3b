"""Fixtures for the bench: a temporary HOME with configs of 10, 1,000 and 10,000 profiles, a fresh
SSO token cache in the AWS CLI's format, and the environment every measured process gets.

Profiles follow the seed's naming scheme `awsprofile.<location>.<account>.<role>` spread over a
few `[sso-session awssso.<location>]` sections, as `awsswitch sync` would generate them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

LOCATIONS = ("home", "work", "lab", "client")
ROLES = ("PowerUser", "ReadOnly", "AdministratorAccess", "Billing", "Developer")
START_URL = "https://d-90000000{n:02d}.awsapps.com/start"  # AWS-owned host: no CLI redirect probe
SSO_REGION = "eu-west-1"
# size -> (number of sso-sessions, accounts per session); roles per account = len(ROLES)
SIZES: dict[int, tuple[int, int]] = {10: (2, 1), 1000: (4, 50), 10000: (4, 500)}

# Variables that would leak the developer's real AWS state into a measurement.
_SCRUB_PREFIXES = ("AWS_", "AWSSWITCH_", "AWSUME_", "AWSU_", "BASH_ENV", "ENV", "ZDOTDIR")


def session_name(loc: str) -> str:
    return f"awssso.{loc}"


def profile_name(loc: str, account: int, role: str) -> str:
    return f"awsprofile.{loc}.app{account:04d}.{role.lower()}"


def account_id(loc_index: int, account: int) -> str:
    return f"{100000000000 + loc_index * 100000 + account:012d}"


@dataclass(frozen=True)
class ConfigFixture:
    size: int
    path: Path
    sessions: tuple[str, ...]
    # Two profiles near the end of the file (worst case for any scan), as full and short names.
    targets: tuple[str, str]
    short_targets: tuple[str, str]
    # A prefix of the first target's short name that completes uniquely with TAB.
    tab_prefix: str
    tab_full_prefix: str


def write_config(path: Path, size: int) -> ConfigFixture:
    n_sessions, n_accounts = SIZES[size]
    locs = LOCATIONS[:n_sessions]
    lines: list[str] = [f"# awsswitch bench fixture: {size} profiles\n"]
    for i, loc in enumerate(locs):
        lines.append(
            f"\n[sso-session {session_name(loc)}]\n"
            f"sso_start_url = {START_URL.format(n=i)}\n"
            f"sso_region = {SSO_REGION}\n"
            "sso_registration_scopes = sso:account:access\n"
        )
    count = 0
    for i, loc in enumerate(locs):
        for a in range(1, n_accounts + 1):
            for role in ROLES:
                lines.append(
                    f"\n[profile {profile_name(loc, a, role)}]\n"
                    f"sso_session = {session_name(loc)}\n"
                    f"sso_account_id = {account_id(i, a)}\n"
                    f"sso_role_name = {role}\n"
                    "region = eu-west-1\n"
                    "output = json\n"
                )
                count += 1
    assert count == size, (count, size)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(lines), encoding="utf-8")
    # A user's config is old: a file written moments ago may be kept out of an index cache on
    # purpose (same-timestamp-tick races), which would make every "warm" run a cold one.
    old = time.time() - 3600
    os.utime(path, (old, old))
    last = locs[-1]
    t1 = profile_name(last, n_accounts, "PowerUser")
    t2 = profile_name(last, max(1, n_accounts - 1), "ReadOnly")
    short = (t1.split(".", 1)[1], t2.split(".", 1)[1])
    return ConfigFixture(
        size=size,
        path=path,
        sessions=tuple(session_name(loc) for loc in locs),
        targets=(t1, t2),
        short_targets=short,
        tab_prefix=short[0][: -len("user")],  # "client.app0500.power" -> "...poweruser"
        tab_full_prefix=t1[: -len("user")],
    )


def token_entry(
    loc_index: int, expires_in: timedelta, *, access_token: str = "bench-access-token"
) -> dict[str, str]:
    """A token in the AWS CLI v2 cache format and key order (refresh fields included)."""
    now = datetime.now(timezone.utc)
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    return {
        "startUrl": START_URL.format(n=loc_index),
        "region": SSO_REGION,
        "accessToken": access_token,
        "expiresAt": (now + expires_in).strftime(fmt),
        "clientId": "bench-client-id",
        "clientSecret": "bench-client-secret",
        "registrationExpiresAt": (now + timedelta(days=90)).strftime(fmt),
        "refreshToken": "bench-refresh-token",
    }


def token_path(home: Path, session: str) -> Path:
    key = hashlib.sha1(session.encode("utf-8")).hexdigest()
    return home / ".aws" / "sso" / "cache" / f"{key}.json"


def write_token(home: Path, session: str, entry: dict[str, str]) -> Path:
    """Write like the CLI: json.dumps defaults, no trailing newline, mode 0600."""
    path = token_path(home, session)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(entry))
    os.replace(tmp, path)
    return path


def write_fresh_tokens(home: Path) -> None:
    """A fresh (8 h) token for every sso-session any fixture uses."""
    for i, loc in enumerate(LOCATIONS):
        write_token(home, session_name(loc), token_entry(i, timedelta(hours=8)))


def write_login_session(path: Path) -> Path:
    """An `aws login` console-session cache file as the AWS CLI writes it, with tokens of
    realistic length, its credentials due for a refresh (a minute left) and the sign-in an
    hour old: the prompt's slowest common path (the sign-in time is read from the idToken)."""
    now = datetime.now(timezone.utc)

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")

    claims = {
        "sub": "arn:aws:sts::012345678910:assumed-role/Admin/bench",
        "aud": "arn:aws:signin:::devtools/same-device",
        "iat": int(now.timestamp()) - 3600,
        "exp": int(now.timestamp()) - 2700,
    }
    id_token = ".".join(
        [b64(b'{"alg":"ES256","typ":"JWT"}'), b64(json.dumps(claims).encode()), b64(b"s" * 64)]
    )
    entry = {
        "accessToken": {
            "accessKeyId": "ASIA" + "B" * 16,
            "secretAccessKey": "b" * 40,
            "sessionToken": "IQoJb3JpZ2luX2Vj" * 60,
            "accountId": "012345678910",
            "expiresAt": (now + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
        "tokenType": "urn:aws:params:oauth:token-type:access_token_sigv4",
        "clientId": "arn:aws:signin:::devtools/same-device",
        "refreshToken": "bench-refresh-token" * 20,
        "idToken": id_token,
        "dpopKey": "-----BEGIN EC PRIVATE KEY-----\n"
        + "k" * 160
        + "\n-----END EC PRIVATE KEY-----\n",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(entry), encoding="utf-8")
    return path


def awsswitch_script() -> Path | None:
    """The installed console script beside this interpreter (not a pyenv shim: shims add a
    bash process and ~40 ms to every call, which would measure pyenv, not awsswitch)."""
    cand = Path(sys.executable).parent / "awsswitch"
    if cand.exists():
        return cand
    from shutil import which

    found = which("awsswitch")
    return Path(found) if found else None


@dataclass
class BenchHome:
    root: Path
    home: Path
    bin: Path
    cache_dir: Path
    python: Path = field(default_factory=lambda: Path(sys.executable))
    configs: dict[int, ConfigFixture] = field(default_factory=dict)
    base_env: dict[str, str] = field(default_factory=dict)

    def env(self, size: int | None = None, **extra: str) -> dict[str, str]:
        env = dict(self.base_env)
        if size is not None:
            env["AWS_CONFIG_FILE"] = str(self.configs[size].path)
        env.update(extra)
        return env

    def clear_index_cache(self) -> None:
        shutil.rmtree(self.cache_dir, ignore_errors=True)

    def clear_cli_cache(self) -> None:
        """Empty the AWS CLI's role-credential cache (the one `awsswitch export` shares)."""
        shutil.rmtree(self.home / ".aws" / "cli" / "cache", ignore_errors=True)


def build(
    root: Path,
    sizes: tuple[int, ...] = (10, 1000, 10000),
    *,
    python: Path | None = None,
    script: Path | None = None,
) -> BenchHome:
    """Create HOME under `root` with configs, tokens, a private bin/ and the base environment.
    `python`/`script`: the interpreter and `awsswitch` console script to measure (default: this
    interpreter and the script beside it)."""
    home = root / "home"
    (home / ".aws").mkdir(parents=True, exist_ok=True)
    bindir = home / "bin"
    bindir.mkdir(exist_ok=True)
    # python3 on PATH = the interpreter awsswitch runs on, so `python3 -c pass` is comparable.
    python = python or Path(sys.executable)
    script = script or awsswitch_script()
    # A venv's python must be run from its own bin/ (a symlink elsewhere loses the venv and
    # runs the base interpreter), so a venv's bin/ goes on PATH; otherwise python3 is linked.
    in_venv = (python.parent.parent / "pyvenv.cfg").exists()
    links = [("awsswitch", script)] + ([] if in_venv else [("python3", python)])
    for name, target in links:
        link = bindir / name
        if target is not None and not link.exists():
            link.symlink_to(target)
    extra_path = f"{python.parent}:" if in_venv else ""
    cache_dir = home / ".cache" / "awsswitch"
    bh = BenchHome(root=root, home=home, bin=bindir, cache_dir=cache_dir, python=python)
    for size in sizes:
        bh.configs[size] = write_config(home / ".aws" / f"config-{size}", size)
    write_fresh_tokens(home)
    env = {k: v for k, v in os.environ.items() if not k.startswith(_SCRUB_PREFIXES)}
    # PYTHONDONTWRITEBYTECODE (set in this image) would recompile awsswitch on every call, which
    # no installed copy does: measure with bytecode caches, as users run it.
    for k in (
        "PYTHONPATH",
        "PYTHONSTARTUP",
        "PYTHONHOME",
        "PYTHONDONTWRITEBYTECODE",
        "PYTHONUNBUFFERED",
        "PYTHONPROFILEIMPORTTIME",
        "VIRTUAL_ENV",
        "PROMPT_COMMAND",
    ):
        env.pop(k, None)
    env.update(
        {
            "HOME": str(home),
            # /usr/bin before anything else: `aws` is the v2 CLI there; no pyenv shims.
            "PATH": f"{bindir}:{extra_path}/usr/local/bin:/usr/bin:/bin",
            "AWS_CONFIG_FILE": str(bh.configs[min(sizes)].path),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / ".aws" / "credentials"),
            "AWSSWITCH_CACHE_DIR": str(cache_dir),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "TERM": "xterm-256color",
            "SHELL": "/bin/bash",
        }
    )
    for k in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        env.pop(k, None)
    bh.base_env = env
    return bh
