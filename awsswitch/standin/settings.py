"""The stand-in's knobs. `StandIn` is a `Settings`: every knob is a public attribute of the
running server, read per request, so a test may change one at any time
(`s.latency = 0.02`, `s.auto_approve_after = None`, `s.refresh_fault = "garbage"`)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import KW_ONLY, dataclass, field

from awsswitch.standin.model import DEFAULT_ACCOUNTS, PORTAL_OPERATIONS, Account

HUGE_BODY_BYTES = 32 * 1024 * 1024


@dataclass(eq=False)
class Settings:
    """Accounts and tokens:
      accounts: the portal's accounts, in any form `Account.coerce` takes (a list of `Account`
        once constructed); None = `DEFAULT_ACCOUNTS`; `generate_accounts(n, m)` for benchmarks.
      access_token_ttl: `expiresIn` of issued access tokens, seconds.
      registration_ttl: lifetime of client registrations (`clientSecretExpiresAt` = now + this).
      refresh_tokens: whether CreateToken returns (and accepts) refresh tokens.
      credentials_ttl: lifetime of GetRoleCredentials results, seconds (a few seconds is fine:
        STS then refuses them with `ExpiredToken`).
      user_name: the signed-in user; SSO role credentials are
        `arn:aws:sts::ACCOUNT:assumed-role/AWSReservedSSO_<role>_<16 hex>/<user_name>`.
      page_size: ListAccounts/ListAccountRoles page size when the caller sends no `maxResults`.

    STS and sign-in federation (see `awsswitch.standin.sts`, `awsswitch.standin.federation`):
      assume_role_max_ttl: AssumeRole (and GetFederationToken) credentials live
        min(DurationSeconds (default 3600; 43200), this) seconds; set a few seconds for tests of
        expiry and refresh.
      sts_permissive: accept STS calls signed with keys the stand-in did not issue (as an IAM
        user of the first account); otherwise they get `InvalidClientTokenId`.
      verify_signatures: check the SigV4 signature of STS calls made with issued keys
        (`SignatureDoesNotMatch` when wrong).
      signin_token_ttl: how long a federation sign-in token can be used to log in, seconds.

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

    Broken replies (see `awsswitch.standin.faults`):
      refresh_fault: a reply fault ("garbage", "no-access-token", "huge-expires-in", "hang",
        "huge-body") applied to every CreateToken refresh_token grant while set.
      hang_limit: the longest a "hang" fault holds a request, seconds (it ends sooner when the
        client hangs up or the server stops); then the connection is closed without an answer.
      huge_body_bytes: the size of a "huge-body" reply.

    Server: host, port (0 = any free port), verbose (log requests and handler errors on stderr).
    """

    accounts: list[Account] = field(default_factory=lambda: list(DEFAULT_ACCOUNTS), repr=False)
    _: KW_ONLY
    host: str = "127.0.0.1"
    port: int = 0
    access_token_ttl: int = 3600
    registration_ttl: int = 90 * 24 * 3600
    refresh_tokens: bool = True
    credentials_ttl: int = 3600
    user_name: str = "jane.doe"
    assume_role_max_ttl: int = 43200
    sts_permissive: bool = False
    verify_signatures: bool = True
    signin_token_ttl: int = 900
    page_size: int = 20
    auto_approve_after: int | None = 0
    interval: int = 1
    device_code_ttl: int = 600
    slow_down_on: Collection[int] = ()
    enforce_interval: bool = False
    latency: float = 0.0
    throttle_every: int = 0
    throttle_probability: float = 0.0
    throttle_rps: float | None = None
    throttle_operations: Collection[str] = PORTAL_OPERATIONS
    seed: int | None = 0
    refresh_fault: str | None = None
    hang_limit: float = 30.0
    huge_body_bytes: int = HUGE_BODY_BYTES
    verbose: bool = False

    def __post_init__(self) -> None:
        given = DEFAULT_ACCOUNTS if self.accounts is None else self.accounts
        self.accounts = [Account.coerce(a) for a in given]
        self.slow_down_on = frozenset(self.slow_down_on)
        self.throttle_operations = frozenset(self.throttle_operations)
