"""The AWS sign-in federation endpoint (`https://signin.aws.amazon.com/federation`), what
"open the console with these credentials" uses:

  GET /federation?Action=getSigninToken&Session=<url-encoded JSON {"sessionId": key id,
      "sessionKey": secret, "sessionToken": token}>[&SessionDuration=900..43200]
      -> 200 {"SigninToken": "..."} for temporary credentials the stand-in issued and that have
      not expired; 400 for a missing or malformed Session / SessionDuration; 403 otherwise.
  GET /federation?Action=login&Issuer=...&Destination=<console URL>&SigninToken=...
      -> 302 to Destination for a sign-in token the stand-in issued (valid `signin_token_ttl`
      seconds, 15 minutes on AWS); 400 otherwise.

POST with a form body works too (AWS accepts it for long session tokens). Calls are recorded as
`GetSigninToken` (params: Action, sessionId, SessionDuration: never the secret) and `Login`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from threading import RLock
from typing import Any, ClassVar
from urllib.parse import urlsplit

from awsswitch.standin.keys import Identity, KeyStore
from awsswitch.standin.model import Api, ApiError, Clock, new_token
from awsswitch.standin.settings import Settings

PATH = "/federation"
ACTIONS = {"getSigninToken": "GetSigninToken", "login": "Login"}
MIN_DURATION, MAX_DURATION = 900, 43200


@dataclass(frozen=True)
class SigninToken:
    token: str
    identity: Identity
    expires_at: float  # stand-in clock: the token's own lifetime
    session_duration: int | None  # the console session asked for (SessionDuration)


class Federation(Api):
    operations: ClassVar[dict[str, str]] = {
        "GetSigninToken": "get_signin_token",
        "Login": "login",
    }

    def __init__(self, settings: Settings, lock: RLock, clock: Clock, keys: KeyStore) -> None:
        super().__init__(settings, lock, clock)
        self.keys = keys
        self.tokens: dict[str, SigninToken] = {}

    def get_signin_token(self, params: dict[str, Any]) -> dict[str, Any]:
        session = _session(params.get("Session"))
        duration = _duration(params.get("SessionDuration"))
        now = self._clock()
        with self._lock:
            issued = self.keys.get(session["sessionId"])
            if (
                issued is None
                or issued.session_token is None
                or issued.secret_access_key != session["sessionKey"]
                or issued.session_token != session["sessionToken"]
            ):
                raise ApiError("InvalidSession", "The session credentials are not valid", 403)
            if issued.expired(now):
                raise ApiError("ExpiredSession", "The session credentials have expired", 403)
            token = new_token("standin-signin-", 48)
            ttl = self.settings.signin_token_ttl
            self.tokens[token] = SigninToken(token, issued.identity, now + ttl, duration)
        return {"SigninToken": token}

    def login(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            signin = self.tokens.get(str(params.get("SigninToken") or ""))
        if signin is None:
            raise ApiError("InvalidSigninToken", "The sign-in token is not valid", 400)
        if signin.expires_at <= self._clock():
            raise ApiError("ExpiredSigninToken", "The sign-in token has expired", 400)
        destination = str(params.get("Destination") or "")
        parts = urlsplit(destination)
        control = any(ord(c) < 0x20 or ord(c) == 0x7F for c in destination)  # header-safe
        if control or parts.scheme not in ("https", "http") or not parts.netloc:
            raise ApiError("InvalidDestination", "Destination must be an absolute URL", 400)
        return {"Location": destination}

    def valid(self, token: str) -> bool:
        with self._lock:
            signin = self.tokens.get(token)
        return signin is not None and signin.expires_at > self._clock()

    def lookup(self, token: str) -> SigninToken | None:
        with self._lock:
            return self.tokens.get(token)


def _session(raw: Any) -> dict[str, str]:
    if not raw:
        raise ApiError("InvalidRequest", "Session is required", 400)
    try:
        session = json.loads(raw)
    except ValueError:
        raise ApiError("MalformedSession", "Session is not JSON", 400) from None
    fields = ("sessionId", "sessionKey", "sessionToken")
    if not isinstance(session, dict) or not all(isinstance(session.get(f), str) for f in fields):
        raise ApiError("MalformedSession", "Session needs sessionId, sessionKey, sessionToken", 400)
    return session


def _duration(raw: Any) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        seconds = int(raw)
    except (TypeError, ValueError):
        raise ApiError("InvalidSessionDuration", "SessionDuration must be a number", 400) from None
    if not MIN_DURATION <= seconds <= MAX_DURATION:
        raise ApiError(
            "InvalidSessionDuration",
            f"SessionDuration must be between {MIN_DURATION} and {MAX_DURATION}",
            400,
        )
    return seconds


def recorded_params(action: str, params: dict[str, str]) -> dict[str, Any]:
    """What the call record keeps: no secret key or session token."""
    if action == "GetSigninToken":
        kept: dict[str, Any] = {"Action": params.get("Action")}
        try:
            session = json.loads(params.get("Session") or "")
            if isinstance(session, dict) and isinstance(session.get("sessionId"), str):
                kept["sessionId"] = session["sessionId"]
        except ValueError:
            pass
        if "SessionDuration" in params:
            kept["SessionDuration"] = params["SessionDuration"]
        return kept
    return {k: params[k] for k in ("Action", "Issuer", "Destination", "SigninToken") if k in params}
