"""`--verify`: STS GetCallerIdentity through botocore's own chain, against the Identity
Center stand-in (portal GetRoleCredentials, STS GetCallerIdentity and AssumeRole on
127.0.0.1), compared with the profile meant; no call at all without --verify."""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Iterator

import pytest
from doctorhelp import DEPLOY, POWERUSER, World
from support.sso import write_grant

from awsswitch.standin import StandIn

READONLY = "awsprofile.home.readonly"
KEY, SECRET = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def sso_role(role: str, account: str = "111111111111") -> str:
    """The role name the stand-in (as AWS) gives a permission set: fixed hex per role."""
    return f"AWSReservedSSO_{role}_" + hashlib.sha256(f"{account}/{role}".encode()).hexdigest()[:16]


@pytest.fixture
def standin(world: World) -> Iterator[StandIn]:
    with StandIn() as s:
        world.set(**s.env())  # SSO, SSO-OIDC and STS endpoints
        for token in world.sandbox.sso_cache.iterdir():
            token.unlink()
        write_grant(world.sandbox, s)
        for token in world.sandbox.sso_cache.iterdir():
            token.chmod(0o600)
        world.sandbox.write_config(
            world.sandbox.config.read_text()
            + f"\n[profile {READONLY}]\nsso_session = corp\nsso_account_id = 111111111111\n"
            "sso_role_name = ReadOnly\nregion = eu-west-1\n"
        )
        yield s


def test_no_network_without_verify(world: World, standin: StandIn) -> None:
    world.child("--json")
    world.run()
    assert standin.counts() == {}


def test_sso_identity_as_expected(world: World, standin: StandIn) -> None:
    result = world.child("--json", "--verify")
    assert result.code == 0, result.data["findings"]
    v = result.data["verification"]
    assert v["account"] == "111111111111"
    assert v["arn"].startswith(f"arn:aws:sts::111111111111:assumed-role/{sso_role('PowerUser')}/")
    assert (v["expected_account"], v["expected_role"], v["matches"]) == (
        "111111111111",
        "PowerUser",
        True,
    )
    assert standin.count("GetRoleCredentials", accountId="111111111111", roleName="PowerUser") == 1
    assert standin.count("GetCallerIdentity", error="") == 1
    text = world.child("--verify")
    assert f"assumed-role/{sso_role('PowerUser')}/" in text.out
    assert "(as expected)" in text.out


def test_botocore_uses_another_profile_than_the_prompt(world: World, standin: StandIn) -> None:
    """AWS_DEFAULT_PROFILE wins in botocore: STS says ReadOnly while the prompt shows PowerUser."""
    world.set(AWS_DEFAULT_PROFILE=READONLY)
    result = world.child("--json", "--verify")
    assert {"default-profile", "verify-mismatch"} <= set(result.ids())
    finding = result.finding("verify-mismatch")
    assert sso_role("ReadOnly") in finding["title"]
    assert "account 111111111111, role PowerUser" in finding["why"]
    assert finding["fix"] == f"asw {POWERUSER}"
    assert result.data["verification"]["matches"] is False


def test_role_profile_through_its_sso_source(world: World, standin: StandIn) -> None:
    world.set(AWS_PROFILE=DEPLOY, AWSSWITCH_PROFILE=DEPLOY)
    result = world.child("--json", "--verify")
    assert result.code == 0, result.data["findings"]
    v = result.data["verification"]
    assert v["arn"].startswith("arn:aws:sts::222222222222:assumed-role/Deploy/")
    assert v["matches"] is True
    assert standin.count("AssumeRole", error="") == 1


def test_env_keys_are_not_the_profile_meant(world: World, standin: StandIn) -> None:
    standin.register_keys(KEY, SECRET, arn="arn:aws:iam::999999999999:user/old-ci")
    world.set(AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET)
    result = world.child("--json", "--verify")
    assert {"env-credentials", "verify-mismatch"} <= set(result.ids())
    assert result.data["verification"]["arn"] == "arn:aws:iam::999999999999:user/old-ci"
    assert SECRET not in result.out + result.err
    assert standin.count("GetRoleCredentials") == 0  # the keys won: no SSO call at all


def test_sts_refuses(world: World, standin: StandIn) -> None:
    world.set(AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET)  # keys STS never issued
    result = world.child("--json", "--verify")
    finding = result.finding("verify-failed")
    assert "InvalidClientTokenId" in finding["why"]
    assert SECRET not in result.out + result.err
    assert result.data["verification"]["matches"] is None


def test_sts_unreachable(world: World) -> None:
    with socket.socket() as s:  # a port with nobody behind it
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    world.set(AWS_ENDPOINT_URL_STS=f"http://127.0.0.1:{port}",
              AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET)  # fmt: skip
    result = world.child("--json", "--verify")
    assert result.code == 1
    assert result.data["verification"]["error"]
    assert "verify-failed" in result.ids()
