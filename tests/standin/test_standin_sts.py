"""STS on the stand-in over real HTTP: boto3 and the AWS CLI v2 (query protocol, SigV4, XML)
with credentials the portal issued, AssumeRole chains, lifetimes, and every refusal."""

from __future__ import annotations

import json
import re
import subprocess
import urllib.request
from datetime import datetime, timezone
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from standin_helpers import REGION, client

from awsswitch.standin import StandIn

SSO_ARN = re.compile(
    r"arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_PowerUser_([0-9a-f]{16})/jane\.doe"
)
DEPLOY = "arn:aws:iam::222222222222:role/team/Deploy"


def role_credentials(s: StandIn, account: str = "111111111111", role: str = "PowerUser") -> dict:
    """Role credentials through the portal's GetRoleCredentials (HTTP), as botocore gets them."""
    token = s.mint_token().access_token
    sso = client("sso")
    return sso.get_role_credentials(accessToken=token, accountId=account, roleName=role)[
        "roleCredentials"
    ]


def sts_with(creds: dict[str, Any], **config: Any) -> Any:
    """An STS client signing with `creds` (RoleCredentials or STS Credentials shape)."""
    key = creds.get("accessKeyId") or creds.get("AccessKeyId")
    secret = creds.get("secretAccessKey") or creds.get("SecretAccessKey")
    token = creds.get("sessionToken") or creds.get("SessionToken")
    session = boto3.Session(
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        aws_session_token=token,
        region_name=REGION,
    )
    return session.client("sts", config=Config(retries={"max_attempts": 1}, **config))


def error_of(call: Any, **kwargs: Any) -> tuple[str, int]:
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    return info.value.response["Error"]["Code"], info.value.response["ResponseMetadata"][
        "HTTPStatusCode"
    ]


def test_caller_identity_of_sso_role_credentials(standin: StandIn) -> None:
    creds = role_credentials(standin)
    identity = sts_with(creds).get_caller_identity()
    match = SSO_ARN.fullmatch(identity["Arn"])
    assert match, identity["Arn"]
    assert identity["Account"] == "111111111111"
    assert re.fullmatch(r"AROA[A-Z2-7]{17}:jane\.doe", identity["UserId"])
    # The permission set's role is the same for every session of it, another role differs.
    again = sts_with(role_credentials(standin)).get_caller_identity()
    assert again["Arn"] == identity["Arn"] and again["UserId"] == identity["UserId"]
    other = sts_with(role_credentials(standin, role="ReadOnly")).get_caller_identity()
    assert "AWSReservedSSO_ReadOnly_" in other["Arn"] and match.group(1) not in other["Arn"]
    signer = creds["accessKeyId"]
    assert standin.count("GetCallerIdentity", error="", AccessKeyId=signer) == 1
    assert standin.credentials(signer).identity.arn == identity["Arn"]


def test_user_name_is_a_setting(standin: StandIn) -> None:
    standin.user_name = "ops@example.com"
    arn = sts_with(role_credentials(standin)).get_caller_identity()["Arn"]
    assert arn.endswith("/ops@example.com")


def test_assume_role_chain(standin: StandIn) -> None:
    sso = role_credentials(standin)
    reply = sts_with(sso).assume_role(RoleArn=DEPLOY, RoleSessionName="deploy-job")
    creds = reply["Credentials"]
    assert reply["AssumedRoleUser"]["Arn"] == (
        "arn:aws:sts::222222222222:assumed-role/Deploy/deploy-job"
    )
    assert reply["AssumedRoleUser"]["AssumedRoleId"].endswith(":deploy-job")
    assert creds["AccessKeyId"].startswith("ASIA") and creds["AccessKeyId"] != sso["accessKeyId"]
    identity = sts_with(creds).get_caller_identity()
    assert identity["Arn"] == reply["AssumedRoleUser"]["Arn"]
    assert identity["Account"] == "222222222222"
    # A second hop, signed with the first hop's keys.
    second = sts_with(creds).assume_role(
        RoleArn="arn:aws:iam::333333333333:role/Second", RoleSessionName="hop2"
    )
    assert sts_with(second["Credentials"]).get_caller_identity()["Account"] == "333333333333"
    assert standin.count("AssumeRole", RoleArn=DEPLOY, AccessKeyId=sso["accessKeyId"]) == 1
    assert standin.count("AssumeRole", AccessKeyId=creds["AccessKeyId"]) == 1


