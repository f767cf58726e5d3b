"""Listing what the portal grants: every account, and every role in each, for each session.

Manners toward IAM Identity Center, which documents 20 requests per second and answers more
with 429 `TooManyRequestsException`:
- at most `concurrency` calls in flight, ever (one thread pool shared by all sessions);
- a `Pacer` per session: it starts at 20 requests/s and doubles every quarter second while the
  portal accepts everything (TCP-style slow start), drops 30% on a 429, then grows by about
  2 requests/s each second (AIMD); `max_rate` caps it for people who share the quota;
- botocore's *standard* retry mode retries a throttled call with exponential backoff and
  jitter; when it gives up (attempts or its retry quota exhausted) our own backoff retries the
  call a few more times before the run fails.
(botocore's "adaptive" mode was tried and dropped: a 429 within the first half second, before
it has measured any rate, pins the client to 0.5-1 request/s for many seconds.)

Account pages are fetched one after another (each needs the previous page's token) while
role listings for accounts already seen run in the pool. The client comes from
`awsswitch.sso.clients` (endpoint resolution, timeouts, capped replies, error text free of the
token), the one home for those.
"""

from __future__ import annotations

import collections
import random
import sys
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import IO, Any

from awsswitch.context import display
from awsswitch.errors import AwsswitchError
from awsswitch.sso import clients
from awsswitch.sso.state import shell_word
from awsswitch.sync.naming import Grant

DEFAULT_CONCURRENCY = 8
PAGE_SIZE = 100  # the portal's maximum maxResults
BOTOCORE_ATTEMPTS = 6  # per call, within botocore (standard mode)
OWN_RETRIES = 6  # further rounds after botocore gives up on a throttled call
_BACKOFF_BASE = 0.25
_BACKOFF_CAP = 10.0


@dataclass(frozen=True)
class SessionSpec:
    """One sso-session to list: its name, portal region and a fresh access token."""

    name: str
    region: str
    access_token: str


@dataclass
class Stats:
    """Per-session counters (HTTP attempts, 429s seen, calls retried by our own backoff)."""

    accounts: int = 0
    accounts_done: int = 0
    roles: int = 0
    requests: int = 0
    throttled: int = 0
    own_retries: int = 0
    pages_done: bool = False


class _Cancelled(Exception):
    """Another task failed or the user pressed Ctrl-C: stop quietly."""


