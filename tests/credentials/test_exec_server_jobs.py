"""Long jobs under `exec --server` and real tools under `exec`: boto3 keeps calling STS past
the expiry of its first role credentials (the stand-in issues them for a few seconds), and the
AWS CLI v2 (Debian 2.9.19) runs `sts get-caller-identity` with the role credentials under
`--env-credentials` and `--server`; the STS stub records who signed each call."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from credhelp import (
    StsStub,
    command,
    cred_config_fixture,  # noqa: F401 (fixture)
    role_credentials,
)
from support.sso import POWERUSER, set_env, standin_fixture, write_grant  # noqa: F401

from awsswitch.standin import StandIn

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("cred_config")]

# Two STS calls with the same client: the second after the first credentials have expired.
LONG_JOB = """
import json, time
from datetime import datetime, timezone
import boto3
session = boto3.Session()
sts = session.client("sts")
creds = session.get_credentials()
first = sts.get_caller_identity()["Arn"]
expiry = creds._expiry_time
while datetime.now(timezone.utc) <= expiry:
    time.sleep(0.2)
second = sts.get_caller_identity()["Arn"]
print(json.dumps({"method": creds.method, "expired": expiry.isoformat(),
                  "second_at": datetime.now(timezone.utc).isoformat()}))
"""


@pytest.fixture(name="sts")
def sts_fixture(sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[StsStub]:
    stub = StsStub().start()
    set_env(sandbox, monkeypatch, AWS_ENDPOINT_URL_STS=stub.url)
    try:
        yield stub
    finally:
        stub.stop()


def test_a_job_outlives_its_first_credentials(standin: StandIn, sts: StsStub, sandbox: Any) -> None:
    write_grant(sandbox, standin)
    standin.credentials_ttl = 3
    out = command(sandbox, "exec_", "--server", POWERUSER, "--", sys.executable, "-c", LONG_JOB)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["method"] == "container-role"
    assert report["second_at"] > report["expired"]
    signers = [signer for action, _, signer in sts.calls if action == "GetCallerIdentity"]
    issued = {c["accessKeyId"]: c for c in role_credentials(standin)}
    assert len(signers) == 2 and signers[0] != signers[1]
    assert set(signers) <= set(issued)  # both sets came from the portal through the server
    # The second set was issued after the first had expired, so it was valid when used.
    assert issued[signers[1]]["expiration"] > issued[signers[0]]["expiration"]
    assert out.stderr == ""


@pytest.mark.parametrize("mode", ["", "--env-credentials", "--server"])
def test_aws_cli_v2_under_exec(
    mode: str, aws_v2: str, standin: StandIn, sts: StsStub, sandbox: Any
) -> None:
    write_grant(sandbox, standin)
    # Default mode: the CLI reads the SSO profile itself; AWS_DATA_PATH sends its portal calls
    # to the stand-in. CLI 2.9.19 ignores AWS_ENDPOINT_URL_STS: STS's goes on its command line.
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
        "--endpoint-url",
        sts.url,
        "--output",
        "json",
        env=env,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["Account"] == "000000000000"  # the stub's answer
    issued = role_credentials(standin)
    assert len(issued) == 1
    assert [s for a, _, s in sts.calls if a == "GetCallerIdentity"] == [issued[0]["accessKeyId"]]


# The same job against the stand-in's STS, which checks each call's signature and refuses
# credentials that have expired: it prints the key id each call was signed with.
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
print(json.dumps(calls))
"""


def test_a_job_outlives_its_first_credentials_at_the_standin(
    standin: StandIn, sandbox: Any
) -> None:
    write_grant(sandbox, standin)
    standin.credentials_ttl = 3
    out = command(sandbox, "exec_", "--server", POWERUSER, "--", sys.executable, "-c", STANDIN_JOB)
    assert out.returncode == 0, out.stderr
    first, second = json.loads(out.stdout)
    assert first["key"] != second["key"]
    assert first["arn"] == second["arn"]
    assert first["arn"].startswith("arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_PowerUser_")
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
    assert arn.startswith("arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_PowerUser_")
    issued = role_credentials(standin)
    assert len(issued) == 1
    assert standin.count("GetCallerIdentity") == 1