def test_assume_role_lifetime(standin: StandIn) -> None:
    sts = sts_with(role_credentials(standin))
    asked = sts.assume_role(RoleArn=DEPLOY, RoleSessionName="s1", DurationSeconds=7200)
    issued = standin.credentials(asked["Credentials"]["AccessKeyId"])
    expiration = asked["Credentials"]["Expiration"]
    assert int(expiration.timestamp()) == int(issued.expires_at)
    default = sts.assume_role(RoleArn=DEPLOY, RoleSessionName="s1")
    default_issued = standin.credentials(default["Credentials"]["AccessKeyId"])
    # 7200 s asked, 3600 s by default: the first outlives the second by the difference.
    assert 3500 < issued.expires_at - default_issued.expires_at < 3700
    standin.assume_role_max_ttl = 5  # seconds-level lifetimes for tests of expiry
    short = sts.assume_role(RoleArn=DEPLOY, RoleSessionName="s1", DurationSeconds=3600)
    short_issued = standin.credentials(short["Credentials"]["AccessKeyId"])
    assert short_issued.expires_at < default_issued.expires_at - 3000
    assert sts_with(short["Credentials"]).get_caller_identity()["Account"] == "222222222222"
    standin.advance(6)
    code, status = error_of(sts_with(short["Credentials"]).get_caller_identity)
    assert (code, status) == ("ExpiredToken", 403)
    # The SSO credentials (an hour) still work.
    assert sts.get_caller_identity()["Account"] == "111111111111"


def test_role_credentials_of_a_few_seconds_expire(standin: StandIn) -> None:
    standin.credentials_ttl = 3
    before = standin.now()
    creds = role_credentials(standin)
    after = standin.now()
    expires = creds["expiration"] / 1000
    # Issued between `before` and `after`: 3 s rounded up to a whole second (as AWS's
    # expirations are), never shorter.
    assert before + 3 <= expires < after + 4
    assert creds["expiration"] % 1000 == 0
    assert sts_with(creds).get_caller_identity()["Account"] == "111111111111"
    standin.advance(4)
    assert error_of(sts_with(creds).get_caller_identity) == ("ExpiredToken", 403)
    assert error_of(sts_with(creds).assume_role, RoleArn=DEPLOY, RoleSessionName="late") == (
        "ExpiredToken",
        403,
    )
    assert standin.count("AssumeRole", error="ExpiredToken") == 1


def test_refusals(standin: StandIn) -> None:
    creds = role_credentials(standin)
    unknown = {"accessKeyId": "ASIAUNKNOWNKEY000000", "secretAccessKey": "s", "sessionToken": "t"}
    assert error_of(sts_with(unknown).get_caller_identity) == ("InvalidClientTokenId", 403)
    assert error_of(sts_with(unknown).assume_role, RoleArn=DEPLOY, RoleSessionName="x1") == (
        "InvalidClientTokenId",
        403,
    )
    wrong_secret = {**creds, "secretAccessKey": "not-the-secret"}
    assert error_of(sts_with(wrong_secret).get_caller_identity) == ("SignatureDoesNotMatch", 403)
    wrong_token = {**creds, "sessionToken": "standin-session-forged"}
    assert error_of(sts_with(wrong_token).get_caller_identity) == ("InvalidClientTokenId", 403)
    no_token = {**creds, "sessionToken": None}
    assert error_of(sts_with(no_token).get_caller_identity) == ("InvalidClientTokenId", 403)
    unsigned = sts_with(creds, signature_version=UNSIGNED)
    assert error_of(unsigned.get_caller_identity) == ("MissingAuthenticationToken", 403)
    sts = sts_with(creds)
    bad_arn = "arn:aws:iam::12345:role/not-an-account"
    assert error_of(sts.assume_role, RoleArn=bad_arn, RoleSessionName="x1") == (
        "ValidationError",
        400,
    )
    assert error_of(sts.assume_role, RoleArn=DEPLOY, RoleSessionName="has space") == (
        "ValidationError",
        400,
    )
    assert standin.count("AssumeRole", error="") == 0
    assert standin.count("GetCallerIdentity", error="") == 0


def test_refused_calls_leave_no_secret_in_the_record(standin: StandIn) -> None:
    creds = role_credentials(standin)
    with pytest.raises(ClientError):
        sts_with({**creds, "secretAccessKey": "nope"}).get_caller_identity()
    (call,) = [c for c in standin.calls if c.operation == "GetCallerIdentity"]
    assert call.params["AccessKeyId"] == creds["accessKeyId"]
    assert creds["secretAccessKey"] not in json.dumps(call.params)
    assert creds["sessionToken"] not in json.dumps(call.params)


def test_permissive_mode_and_registered_keys(standin: StandIn) -> None:
    anyone = {"accessKeyId": "AKIAANYONE0000000000", "secretAccessKey": "whatever"}
    standin.sts_permissive = True
    identity = sts_with(anyone).get_caller_identity()
    assert identity["Arn"] == "arn:aws:iam::111111111111:user/jane.doe"
    assert identity["UserId"].startswith("AIDA")
    assumed = sts_with(anyone).assume_role(RoleArn=DEPLOY, RoleSessionName="ci")
    assert sts_with(assumed["Credentials"]).get_caller_identity()["Account"] == "222222222222"
    standin.sts_permissive = False
    assert error_of(sts_with(anyone).get_caller_identity) == ("InvalidClientTokenId", 403)
    # Static keys a test wrote into a credentials file, made known to STS.
    arn = "arn:aws:iam::444444444444:user/ci-bot"
    standin.register_keys("AKIASTATICKEY0000000", "static-secret", arn=arn)
    static = {"accessKeyId": "AKIASTATICKEY0000000", "secretAccessKey": "static-secret"}
    assert sts_with(static).get_caller_identity()["Arn"] == arn
    forged = {**static, "secretAccessKey": "guess"}
    assert error_of(sts_with(forged).get_caller_identity)[0] == "SignatureDoesNotMatch"
    standin.verify_signatures = False
    assert sts_with(forged).get_caller_identity()["Arn"] == arn


