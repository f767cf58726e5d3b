"""boto3 clients: the one home for endpoint resolution, client construction and error
description, for the IAM Identity Center APIs (`sso-oidc` for refresh and login, the `sso`
portal for logout, sync and role credentials) and STS (AssumeRole for role profiles,
GetFederationToken for `console`). Imported only when a network call is really needed.

Unsigned, as the AWS CLI creates them, or signed with the keys given (STS): no credential
resolution runs, so a half-configured profile or stray environment keys cannot get in the
way. The session ignores AWS_PROFILE/AWS_DEFAULT_PROFILE (the profile they name may be the
very one being fixed, or gone); endpoint overrides (`AWS_ENDPOINT_URL_SSO_OIDC`,
`AWS_ENDPOINT_URL_SSO`, `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`) are honoured from the
environment mapping we were given, as botocore does from os.environ.

Every call is bounded, whatever the server does:
- connect and read timeouts, and a fixed number of attempts (standard retry mode, given
  explicitly, so AWS_MAX_ATTEMPTS cannot raise it);
- the reply body is read by `_BoundedSend` (a `before-send` handler that sends through the
  client's own HTTP session, so proxies and TLS settings apply): at most `BODY_LIMIT` bytes
  within `BODY_DEADLINE` seconds, so a server that never stops sending, or drips a byte at a
  time, fails the call instead of holding a switch or filling memory.
Error text meant for people goes through `describe`, which removes the secrets it is given
(a server may echo a request back) and escapes control characters.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

CONNECT_TIMEOUT = 5.0  # seconds
READ_TIMEOUT = 10.0  # seconds without a byte from the server (these APIs answer in < 1 s)
ATTEMPTS = 3  # per call, the first one included
BODY_LIMIT = 4 * 1024 * 1024  # a page of 100 accounts is ~20 KB; a token reply ~3 KB
BODY_DEADLINE = 30.0  # seconds to receive one reply body
_CHUNK = 64 * 1024
_MESSAGE_LIMIT = 300  # characters of a service error message shown to people

_ENDPOINT_VARS = {
    "sso-oidc": "AWS_ENDPOINT_URL_SSO_OIDC",
    "sso": "AWS_ENDPOINT_URL_SSO",
    "sts": "AWS_ENDPOINT_URL_STS",
}


def endpoint(service: str, env: Mapping[str, str]) -> str | None:
    """The endpoint override botocore would take from the environment for `service`."""
    if env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() == "true":
        return None
    return env.get(_ENDPOINT_VARS[service]) or env.get("AWS_ENDPOINT_URL") or None


def client(
    service: str,
    region: str,
    env: Mapping[str, str] | None = None,
    *,
    attempts: int = ATTEMPTS,
    max_pool_connections: int = 10,
    keys: tuple[str, str, str | None] | None = None,
) -> Any:
    """A bounded botocore client for `sso-oidc`, `sso` or `sts` in `region`: unsigned, or
    signed with `keys` (access key, secret key, session token or None).

    Raises ValueError (botocore's InvalidRegionError) for a region botocore refuses.
    """
    import botocore
    import botocore.session
    from botocore.config import Config

    env = os.environ if env is None else env
    session = botocore.session.Session(session_vars={"profile": (None, None, None, None)})
    signing: dict[str, Any] = {"signature_version": botocore.UNSIGNED}
    if keys is not None:
        signing = {}
    config = Config(
        **signing,
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        max_pool_connections=max_pool_connections,
        retries={"mode": "standard", "total_max_attempts": attempts},
    )
    access_key, secret_key, token = keys if keys is not None else (None, None, None)
    made = session.create_client(
        service,
        region_name=region,
        config=config,
        endpoint_url=endpoint(service, env),
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        aws_session_token=token,
    )
    made.meta.events.register_last("before-send", _BoundedSend(made))
    return made


# -- bounded replies -----------------------------------------------------------------------


def _reply_too_large(url: str) -> Exception:
    from botocore.exceptions import BotoCoreError

    class ReplyTooLarge(BotoCoreError):
        fmt = "the reply from {endpoint_url} is larger than {limit} bytes"

    return ReplyTooLarge(endpoint_url=url, limit=BODY_LIMIT)


class _Body:
    """What botocore's AWSResponse reads `.content` from: the body, already read."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.data

    def close(self) -> None:
        pass


class _BoundedSend:
    """`before-send` handler (registered last): send through the client's HTTP session, then
    read the body with a size cap and a deadline. Returns None (botocore sends as usual)
    when the session is not where this botocore keeps it."""

    def __init__(self, made: Any) -> None:
        self.client = made

    def __call__(self, request: Any = None, **_: Any) -> Any:
        http = getattr(getattr(self.client, "_endpoint", None), "http_session", None)
        if http is None or request is None:
            return None
        from botocore.awsrequest import AWSResponse

        request.stream_output = True  # headers only: the body is ours to read
        response = http.send(request)
        body = _read_body(response.raw, request)
        return AWSResponse(request.url, response.status_code, response.headers, _Body(body))


def _read_body(raw: Any, request: Any) -> bytes:
    from botocore.exceptions import ConnectionClosedError, HTTPClientError, ReadTimeoutError
    from urllib3.exceptions import ProtocolError
    from urllib3.exceptions import ReadTimeoutError as Urllib3ReadTimeout

    url = request.url
    read = getattr(raw, "read1", None) or raw.read
    deadline = time.monotonic() + BODY_DEADLINE
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            chunk = read(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > BODY_LIMIT:
                raise _reply_too_large(url)
            chunks.append(chunk)
            if time.monotonic() > deadline:
                raise ReadTimeoutError(
                    endpoint_url=url, error=f"no complete reply within {BODY_DEADLINE:.0f} s"
                )
    except Urllib3ReadTimeout as exc:
        raw.close()
        raise ReadTimeoutError(endpoint_url=url, error=exc) from None
    except ProtocolError as exc:
        raw.close()
        raise ConnectionClosedError(endpoint_url=url, error=exc, request=request) from None
    except (HTTPClientError, ValueError, OSError) as exc:
        raw.close()
        if isinstance(exc, HTTPClientError):
            raise
        raise HTTPClientError(error=exc) from None
    except BaseException:
        raw.close()  # the connection may hold the rest of a reply: never reuse it
        raise
    release = getattr(raw, "release_conn", None)
    if release is not None:
        release()
    return b"".join(chunks)


# -- errors --------------------------------------------------------------------------------


def error_code(exc: BaseException) -> str | None:
    """The service error code of a botocore ClientError (None for anything else)."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        error = response.get("Error")
        code = error.get("Code") if isinstance(error, dict) else None
        return code if isinstance(code, str) else None
    return None


def redact(text: str, secrets: Iterable[object] = ()) -> str:
    """`text` without any of `secrets` in it, control characters escaped, length capped."""
    from awsswitch.context import display

    for secret in secrets:
        if isinstance(secret, str) and len(secret) >= 4:
            text = text.replace(secret, "[redacted]")
    text = display(text)
    if len(text) > _MESSAGE_LIMIT:
        text = text[: _MESSAGE_LIMIT - 1] + "…"
    return text


def describe(exc: BaseException, secrets: Iterable[object] = ()) -> str:
    """A one-line account of a botocore failure for people, free of `secrets`.

    botocore's own messages never hold request parameters except a ParamValidationError's
    offending value, and a server may echo the request in its error message: both pass
    through `redact`.
    """
    from botocore.exceptions import BotoCoreError

    code = error_code(exc)
    if code is not None:
        error = getattr(exc, "response", {}).get("Error") or {}
        message = error.get("Message") if isinstance(error, dict) else None
        text = f"{code}: {message}" if isinstance(message, str) and message else code
    elif isinstance(exc, (ValueError, TypeError)) and not isinstance(exc, BotoCoreError):
        # botocore's parser failing on a reply that does not fit the API's shapes
        text = f"unreadable reply from the service ({exc or type(exc).__name__})"
    else:
        text = str(exc) or type(exc).__name__
    return redact(text, secrets)
