"""Listing what the portal grants: every account, and every role in each, for each session.

Manners toward IAM Identity Center, which throttles with 429 `TooManyRequestsException`:
- at most `concurrency` calls in flight, ever (one thread pool shared by all sessions);
- botocore's *adaptive* retry mode on each session's client: throttled calls are retried with
  exponential backoff and jitter, and after the first throttle the client also paces itself
  with a token bucket tuned by CUBIC (shared by every thread using that client);
- when botocore gives up (attempts or its retry quota exhausted), our own backoff retries the
  call a few more times before the run fails;
- `max_rate` optionally caps requests per second per session, for people who share the quota.

Account pages are fetched one after another (each needs the previous page's token) while
role listings for accounts already seen run in the pool. boto3 is imported here only.
"""

from __future__ import annotations

import random
import sys
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import IO, Any

from awsswitch.errors import AwsswitchError
from awsswitch.sync.naming import Grant

DEFAULT_CONCURRENCY = 8
PAGE_SIZE = 100  # the portal's maximum maxResults
BOTOCORE_ATTEMPTS = 6  # per call, within botocore (adaptive mode)
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


class RateLimiter:
    """A token bucket: at most `rate` acquisitions per second on average (burst 1)."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self._interval = 1.0 / rate
        self._clock = clock
        self._next = 0.0
        self._lock = threading.Lock()

    def acquire(self) -> None:
        with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self._interval
        delay = start - now
        if delay > 0:
            time.sleep(delay)


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


def _endpoint(env: Mapping[str, str]) -> str | None:
    # As botocore resolves it from os.environ; we may be handed a different mapping.
    if env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() == "true":
        return None
    return env.get("AWS_ENDPOINT_URL_SSO") or env.get("AWS_ENDPOINT_URL") or None


def make_client(
    region: str, env: Mapping[str, str], *, concurrency: int, max_rate: float | None
) -> Any:
    """An unsigned `sso` portal client with adaptive retries and a big enough pool."""
    import botocore
    import botocore.session
    from botocore.config import Config

    # Ignore AWS_PROFILE / AWS_DEFAULT_PROFILE: the profile they name may not exist yet.
    session = botocore.session.Session(session_vars={"profile": (None, None, None, None)})
    config = Config(
        signature_version=botocore.UNSIGNED,
        connect_timeout=10,
        read_timeout=30,
        max_pool_connections=max(10, concurrency + 2),
        retries={"mode": "adaptive", "total_max_attempts": BOTOCORE_ATTEMPTS},
    )
    client = session.create_client(
        "sso", region_name=region, config=config, endpoint_url=_endpoint(env)
    )
    if max_rate:
        limiter = RateLimiter(max_rate)

        def pace(**_: Any) -> None:  # must return None: a value would replace the request
            limiter.acquire()

        client.meta.events.register("before-send.sso", pace)
    return client


def _error_code(exc: BaseException) -> str | None:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        return code if isinstance(code, str) else None
    return None


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
                code = _error_code(exc)
                if code == "TooManyRequestsException" and attempt < OWN_RETRIES:
                    stats.own_retries += 1
                    delay = min(_BACKOFF_CAP, _BACKOFF_BASE * 2**attempt)
                    if self.stop.wait(random.uniform(delay / 2, delay)):
                        raise _Cancelled from None
                    continue
                if code == "UnauthorizedException":
                    raise AwsswitchError(
                        f"the portal rejected the token of sso-session {spec.name}: log in "
                        f"again with `awsswitch login --sso-session {spec.name} --force`"
                    ) from None
                raise AwsswitchError(
                    f"sso-session {spec.name}: {operation} failed: {exc}"
                ) from None
            except BotoCoreError as exc:
                raise AwsswitchError(
                    f"sso-session {spec.name}: cannot reach the portal ({exc})"
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
    client_factory: Callable[..., Any] = make_client,
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
        client_factory=client_factory,
    )
    try:
        return lister.run()
    except _Cancelled:  # only raised after another failure set `stop`
        raise AwsswitchError("listing cancelled") from None
