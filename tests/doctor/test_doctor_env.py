"""Environment conditions: each produced in the sandbox, reported with its fix; where the fix
is a shell command, it is run in a real shell and doctor is asked again from that shell."""

from __future__ import annotations

import pytest
from doctorhelp import DEPLOY, POWERUSER, World, shell_path
from support.sandbox import require

KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
SHELLS = ("bash", "zsh", "fish")


def _apply(world: World, shell: str, fix: str) -> list[str]:
    """Run `fix` in a real `shell` (SHELL and the marker say which), then doctor there."""
    require(shell)
    world.set(PATH=shell_path(world, shell), SHELL=f"/bin/{shell}", AWSSWITCH_SHELL=shell)
    return world.in_shell(shell, fix).ids()


@pytest.mark.parametrize("shell", SHELLS)
def test_env_keys_beat_the_profile(world: World, shell: str) -> None:
    world.set(AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET, AWS_SESSION_TOKEN="tok",
              AWSSWITCH_SHELL=shell, SHELL=f"/bin/{shell}")  # fmt: skip
    result = world.json()
    assert result.code == 1
    finding = result.finding("env-credentials")
    assert finding["severity"] == "problem"
    assert "AKIA…MPLE" in finding["title"]
    assert POWERUSER in finding["why"]
    unset = "set -e" if shell == "fish" else "unset"
    assert finding["fix"] == f"{unset} AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN"
    for res in result.data["resolutions"]:
        assert res["credentials"] == "environment"
    text = world.run()
    assert (
        SECRET not in text.out + result.out
        and "tok" not in result.finding("env-credentials")["title"]
    )
    assert "keys from the environment" in text.out
    assert "env-credentials" not in _apply(world, shell, finding["fix"])


def test_env_keys_without_any_profile_are_a_note(world: World) -> None:
    world.drop("AWS_PROFILE", "AWSSWITCH_PROFILE", "AWSSWITCH_SHORT", "AWS_REGION",
               "AWS_DEFAULT_REGION", "AWSSWITCH_REGION")  # fmt: skip
    world.set(AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET)
    result = world.json()
    assert result.finding("env-credentials")["severity"] == "info"
    assert result.code == 0, result.ids()


def test_expired_env_keys_are_a_problem_even_without_a_profile(world: World) -> None:
    world.drop("AWS_PROFILE", "AWSSWITCH_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION")
    world.set(AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET,
              AWS_CREDENTIAL_EXPIRATION="2020-01-01T00:00:00Z")  # fmt: skip
    finding = world.json().finding("env-credentials")
    assert finding["severity"] == "problem"
    assert "expired at 2020-01-01 00:00 UTC" in finding["why"]


def test_partial_and_stale_env_keys(world: World) -> None:
    world.set(AWS_ACCESS_KEY_ID=KEY)
    partial = world.json().finding("env-credentials-partial")
    assert partial["fix"] == "unset AWS_ACCESS_KEY_ID"
    world.drop("AWS_ACCESS_KEY_ID").set(AWS_SESSION_TOKEN="left-over")
    result = world.json()
    assert result.finding("env-credentials-stale")["severity"] == "info"
    assert result.code == 0
    assert "left-over" not in result.out


@pytest.mark.parametrize("shell", SHELLS)
def test_default_profile_disagreeing(world: World, shell: str) -> None:
    world.set(AWS_DEFAULT_PROFILE=DEPLOY, AWSSWITCH_SHELL=shell, SHELL=f"/bin/{shell}")
    result = world.json()
    finding = result.finding("default-profile")
    assert finding["severity"] == "problem"
    assert "boto3" in finding["why"] and DEPLOY in finding["why"]
    cli, boto = result.data["resolutions"]
    assert (cli["profile"], cli["profile_source"]) == (POWERUSER, "AWS_PROFILE")
    assert (boto["profile"], boto["profile_source"]) == (DEPLOY, "AWS_DEFAULT_PROFILE")
    assert boto["kind"] == "role" and boto["account_id"] == "222222222222"
    assert "default-profile" not in _apply(world, shell, finding["fix"])


def test_default_profile_alone_and_equal(world: World) -> None:
    world.drop("AWS_PROFILE", "AWSSWITCH_PROFILE").set(AWS_DEFAULT_PROFILE=DEPLOY)
    alone = world.json()
    finding = alone.finding("default-profile")
    assert finding["severity"] == "problem"
    assert finding["fix"] == f"asw {DEPLOY}"
    assert alone.data["prompt"] is None
    assert alone.data["intended"] == DEPLOY
    assert {r["profile"] for r in alone.data["resolutions"]} == {DEPLOY}
    world.set(AWS_PROFILE=POWERUSER, AWSSWITCH_PROFILE=POWERUSER, AWS_DEFAULT_PROFILE=POWERUSER)
    equal = world.json()
    assert equal.finding("default-profile")["severity"] == "info"
    assert equal.code == 0


def test_empty_profile_variable(world: World) -> None:
    world.set(AWS_DEFAULT_PROFILE="")
    result = world.json()
    finding = result.finding("empty-variable")
    assert finding["fix"] == "unset AWS_DEFAULT_PROFILE"
    boto = result.data["resolutions"][1]
    assert (boto["profile"], boto["credentials"]) == ("", "error")


