"""A local IAM Identity Center stand-in (sso-oidc + portal APIs on 127.0.0.1) for tests, the
demo and the benchmarks. Standard library only.

    from awsswitch.standin import StandIn, generate_accounts

    with StandIn(accounts=generate_accounts(3, 2), auto_approve_after=2) as s:
        os.environ.update(s.env())        # boto3: AWS_ENDPOINT_URL_SSO / _SSO_OIDC
        data_path = s.cli_data_path()     # AWS CLI v2 2.9.19: AWS_DATA_PATH
        ...
        assert s.count("CreateToken", grantType="refresh_token") == 1

Run standalone: `python -m awsswitch.standin --accounts 3 --roles 2 --auto-approve --print-env`.
"""

from __future__ import annotations

from awsswitch.standin.clidata import write_cli_data_path
from awsswitch.standin.server import (
    AUTHORIZATION_CODE_GRANT,
    DEFAULT_ACCOUNTS,
    DEVICE_CODE_GRANT,
    EXAMPLE_START_URL,
    OIDC_OPERATIONS,
    PORTAL_OPERATIONS,
    REFRESH_TOKEN_GRANT,
    Account,
    Call,
    DeviceAuthorization,
    Grant,
    StandIn,
    generate_accounts,
)

__all__ = [
    "AUTHORIZATION_CODE_GRANT",
    "DEFAULT_ACCOUNTS",
    "DEVICE_CODE_GRANT",
    "EXAMPLE_START_URL",
    "OIDC_OPERATIONS",
    "PORTAL_OPERATIONS",
    "REFRESH_TOKEN_GRANT",
    "Account",
    "Call",
    "DeviceAuthorization",
    "Grant",
    "StandIn",
    "generate_accounts",
    "write_cli_data_path",
]
