"""A local IAM Identity Center stand-in: the `sso-oidc` and `sso` (portal) JSON APIs on 127.0.0.1.

boto3 reaches it through `AWS_ENDPOINT_URL_SSO_OIDC` / `AWS_ENDPOINT_URL_SSO` (see `StandIn.env`),
the AWS CLI v2 through `AWS_DATA_PATH` (see `StandIn.cli_data_path`). Wire shapes follow botocore's
service models `sso-oidc/2019-06-10` and `sso/2019-06-10` (rest-json); errors carry the header
`x-amzn-ErrorType: <Code>` plus an OAuth body (`error`, `error_description`) for sso-oidc or a
`message` body for the portal, which botocore maps to the modelled exceptions.

Standard library only: the demo and the benchmarks import this without boto3.
"""

from __future__ import annotations

import base64
import collections
import contextlib
import hashlib
import html
import json
import random
import secrets
import shutil
import socket
import string
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from awsswitch.standin.clidata import write_cli_data_path

EXAMPLE_START_URL = "https://d-1234567890.awsapps.com/start"

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
AUTHORIZATION_CODE_GRANT = "authorization_code"
REFRESH_TOKEN_GRANT = "refresh_token"

OIDC_OPERATIONS = frozenset({"RegisterClient", "StartDeviceAuthorization", "CreateToken"})
PORTAL_OPERATIONS = frozenset({"ListAccounts", "ListAccountRoles", "GetRoleCredentials", "Logout"})

# (method, path) -> operation name, as in the service models' `http.requestUri`.
_ROUTES: dict[tuple[str, str], str] = {
    ("POST", "/client/register"): "RegisterClient",
    ("POST", "/device_authorization"): "StartDeviceAuthorization",
    ("POST", "/token"): "CreateToken",
    ("GET", "/assignment/accounts"): "ListAccounts",
    ("GET", "/assignment/roles"): "ListAccountRoles",
    ("GET", "/federation/credentials"): "GetRoleCredentials",
    ("POST", "/logout"): "Logout",
}

