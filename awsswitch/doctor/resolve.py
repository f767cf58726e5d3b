"""Which profile, credentials and region a call from this shell would use, in the order the
callers apply their rules (checked against botocore 1.44 and the AWS CLI 2.9 / 2.36 sources):

- profile: botocore (boto3, AWS CLI v1) takes AWS_DEFAULT_PROFILE, then AWS_PROFILE; the AWS
  CLI v2 takes AWS_PROFILE, then AWS_DEFAULT_PROFILE; both then `default`. A variable that
  is set counts even when empty (botocore: "The config profile () could not be found").
- credentials, when no --profile is given: environment keys (AWS_ACCESS_KEY_ID and
  AWS_SECRET_ACCESS_KEY) beat every profile; then a role_arn + source_profile profile; then
  web identity (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE in the environment beat the
  profile's own values); then the profile's SSO, credentials-file keys, credential_process,
  config-file keys; then container and instance credentials.
- region: botocore reads AWS_DEFAULT_REGION only (AWS_REGION is ignored), the AWS CLI v2
  AWS_REGION then AWS_DEFAULT_REGION; both then the profile's `region`.
"""

from __future__ import annotations

from collections.abc import Mapping

from awsswitch import arn
from awsswitch.config import profiles
from awsswitch.doctor.facts import Facts
from awsswitch.doctor.model import BOTOCORE, CLI_V2, Resolution

PROFILE_ORDER = {
    CLI_V2: ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"),
    BOTOCORE: ("AWS_DEFAULT_PROFILE", "AWS_PROFILE"),
}
REGION_ORDER = {
    CLI_V2: ("AWS_REGION", "AWS_DEFAULT_REGION"),
    BOTOCORE: ("AWS_DEFAULT_REGION",),
}
CONTAINER_VARS = ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI")


def profile_of(env: Mapping[str, str], consumer: str) -> tuple[str, str]:
    """(profile name, where it came from) as `consumer` picks it."""
    for var in PROFILE_ORDER[consumer]:
        if var in env:
            return env[var], var
    return "default", "default"


def env_keys(env: Mapping[str, str]) -> bool:
    """botocore's EnvProvider finds credentials (it needs a non-empty access key)."""
    return bool(env.get("AWS_ACCESS_KEY_ID"))


def web_identity(env: Mapping[str, str]) -> bool:
    return bool(env.get("AWS_WEB_IDENTITY_TOKEN_FILE")) and bool(env.get("AWS_ROLE_ARN"))


def expected_identity(facts: Facts, name: str | None) -> tuple[str | None, str | None, str | None]:
    """(kind, account id, role) a call with profile `name` should come back as."""
    profile = facts.profile(name)
    if profile is None:
        return None, None, None
    if profile.kind == profiles.KIND_ROLE:
        account, _ = arn.role_parts(profile.role_arn)
        return profile.kind, account, profile.role_arn
    if profile.kind in (profiles.KIND_SSO, profiles.KIND_SSO_LEGACY):
        return profile.kind, profile.account_id, profile.role_name
    return profile.kind, None, None


def assumes_role(profile: profiles.Profile) -> bool:
    """botocore's AssumeRoleProvider takes it (before web identity and SSO)."""
    return profile.kind == profiles.KIND_ROLE and bool(
        profile.source_profile or profile.credential_source
    )


def resolution(facts: Facts, consumer: str) -> Resolution:
    env = facts.env
    name, source = profile_of(env, consumer)
    profile = facts.profile(name)
    region, region_source = None, None
    for var in REGION_ORDER[consumer]:
        if var in env:
            region, region_source = env[var], var
            break
    if region_source is None and profile is not None and profile.region:
        region, region_source = profile.region, "profile"
    exists = profile is not None
    shown = name if exists or source != "default" else None
    base = {
        "consumer": consumer,
        "profile": shown,
        "profile_source": source if shown is not None else None,
        "region": region,
        "region_source": region_source,
    }
    if env_keys(env):
        return Resolution(credentials="environment", **base)
    if not exists and source != "default":
        return Resolution(credentials="error", **base)  # ProfileNotFound for every call
    kind, account, role = expected_identity(facts, name)
    if profile is not None and assumes_role(profile):
        return Resolution(credentials="profile", kind=kind, account_id=account, role=role, **base)
    if web_identity(env):
        account, _ = arn.role_parts(env.get("AWS_ROLE_ARN"))
        return Resolution(
            credentials="web-identity", account_id=account, role=env.get("AWS_ROLE_ARN"), **base
        )
    if profile is not None and kind != profiles.KIND_OTHER:
        return Resolution(credentials="profile", kind=kind, account_id=account, role=role, **base)
    if any(env.get(v) for v in CONTAINER_VARS):
        return Resolution(credentials="container", **base)
    return Resolution(credentials="none", kind=kind, **base)


def prompt_segment(env: Mapping[str, str]) -> str | None:
    """What awsswitch's prompt segment shows (without its token mark)."""
    current = env.get("AWS_PROFILE")
    if not current:
        return None
    if current == env.get("AWSSWITCH_PROFILE"):
        return "aws:" + (env.get("AWSSWITCH_SHORT") or current)
    return "aws:" + current


def intent(facts: Facts) -> None:
    """The profile the user probably means: PROFILE if given, else what the prompt shows
    (AWS_PROFILE), else what the CLI v2 falls back to, else `default` if it exists."""
    env = facts.env
    if facts.requested is not None:
        facts.intended_why = "named on the command line"
        return
    if env.get("AWS_PROFILE"):
        facts.intended = env["AWS_PROFILE"]
        facts.intended_why = "AWS_PROFILE, what the prompt shows"
    elif env.get("AWS_DEFAULT_PROFILE"):
        facts.intended = env["AWS_DEFAULT_PROFILE"]
        facts.intended_why = "AWS_DEFAULT_PROFILE"
    elif facts.profile("default") is not None:
        facts.intended = "default"
        facts.intended_why = "the default profile (nothing is set)"
