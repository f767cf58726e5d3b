"""The `sso-oidc` API: RegisterClient, StartDeviceAuthorization and CreateToken with its three
grants (device code, refresh token, PKCE authorization code), plus the browser side of the PKCE
flow (`/authorize`, what AWS CLI >= 2.22 opens)."""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from threading import RLock
from typing import Any, ClassVar
from urllib.parse import urlencode, urlsplit

from awsswitch.standin.devices import DeviceFlow
from awsswitch.standin.model import (
    AUTHORIZATION_CODE_GRANT,
    DEVICE_CODE_GRANT,
    REFRESH_TOKEN_GRANT,
    Api,
    ApiError,
    Clock,
    new_token,
)
from awsswitch.standin.settings import Settings
from awsswitch.standin.tokens import Tokens


@dataclass
class Client:
    client_id: str
    client_secret: str
    name: str
    scopes: tuple[str, ...]
    expires_at: int
    grant_types: tuple[str, ...] = ()
    redirect_uris: tuple[str, ...] = ()


@dataclass
class _AuthCode:
    """One `/authorize` visit of the PKCE flow."""

    request_id: str
    client_id: str
    redirect_uri: str
    state: str
    challenge: str
    code: str | None = None  # set once the user allowed access
    used: bool = False
    expires_at: float = 0.0


_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _same_redirect(given: str, registered: str) -> bool:
    """A loopback redirect URI as registered, with any port (RFC 8252 7.3: the client
    registers `http://127.0.0.1/oauth/callback` and listens on a port of the moment);
    anything else is refused, as only loopback callbacks are used."""
    try:
        a, b = urlsplit(given), urlsplit(registered)
        a.port, b.port  # noqa: B018 - a port that is not a number raises ValueError
    except ValueError:
        return False
    return (
        a.scheme == b.scheme == "http"
        and a.hostname in _LOOPBACK
        and a.hostname == b.hostname
        and (a.path, a.query, a.fragment) == (b.path, b.query, b.fragment)
    )


def _pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


