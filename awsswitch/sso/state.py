"""SSO token state computed locally: no boto3, no network (stdlib only: hot path).

The rules are the ones the shell prompt applies to the same file, so both always agree:
- fresh: `accessToken` and `expiresAt` present and more than 15 minutes (900 s) left;
- refreshable ("refresh due"): 900 s or less left, or expired, but `refreshToken`, `clientId`,
  `clientSecret` present and `registrationExpiresAt` in the future (what botocore needs
  to refresh);
- login needed: anything else, including a missing, unreadable or corrupt file.

Reading never raises and never blocks, whatever sits at the path: `files.read_bytes` refuses
a FIFO, device or folder and caps the size, and every other fault becomes a "login needed"
with a reason. `session_end` says when the session (not only its access token) ends, as
far as the cache can tell. One resolution (`link`) takes a profile through its
source_profile chain to the SSO profile, its session and its token file; every other lookup
here asks it.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

try:  # CPython's own sha1: hashlib would load OpenSSL first (~2 ms on every `asw`)
    from _sha1 import sha1 as _sha1
except ImportError:  # pragma: no cover - other interpreters
    from hashlib import sha1 as _sha1
try:  # the C scanner behind json.loads: the json package imports `re` (~3 ms per `asw`)
    from _json import make_scanner as _make_scanner
except ImportError:  # pragma: no cover - other interpreters
    _make_scanner = None

from awsswitch import files, paths
from awsswitch.config.profiles import KIND_SSO, KIND_SSO_LEGACY, Profile, ProfileIndex
from awsswitch.errors import AwsswitchError
from awsswitch.record import Record

# Annotation-only imports: collections.abc and typing cost milliseconds on every `asw`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

FRESH = "fresh"  # more than 15 minutes left
REFRESHABLE = "refreshable"  # refresh due: <= 15 min or expired, but refreshable
LOGIN_NEEDED = "login-needed"  # anything else: missing, corrupt, expired and not refreshable

REFRESH_WINDOW = 15 * 60  # seconds; botocore's SSOTokenProvider._REFRESH_WINDOW
SESSION_WARNING = 30 * 60  # seconds: `asw` says so once when the session ends this soon
# What bounds the session's end (TokenStatus.session_end_basis):
END_REGISTRATION = "registration"  # refreshable until the client registration expires, at most
END_TOKEN = "token"  # no refresh possible: the access token's own expiry
_REFRESH_KEYS = ("refreshToken", "clientId", "clientSecret", "registrationExpiresAt")


class TokenStatus(Record):
    state: str
    cache_file: str
    session: str | None  # sso-session name (None for a legacy profile)
    start_url: str | None
    expires_at: datetime | None = None
    reason: str = ""  # why it is in that state, for people ("no cached token", ...)
    # When the session can no longer give a usable access token (see `session_end`), and
    # what says so: END_REGISTRATION (an upper bound) or END_TOKEN (exact); None/"" when
    # the file holds no usable token.
    session_ends_at: datetime | None = None
    session_end_basis: str = ""

    def session_seconds_left(self, now: datetime | None = None) -> float | None:
        """Seconds until the session ends (negative: ended); None when unknown."""
        if self.session_ends_at is None:
            return None
        return (self.session_ends_at - (now or utc_now())).total_seconds()

    def seconds_left(self, now: datetime | None = None) -> float | None:
        """Seconds until the access token expires (negative: expired); None when the file
        holds no usable access token."""
        if self.expires_at is None:
            return None
        return (self.expires_at - (now or utc_now())).total_seconds()


class SsoTarget(Record):
    """What a login works on: one sso-session (or one legacy start URL) and its cache file."""

    session: str | None  # sso-session name; None for a legacy profile
    start_url: str | None  # as written in the config (the legacy cache key depends on it)
    region: str | None
    scopes: tuple[str, ...] | None  # parsed sso_registration_scopes, None when unset
    profile: str | None  # the SSO profile it came from (legacy logins name it)
    cache_file: str  # "" when the config names none (a legacy profile without sso_start_url)
    problem: str = ""  # what botocore would refuse in the config (empty: usable)

    @property
    def label(self) -> str:
        """For messages; names from the config shown escaped (context.display)."""
        from awsswitch.context import display

        if self.session is not None:
            return f"sso-session {display(self.session)}"
        return f"profile {display(self.profile or '')} (start URL {display(self.start_url or '')})"

    @property
    def login_hint(self) -> str:
        """The command that logs this target in, ready to paste into a shell."""
        return self.hint()

    def hint(self, *options: str) -> str:
        """`awsswitch login OPTIONS...` for this target (e.g. "--force"), ready to paste."""
        words = ["awsswitch login", *options]
        if self.session is not None:
            words.append(f"--sso-session {shell_word(self.session)}")
        else:
            words.append(shell_word(self.profile or ""))
        return " ".join(words)

    def config_problem(self) -> str:
        """Why a refresh or login cannot run with this config ("" when it can)."""
        if self.problem:
            return self.problem
        missing = [
            k for k, v in (("sso_start_url", self.start_url), ("sso_region", self.region)) if not v
        ]
        if missing:
            return f"{self.label} is missing the following configuration: {', '.join(missing)}"
        from awsswitch import regions  # not on the fresh-token path

        why = regions.why_not(self.region or "")
        if why:
            return f"the sso_region {self.region!r} of {self.label} is unusable: {why}"
        return ""

    def require_config(self) -> None:
        """Raise a clear error when the config lacks what a refresh or login needs."""
        problem = self.config_problem()
        if problem:
            raise AwsswitchError(problem)


_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+=@%/:,")


def shell_word(text: str) -> str:
    """`text` as one shell word (shlex.quote without its `re` import), escaped for display."""
    from awsswitch.context import display

    if text and set(text) <= _PLAIN:
        return text
    return display("'" + text.replace("'", "'\\''") + "'")


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def cache_key(session_name: str | None, start_url: str | None) -> str:
    """botocore's SSOTokenLoader key: sha1(session name, else start URL as written)."""
    key = session_name if session_name is not None else (start_url or "")
    return _sha1(key.encode("utf-8")).hexdigest()


