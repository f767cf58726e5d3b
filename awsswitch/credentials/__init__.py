"""Temporary credentials for a profile, for tools that cannot read SSO profiles (stdlib only
until a cache misses).

- `Credentials`: one set of keys (repr never shows a secret).
- `resolve.resolve(name, ctx)`: the profile's credentials as botocore resolves them (SSO role,
  role chain, credential_process, keys), served from the AWS CLI v2's own cache when warm.
- `cache`: `~/.aws/cli/cache`, with the CLI's keys and JSON shape, so the CLI and awsswitch
  warm each other.
- `formats`: the `export` output formats; `process`: running a `credential_process`;
  `fetch`: the network calls (boto3), imported only on a cache miss.
"""

from __future__ import annotations

from awsswitch.record import Record

# Annotation-only imports: typing costs milliseconds on a warm `export`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import datetime


class Credentials(Record):
    """Keys for one profile. `expiration` is an aware datetime (None: long-term keys);
    `source` says where they came from ("cache", "sso", "assume-role", "process", "keys")."""

    access_key: str
    secret_key: str
    token: str | None = None
    expiration: datetime | None = None
    source: str = ""

    def __repr__(self) -> str:  # a traceback or a debug print must not show the secrets
        expires = self.expiration.isoformat() if self.expiration is not None else None
        return (
            f"Credentials(access_key={self.access_key!r}, expiration={expires}, "
            f"source={self.source!r})"
        )
