"""A federation endpoint stub on 127.0.0.1 for the console tests: `getSigninToken` answers
`{"SigninToken": ...}` only for credentials a test says are valid (`accept`), and records
every request; `login` answers 302 to the Destination for a token it issued."""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

PATH = "/federation"


class FederationStub:
    """`accept(session) -> bool` decides whether a Session JSON holds valid credentials;
    `requests` records each query (as parsed); `issued` maps sign-in tokens to the session."""

    def __init__(self, accept: Callable[[dict[str, Any]], bool]) -> None:
        self.accept = accept
        self.requests: list[dict[str, str]] = []
        self.issued: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
                with stub._lock:
                    stub.requests.append(query)
                if parts.path != PATH:
                    self._send(404, {"error": "not found"})
                elif query.get("Action") == "getSigninToken":
                    self._token(query)
                elif query.get("Action") == "login":
                    token = query.get("SigninToken", "")
                    if token in stub.issued:
                        self.send_response(302)
                        self.send_header("Location", query.get("Destination", "/"))
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                    else:
                        self._send(400, {"error": "bad token"})
                else:
                    self._send(400, {"error": "bad action"})

            def _token(self, query: dict[str, str]) -> None:
                try:
                    session = json.loads(query["Session"])
                except (KeyError, ValueError):
                    self._send(400, {"error": "bad session"})
                    return
                if not stub.accept(session):
                    self._send(403, {"error": "invalid credentials"})
                    return
                token = "signin-" + secrets.token_urlsafe(24)
                with stub._lock:
                    stub.issued[token] = session
                self._send(200, {"SigninToken": token})

            def _send(self, status: int, body: dict[str, str]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{PATH}"

    def start(self) -> FederationStub:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def token_requests(self) -> list[dict[str, str]]:
        with self._lock:
            return [q for q in self.requests if q.get("Action") == "getSigninToken"]
