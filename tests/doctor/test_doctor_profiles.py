"""Profile conditions: a profile variable naming no profile, the SSO token state and when
the session ends, source_profile chains that loop or end nowhere, sso-sessions that do not
exist, and PROFILE given on the command line."""

from __future__ import annotations

from datetime import datetime, timezone

from doctorhelp import DEPLOY, POWERUSER, World
from support.sso import CORP_KEY, write_token

BROKEN_CHAINS = """
[profile loop-a]
role_arn = arn:aws:iam::1:role/a
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::1:role/b
source_profile = loop-a

[profile dangling]
role_arn = arn:aws:iam::1:role/d
source_profile = nowhere

[profile empty-source]
region = eu-west-1

[profile on-empty]
role_arn = arn:aws:iam::1:role/e
source_profile = empty-source

[profile orphan]
sso_session = missing
sso_account_id = 111111111111
sso_role_name = PowerUser
"""


def test_profile_not_found(world: World) -> None:
    world.set(AWS_PROFILE="awsprofile.home.powerusr", AWSSWITCH_PROFILE="awsprofile.home.powerusr")
    result = world.json()
    finding = result.finding("profile-not-found")
    assert finding["fix"] == f"asw {POWERUSER}"  # the close name
    assert "the AWS CLI v2 and boto3 and the AWS CLI v1" in finding["why"]
    assert {r["credentials"] for r in result.data["resolutions"]} == {"error"}
    world.set(AWS_PROFILE="zzz", AWSSWITCH_PROFILE="zzz")
    assert world.json().finding("profile-not-found")["fix"] == "unset AWS_PROFILE"


def test_token_login_needed(world: World) -> None:
    for token in world.sandbox.sso_cache.iterdir():
        token.unlink()
    result = world.json()
    finding = result.finding("sso-login-needed")
    assert finding["fix"] == "awsswitch login --sso-session=corp"
    assert "no cached token" in finding["title"]
    assert result.data["sso"]["state"] == "login-needed"
    # A role profile whose chain ends in the SSO profile needs the same login.
    world.set(AWS_PROFILE=DEPLOY, AWSSWITCH_PROFILE=DEPLOY)
    assert world.json().finding("sso-login-needed")["subject"] == "corp"


def test_token_expired_without_refresh(world: World) -> None:
    write_token(world.sandbox, key=CORP_KEY, expires_in=-60, refreshable=False).chmod(0o600)
    result = world.json()
    assert "expired and cannot be refreshed" in result.finding("sso-login-needed")["title"]
    assert result.data["sso"]["seconds_left"] < 0


def test_token_refresh_due_is_a_note(world: World) -> None:
    write_token(world.sandbox, key=CORP_KEY, expires_in=300).chmod(0o600)
    result = world.json()
    finding = result.finding("sso-refresh-due")
    assert finding["severity"] == "info"
    assert result.code == 0
    sso = result.data["sso"]
    assert sso["state"] == "refreshable"
    expires = datetime.strptime(sso["expires_at"], "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=timezone.utc
    )
    assert 0 < (expires - datetime.now(timezone.utc)).total_seconds() <= 300
    text = world.run().out
    assert "SSO:            sso-session corp: refreshable (5m left)" in text
    assert "refreshable until" in text


def test_broken_chains_and_sessions(world: World) -> None:
    world.sandbox.write_config(world.sandbox.config.read_text() + BROKEN_CHAINS)
    result = world.json()
    loops = [f for f in result.data["findings"] if f["id"] == "source-profile-loop"]
    assert len(loops) == 1  # one loop, reported once
    assert "loop-a -> loop-b -> loop-a" in loops[0]["title"]
    config = world.sandbox.config
    lines = config.read_text().split("\n")
    assert loops[0]["fix"] == f"vi +{lines.index('[profile loop-a]') + 1} {config}"
    missing = result.finding("source-profile-missing")
    assert missing["subject"] == "dangling"
    assert missing["fix"] == f"vi +{lines.index('[profile dangling]') + 1} {config}"
    empty = result.finding("source-profile-empty")
    assert empty["subject"] == "on-empty"
    session = result.finding("sso-session-missing")
    assert session["fix"] == "awsswitch configure sso-session missing"
    assert "orphan" in session["title"]


def test_profile_argument_not_active(world: World) -> None:
    result = world.json(DEPLOY)
    assert result.data["requested"] == DEPLOY
    assert result.data["intended"] == DEPLOY
    finding = result.finding("profile-not-active")
    assert finding["fix"] == f"asw {DEPLOY}"
    assert f"use profile {POWERUSER}, not {DEPLOY}" in finding["title"]
    assert "the AWS CLI v2 and boto3" in finding["title"]  # one finding for both callers
    # Asked by short name, resolved as asw resolves it: the active profile is fine.
    assert world.json("home.poweruser").code == 0


def test_profile_argument_checks_that_profile(world: World) -> None:
    world.sandbox.write_config(world.sandbox.config.read_text() + BROKEN_CHAINS)
    result = world.json("orphan")
    assert result.data["intended"] == "orphan"
    assert result.data["sso"] is None  # its session does not exist: no token to read
    ambiguous = world.run("loop")
    assert ambiguous.code == 2
    assert "matches 2 profiles" in ambiguous.err
