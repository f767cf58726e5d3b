"""Errors and faults: how a modelled error goes on the wire, injected errors (`fail()`),
throttling, and broken replies for hardening the SSO client.

Injected errors: `StandIn.fail(operation, code, times=1)` answers the next `times` calls of
`operation` with the modelled error `code` (nothing is processed: a refresh token survives).

Throttling: the `throttle_*` knobs answer 429 `TooManyRequestsException` (STS: 400 `Throttling`,
as STS does); `throttle_operations` may name STS and federation operations too.

Reply faults, made for `CreateToken` with the refresh_token grant ("garbage", "hang" and
"huge-body" also work on any other operation through `fail_reply`):
  `StandIn(refresh_fault=MODE)` / `s.refresh_fault = MODE`: every refresh while set;
  `s.fail_reply(operation, MODE, times=1, grant_type=None)`: the next `times` calls of
    `operation` (with `grantType == grant_type` when given); queued faults come first.
  `python -m awsswitch.standin --refresh-fault MODE [--hang-limit SECONDS]`: the same, standalone.
MODE is one of:
  "garbage"          200, `Content-Type: application/json`, a body that is not JSON (an
                     HTML error page, then a cut-off object; valid UTF-8); the request is not
                     processed (the refresh token stays valid). botocore parses it as a
                     success without any field.
  "no-access-token"  200 with `{"tokenType": "Bearer", "expiresIn": N}` and no `accessToken`
                     (CreateToken only); not processed.
  "huge-expires-in"  the grant is processed (the refresh token rotates, the new tokens work for
                     `access_token_ttl` on the server) but the reply says `expiresIn`
                     99999999999999 (CreateToken only).
  "hang"             no answer: the request is held until the client hangs up, the server
                     stops, or `hang_limit` seconds (default 30) pass, then the connection is
                     closed without a byte; not processed. The call is recorded on arrival
                     (status 0), so `wait_for_call` sees it while it hangs.
  "huge-body"        the grant is processed and its real JSON reply is padded with spaces
                     (still valid JSON) to `huge_body_bytes` (default 32 MiB), streamed with an
                     honest Content-Length.
A faulty call is recorded with `Call.fault` set to MODE. Injected errors and throttling come
first; a queued fault is used up by the first call it matches, even one that then ends in an
error (a processed grant can still fail, e.g. with a spent refresh token).
"""

from __future__ import annotations

import collections
import random
import select
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

from awsswitch.standin import sts
from awsswitch.standin.model import OIDC_OPERATIONS, OPERATIONS, STS_OPERATIONS, ApiError
from awsswitch.standin.settings import Settings

GARBAGE = "garbage"
NO_ACCESS_TOKEN = "no-access-token"
HUGE_EXPIRES_IN = "huge-expires-in"
HANG = "hang"
HUGE_BODY = "huge-body"
REPLY_FAULTS = frozenset({GARBAGE, NO_ACCESS_TOKEN, HUGE_EXPIRES_IN, HANG, HUGE_BODY})
# Faults that replace processing: the request changes no state.
UNPROCESSED = frozenset({GARBAGE, NO_ACCESS_TOKEN, HANG})
_CREATE_TOKEN_ONLY = frozenset({NO_ACCESS_TOKEN, HUGE_EXPIRES_IN})

HUGE_EXPIRES_IN_VALUE = 99_999_999_999_999
# What a proxy or captive portal answers: valid UTF-8, not JSON, cut off mid-object.
GARBAGE_BODY = b'<html><body>502 Bad Gateway</body></html>\n{"accessToken": "'
_CHUNK = 64 * 1024

# Modelled sso-oidc exception -> (HTTP status, OAuth `error` value).
OIDC_ERRORS: dict[str, tuple[int, str]] = {
    "AccessDeniedException": (400, "access_denied"),
    "AuthorizationPendingException": (400, "authorization_pending"),
    "ExpiredTokenException": (400, "expired_token"),
    "InternalServerException": (500, "server_error"),
    "InvalidClientException": (401, "invalid_client"),
    "InvalidClientMetadataException": (400, "invalid_client_metadata"),
    "InvalidGrantException": (400, "invalid_grant"),
    "InvalidRequestException": (400, "invalid_request"),
    "InvalidScopeException": (400, "invalid_scope"),
    "SlowDownException": (400, "slow_down"),
    "UnauthorizedClientException": (400, "unauthorized_client"),
    "UnsupportedGrantTypeException": (400, "unsupported_grant_type"),
}
PORTAL_ERRORS: dict[str, int] = {
    "InternalServerException": 500,
    "InvalidRequestException": 400,
    "UnauthorizedException": 401,
    "ForbiddenException": 403,  # what the real portal answers for an unassigned account/role
    "ResourceNotFoundException": 404,
    "TooManyRequestsException": 429,
}


def error_status(operation: str, exc: ApiError) -> int:
    if exc.status is not None:
        return exc.status
    if operation in STS_OPERATIONS:
        return sts.error_status(exc.code)
    if operation in OIDC_OPERATIONS and exc.code in OIDC_ERRORS:
        return OIDC_ERRORS[exc.code][0]
    return PORTAL_ERRORS.get(exc.code, 400)


