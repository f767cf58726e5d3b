"""The environment: keys that beat every profile, profile and region variables that callers
read in different orders, other tools' variables, endpoint and proxy overrides."""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlsplit

from awsswitch import awsenv
from awsswitch.doctor.facts import Facts
from awsswitch.doctor.model import INFO, PROBLEM, Finding
from awsswitch.doctor.resolve import assumes_role, web_identity
from awsswitch.sso.state import parse_time

KEY_VARS = awsenv.KEY_VARIABLES
# Other tools' markers; prompts (starship, powerlevel10k, oh-my-posh) rank them above
# AWS_PROFILE, and each comes with keys of its own in the environment.
TOOLS = (
    ("awsume", ("AWSUME_PROFILE", "AWSUME_EXPIRATION", "AWSUME_COMMAND", "AWSUME_DEFAULT_PROFILE")),
    ("awsu", ("AWSU_PROFILE", "AWSU_EXPIRES")),
    ("aws-sso-cli", ("AWS_SSO_PROFILE", "AWS_SSO_ACCOUNT_ID", "AWS_SSO_ROLE_NAME",
                     "AWS_SSO_ROLE_ARN", "AWS_SSO_SESSION_EXPIRATION", "AWS_SSO_DEFAULT_REGION",
                     "AWS_SSO")),
)  # fmt: skip
PROXY_VARS = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY",
              "all_proxy", "NO_PROXY", "no_proxy", "AWS_CA_BUNDLE")  # fmt: skip
WEB_IDENTITY_VARS = ("AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_SESSION_NAME")


def masked_key(key: str) -> str:
    """An access key id as people recognise it, without all of it."""
    kind = {"AKIA": "long-term key", "ASIA": "temporary key"}.get(key[:4], "key")
    shown = f"{key[:4]}…{key[-4:]}" if len(key) >= 12 else "…"
    return f"{shown}, {kind}"


