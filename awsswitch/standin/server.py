"""`StandIn`: the stand-in's lifecycle and its API for tests, the demo and the benchmarks.

The parts: `settings` (the knobs), `oidc` with `tokens` and `devices` (sso-oidc), `portal`
(sso), `keys` (issued credentials and their identities), `sts` with `sigv4` (STS),
`federation` (sign-in tokens), `faults` (errors, throttling, broken replies), `calls` (the
record), `http_server` (the wire). This module wires them together and answers one call at a
time in `handle()`.
"""

from __future__ import annotations

import functools
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from awsswitch.standin import faults, federation, sigv4, sts
from awsswitch.standin.calls import CallLog
from awsswitch.standin.clidata import write_cli_data_path
from awsswitch.standin.devices import DeviceFlow
from awsswitch.standin.federation import Federation
from awsswitch.standin.http_server import Server
from awsswitch.standin.keys import Identity, Issued, KeyStore, stable_id, user_identity
from awsswitch.standin.model import (
    FEDERATION_OPERATIONS,
    OIDC_OPERATIONS,
    STS_OPERATIONS,
    ApiError,
    Call,
    DeviceAuthorization,
    Grant,
    Reply,
    Request,
)
from awsswitch.standin.oidc import Oidc
from awsswitch.standin.portal import Portal
from awsswitch.standin.settings import Settings
from awsswitch.standin.sts import Sts
from awsswitch.standin.tokens import Tokens

# Portal parameters travel in the query string (and the token in a header) under wire names.
_PORTAL_QUERY = (
    ("account_id", "accountId"),
    ("role_name", "roleName"),
    ("next_token", "nextToken"),
    ("max_result", "maxResults"),
)


