"""SSO token state computed locally: no boto3, no network (stdlib only: hot path).

The rules are the ones the shell prompt applies to the same file, so both always agree:
- fresh: `accessToken` and `expiresAt` present and more than 15 minutes (900 s) left;
- refreshable ("refresh due"): 900 s or less left, or expired, but `refreshToken`, `clientId`,
  `clientSecret` present and `registrationExpiresAt` in the future (what botocore needs
  to refresh);
- login needed: anything else, including a missing, unreadable or corrupt file.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone

try:  # CPython's own sha1: hashlib would load OpenSSL first (~2 ms on every `asw`)
    from _sha1 import sha1 as _sha1
except ImportError:  # pragma: no cover - other interpreters
    from hashlib import sha1 as _sha1

from awsswitch import paths
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
_REFRESH_KEYS = ("refreshToken", "clientId", "clientSecret", "registrationExpiresAt")


class TokenStatus(Record):
    state: str
    cache_file: str
    session: str | None  # sso-session name (None for a legacy profile)
    start_url: str | None
    expires_at: datetime | None = None
    reason: str = ""  # why it is in that state, for people ("no cached token", ...)

    def seconds_left(self, now: datetime | None = None) -> float | None:
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
    cache_file: str

    @property
    def label(self) -> str:
        if self.session is not None:
            return f"sso-session {self.session}"
        return f"profile {self.profile} (start URL {self.start_url})"

    def require_config(self) -> None:
        """Raise a clear error when the config lacks what a refresh or login needs."""
        missing = [
            k for k, v in (("sso_start_url", self.start_url), ("sso_region", self.region)) if not v
        ]
        if missing:
            raise AwsswitchError(f"{self.label} is missing the following configuration: {missing}")


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


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 timestamp as the CLI and botocore write it (`Z` or `+00:00`, optional
    fraction) as an aware datetime; None when it is not one. Naive times count as UTC."""
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
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def load_token(path: str) -> tuple[dict[str, Any] | None, str]:
    """(the token file as a dict, "") or (None, why not)."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        return None, "no cached token"
    except OSError as exc:
        return None, f"cannot read the cached token ({exc.strerror or exc})"
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return None, "the cached token file is corrupt (not valid JSON)"
    if not isinstance(data, dict):
        return None, "the cached token file is corrupt (not a JSON object)"
    return data, ""


def read_token(path: str) -> dict[str, Any] | None:
    """The token file as a dict; None when missing, unreadable or not a JSON object."""
    return load_token(path)[0]


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


def classify(
    token: Mapping[str, Any] | None, now: datetime | None = None, *, missing: str = ""
) -> tuple[str, datetime | None, str]:
    """(state, expiresAt, reason) for a token dict (None: no usable file, `missing` says why)."""
    now = now or utc_now()
    if token is None:
        return LOGIN_NEEDED, None, missing or "no cached token"
    expires_at = parse_time(token.get("expiresAt"))
    if not _present(token, "accessToken") or expires_at is None:
        return LOGIN_NEEDED, expires_at, "cached token is invalid (no accessToken or expiresAt)"
    left = (expires_at - now).total_seconds()
    if left > REFRESH_WINDOW:
        return FRESH, expires_at, "token valid"
    if can_refresh(token, now):
        return REFRESHABLE, expires_at, "token expiring" if left > 0 else "token expired"
    if left > 0:
        return LOGIN_NEEDED, expires_at, "token expiring and cannot be refreshed"
    return LOGIN_NEEDED, expires_at, "token expired and cannot be refreshed"


def status_of(target: SsoTarget, now: datetime | None = None) -> TokenStatus:
    token, missing = load_token(target.cache_file)
    state, expires_at, reason = classify(token, now, missing=missing)
    return TokenStatus(
        state=state,
        cache_file=target.cache_file,
        session=target.session,
        start_url=target.start_url,
        expires_at=expires_at,
        reason=reason,
    )


def session_target(
    name: str, index: ProfileIndex, env: Mapping[str, str] | None = None
) -> SsoTarget:
    """The target for `[sso-session NAME]`; raises when the config has no such section."""
    section = index.sso_sessions.get(name)
    if section is None:
        raise AwsswitchError(f'The specified sso-session does not exist: "{name}"')
    scopes = section.get("sso_registration_scopes")
    return SsoTarget(
        session=name,
        start_url=_text(section.get("sso_start_url")),
        region=_text(section.get("sso_region")),
        scopes=parse_scopes(scopes) if isinstance(scopes, str) else None,
        profile=None,
        cache_file=os.path.join(paths.sso_cache_dir(env), cache_key(name, None) + ".json"),
    )


def profile_target(
    profile: Profile, index: ProfileIndex, env: Mapping[str, str] | None = None
) -> SsoTarget | None:
    """The target for `profile`, following source_profile to an SSO profile; None when the
    profile does not use SSO. Raises AwsswitchError on a source_profile loop or a profile
    naming an sso-session that does not exist."""
    root = index.sso_root(profile.name)
    if root is None:
        return None
    if root.kind == KIND_SSO and root.sso_session is not None:
        try:
            target = session_target(root.sso_session, index, env)
        except AwsswitchError:
            raise AwsswitchError(
                f'The profile "{root.name}" uses sso_session "{root.sso_session}", '
                f"but the config has no [sso-session {root.sso_session}] section"
            ) from None
        return SsoTarget(
            session=target.session,
            start_url=target.start_url,
            region=target.region,
            scopes=target.scopes,
            profile=root.name,
            cache_file=target.cache_file,
        )
    if root.kind == KIND_SSO_LEGACY:
        missing = [k for k in ("sso_start_url", "sso_region") if not getattr(root, k)]
        if missing:
            raise AwsswitchError(
                f'The profile "{root.name}" is configured to use SSO but is missing '
                f"required configuration: {', '.join(missing)}"
            )
        return SsoTarget(
            session=None,
            start_url=root.sso_start_url,
            region=root.sso_region,
            scopes=None,  # legacy profiles register without scopes
            profile=root.name,
            cache_file=os.path.join(
                paths.sso_cache_dir(env), cache_key(None, root.sso_start_url) + ".json"
            ),
        )
    return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def cache_file_for(
    profile: Profile, index: ProfileIndex, env: Mapping[str, str] | None = None
) -> str | None:
    """The token cache file that `profile` (or the SSO profile its chain ends in) uses."""
    root = index.sso_root(profile.name)
    if root is None:
        return None
    if root.kind == KIND_SSO:
        key = cache_key(root.sso_session, None)
    elif root.kind == KIND_SSO_LEGACY and root.sso_start_url:
        key = cache_key(None, root.sso_start_url)
    else:  # e.g. sso_account_id without sso_start_url: botocore rejects it, no cache file
        return None
    return os.path.join(paths.sso_cache_dir(env), key + ".json")


def profile_token_status(
    profile: Profile,
    index: ProfileIndex,
    env: Mapping[str, str] | None = None,
    *,
    now: datetime | None = None,
) -> TokenStatus | None:
    """Token state for `profile`'s SSO session; None when it is not an SSO profile.

    Raises AwsswitchError on a source_profile loop (as `cache_file_for` does).
    """
    root = index.sso_root(profile.name)
    if root is None:
        return None
    session = root.sso_session if root.kind == KIND_SSO else None
    path = cache_file_for(root, index, env)
    if path is None:
        reason = f"profile {root.name} has no sso_session or sso_start_url"
        return TokenStatus(LOGIN_NEEDED, "", session, None, None, reason)
    if session is not None:
        section = index.sso_sessions.get(session) or {}
        start_url = _text(section.get("sso_start_url"))
    else:
        start_url = root.sso_start_url
    token, missing = load_token(path)
    state, expires_at, reason = classify(token, now, missing=missing)
    return TokenStatus(
        state=state,
        cache_file=path,
        session=session,
        start_url=start_url,
        expires_at=expires_at,
        reason=reason,
    )


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
