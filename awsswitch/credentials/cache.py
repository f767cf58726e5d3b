"""`~/.aws/cli/cache`: role credentials cached exactly as the AWS CLI v2 caches them (stdlib).

The CLI gives botocore's SSO and assume-role providers a `JSONFileCache` on this folder; the
file name is the fetcher's cache key plus `.json`:
- SSO (`SSOCredentialFetcher._create_cache_key`): sha1 of `json.dumps({"accountId", "roleName",
  "sessionName"` (sso-session profiles) or `"startUrl"` (legacy, as written)`}, sort_keys=True,
  separators=(",", ":"))`;
- AssumeRole (`BaseAssumeRoleCredentialFetcher._create_cache_key`): sha1 of `json.dumps(args,
  sort_keys=True)` (default separators) where args are the AssumeRole parameters
  (`RoleArn`, and `RoleSessionName`, `ExternalId`, `SerialNumber`, `DurationSeconds` when
  configured; a generated session name is left out).
The content is `json.dumps(value)` with default separators: for SSO `{"ProviderType": "sso",
"Credentials": {AccessKeyId, SecretAccessKey, SessionToken, Expiration, AccountId}}`, for
AssumeRole the whole STS response (datetimes as `%Y-%m-%dT%H:%M:%S%Z`, i.e. `...UTC`).

Cached credentials are used while more than `EXPIRY_WINDOW` is left
(`CachedCredentialFetcher.DEFAULT_EXPIRY_WINDOW_SECONDS`): the CLI fetches anew inside it.
"""

from __future__ import annotations

import json
import os

try:  # CPython's own sha1: hashlib would load OpenSSL first (milliseconds on a warm export)
    from _sha1 import sha1 as _sha1
except ImportError:  # pragma: no cover - other interpreters
    from hashlib import sha1 as _sha1

from awsswitch import paths
from awsswitch.credentials import Credentials
from awsswitch.errors import AwsswitchError
from awsswitch.files import TOKEN_LIMIT, atomic_write, read_private
from awsswitch.sso.state import parse_time, utc_now

# Annotation-only imports: collections.abc and typing cost milliseconds on a warm export.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime
    from typing import Any

EXPIRY_WINDOW = 15 * 60  # seconds; botocore's CachedCredentialFetcher window


def folder(env: Mapping[str, str] | None = None) -> str:
    """The CLI's credential cache folder (paths.cli_cache_dir)."""
    return paths.cli_cache_dir(env)


def _hash(text: str) -> str:
    return _sha1(text.encode("utf-8")).hexdigest()


def sso_key(account_id: str, role_name: str, *, session: str | None, start_url: str | None) -> str:
    """`SSOCredentialFetcher._create_cache_key`: the sso-session name when the profile names
    one, else the start URL as written in the profile."""
    args: dict[str, str] = {"roleName": role_name, "accountId": account_id}
    if session:
        args["sessionName"] = session
    else:
        args["startUrl"] = start_url or ""
    return _hash(json.dumps(args, sort_keys=True, separators=(",", ":")))


def assume_role_key(args: Mapping[str, Any]) -> str:
    """`BaseAssumeRoleCredentialFetcher._create_cache_key` for AssumeRole parameters `args`
    (without a generated RoleSessionName). Default separators: botocore does not pass any."""
    return _hash(json.dumps(dict(args), sort_keys=True))


def path_for(key: str, env: Mapping[str, str] | None = None) -> str:
    return os.path.join(folder(env), key + ".json")


def load(
    path: str, *, now: datetime | None = None, window: float = EXPIRY_WINDOW
) -> Credentials | None:
    """The credentials cached in `path` while more than `window` seconds are left; None when
    missing, unreadable, malformed, expiring, or not safely ours (another owner, writable by
    others: a forged file would hand out someone else's keys)."""
    raw = read_private(path, TOKEN_LIMIT)
    if raw is None:
        return None
    try:
        data = json.loads(raw.decode("utf-8"))
        creds = data["Credentials"]
        access_key, secret_key = creds["AccessKeyId"], creds["SecretAccessKey"]
        token = creds.get("SessionToken")
        expiration = parse_time(creds["Expiration"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    if not (isinstance(access_key, str) and isinstance(secret_key, str)) or expiration is None:
        return None
    if token is not None and not isinstance(token, str):
        return None
    if (expiration - (now or utc_now())).total_seconds() < window:
        return None
    return Credentials(access_key, secret_key, token, expiration, "cache")


def _serialize(value: Any) -> Any:
    """botocore's JSONFileCache default for the datetimes in an STS response."""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%dT%H:%M:%S%Z")
    return value


def store(path: str, value: Mapping[str, Any]) -> str | None:
    """Write `value` as the CLI's JSONFileCache does (json.dumps, default separators), mode
    0600, atomically. Returns None, or why it could not (a cache that cannot be written only
    costs the next call a fetch; the message names no secret)."""
    try:
        content = json.dumps(value, default=_serialize)
    except (TypeError, ValueError) as exc:
        return f"cannot cache credentials in {path}: {exc}"
    try:
        atomic_write(path, content.encode("utf-8"), mode=0o600)
    except (OSError, AwsswitchError) as exc:
        return getattr(exc, "message", None) or str(exc)
    return None