def test_injected_errors_and_throttling(standin: StandIn) -> None:
    sts = sts_with(role_credentials(standin))
    standin.fail("AssumeRole", "AccessDenied", message="not allowed to assume")
    code, status = error_of(sts.assume_role, RoleArn=DEPLOY, RoleSessionName="x1")
    assert (code, status) == ("AccessDenied", 403)
    assert sts.assume_role(RoleArn=DEPLOY, RoleSessionName="x1")["Credentials"]
    standin.throttle_operations = {"GetCallerIdentity"}
    standin.throttle_every = 1
    assert error_of(sts.get_caller_identity) == ("Throttling", 400)


def _post(url: str, body: bytes) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_unknown_and_missing_action(standin: StandIn) -> None:
    status, body = _post(standin.sts_url, b"Action=DecodeAuthorizationMessage&Version=2011-06-15")
    assert status == 400 and "<Code>InvalidAction</Code>" in body and "<ErrorResponse" in body
    status, body = _post(standin.sts_url, b"Version=2011-06-15")
    assert status == 400 and "<Code>MissingAction</Code>" in body
    assert standin.calls == []


def test_reply_faults_reach_sts(standin: StandIn) -> None:
    sts = sts_with(role_credentials(standin))
    standin.huge_body_bytes = 256 * 1024
    standin.fail_reply("GetCallerIdentity", "huge-body")
    assert sts.get_caller_identity()["Account"] == "111111111111"  # padded XML still parses
    standin.fail_reply("GetCallerIdentity", "garbage")
    with pytest.raises(Exception):  # noqa: B017 (botocore's parse error has no public class)
        sts.get_caller_identity()
    assert [c.fault for c in standin.calls if c.operation == "GetCallerIdentity"] == [
        "huge-body",
        "garbage",
    ]


def _cli(aws: str, s: StandIn, sandbox: Any, creds: dict[str, Any], *args: str) -> Any:
    env = {
        **sandbox.env,
        # Only the data path: CLI 2.9.19 ignores AWS_ENDPOINT_URL_STS.
        "AWS_DATA_PATH": s.cli_data_path(),
        "AWS_ACCESS_KEY_ID": creds["accessKeyId"],
        "AWS_SECRET_ACCESS_KEY": creds["secretAccessKey"],
        "AWS_SESSION_TOKEN": creds["sessionToken"],
        "AWS_DEFAULT_REGION": "eu-west-1",
    }
    return subprocess.run(
        [aws, *args, "--output", "json"], env=env, capture_output=True, text=True, timeout=120
    )


def test_aws_cli_v2_get_caller_identity(aws_v2: str, standin: StandIn, sandbox: Any) -> None:
    creds = role_credentials(standin)
    proc = _cli(aws_v2, standin, sandbox, creds, "sts", "get-caller-identity")
    assert proc.returncode == 0, proc.stderr
    identity = json.loads(proc.stdout)
    assert SSO_ARN.fullmatch(identity["Arn"]) and identity["Account"] == "111111111111"
    assert standin.count("GetCallerIdentity", error="", AccessKeyId=creds["accessKeyId"]) == 1
    args = ("sts", "assume-role", "--role-arn", DEPLOY, "--role-session-name", "cli")
    assumed = json.loads(_cli(aws_v2, standin, sandbox, creds, *args).stdout)
    assert assumed["AssumedRoleUser"]["Arn"].endswith(":assumed-role/Deploy/cli")
    expires = datetime.fromisoformat(assumed["Credentials"]["Expiration"].replace("Z", "+00:00"))
    assert expires > datetime.now(timezone.utc)
    refused = _cli(
        aws_v2, standin, sandbox, {**creds, "secretAccessKey": "x"}, "sts", "get-caller-identity"
    )
    assert refused.returncode != 0 and "SignatureDoesNotMatch" in refused.stderr
    assert creds["sessionToken"] not in refused.stderr


def test_federation_token_from_long_term_keys(standin: StandIn) -> None:
    arn = "arn:aws:iam::444444444444:user/ci-bot"
    standin.register_keys("AKIALONGTERMKEY00000", "long-secret", arn=arn)
    keys = sts_with({"accessKeyId": "AKIALONGTERMKEY00000", "secretAccessKey": "long-secret"})
    reply = keys.get_federation_token(Name="awsswitch", DurationSeconds=900)
    assert reply["FederatedUser"] == {
        "FederatedUserId": "444444444444:awsswitch",
        "Arn": "arn:aws:sts::444444444444:federated-user/awsswitch",
    }
    identity = sts_with(reply["Credentials"]).get_caller_identity()
    assert identity["Arn"] == reply["FederatedUser"]["Arn"]
    # Session credentials may not ask for one, as on AWS.
    session = sts_with(reply["Credentials"])
    assert error_of(session.get_federation_token, Name="again") == ("AccessDenied", 403)
    assert standin.count("GetFederationToken", error="") == 1
