"""Long jobs under `exec --server` and real tools under `exec`: boto3 keeps calling STS past
the expiry of its first role credentials (the stand-in issues them for a few seconds), and the
AWS CLI v2 (Debian 2.9.19) runs `sts get-caller-identity` with the role credentials under
`--env-credentials` and `--server`; the stand-in's STS checks and records who signed each
call."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest
from credhelp import command
from support.sso import POWERUSER, role_credentials, write_grant

from awsswitch.standin import StandIn

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("cred_config")]

POWERUSER_ARN = "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_PowerUser_"

# Two STS calls with the same client, the second after the first credentials have expired;
# the stand-in's STS checks each call's signature and refuses credentials that have expired.
# The job prints the key id each call was signed with.
STANDIN_JOB = """
import json, time
from datetime import datetime, timezone
import boto3
session = boto3.Session()
sts = session.client("sts")
creds = session.get_credentials()
calls = []
for _ in range(2):
    arn = sts.get_caller_identity()["Arn"]
    calls.append({"key": creds.get_frozen_credentials().access_key, "arn": arn,
                  "at": time.time()})
    expiry = creds._expiry_time
    while datetime.now(timezone.utc) <= expiry:
        time.sleep(0.2)
print(json.dumps({"method": creds.method, "calls": calls}))
"""


def test_a_job_outlives_its_first_credentials_at_the_standin(
    standin: StandIn, sandbox: Any
) -> None:
    write_grant(sandbox, standin)
    standin.credentials_ttl = 3
    out = command(sandbox, "exec_", "--server", POWERUSER, "--", sys.executable, "-c", STANDIN_JOB)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    report = json.loads(out.stdout)
    assert report["method"] == "container-role"
    first, second = report["calls"]
    assert first["key"] != second["key"]
    issued = {c["accessKeyId"] for c in role_credentials(standin)}
    assert {first["key"], second["key"]} <= issued  # both came from the portal via the server
    assert first["arn"] == second["arn"]
    assert first["arn"].startswith(POWERUSER_ARN)
    expired = standin.credentials(first["key"])
    assert expired is not None and expired.expires_at is not None
    assert second["at"] > expired.expires_at  # the first set had expired by then
    answered = [c for c in standin.calls if c.operation == "GetCallerIdentity"]
    assert [(c.status, c.error) for c in answered] == [(200, None), (200, None)]


@pytest.mark.parametrize("mode", ["", "--env-credentials", "--server"])
def test_aws_cli_v2_at_the_standin(mode: str, aws_v2: str, standin: StandIn, sandbox: Any) -> None:
    """The CLI's STS calls go to the stand-in (AWS_DATA_PATH), which checks their signature."""
    write_grant(sandbox, standin)
    env = {"AWS_DATA_PATH": standin.cli_data_path()}
    args = [mode] if mode else []
    out = command(
        sandbox,
        "exec_",
        *args,
        POWERUSER,
        "--",
        aws_v2,
        "sts",
        "get-caller-identity",
        "--output",
        "json",
        env=env,
    )
    assert out.returncode == 0, out.stderr
    arn = json.loads(out.stdout)["Arn"]
    assert arn.startswith(POWERUSER_ARN)
    [issued] = role_credentials(standin)
    [call] = [c for c in standin.calls if c.operation == "GetCallerIdentity"]
    assert call.params["AccessKeyId"] == issued["accessKeyId"]
