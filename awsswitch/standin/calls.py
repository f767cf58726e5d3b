"""The record of API calls the stand-in answered, for tests to count and wait on."""

from __future__ import annotations

import collections
import threading
import time
from typing import Any

from awsswitch.standin.model import Call


class CallLog:
    """Calls in arrival order. `changed` (the stand-in's condition) is notified per call."""

    def __init__(self, changed: threading.Condition) -> None:
        self._changed = changed
        self._calls: list[Call] = []

    def record(self, call: Call) -> None:
        with self._changed:
            self._calls.append(call)
            self._changed.notify_all()

    def all(self) -> list[Call]:
        with self._changed:
            return list(self._calls)

    def count(self, operation: str | None, error: str | None, params: dict[str, Any]) -> int:
        with self._changed:
            return sum(
                1
                for c in self._calls
                if (operation is None or c.operation == operation)
                and (error is None or (c.error or "") == error)
                and all(c.params.get(k) == v for k, v in params.items())
            )

    def counts(self) -> dict[str, int]:
        with self._changed:
            return dict(collections.Counter(c.operation for c in self._calls))

    def clear(self) -> None:
        with self._changed:
            self._calls.clear()

    def wait_for(
        self, operation: str, n: int, timeout: float, error: str | None, params: dict[str, Any]
    ) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.count(operation, error, params) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{operation} not called {n} time(s) within {timeout}s")
                self._changed.wait(left)