def error_body(operation: str, exc: ApiError) -> dict[str, Any]:
    """sso-oidc errors carry an OAuth body, the portal's a `message`."""
    if operation in OIDC_OPERATIONS and exc.code in OIDC_ERRORS:
        return {"error": OIDC_ERRORS[exc.code][1], "error_description": exc.message}
    return {"message": exc.message}


def check_mode(operation: str, mode: str) -> None:
    if mode not in REPLY_FAULTS:
        raise ValueError(f"unknown reply fault {mode!r} (one of {', '.join(sorted(REPLY_FAULTS))})")
    if mode in _CREATE_TOKEN_ONLY and operation != "CreateToken":
        raise ValueError(f"reply fault {mode!r} applies to CreateToken only")


class Faults:
    """Injected errors, throttling and reply faults, all read per call."""

    def __init__(self, settings: Settings, lock: threading.RLock) -> None:
        self.settings = settings
        self._lock = lock
        self._rng = random.Random(settings.seed)
        self._errors: dict[str, list[tuple[str, str, int | None]]] = {}
        self._replies: dict[str, list[tuple[str, str | None]]] = {}
        self._eligible_seen = 0  # eligible calls so far, for throttle_every
        self._recent: collections.deque[float] = collections.deque()  # for throttle_rps

    def fail(self, operation: str, code: str, times: int, message: str, status: int | None) -> None:
        if operation not in OPERATIONS:
            raise ValueError(f"unknown operation {operation!r}")
        with self._lock:
            self._errors.setdefault(operation, []).extend([(code, message, status)] * times)

    def fail_reply(self, operation: str, mode: str, times: int, grant_type: str | None) -> None:
        if operation not in OPERATIONS:
            raise ValueError(f"unknown operation {operation!r}")
        check_mode(operation, mode)
        with self._lock:
            self._replies.setdefault(operation, []).extend([(mode, grant_type)] * times)

    def check(self, operation: str) -> None:
        """Raise the next injected error for `operation`, or 429 when throttled."""
        with self._lock:
            queue = self._errors.get(operation)
            fault = queue.pop(0) if queue else None
        if fault is not None:
            raise ApiError(*fault)
        if self._throttled(operation):
            if operation in STS_OPERATIONS:
                raise ApiError("Throttling", "Rate exceeded", 400)
            raise ApiError("TooManyRequestsException", "Rate exceeded", 429)

    def _throttled(self, operation: str) -> bool:
        s = self.settings
        if operation not in s.throttle_operations:
            return False
        with self._lock:
            self._eligible_seen += 1
            throttled = bool(s.throttle_every) and self._eligible_seen % s.throttle_every == 0
            if s.throttle_probability and self._rng.random() < s.throttle_probability:
                throttled = True
            if s.throttle_rps is not None:
                now = time.monotonic()
                while self._recent and now - self._recent[0] >= 1.0:
                    self._recent.popleft()
                if len(self._recent) >= s.throttle_rps:
                    throttled = True
                else:
                    self._recent.append(now)  # only admitted calls use the budget
        return throttled

    def reply_fault(self, operation: str, params: dict[str, Any]) -> str | None:
        """The reply fault for this call, if any: the first queued one that matches its grant
        type, else `refresh_fault` for a refresh."""
        grant = params.get("grantType")
        with self._lock:
            queue = self._replies.get(operation) or []
            for i, (mode, grant_type) in enumerate(queue):
                if grant_type is None or grant_type == grant:
                    del queue[i]
                    return mode
        mode = self.settings.refresh_fault
        if mode is not None and operation == "CreateToken" and grant == "refresh_token":
            check_mode(operation, mode)
            return mode
        return None


def unprocessed_reply(mode: str, settings: Settings) -> dict[str, Any] | None:
    """The JSON body of a fault that replaces processing (None: no JSON at all)."""
    if mode == NO_ACCESS_TOKEN:
        return {"tokenType": "Bearer", "expiresIn": settings.access_token_ttl}
    return None


def alter_reply(mode: str, result: dict[str, Any]) -> dict[str, Any]:
    """A processed reply as the fault sends it."""
    if mode == HUGE_EXPIRES_IN:
        return {**result, "expiresIn": HUGE_EXPIRES_IN_VALUE}
    return result


def padded(data: bytes, size: int) -> tuple[int, Iterator[bytes]]:
    """`data` followed by spaces up to `size` bytes: (length, chunks to write)."""
    total = max(size, len(data))

    def chunks() -> Iterator[bytes]:
        yield data
        left = total - len(data)
        block = b" " * _CHUNK
        while left > 0:
            yield block[: min(left, _CHUNK)]
            left -= _CHUNK

    return total, chunks()


def hold(connection: socket.socket, limit: float, stopping: threading.Event) -> None:
    """Keep a request unanswered until the client hangs up, `stopping` is set or `limit`
    seconds pass, waking every 0.1 s to check."""
    deadline = time.monotonic() + max(0.0, limit)
    while not stopping.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            return
        try:
            readable, _, _ = select.select([connection], [], [], min(0.1, left))
            if readable:
                if not connection.recv(1, socket.MSG_PEEK):
                    return  # readable with nothing to read: the client closed its end
                stopping.wait(min(0.1, left))  # the client sent more: do not spin on it
        except (OSError, ValueError):
            return
