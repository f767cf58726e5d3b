"""`--verify`: STS GetCallerIdentity through botocore's own chain (the SSO portal of the
Identity Center stand-in, the STS stub), compared with the profile meant; no call without it."""

from __future__ import annotations

import socket

import pytest
from doctorhelp import DEPLOY, POWERUSER, World
from stsstub import StsStub
from support.sso import write_grant

from awsswitch.standin import StandIn

SSO_ARN = "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_PowerUser_0123456789abcdef/jane"


@pytest.fixture
def sts(world: World) -> StsStub:
    with StsStub() as stub:
        world.set(AWS_ENDPOINT_URL_STS=stub.url)
        yield stub


@pytest.fixture
def portal(world: World) -> StandIn:
    with StandIn() as s:
        world.set(**s.env())
        for token in world.sandbox.sso_cache.iterdir():
            token.unlink()
        write_grant(world.sandbox, s)
        for token in world.sandbox.sso_cache.iterdir():
            token.chmod(0o600)
        yield s


def test_no_network_without_verify(world: World, sts: StsStub) -> None:
    world.set(AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY="x")
    world.child("--json")
    world.run()
    assert sts.calls == []


def test_sso_identity_as_expected(world: World, sts: StsStub, portal: StandIn) -> None:
    sts.default_arn = SSO_ARN
    result = world.child("--json", "--verify")
    assert result.code == 0, result.data["findings"]
    v = result.data["verification"]
    assert v == {"account": "111111111111", "arn": SSO_ARN, "expected_account": "111111111111",
                 "expected_role": "PowerUser", "matches": True, "error": None}  # fmt: skip
    assert sts.count("GetCallerIdentity") == 1
    assert portal.count("GetRoleCredentials", accountId="111111111111", roleName="PowerUser") == 1
    text = world.child("--verify")
    assert f"STS:            {SSO_ARN} (as expected)" in text.out


def test_sso_identity_of_another_role(world: World, sts: StsStub, portal: StandIn) -> None:
    sts.default_arn = SSO_ARN.replace("PowerUser", "ReadOnly")
    result = world.child("--json", "--verify")
    assert result.code == 1
    finding = result.finding("verify-mismatch")
    assert "AWSReservedSSO_ReadOnly" in finding["title"]
    assert finding["fix"] == f"asw {POWERUSER}"
    assert result.data["verification"]["matches"] is False


def test_role_profile_through_its_sso_source(world: World, sts: StsStub, portal: StandIn) -> None:
    world.set(AWS_PROFILE=DEPLOY, AWSSWITCH_PROFILE=DEPLOY)
    result = world.child("--json", "--verify")
    assert result.code == 0, result.data["findings"]
    v = result.data["verification"]
    assert v["arn"].startswith("arn:aws:sts::222222222222:assumed-role/Deploy/")
    assert v["matches"] is True
    assert sts.count("AssumeRole") == 1


def test_env_keys_are_not_the_profile_meant(world: World, sts: StsStub) -> None:
    sts.bound["AKIAIOSFODNN7EXAMPLE"] = "arn:aws:iam::999999999999:user/old-ci"
    world.set(AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY="wJalr/secret")
    result = world.child("--json", "--verify")
    assert {"env-credentials", "verify-mismatch"} <= set(result.ids())
    assert result.data["verification"]["account"] == "999999999999"
    assert "wJalr/secret" not in result.out + result.err


def test_sts_refuses(world: World, sts: StsStub) -> None:
    sts.refuse = "InvalidClientTokenId"
    world.set(AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY="s")
    finding = world.child("--json", "--verify").finding("verify-failed")
    assert "InvalidClientTokenId" in finding["why"]


def test_sts_unreachable(world: World) -> None:
    with socket.socket() as s:  # a port with nobody behind it
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    world.set(AWS_ENDPOINT_URL_STS=f"http://127.0.0.1:{port}",
              AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY="s")  # fmt: skip
    result = world.child("--json", "--verify")
    assert result.code == 1
    assert result.data["verification"]["error"]
    assert "verify-failed" in result.ids()
