"""The built-in login by authorization code with PKCE (RFC 7636), run and cached exactly as the
AWS CLI v2 >= 2.22 does by default (botocore's SSOTokenFetcherAuth, the CLI's AuthCodeFetcher):

1. `register_client` with grantTypes [authorization_code, refresh_token], redirectUris
   [http://127.0.0.1/oauth/callback], issuerUrl = the start URL, and the configured scopes
   (else sso:account:access); reused from the registration cache under the device flow's key
   while it lasts and was made for this flow (`native.register`);
2. a one-shot listener on 127.0.0.1, on a port the system picks;
3. the browser opens `{sso-oidc endpoint}/authorize?response_type=code&client_id=...&
   redirect_uri=http://127.0.0.1:PORT/oauth/callback&state=UUID&code_challenge_method=S256&
   scopes=...&code_challenge=...`, where the endpoint is the one every other sso-oidc call
   goes to (so AWS_ENDPOINT_URL_SSO_OIDC moves it too);
4. the service sends the browser back to the listener with `code` and `state`; a `state`
   that is not this login's ends it before anything is exchanged;
5. `create_token(grantType=authorization_code, code, codeVerifier, redirectUri)`; the token
   is cached as the device flow caches it.

Bounded: the listener waits at most OVERALL_TIMEOUT (the CLI's 10 minutes), each request
REQUEST_TIMEOUT; Ctrl-C ends the wait. A browser command that fails before the page answers
raises `browser.BrowserFailed`, so the caller can fall back to the device code. The code
verifier goes nowhere but to the token endpoint; the code is never shown.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import socketserver
import string
import sys
import time
import uuid
from collections.abc import Mapping, Sequence
from http.server import BaseHTTPRequestHandler
from typing import Any, TextIO
from urllib.parse import parse_qs, urlsplit

from awsswitch.context import display
from awsswitch.errors import AwsswitchError
from awsswitch.sso import browser, cache, clients, native
from awsswitch.sso.state import SsoTarget, utc_now

GRANT = "authorization_code"
REDIRECT_URI = "http://127.0.0.1/oauth/callback"  # registered: the port is the listener's
CALLBACK_PATH = "/oauth/callback"
OVERALL_TIMEOUT = 10 * 60  # seconds: AuthCodeFetcher._OVERALL_TIMEOUT
REQUEST_TIMEOUT = 10  # seconds per request to the listener: AuthCodeFetcher._REQUEST_TIMEOUT
_POLL = 0.25  # seconds between looks at the browser process while waiting
_VERIFIER_CHARS = string.ascii_letters + string.digits + "-._~"
_monotonic = time.monotonic  # tests move it to reach the deadline without waiting


def new_verifier() -> str:
    """SSOTokenFetcherAuth's code verifier: 64 characters of RFC 7636's unreserved set."""
    return "".join(secrets.choice(_VERIFIER_CHARS) for _ in range(64))


def challenge(verifier: str) -> str:
    """S256: base64url(sha256(verifier)) without its padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def authorize_base(oidc: Any) -> str:
    """`scheme://host[:port]` of the client's sso-oidc endpoint, found as the CLI finds it:
    a RegisterClient call stopped in `before-call`, before anything is sent."""
    from botocore.awsrequest import AWSResponse

    found: list[str] = []

    def grab(params: Mapping[str, Any], **_: Any) -> tuple[Any, dict[str, Any]]:
        url = params.get("url") or ""
        parts = urlsplit(url)
        found.append(f"{parts.scheme}://{parts.netloc}")
        return AWSResponse(url, 200, {}, None), {}

    oidc.meta.events.register_first("before-call", grab, unique_id="awsswitch-authorize-base")
    try:
        oidc.register_client(clientName="temp", clientType="public")
    finally:
        oidc.meta.events.unregister("before-call", unique_id="awsswitch-authorize-base")
    if not found or not found[0].startswith(("https://", "http://")):
        raise AwsswitchError("cannot tell the sso-oidc endpoint's address for the sign-in page")
    return found[0]


