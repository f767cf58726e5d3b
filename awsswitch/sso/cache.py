"""Reading and writing `~/.aws/sso/cache` exactly as the AWS CLI v2 and botocore do (stdlib).

- Token files `<sha1(session name or start URL)>.json` and client-registration files
  `<sha1(json.dumps({tool, startUrl, region, scopes, session_name}, sort_keys=True))>.json`
  (`scopes` as configured, None when unset). Both flows use the same registration key: a
  device-flow registration and an authorization-code one (`grantTypes` cached) replace each
  other there, as they do for the CLI.
- Serialisation: `json.dumps(obj)` with its default separators, no indent, no trailing
  newline; datetimes as `%Y-%m-%dT%H:%M:%SZ` (UTC, no fraction).
- Writes as botocore >= 1.42.11 does (temporary file in the same folder, 0600, fsync,
  rename), through `files.atomic_write`, under the lock a login holds (`files.lock` on the
  cache folder; re-entrant, so the login's own writes pass).
- Replies from the service are checked before anything is cached (`BadReply`): a garbage,
  incomplete or absurd reply must never become a token or registration file.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from awsswitch import files, paths
from awsswitch.errors import AwsswitchError
from awsswitch.sso.state import SsoTarget, load_json, parse_time, utc_now

REGISTRATION_EXPIRY_WINDOW = 15 * 60  # the CLI re-registers a client expiring within 15 min
# Limits for what a reply may hold. The portal's longest session is 90 days; an access
# token or client secret is a few KB (a token file must stay under files.TOKEN_LIMIT).
MAX_EXPIRES_IN = 366 * 86400
MAX_SECRET = 64 * 1024
_LATEST_EPOCH = 253402214400  # 9999-12-31T00:00:00Z: datetime cannot go further


class BadReply(ValueError):
    """A service reply that must not be cached; the message says what is wrong with it
    (never the value itself: it may be a secret)."""


def text_field(reply: Mapping[str, Any], key: str, *, required: bool = True) -> str | None:
    """`reply[key]` when it is a non-empty printable ASCII string of sane length."""
    value = reply.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise BadReply(f"the reply has no {key}" if value is None else f"its {key} is not a string")
    if len(value) > MAX_SECRET:
        raise BadReply(f"its {key} is too long ({len(value)} characters)")
    if not (value.isascii() and value.isprintable()):
        raise BadReply(f"its {key} holds characters no {key} has")
    return value


def int_field(reply: Mapping[str, Any], key: str, low: int, high: int) -> int:
    value = reply.get(key)
    if value is None:
        raise BadReply(f"the reply has no {key}")
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadReply(f"its {key} is not a whole number")
    if not low <= value <= high:
        raise BadReply(f"its {key} is out of range ({value})")
    return value


def check_reply(reply: Any) -> Mapping[str, Any]:
    if not isinstance(reply, Mapping):
        raise BadReply("the reply is not a JSON object")
    return reply


def format_time(value: datetime) -> str:
    """The CLI's `_serialize_utc_timestamp` (for aware values, converted to UTC first)."""
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _default(obj: Any) -> Any:
    if isinstance(obj, datetime):
        return format_time(obj)
    raise TypeError(f"cannot serialise {type(obj).__name__}")


def dumps(obj: Mapping[str, Any]) -> str:
    """The CLI's `_sso_json_dumps`."""
    return json.dumps(obj, default=_default)


def write_json(path: str, obj: Mapping[str, Any]) -> None:
    """Atomically replace `path` with `dumps(obj)`: mode 0600 (as botocore's mkstemp), fsync'd,
    never half-written; FileFault (one line, nothing changed) when it cannot."""
    files.atomic_write(path, dumps(obj).encode("utf-8"), mode=0o600)