class Pacer:
    """Requests per second for one portal: slow start, then AIMD on throttling (thread-safe).

    `before_send()` runs before every HTTP attempt (retries included) and sleeps as needed;
    `on_response()` sees every answer and cuts the rate on a 429. Growth is by elapsed time.
    """

    START = 20.0  # IAM Identity Center's documented rate
    FLOOR = 1.0
    DOUBLING = 0.25  # seconds per doubling during slow start: 20 → 320 in one second
    CEILING = 10_000.0  # past this, concurrency is the only bound anyway
    INCREASE = 2.0  # requests/s gained per second after the first throttle
    DECREASE = 0.7  # rate kept after a 429 (CUBIC's beta; halving wastes more)
    COOLDOWN = 1.0  # one cut per second: a burst of 429s is one congestion event

    def __init__(
        self, cap: float | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.cap = cap
        self.rate = min(self.START, cap) if cap else self.START
        self.slow_start = True
        self._clock = clock
        self._lock = threading.Lock()
        self._next = 0.0
        self._t0: float | None = None
        self._last_grow = 0.0
        self._last_cut = float("-inf")
        self._sent: collections.deque[float] = collections.deque()

    def _observed(self, now: float) -> float:
        while self._sent and self._sent[0] <= now - 1.0:
            self._sent.popleft()
        span = min(1.0, max(now - (self._t0 or now), 0.1))
        return len(self._sent) / span

    def _grow(self, now: float) -> None:
        dt = now - self._last_grow
        self._last_grow = now
        if self.slow_start:
            self.rate = min(self.rate * 2 ** (dt / self.DOUBLING), self.CEILING)
        else:
            self.rate = min(self.rate + self.INCREASE * dt, self.CEILING)
        if self.cap:
            self.rate = min(self.rate, self.cap)

    def before_send(self, **_: Any) -> None:  # must return None: a value replaces the request
        with self._lock:
            now = self._clock()
            if self._t0 is None:
                self._t0 = self._last_grow = now
            self._grow(now)
            start = max(now, self._next)
            self._next = start + 1.0 / self.rate
            self._sent.append(start)
        if start > now:
            time.sleep(start - now)

    def throttled(self) -> None:
        with self._lock:
            now = self._clock()
            if now - self._last_cut < self.COOLDOWN:
                return
            self._last_cut = now
            self.slow_start = False
            self.rate = max(self.FLOOR, min(self.rate, self._observed(now)) * self.DECREASE)

    def on_response(self, response: Any = None, **_: Any) -> None:  # a `needs-retry` handler
        if response is not None and getattr(response[0], "status_code", 0) == 429:
            self.throttled()


class Progress:
    """Progress on stderr: a line redrawn in place on a terminal, a final count otherwise."""

    def __init__(self, stream: IO[str] | None = None, *, tty: bool | None = None) -> None:
        self.stream = sys.stderr if stream is None else stream
        self.tty = self.stream.isatty() if tty is None else tty
        self._lock = threading.Lock()
        self._last = 0.0
        self._drawn = False
        self.stats: dict[str, Stats] = {}

    def update(self, force: bool = False) -> None:
        if not self.tty:
            return
        with self._lock:
            now = time.monotonic()
            if not force and now - self._last < 0.1:
                return
            self._last = now
            total = sum(s.accounts for s in self.stats.values())
            done = sum(s.accounts_done for s in self.stats.values())
            roles = sum(s.roles for s in self.stats.values())
            throttled = sum(s.throttled for s in self.stats.values())
            more = "" if all(s.pages_done for s in self.stats.values()) else "+"
            line = f"awsswitch: listing roles: {done}/{total}{more} accounts, {roles} roles"
            if throttled:
                line += f", {throttled} throttled"
            self.stream.write("\r\033[K" + line)
            self.stream.flush()
            self._drawn = True

    def finish(self) -> None:
        with self._lock:
            if self._drawn:
                self.stream.write("\r\033[K")
                self._drawn = False
            for name, s in self.stats.items():
                note = f", {s.throttled} throttled and retried" if s.throttled else ""
                self.stream.write(
                    f"awsswitch: {name}: {s.accounts} accounts, {s.roles} roles "
                    f"({s.requests} requests{note})\n"
                )
            self.stream.flush()


def make_client(
    region: str, env: Mapping[str, str], *, concurrency: int, max_rate: float | None
) -> Any:
    """A `sso` portal client from `clients.client` (unsigned, bounded, endpoint overrides
    honoured), with more attempts for throttling, a `Pacer` and a big enough pool."""
    client = clients.client(
        "sso",
        region,
        env,
        attempts=BOTOCORE_ATTEMPTS,
        max_pool_connections=max(10, concurrency + 2),
    )
    pacer = Pacer(cap=max_rate)
    # Registered before `clients`' bounded sender (a last handler), so it paces every send.
    client.meta.events.register("before-send.sso", pacer.before_send)
    client.meta.events.register("needs-retry.sso", pacer.on_response)
    return client


class _Lister:
    def __init__(
        self,
        specs: list[SessionSpec],
        *,
        env: Mapping[str, str],
        concurrency: int,
        max_rate: float | None,
        progress: Progress,
        client_factory: Callable[..., Any] = make_client,
    ) -> None:
        self.specs = specs
        self.concurrency = concurrency
        self.progress = progress
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.clients: dict[str, Any] = {}
        for spec in specs:
            stats = progress.stats.setdefault(spec.name, Stats())
            client = client_factory(spec.region, env, concurrency=concurrency, max_rate=max_rate)
            client.meta.events.register("needs-retry.sso", self._counter(stats))
            self.clients[spec.name] = client
        self.pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="sync")
        self.role_futures: list[Future[list[Grant]]] = []

    def _counter(self, stats: Stats) -> Callable[..., None]:
        def count(response: Any = None, **_: Any) -> None:  # None: never alters retry decisions
            throttled = response is not None and getattr(response[0], "status_code", 0) == 429
            with self.lock:
                stats.requests += 1
                stats.throttled += throttled

        return count

    def _task(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        def guarded() -> Any:
            try:
                return fn(*args)
            except BaseException:
                self.stop.set()  # the others stop at their next call
                raise

        return self.pool.submit(guarded)

    def call(self, spec: SessionSpec, operation: str, **params: Any) -> dict[str, Any]:
        """One portal call, with our own backoff on top of botocore's retries."""
        from botocore.exceptions import BotoCoreError, ClientError

        method = getattr(self.clients[spec.name], operation)
        stats = self.progress.stats[spec.name]
        for attempt in range(OWN_RETRIES + 1):
            if self.stop.is_set():
                raise _Cancelled
            try:
                return method(accessToken=spec.access_token, **params)
            except ClientError as exc:
                code = clients.error_code(exc)
                if code == "TooManyRequestsException" and attempt < OWN_RETRIES:
                    stats.own_retries += 1
                    delay = min(_BACKOFF_CAP, _BACKOFF_BASE * 2**attempt)
                    if self.stop.wait(random.uniform(delay / 2, delay)):
                        raise _Cancelled from None
                    continue
                name = display(spec.name)
                if code == "UnauthorizedException":
                    raise AwsswitchError(
                        f"the portal rejected the token of sso-session {name}: log in again "
                        f"with `awsswitch login --sso-session {shell_word(spec.name)} --force`"
                    ) from None
                api = "".join(w.title() for w in operation.split("_"))
                reason = clients.describe(exc, [spec.access_token])
                raise AwsswitchError(f"sso-session {name}: {api} failed: {reason}") from None
            except BotoCoreError as exc:
                reason = clients.describe(exc, [spec.access_token])
                raise AwsswitchError(
                    f"sso-session {display(spec.name)}: cannot reach the portal ({reason})"
                ) from None
        raise AssertionError("unreachable")

    def roles(self, spec: SessionSpec, account: Mapping[str, Any]) -> list[Grant]:
        stats = self.progress.stats[spec.name]
        account_id = str(account["accountId"])
        name = account.get("accountName")
        grants: list[Grant] = []
        token: str | None = None
        while True:
            params: dict[str, Any] = {"accountId": account_id, "maxResults": PAGE_SIZE}
            if token:
                params["nextToken"] = token
            page = self.call(spec, "list_account_roles", **params)
            for role in page.get("roleList", []):
                role_name = role.get("roleName")
                if isinstance(role_name, str) and role_name:
                    grants.append(
                        Grant(
                            spec.name,
                            account_id,
                            name if isinstance(name, str) else None,
                            role_name,
                        )
                    )
            token = page.get("nextToken")
            if not token:
                break
        with self.lock:
            stats.accounts_done += 1
            stats.roles += len(grants)
        self.progress.update()
        return grants

    def accounts(self, spec: SessionSpec) -> None:
        """Page through ListAccounts, queueing a role listing for each account as it comes."""
        stats = self.progress.stats[spec.name]
        token: str | None = None
        seen: set[str] = set()
        while True:
            params: dict[str, Any] = {"maxResults": PAGE_SIZE}
            if token:
                params["nextToken"] = token
            page = self.call(spec, "list_accounts", **params)
            for account in page.get("accountList", []):
                account_id = account.get("accountId")
                if not isinstance(account_id, str) or not account_id or account_id in seen:
                    continue
                seen.add(account_id)
                future = self._task(self.roles, spec, account)
                with self.lock:
                    stats.accounts += 1
                    self.role_futures.append(future)
            self.progress.update()
            token = page.get("nextToken")
            if not token:
                break
        stats.pages_done = True

    def run(self) -> dict[str, list[Grant]]:
        try:
            pagers = [self._task(self.accounts, spec) for spec in self.specs]
            self._wait(pagers)
            # Every pager is done, so the list of role futures is complete.
            self._wait(self.role_futures)
            result: dict[str, list[Grant]] = {spec.name: [] for spec in self.specs}
            for f in self.role_futures:
                for grant in f.result():
                    result[grant.session].append(grant)
            return result
        except BaseException:
            self.stop.set()
            raise
        finally:
            self.pool.shutdown(wait=not self.stop.is_set(), cancel_futures=True)
            self.progress.update(force=True)
            self.progress.finish()

    def _wait(self, futures: list[Future[Any]]) -> None:
        """Wait for all; on a failure, raise the first real error (not a `_Cancelled`)."""
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        failed = [f for f in done if f.exception() is not None]
        if not failed:
            return
        self.stop.set()
        wait(futures)  # the rest stop at their next call; their errors may be the real one
        errors = [f.exception() for f in futures if f.done() and not f.cancelled()]
        real = [e for e in errors if e is not None and not isinstance(e, _Cancelled)]
        raise (real or [e for e in errors if e is not None])[0]


def list_grants(
    specs: list[SessionSpec],
    *,
    env: Mapping[str, str],
    concurrency: int = DEFAULT_CONCURRENCY,
    max_rate: float | None = None,
    progress: Progress | None = None,
    client_factory: Callable[..., Any] | None = None,
) -> dict[str, list[Grant]]:
    """Every account × role each session's portal grants, keyed by session name.

    Raises AwsswitchError when a session's listing fails (nothing is partially returned).
    """
    if concurrency < 1:
        raise AwsswitchError("--concurrency must be at least 1", exit_code=2)
    lister = _Lister(
        specs,
        env=env,
        concurrency=concurrency,
        max_rate=max_rate,
        progress=progress or Progress(),
        client_factory=client_factory or make_client,
    )
    try:
        return lister.run()
    except _Cancelled:  # only raised after another failure set `stop`
        raise AwsswitchError("listing cancelled") from None