def authorize_url(
    base: str,
    client_id: str,
    redirect_uri: str,
    state: str,
    scopes: Sequence[str] | None,
    code_challenge: str,
) -> str:
    """The page the browser opens, with the CLI's parameters in the CLI's order."""
    from botocore.utils import percent_encode_sequence

    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "state": state,
        "code_challenge_method": "S256",
        "scopes": " ".join(scopes) if scopes else cache.DEFAULT_AUTH_CODE_SCOPE,
    }
    return f"{base}/authorize?{percent_encode_sequence(query)}&code_challenge={code_challenge}"


# -- the loopback listener ----------------------------------------------------------------

_PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>awsswitch</title></head>"
    "<body style='font-family:sans-serif;margin:3em'><h1>{title}</h1><p>{text}</p></body></html>"
)


class Answer:
    """What the browser brought back: a code, an error, or a state that is not ours."""

    CODE = "code"
    ERROR = "error"
    WRONG_STATE = "wrong-state"

    def __init__(self, kind: str, value: str = "") -> None:
        self.kind = kind
        self.value = value  # the code, or the error for people


class _Handler(BaseHTTPRequestHandler):
    server: Listener
    timeout = REQUEST_TIMEOUT  # per read on the connection: a silent client cannot hold it
    server_version = "awsswitch"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the request line holds the code: never on stderr

    def do_GET(self) -> None:
        split = urlsplit(self.path)
        if split.path != CALLBACK_PATH:
            self._page(404, "Not found", "This is awsswitch's login listener.")
            return
        query = parse_qs(split.query, keep_blank_values=True)
        first = {k: v[0] for k, v in query.items()}
        if "error" in first:
            error = first["error"] + (
                f": {first['error_description']}" if first.get("error_description") else ""
            )
            self.server.answer = Answer(Answer.ERROR, error[:300])
            self._page(200, "Login failed", "The sign-in was not completed. See the terminal.")
        elif "code" in first and "state" in first:
            ours = hmac.compare_digest(
                first["state"].encode("utf-8", "surrogatepass"), self.server.state.encode()
            )
            if ours:
                self.server.answer = Answer(Answer.CODE, first["code"])
                self._page(
                    200, "Login complete", "You can close this window and return to the terminal."
                )
            else:
                self.server.answer = Answer(Answer.WRONG_STATE)
                self._page(400, "Login failed", "This answer does not belong to the login.")
        else:
            self._page(400, "Bad request", "The answer holds no authorization code.")

    def _page(self, status: int, title: str, text: str) -> None:
        body = _PAGE.format(title=title, text=text).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)


class Listener(socketserver.TCPServer):
    """One login's callback listener on 127.0.0.1 (port chosen by the system)."""

    allow_reuse_address = False

    def __init__(self, state: str) -> None:
        self.state = state
        self.answer: Answer | None = None
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{CALLBACK_PATH}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hangs up or sends garbage does not end the login

    def wait(self, proc: Any, command: Sequence[str], deadline: float) -> Answer:
        """Serve until the browser brings an answer (a code, an error, or a state that is not
        ours: the first of them ends the wait). BrowserFailed when the browser command exits
        with a failure before one came; TimeoutError at the `deadline` (monotonic)."""
        self.timeout = _POLL
        while self.answer is None:
            if _monotonic() > deadline:
                raise TimeoutError
            self.handle_request()
            if proc is not None and proc.poll() is not None:
                why = browser.failed(proc, command)
                if why and self.answer is None:
                    self.timeout = 1.0  # its request may still wait in the backlog
                    self.handle_request()
                    if self.answer is None:
                        raise browser.BrowserFailed(why)
                proc = None
        return self.answer


# -- the flow -----------------------------------------------------------------------------


