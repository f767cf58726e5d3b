"""The profile model: what each profile is, its short name, its SSO root (stdlib only).

Public API used by the switch path, `list`, completions and the token code:
- `Profile`: one profile as botocore sees it (config values, overridden by the credentials file).
- `ProfileIndex`: every profile in `Session.available_profiles` order (config file order, `default`
  once, then credentials-only profiles), `by_name`, `names`, the `sso_sessions`, `sso_root(name)`,
  `chain(name)`, `session_of(profile)`.
- `load_index(env)`: the index for the files `env` names, served from a cache when they did not
  change (see below); `build_index(config, credentials)` builds one from parsed dicts.
- `short_names(names)`, `classify(values)`.

The index cache: parsing 10,000 profiles costs tens of milliseconds, on every `asw`. `load_index`
stores the built index as `marshal`led plain tuples in `environment.cache_dir(env)`, keyed on the
awsswitch version, the field layout, both file paths and each file's identity
(dev, inode, size, mtime_ns, ctime_ns). Any mismatch, or a corrupt cache, means a fresh parse; the
cache is then rewritten atomically (temporary file + rename). A file modified less than
`RACY_SECONDS` ago is not cached at all: a second in-place write within the same timestamp tick
could keep inode, size and both times (git's "racy index" problem).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from typing import Any

from awsswitch import __version__, configfile, environment
from awsswitch.errors import AwsswitchError
from awsswitch.record import Record

# Profile kinds, as shown by `awsswitch list`.
KIND_SSO = "sso"  # sso_session = NAME
KIND_SSO_LEGACY = "sso-legacy"  # sso_start_url (or sso_account_id/sso_role_name) in the profile
KIND_KEYS = "keys"  # aws_access_key_id
KIND_ROLE = "role"  # role_arn + source_profile / credential_source / web_identity_token_file
KIND_PROCESS = "process"  # credential_process
KIND_OTHER = "other"  # e.g. only region/output

RACY_SECONDS = 2.0
_CACHE_FORMAT = 1


class Profile(Record):
    name: str
    short: str
    kind: str
    sso_session: str | None = None
    sso_start_url: str | None = None
    sso_region: str | None = None
    account_id: str | None = None
    role_name: str | None = None
    region: str | None = None
    source_profile: str | None = None
    in_config: bool = True
    in_credentials: bool = False
    # Added fields (keep new ones at the end: the cache stores rows in this order).
    role_arn: str | None = None
    credential_source: str | None = None
    output: str | None = None


_FIELDS: tuple[str, ...] = Profile._fields


def _profile_from_row(row: tuple[Any, ...], _new: Any = object.__new__) -> Profile:
    # Record.__init__ costs ~1.5 µs per object; filling __dict__ directly is
    # several times cheaper and yields an equal object (10,000 profiles on every `asw`).
    p = _new(Profile)
    p.__dict__.update(zip(_FIELDS, row, strict=True))
    return p


class ProfileIndex:
    """Every profile botocore would see, in `available_profiles` order, plus sso-sessions."""

    def __init__(
        self, profiles: list[Profile], sso_sessions: dict[str, dict[str, Any]] | None = None
    ) -> None:
        self.profiles = profiles
        self.sso_sessions: dict[str, dict[str, Any]] = {} if sso_sessions is None else sso_sessions
        self.by_name: dict[str, Profile] = {p.name: p for p in profiles}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ProfileIndex):
            return NotImplemented
        return (self.profiles, self.sso_sessions) == (other.profiles, other.sso_sessions)

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it replaced

    def __repr__(self) -> str:
        return f"ProfileIndex({len(self.profiles)} profiles, {len(self.sso_sessions)} sso-sessions)"

    @property
    def names(self) -> list[str]:
        """Profile names in `available_profiles` order."""
        return [p.name for p in self.profiles]

    def session_of(self, profile: Profile) -> dict[str, Any] | None:
        """The `[sso-session]` values `profile` refers to (None if none or missing)."""
        if profile.sso_session is None:
            return None
        return self.sso_sessions.get(profile.sso_session)

    def chain(self, name: str) -> list[Profile]:
        """`name`, then each `source_profile` it assumes a role from, as far as they exist.

        Stops at a profile that does not take its credentials from another one (not a role, or
        `source_profile` naming itself: botocore then uses that profile's own keys).
        Raises AwsswitchError on a loop (botocore: InfiniteLoopConfigError).
        """
        out: list[Profile] = []
        current = self.by_name.get(name)
        while current is not None:
            if current in out:
                chain = " -> ".join([p.name for p in out] + [current.name])
                raise AwsswitchError(f"source_profile loop: {chain}")
            out.append(current)
            if current.kind != KIND_ROLE or not current.source_profile:
                break
            if current.source_profile == current.name:
                break
            current = self.by_name.get(current.source_profile)
        return out

    def sso_root(self, name: str) -> Profile | None:
        """The SSO profile at the end of `name`'s source_profile chain, if any.

        Raises AwsswitchError on a source_profile loop.
        """
        for p in self.chain(name):
            if p.kind in (KIND_SSO, KIND_SSO_LEGACY):
                return p
        return None


def short_names(names: list[str]) -> dict[str, str]:
    """Name without its first dot-component when it has 3+ components and stays unique."""
    candidates: dict[str, str] = {}
    counts: dict[str, int] = {}
    for n in names:
        parts = n.split(".")
        cand = ".".join(parts[1:]) if len(parts) >= 3 else n
        candidates[n] = cand
        counts[cand] = counts.get(cand, 0) + 1
    full = set(names)
    out: dict[str, str] = {}
    for n, cand in candidates.items():
        if cand != n and (counts[cand] > 1 or cand in full):
            cand = n
        out[n] = cand
    return out


def _str(v: Any) -> str | None:
    return v if isinstance(v, str) else None


def classify(values: Mapping[str, Any], credentials: Mapping[str, Any] | None = None) -> str:
    """The kind of a profile, in the order botocore's credential chain tries providers.

    `values` is the merged profile (config updated by the credentials file); `credentials`, when
    given, the credentials file's own section (its keys beat `credential_process`, config-file
    keys do not).
    """
    if "role_arn" in values and (
        "source_profile" in values
        or "credential_source" in values
        or "web_identity_token_file" in values
    ):
        return KIND_ROLE
    if "sso_session" in values:
        return KIND_SSO
    if "sso_start_url" in values or "sso_account_id" in values or "sso_role_name" in values:
        return KIND_SSO_LEGACY
    if credentials is not None and "aws_access_key_id" in credentials:
        return KIND_KEYS
    if "credential_process" in values:
        return KIND_PROCESS
    if "aws_access_key_id" in values:
        return KIND_KEYS
    return KIND_OTHER


def _rows(config: dict[str, Any], credentials: dict[str, Any]) -> list[tuple[Any, ...]]:
    cfg_profiles: dict[str, dict[str, Any]] = config.get("profiles", {})
    names = list(cfg_profiles)
    names += [n for n in credentials if n not in cfg_profiles]
    shorts = short_names(names)
    rows: list[tuple[Any, ...]] = []
    for n in names:
        values = cfg_profiles.get(n)
        cred = credentials.get(n)
        if cred is not None:
            values = {**values, **cred} if values is not None else cred
        get = values.get  # type: ignore[union-attr]
        rows.append(
            (
                n,
                shorts[n],
                classify(values, cred),  # type: ignore[arg-type]
                _str(get("sso_session")),
                _str(get("sso_start_url")),
                _str(get("sso_region")),
                _str(get("sso_account_id")),
                _str(get("sso_role_name")),
                _str(get("region")),
                _str(get("source_profile")),
                n in cfg_profiles,
                cred is not None,
                _str(get("role_arn")),
                _str(get("credential_source")),
                _str(get("output")),
            )
        )
    return rows


def build_index(config: dict[str, Any], credentials: dict[str, Any]) -> ProfileIndex:
    """Index from `configfile.load_config` and `configfile.raw_parse` (credentials) results."""
    rows = _rows(config, credentials)
    return ProfileIndex(
        profiles=[_profile_from_row(r) for r in rows], sso_sessions=config.get("sso_sessions", {})
    )


def _identity(path: str) -> tuple[int, ...] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_mode)


def cache_path(env: Mapping[str, str] | None = None) -> str:
    """The index cache file for the config/credentials files `env` names."""
    import zlib

    cfg = environment.config_file(env)
    cred = environment.credentials_file(env)
    tag = zlib.crc32(f"{cfg}\0{cred}".encode("utf-8", "surrogateescape"))
    return os.path.join(environment.cache_dir(env), f"index-{tag:08x}.marshal")


def load_index(env: Mapping[str, str] | None = None, *, use_cache: bool = True) -> ProfileIndex:
    """Parse the config and credentials files named by `env` (or reuse the cached index)."""
    import marshal

    env = os.environ if env is None else env
    cfg = environment.config_file(env)
    cred = environment.credentials_file(env)
    ids = (_identity(cfg), _identity(cred))
    key = (_CACHE_FORMAT, __version__, _FIELDS, cfg, cred, ids)
    cache = cache_path(env) if use_cache else None
    if cache is not None:
        try:
            with open(cache, "rb") as fh:
                stored = marshal.loads(fh.read())
            if stored[0] == key:
                rows, sessions = stored[1], stored[2]
                return ProfileIndex(
                    profiles=[_profile_from_row(r) for r in rows], sso_sessions=sessions
                )
        except Exception:  # missing, corrupt or foreign cache: parse afresh
            pass
    config = configfile.load_config(cfg)
    credentials = configfile.raw_parse(cred)
    rows = _rows(config, credentials)
    sessions = config.get("sso_sessions", {})
    if cache is not None and not _racy(ids):
        _write_cache(cache, marshal.dumps((key, rows, sessions)))
    return ProfileIndex(profiles=[_profile_from_row(r) for r in rows], sso_sessions=sessions)


def _racy(ids: tuple[tuple[int, ...] | None, ...]) -> bool:
    import time

    limit = time.time_ns() - int(RACY_SECONDS * 1e9)
    return any(i is not None and i[3] > limit for i in ids)


def _write_cache(path: str, data: bytes) -> None:
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError:  # a read-only or full cache dir only costs speed
        with contextlib.suppress(OSError):
            os.unlink(tmp)
