"""Silent refresh: `sso-oidc create_token(grantType="refresh_token")`, written back the way
botocore's SSOTokenProvider does (startUrl/region from the current config, new accessToken
and expiresAt, client fields copied, refreshToken only if returned, other keys dropped).

Every way it can fail is a `RefreshFailed` with a one-line reason free of secrets: the
caller decides between keeping a still-valid token, logging in, or a clear error. A reply
that is not a usable token (garbage, no accessToken, an absurd expiresIn) is such a failure,
and the cache file is left as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from awsswitch.errors import AwsswitchError
from awsswitch.sso import cache, clients
from awsswitch.sso.state import SsoTarget, can_refresh, read_token, utc_now

# A switch waits for the refresh: one retry, not two (a login or the still-valid token is
# the fallback), so an unresponsive service costs at most ~2 x clients.READ_TIMEOUT.
REFRESH_ATTEMPTS = 2


class RefreshFailed(Exception):
    """The refresh did not produce a token; the message says why (for people)."""


def refresh(target: SsoTarget, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Refresh `target`'s cached token and write it back; returns the new token.

    Raises RefreshFailed when the token cannot be refreshed, the service refuses, or its
    reply is not a usable token; AwsswitchError (FileFault) when the new token cannot be
    written.
    """
    problem = target.config_problem()
    if problem:
        raise RefreshFailed(problem)
    assert target.start_url is not None and target.region is not None
    token = read_token(target.cache_file)
    if token is None or not can_refresh(token):
        raise RefreshFailed("the cached token has no usable refresh token or registration")
    secrets = (token.get("refreshToken"), token.get("clientSecret"), token.get("accessToken"))

    from botocore.exceptions import BotoCoreError, ClientError

    started = utc_now()
    try:
        # Inside the try: a region botocore refuses fails here, and a failed refresh must stay
        # a RefreshFailed (the switch may keep a still-valid token), never a traceback.
        oidc = clients.client("sso-oidc", target.region, env, attempts=REFRESH_ATTEMPTS)
        response = oidc.create_token(
            grantType="refresh_token",
            clientId=token["clientId"],
            clientSecret=token["clientSecret"],
            refreshToken=token["refreshToken"],
        )
    except (ClientError, BotoCoreError, ValueError) as exc:
        raise RefreshFailed(clients.describe(exc, secrets)) from None
    try:
        new_token = cache.token_from_create_token(
            start_url=target.start_url,
            region=target.region,
            response=response,
            client_id=token["clientId"],
            client_secret=token["clientSecret"],
            registration_expires_at=token["registrationExpiresAt"],
            now=started,
        )
    except cache.BadReply as exc:
        raise RefreshFailed(f"the service sent an unusable token ({exc})") from None
    try:
        cache.write_json(target.cache_file, new_token)
    except AwsswitchError as exc:
        raise AwsswitchError(f"refreshed the token for {target.label}, but {exc}") from None
    return new_token
