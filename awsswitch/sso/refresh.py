"""Silent refresh: `sso-oidc create_token(grantType="refresh_token")`, written back the way
botocore's SSOTokenProvider does (startUrl/region from the current config, new accessToken
and expiresAt, client fields copied, refreshToken only if returned, other keys dropped)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from awsswitch.sso import cache, clients
from awsswitch.sso.state import SsoTarget, can_refresh, read_token, utc_now


class RefreshFailed(Exception):
    """The refresh did not produce a token; the message says why (for people)."""


def refresh(target: SsoTarget, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Refresh `target`'s cached token and write it back; returns the new token.

    Raises RefreshFailed when the token cannot be refreshed or the service refuses.
    """
    target.require_config()
    assert target.start_url is not None and target.region is not None
    token = read_token(target.cache_file)
    if token is None or not can_refresh(token):
        raise RefreshFailed("the cached token has no usable refresh token or registration")

    from botocore.exceptions import BotoCoreError, ClientError

    started = utc_now()
    try:
        # Inside the try: a bad sso_region fails here, and a failed refresh must stay a
        # RefreshFailed (the switch may keep a still-valid token), never a traceback.
        oidc = clients.client("sso-oidc", target.region, env)
        response = oidc.create_token(
            grantType="refresh_token",
            clientId=token["clientId"],
            clientSecret=token["clientSecret"],
            refreshToken=token["refreshToken"],
        )
    except (ClientError, BotoCoreError, ValueError) as exc:
        raise RefreshFailed(clients.describe(exc)) from exc
    new_token = cache.token_from_create_token(
        start_url=target.start_url,
        region=target.region,
        response=response,
        client_id=token["clientId"],
        client_secret=token["clientSecret"],
        registration_expires_at=token["registrationExpiresAt"],
        now=started,
    )
    cache.write_json(target.cache_file, new_token)
    return new_token
