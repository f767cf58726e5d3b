"""The `sts` API, as far as awsswitch's users need it: GetCallerIdentity, AssumeRole and
GetFederationToken (long-term keys -> a session the console federation endpoint accepts).

The query protocol (botocore's sts/2011-06-15 model): `POST /` with a form-encoded body
(`Action=AssumeRole&Version=2011-06-15&RoleArn=...`), signed with SigV4; answers are XML
(`<ActionResponse><ActionResult>...`), errors an `<ErrorResponse>` with `<Code>`, which
botocore maps to `ClientError` codes. Calls must be signed with credentials the stand-in issued
(portal GetRoleCredentials, an earlier AssumeRole, `StandIn.register_keys`), unexpired, with
their session token and (`verify_signatures`) a correct signature; `sts_permissive` accepts any
keys as an IAM user of the first account.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from threading import RLock
from typing import Any, ClassVar
from xml.sax.saxutils import escape

from awsswitch.standin import sigv4
from awsswitch.standin.keys import (
    Identity,
    KeyStore,
    assumed_identity,
    partition_of,
    user_identity,
)
from awsswitch.standin.model import Api, ApiError, Clock, Request, iso
from awsswitch.standin.settings import Settings

NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/"
DEFAULT_DURATION = 3600
MIN_DURATION, MAX_DURATION = 900, 43200  # roleDurationSecondsType
FEDERATION_DEFAULT, FEDERATION_MAX = 43200, 129600  # durationSecondsType

# Error code -> HTTP status, as STS answers them.
STS_ERRORS: dict[str, int] = {
    "InvalidClientTokenId": 403,
    "ExpiredToken": 403,
    "SignatureDoesNotMatch": 403,
    "MissingAuthenticationToken": 403,
    "AccessDenied": 403,
    "RegionDisabledException": 403,
    "ValidationError": 400,
    "InvalidAction": 400,
    "MissingAction": 400,
    "Throttling": 400,
    "InternalFailure": 500,
    "InternalServerException": 500,
}

_ROLE_ARN = re.compile(r"arn:[a-z-]+:iam::\d{12}:role/(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}")
_SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}")


def invalid_token() -> ApiError:
    return ApiError(
        "InvalidClientTokenId", "The security token included in the request is invalid."
    )


class Sts(Api):
    """`operations` maps each API operation to the method answering it; each method takes the
    call's parameters and its wire request (for the signature)."""

    operations: ClassVar[dict[str, str]] = {
        "GetCallerIdentity": "get_caller_identity",
        "AssumeRole": "assume_role",
        "GetFederationToken": "get_federation_token",
    }

    def __init__(self, settings: Settings, lock: RLock, clock: Clock, keys: KeyStore) -> None:
        super().__init__(settings, lock, clock)
        self.keys = keys

    def caller(self, request: Request) -> Identity:
        """Who signed `request`; the error STS answers when nobody it knows did."""
        return self._signer(request)[0]

    def _signer(self, request: Request) -> tuple[Identity, bool]:
        """The signer's identity and whether it signed with temporary credentials."""
        auth = sigv4.parse(request.headers.get("authorization"))
        if auth is None:
            raise ApiError("MissingAuthenticationToken", "Request is missing Authentication Token")
        with self._lock:
            issued = self.keys.get(auth.access_key)
        if issued is None:
            if self.settings.sts_permissive:
                accounts = self.settings.accounts
                account = accounts[0].account_id if accounts else "000000000000"
                temporary = bool(request.headers.get("x-amz-security-token"))
                return user_identity(account, self.settings.user_name), temporary
            raise invalid_token()
        token = request.headers.get("x-amz-security-token")
        if token != issued.session_token:
            raise invalid_token()
        if issued.expired(self._clock()):
            raise ApiError("ExpiredToken", "The security token included in the request is expired")
        if self.settings.verify_signatures and not sigv4.valid(
            request, auth, issued.secret_access_key
        ):
            raise ApiError(
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided.",
            )
        return issued.identity, issued.session_token is not None

    def get_caller_identity(self, params: dict[str, Any], request: Request) -> dict[str, Any]:
        identity = self.caller(request)
        return {"UserId": identity.user_id, "Account": identity.account, "Arn": identity.arn}

    def assume_role(self, params: dict[str, Any], request: Request) -> dict[str, Any]:
        self.caller(request)
        role_arn = str(params.get("RoleArn") or "")
        session_name = str(params.get("RoleSessionName") or "")
        if not _ROLE_ARN.fullmatch(role_arn):
            raise ApiError("ValidationError", f"{role_arn!r} is not a valid role ARN")
        if not _SESSION_NAME.fullmatch(session_name):
            raise ApiError(
                "ValidationError",
                "RoleSessionName must be 2 to 64 characters of letters, digits and +=,.@_-",
            )
        duration = _duration(params.get("DurationSeconds"), DEFAULT_DURATION, MAX_DURATION)
        identity = assumed_identity(role_arn, session_name)
        result: dict[str, Any] = {
            "Credentials": self._issue(identity, duration, "AssumeRole"),
            "AssumedRoleUser": {"AssumedRoleId": identity.user_id, "Arn": identity.arn},
            "PackedPolicySize": 0,
        }
        if params.get("SourceIdentity"):
            result["SourceIdentity"] = params["SourceIdentity"]
        return result

    def get_federation_token(self, params: dict[str, Any], request: Request) -> dict[str, Any]:
        """Long-term keys only (AWS refuses session credentials here)."""
        caller, temporary = self._signer(request)
        if temporary:
            raise ApiError(
                "AccessDenied", "Cannot call GetFederationToken with session credentials"
            )
        name = str(params.get("Name") or "")
        if not _SESSION_NAME.fullmatch(name) or len(name) > 32:
            raise ApiError(
                "ValidationError", "Name must be 2 to 32 characters of letters, digits and +=,.@_-"
            )
        duration = _duration(params.get("DurationSeconds"), FEDERATION_DEFAULT, FEDERATION_MAX)
        account = caller.account
        arn = f"arn:{partition_of(caller.arn)}:sts::{account}:federated-user/{name}"
        identity = Identity(account, arn, f"{account}:{name}")
        return {
            "Credentials": self._issue(identity, duration, "GetFederationToken"),
            "FederatedUser": {"FederatedUserId": identity.user_id, "Arn": arn},
            "PackedPolicySize": 0,
        }

    def _issue(self, identity: Identity, duration: int, source: str) -> dict[str, Any]:
        """New temporary credentials for `identity`, living min(duration,
        `assume_role_max_ttl`) seconds, in the `Credentials` shape."""
        ttl = min(duration, self.settings.assume_role_max_ttl)
        with self._lock:
            issued = self.keys.issue(identity, self._clock() + ttl, source)
        return {
            "AccessKeyId": issued.access_key_id,
            "SecretAccessKey": issued.secret_access_key,
            "SessionToken": issued.session_token,
            "Expiration": iso(issued.expires_at or 0),
        }


