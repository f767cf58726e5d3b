"""`export` against the real AWS CLI v2 (Debian's 2.9.19): byte-for-byte the same output as
`aws configure export-credentials` in the formats both have, and each one reads the role
credentials the other cached in ~/.aws/cli/cache (SSO and AssumeRole over the stand-in),
without a new request."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from credhelp import (
    dead_url,
    export,
    fake_process,
)
from support.sso import (
    LEGACY_URL,
    POWERUSER,
    READONLY,
    write_grant,
)

from awsswitch.sso.state import cache_key
from awsswitch.standin import StandIn

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("cred_config")]

SHARED_FORMATS = ("env", "env-no-export", "powershell", "process")


def _cli(aws: str, sandbox: Any, profile: str, fmt: str, env: dict[str, str]) -> str:
    out = subprocess.run(
        [aws, "configure", "export-credentials", "--profile", profile, "--format", fmt],
        env={**sandbox.env, "AWS_DEFAULT_REGION": "us-east-1", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def _ours(sandbox: Any, profile: str, fmt: str, env: dict[str, str] | None = None) -> str:
    out = export(sandbox, profile, "--format", fmt, env=env)
    assert out.returncode == 0, out.stderr
    return out.stdout


def _without_region(text: str) -> str:
    return "".join(
        line for line in text.splitlines(keepends=True) if "AWS_REGION" not in line
        and "AWS_DEFAULT_REGION" not in line
    )  # fmt: skip


def test_same_bytes_for_process_and_key_profiles(aws_v2: str, sandbox: Any, tmp_path: Path) -> None:
    doc = {"Version": 1, "AccessKeyId": "ASIAPROCESS", "SecretAccessKey": "pro/cess+Secret=",
           "SessionToken": "IQoJb3JpZ2luX2VjEE+/=",
           "Expiration": "2099-05-06T07:08:09Z"}  # fmt: skip
    with sandbox.config.open("a") as fh:
        fh.write(f"[profile proc]\ncredential_process = {fake_process(tmp_path / 'p.py', doc)}\n")
    sandbox.credentials.write_text(
        "[withtoken]\naws_access_key_id = AKIAFILE\naws_secret_access_key = file/secret+x\n"
        "aws_session_token = tok=en\n"
    )
    for profile in ("proc", "keys", "withtoken"):
        for fmt in SHARED_FORMATS:
            assert _ours(sandbox, profile, fmt) == _cli(aws_v2, sandbox, profile, fmt, {})


def test_cli_reads_the_sso_cache_awsswitch_wrote(
    aws_v2: str, standin: StandIn, sandbox: Any
) -> None:
    write_grant(sandbox, standin)
    cli_env = {"AWS_DATA_PATH": standin.cli_data_path()}
    for profile in (READONLY, POWERUSER):  # without and with a region
        ours = _ours(sandbox, profile, "env")
        assert standin.count("GetRoleCredentials") == (1 if profile == READONLY else 2)
        for fmt in SHARED_FORMATS:
            theirs = _cli(aws_v2, sandbox, profile, fmt, cli_env)
            assert _without_region(_ours(sandbox, profile, fmt)) == theirs
        if profile == POWERUSER:
            assert ours.endswith(
                "export AWS_REGION=eu-west-1\nexport AWS_DEFAULT_REGION=eu-west-1\n"
            )
    assert standin.count("GetRoleCredentials") == 2  # the CLI fetched nothing


def test_awsswitch_reads_the_sso_cache_the_cli_wrote(
    aws_v2: str, standin: StandIn, sandbox: Any
) -> None:
    write_grant(sandbox, standin)
    theirs = _cli(aws_v2, sandbox, READONLY, "process", {"AWS_DATA_PATH": standin.cli_data_path()})
    assert standin.count("GetRoleCredentials") == 1
    ours = _ours(sandbox, READONLY, "process", {"AWS_ENDPOINT_URL_SSO": dead_url()})
    assert ours == theirs
    assert standin.count("GetRoleCredentials") == 1


def test_role_chain_cache_is_shared_with_the_cli(
    aws_v2: str, static_keys: StandIn, sandbox: Any
) -> None:
    """CLI 2.9.19 cannot take a role's source from an sso-session profile (it fails inside
    botocore), so its chain starts at the legacy SSO profile; awsswitch's at static keys."""
    standin = static_keys
    write_grant(sandbox, standin, key=cache_key(None, LEGACY_URL))
    cli_env = {"AWS_DATA_PATH": standin.cli_data_path()}  # its SSO and STS calls: the stand-in
    # The CLI assumes the role first; awsswitch reads its result with STS unreachable.
    theirs = _cli(aws_v2, sandbox, "chained-legacy", "process", cli_env)
    assert standin.count("AssumeRole") == 1 and standin.count("GetRoleCredentials") == 1
    dead = {"AWS_ENDPOINT_URL_STS": dead_url(), "AWS_ENDPOINT_URL_SSO": dead_url()}
    assert _ours(sandbox, "chained-legacy", "process", dead) == theirs
    # awsswitch assumes a role first; the CLI reads its cached result.
    ours = _ours(sandbox, "from-keys", "env")
    assert standin.count("AssumeRole") == 2
    assert _cli(aws_v2, sandbox, "from-keys", "env", cli_env) == ours
    assert standin.count("AssumeRole") == 2
