"""A tiny misbehaving HTTP server on 127.0.0.1 for what the stand-in does not model: replies
scripted per request path, bodies that drip a byte at a time or never end, bodies with
anything in them. Point boto3 at it with AWS_ENDPOINT_URL_SSO_OIDC / AWS_ENDPOINT_URL_SSO.

    with FaultyServer({"/token": Reply(json={"accessToken": "x", "expiresIn": -1})}) as srv:
        env["AWS_ENDPOINT_URL_SSO_OIDC"] = srv.url
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """What to answer. `json` or `body` (bytes); `drip`: seconds between single bytes of
    the body; `endless`: after the body, keep sending spaces until the client hangs up."""

    status: int = 200
    json: Any = None
    body: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    drip: float = 0.0
    endless: bool = False

    def payload(self) -> bytes:
        if self.body is not None:
            return self.body
        return json.dumps(self.json).encode() if self.json is not None else b""


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class FaultyServer:
    """Answers each request by its path (query string ignored) from `routes`; 404 otherwise."""

    def __init__(self, routes: Mapping[str, Reply]) -> None:
        self.routes = dict(routes)
        self.requests: list[Request] = []
        self.stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    def __enter__(self) -> FaultyServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = self.path.split("?", 1)[0]
                server.requests.append(Request(self.command, path, dict(self.headers), body))
                reply = server.routes.get(path) or Reply(404, json={"message": "no route"})
                payload = reply.payload()
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                if reply.endless:
                    self.send_header("Connection", "close")
                else:
                    self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                try:
                    for chunk in _chunks(payload, reply.drip):
                        if server.stopping.is_set():
                            return
                        self.wfile.write(chunk)
                        self.wfile.flush()
                        if reply.drip:
                            time.sleep(reply.drip)
                    block = b" " * 65536
                    while reply.endless and not server.stopping.is_set():
                        self.wfile.write(block)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                if reply.endless:
                    self.close_connection = True

            do_GET = do_POST = _serve

        return Handler


def _chunks(payload: bytes, drip: float) -> Iterator[bytes]:
    if not drip:
        yield payload
        return
    for i in range(len(payload)):
        yield payload[i : i + 1]
