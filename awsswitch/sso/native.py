"""The built-in device-code login: OAuth 2.0 device authorization through boto3's `sso-oidc`,
exactly as the AWS CLI v2's device flow runs it and caches it (so the CLI and every SDK use
the result), and the client registration both built-in flows share (`register`; the
authorization-code flow is in `pkce`).

register_client (reused from the registration cache while it has more than
`REGISTRATION_REUSE` left and was made for the device flow) -> start_device_authorization
-> one create_token attempt before printing anything -> URL and code on stderr, browser
opened when the plan names one -> poll every `interval` seconds (slow_down: +5 s;
authorization_pending: keep going; expired_token: give up).

Bounded: every call through `clients` (timeouts, attempts, capped replies), and the polling
stops at the device code's own expiry, capped at `MAX_WAIT`. Every reply is checked before
use (`cache.BadReply`): a garbage registration, authorization or token is a clear error and
nothing is cached. What the service sends for display (the code, the URLs) is shown escaped.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TextIO

from awsswitch.context import display
from awsswitch.errors import AwsswitchError
from awsswitch.sso import browser, cache, clients
from awsswitch.sso.state import SESSION_WARNING, SsoTarget, utc_now

DEFAULT_INTERVAL = 5  # RFC 8628 default, as the CLI
SLOW_DOWN_DELAY = 5  # RFC 8628 section 3.5: +5 s on slow_down
MAX_INTERVAL = 60  # seconds between polls, whatever the service asks
DEFAULT_EXPIRES_IN = 600  # what IAM Identity Center gives a device code
MAX_WAIT = 30 * 60  # seconds of polling at most, whatever the device code's expiresIn says
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
_GRACE = 60  # seconds past the authorization's own expiry before we stop polling
# A cached registration is reused while it lasts longer than this. The CLI's window is 15
# minutes; awsswitch registers anew a little earlier, so that a login after the warning
# that the session ends soon (SESSION_WARNING) does start a longer one.
REGISTRATION_REUSE = max(cache.REGISTRATION_EXPIRY_WINDOW, SESSION_WARNING)
_sleep = time.sleep  # tests swap it to count the waits instead of waiting


def register(
    oidc: Any,
    target: SsoTarget,
    env: Mapping[str, str] | None,
    now: datetime,
    *,
    auth_code: bool = False,
    redirect_uri: str = "",
) -> dict[str, Any]:
    """The client registration for `target`'s login, from the cache when the CLI would
    reuse it for this flow, else registered and cached as the CLI does: the device flow
    with the configured scopes (if any); the authorization-code flow (`auth_code`) with its
    grant types, `redirect_uri`, the start URL as issuer and the configured scopes, else
    sso:account:access. Both under the CLI's one key for (start URL, region, configured
    scopes, session). Raises AwsswitchError for an unusable reply, botocore errors as is."""
    assert target.start_url is not None and target.region is not None
    scopes = list(target.scopes) if target.scopes is not None else None
    path = cache.registration_file(env, target.start_url, target.region, scopes, target.session)
    flow = cache.AUTH_CODE_FLOW if auth_code else cache.DEVICE_FLOW
    reg = cache.usable_registration(path, now, flow=flow, window=REGISTRATION_REUSE)
    if reg is not None:
        return reg
    name = target.session if target.session is not None else str(int(now.timestamp()))
    kwargs: dict[str, Any] = {"clientName": f"botocore-client-{name}", "clientType": "public"}
    grant_types = None
    if auth_code:
        grant_types = cache.AUTH_CODE_GRANT_TYPES
        kwargs.update(
            grantTypes=list(grant_types),
            redirectUris=[redirect_uri],
            issuerUrl=target.start_url,
            scopes=scopes or [cache.DEFAULT_AUTH_CODE_SCOPE],
        )
    elif scopes:
        kwargs["scopes"] = scopes
    response = oidc.register_client(**kwargs)
    try:
        reg = cache.registration_from_response(response, scopes, grant_types)
    except cache.BadReply as exc:
        raise AwsswitchError(
            f"could not start the login for {target.label}: the service sent an unusable "
            f"client registration ({exc})"
        ) from None
    cache.write_json(path, reg)
    return reg


def save(target: SsoTarget, token: dict[str, Any], out: TextIO) -> dict[str, Any]:
    """Cache a login's `token` for `target` and say so as the CLI does (both flows)."""
    cache.write_json(target.cache_file, token)
    print(f"Successfully logged into Start URL: {display(target.start_url)}", file=out)
    return token


class Authorization:
    """A checked StartDeviceAuthorization reply."""

    def __init__(self, reply: Any) -> None:
        reply = cache.check_reply(reply)
        self.device_code = cache.text_field(reply, "deviceCode")
        self.user_code = cache.text_field(reply, "userCode")
        uri = cache.text_field(reply, "verificationUri")
        complete = cache.text_field(reply, "verificationUriComplete", required=False)
        self.uri = uri or ""
        self.complete = complete or self.uri
        interval = reply.get("interval")
        seconds = 0 if interval is None else cache.int_field(reply, "interval", 0, 86400)
        self.interval = float(min(seconds or DEFAULT_INTERVAL, MAX_INTERVAL))
        expires_in = reply.get("expiresIn")
        lifetime = (
            DEFAULT_EXPIRES_IN
            if expires_in is None
            else cache.int_field(reply, "expiresIn", 1, 2**63)
        )
        self.wait = min(lifetime, MAX_WAIT)


