"""Reading and writing `~/.aws/sso/cache` exactly as the AWS CLI v2 and botocore do (stdlib).

- Token files `<sha1(session name or start URL)>.json` and client-registration files
  `<sha1(json.dumps({tool, startUrl, region, scopes, session_name}, sort_keys=True))>.json`.
- Serialisation: `json.dumps(obj)` with its default separators, no indent, no trailing
  newline; datetimes as `%Y-%m-%dT%H:%M:%SZ` (UTC, no fraction).
- Writes as botocore >= 1.42.11 does: temporary file in the same folder (mkstemp: 0600),
  fsync, `os.replace`; the folder is created with the default mode when missing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from awsswitch import paths
from awsswitch.sso.state import parse_time, read_token, utc_now

REGISTRATION_EXPIRY_WINDOW = 15 * 60  # the CLI re-registers a client expiring within 15 min


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
    """Atomically replace `path` with `dumps(obj)`: mode 0600, fsync'd, never half-written."""
    content = dumps(obj)
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")  # mkstemp creates it 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


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
    byte-identical, a datetime from a fresh registration is formatted.
    """
    now = now or utc_now()
    token: dict[str, Any] = {
        "startUrl": start_url,
        "region": region,
        "accessToken": response["accessToken"],
        "expiresAt": now + timedelta(seconds=int(response["expiresIn"])),
        "clientId": client_id,
        "clientSecret": client_secret,
        "registrationExpiresAt": registration_expires_at,
    }
    if "refreshToken" in response:
        token["refreshToken"] = response["refreshToken"]
    return token


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


def usable_registration(
    path: str, now: datetime | None = None, *, for_device_flow: bool = True
) -> dict[str, Any] | None:
    """The cached registration when the CLI would reuse it: clientId/clientSecret present,
    more than 15 min left, and (device flow) not an authorization-code (PKCE) registration."""
    reg = read_token(path)
    if reg is None:
        return None
    if not isinstance(reg.get("clientId"), str) or not isinstance(reg.get("clientSecret"), str):
        return None
    expires_at = parse_time(reg.get("expiresAt"))
    if expires_at is None:
        return None
    if (expires_at - (now or utc_now())).total_seconds() < REGISTRATION_EXPIRY_WINDOW:
        return None
    grant_types = reg.get("grantTypes")
    is_auth_code = isinstance(grant_types, list) and "authorization_code" in grant_types
    if for_device_flow and is_auth_code:
        return None
    return reg


def registration_from_response(
    response: Mapping[str, Any], scopes: list[str] | tuple[str, ...] | None
) -> dict[str, Any]:
    """The CLI's `_register_client` result (device flow): scopes only when configured."""
    registration: dict[str, Any] = {
        "clientId": response["clientId"],
        "clientSecret": response["clientSecret"],
        "expiresAt": datetime.fromtimestamp(int(response["clientSecretExpiresAt"]), timezone.utc),
    }
    if scopes:
        registration["scopes"] = list(scopes)
    return registration


# -- logout ---------------------------------------------------------------------------


def remove(path: str) -> bool:
    """Delete `path`; False when it was not there."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        return False
    return True


def cli_credential_cache_key(
    account_id: str, role_name: str, *, session: str | None, start_url: str | None
) -> str:
    """botocore's SSOCredentialFetcher._create_cache_key (the CLI's ~/.aws/cli/cache name)."""
    args: dict[str, str] = {"accountId": account_id, "roleName": role_name}
    if session is not None:
        args["sessionName"] = session
    else:
        args["startUrl"] = start_url or ""
    raw = json.dumps(args, sort_keys=True, separators=(",", ":"))
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()


def cli_credential_cache_files(
    env: Mapping[str, str] | None,
    pairs: Iterator[tuple[str, str]] | list[tuple[str, str]],
    *,
    session: str | None,
    start_url: str | None,
) -> list[str]:
    folder = os.path.join(paths.home(env), ".aws", "cli", "cache")
    return [
        os.path.join(
            folder,
            cli_credential_cache_key(a, r, session=session, start_url=start_url) + ".json",
        )
        for a, r in pairs
    ]