class StandIn(Settings):
    """The stand-in server: `StandIn(accounts, **knobs)` (see `Settings` for every knob, each
    also a public attribute read per request), then `start()` or `with StandIn(...) as s:`.

    Where: `url`, `sts_url`, `federation_url`, `env()`, `cli_data_path()`.
    Observability: `calls`, `count()`, `counts()`, `reset_calls()`, `wait_for_call()`,
    `device_authorizations()`, `pending()`, `token_valid()`, `credentials()`,
    `signin_token_valid()`.
    Control: `approve()`, `deny()`, `wait_for_device_authorization()`, `fail()` (inject errors),
    `fail_reply()` / `refresh_fault` (broken replies, see `awsswitch.standin.faults`),
    `mint_token()` (a signed-in session without a login), `mint_credentials()` (role
    credentials without a call), `register_keys()` (keys STS should know), `advance()` (move the
    clock), `oidc.authorize()`/`oidc.allow()` (PKCE browser side, for AWS CLI >= 2.22).
    """

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.refresh_fault is not None:
            faults.check_mode("CreateToken", self.refresh_fault)
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)  # notified on every call / new device
        self._offset = 0.0  # `advance()` moves the stand-in's clock, not the real one
        self.tokens = Tokens(self)
        self.keys = KeyStore()
        self.devices = DeviceFlow(self, self._changed, self.now, lambda: self.verification_uri)
        self.oidc = Oidc(self, self._lock, self.now, self.tokens, self.devices)
        self.portal = Portal(self, self._lock, self.now, self.tokens, self.keys)
        self.sts = Sts(self, self._lock, self.now, self.keys)
        self.federation = Federation(self, self._lock, self.now, self.keys)
        self.faults = faults.Faults(self, self._lock)
        self._log = CallLog(self._changed)
        self._httpd: Server | None = None
        self._thread: threading.Thread | None = None
        self._tmpdirs: list[str] = []

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> StandIn:
        """Bind (port 0 = any free port) and serve in a daemon thread; returns self."""
        if self._httpd is not None:
            return self
        self._httpd = Server((self.host, self.port), self)
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

    def __repr__(self) -> str:
        where = f"http://{self.host}:{self.port}" if self.running else "stopped"
        return f"StandIn({where}, {len(self.accounts)} accounts)"

    @property
    def running(self) -> bool:
        return self._httpd is not None

    @property
    def url(self) -> str:
        """Base URL of every API (sso-oidc, portal, STS), e.g. `http://127.0.0.1:40123`."""
        if self._httpd is None:
            raise RuntimeError("the stand-in is not running: call start() first")
        return f"http://{self.host}:{self.port}"

    @property
    def sts_url(self) -> str:
        """The STS endpoint (the value for `AWS_ENDPOINT_URL_STS`)."""
        return self.url

    @property
    def federation_url(self) -> str:
        """The sign-in federation endpoint, standing for
        `https://signin.aws.amazon.com/federation` (the value for
        `AWSSWITCH_FEDERATION_ENDPOINT`)."""
        return self.url + federation.PATH

    @property
    def verification_uri(self) -> str:
        """The page a user "opens in the browser"; visiting `...?user_code=X` approves X."""
        return f"{self.url}/device"

    def env(self, *, cli_data_path: bool = False, sts: bool = True) -> dict[str, str]:
        """Variables that point boto3 (botocore >= 1.31) and awsswitch at the stand-in:
        `AWS_ENDPOINT_URL_SSO`, `AWS_ENDPOINT_URL_SSO_OIDC`, and unless `sts=False`
        `AWS_ENDPOINT_URL_STS` and `AWSSWITCH_FEDERATION_ENDPOINT`. With `cli_data_path=True`,
        also `AWS_DATA_PATH` for the AWS CLI v2 (temporary folder, removed by `stop()`)."""
        values = {"AWS_ENDPOINT_URL_SSO": self.url, "AWS_ENDPOINT_URL_SSO_OIDC": self.url}
        if sts:
            values["AWS_ENDPOINT_URL_STS"] = self.sts_url
            values["AWSSWITCH_FEDERATION_ENDPOINT"] = self.federation_url
        if cli_data_path:
            values["AWS_DATA_PATH"] = self.cli_data_path(sts=sts)
        return values

    def cli_data_path(self, directory: str | None = None, *, sts: bool = True) -> str:
        """Write the `AWS_DATA_PATH` folder redirecting the AWS CLI v2 (2.9.19 ignores
        `AWS_ENDPOINT_URL_*`) to this server and return it: `sso-oidc` and `sso`, and `sts`
        unless `sts=False`. Without `directory`, a temporary folder that `stop()` removes."""
        if directory is None:
            directory = tempfile.mkdtemp(prefix="standin-data-")
            self._tmpdirs.append(directory)
        return write_cli_data_path(directory, self.url, sts=sts)

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
                client = self.oidc.clients[client_id]
            else:
                ttl = registration_expires_in
                ttl = self.registration_ttl if ttl is None else ttl
                client = self.oidc.new_client("minted", (), int(now) + ttl)
            session = self.tokens.new_session()
            body = self.tokens.issue(session, client.client_id, now, expires_in, refresh_token)
        return Grant(
            access_token=body["accessToken"],
            expires_at=now + body["expiresIn"],
            refresh_token=body.get("refreshToken"),
            client_id=client.client_id,
            client_secret=client.client_secret,
            registration_expires_at=client.expires_at,
        )

    def token_valid(self, access_token: str) -> bool:
        """Whether the portal would accept `access_token` now."""
        with self._lock:
            return self.tokens.valid(access_token, self.now())

    # ------------------------------------------------------------------ credentials

    def mint_credentials(
        self, account_id: str, role_name: str, *, expires_in: float | None = None
    ) -> dict[str, Any]:
        """Role credentials as GetRoleCredentials would hand them out (`RoleCredentials`
        shape; lifetime `expires_in`, default `credentials_ttl`), without a call or a
        check that the role is assigned. Not recorded in `calls`."""
        return self.portal.issue(account_id, role_name, expires_in)

    def register_keys(
        self,
        access_key_id: str,
        secret_access_key: str,
        *,
        arn: str | None = None,
        session_token: str | None = None,
        expires_in: float | None = None,
    ) -> Issued:
        """Make STS accept these keys (e.g. static keys in a test's credentials file) as
        `arn` (default: IAM user `user_name` of the first account). Without a session token
        they are long-term keys; the federation endpoint refuses those, as AWS does."""
        if arn is None:
            account = self.accounts[0].account_id if self.accounts else "000000000000"
            identity = user_identity(account, self.user_name)
        else:
            identity = Identity(arn.split(":")[4], arn, stable_id("AIDA", arn))
        expires_at = None if expires_in is None else self.now() + expires_in
        issued = Issued(
            access_key_id, secret_access_key, session_token, expires_at, identity, "registered"
        )
        with self._lock:
            self.keys.add(issued)
        return issued

    def credentials(self, access_key_id: str) -> Issued | None:
        """The credentials with this key id the stand-in issued (or was given), with their
        identity (`.identity.arn`) and expiry; None for keys it does not know."""
        with self._lock:
            return self.keys.get(access_key_id)

    def signin_token_valid(self, token: str) -> bool:
        """Whether the federation endpoint issued this sign-in token and would log in with
        it now."""
        return self.federation.valid(token)

    # ------------------------------------------------------------------ faults

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
        self.faults.fail(operation, code, times, message, status)

    def fail_reply(
        self, operation: str, mode: str, *, times: int = 1, grant_type: str | None = None
    ) -> None:
        """Break the reply of the next `times` calls of `operation` (only those whose
        `grantType` is `grant_type`, when given) with reply fault `mode`: "garbage",
        "no-access-token", "huge-expires-in", "hang" or "huge-body" (see
        `awsswitch.standin.faults`). `ValueError` for an unknown operation or mode."""
        self.faults.fail_reply(operation, mode, times, grant_type)

    # ------------------------------------------------------------------ device approval

    def device_authorizations(self) -> list[DeviceAuthorization]:
        """Every device authorization so far, oldest first."""
        return self.devices.snapshots()

    def pending(self) -> list[DeviceAuthorization]:
        """Device authorizations waiting for approval (and not expired)."""
        return self.devices.pending()

    def approve(self, user_code: str | None = None) -> list[str]:
        """Approve the pending device authorization with `user_code` (`None`: every pending
        one), as a user would in the browser. Returns the user codes approved; raises
        `LookupError` for an unknown or no longer pending `user_code`."""
        return self.devices.decide(user_code, "approved")

    def deny(self, user_code: str | None = None) -> list[str]:
        """Deny instead: the next CreateToken poll answers `AccessDeniedException`."""
        return self.devices.decide(user_code, "denied")

    def wait_for_device_authorization(self, timeout: float = 10.0) -> DeviceAuthorization:
        """Block until a device authorization is pending (e.g. a CLI in another process
        started one) and return the oldest; `TimeoutError` after `timeout` seconds."""
        return self.devices.wait_pending(timeout)

    # ------------------------------------------------------------------ observability

    @property
    def calls(self) -> list[Call]:
        """A copy of the API calls answered so far (oldest first)."""
        return self._log.all()

    def count(
        self, operation: str | None = None, *, error: str | None = None, **params: Any
    ) -> int:
        """Calls of `operation` (None: any) whose error is `error` (when given; use "" for
        successes) and whose params include `params`, e.g.
        `count("CreateToken", grantType="refresh_token", error="")`."""
        return self._log.count(operation, error, params)

    def counts(self) -> dict[str, int]:
        """Number of calls per operation."""
        return self._log.counts()

    def reset_calls(self) -> None:
        """Forget recorded calls (state such as tokens and registrations is kept)."""
        self._log.clear()

    def wait_for_call(
        self,
        operation: str,
        n: int = 1,
        timeout: float = 10.0,
        *,
        error: str | None = None,
        **params: Any,
    ) -> None:
        """Block until `count(operation, error=error, **params) >= n`; `TimeoutError`
        otherwise."""
        self._log.wait_for(operation, n, timeout, error, params)

    # ------------------------------------------------------------------ request handling

    def record_visit(
        self, operation: str, params: dict[str, Any], status: int, error: str | None
    ) -> None:
        """Record a browser's visit (`Authorize`, `AuthorizeAllow`: pages, not API calls) in
        the call log, so tests count and wait on it as on any call."""
        self._log.record(Call(operation, params, status, error, None, time.time()))

    def handle(
        self,
        operation: str,
        body: dict[str, Any],
        query: dict[str, str],
        headers: Mapping[str, str],
        request: Request | None = None,
    ) -> Reply:
        """Answer one API call and record it. `body` is the JSON body (sso-oidc) or the form
        (STS, federation); `request` is the wire request STS checks signatures against."""
        arrived = time.time()
        params = _params(operation, body, query, headers)
        if self.latency > 0:
            time.sleep(self.latency)
        try:
            self.faults.check(operation)
            fault = self.faults.reply_fault(operation, params)
            if fault == faults.HANG:
                self._log.record(Call(operation, params, 0, None, None, arrived, fault))
                return Reply(0, None, fault=fault)
            if fault in faults.UNPROCESSED:
                result = faults.unprocessed_reply(fault, self)
            else:
                result = self._operation(operation, params, body, request)()
                if fault is not None:
                    result = faults.alter_reply(fault, result)
            reply = _success(operation, result, fault)
        except ApiError as exc:
            result, reply = None, _failure(operation, exc)
        except Exception as exc:  # a stand-in bug: answer like AWS would, keep serving
            bug = ApiError("InternalServerException", f"stand-in error: {exc!r}", 500)
            result, reply = None, _failure(operation, bug)
        call = Call(operation, params, reply.status, reply.error, result, arrived, reply.fault)
        self._log.record(call)
        return reply

    def _operation(
        self,
        operation: str,
        params: dict[str, Any],
        body: dict[str, Any],
        request: Request | None,
    ) -> Callable[[], dict[str, Any]]:
        # Looked up per call, so a test may replace one method on `oidc`, `portal`, `sts`...
        if operation in STS_OPERATIONS:
            method = getattr(self.sts, Sts.operations[operation])
            return functools.partial(method, params, request or Request("POST", "/", "", {}, b""))
        if operation in FEDERATION_OPERATIONS:  # the full form: params lack the secrets
            return functools.partial(
                getattr(self.federation, Federation.operations[operation]), body
            )
        owner: Oidc | Portal = self.oidc if operation in OIDC_OPERATIONS else self.portal
        return functools.partial(getattr(owner, owner.operations[operation]), params)


