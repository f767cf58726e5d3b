"""The network calls behind a cache miss: portal GetRoleCredentials and STS AssumeRole (boto3,
imported only here, only when a cached set of credentials is missing or expiring).

Results come back in the shapes botocore's fetchers cache (`SSOCredentialFetcher`,
`AssumeRoleCredentialFetcher`), so `cache.store` writes what the AWS CLI v2 would write.
Bounded as every client of `sso.clients` (timeouts, attempts, reply size and deadline).
Messages name the role and account, never a token or key.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from awsswitch.context import display
from awsswitch.credentials import Credentials
from awsswitch.errors import AwsswitchError
from awsswitch.sso import clients

_UTC_DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # SSOCredentialFetcher._UTC_DATE_FORMAT


def _why(exc: BaseException, secrets: tuple[object, ...] = ()) -> str:
    """One printable line for a failure, without `secrets` (a server may echo a request). A
    parameter validation error quotes the values it was given: name only the fact."""
    if type(exc).__name__ == "ParamValidationError":
        return "the request parameters are invalid (check the profile's settings)"
    # describe redacts before it caps the length, so no cut-off secret prefix survives
    return clients.describe(exc, secrets)


class SessionEnded(AwsswitchError):
    """The portal refused the SSO access token (UnauthorizedException): signed out elsewhere,
    or the session was revoked."""


def sso_role(
    *, region: str, account_id: str, role_name: str, access_token: str, env: Mapping[str, str]
) -> dict[str, Any]:
    """GetRoleCredentials, as the cache entry `SSOCredentialFetcher` writes."""
    from botocore.exceptions import BotoCoreError, ClientError

    what = f"role {display(role_name)} in account {display(account_id)}"
    try:
        client = clients.client("sso", region, env)
        response = client.get_role_credentials(
            roleName=role_name, accountId=account_id, accessToken=access_token
        )
        role = response["roleCredentials"]
        expiration = datetime.fromtimestamp(role["expiration"] / 1000.0, timezone.utc)
        return {
            "ProviderType": "sso",
            "Credentials": {
                "AccessKeyId": role["accessKeyId"],
                "SecretAccessKey": role["secretAccessKey"],
                "SessionToken": role["sessionToken"],
                "Expiration": expiration.strftime(_UTC_DATE_FORMAT),
                "AccountId": account_id,
            },
        }
    except ClientError as exc:
        if clients.error_code(exc) == "UnauthorizedException":
            raise SessionEnded(
                f"the SSO portal refused the session's token for {what} (signed out or revoked)"
            ) from None
        raise AwsswitchError(
            f"cannot get credentials for {what}: {_why(exc, (access_token,))}"
        ) from None
    except (BotoCoreError, ValueError, KeyError, TypeError, OverflowError) as exc:
        raise AwsswitchError(
            f"cannot get credentials for {what}: {_why(exc, (access_token,))}"
        ) from None


def assume_role(
    source: Credentials, args: Mapping[str, Any], *, region: str | None, env: Mapping[str, str]
) -> dict[str, Any]:
    """STS AssumeRole with `source`'s keys: the response as botocore caches it (with
    `Credentials.AccountId` taken from the assumed role's ARN, as botocore adds it)."""
    from botocore.exceptions import BotoCoreError, ClientError

    what = f"role {display(str(args.get('RoleArn')))}"
    secrets = (source.secret_key, source.token, args.get("TokenCode"))
    keys = (source.access_key, source.secret_key, source.token)
    try:
        sts = clients.client("sts", region or "us-east-1", env, keys=keys)
        response = sts.assume_role(**args)
        response["Credentials"]["Expiration"]  # a response without it is unusable: KeyError
    except ClientError as exc:
        raise AwsswitchError(f"cannot assume {what}: {_why(exc, secrets)}") from None
    except (BotoCoreError, ValueError, KeyError, TypeError) as exc:
        raise AwsswitchError(f"cannot assume {what}: {_why(exc, secrets)}") from None
    from awsswitch import arn

    assumed = arn.parse(response.get("AssumedRoleUser", {}).get("Arn"))
    if assumed is not None and assumed.account:
        response["Credentials"]["AccountId"] = assumed.account
    return response
