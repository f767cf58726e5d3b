"""`doctor --verify`: ask STS who a call from this shell really is, and compare with the
profile the user means. The only network call `doctor` makes, and only when asked.

The call runs in a child Python with this shell's environment, so botocore applies its own
rules (credential chain, profile and region variables, endpoint overrides such as
AWS_ENDPOINT_URL_STS) to exactly the variables the shell has; connect and read timeouts, a
single retry and a deadline on the child bound it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Mapping

from awsswitch.config import profiles
from awsswitch.doctor.facts import Facts
from awsswitch.doctor.model import PROBLEM, Finding, Verification
from awsswitch.doctor.resolve import expected_identity

CONNECT_TIMEOUT = 5
READ_TIMEOUT = 10
DEADLINE = 60  # seconds for the whole child (an SSO profile also calls the portal)
_MAX_ERROR = 300

_CHILD = f"""
import json, sys
try:
    import boto3
    from botocore.config import Config
    session = boto3.Session()
    config = Config(connect_timeout={CONNECT_TIMEOUT}, read_timeout={READ_TIMEOUT},
                    retries={{"max_attempts": 2, "mode": "standard"}})
    sts = session.client("sts", region_name=session.region_name or "us-east-1", config=config)
    answer = sts.get_caller_identity()
    result = {{"account": answer.get("Account"), "arn": answer.get("Arn")}}
except Exception as exc:
    result = {{"error": type(exc).__name__ + ": " + str(exc)}}
sys.stdout.write(json.dumps(result))
"""


def call_sts(env: Mapping[str, str]) -> dict[str, str]:
    """{'account', 'arn'} or {'error'} from GetCallerIdentity with `env`'s chain."""
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _CHILD],
            env=dict(env),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=DEADLINE,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"no answer within {DEADLINE} s"}
    except OSError as exc:
        return {"error": f"cannot start Python: {exc}"}
    try:
        result = json.loads(proc.stdout.decode("utf-8", "replace") or "null")
    except ValueError:
        result = None
    if not isinstance(result, dict):
        return {"error": f"the STS check failed (exit {proc.returncode})"}
    return {k: str(v) for k, v in result.items() if v is not None}


def assumed_role(arn: str) -> str | None:
    """The role name in `arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION`."""
    from awsswitch import arn as arns

    parsed = arns.parse(arn)
    if parsed is None or not parsed.resource.startswith("assumed-role/"):
        return None
    return parsed.role_name


def role_matches(kind: str | None, expected: str, actual: str | None) -> bool:
    """An SSO role `R` comes back as `AWSReservedSSO_R_<hex suffix>`; a role profile's
    role_arn (`arn:...:role/PATH/NAME`) as `NAME`."""
    if actual is None:
        return False
    if kind in (profiles.KIND_SSO, profiles.KIND_SSO_LEGACY):
        return re.fullmatch(f"AWSReservedSSO_{re.escape(expected)}_[0-9a-f]+", actual) is not None
    from awsswitch import arn as arns

    parsed = arns.parse(expected)
    return parsed is not None and actual == parsed.role_name


def verify(facts: Facts) -> tuple[Verification, list[Finding]]:
    kind, account, role = expected_identity(facts, facts.intended)
    answer = call_sts(facts.env)
    error = answer.get("error")
    if error is not None:
        error = error if len(error) <= _MAX_ERROR else error[: _MAX_ERROR - 1] + "…"
        result = Verification(None, None, account, role, None, error)
        return result, [
            Finding(
                "verify-failed",
                PROBLEM,
                "STS GetCallerIdentity failed",
                error,
                fix=None,
                hint="the findings above usually say why; `awsswitch status` shows the token",
                subject=facts.intended,
            )
        ]
    arn = answer.get("arn")
    got = answer.get("account")
    matches = None
    if account is not None:
        matches = got == account and (
            role is None or role_matches(kind, role, assumed_role(arn or ""))
        )
    result = Verification(got, arn, account, role, matches)
    if matches is False:
        return result, [
            Finding(
                "verify-mismatch",
                PROBLEM,
                f"STS says this shell calls as {arn}",
                f"profile {facts.intended} should come back as account {account}"
                + (f", role {role}" if role else ""),
                fix=facts.fixes.asw(facts.intended) if facts.intended else None,
                subject=facts.intended,
                details={"arn": arn or "", "account": got or ""},
            )
        ]
    return result, []
