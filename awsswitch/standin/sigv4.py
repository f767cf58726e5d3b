"""Signature Version 4, the server side: read the access key id from a signed request and
check the signature with the secret the stand-in issued for it (as AWS recomputes it)."""

from __future__ import annotations

import hashlib
import hmac
import posixpath
from dataclasses import dataclass
from urllib.parse import quote

from awsswitch.standin.model import Request

ALGORITHM = "AWS4-HMAC-SHA256"


@dataclass(frozen=True)
class Authorization:
    """The parts of `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=...,
    Signature=...`."""

    access_key: str
    scope: str  # date/region/service/aws4_request
    signed_headers: tuple[str, ...]
    signature: str


def parse(header: str | None) -> Authorization | None:
    """The SigV4 Authorization header's fields; None when absent or not SigV4."""
    if not header or not header.startswith(ALGORITHM + " "):
        return None
    fields: dict[str, str] = {}
    for part in header[len(ALGORITHM) + 1 :].split(","):
        name, _, value = part.strip().partition("=")
        fields[name] = value.strip()
    credential = fields.get("Credential", "")
    access_key, _, scope = credential.partition("/")
    if not access_key or scope.count("/") != 3:
        return None
    signed = tuple(h for h in fields.get("SignedHeaders", "").split(";") if h)
    return Authorization(access_key, scope, signed, fields.get("Signature", ""))


def _canonical_query(query_string: str) -> str:
    pairs = []
    for pair in query_string.split("&") if query_string else ():
        key, _, value = pair.partition("=")
        pairs.append((key, value))
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def _canonical_path(path: str) -> str:
    normalized = posixpath.normpath(path) if path not in ("", "/") else "/"
    if path.endswith("/") and normalized != "/":
        normalized += "/"
    return quote(normalized, safe="/~")


def canonical_request(request: Request, auth: Authorization) -> str:
    headers = "".join(
        f"{name}:{' '.join(request.headers.get(name, '').split())}\n"
        for name in auth.signed_headers
    )
    payload = (
        request.headers.get("x-amz-content-sha256") or hashlib.sha256(request.body).hexdigest()
    )
    return "\n".join(
        [
            request.method.upper(),
            _canonical_path(request.path),
            _canonical_query(request.query_string),
            headers,
            ";".join(auth.signed_headers),
            payload,
        ]
    )


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def signature(request: Request, auth: Authorization, secret: str) -> str:
    timestamp = request.headers.get("x-amz-date", "")
    string_to_sign = "\n".join(
        [
            ALGORITHM,
            timestamp,
            auth.scope,
            hashlib.sha256(canonical_request(request, auth).encode()).hexdigest(),
        ]
    )
    key = f"AWS4{secret}".encode()
    for part in auth.scope.split("/"):
        key = _hmac(key, part)
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


def valid(request: Request, auth: Authorization, secret: str) -> bool:
    """Whether `auth.signature` is the request's signature with `secret`. The host header
    and the date must be among the signed headers, as AWS requires."""
    if "host" not in auth.signed_headers or not request.headers.get("x-amz-date"):
        return False
    return hmac.compare_digest(signature(request, auth, secret), auth.signature)
