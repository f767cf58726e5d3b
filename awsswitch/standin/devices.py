"""The device authorization flow (RFC 8628, what `aws sso login` uses): device codes, polling
with pending / slow_down / expired / denied answers, and the user's approval."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from awsswitch.standin.model import ApiError, DeviceAuthorization, new_token
from awsswitch.standin.settings import Settings


@dataclass
class _Device:
    device_code: str
    user_code: str
    client_id: str
    start_url: str | None
    expires_at: float
    interval: int
    state: str = "pending"
    polls: int = 0
    pending_answers: int = 0
    last_poll: float | None = None


def _user_code() -> str:
    alphabet = "BCDFGHJKLMNPQRSTVWXZ"  # no vowels, as the real portal: no accidental words
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(2))


class DeviceFlow:
    """Device codes by code. `changed` (the stand-in's condition, over its lock) is notified
    when one starts or is decided, so waiters wake."""

    def __init__(
        self,
        settings: Settings,
        changed: threading.Condition,
        clock: Callable[[], float],
        verification_uri: Callable[[], str],
    ) -> None:
        self.settings = settings
        self._changed = changed
        self._clock = clock
        self._verification_uri = verification_uri
        self.devices: dict[str, _Device] = {}

    def start(self, client_id: str, start_url: str, now: float) -> dict[str, Any]:
        """A StartDeviceAuthorization result (caller holds the lock)."""
        device = _Device(
            device_code=new_token("standin-device-", 24),
            user_code=_user_code(),
            client_id=client_id,
            start_url=start_url,
            expires_at=now + self.settings.device_code_ttl,
            interval=self.settings.interval,
        )
        self.devices[device.device_code] = device
        self._changed.notify_all()
        uri = self._verification_uri()
        return {
            "deviceCode": device.device_code,
            "userCode": device.user_code,
            "verificationUri": uri,
            "verificationUriComplete": f"{uri}?user_code={device.user_code}",
            "expiresIn": self.settings.device_code_ttl,
            "interval": device.interval,
        }

    def poll(self, client_id: str, device_code: str, now: float) -> None:
        """One CreateToken poll with the device_code grant: returns when a token may be issued
        (the code is then spent), else raises the modelled error (caller holds the lock)."""
        device = self.devices.get(device_code)
        if device is None or device.client_id != client_id:
            raise ApiError("InvalidGrantException", "Invalid device code provided")
        device.polls += 1
        previous, device.last_poll = device.last_poll, now
        if device.state == "issued":
            raise ApiError("InvalidGrantException", "Device code has already been used")
        if device.expires_at <= now:
            raise ApiError("ExpiredTokenException", "Device code has expired")
        if device.state == "denied":
            raise ApiError("AccessDeniedException", "Access denied by the user")
        if device.polls in self.settings.slow_down_on:
            raise ApiError("SlowDownException", "Client is polling too quickly")
        interval_early = previous is not None and now - previous < device.interval
        if self.settings.enforce_interval and interval_early:
            device.interval += 5
            raise ApiError("SlowDownException", "Client is polling too quickly")
        if device.state == "pending":
            auto = self.settings.auto_approve_after
            if auto is None or device.pending_answers < auto:
                device.pending_answers += 1
                raise ApiError("AuthorizationPendingException", "Authorization is still pending")
        device.state = "issued"

    def snapshots(self) -> list[DeviceAuthorization]:
        """Every device authorization so far, oldest first."""
        uri = self._verification_uri()
        with self._changed:
            return [
                DeviceAuthorization(
                    d.device_code,
                    d.user_code,
                    d.client_id,
                    d.start_url,
                    d.state,
                    d.polls,
                    d.expires_at,
                    f"{uri}?user_code={d.user_code}",
                )
                for d in self.devices.values()
            ]

    def pending(self) -> list[DeviceAuthorization]:
        now = self._clock()
        return [d for d in self.snapshots() if d.state == "pending" and d.expires_at > now]

    def decide(self, user_code: str | None, decision: str) -> list[str]:
        """Set the pending authorization with `user_code` (None: every pending one) to
        `decision` ("approved"/"denied"); `LookupError` for an unknown or decided code."""
        now = self._clock()
        with self._changed:
            targets = [
                d
                for d in self.devices.values()
                if d.state == "pending"
                and d.expires_at > now
                and (user_code is None or d.user_code == user_code.strip().upper())
            ]
            if user_code is not None and not targets:
                raise LookupError(f"no pending device authorization with user code {user_code}")
            for device in targets:
                device.state = decision
            self._changed.notify_all()
            return [d.user_code for d in targets]

    def wait_pending(self, timeout: float) -> DeviceAuthorization:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = self.pending()
                if found:
                    return found[0]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("no pending device authorization")
                self._changed.wait(left)
