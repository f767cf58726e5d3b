"""A local IAM Identity Center stand-in (sso-oidc + portal APIs on 127.0.0.1, plus STS and the
console sign-in federation endpoint) for tests, the demo and the benchmarks. Standard library
only.

    from awsswitch.standin import StandIn, generate_accounts

    with StandIn(accounts=generate_accounts(3, 2), auto_approve_after=2) as s:
        os.environ.update(s.env())        # AWS_ENDPOINT_URL_SSO / _SSO_OIDC / _STS,
                                          # AWSSWITCH_FEDERATION_ENDPOINT (= s.federation_url)
        data_path = s.cli_data_path()     # AWS CLI v2 2.9.19: AWS_DATA_PATH
        ...
        assert s.count("CreateToken", grantType="refresh_token") == 1

Wire shapes follow botocore's service models `sso-oidc/2019-06-10` and `sso/2019-06-10`
(rest-json); errors carry the header `x-amzn-ErrorType: <Code>` plus an OAuth body (`error`,
`error_description`) for sso-oidc or a `message` body for the portal, which botocore maps to the
modelled exceptions. STS speaks the query protocol (form in, XML out, SigV4-checked keys it
issued); the federation endpoint answers `getSigninToken` and the `login` redirect.

Modules: `server` (StandIn: lifecycle and API), `settings` (the knobs), `model` (constants and
value types), `oidc` / `devices` / `tokens` (sso-oidc), `portal` (sso), `keys` (issued
credentials and their identities), `sts` / `sigv4` (STS), `federation` (sign-in tokens),
`faults` (errors, throttling, broken replies), `calls` (the record), `http_server` (the wire),
`clidata` (AWS_DATA_PATH for the AWS CLI v2). docs/standin.md describes them all.

Run standalone: `python -m awsswitch.standin --accounts 3 --roles 2 --auto-approve --print-env`.
"""

from __future__ import annotations

from awsswitch.standin.clidata import write_cli_data_path
from awsswitch.standin.faults import (
    GARBAGE,
    HANG,
    HUGE_BODY,
    HUGE_EXPIRES_IN,
    HUGE_EXPIRES_IN_VALUE,
    NO_ACCESS_TOKEN,
    REPLY_FAULTS,
)
from awsswitch.standin.keys import Identity, Issued
from awsswitch.standin.model import (
    AUTHORIZATION_CODE_GRANT,
    DEFAULT_ACCOUNTS,
    DEVICE_CODE_GRANT,
    EXAMPLE_START_URL,
    FEDERATION_OPERATIONS,
    OIDC_OPERATIONS,
    PORTAL_OPERATIONS,
    REFRESH_TOKEN_GRANT,
    STS_OPERATIONS,
    Account,
    Call,
    DeviceAuthorization,
    Grant,
    generate_accounts,
)
from awsswitch.standin.server import StandIn
from awsswitch.standin.settings import Settings

__all__ = [
    "AUTHORIZATION_CODE_GRANT",
    "DEFAULT_ACCOUNTS",
    "DEVICE_CODE_GRANT",
    "EXAMPLE_START_URL",
    "FEDERATION_OPERATIONS",
    "GARBAGE",
    "HANG",
    "HUGE_BODY",
    "HUGE_EXPIRES_IN",
    "HUGE_EXPIRES_IN_VALUE",
    "NO_ACCESS_TOKEN",
    "OIDC_OPERATIONS",
    "PORTAL_OPERATIONS",
    "REFRESH_TOKEN_GRANT",
    "REPLY_FAULTS",
    "STS_OPERATIONS",
    "Account",
    "Call",
    "DeviceAuthorization",
    "Grant",
    "Identity",
    "Issued",
    "Settings",
    "StandIn",
    "generate_accounts",
    "write_cli_data_path",
]
