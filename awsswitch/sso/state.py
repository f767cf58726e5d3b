"""SSO token state computed locally: no boto3, no network (stdlib only: hot path).

STUB API until the SSO token work lands: `cache_file_for` is real; `profile_token_status`
always answers None (as for a non-SSO profile).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from awsswitch import environment
from awsswitch.profiles import KIND_SSO, KIND_SSO_LEGACY, Profile, ProfileIndex

FRESH = "fresh"  # more than 15 minutes left
REFRESHABLE = "refreshable"  # refresh due: <= 15 min or expired, but refreshable
LOGIN_NEEDED = "login-needed"  # anything else: missing, corrupt, expired and not refreshable


@dataclass(frozen=True)
class TokenStatus:
    state: str
    cache_file: str
    session: str | None  # sso-session name (None for a legacy profile)
    start_url: str | None
    expires_at: datetime | None = None


def cache_key(session_name: str | None, start_url: str | None) -> str:
    """botocore's SSOTokenLoader key: sha1(session name, else start URL as written)."""
    key = session_name if session_name is not None else (start_url or "")
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


def cache_file_for(
    profile: Profile, index: ProfileIndex, env: Mapping[str, str] | None = None
) -> str | None:
    """The token cache file that `profile` (or the SSO profile its chain ends in) uses."""
    root = index.sso_root(profile.name)
    if root is None:
        return None
    if root.kind == KIND_SSO:
        key = cache_key(root.sso_session, None)
    elif root.kind == KIND_SSO_LEGACY:
        key = cache_key(None, root.sso_start_url)
    else:
        return None
    return os.path.join(environment.sso_cache_dir(env), key + ".json")


def profile_token_status(
    profile: Profile, index: ProfileIndex, env: Mapping[str, str] | None = None
) -> TokenStatus | None:
    """Token state for `profile`'s SSO session; None when it is not an SSO profile."""
    return None
