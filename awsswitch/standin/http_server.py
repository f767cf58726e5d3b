"""HTTP plumbing: the threaded server, routing of the rest-json operations (as in the service
models' `http.requestUri`), of STS (`POST /`, query protocol: the operation is the form's
`Action`) and of the federation endpoint (`/federation?Action=...`), replies (JSON, XML,
redirects), reply faults on the wire, and the two "browser" pages (device approval, PKCE
authorize)."""

from __future__ import annotations

import contextlib
import html
import json
import socket
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from awsswitch.standin import faults, federation, sts
from awsswitch.standin.model import STS_OPERATIONS, ApiError, Reply, Request

if TYPE_CHECKING:
    from awsswitch.standin.server import StandIn

# (method, path) -> operation name.
ROUTES: dict[tuple[str, str], str] = {
    ("POST", "/client/register"): "RegisterClient",
    ("POST", "/device_authorization"): "StartDeviceAuthorization",
    ("POST", "/token"): "CreateToken",
    ("GET", "/assignment/accounts"): "ListAccounts",
    ("GET", "/assignment/roles"): "ListAccountRoles",
    ("GET", "/federation/credentials"): "GetRoleCredentials",
    ("POST", "/logout"): "Logout",
}


# `/authorize` query parameters recorded (by their API-style names; never the challenge).
_AUTHORIZE_PARAMS = (
    ("client_id", "clientId"),
    ("redirect_uri", "redirectUri"),
    ("state", "state"),
    ("scopes", "scopes"),
    ("response_type", "responseType"),
    ("code_challenge_method", "codeChallengeMethod"),
    ("request", "request"),
)


