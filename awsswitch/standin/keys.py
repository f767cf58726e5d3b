"""Credentials the stand-in issued (portal GetRoleCredentials, STS AssumeRole) or was told
about (`StandIn.register_keys`), each bound to the identity STS reports for it. STS and the
federation endpoint accept only these. Every method expects the caller to hold the lock."""

from __future__ import annotations

import hashlib
import math
import string
from dataclasses import dataclass

from awsswitch.standin.model import access_key_id, new_token, random_chars

_ID_ALPHABET = string.ascii_uppercase + "234567"


@dataclass(frozen=True)
class Identity:
    """What GetCallerIdentity answers for a key."""

    account: str
    arn: str
    user_id: str


@dataclass(frozen=True)
class Issued:
    """One set of credentials and whose they are."""

    access_key_id: str
    secret_access_key: str
    session_token: str | None  # None: long-term keys (registered IAM user keys)
    expires_at: float | None  # stand-in clock; None: never
    identity: Identity
    source: str  # "GetRoleCredentials", "AssumeRole" or "registered"

    def expired(self, now: float) -> bool:
        return self.expires_at is not None and self.expires_at <= now


def stable_id(prefix: str, seed: str, length: int = 17) -> str:
    """An AWS-style unique id (`AROA...`, `AIDA...`), the same for the same seed."""
    digest = hashlib.sha256(seed.encode()).digest()
    return prefix + "".join(_ID_ALPHABET[b % len(_ID_ALPHABET)] for b in digest[:length])


def partition_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[1] if len(parts) > 1 and parts[1] else "aws"


def sso_identity(account_id: str, role_name: str, user: str, partition: str = "aws") -> Identity:
    """The identity of IAM Identity Center role credentials: the permission set's role
    `AWSReservedSSO_<name>_<16 hex>` (hex fixed per account and role) assumed by `user`."""
    suffix = hashlib.sha256(f"{account_id}/{role_name}".encode()).hexdigest()[:16]
    role = f"AWSReservedSSO_{role_name}_{suffix}"
    role_arn = f"arn:{partition}:iam::{account_id}:role/aws-reserved/sso.amazonaws.com/{role}"
    return Identity(
        account_id,
        f"arn:{partition}:sts::{account_id}:assumed-role/{role}/{user}",
        f"{stable_id('AROA', role_arn)}:{user}",
    )


def assumed_identity(role_arn: str, session_name: str) -> Identity:
    """The identity AssumeRole of `arn:P:iam::ACCOUNT:role/[path/]NAME` gives."""
    account = role_arn.split(":")[4]
    name = role_arn.rsplit("/", 1)[-1]
    return Identity(
        account,
        f"arn:{partition_of(role_arn)}:sts::{account}:assumed-role/{name}/{session_name}",
        f"{stable_id('AROA', role_arn)}:{session_name}",
    )


def user_identity(account_id: str, user: str, partition: str = "aws") -> Identity:
    """An IAM user's identity (for registered long-term keys and the permissive mode)."""
    arn = f"arn:{partition}:iam::{account_id}:user/{user}"
    return Identity(account_id, arn, stable_id("AIDA", arn))


class KeyStore:
    def __init__(self) -> None:
        self._keys: dict[str, Issued] = {}

    def issue(self, identity: Identity, expires_at: float, source: str) -> Issued:
        """New temporary credentials. The expiry is rounded up to a whole second, as AWS's
        are: a client that keeps it in an ISO timestamp (seconds) then has it exactly."""
        issued = Issued(
            access_key_id(),
            random_chars(string.ascii_letters + string.digits, 40),
            new_token("standin-session-", 96),
            math.ceil(expires_at),
            identity,
            source,
        )
        self._keys[issued.access_key_id] = issued
        return issued

    def add(self, issued: Issued) -> None:
        self._keys[issued.access_key_id] = issued

    def get(self, access_key: str) -> Issued | None:
        return self._keys.get(access_key)