def parse_scopes(raw: str | None) -> tuple[str, ...] | None:
    """The CLI's parse_sso_registration_scopes: split on commas, strip, drop empties."""
    if raw is None:
        return None
    return tuple(s.strip() for s in raw.split(",") if s.strip())


# What parse_time gives for a time that exists in its own zone but not in UTC (year 9999 at
# -01:00, year 1 at +01:00): one day inside datetime's range, so that converting it to any
# local zone for display cannot overflow either.
LATEST = datetime(9999, 12, 30, tzinfo=timezone.utc)
EARLIEST = datetime(1, 1, 2, tzinfo=timezone.utc)


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 timestamp as the CLI and botocore write it (`Z` or `+00:00`, optional
    fraction) as an aware UTC datetime; None when it is not one. Naive times count as UTC.

    A time that overflows on conversion to UTC is clamped to LATEST or EARLIEST: botocore
    parses it with dateutil and subtracts aware datetimes, which never overflows, so for
    botocore `9999-12-31T23:59:59-01:00` is simply far in the future (the token is used) and
    `0001-01-01T00:00:00+01:00` long past (expired). Clamping keeps exactly those answers.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text[-1:] in ("Z", "z"):
        text = text[:-1] + "+00:00"
    elif text[-3:] == "UTC":  # old botocore JSONFileCache wrote `%Z` of tzutc
        text = text[:-3] + "+00:00"
    elif len(text) > 5 and text[-5] in "+-" and text[-4:].isdigit():  # +0100 -> +01:00
        text = text[:-2] + ":" + text[-2:]
    # Python 3.10's fromisoformat wants 0, 3 or 6 fraction digits: normalise to 6.
    dot = text.find(".", 10)
    if dot != -1:
        end = dot + 1
        while end < len(text) and text[end].isdigit():
            end += 1
        digits = text[dot + 1 : end]
        if not digits:
            return None
        text = text[:dot] + "." + (digits + "000000")[:6] + text[end:]
    try:
        parsed = datetime.fromisoformat(text)
    except (ValueError, OverflowError):
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=timezone.utc)
    try:
        return parsed.astimezone(timezone.utc)
    except OverflowError:
        return LATEST if parsed.year > 1 else EARLIEST


