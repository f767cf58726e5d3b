"""The loopback credential server behind `exec --server` and `serve` (stdlib only).

SDK container credential providers (botocore's `ContainerProvider`, the AWS CLI v2, the Go,
JavaScript and Java SDKs) GET `AWS_CONTAINER_CREDENTIALS_FULL_URI` with the header
`Authorization: <AWS_CONTAINER_AUTHORIZATION_TOKEN>` and read `AccessKeyId`,
`SecretAccessKey`, `Token` and `Expiration` (botocore needs all four keys). They accept plain
HTTP only for a loopback host (botocore: any loopback address; the older botocore inside the
AWS CLI 2.9: `127.0.0.1` or `localhost`), so the server listens on 127.0.0.1 and hands out
`http://127.0.0.1:PORT/`.

- Every request needs the token: none is 401, a wrong one 403 (compared in constant time);
  an error body never holds credentials. The token comes from `secrets`.
- Credentials come from `resolve.resolve` (the CLI cache, the portal, AssumeRole, a
  credential_process, keys), are kept in memory, and are asked for again when less than
  botocore's refresh margin (15 minutes) is left, or less than half their lifetime for
  credentials that live shorter than that.
- A request never logs in: the SSO session is made fresh (a login on a terminal) before the
  server starts; later a refreshable token is refreshed silently, and a session that has
  ended answers 503 with a JSON message and says so on stderr.
- Long-term keys have no expiry; SDKs require one, so they are served as expiring in an hour
  (the SDK simply asks again).
- Nothing logs the token, a request's headers or credentials.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from awsswitch.context import Environment
from awsswitch.credentials import Credentials, cache
from awsswitch.errors import AwsswitchError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from awsswitch.config.profiles import ProfileIndex

URI_VARIABLE = "AWS_CONTAINER_CREDENTIALS_FULL_URI"
TOKEN_VARIABLE = "AWS_CONTAINER_AUTHORIZATION_TOKEN"
# Variables that SDKs rank above the full URI and token, or that name another source.
SHADOWING = (
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",  # botocore prefers it to the full URI
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",  # preferred to the token variable
    "AWS_WEB_IDENTITY_TOKEN_FILE",  # web identity comes before the container provider
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
)
HOST = "127.0.0.1"
PATH = "/"
REFRESH_MARGIN = cache.EXPIRY_WINDOW  # botocore's advisory refresh window
STATIC_LIFETIME = 3600  # seconds: how long long-term keys are said to last
_ERROR_REPEAT = 60.0  # seconds before the same failure is said again on stderr


class CredentialServer:
    """One profile's credentials over HTTP on 127.0.0.1 (`port` 0: any free port)."""

    def __init__(
        self,
        profile: str,
        ctx: Environment,
        *,
        port: int = 0,
        index: ProfileIndex | None = None,
    ) -> None:
        self.profile = profile
        self.ctx = ctx
        self.index = index
        self.token = secrets.token_urlsafe(32)
        # Requests resolve off the terminal: no login, no MFA prompt, hook output on stderr.
        self._quiet = Environment(
            ctx.env,
            stdin=ctx.stdin,
            stdout=ctx.stderr,
            stderr=ctx.stderr,
            stdin_isatty=False,
            stderr_isatty=False,
        )
        self._lock = threading.Lock()
        self._current: Credentials | None = None
        self._refresh_at = 0.0
        self._said: tuple[str, float] | None = None
        self._thread: threading.Thread | None = None
        self._wake: tuple[Any, Any] = (None, None)
        try:
            self.httpd = _Server((HOST, port), _Handler)
        except OSError as exc:
            raise AwsswitchError(
                f"cannot listen on {HOST} port {port}: {exc.strerror or exc}"
            ) from None
        self.httpd.owner = self
        # A client that hangs up between select and accept must not block the loop.
        self.httpd.socket.setblocking(False)

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}{PATH}"

    def variables(self) -> list[tuple[str, str]]:
        """What a process sets to use this server."""
        return [(URI_VARIABLE, self.url), (TOKEN_VARIABLE, self.token)]

    # -- credentials -------------------------------------------------------------------------

    def prime(self) -> Credentials:
        """The first credentials, resolved with the caller's terminal (a login or an MFA
        prompt may run): a profile that has none fails before anything starts."""
        from awsswitch.credentials.resolve import resolve

        with self._lock:
            self._keep(resolve(self.profile, self.ctx, index=self.index), time.time())
            assert self._current is not None
            return self._current

    def credentials(self) -> Credentials:
        """The credentials to serve now: the kept ones, or new ones when they are due."""
        from awsswitch.credentials.resolve import resolve

        with self._lock:  # one resolution at a time: concurrent SDK refreshes share it
            now = time.time()
            if self._current is None or now >= self._refresh_at:
                # The config may have changed: read it afresh (cheap: the index is cached).
                self._keep(resolve(self.profile, self._quiet), now)
            assert self._current is not None
            return self._current

    def _keep(self, creds: Credentials, now: float) -> None:
        expiration = creds.expiration
        if expiration is None:
            from datetime import datetime, timezone

            expiration = datetime.fromtimestamp(now + STATIC_LIFETIME, timezone.utc)
            creds = Credentials(
                creds.access_key, creds.secret_key, creds.token, expiration, creds.source
            )
        left = expiration.timestamp() - now
        self._current = creds
        self._refresh_at = now + left - min(REFRESH_MARGIN, max(left, 0) / 2)

    def failed(self, message: str) -> None:
        """Say a failure on stderr, once a minute at most for the same one."""
        now = time.monotonic()
        if (
            self._said is not None
            and self._said[0] == message
            and now - self._said[1] < _ERROR_REPEAT
        ):
            return
        self._said = (message, now)
        self.ctx.say(f"awsswitch: credential server: {message}")

    # -- running -----------------------------------------------------------------------------

    def start(self) -> None:
        """Serve in a background thread (for `exec --server`) until `stop()`."""
        import socket

        self._wake = socket.socketpair()  # stop() writes to it: the loop ends at once
        self._thread = threading.Thread(
            target=self._serve_until_stopped, name="awsswitch-credentials", daemon=True
        )
        self._thread.start()

    def _serve_until_stopped(self) -> None:
        import selectors

        waker = self._wake[0]
        with selectors.DefaultSelector() as selector:
            selector.register(self.httpd, selectors.EVENT_READ)
            selector.register(waker, selectors.EVENT_READ)
            while True:
                ready = [key.fileobj for key, _ in selector.select()]
                if waker in ready:
                    return
                self.httpd.handle_request()  # accepts and hands the connection to a thread

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted (for `serve`)."""
        self.httpd.serve_forever(poll_interval=0.5)

    def stop(self) -> None:
        if self._thread is not None:
            self._wake[1].send(b"x")
            self._thread.join(timeout=5)
            self._thread = None
            for end in self._wake:
                end.close()
        self.httpd.server_close()


def response(creds: Credentials) -> dict[str, str]:
    """The container-credentials document for `creds` (botocore reads all four keys)."""
    assert creds.expiration is not None
    return {
        "AccessKeyId": creds.access_key,
        "SecretAccessKey": creds.secret_key,
        "Token": creds.token or "",
        "Expiration": creds.expiration.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: CredentialServer

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hung up; the default prints a traceback on stderr


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "awsswitch"
    sys_version = ""
    timeout = 10  # an idle or slow client holds a thread this long at most

    def do_GET(self) -> None:
        owner = self.server.owner
        given = self.headers.get("Authorization")
        if given is None:
            self._json(401, {"message": "authorization token required"})
            return
        if not hmac.compare_digest(
            given.encode("latin-1", "replace"), owner.token.encode("latin-1")
        ):
            self._json(403, {"message": "wrong authorization token"})
            return
        if self.path.split("?", 1)[0] != PATH:
            self._json(404, {"message": "not found"})
            return
        try:
            creds = owner.credentials()
        except AwsswitchError as exc:
            owner.failed(exc.message)
            self._json(503, {"code": "CredentialsUnavailable", "message": exc.message})
            return
        except Exception as exc:  # a fault must not kill the server thread
            message = f"cannot get credentials: {type(exc).__name__}"
            owner.failed(message)
            self._json(500, {"code": "InternalError", "message": message})
            return
        self._json(200, response(creds))

    def _json(self, status: int, body: dict[str, str]) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass  # no request log: nothing about callers or credentials reaches stderr