def token_from_create_token(
    *,
    start_url: str,
    region: str,
    response: Mapping[str, Any],
    client_id: str,
    client_secret: str,
    registration_expires_at: str | datetime,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The token dict the CLI (device flow) and botocore (refresh) cache, in their key order.

    `registration_expires_at` is copied as given: a string read from a cache stays
    byte-identical, a datetime from a fresh registration is formatted. Raises BadReply when
    `response` lacks a usable accessToken, has an absurd expiresIn, or a refreshToken that is
    not a token: nothing is cached then.
    """
    response = check_reply(response)
    access_token = text_field(response, "accessToken")
    expires_in = int_field(response, "expiresIn", 1, MAX_EXPIRES_IN)
    refresh_token = text_field(response, "refreshToken", required=False)
    now = now or utc_now()
    token: dict[str, Any] = {
        "startUrl": start_url,
        "region": region,
        "accessToken": access_token,
        "expiresAt": now + timedelta(seconds=expires_in),
        "clientId": client_id,
        "clientSecret": client_secret,
        "registrationExpiresAt": registration_expires_at,
    }
    if refresh_token is not None:  # botocore and the CLI keep it only when returned
        token["refreshToken"] = refresh_token
    return token


def token_from_login(
    target: SsoTarget, response: Mapping[str, Any], reg: Mapping[str, Any], started: datetime
) -> dict[str, Any]:
    """The token a login's CreateToken `response` gives, with the client registration `reg`
    it used (both login flows, device code and PKCE); an unusable reply is the login's failure
    (AwsswitchError), and nothing is cached."""
    try:
        return token_from_create_token(
            start_url=target.start_url,
            region=target.region,
            response=response,
            client_id=reg["clientId"],
            client_secret=reg["clientSecret"],
            registration_expires_at=reg["expiresAt"],
            now=started,
        )
    except BadReply as exc:
        raise AwsswitchError(
            f"login for {target.label} failed: the service sent an unusable token ({exc})"
        ) from None


# -- client registrations -------------------------------------------------------------


def registration_key(
    start_url: str, region: str, scopes: list[str] | tuple[str, ...] | None, session: str | None
) -> str:
    """CLI >= 2.7.32 `_registration_cache_key` (scopes as a list, or None)."""
    args = {
        "tool": "botocore",
        "startUrl": start_url,
        "region": region,
        "scopes": list(scopes) if scopes is not None else None,
        "session_name": session,
    }
    return hashlib.sha1(json.dumps(args, sort_keys=True).encode("utf-8")).hexdigest()


def registration_file(
    env: Mapping[str, str] | None,
    start_url: str,
    region: str,
    scopes: list[str] | tuple[str, ...] | None,
    session: str | None,
) -> str:
    key = registration_key(start_url, region, scopes, session)
    return os.path.join(paths.sso_cache_dir(env), key + ".json")


# Which flow a registration serves: the CLI keeps one registration per key and replaces a
# device-flow registration by an authorization-code one (with `grantTypes`) and back.
DEVICE_FLOW = "device"
AUTH_CODE_FLOW = "authorization_code"
AUTH_CODE_GRANT_TYPES = ("authorization_code", "refresh_token")  # SSOTokenFetcherAuth's
DEFAULT_AUTH_CODE_SCOPE = "sso:account:access"  # registered and asked for when none is set


def is_auth_code_registration(reg: Mapping[str, Any]) -> bool:
    """botocore's `_is_registration_for_auth_code`: `grantTypes` holds authorization_code
    (registrations without `grantTypes` are device-flow ones: the CLI did not cache it)."""
    grant_types = reg.get("grantTypes")
    return isinstance(grant_types, list) and "authorization_code" in grant_types


def usable_registration(
    path: str,
    now: datetime | None = None,
    *,
    flow: str | None = DEVICE_FLOW,
    window: float = REGISTRATION_EXPIRY_WINDOW,
) -> dict[str, Any] | None:
    """The cached registration when the CLI would reuse it for `flow` (None: either):
    clientId/clientSecret present, more than `window` seconds left (the CLI's 15 minutes by
    default), and made for that flow (`grantTypes`)."""
    reg = load_json(path, "client registration")[0]
    if reg is None:
        return None
    if not isinstance(reg.get("clientId"), str) or not isinstance(reg.get("clientSecret"), str):
        return None
    expires_at = parse_time(reg.get("expiresAt"))
    if expires_at is None:
        return None
    if (expires_at - (now or utc_now())).total_seconds() < window:
        return None
    if flow is not None and is_auth_code_registration(reg) != (flow == AUTH_CODE_FLOW):
        return None
    return reg


def registration_from_response(
    response: Mapping[str, Any],
    scopes: list[str] | tuple[str, ...] | None,
    grant_types: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    """The CLI's `_register_client` result: for the device flow (no `grant_types`) the
    scopes only when configured; for the authorization-code flow the scopes registered
    (`scopes`, never empty) and `grantTypes`, as SSOTokenFetcherAuth caches them.
    Raises BadReply for a reply without usable client credentials or expiry."""
    response = check_reply(response)
    client_id = text_field(response, "clientId")
    client_secret = text_field(response, "clientSecret")
    expires = int_field(response, "clientSecretExpiresAt", 1, _LATEST_EPOCH)
    expires_at = datetime.fromtimestamp(expires, timezone.utc)
    if expires_at <= utc_now():
        raise BadReply("its clientSecretExpiresAt is already past")
    registration: dict[str, Any] = {
        "clientId": client_id,
        "clientSecret": client_secret,
        "expiresAt": expires_at,
    }
    if grant_types is not None:
        registration["scopes"] = list(scopes or (DEFAULT_AUTH_CODE_SCOPE,))
        registration["grantTypes"] = list(grant_types)
    elif scopes:
        registration["scopes"] = list(scopes)
    return registration


# -- logout ---------------------------------------------------------------------------


def remove(path: str) -> bool:
    """Delete `path`; False when it was not there; FileFault when it cannot be removed."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise files.fault(exc, path, "remove") from None
    return True
