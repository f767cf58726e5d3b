"""Sign-in sessions and the tokens issued in them: what sso-oidc hands out and the portal
checks. Every method expects the caller to hold the stand-in's lock."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from awsswitch.standin.model import ApiError, new_token
from awsswitch.standin.settings import Settings


@dataclass
class _Access:
    session: str
    client_id: str
    expires_at: float


@dataclass
class _Refresh:
    session: str
    client_id: str
    used: bool = False


class Tokens:
    """Live sessions (Logout ends one, and every token of it dies with it), access tokens with
    their expiry, refresh tokens that work once (rotation)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.sessions: set[str] = set()
        self.access: dict[str, _Access] = {}
        self.refresh: dict[str, _Refresh] = {}

    def new_session(self) -> str:
        session = uuid.uuid4().hex
        self.sessions.add(session)
        return session

    def issue(
        self,
        session: str,
        client_id: str,
        now: float,
        expires_in: int | None = None,
        refresh: bool | None = None,
    ) -> dict[str, Any]:
        """A CreateToken result for `session`: an access token (lifetime `expires_in`, default
        `access_token_ttl`) and a refresh token unless `refresh` (default `refresh_tokens`)
        says not."""
        ttl = self.settings.access_token_ttl if expires_in is None else expires_in
        access = new_token("standin-access-", 32)
        self.access[access] = _Access(session, client_id, now + ttl)
        body: dict[str, Any] = {"accessToken": access, "tokenType": "Bearer", "expiresIn": ttl}
        if self.settings.refresh_tokens if refresh is None else refresh:
            token = new_token("standin-refresh-", 32)
            self.refresh[token] = _Refresh(session, client_id)
            body["refreshToken"] = token
        return body

    def redeem(self, refresh_token: str, client_id: str) -> str:
        """Spend `refresh_token` (issued to `client_id`, session alive); returns its session."""
        old = self.refresh.get(refresh_token)
        if (
            not self.settings.refresh_tokens
            or old is None
            or old.used
            or old.client_id != client_id
            or old.session not in self.sessions
        ):
            raise ApiError("InvalidGrantException", "Invalid refresh token provided")
        old.used = True
        return old.session

    def valid(self, access_token: str | None, now: float) -> bool:
        access = self.access.get(access_token or "")
        return access is not None and access.expires_at > now and access.session in self.sessions

    def require(self, access_token: str | None, now: float) -> None:
        """`UnauthorizedException` unless the portal would accept `access_token` now."""
        if not self.valid(access_token, now):
            raise ApiError("UnauthorizedException", "Session token not found or invalid")

    def end_session(self, access_token: str) -> None:
        self.sessions.discard(self.access[access_token].session)