def _duration(value: Any, default: int, maximum: int) -> int:
    if value is None or value == "":
        return default
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        raise ApiError("ValidationError", "DurationSeconds must be a number") from None
    if not MIN_DURATION <= seconds <= maximum:
        raise ApiError(
            "ValidationError", f"DurationSeconds must be between {MIN_DURATION} and {maximum}"
        )
    return seconds


# ---------------------------------------------------------------------- the wire


def _elements(value: Mapping[str, Any]) -> str:
    parts = []
    for name, item in value.items():
        inner = _elements(item) if isinstance(item, Mapping) else escape(str(item))
        parts.append(f"<{name}>{inner}</{name}>")
    return "".join(parts)


def response_xml(operation: str, result: Mapping[str, Any]) -> bytes:
    """`<OpResponse><OpResult>...</OpResult><ResponseMetadata>...` as STS answers."""
    return (
        f'<{operation}Response xmlns="{NAMESPACE}">\n'
        f"  <{operation}Result>{_elements(result)}</{operation}Result>\n"
        f"  <ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata>\n"
        f"</{operation}Response>\n"
    ).encode()


def error_status(code: str) -> int:
    return STS_ERRORS.get(code, 400)


def error_xml(code: str, message: str, status: int) -> bytes:
    kind = "Receiver" if status >= 500 else "Sender"
    return (
        f'<ErrorResponse xmlns="{NAMESPACE}">\n'
        f"  <Error><Type>{kind}</Type><Code>{escape(code)}</Code>"
        f"<Message>{escape(message)}</Message></Error>\n"
        f"  <RequestId>{uuid.uuid4()}</RequestId>\n"
        "</ErrorResponse>\n"
    ).encode()