def login(
    target: SsoTarget,
    env: Mapping[str, str],
    plan: browser.Plan,
    *,
    out: TextIO | None = None,
) -> dict[str, Any]:
    """Log in to `target` by authorization code, write its token cache file, return the token.

    BrowserFailed when the browser cannot open the page (nothing cached; the caller may use
    the device code instead); AwsswitchError when the service or the browser refuses, the
    state does not match, or no answer comes in time; KeyboardInterrupt on Ctrl-C.
    """
    target.require_config()
    assert target.start_url is not None and target.region is not None and plan.browser
    out = out or sys.stderr
    from botocore.exceptions import BotoCoreError, ClientError

    reg: dict[str, Any] | None = None
    try:
        oidc = clients.client("sso-oidc", target.region, env)
        reg = native.register(
            oidc, target, env, utc_now(), auth_code=True, redirect_uri=REDIRECT_URI
        )
        base = authorize_base(oidc)
    except (ClientError, BotoCoreError, ValueError) as exc:
        known = [reg["clientSecret"]] if reg is not None else []
        raise AwsswitchError(
            f"could not start the login for {target.label}: {clients.describe(exc, known)}"
        ) from None
    verifier = new_verifier()
    state = str(uuid.uuid4())
    try:
        listener = Listener(state)
    except OSError as exc:
        raise browser.BrowserFailed(f"cannot listen on 127.0.0.1: {exc.strerror or exc}") from None
    with listener:
        redirect_uri = listener.redirect_uri
        url = authorize_url(
            base, reg["clientId"], redirect_uri, state, target.scopes, challenge(verifier)
        )
        _show(url, target, plan, out)
        proc = browser.start(plan.browser, url, env)
        try:
            answer = listener.wait(proc, plan.browser, _monotonic() + OVERALL_TIMEOUT)
        except TimeoutError:
            raise AwsswitchError(
                f"the login for {target.label} got no answer from the browser within "
                f"{OVERALL_TIMEOUT // 60} minutes; run `{target.login_hint}` again"
            ) from None
    if answer.kind == Answer.WRONG_STATE:
        raise AwsswitchError(
            f"the login for {target.label} was stopped: the browser came back with a state "
            "that is not this login's (another page or program answered); nothing was exchanged"
        )
    if answer.kind == Answer.ERROR:
        raise AwsswitchError(
            f"the login for {target.label} was refused in the browser ({display(answer.value)})"
        )
    token = _exchange(oidc, target, reg, answer.value, verifier, redirect_uri)
    return native.save(target, token, out)


def _exchange(
    oidc: Any,
    target: SsoTarget,
    reg: Mapping[str, Any],
    code: str,
    verifier: str,
    redirect_uri: str,
) -> dict[str, Any]:
    from botocore.exceptions import BotoCoreError, ClientError

    assert target.start_url is not None and target.region is not None
    secrets_ = [reg["clientSecret"], code, verifier]
    started = utc_now()
    try:
        response = oidc.create_token(
            grantType=GRANT,
            clientId=reg["clientId"],
            clientSecret=reg["clientSecret"],
            redirectUri=redirect_uri,
            codeVerifier=verifier,
            code=code,
        )
    except (ClientError, BotoCoreError, ValueError) as exc:
        raise AwsswitchError(
            f"login for {target.label} failed: {clients.describe(exc, secrets_)}"
        ) from None
    return cache.token_from_login(target, response, reg, started)


def _show(url: str, target: SsoTarget, plan: browser.Plan, out: TextIO) -> None:
    print(
        f"Logging in to {target.label}: opening the sign-in page with {browser.describe(plan)}.\n"
        "If it does not open, open this URL in a browser on this machine:\n\n"
        f"  {display(url)}\n\n"
        "No browser on this machine? Run "
        f"`{target.hint('--use-device-code')}` and approve from any device.\n",
        file=out,
        flush=True,
    )