def _success(operation: str, result: dict[str, Any] | None, fault: str | None) -> Reply:
    """A result as its API sends it: JSON, STS's XML, or the federation login's redirect."""
    if operation in STS_OPERATIONS:
        xml = sts.response_xml(operation, result or {})
        return Reply(200, result, fault=fault, raw=xml, content_type="text/xml")
    if operation == "Login" and result is not None:
        return Reply(302, None, fault=fault, raw=b"", headers={"Location": result["Location"]})
    return Reply(200, result, fault=fault)


def _failure(operation: str, exc: ApiError) -> Reply:
    status = faults.error_status(operation, exc)
    if operation in STS_OPERATIONS:
        xml = sts.error_xml(exc.code, exc.message, status)
        return Reply(status, None, exc.code, raw=xml, content_type="text/xml")
    if operation in FEDERATION_OPERATIONS:
        return Reply(status, {"Error": exc.code, "Message": exc.message}, exc.code)
    return Reply(status, faults.error_body(operation, exc), exc.code)


def _params(
    operation: str, body: dict[str, Any], query: dict[str, str], headers: Mapping[str, str]
) -> dict[str, Any]:
    """Request parameters by model name (as recorded: STS calls with the signer's key id,
    federation calls without secrets)."""
    if operation in OIDC_OPERATIONS:
        return dict(body)
    if operation in STS_OPERATIONS:
        auth = sigv4.parse(headers.get("authorization"))
        return {**body, "AccessKeyId": auth.access_key if auth else None}
    if operation in FEDERATION_OPERATIONS:
        return federation.recorded_params(operation, body)
    params: dict[str, Any] = {}
    token = headers.get("x-amz-sso_bearer_token")
    if token is not None:
        params["accessToken"] = token
    for wire, name in _PORTAL_QUERY:
        if wire in query:
            params[name] = query[wire]
    return params
