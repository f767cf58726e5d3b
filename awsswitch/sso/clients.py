"""boto3 clients for the SSO APIs (imported only when a network call is really needed).

Unsigned, as the AWS CLI creates them: no credential resolution runs, so a half-configured
profile or stray environment keys cannot get in the way. The session ignores
AWS_PROFILE/AWS_DEFAULT_PROFILE (the profile they name may be the very one being fixed,
or gone); endpoint overrides (`AWS_ENDPOINT_URL_SSO_OIDC`, `AWS_ENDPOINT_URL_SSO`, ...)
are honoured from the environment mapping we were given, as botocore does from os.environ.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

_ENDPOINT_VARS = {"sso-oidc": "AWS_ENDPOINT_URL_SSO_OIDC", "sso": "AWS_ENDPOINT_URL_SSO"}


def _endpoint(service: str, env: Mapping[str, str]) -> str | None:
    if env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() == "true":
        return None
    return env.get(_ENDPOINT_VARS[service]) or env.get("AWS_ENDPOINT_URL") or None


def client(service: str, region: str, env: Mapping[str, str] | None = None) -> Any:
    """An unsigned botocore client for `sso-oidc` or `sso` in `region`."""
    import botocore
    import botocore.session
    from botocore.config import Config

    env = os.environ if env is None else env
    session = botocore.session.Session(session_vars={"profile": (None, None, None, None)})
    config = Config(
        signature_version=botocore.UNSIGNED,
        connect_timeout=10,
        read_timeout=30,
        retries={"max_attempts": 3, "mode": "standard"},
    )
    return session.create_client(
        service, region_name=region, config=config, endpoint_url=_endpoint(service, env)
    )


def error_code(exc: BaseException) -> str | None:
    """The service error code of a botocore ClientError (None for anything else)."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        return code if isinstance(code, str) else None
    return None


def describe(exc: BaseException) -> str:
    """A one-line account of a botocore failure, for people."""
    code = error_code(exc)
    if code is not None:
        message = getattr(exc, "response", {}).get("Error", {}).get("Message") or ""
        return f"{code}: {message}".rstrip(": ") if message else code
    return str(exc) or type(exc).__name__