class Oidc(Api):
    """Client registrations and authorization codes; tokens live in `Tokens`, device codes in
    `DeviceFlow`. `operations` maps each API operation to the method answering it."""

    operations: ClassVar[dict[str, str]] = {
        "RegisterClient": "register_client",
        "StartDeviceAuthorization": "start_device_authorization",
        "CreateToken": "create_token",
    }

    def __init__(
        self, settings: Settings, lock: RLock, clock: Clock, tokens: Tokens, devices: DeviceFlow
    ) -> None:
        super().__init__(settings, lock, clock)
        self.tokens = tokens
        self.devices = devices
        self.clients: dict[str, Client] = {}
        self.auth_codes: dict[str, _AuthCode] = {}  # by request id

    # ------------------------------------------------------------------ clients

    def new_client(self, name: str, scopes: tuple[str, ...], expires_at: int) -> Client:
        client = Client(
            new_token("standin-client-", 16),
            new_token("standin-secret-", 32),
            name,
            scopes,
            expires_at,
        )
        with self._lock:
            self.clients[client.client_id] = client
        return client

    def _client(self, params: dict[str, Any], now: float) -> Client:
        client = self.clients.get(params.get("clientId", ""))
        if client is None or client.client_secret != params.get("clientSecret"):
            raise ApiError("InvalidClientException", "Invalid client credentials")
        if client.expires_at <= now:
            raise ApiError("InvalidClientException", "Client registration has expired")
        return client

    # ------------------------------------------------------------------ operations

    def register_client(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("clientName") or not params.get("clientType"):
            raise ApiError("InvalidRequestException", "clientName and clientType are required")
        if params["clientType"] != "public":
            raise ApiError("InvalidClientMetadataException", "Only public clients are supported")
        now = self._clock()
        client = self.new_client(
            params["clientName"],
            tuple(params.get("scopes") or ()),
            int(now) + self.settings.registration_ttl,
        )
        client.grant_types = tuple(params.get("grantTypes") or ())
        client.redirect_uris = tuple(str(u) for u in params.get("redirectUris") or ())
        return {
            "clientId": client.client_id,
            "clientSecret": client.client_secret,
            "clientIdIssuedAt": int(now),
            "clientSecretExpiresAt": client.expires_at,
        }

    def start_device_authorization(self, params: dict[str, Any]) -> dict[str, Any]:
        now = self._clock()
        with self._lock:
            client = self._client(params, now)
            if not params.get("startUrl"):
                raise ApiError("InvalidRequestException", "startUrl is required")
            return self.devices.start(client.client_id, params["startUrl"], now)

    def create_token(self, params: dict[str, Any]) -> dict[str, Any]:
        grant = params.get("grantType")
        now = self._clock()
        with self._lock:
            client = self._client(params, now)
            if grant == DEVICE_CODE_GRANT:
                self.devices.poll(client.client_id, params.get("deviceCode", ""), now)
                session = self.tokens.new_session()
            elif grant == REFRESH_TOKEN_GRANT:
                session = self.tokens.redeem(params.get("refreshToken", ""), client.client_id)
            elif grant == AUTHORIZATION_CODE_GRANT:
                self._redeem_code(client, params, now)
                session = self.tokens.new_session()
            else:
                raise ApiError("UnsupportedGrantTypeException", f"Unsupported grant type: {grant}")
            return self.tokens.issue(session, client.client_id, now)

    # ------------------------------------------------------------------ PKCE

    def _redeem_code(self, client: Client, params: dict[str, Any], now: float) -> None:
        if AUTHORIZATION_CODE_GRANT not in client.grant_types:
            raise ApiError("UnauthorizedClientException", "Client is not registered for this grant")
        request = next(
            (a for a in self.auth_codes.values() if a.code and a.code == params.get("code")),
            None,
        )
        verifier = str(params.get("codeVerifier") or "")
        if (
            request is None
            or request.used
            or request.client_id != client.client_id
            or request.redirect_uri != params.get("redirectUri")
            or request.expires_at <= now
            or _pkce_challenge(verifier) != request.challenge
        ):
            raise ApiError("InvalidGrantException", "Invalid authorization code provided")
        request.used = True

    def authorize(self, query: Mapping[str, str]) -> tuple[str, str | None]:
        """The browser side of the PKCE flow (`GET /authorize?...`). Returns ("redirect",
        location) when access is granted at once (auto-approval on), or ("page", request id)
        when the user must click "Allow" (`allow(request id)`)."""
        with self._lock:
            client = self.clients.get(query.get("client_id", ""))
        redirect = query.get("redirect_uri", "")
        if (
            client is None
            or query.get("response_type") != "code"
            or query.get("code_challenge_method") != "S256"
            or not query.get("code_challenge")
        ):
            raise ApiError("InvalidRequestException", "Invalid authorization request")
        if not any(_same_redirect(redirect, r) for r in client.redirect_uris):
            raise ApiError("InvalidRequestException", "redirect_uri was not registered")
        request = _AuthCode(
            request_id=uuid.uuid4().hex,
            client_id=client.client_id,
            redirect_uri=redirect,
            state=query.get("state", ""),
            challenge=query["code_challenge"],
        )
        with self._lock:
            self.auth_codes[request.request_id] = request
        if self.settings.auto_approve_after is None:
            return "page", request.request_id
        return "redirect", self.allow(request.request_id)

    def allow(self, request_id: str) -> str:
        """Grant a pending `/authorize` request; returns the callback URL (with code and state)
        the browser is redirected to. `LookupError` for an unknown request."""
        with self._lock:
            request = self.auth_codes.get(request_id)
            if request is None or request.code is not None:
                raise LookupError(f"no pending authorization request {request_id}")
            request.code = new_token("standin-code-", 24)
            request.expires_at = self._clock() + 300
        sep = "&" if "?" in request.redirect_uri else "?"
        query = urlencode({"code": request.code, "state": request.state})
        return f"{request.redirect_uri}{sep}{query}"