# Modelled sso-oidc exception -> (HTTP status, OAuth `error` value).
_OIDC_ERRORS: dict[str, tuple[int, str]] = {
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
_PORTAL_ERRORS: dict[str, int] = {
    "InternalServerException": 500,
    "InvalidRequestException": 400,
    "UnauthorizedException": 401,
    "ForbiddenException": 403,  # what the real portal answers for an unassigned account/role
    "ResourceNotFoundException": 404,
    "TooManyRequestsException": 429,
}

_DEFAULT_ROLE_NAMES = (
    "AdministratorAccess",
    "PowerUserAccess",
    "ReadOnlyAccess",
    "ViewOnlyAccess",
    "Billing",
    "SecurityAudit",
)


# --------------------------------------------------------------------------- public data types


@dataclass(frozen=True)
class Account:
    """An AWS account the portal lists, with the permission-set roles assigned in it."""

    account_id: str
    name: str | None = None
    email: str | None = None
    roles: tuple[str, ...] = ()

    @classmethod
    def coerce(cls, value: Account | Mapping[str, Any] | tuple[Any, ...]) -> Account:
        """Accept an `Account`, a dict (`id`/`account_id`/`accountId`, `name`/`accountName`,
        `email`/`emailAddress`, `roles`) or a tuple `(id, name, email, roles)`."""
        if isinstance(value, Account):
            return value
        if isinstance(value, Mapping):
            account_id = value.get("id") or value.get("account_id") or value.get("accountId")
            if not account_id:
                raise ValueError(f"account without an id: {value!r}")
            return cls(
                str(account_id),
                value.get("name", value.get("accountName")),
                value.get("email", value.get("emailAddress")),
                _roles(value.get("roles")),
            )
        account_id, name, email, roles = (*value, None, None, None)[:4]
        return cls(str(account_id), name, email, _roles(roles))

    def as_account_info(self) -> dict[str, str]:
        """The `AccountInfo` shape (name and email are optional, as on the real portal)."""
        info = {"accountId": self.account_id}
        if self.name is not None:
            info["accountName"] = self.name
        if self.email is not None:
            info["emailAddress"] = self.email
        return info


def _roles(value: Iterable[str] | str | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


DEFAULT_ACCOUNTS: tuple[Account, ...] = (
    Account("111111111111", "home", "home@example.com", ("PowerUser", "ReadOnly")),
    Account("222222222222", "work", "work@example.com", ("AdministratorAccess", "ReadOnly")),
)


def generate_accounts(
    n_accounts: int,
    n_roles: int,
    *,
    role_names: Iterable[str] | None = None,
    name_prefix: str = "account",
    first_id: int = 100_000_000_000,
) -> list[Account]:
    """`n_accounts` accounts (`account-0001`, 12-digit ids from `first_id`) with `n_roles` roles
    each (`role_names`, or AdministratorAccess, PowerUserAccess, ... then `Role7`, `Role8`...)."""
    names = list(role_names) if role_names is not None else list(_DEFAULT_ROLE_NAMES)
    names += [f"Role{i + 1}" for i in range(len(names), n_roles)]
    roles = tuple(names[:n_roles])
    width = max(4, len(str(n_accounts)))
    return [
        Account(
            f"{first_id + i:012d}",
            f"{name_prefix}-{i + 1:0{width}d}",
            f"{name_prefix}-{i + 1:0{width}d}@example.com",
            roles,
        )
        for i in range(n_accounts)
    ]


@dataclass(frozen=True)
class Call:
    """One API call the stand-in answered (throttled and failed ones included)."""

    operation: str  # e.g. "CreateToken", "ListAccounts"
    params: dict[str, Any]  # request parameters by model name (accessToken, grantType, ...)
    status: int  # HTTP status sent
    error: str | None  # error code sent (e.g. "AuthorizationPendingException"), None on success
    result: dict[str, Any] | None  # response body on success
    time: float  # epoch seconds (real clock) when the request arrived


@dataclass(frozen=True)
class DeviceAuthorization:
    """A snapshot of one StartDeviceAuthorization (see `StandIn.device_authorizations`)."""

    device_code: str
    user_code: str
    client_id: str
    start_url: str | None
    state: str  # "pending", "approved", "denied", "issued" (token handed out)
    polls: int  # CreateToken calls seen for this device code
    expires_at: float  # stand-in clock
    verification_uri_complete: str


@dataclass(frozen=True)
class Grant:
    """Tokens minted directly by `StandIn.mint_token` (no device flow), for seeding caches."""

    access_token: str
    expires_at: float  # epoch seconds
    refresh_token: str | None
    client_id: str
    client_secret: str
    registration_expires_at: int  # epoch seconds (`clientSecretExpiresAt`)

    def cache_entry(self, start_url: str, region: str) -> dict[str, str]:
        """The token as the AWS CLI v2 stores it in `~/.aws/sso/cache/<sha1>.json` (key order
        included); serialise with `json.dumps(entry)` and no trailing newline."""
        entry = {
            "startUrl": start_url,
            "region": region,
            "accessToken": self.access_token,
            "expiresAt": _iso(self.expires_at),
            "clientId": self.client_id,
            "clientSecret": self.client_secret,
            "registrationExpiresAt": _iso(self.registration_expires_at),
        }
        if self.refresh_token is not None:
            entry["refreshToken"] = self.refresh_token
        return entry


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(int(epoch), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- internal state


class ApiError(Exception):
    """An error answer; `code` is the modelled exception name."""

    def __init__(self, code: str, message: str = "", status: int | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


@dataclass
class _Client:
    client_id: str
    client_secret: str
    name: str
    scopes: tuple[str, ...]
    expires_at: int
    grant_types: tuple[str, ...] = ()


@dataclass
class _AuthCode:
    """One `/authorize` visit of the PKCE flow (AWS CLI >= 2.22)."""

    request_id: str
    client_id: str
    redirect_uri: str
    state: str
    challenge: str
    code: str | None = None  # set once the user allowed access
    used: bool = False
    expires_at: float = 0.0


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


@dataclass
class _State:
    clients: dict[str, _Client] = field(default_factory=dict)
    devices: dict[str, _Device] = field(default_factory=dict)  # by device code
    auth_codes: dict[str, _AuthCode] = field(default_factory=dict)  # by request id
    access: dict[str, _Access] = field(default_factory=dict)
    refresh: dict[str, _Refresh] = field(default_factory=dict)
    sessions: set[str] = field(default_factory=set)  # live sign-in sessions (Logout ends one)


def _token(prefix: str, nbytes: int = 24) -> str:
    return f"{prefix}{secrets.token_urlsafe(nbytes)}"


def _user_code() -> str:
    alphabet = "BCDFGHJKLMNPQRSTVWXZ"  # no vowels, as the real portal: no accidental words
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(2))


def _pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _random_chars(alphabet: str, n: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


def _access_key_id() -> str:
    return "ASIA" + _random_chars(string.ascii_uppercase + "234567", 16)


# --------------------------------------------------------------------------- the server


class StandIn:
    """The stand-in server. Start it with `start()` or `with StandIn(...) as s:`.

    Every keyword below is also a public attribute that may be changed while the server runs
    (e.g. `s.latency = 0.02`, `s.auto_approve_after = None`); reads happen per request.

    Accounts and tokens:
      accounts: the portal's accounts (`Account`, dict or tuple; see `Account.coerce`);
        default `DEFAULT_ACCOUNTS`; `generate_accounts(n, m)` for benchmarks.
      access_token_ttl: `expiresIn` of issued access tokens, seconds.
      registration_ttl: lifetime of client registrations (`clientSecretExpiresAt` = now + this).
      refresh_tokens: whether CreateToken returns (and accepts) refresh tokens.
      credentials_ttl: lifetime of GetRoleCredentials results, seconds.
      page_size: ListAccounts/ListAccountRoles page size when the caller sends no `maxResults`.

    Device flow:
      auto_approve_after: approve a device authorization after that many
        `AuthorizationPendingException` answers (0 = the first CreateToken succeeds, which is
        what `aws sso login` needs to print nothing); None = only `approve()`/the HTTP page.
      interval: the `interval` StartDeviceAuthorization announces (seconds, int).
      device_code_ttl: `expiresIn` of device codes; afterwards CreateToken answers
        `ExpiredTokenException`.
      slow_down_on: poll numbers (1-based, per device code) answered with `SlowDownException`
        (e.g. `(2,)`: the second poll); such polls do not count towards auto-approval.
      enforce_interval: answer `SlowDownException` to a poll sooner than `interval` after the
        previous one (and add 5 s to that device code's interval, as RFC 8628 says).

    Behaviour under load:
      latency: seconds slept before answering each API call (per call, concurrent calls overlap).
      throttle_every: every Nth eligible call gets 429 `TooManyRequestsException` (0 = off).
      throttle_probability: each eligible call is throttled with this probability (RNG `seed`).
      throttle_rps: more than this many eligible calls within one second are throttled.
      throttle_operations: which operations are eligible (default: the portal's four).

    Observability: `calls`, `count()`, `counts()`, `reset_calls()`, `wait_for_call()`,
    `device_authorizations()`, `pending()`, `token_valid()`.
    Control: `approve()`, `deny()`, `wait_for_device_authorization()`, `fail()` (inject errors),
    `mint_token()` (a signed-in session without a login), `advance()` (move the clock),
    `authorize()`/`allow()` (PKCE browser side, for AWS CLI >= 2.22).
    """

    def __init__(
        self,
        accounts: Iterable[Account | Mapping[str, Any] | tuple[Any, ...]] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        access_token_ttl: int = 3600,
        registration_ttl: int = 90 * 24 * 3600,
        refresh_tokens: bool = True,
        credentials_ttl: int = 3600,
        page_size: int = 20,
        auto_approve_after: int | None = 0,
        interval: int = 1,
        device_code_ttl: int = 600,
        slow_down_on: Iterable[int] = (),
        enforce_interval: bool = False,
        latency: float = 0.0,
        throttle_every: int = 0,
        throttle_probability: float = 0.0,
        throttle_rps: float | None = None,
        throttle_operations: Iterable[str] = PORTAL_OPERATIONS,
        seed: int | None = 0,
        verbose: bool = False,
    ) -> None:
        self.accounts: list[Account] = [
            Account.coerce(a) for a in (DEFAULT_ACCOUNTS if accounts is None else accounts)
        ]
        self.host = host
        self.port = port
        self.access_token_ttl = access_token_ttl
        self.registration_ttl = registration_ttl
        self.refresh_tokens = refresh_tokens
        self.credentials_ttl = credentials_ttl
        self.page_size = page_size
        self.auto_approve_after = auto_approve_after
        self.interval = interval
        self.device_code_ttl = device_code_ttl
        self.slow_down_on = frozenset(slow_down_on)
        self.enforce_interval = enforce_interval
        self.latency = latency
        self.throttle_every = throttle_every
        self.throttle_probability = throttle_probability
        self.throttle_rps = throttle_rps
        self.throttle_operations = frozenset(throttle_operations)
        self.verbose = verbose

        self._rng = random.Random(seed)
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)  # notified on every call / new device
        self._state = _State()
        self._calls: list[Call] = []
        self._eligible_seen = 0  # eligible calls so far, for throttle_every
        self._recent: collections.deque[float] = collections.deque()  # for throttle_rps
        self._offset = 0.0  # `advance()` moves the stand-in's clock, not the real one
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self._tmpdirs: list[str] = []
        self._faults: dict[str, list[tuple[str, str, int | None]]] = {}  # see fail()

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> StandIn:
        """Bind (port 0 = any free port) and serve in a daemon thread; returns self."""
        if self._httpd is not None:
            return self
        self._httpd = _Server((self.host, self.port), _Handler, self)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"standin-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close open connections and remove folders made by `cli_data_path()`."""
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.close_connections()
            httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        for path in self._tmpdirs:
            shutil.rmtree(path, ignore_errors=True)
        self._tmpdirs.clear()

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._httpd is not None

    @property
    def url(self) -> str:
        """Base URL of both APIs, e.g. `http://127.0.0.1:40123`."""
        if self._httpd is None:
            raise RuntimeError("the stand-in is not running: call start() first")
        return f"http://{self.host}:{self.port}"

    @property
    def verification_uri(self) -> str:
        """The page a user "opens in the browser"; visiting `...?user_code=X` approves X."""
        return f"{self.url}/device"

    def env(self, *, cli_data_path: bool = False) -> dict[str, str]:
        """Variables that point boto3 (botocore >= 1.31) at the stand-in. With
        `cli_data_path=True`, also `AWS_DATA_PATH` for the AWS CLI v2 (temporary folder,
        removed by `stop()`)."""
        values = {"AWS_ENDPOINT_URL_SSO": self.url, "AWS_ENDPOINT_URL_SSO_OIDC": self.url}
        if cli_data_path:
            values["AWS_DATA_PATH"] = self.cli_data_path()
        return values

    def cli_data_path(self, directory: str | None = None) -> str:
        """Write the `AWS_DATA_PATH` folder redirecting the AWS CLI v2 (2.9.19 ignores
        `AWS_ENDPOINT_URL_*`) to this server and return it. Without `directory`, a temporary
        folder that `stop()` removes."""
        if directory is None:
            directory = tempfile.mkdtemp(prefix="standin-data-")
            self._tmpdirs.append(directory)
        return write_cli_data_path(directory, self.url)

    # ------------------------------------------------------------------ clock and seeding

    def now(self) -> float:
        """The stand-in's clock (real time plus `advance()`), used for every expiry check."""
        return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        """Move the stand-in's clock forward: tokens, device codes and registrations expire."""
        with self._lock:
            self._offset += seconds

    def mint_token(
        self,
        *,
        expires_in: int | None = None,
        refresh_token: bool | None = None,
        registration_expires_in: int | None = None,
        client_id: str | None = None,
    ) -> Grant:
        """Create a client registration (or reuse `client_id`) and a signed-in session without
        the device flow; returns its tokens. Negative lifetimes give expired ones. Not recorded
        in `calls`."""
        now = self.now()
        with self._lock:
            if client_id is not None:
                client = self._state.clients[client_id]
            else:
                ttl = (
                    self.registration_ttl
                    if registration_expires_in is None
                    else (registration_expires_in)
                )
                client = self._new_client("minted", (), int(now) + ttl)
            session = uuid.uuid4().hex
            self._state.sessions.add(session)
            body = self._issue(session, client.client_id, now, expires_in, refresh_token)
        return Grant(
            access_token=body["accessToken"],
            expires_at=now + body["expiresIn"],
            refresh_token=body.get("refreshToken"),
            client_id=client.client_id,
            client_secret=client.client_secret,
            registration_expires_at=client.expires_at,
        )

    def fail(
        self,
        operation: str,
        code: str = "InternalServerException",
        *,
        times: int = 1,
        message: str = "Injected failure",
        status: int | None = None,
    ) -> None:
        """Answer the next `times` calls of `operation` with error `code` (e.g.
        `fail("CreateToken", "InvalidGrantException")` makes the next refresh fail). The status
        defaults to the modelled one (500 for InternalServerException, 400 for most others)."""
        if operation not in _ROUTES.values():
            raise ValueError(f"unknown operation {operation!r}")
        with self._lock:
            self._faults.setdefault(operation, []).extend([(code, message, status)] * times)

    def token_valid(self, access_token: str) -> bool:
        """Whether the portal would accept `access_token` now."""
        with self._lock:
            return self._check_access(access_token, self.now(), raise_error=False)

    # ------------------------------------------------------------------ device approval

    def device_authorizations(self) -> list[DeviceAuthorization]:
        """Every device authorization so far, oldest first."""
        with self._lock:
            return [self._snapshot(d) for d in self._state.devices.values()]

    def pending(self) -> list[DeviceAuthorization]:
        """Device authorizations waiting for approval (and not expired)."""
        now = self.now()
        return [
            d for d in self.device_authorizations() if d.state == "pending" and d.expires_at > now
        ]

    def approve(self, user_code: str | None = None) -> list[str]:
        """Approve the pending device authorization with `user_code` (`None`: every pending
        one), as a user would in the browser. Returns the user codes approved; raises
        `LookupError` for an unknown or no longer pending `user_code`."""
        return self._decide(user_code, "approved")

    def deny(self, user_code: str | None = None) -> list[str]:
        """Deny instead: the next CreateToken poll answers `AccessDeniedException`."""
        return self._decide(user_code, "denied")

    def wait_for_device_authorization(self, timeout: float = 10.0) -> DeviceAuthorization:
        """Block until a device authorization is pending (e.g. a CLI in another process
        started one) and return the oldest; `TimeoutError` after `timeout` seconds."""
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

    def _decide(self, user_code: str | None, decision: str) -> list[str]:
        now = self.now()
        with self._changed:
            targets = [
                d
                for d in self._state.devices.values()
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

    # ------------------------------------------------------------------ observability

    @property
    def calls(self) -> list[Call]:
        """A copy of the API calls answered so far (oldest first)."""
        with self._lock:
            return list(self._calls)

    def count(
        self, operation: str | None = None, *, error: str | None = None, **params: Any
    ) -> int:
        """Calls of `operation` (None: any) whose error is `error` (when given; use "" for
        successes) and whose params include `params`, e.g.
        `count("CreateToken", grantType="refresh_token", error="")`."""
        with self._lock:
            return sum(
                1
                for c in self._calls
                if (operation is None or c.operation == operation)
                and (error is None or (c.error or "") == error)
                and all(c.params.get(k) == v for k, v in params.items())
            )

    def counts(self) -> dict[str, int]:
        """Number of calls per operation."""
        with self._lock:
            return dict(collections.Counter(c.operation for c in self._calls))

    def reset_calls(self) -> None:
        """Forget recorded calls (state such as tokens and registrations is kept)."""
        with self._lock:
            self._calls.clear()

    def wait_for_call(
        self, operation: str, n: int = 1, timeout: float = 10.0, **params: Any
    ) -> None:
        """Block until `count(operation, **params) >= n`; `TimeoutError` otherwise."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.count(operation, **params) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{operation} not called {n} time(s) within {timeout}s")
                self._changed.wait(left)

    # ------------------------------------------------------------------ request handling

    def handle(
        self,
        operation: str,
        body: dict[str, Any],
        query: dict[str, str],
        headers: Mapping[str, str],
    ) -> tuple[int, dict[str, Any] | None, str | None]:
        """Answer one API call: (status, JSON body or None, error code or None). Records it."""
        arrived = time.time()
        params = self._params(operation, body, query, headers)
        if self.latency > 0:
            time.sleep(self.latency)
        try:
            self._maybe_fail(operation)
            self._maybe_throttle(operation)
            result = getattr(self, f"_op_{operation}")(params)
            status, error, payload = 200, None, result
        except ApiError as exc:
            status, error = self._error_status(operation, exc), exc.code
            payload = self._error_body(operation, exc)
            result = None
        except Exception as exc:  # a stand-in bug: answer like AWS would, keep serving
            bug = ApiError("InternalServerException", f"stand-in error: {exc!r}", 500)
            status, error, payload, result = 500, bug.code, self._error_body(operation, bug), None
        with self._changed:
            self._calls.append(Call(operation, params, status, error, result, arrived))
            self._changed.notify_all()
        return status, payload, error

    @staticmethod
    def _params(
        operation: str, body: dict[str, Any], query: dict[str, str], headers: Mapping[str, str]
    ) -> dict[str, Any]:
        if operation in OIDC_OPERATIONS:
            return dict(body)
        params: dict[str, Any] = {}
        token = headers.get("x-amz-sso_bearer_token")
        if token is not None:
            params["accessToken"] = token
        for wire, name in (
            ("account_id", "accountId"),
            ("role_name", "roleName"),
            ("next_token", "nextToken"),
            ("max_result", "maxResults"),
        ):
            if wire in query:
                params[name] = query[wire]
        return params

    def _maybe_fail(self, operation: str) -> None:
        with self._lock:
            queue = self._faults.get(operation)
            fault = queue.pop(0) if queue else None
        if fault is not None:
            code, message, status = fault
            raise ApiError(code, message, status)

    def _maybe_throttle(self, operation: str) -> None:
        if operation not in self.throttle_operations:
            return
        with self._lock:
            self._eligible_seen += 1
            throttled = bool(self.throttle_every) and self._eligible_seen % self.throttle_every == 0
            if self.throttle_probability and self._rng.random() < self.throttle_probability:
                throttled = True
            if self.throttle_rps is not None:
                now = time.monotonic()
                while self._recent and now - self._recent[0] >= 1.0:
                    self._recent.popleft()
                if len(self._recent) >= self.throttle_rps:
                    throttled = True
                else:
                    self._recent.append(now)  # only admitted calls use the budget
        if throttled:
            raise ApiError("TooManyRequestsException", "Rate exceeded", 429)

    @staticmethod
    def _error_status(operation: str, exc: ApiError) -> int:
        if exc.status is not None:
            return exc.status
        if operation in OIDC_OPERATIONS and exc.code in _OIDC_ERRORS:
            return _OIDC_ERRORS[exc.code][0]
        return _PORTAL_ERRORS.get(exc.code, 400)

    @staticmethod
    def _error_body(operation: str, exc: ApiError) -> dict[str, Any]:
        if operation in OIDC_OPERATIONS and exc.code in _OIDC_ERRORS:
            return {"error": _OIDC_ERRORS[exc.code][1], "error_description": exc.message}
        return {"message": exc.message}

    # ------------------------------------------------------------------ sso-oidc

    def _new_client(self, name: str, scopes: tuple[str, ...], expires_at: int) -> _Client:
        client = _Client(
            _token("standin-client-", 16), _token("standin-secret-", 32), name, scopes, expires_at
        )
        self._state.clients[client.client_id] = client
        return client

    def _client(self, params: dict[str, Any], now: float) -> _Client:
        client = self._state.clients.get(params.get("clientId", ""))
        if client is None or client.client_secret != params.get("clientSecret"):
            raise ApiError("InvalidClientException", "Invalid client credentials")
        if client.expires_at <= now:
            raise ApiError("InvalidClientException", "Client registration has expired")
        return client

    def _op_RegisterClient(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("clientName") or not params.get("clientType"):
            raise ApiError("InvalidRequestException", "clientName and clientType are required")
        if params["clientType"] != "public":
            raise ApiError(
                "InvalidClientMetadataException", "Only public clients are supported", 400
            )
        now = self.now()
        with self._lock:
            client = self._new_client(
                params["clientName"],
                tuple(params.get("scopes") or ()),
                int(now) + self.registration_ttl,
            )
            client.grant_types = tuple(params.get("grantTypes") or ())
        return {
            "clientId": client.client_id,
            "clientSecret": client.client_secret,
            "clientIdIssuedAt": int(now),
            "clientSecretExpiresAt": client.expires_at,
        }

    def _op_StartDeviceAuthorization(self, params: dict[str, Any]) -> dict[str, Any]:
        now = self.now()
        with self._changed:
            client = self._client(params, now)
            if not params.get("startUrl"):
                raise ApiError("InvalidRequestException", "startUrl is required")
            device = _Device(
                device_code=_token("standin-device-", 24),
                user_code=_user_code(),
                client_id=client.client_id,
                start_url=params["startUrl"],
                expires_at=now + self.device_code_ttl,
                interval=self.interval,
            )
            self._state.devices[device.device_code] = device
            self._changed.notify_all()
        return {
            "deviceCode": device.device_code,
            "userCode": device.user_code,
            "verificationUri": self.verification_uri,
            "verificationUriComplete": f"{self.verification_uri}?user_code={device.user_code}",
            "expiresIn": self.device_code_ttl,
            "interval": device.interval,
        }

    def _op_CreateToken(self, params: dict[str, Any]) -> dict[str, Any]:
        grant = params.get("grantType")
        now = self.now()
        with self._lock:
            client = self._client(params, now)
            if grant == DEVICE_CODE_GRANT:
                return self._device_grant(client, params, now)
            if grant == REFRESH_TOKEN_GRANT:
                return self._refresh_grant(client, params, now)
            if grant == AUTHORIZATION_CODE_GRANT:
                return self._code_grant(client, params, now)
        raise ApiError("UnsupportedGrantTypeException", f"Unsupported grant type: {grant}")

    def _device_grant(self, client: _Client, params: dict[str, Any], now: float) -> dict[str, Any]:
        device = self._state.devices.get(params.get("deviceCode", ""))
        if device is None or device.client_id != client.client_id:
            raise ApiError("InvalidGrantException", "Invalid device code provided")
        device.polls += 1
        previous, device.last_poll = device.last_poll, now
        if device.state == "issued":
            raise ApiError("InvalidGrantException", "Device code has already been used")
        if device.expires_at <= now:
            raise ApiError("ExpiredTokenException", "Device code has expired")
        if device.state == "denied":
            raise ApiError("AccessDeniedException", "Access denied by the user")
        if device.polls in self.slow_down_on:
            raise ApiError("SlowDownException", "Client is polling too quickly")
        if self.enforce_interval and previous is not None and now - previous < device.interval:
            device.interval += 5
            raise ApiError("SlowDownException", "Client is polling too quickly")
        if device.state == "pending":
            auto = self.auto_approve_after
            if auto is None or device.pending_answers < auto:
                device.pending_answers += 1
                raise ApiError("AuthorizationPendingException", "Authorization is still pending")
            device.state = "approved"
        device.state = "issued"
        session = uuid.uuid4().hex
        self._state.sessions.add(session)
        return self._issue(session, client.client_id, now, None, None)

    def _code_grant(self, client: _Client, params: dict[str, Any], now: float) -> dict[str, Any]:
        if AUTHORIZATION_CODE_GRANT not in client.grant_types:
            raise ApiError("UnauthorizedClientException", "Client is not registered for this grant")
        request = next(
            (a for a in self._state.auth_codes.values() if a.code and a.code == params.get("code")),
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
        session = uuid.uuid4().hex
        self._state.sessions.add(session)
        return self._issue(session, client.client_id, now, None, None)

    def authorize(self, query: Mapping[str, str]) -> tuple[str, str | None]:
        """The browser side of the PKCE flow (`GET /authorize?...`, what AWS CLI >= 2.22 opens).
        Returns ("redirect", location) when access is granted at once (auto-approval on), or
        ("page", request id) when the user must click "Allow" (`allow(request id)`)."""
        with self._lock:
            client = self._state.clients.get(query.get("client_id", ""))
        redirect = query.get("redirect_uri", "")
        host = urlsplit(redirect).hostname
        if (
            client is None
            or query.get("response_type") != "code"
            or query.get("code_challenge_method") != "S256"
            or not query.get("code_challenge")
            or host not in ("127.0.0.1", "localhost", "::1")
        ):
            raise ApiError("InvalidRequestException", "Invalid authorization request")
        with self._changed:
            request = _AuthCode(
                request_id=uuid.uuid4().hex,
                client_id=client.client_id,
                redirect_uri=redirect,
                state=query.get("state", ""),
                challenge=query["code_challenge"],
            )
            self._state.auth_codes[request.request_id] = request
            self._changed.notify_all()
        if self.auto_approve_after is None:
            return "page", request.request_id
        return "redirect", self.allow(request.request_id)

    def allow(self, request_id: str) -> str:
        """Grant a pending `/authorize` request; returns the callback URL (with code and state)
        the browser is redirected to. `LookupError` for an unknown request."""
        with self._lock:
            request = self._state.auth_codes.get(request_id)
            if request is None or request.code is not None:
                raise LookupError(f"no pending authorization request {request_id}")
            request.code = _token("standin-code-", 24)
            request.expires_at = self.now() + 300
        sep = "&" if "?" in request.redirect_uri else "?"
        query = urlencode({"code": request.code, "state": request.state})
        return f"{request.redirect_uri}{sep}{query}"

    def _refresh_grant(self, client: _Client, params: dict[str, Any], now: float) -> dict[str, Any]:
        old = self._state.refresh.get(params.get("refreshToken", ""))
        if (
            not self.refresh_tokens
            or old is None
            or old.used
            or old.client_id != client.client_id
            or old.session not in self._state.sessions
        ):
            raise ApiError("InvalidGrantException", "Invalid refresh token provided")
        old.used = True  # rotation: a refresh token works once
        return self._issue(old.session, client.client_id, now, None, None)

    def _issue(
        self,
        session: str,
        client_id: str,
        now: float,
        expires_in: int | None,
        refresh: bool | None,
    ) -> dict[str, Any]:
        ttl = self.access_token_ttl if expires_in is None else expires_in
        access = _token("standin-access-", 32)
        self._state.access[access] = _Access(session, client_id, now + ttl)
        body: dict[str, Any] = {"accessToken": access, "tokenType": "Bearer", "expiresIn": ttl}
        if self.refresh_tokens if refresh is None else refresh:
            token = _token("standin-refresh-", 32)
            self._state.refresh[token] = _Refresh(session, client_id)
            body["refreshToken"] = token
        return body

    # ------------------------------------------------------------------ portal

    def _check_access(self, token: str | None, now: float, raise_error: bool = True) -> bool:
        access = self._state.access.get(token or "")
        ok = (
            access is not None
            and access.expires_at > now
            and access.session in self._state.sessions
        )
        if not ok and raise_error:
            raise ApiError("UnauthorizedException", "Session token not found or invalid")
        return ok

    def _account(self, account_id: str | None) -> Account:
        for account in self.accounts:
            if account.account_id == account_id:
                return account
        raise ApiError("ForbiddenException", "No access")

    def _page(
        self, items: list[dict[str, Any]], params: dict[str, Any], kind: str
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of `items`; `nextToken` is `<kind>:<offset>`, so a token from another
        listing is rejected as the real portal would."""
        start = 0
        token = params.get("nextToken")
        if token:
            prefix, _, offset = str(token).rpartition(":")
            if prefix != kind or not offset.isdigit():
                raise ApiError("InvalidRequestException", "Invalid nextToken")
            start = int(offset)
        try:
            size = int(params.get("maxResults") or self.page_size)
        except ValueError:
            raise ApiError("InvalidRequestException", "Invalid maxResults") from None
        end = start + max(1, min(size, 100))
        return items[start:end], (f"{kind}:{end}" if end < len(items) else None)

    def _op_ListAccounts(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self._check_access(params.get("accessToken"), self.now())
        page, token = self._page([a.as_account_info() for a in self.accounts], params, "accounts")
        result: dict[str, Any] = {"accountList": page}
        if token:
            result["nextToken"] = token
        return result

    def _op_ListAccountRoles(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self._check_access(params.get("accessToken"), self.now())
        account = self._account(params.get("accountId"))
        roles = [{"roleName": r, "accountId": account.account_id} for r in account.roles]
        page, token = self._page(roles, params, f"roles-{account.account_id}")
        result: dict[str, Any] = {"roleList": page}
        if token:
            result["nextToken"] = token
        return result

    def _op_GetRoleCredentials(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self._check_access(params.get("accessToken"), self.now())
        account = self._account(params.get("accountId"))
        if params.get("roleName") not in account.roles:
            raise ApiError("ForbiddenException", "No access")
        expiration = int((self.now() + self.credentials_ttl) * 1000)
        return {
            "roleCredentials": {
                "accessKeyId": _access_key_id(),
                "secretAccessKey": _random_chars(string.ascii_letters + string.digits, 40),
                "sessionToken": _token("standin-session-", 96),
                "expiration": expiration,
            }
        }

    def _op_Logout(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self._check_access(params.get("accessToken"), self.now())
            session = self._state.access[params["accessToken"]].session
            self._state.sessions.discard(session)  # every token of the sign-in dies with it
        return {}

    def _snapshot(self, d: _Device) -> DeviceAuthorization:
        return DeviceAuthorization(
            d.device_code,
            d.user_code,
            d.client_id,
            d.start_url,
            d.state,
            d.polls,
            d.expires_at,
            f"{self.verification_uri}?user_code={d.user_code}",
        )


# --------------------------------------------------------------------------- HTTP plumbing


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # benchmarks open many connections at once

    def __init__(self, address: tuple[str, int], handler: type, standin: StandIn) -> None:
        self.standin = standin
        self._open: set[Any] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, handler)

    def track(self, sock: Any, add: bool) -> None:
        with self._open_lock:
            (self._open.add if add else self._open.discard)(sock)

    def close_connections(self) -> None:
        """Wake handler threads blocked on idle keep-alive connections so they exit."""
        with self._open_lock:
            socks = list(self._open)
        for sock in socks:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up (killed CLI, pool teardown) are normal here; stay quiet.
        if self.standin.verbose:
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as botocore's connection pool expects
    # Headers and body go out in two writes: without TCP_NODELAY, Nagle + delayed ACK add
    # ~40 ms to every keep-alive response.
    disable_nagle_algorithm = True
    server_version = "awsswitch-standin"
    timeout = 60
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.standin.verbose:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_HEAD(self) -> None:
        self._send(200, b"", "text/plain")

    def _dispatch(self, method: str) -> None:
        split = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            self._send_json(400, {"message": "Bad Content-Length"}, "InvalidRequestException")
            return
        raw = self.rfile.read(length) if length else b""
        path = split.path.rstrip("/") or "/"
        if path in ("/authorize", "/authorize/allow") and method == "GET":
            self._authorize_page(path, query)
            return
        if path == "/device":
            if method == "POST" and raw:
                query.update(
                    {k: v[-1] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
                )
            self._device_page(method, query)
            return
        operation = _ROUTES.get((method, path))
        if operation is None:
            body = {"message": f"No operation for {method} {path}"}
            self._send_json(404, body, "UnknownOperationException")
            return
        try:
            body = json.loads(raw) if raw else {}
            if not isinstance(body, dict):
                raise ValueError
        except ValueError:
            self._send_json(400, {"message": "Malformed JSON body"}, "InvalidRequestException")
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, payload, error = self.server.standin.handle(operation, body, query, headers)
        self._send_json(status, payload, error)

    def _send_json(self, status: int, payload: dict[str, Any] | None, error: str | None) -> None:
        data = json.dumps(payload).encode() if payload else b""
        extra = {"x-amzn-ErrorType": error} if error else {}
        self._send(status, data, "application/json", extra)

    def _send(
        self, status: int, data: bytes, ctype: str, extra: Mapping[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _device_page(self, method: str, query: dict[str, str]) -> None:
        """The "browser" side of the device flow: visiting `/device?user_code=X` approves X
        (`&action=deny` denies); `/device` alone lists pending codes with approve buttons."""
        standin = self.server.standin
        code = query.get("user_code", "").strip()
        if code:
            decide: Callable[[str], list[str]] = (
                standin.deny if query.get("action") == "deny" else standin.approve
            )
            try:
                decide(code)
            except LookupError:
                self._html(404, f"<p>No pending request with code <b>{html.escape(code)}</b>.</p>")
                return
            verb = "denied" if query.get("action") == "deny" else "approved"
            self._html(
                200, f"<p>Request <b>{html.escape(code)}</b> {verb}. You can close this window.</p>"
            )
            return
        items = "".join(
            f'<li><form method="post"><input type="hidden" name="user_code" value="{code}">'
            f"<code>{code}</code> <button>Approve</button></form></li>"
            for code in (html.escape(d.user_code) for d in standin.pending())
        )
        self._html(200, f"<p>Pending requests:</p><ul>{items or '<li>none</li>'}</ul>")

    def _authorize_page(self, path: str, query: dict[str, str]) -> None:
        """PKCE: `/authorize` redirects to the client's loopback callback at once when
        auto-approval is on, else shows an "Allow" link to `/authorize/allow?request=ID`."""
        standin = self.server.standin
        try:
            if path == "/authorize/allow":
                location = standin.allow(query.get("request", ""))
            else:
                kind, value = standin.authorize(query)
                if kind == "page":
                    link = html.escape(f"/authorize/allow?request={value}")
                    self._html(200, f'<p>Allow access? <a id="allow" href="{link}">Allow</a></p>')
                    return
                location = value or ""
        except (ApiError, LookupError) as exc:
            self._html(400, f"<p>Invalid request: {html.escape(str(exc))}</p>")
            return
        self._send(302, b"", "text/plain", {"Location": location})

    def _html(self, status: int, body: str) -> None:
        page = (
            "<!doctype html><html><head><meta charset='utf-8'><title>Identity Center stand-in"
            f"</title></head><body><h1>Identity Center stand-in</h1>{body}</body></html>"
        )
        self._send(status, page.encode(), "text/html; charset=utf-8")