class _JsonSettings:
    """What json.decoder.JSONDecoder() hands the C scanner (json.loads' defaults)."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = float  # NaN, Infinity, -Infinity, as json.loads reads them


_scan: Any = None
_JSON_SPACE = " \t\n\r"


def loads(text: str) -> Any:
    """json.loads(text), same result, same ValueError on bad input, without importing the
    json package on the fresh-token path (only an error imports it, for its message)."""
    global _scan
    if _make_scanner is None:  # pragma: no cover - other interpreters
        import json

        return json.loads(text)
    if _scan is None:
        _scan = _make_scanner(_JsonSettings)
    start = len(text) - len(text.lstrip(_JSON_SPACE))
    try:
        value, end = _scan(text, start)
    except StopIteration:
        raise ValueError("expecting a JSON value") from None
    except Exception:
        # The C scanner builds its errors from json.decoder, which it cannot do (SystemError)
        # until the json package is imported: import it now, for a bad file only.
        import json

        return json.loads(text)
    if text[end:].strip(_JSON_SPACE):
        raise ValueError("extra data after the JSON value")
    return value


def load_json(path: str, what: str = "cached token") -> tuple[dict[str, Any] | None, str]:
    """(the JSON object in `path`, "") or (None, why not). Never raises, never blocks:
    a missing file, a FIFO, a device, a folder, a file over files.TOKEN_LIMIT, unreadable
    bytes or JSON that is not an object all come back as a reason."""
    try:
        raw = files.read_bytes(path, files.TOKEN_LIMIT)
    except FileNotFoundError:
        return None, f"no {what}"
    except files.FileFault as exc:
        return None, exc.message
    except (OSError, ValueError) as exc:  # e.g. a NUL byte in a path built from config
        return None, f"cannot read the {what} ({exc})"
    try:
        data = loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):  # bad UTF-8, bad JSON, absurd nesting
        return None, f"the {what} file is corrupt (not valid JSON)"
    if not isinstance(data, dict):
        return None, f"the {what} file is corrupt (not a JSON object)"
    return data, ""


def load_token(path: str) -> tuple[dict[str, Any] | None, str]:
    """(the token file as a dict, "") or (None, why not); see load_json."""
    return load_json(path, "cached token")


def read_token(path: str) -> dict[str, Any] | None:
    """The token file as a dict; None when missing, unreadable or not a JSON object."""
    return load_json(path, "cached token")[0]


def _present(token: Mapping[str, Any], key: str) -> bool:
    # A non-empty string, as the prompt's shell code checks it (`"key": "x...`); botocore
    # only checks presence, but an empty refresh token or client id cannot work anyway.
    value = token.get(key)
    return isinstance(value, str) and value != ""


def can_refresh(token: Mapping[str, Any], now: datetime | None = None) -> bool:
    """What botocore checks before a refresh: the keys, and an unexpired registration."""
    if not all(_present(token, k) for k in _REFRESH_KEYS):
        return False
    registration_expires = parse_time(token["registrationExpiresAt"])
    return registration_expires is not None and registration_expires > (now or utc_now())


def session_end(
    token: Mapping[str, Any] | None, now: datetime | None = None
) -> tuple[datetime | None, str]:
    """(when the session can no longer give a usable access token, what bounds it).

    Access tokens last about an hour now, so `expiresAt` says little. What the cache tells:
    - a refresh possible (refresh token, client, unexpired registration): refreshes work
      until the client registration expires at the latest, so END_REGISTRATION and
      max(expiresAt, registrationExpiresAt). The portal's own session length (1 hour to
      90 days, set by its administrator) ends refreshes sooner, but it is in no reply and
      no file: only a refresh that fails reveals it;
    - no refresh possible: END_TOKEN and expiresAt, exactly.
    (None, "") when the file holds no usable access token.
    """
    if token is None or not _present(token, "accessToken"):
        return None, ""
    expires_at = parse_time(token.get("expiresAt"))
    if expires_at is None:
        return None, ""
    if can_refresh(token, now):
        registration = parse_time(token["registrationExpiresAt"])
        assert registration is not None  # can_refresh checked it
        return max(expires_at, registration), END_REGISTRATION
    return expires_at, END_TOKEN


def classify(
    token: Mapping[str, Any] | None, now: datetime | None = None, *, missing: str = ""
) -> tuple[str, datetime | None, str]:
    """(state, expiresAt, reason) for a token dict (None: no usable file, `missing` says why)."""
    now = now or utc_now()
    if token is None:
        return LOGIN_NEEDED, None, missing or "no cached token"
    expires_at = parse_time(token.get("expiresAt"))
    if not _present(token, "accessToken") or expires_at is None:
        # No expiry either: nothing here is usable, however long it claims to last.
        return LOGIN_NEEDED, None, "cached token is invalid (no accessToken or expiresAt)"
    left = (expires_at - now).total_seconds()
    if left > REFRESH_WINDOW:
        return FRESH, expires_at, "token valid"
    if can_refresh(token, now):
        return REFRESHABLE, expires_at, "token expiring" if left > 0 else "token expired"
    if left > 0:
        return LOGIN_NEEDED, expires_at, "token expiring and cannot be refreshed"
    return LOGIN_NEEDED, expires_at, "token expired and cannot be refreshed"


def session_target(
    name: str, index: ProfileIndex, env: Mapping[str, str] | None = None
) -> SsoTarget:
    """The target for `[sso-session NAME]`; raises when the config has no such section."""
    section = index.sso_sessions.get(name)
    if section is None:
        raise AwsswitchError(f'The specified sso-session does not exist: "{name}"')
    return _session(name, section, None, env)


def _session(
    name: str, section: Mapping[str, Any], profile: str | None, env: Mapping[str, str] | None
) -> SsoTarget:
    scopes = section.get("sso_registration_scopes")
    return SsoTarget(
        session=name,
        start_url=_text(section.get("sso_start_url")),
        region=_text(section.get("sso_region")),
        scopes=parse_scopes(scopes) if isinstance(scopes, str) else None,
        profile=profile,
        cache_file=_cache_path(name, None, env),
    )


def _cache_path(session: str | None, start_url: str | None, env: Mapping[str, str] | None) -> str:
    return os.path.join(paths.sso_cache_dir(env), cache_key(session, start_url) + ".json")


def link(
    profile: Profile, index: ProfileIndex, env: Mapping[str, str] | None = None
) -> SsoTarget | None:
    """The one resolution of profile -> SSO profile -> session -> token cache file.

    Follows source_profile to the SSO profile at the end of the chain; None when there is
    none. The target's `problem` says what botocore would refuse (a session section that
    does not exist, a legacy profile lacking sso_start_url or sso_region); `cache_file` is ""
    when no file can be named. Raises AwsswitchError only on a source_profile loop.
    """
    root = index.sso_root(profile.name)
    if root is None:
        return None
    if root.kind == KIND_SSO and root.sso_session is not None:
        name = root.sso_session
        section = index.sso_sessions.get(name)
        if section is not None:
            return _session(name, section, root.name, env)
        return SsoTarget(
            session=name,
            start_url=None,
            region=None,
            scopes=None,
            profile=root.name,
            cache_file=_cache_path(name, None, env),  # where botocore would look
            problem=f'The profile "{root.name}" uses sso_session "{name}", '
            f"but the config has no [sso-session {name}] section",
        )
    if root.kind == KIND_SSO_LEGACY:
        missing = [k for k in ("sso_start_url", "sso_region") if not getattr(root, k)]
        return SsoTarget(
            session=None,
            start_url=root.sso_start_url,
            region=root.sso_region,
            scopes=None,  # legacy profiles register without scopes
            profile=root.name,
            cache_file=_cache_path(None, root.sso_start_url, env) if root.sso_start_url else "",
            problem=f'The profile "{root.name}" is configured to use SSO but is missing '
            f"required configuration: {', '.join(missing)}"
            if missing
            else "",
        )
    return None


def profile_target(
    profile: Profile, index: ProfileIndex, env: Mapping[str, str] | None = None
) -> SsoTarget | None:
    """`link(profile)` for a refresh or login: None when the profile does not use SSO;
    AwsswitchError on a source_profile loop or a config botocore would refuse."""
    target = link(profile, index, env)
    if target is not None and target.problem:
        raise AwsswitchError(target.problem)
    return target


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def cache_file_for(
    profile: Profile, index: ProfileIndex, env: Mapping[str, str] | None = None
) -> str | None:
    """The token cache file that `profile` (or the SSO profile its chain ends in) uses."""
    target = link(profile, index, env)
    return target.cache_file or None if target is not None else None


def status_of(target: SsoTarget, now: datetime | None = None) -> TokenStatus:
    """The state of `target`'s token file (one bounded read; never raises)."""
    if not target.cache_file:
        return TokenStatus(LOGIN_NEEDED, "", target.session, target.start_url, None, target.problem)
    token, missing = load_token(target.cache_file)
    now = now or utc_now()
    state, expires_at, reason = classify(token, now, missing=missing)
    ends_at, basis = session_end(token, now)
    return TokenStatus(
        state=state,
        cache_file=target.cache_file,
        session=target.session,
        start_url=target.start_url,
        expires_at=expires_at,
        reason=reason,
        session_ends_at=ends_at,
        session_end_basis=basis,
    )


def profile_token_status(
    profile: Profile,
    index: ProfileIndex,
    env: Mapping[str, str] | None = None,
    *,
    now: datetime | None = None,
) -> TokenStatus | None:
    """Token state for `profile`'s SSO session; None when it is not an SSO profile.

    Raises AwsswitchError on a source_profile loop (as `link` does).
    """
    target = link(profile, index, env)
    return None if target is None else status_of(target, now)


def describe_left(seconds: float | None) -> str:
    """`7h 59m left`, `3m left`, `expired 2h 5m ago` (for people)."""
    if seconds is None:
        return "no expiry"
    total = int(abs(seconds) / 60 + 0.5)  # nearest minute
    days, rem = divmod(total, 24 * 60)
    hours, minutes = divmod(rem, 60)
    parts = ([f"{days}d"] if days else []) + ([f"{hours}h"] if hours or days else [])
    parts.append(f"{minutes}m")
    text = " ".join(parts)
    return f"{text} left" if seconds > 0 else f"expired {text} ago"