def redact_url(value: str) -> str:
    """A URL without the password it may carry (`http://user:secret@proxy:3128`)."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return "(not a URL)"
    if parts.password is None and parts.username is None:
        return value
    host = parts.netloc.rsplit("@", 1)[-1]
    return parts._replace(netloc=f"***@{host}").geturl()


def _present(facts: Facts, names: tuple[str, ...]) -> list[str]:
    return [n for n in names if n in facts.env]


def check_keys(facts: Facts, out: list[Finding]) -> None:
    env = facts.env
    access, secret = env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY")
    present = _present(facts, KEY_VARS)
    if not present:
        return
    fix = facts.fixes.unset(present)
    if access and not secret:
        out.append(
            Finding(
                "env-credentials-partial",
                PROBLEM,
                "AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY",
                "botocore stops at partial credentials: every call fails "
                "(PartialCredentialsError) whatever the profile",
                fix=fix,
                subject="AWS_ACCESS_KEY_ID",
            )
        )
        return
    if not access:
        out.append(
            Finding(
                "env-credentials-stale",
                INFO,
                f"{', '.join(present)} set without AWS_ACCESS_KEY_ID",
                "left over from an earlier session: ignored by the SDKs, but some prompts and "
                "scripts read them",
                fix=fix,
                subject=present[0],
            )
        )
        return
    who = facts.intended
    notes = []
    token, security = env.get("AWS_SESSION_TOKEN"), env.get("AWS_SECURITY_TOKEN")
    if token and security and token != security:
        notes.append("AWS_SECURITY_TOKEN differs from AWS_SESSION_TOKEN (botocore uses it first)")
    expiry = env.get("AWS_CREDENTIAL_EXPIRATION") or env.get("AWS_SESSION_EXPIRATION")
    when = parse_time(expiry) if expiry else None
    if when is not None and when <= datetime.now(timezone.utc):
        notes.append(f"they expired at {when:%Y-%m-%d %H:%M} UTC")
    why = (
        f"environment keys beat every profile: calls sign as these keys, not as profile {who} "
        f"({facts.intended_why})"
        if who
        else "environment keys beat every profile: calls sign as these keys"
    )
    out.append(
        Finding(
            "env-credentials",
            PROBLEM if who or notes else INFO,
            f"AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set ({masked_key(access)})",
            "; ".join([why, *notes]),
            fix=fix,
            subject="AWS_ACCESS_KEY_ID",
        )
    )


def check_profile_vars(facts: Facts, out: list[Finding]) -> None:
    env = facts.env
    for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION"):
        if var in env and env[var] == "":
            what = "profile ()" if "PROFILE" in var else "region ''"
            out.append(
                Finding(
                    "empty-variable",
                    PROBLEM,
                    f"{var} is set but empty",
                    f"a set variable counts even when empty: botocore uses {what} and fails",
                    fix=facts.fixes.unset([var]),
                    subject=var,
                )
            )
    profile, default = env.get("AWS_PROFILE"), env.get("AWS_DEFAULT_PROFILE")
    if not default:
        return
    if not profile:
        out.append(
            Finding(
                "default-profile",
                PROBLEM,
                f"AWS_DEFAULT_PROFILE={default} is set, AWS_PROFILE is not",
                "every caller uses that profile, but awsswitch's prompt (and starship's) shows "
                "no profile",
                fix=facts.fixes.asw(default),
                subject="AWS_DEFAULT_PROFILE",
            )
        )
    elif default != profile:
        out.append(
            Finding(
                "default-profile",
                PROBLEM,
                f"AWS_DEFAULT_PROFILE={default} and AWS_PROFILE={profile} disagree",
                "boto3, the AWS CLI v1 and other botocore tools read AWS_DEFAULT_PROFILE "
                f"first and use {default}; the AWS CLI v2 and the prompt use {profile}",
                fix=facts.fixes.unset(["AWS_DEFAULT_PROFILE"]),
                subject="AWS_DEFAULT_PROFILE",
            )
        )
    else:
        out.append(
            Finding(
                "default-profile",
                INFO,
                "AWS_DEFAULT_PROFILE is set to the same profile as AWS_PROFILE",
                "harmless while they agree; the next change of one of them alone splits "
                "botocore from the AWS CLI v2 (asw clears it)",
                fix=facts.fixes.unset(["AWS_DEFAULT_PROFILE"]),
                subject="AWS_DEFAULT_PROFILE",
            )
        )


def check_tools(facts: Facts, out: list[Finding]) -> None:
    env = facts.env
    vault = env.get("AWS_VAULT")
    if vault is not None:
        out.append(
            Finding(
                "aws-vault",
                PROBLEM,
                f"this shell runs inside `aws-vault exec {vault}` (AWS_VAULT is set)",
                "aws-vault put that profile's keys in the environment of this shell, and "
                "prompts rank AWS_VAULT above AWS_PROFILE: a switch cannot leave it",
                fix="exit",
                hint="leave the aws-vault shell, then switch",
                subject="AWS_VAULT",
            )
        )
    for tool, names in TOOLS:
        present = _present(facts, names)
        if not present:
            continue
        shown = env.get(names[0])
        out.append(
            Finding(
                tool,
                PROBLEM,
                f"{tool}'s variables are set ({', '.join(present)})"
                + (f": {names[0]}={shown}" if shown else ""),
                f"left by {tool}: starship, powerlevel10k and oh-my-posh show its profile "
                "before AWS_PROFILE, and its keys (if still set) beat every profile",
                fix=facts.fixes.unset(present),
                subject=present[0],
            )
        )
    if web_identity(env):
        profile = facts.profile(facts.intended)
        if profile is not None and not assumes_role(profile):
            out.append(
                Finding(
                    "web-identity-env",
                    PROBLEM,
                    f"AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE are set ({env['AWS_ROLE_ARN']})",
                    "botocore assumes that role with the token file before it looks at the "
                    f"profile's own credentials: calls are not made as {profile.name}",
                    fix=facts.fixes.unset(_present(facts, WEB_IDENTITY_VARS)),
                    subject="AWS_ROLE_ARN",
                )
            )


def check_regions(facts: Facts, out: list[Finding]) -> None:
    env = facts.env
    a, d = env.get("AWS_REGION") or None, env.get("AWS_DEFAULT_REGION") or None
    profile = facts.profile(facts.intended)
    p = profile.region if profile is not None else None
    ours = env.get("AWSSWITCH_REGION") or None
    if a and d and a != d:
        pick = p if p in (a, d) else ours if ours in (a, d) else a
        out.append(
            Finding(
                "region-mismatch",
                PROBLEM,
                f"AWS_REGION={a} and AWS_DEFAULT_REGION={d} disagree",
                f"the AWS CLI v2 and most SDKs (Go, JavaScript, Java) use {a}; boto3 and "
                f"the AWS CLI v1 read only AWS_DEFAULT_REGION and use {d}",
                fix=facts.fixes.export([("AWS_REGION", pick), ("AWS_DEFAULT_REGION", pick)]),
                subject="AWS_REGION",
            )
        )
        return
    if a and not d and a != p:
        out.append(
            Finding(
                "region-ignored",
                PROBLEM,
                f"AWS_REGION={a} is set, AWS_DEFAULT_REGION is not",
                "boto3 and the AWS CLI v1 ignore AWS_REGION: they use "
                + (f"the profile's region {p}" if p else "no region at all"),
                fix=facts.fixes.export([("AWS_DEFAULT_REGION", a)]),
                subject="AWS_REGION",
            )
        )
    env_region = a or d
    if p and env_region and env_region != p:
        by_asw = ours == env_region
        out.append(
            Finding(
                "region-override",
                INFO if by_asw else PROBLEM,
                f"the environment's region {env_region} overrides profile {profile.name}'s "
                f"region {p}",
                "set with `asw -r`" if by_asw else "calls go to another region than the "
                "profile names; the variable may be left over from another profile or tool",
                fix=None if by_asw else facts.fixes.unset(_present(facts, ("AWS_REGION",
                                                                           "AWS_DEFAULT_REGION"))),
                subject="AWS_REGION" if a else "AWS_DEFAULT_REGION",
            )
        )  # fmt: skip
    if profile is not None and not env_region and not p:
        session = facts.index.session_of(profile) if facts.index else None
        guess = (session or {}).get("sso_region") or profile.sso_region
        fix = None
        if isinstance(guess, str) and guess:
            fix = facts.fixes.last(
                "awsswitch", "configure", "profile", "--region", guess, profile.name
            )
        out.append(
            Finding(
                "region-missing",
                PROBLEM,
                f"no region: profile {profile.name} names none and no region variable is set",
                'calls to regional services fail ("You must specify a region")',
                fix=fix,
                hint="awsswitch configure profile --region REGION NAME",
                subject=profile.name,
            )
        )


def check_overrides(facts: Facts, out: list[Finding]) -> None:
    env = facts.env
    endpoints = sorted(
        k for k in env if k.startswith(("AWS_ENDPOINT_URL", "AWS_IGNORE_CONFIGURED_ENDPOINT"))
    )
    if endpoints:
        out.append(
            Finding(
                "endpoint-override",
                INFO,
                "AWS endpoints are overridden: "
                + ", ".join(f"{k}={redact_url(env[k])}" for k in endpoints),
                "calls to those services go to these URLs, not to AWS",
                subject=endpoints[0],
            )
        )
    proxies = [k for k in PROXY_VARS if env.get(k)]
    if proxies:
        out.append(
            Finding(
                "proxy",
                INFO,
                "proxy or TLS settings: " + ", ".join(f"{k}={redact_url(env[k])}" for k in proxies),
                "AWS calls go through these proxies (except to NO_PROXY hosts) and trust "
                "these certificates",
                subject=proxies[0],
            )
        )
    containers = [k for k in env if k.startswith("AWS_CONTAINER_")]
    if containers:
        out.append(
            Finding(
                "container-credentials",
                INFO,
                f"container credentials are configured ({', '.join(sorted(containers))})",
                "used only when neither the environment nor the profile gives credentials",
                subject=sorted(containers)[0],
            )
        )


def check_by_hand(facts: Facts, out: list[Finding]) -> None:
    env = facts.env
    current, ours = env.get("AWS_PROFILE"), env.get("AWSSWITCH_PROFILE")
    if current and current != ours:
        out.append(
            Finding(
                "profile-by-hand",
                INFO,
                f"AWS_PROFILE={current} was not set by asw",
                "the prompt shows it without the token state, and `asw -` does not know it",
                fix=facts.fixes.asw(current),
                subject="AWS_PROFILE",
            )
        )


def run(facts: Facts) -> list[Finding]:
    out: list[Finding] = []
    for check in (check_keys, check_profile_vars, check_tools, check_regions, check_by_hand,
                  check_overrides):  # fmt: skip
        check(facts, out)
    return out