@pytest.mark.parametrize(
    ("variables", "fid", "fix"),
    [
        ({"AWS_VAULT": "work"}, "aws-vault", "exit"),
        ({"AWSUME_PROFILE": "old", "AWSUME_EXPIRATION": "x"}, "awsume",
         "unset AWSUME_PROFILE AWSUME_EXPIRATION"),
        ({"AWSU_PROFILE": "old"}, "awsu", "unset AWSU_PROFILE"),
        ({"AWS_SSO_PROFILE": "Acct:Role", "AWS_SSO_ACCOUNT_ID": "1"}, "aws-sso-cli",
         "unset AWS_SSO_PROFILE AWS_SSO_ACCOUNT_ID"),
    ],
)  # fmt: skip
def test_other_tools(world: World, variables: dict[str, str], fid: str, fix: str) -> None:
    world.set(**variables)
    result = world.json()
    assert result.code == 1
    finding = result.finding(fid)
    assert finding["fix"] == fix
    if fix != "exit":
        assert fid not in _apply(world, "bash", fix)


def test_web_identity_in_the_environment(world: World, tmp_path) -> None:
    token = tmp_path / "token"
    token.write_text("jwt")
    world.set(
        AWS_ROLE_ARN="arn:aws:iam::333333333333:role/Pod", AWS_WEB_IDENTITY_TOKEN_FILE=str(token)
    )
    result = world.json()
    finding = result.finding("web-identity-env")
    assert finding["fix"] == "unset AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE"
    for res in result.data["resolutions"]:
        assert res["credentials"] == "web-identity"
        assert res["account_id"] == "333333333333"
    # A role profile with source_profile comes before web identity: no finding then.
    world.set(AWS_PROFILE=DEPLOY, AWSSWITCH_PROFILE=DEPLOY)
    assert "web-identity-env" not in world.json().ids()


@pytest.mark.parametrize("shell", SHELLS)
def test_region_variables_disagree(world: World, shell: str) -> None:
    world.set(AWS_REGION="us-west-2", AWSSWITCH_SHELL=shell, SHELL=f"/bin/{shell}")
    result = world.json()
    finding = result.finding("region-mismatch")
    assert "us-west-2" in finding["title"] and "eu-west-1" in finding["title"]
    cli, boto = result.data["resolutions"]
    assert (cli["region"], boto["region"]) == ("us-west-2", "eu-west-1")
    # The profile's region is one of them: both get it.
    expected = (
        "set -gx AWS_REGION eu-west-1; set -gx AWS_DEFAULT_REGION eu-west-1"
        if shell == "fish"
        else "export AWS_REGION=eu-west-1 AWS_DEFAULT_REGION=eu-west-1"
    )
    assert finding["fix"] == expected
    assert not {"region-mismatch", "region-override"} & set(_apply(world, shell, finding["fix"]))


def test_aws_region_alone_is_ignored_by_botocore(world: World) -> None:
    world.drop("AWS_DEFAULT_REGION", "AWSSWITCH_REGION").set(AWS_REGION="ap-south-1")
    result = world.json()
    finding = result.finding("region-ignored")
    assert finding["fix"] == "export AWS_DEFAULT_REGION=ap-south-1"
    assert "eu-west-1" in finding["why"]
    assert result.data["resolutions"][1]["region"] == "eu-west-1"
    assert result.data["resolutions"][1]["region_source"] == "profile"
    override = result.finding("region-override")
    assert override["severity"] == "problem"
    assert override["fix"] == "unset AWS_REGION"


def test_region_override_by_asw_is_a_note(world: World) -> None:
    world.set(AWS_REGION="us-east-2", AWS_DEFAULT_REGION="us-east-2", AWSSWITCH_REGION="us-east-2")
    result = world.json()
    assert result.finding("region-override")["severity"] == "info"
    assert result.code == 0
    world.set(AWSSWITCH_REGION="eu-west-1")  # set by someone else since
    result = world.json()
    finding = result.finding("region-override")
    assert finding["severity"] == "problem"
    assert finding["fix"] == "unset AWS_REGION AWS_DEFAULT_REGION"
    assert "region-override" not in _apply(world, "bash", finding["fix"])


def test_no_region_anywhere(world: World) -> None:
    world.sandbox.write_config(
        world.sandbox.config.read_text().replace("region = eu-west-1\n", "", 1)
    )
    world.drop("AWS_REGION", "AWS_DEFAULT_REGION", "AWSSWITCH_REGION")
    finding = world.json().finding("region-missing")
    assert finding["fix"] == f"awsswitch configure profile --region us-east-1 {POWERUSER}"


def test_profile_set_by_hand_is_a_note(world: World) -> None:
    world.set(AWS_PROFILE=DEPLOY)
    result = world.json()
    finding = result.finding("profile-by-hand")
    assert finding["severity"] == "info"
    assert finding["fix"] == f"asw {DEPLOY}"
    assert result.data["prompt"] == f"aws:{DEPLOY}"
    assert result.code == 0


def test_container_credentials_are_a_note(world: World) -> None:
    world.set(AWS_CONTAINER_CREDENTIALS_RELATIVE_URI="/v2/credentials/x")
    result = world.json()
    assert result.finding("container-credentials")["severity"] == "info"
    assert result.code == 0