def _form(raw: str | bytes) -> dict[str, str]:
    """A query string or urlencoded form body: the last value of each field, blank ones
    kept (as a browser submits them)."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    return {k: v[-1] for k, v in parse_qs(text, keep_blank_values=True).items()}


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # benchmarks open many connections at once

    def __init__(self, address: tuple[str, int], standin: StandIn) -> None:
        self.standin = standin
        self.stopping = threading.Event()  # wakes requests held by the "hang" fault
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, Handler)

    def track(self, sock: socket.socket, add: bool) -> None:
        with self._open_lock:
            (self._open.add if add else self._open.discard)(sock)

    def close_connections(self) -> None:
        """Wake handler threads blocked on idle keep-alive connections so they exit."""
        self.stopping.set()
        with self._open_lock:
            socks = list(self._open)
        for sock in socks:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up (killed CLI, pool teardown, a refused huge body) are normal here.
        if self.standin.verbose:
            super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as botocore's connection pool expects
    # Headers and body go out in two writes: without TCP_NODELAY, Nagle + delayed ACK add
    # ~40 ms to every keep-alive response.
    disable_nagle_algorithm = True
    server_version = "awsswitch-standin"
    timeout = 60
    server: Server

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.standin.verbose:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_HEAD(self) -> None:
        self._send(200, b"", "text/plain")

    def _dispatch(self, method: str) -> None:
        split = urlsplit(self.path)
        query = _form(split.query)
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            self._send_json(400, {"message": "Bad Content-Length"}, "InvalidRequestException")
            return
        raw = self.rfile.read(length) if length else b""
        path = split.path.rstrip("/") or "/"
        if path in ("/authorize", "/authorize/allow") and method == "GET":
            self._authorize_page(path, query)
            return
        if path == "/device":
            if method == "POST" and raw:
                query.update(_form(raw))
            self._device_page(query)
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        if path == "/" and method == "POST":
            self._sts(split.query, query, headers, raw)
            return
        if path == federation.PATH:
            if method == "POST" and raw:
                query.update(_form(raw))
            self._federation(query)
            return
        operation = ROUTES.get((method, path))
        if operation is None:
            body = {"message": f"No operation for {method} {path}"}
            self._send_json(404, body, "UnknownOperationException")
            return
        try:
            body = json.loads(raw) if raw else {}
            if not isinstance(body, dict):
                raise ValueError
        except ValueError:
            self._send_json(400, {"message": "Malformed JSON body"}, "InvalidRequestException")
            return
        self._reply(self.server.standin.handle(operation, body, query, headers))

    def _sts(
        self, query_string: str, query: dict[str, str], headers: dict[str, str], raw: bytes
    ) -> None:
        """STS: the form names the operation; unknown actions are answered here, unrecorded."""
        form = _form(raw)
        action = form.get("Action", "")
        if action not in STS_OPERATIONS:
            code = "InvalidAction" if action else "MissingAction"
            message = f"Could not find operation {action} for version 2011-06-15"
            xml = sts.error_xml(code, message if action else "Action is required", 400)
            self._reply(Reply(400, None, code, raw=xml, content_type="text/xml"))
            return
        request = Request("POST", "/", query_string, headers, raw)
        self._reply(self.server.standin.handle(action, form, query, headers, request))

    def _federation(self, query: dict[str, str]) -> None:
        operation = federation.ACTIONS.get(query.get("Action", ""))
        if operation is None:
            body = {"Error": "InvalidAction", "Message": "Action must be getSigninToken or login"}
            self._send_json(400, body, "InvalidAction")
            return
        reply = self.server.standin.handle(operation, query, {}, {})
        if operation == "Login" and reply.status == 400 and reply.payload:
            # A browser lands here: a page, not JSON.
            message = html.escape(str(reply.payload.get("Message", "")))
            self._html(400, f"<p>Sign-in failed: {message}</p>")
            return
        self._reply(reply)

    # ------------------------------------------------------------------ replies

    def _reply(self, reply: Reply) -> None:
        ctype = reply.content_type
        if reply.fault == faults.HANG:
            faults.hold(self.connection, self.server.standin.hang_limit, self.server.stopping)
            self.close_connection = True  # closed without a byte
        elif reply.fault == faults.GARBAGE:
            self._send(reply.status, faults.GARBAGE_BODY, ctype)
        elif reply.fault == faults.HUGE_BODY:
            data = reply.raw if reply.raw is not None else json.dumps(reply.payload or {}).encode()
            length, chunks = faults.padded(data, self.server.standin.huge_body_bytes)
            self._send(reply.status, chunks, ctype, length=length)
        elif reply.raw is not None:
            self._send(reply.status, reply.raw, ctype, reply.headers)  # STS: errors are in the XML
        else:
            self._send_json(reply.status, reply.payload, reply.error)

    def _send_json(self, status: int, payload: dict[str, Any] | None, error: str | None) -> None:
        data = json.dumps(payload).encode() if payload else b""
        extra = {"x-amzn-ErrorType": error} if error else {}
        self._send(status, data, "application/json", extra)

    def _send(
        self,
        status: int,
        data: bytes | Iterable[bytes],
        ctype: str,
        extra: Mapping[str, str] | None = None,
        length: int | None = None,
    ) -> None:
        chunks = [data] if isinstance(data, bytes) else data
        if length is None:
            length = len(data) if isinstance(data, bytes) else 0
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(length))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command == "HEAD":
            return
        try:
            for chunk in chunks:
                self.wfile.write(chunk)
        except OSError:  # the client gave up on a long body: drop the connection
            self.close_connection = True

    # ------------------------------------------------------------------ pages

    def _device_page(self, query: dict[str, str]) -> None:
        """The "browser" side of the device flow: visiting `/device?user_code=X` approves X
        (`&action=deny` denies); `/device` alone lists pending codes with approve buttons."""
        standin = self.server.standin
        code = query.get("user_code", "").strip()
        if code:
            deny = query.get("action") == "deny"
            decide: Callable[[str], list[str]] = standin.deny if deny else standin.approve
            try:
                decide(code)
            except LookupError:
                self._html(404, f"<p>No pending request with code <b>{html.escape(code)}</b>.</p>")
                return
            verb = "denied" if deny else "approved"
            self._html(
                200, f"<p>Request <b>{html.escape(code)}</b> {verb}. You can close this window.</p>"
            )
            return
        items = "".join(
            f'<li><form method="post"><input type="hidden" name="user_code" value="{code}">'
            f"<code>{code}</code> <button>Approve</button></form></li>"
            for code in (html.escape(d.user_code) for d in standin.pending())
        )
        self._html(200, f"<p>Pending requests:</p><ul>{items or '<li>none</li>'}</ul>")

    def _authorize_page(self, path: str, query: dict[str, str]) -> None:
        """PKCE: `/authorize` redirects to the client's loopback callback at once when
        auto-approval is on, else shows an "Allow" link to `/authorize/allow?request=ID`."""
        standin = self.server.standin
        allow = path == "/authorize/allow"
        operation = "AuthorizeAllow" if allow else "Authorize"
        params = {name: query[key] for key, name in _AUTHORIZE_PARAMS if key in query}
        try:
            if allow:
                location = standin.oidc.allow(query.get("request", ""))
            else:
                kind, value = standin.oidc.authorize(query)
                if kind == "page":
                    standin.record_visit(operation, params, 200, None)
                    link = html.escape(f"/authorize/allow?request={value}")
                    self._html(200, f'<p>Allow access? <a id="allow" href="{link}">Allow</a></p>')
                    return
                location = value or ""
        except (ApiError, LookupError) as exc:
            code = exc.code if isinstance(exc, ApiError) else "InvalidRequestException"
            standin.record_visit(operation, params, 400, code)
            self._html(400, f"<p>Invalid request: {html.escape(str(exc))}</p>")
            return
        standin.record_visit(operation, params, 302, None)
        self._send(302, b"", "text/plain", {"Location": location})

    def _html(self, status: int, body: str) -> None:
        page = (
            "<!doctype html><html><head><meta charset='utf-8'><title>Identity Center stand-in"
            f"</title></head><body><h1>Identity Center stand-in</h1>{body}</body></html>"
        )
        self._send(status, page.encode(), "text/html; charset=utf-8")