def login(
    target: SsoTarget,
    env: Mapping[str, str] | None = None,
    *,
    no_browser: bool = False,
    plan: browser.Plan | None = None,
    out: TextIO | None = None,
    sleep: Callable[[float], None] | None = None,
    open_browser: Callable[[str], object] | None = None,
) -> dict[str, Any]:
    """Run the device flow for `target`, write its token cache file, return the token.

    `plan` says which browser opens the verification page (None: print it only); without
    one, `browser.plan` decides (`no_browser`: print only). `open_browser` replaces the
    opening (tests). Raises AwsswitchError when the service refuses or the authorization
    expires, KeyboardInterrupt on Ctrl-C (nothing is written then).
    """
    target.require_config()
    assert target.start_url is not None and target.region is not None
    env = os.environ if env is None else env
    if plan is None:
        configured = None if no_browser else browser.configured(target, env)
        plan = browser.plan(
            target, env, use_device_code=True, no_browser=no_browser, configured_value=configured
        )
    out = out or sys.stderr
    sleep = sleep or _sleep
    from botocore.exceptions import BotoCoreError, ClientError

    reg: dict[str, Any] | None = None
    try:
        oidc = clients.client("sso-oidc", target.region, env)  # a bad region fails here
        reg = register(oidc, target, env, utc_now())
        secrets = [reg["clientSecret"]]
        auth = Authorization(
            oidc.start_device_authorization(
                clientId=reg["clientId"],
                clientSecret=reg["clientSecret"],
                startUrl=target.start_url,
            )
        )
    except (ClientError, BotoCoreError, ValueError) as exc:  # cache.BadReply is a ValueError
        what = "unusable authorization" if isinstance(exc, cache.BadReply) else ""
        known = [reg["clientSecret"]] if reg is not None else []
        reason = f"the service sent an {what} ({exc})" if what else clients.describe(exc, known)
        raise AwsswitchError(f"could not start the login for {target.label}: {reason}") from None
    secrets.append(auth.device_code)
    interval = auth.interval
    deadline = time.monotonic() + auth.wait + _GRACE
    shown = False
    while True:
        started = utc_now()
        try:
            response = oidc.create_token(
                grantType=DEVICE_GRANT,
                clientId=reg["clientId"],
                clientSecret=reg["clientSecret"],
                deviceCode=auth.device_code,
            )
        except ClientError as exc:
            code = clients.error_code(exc)
            if code == "SlowDownException":
                interval = min(interval + SLOW_DOWN_DELAY, MAX_INTERVAL)
            elif code == "ExpiredTokenException":
                raise _not_approved(target) from None
            elif code != "AuthorizationPendingException":
                raise AwsswitchError(
                    f"login for {target.label} failed: {clients.describe(exc, secrets)}"
                ) from None
        except BotoCoreError as exc:
            raise AwsswitchError(
                f"login for {target.label} failed: {clients.describe(exc, secrets)}"
            ) from None
        else:
            return save(target, cache.token_from_login(target, response, reg, started), out)
        if not shown:
            shown = True
            _show(auth, target, plan, env, out=out, open_browser=open_browser)
        if time.monotonic() > deadline:
            raise _not_approved(target)
        sleep(interval)


def _not_approved(target: SsoTarget) -> AwsswitchError:
    """The device code expired (the service said so, or our deadline passed) unapproved."""
    return AwsswitchError(
        f"the login for {target.label} was not approved in time; run `{target.login_hint}` again"
    )


def _show(
    auth: Authorization,
    target: SsoTarget,
    plan: browser.Plan,
    env: Mapping[str, str],
    *,
    out: TextIO,
    open_browser: Callable[[str], object] | None,
) -> None:
    uri, complete, code = display(auth.uri), display(auth.complete), display(auth.user_code)
    # Only a web address goes to the browser: the service's reply is not trusted further.
    openable = auth.complete.startswith(("https://", "http://"))
    opened = openable and plan.browser is not None
    if opened:
        print(
            f"Logging in to {target.label}: opening the verification page with "
            f"{browser.describe(plan)}.\nIf it does not open, or to use another device, open:",
            file=out,
        )
    else:
        print(f"Logging in to {target.label}. Open this URL in a browser:", file=out)
    print(f"\n  {uri}\n\nand enter the code:\n\n  {code}\n", file=out)
    if complete != uri:
        print(f"Or open this URL, which fills in the code:\n\n  {complete}\n", file=out)
    out.flush()
    if not opened:
        return
    if open_browser is not None:
        open_browser(auth.complete)
        return
    assert plan.browser is not None
    try:  # the code is on the screen: a browser that fails costs nothing but a line
        browser.start(plan.browser, auth.complete, env)
    except browser.BrowserFailed as exc:
        print(f"awsswitch: {exc}; open the URL above yourself", file=out, flush=True)
