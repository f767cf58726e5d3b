"""The stand-in's vocabulary: wire constants, the public value types (accounts, recorded calls,
device authorizations, minted grants), the error every operation raises, the base of every
API, and token makers."""

from __future__ import annotations

import secrets
import string
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from awsswitch.standin.settings import Settings

Clock = Callable[[], float]

EXAMPLE_START_URL = "https://d-1234567890.awsapps.com/start"

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
AUTHORIZATION_CODE_GRANT = "authorization_code"
REFRESH_TOKEN_GRANT = "refresh_token"

OIDC_OPERATIONS = frozenset({"RegisterClient", "StartDeviceAuthorization", "CreateToken"})
PORTAL_OPERATIONS = frozenset({"ListAccounts", "ListAccountRoles", "GetRoleCredentials", "Logout"})
STS_OPERATIONS = frozenset({"GetCallerIdentity", "AssumeRole", "GetFederationToken"})
FEDERATION_OPERATIONS = frozenset({"GetSigninToken", "Login"})
OPERATIONS = OIDC_OPERATIONS | PORTAL_OPERATIONS | STS_OPERATIONS | FEDERATION_OPERATIONS

_DEFAULT_ROLE_NAMES = (
    "AdministratorAccess",
    "PowerUserAccess",
    "ReadOnlyAccess",
    "ViewOnlyAccess",
    "Billing",
    "SecurityAudit",
)


class ApiError(Exception):
    """An error answer; `code` is the modelled exception name, `status` overrides the HTTP
    status the service model gives it."""

    def __init__(self, code: str, message: str = "", status: int | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


class Api:
    """One of the stand-in's APIs (sso-oidc, portal, STS, federation): `operations` maps each
    of its operations to the method answering it; all share the stand-in's knobs, its lock and
    its clock (real time plus `advance()`)."""

    operations: ClassVar[dict[str, str]] = {}

    def __init__(self, settings: Settings, lock: threading.RLock, clock: Clock) -> None:
        self.settings = settings
        self._lock = lock
        self._clock = clock


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
    """One API call the stand-in answered (throttled, failed and faulty ones included)."""

    operation: str  # e.g. "CreateToken", "ListAccounts"
    params: dict[str, Any]  # request parameters by model name (accessToken, grantType, ...)
    status: int  # HTTP status sent (0: no answer, the "hang" fault)
    error: str | None  # error code sent (e.g. "AuthorizationPendingException"), None on success
    result: dict[str, Any] | None  # response body on success (as altered by a fault)
    time: float  # epoch seconds (real clock) when the request arrived
    fault: str | None = None  # the reply fault applied (see faults.REPLY_FAULTS), if any


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
            "expiresAt": iso(self.expires_at),
            "clientId": self.client_id,
            "clientSecret": self.client_secret,
            "registrationExpiresAt": iso(self.registration_expires_at),
        }
        if self.refresh_token is not None:
            entry["refreshToken"] = self.refresh_token
        return entry


def iso(epoch: float) -> str:
    """`2024-01-02T03:04:05Z`, the CLI's cache timestamp format."""
    return datetime.fromtimestamp(int(epoch), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_token(prefix: str, nbytes: int = 24) -> str:
    """An opaque token; the prefix tells its kind apart in logs and tests."""
    return f"{prefix}{secrets.token_urlsafe(nbytes)}"


def random_chars(alphabet: str, n: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


def access_key_id() -> str:
    return "ASIA" + random_chars(string.ascii_uppercase + "234567", 16)


@dataclass(frozen=True)
class Request:
    """The wire form of a query-protocol (STS) or federation request, kept for what needs more
    than the parameters: SigV4 signature checks."""

    method: str
    path: str  # as sent, without the query string
    query_string: str
    headers: Mapping[str, str]  # lower-case names
    body: bytes


@dataclass(frozen=True)
class Reply:
    """What the HTTP layer sends for one API call: a JSON body (None: empty) or `raw` bytes of
    `content_type` (the XML of STS), the error code for `x-amzn-ErrorType`, extra `headers`
    (a redirect's Location) and the reply fault that changes how it goes out (see faults)."""

    status: int
    payload: dict[str, Any] | None
    error: str | None = None
    fault: str | None = None
    raw: bytes | None = None
    content_type: str = "application/json"
    headers: Mapping[str, str] = field(default_factory=dict)
