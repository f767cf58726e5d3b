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
stores the built index as `marshal`led plain lists (one per `Profile` field, which marshal writes
and reads faster than a tuple per profile) in `paths.cache_dir(env)`, keyed on the
awsswitch version, the field layout, both file paths and each file's identity
(dev, inode, size, mtime_ns, ctime_ns: `files.identity`). Any mismatch, or a corrupt cache, means a
fresh parse; the cache is then rewritten atomically (`files.write_private`: 0600 in a 0700 folder).
Being `marshal`led, a cache file another user could have written (not ours, or writable by others)
is never loaded (`files.read_private`); a cache that cannot be written only costs speed. A file
modified less than `RACY_SECONDS` ago is not cached at all: a second in-place write within the same
timestamp tick could keep inode, size and both times (git's "racy index" problem).

The first switch after a change parses and builds the index for every profile, so that path works
a field at a time (`map` over all profiles, in C) rather than a profile at a time.
"""

from __future__ import annotations

import os
from itertools import repeat

from awsswitch import __version__, files, paths
from awsswitch.config import reader
from awsswitch.errors import AwsswitchError
from awsswitch.record import TupleRecord

# Annotation-only imports: collections.abc and typing cost milliseconds on every `asw`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from collections.abc import Set as AbstractSet
    from typing import Any

# Profile kinds, as shown by `awsswitch list`.
KIND_SSO = "sso"  # sso_session = NAME
KIND_SSO_LEGACY = "sso-legacy"  # sso_start_url (or sso_account_id/sso_role_name) in the profile
KIND_KEYS = "keys"  # aws_access_key_id
KIND_ROLE = "role"  # role_arn + source_profile / credential_source / web_identity_token_file
KIND_PROCESS = "process"  # credential_process
KIND_LOGIN = "login"  # login_session = ARN: an `aws login` console session (login_session.py)
KIND_OTHER = "other"  # e.g. only region/output

RACY_SECONDS = 2.0
_CACHE_FORMAT = 2  # 2: one list per field (1: one tuple per profile)


class Profile(TupleRecord):
    """One profile; a tuple (`TupleRecord`), so that 10,000 of them are made in C."""

    __slots__ = ()
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
    # Added fields (new ones go at the end; the cache key holds the field names).
    role_arn: str | None = None
    credential_source: str | None = None
    output: str | None = None
    login_session: str | None = None

    @property
    def acts_as(self) -> tuple[str | None, str | None]:
        """(account, role) its credentials are for, as far as the config says: sso_account_id
        and sso_role_name, else (for a role profile) the account and role name of role_arn."""
        account, role = self.account_id, self.role_name
        if self.role_arn and not (account and role):
            from awsswitch import arn

            arn_account, arn_role = arn.role_parts(self.role_arn)
            account, role = account or arn_account, role or arn_role
        return account, role


_FIELDS: tuple[str, ...] = Profile._fields


def _from_columns(columns: list[list[Any]]) -> list[Profile]:
    """Profiles from one list per field (`_FIELDS` order); ValueError on a wrong shape."""
    if len(columns) != len(_FIELDS):
        raise ValueError("index columns of the wrong shape")
    # Profile._make without its per-row check (the shape is checked here): made in C.
    return list(map(tuple.__new__, repeat(Profile), zip(*columns, strict=True)))


class ProfileIndex:
    """Every profile botocore would see, in `available_profiles` order, plus sso-sessions."""

    def __init__(
        self,
        profiles: list[Profile],
        sso_sessions: dict[str, dict[str, Any]] | None = None,
        names: Iterable[str] | None = None,  # [p.name for p in profiles], when at hand
    ) -> None:
        self.profiles = profiles
        self.sso_sessions: dict[str, dict[str, Any]] = {} if sso_sessions is None else sso_sessions
        if names is None:
            names = [p.name for p in profiles]
        self.by_name: dict[str, Profile] = dict(zip(names, profiles, strict=True))

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
    return dict(zip(names, _shorts(names), strict=True))


def _shorts(names: list[str], full: AbstractSet[str] | None = None) -> list[str]:
    """`short_names(names)`'s values, in `names` order; `full`: set(names), when at hand."""
    candidates = []
    kept = 0  # names with fewer than 3 components: their own candidate
    for n in names:
        rest = n.partition(".")[2]  # 3+ components: a dot after the first one
        if "." in rest:
            candidates.append(rest)
        else:
            candidates.append(n)
            kept += 1
    if full is None:
        full = set(names)
    # Usually every candidate differs from the others and from every full name but its own.
    unique = set(candidates)
    if len(unique) == len(candidates) and (
        full.isdisjoint(unique) if kept == 0 else len(unique.intersection(full)) == kept
    ):
        return candidates
    counts: dict[str, int] = {}
    for cand in candidates:
        counts[cand] = counts.get(cand, 0) + 1
    return [
        n if cand != n and (counts[cand] > 1 or cand in full) else cand
        for n, cand in zip(names, candidates, strict=True)
    ]


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
    # botocore's LoginProvider: after the credentials file's keys, before credential_process.
    if "login_session" in values:
        return KIND_LOGIN
    if "credential_process" in values:
        return KIND_PROCESS
    if "aws_access_key_id" in values:
        return KIND_KEYS
    return KIND_OTHER


# The config keys behind the Profile fields that are plain values, in _FIELDS order.
_KEYS_A = (
    "sso_session",
    "sso_start_url",
    "sso_region",
    "sso_account_id",
    "sso_role_name",
    "region",
    "source_profile",
)
_KEYS_B = ("role_arn", "credential_source", "output", "login_session")  # after in_credentials


def _columns(
    config: dict[str, Any], credentials: dict[str, Any], nested: bool = True
) -> list[list[Any]]:
    """One list per Profile field (`_FIELDS` order), in `available_profiles` order.

    `nested`: whether any value may be a nested block (a dict), which a field never holds;
    `reader.read_sections` says, and False spares checking 100,000 values.
    """
    cfg_profiles: dict[str, dict[str, Any]] = config.get("profiles", {})
    names = list(cfg_profiles)
    values = list(cfg_profiles.values())
    count = len(names)
    in_config = [True] * count
    in_credentials = [False] * count
    own_credentials: dict[int, dict[str, Any]] = {}  # position -> credentials file's section
    full: AbstractSet[str] = cfg_profiles.keys()
    if credentials:
        position = dict(zip(names, range(count), strict=True))
        for name, cred in credentials.items():
            i = position.get(name)
            if i is None:  # only in the credentials file: listed after the config's
                i = len(names)
                names.append(name)
                values.append(cred)
                in_config.append(False)
                in_credentials.append(True)
            else:
                values[i] = {**values[i], **cred}
                in_credentials[i] = True
            own_credentials[i] = cred
        full = set(names)
    count = len(names)
    present = set().union(*values)  # a key no profile has makes a column of None, unread
    get = dict.get

    def column(key: str) -> list[Any]:
        if key not in present:
            return [None] * count
        values_of_key = list(map(get, values, repeat(key)))
        return [_str(v) for v in values_of_key] if nested else values_of_key

    # classify(), a field at a time: an sso_session and no role_arn is KIND_SSO, credentials
    # or not (how `sync` writes every profile); anything else asks classify().
    has = dict.__contains__
    sso = list(map(has, values, repeat("sso_session")))
    if "role_arn" not in present and False not in sso:
        kinds = [KIND_SSO] * count
    else:
        role = list(map(has, values, repeat("role_arn")))
        kinds = [
            KIND_SSO if s and not r else classify(v, own_credentials.get(i))
            for i, (v, s, r) in enumerate(zip(values, sso, role, strict=True))
        ]
    return [
        names,
        _shorts(names, full),
        kinds,
        *map(column, _KEYS_A),
        in_config,
        in_credentials,
        *map(column, _KEYS_B),
    ]


def build_index(config: dict[str, Any], credentials: dict[str, Any]) -> ProfileIndex:
    """Index from `reader.load_config` and `reader.raw_parse` (credentials) results."""
    columns = _columns(config, credentials)
    return ProfileIndex(_from_columns(columns), config.get("sso_sessions", {}), names=columns[0])


def cache_path(env: Mapping[str, str] | None = None) -> str:
    """The index cache file for the config/credentials files `env` names."""
    try:  # CPython's own sha1, which the switch loads anyway for the token cache (sso.state);
        # zlib.crc32 cost a module load of its own, and hashlib would load OpenSSL first.
        from _sha1 import sha1
    except ImportError:  # pragma: no cover - other implementations
        from hashlib import sha1

    cfg = paths.config_file(env)
    cred = paths.credentials_file(env)
    tag = sha1(f"{cfg}\0{cred}".encode("utf-8", "surrogateescape")).hexdigest()[:12]
    return os.path.join(paths.cache_dir(env), f"index-{tag}.marshal")


def load_index(env: Mapping[str, str] | None = None, *, use_cache: bool = True) -> ProfileIndex:
    """Parse the config and credentials files named by `env` (or reuse the cached index)."""
    import gc

    # Tens of thousands of new containers and not one cycle among them: the cyclic collector
    # would only rescan them, again and again as they pile up (milliseconds at 10,000 profiles).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load_index(os.environ if env is None else env, use_cache)
    finally:
        if collecting:
            gc.enable()


def _load_index(env: Mapping[str, str], use_cache: bool) -> ProfileIndex:
    import marshal

    cfg = paths.config_file(env)
    cred = paths.credentials_file(env)
    ids = (files.identity(cfg), files.identity(cred))
    key = (_CACHE_FORMAT, __version__, _FIELDS, cfg, cred, ids)
    cache = cache_path(env) if use_cache else None
    data = files.read_private(cache) if cache is not None else None
    if data is not None:
        try:
            stored = marshal.loads(data)
            if stored[0] == key:
                columns, sessions = _unpack(stored[1]), stored[2]
                return ProfileIndex(_from_columns(columns), sessions, names=columns[0])
        except Exception:  # missing, corrupt or foreign cache: parse afresh
            pass
    raw, nested = reader.read_sections(cfg, expand=False)
    config = reader.build_profile_map(raw)
    credentials, nested_credentials = reader.read_sections(cred, expand=False)
    columns = _columns(config, credentials, nested or nested_credentials)
    sessions = config.get("sso_sessions", {})
    if cache is not None and not _racy(ids):
        files.write_private(cache, marshal.dumps((key, _pack(columns), sessions)))
    return ProfileIndex(_from_columns(columns), sessions, names=columns[0])


def _pack(columns: list[list[Any]]) -> list[Any]:
    """The columns as cached: a field with one value for every profile (a generated config's
    region, output, session, kind...) as `(value,)`: marshal then writes and reads one object,
    not ten thousand equal ones. Names (the first column) stay a list."""
    count = len(columns[0])
    packed: list[Any] = [columns[0]]
    for column in columns[1:]:
        packed.append((column[0],) if count and column == [column[0]] * count else column)
    return packed


def _unpack(packed: list[Any]) -> list[list[Any]]:
    """`_pack`'s inverse; ValueError on anything else."""
    count = len(packed[0])
    columns: list[list[Any]] = []
    for column in packed:
        if type(column) is tuple and len(column) == 1:
            column = [column[0]] * count
        elif type(column) is not list:
            raise ValueError("not an index column")
        columns.append(column)
    return columns


def _racy(ids: tuple[tuple[int, ...] | None, ...]) -> bool:
    import time

    limit = time.time_ns() - int(RACY_SECONDS * 1e9)
    return any(i is not None and i[3] > limit for i in ids)
