"""Helpers for the credentials tests: the stand-in as STS (the config's static keys known to
it, its STS calls and the roles it assumed), a config with every profile kind, fake
credential processes, and ways to run `export` and botocore in child processes (botocore fixes
its cache folders from HOME at import, so it runs in children with the sandbox's HOME)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support.sso import CONFIG, python_json

from awsswitch.standin import STS_OPERATIONS, Call, StandIn

CHAINED = "chained"  # role_arn + source_profile = POWERUSER (in support.sso.CONFIG)
DEPLOY_ARN = "arn:aws:iam::222222222222:role/Deploy"

EXTRA_CONFIG = """
[profile chained-named]
role_arn = arn:aws:iam::333333333333:role/Named
source_profile = awsprofile.home.poweruser
role_session_name = jane
external_id = ext-1
duration_seconds = 1800
region = ap-south-1

[profile from-keys]
role_arn = arn:aws:iam::444444444444:role/FromKeys
source_profile = keys

[profile chained-legacy]
role_arn = arn:aws:iam::999999999999:role/FromLegacy
source_profile = legacy

[profile two-hops]
role_arn = arn:aws:iam::555555555555:role/Second
source_profile = chained

[profile self-keys]
role_arn = arn:aws:iam::666666666666:role/Self
source_profile = self-keys
aws_access_key_id = AKIASELF
aws_secret_access_key = self-secret

[profile mfa]
role_arn = arn:aws:iam::777777777777:role/Mfa
source_profile = keys
mfa_serial = arn:aws:iam::111111111111:mfa/jane

[profile ec2]
role_arn = arn:aws:iam::888888888888:role/Ec2
credential_source = Ec2InstanceMetadata

[profile plain]
region = us-west-2
"""


# -- STS: the stand-in's -------------------------------------------------------------------

# The long-term keys of the config's `keys` and `self-keys` profiles.
STATIC_KEYS = (("AKIAEXAMPLE", "secret"), ("AKIASELF", "self-secret"))


@pytest.fixture(name="static_keys")
def static_keys_fixture(standin: StandIn) -> StandIn:
    """The stand-in (also the STS and federation endpoint: the `standin` fixture points
    AWS_ENDPOINT_URL_STS and AWSSWITCH_FEDERATION_ENDPOINT at it) knowing the config's
    long-term keys as an IAM user's."""
    for key, secret in STATIC_KEYS:
        standin.register_keys(key, secret)
    return standin


def sts_calls(standin: StandIn) -> list[Call]:
    """The STS calls the stand-in answered, oldest first; `params["AccessKeyId"]` is the key
    each was signed with."""
    return [c for c in standin.calls if c.operation in STS_OPERATIONS]


def assumed_roles(standin: StandIn) -> dict[str, str]:
    """Access key id -> role ARN, for each set of credentials AssumeRole issued."""
    return {
        c.result["Credentials"]["AccessKeyId"]: c.params["RoleArn"]
        for c in standin.calls
        if c.operation == "AssumeRole" and c.result
    }


# -- config and processes -----------------------------------------------------------------


@pytest.fixture(name="cred_config")
def cred_config_fixture(sandbox: Any) -> Any:
    sandbox.write_config(CONFIG + EXTRA_CONFIG)
    return sandbox


def fake_process(path: Path, document: dict[str, Any] | str, *, exit_code: int = 0,
                 stderr: str = "", sleep: float = 0) -> str:  # fmt: skip
    """A credential_process script printing `document` (JSON, or raw text); returns the
    config line's value (this Python, the script)."""
    text = document if isinstance(document, str) else json.dumps(document)
    path.write_text(
        "import sys, time\n"
        f"time.sleep({sleep!r})\n"
        f"sys.stderr.write({stderr!r})\n"
        f"sys.stdout.write({text!r})\n"
        f"sys.exit({exit_code})\n",
        encoding="utf-8",
    )
    return f"{sys.executable} {path}"


def export(sandbox: Any, *args: str, env: dict[str, str] | None = None,
           timeout: float = 120) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """`python -m awsswitch.commands.export ARGS` with the sandbox's environment."""
    return subprocess.run(
        [sys.executable, "-m", "awsswitch.commands.export", *args],
        env={**sandbox.env, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# botocore as the AWS CLI v2 sets it up: JSONFileCache on ~/.aws/cli/cache for the SSO and
# assume-role providers (awscli/customizations/sso and assumerole.py do exactly this).
BOTOCORE_LIKE_CLI = """
import json, os, sys
import botocore.session
from botocore.credentials import JSONFileCache
session = botocore.session.Session(profile=sys.argv[1])
cache = JSONFileCache(os.path.expanduser(os.path.join("~", ".aws", "cli", "cache")))
chain = session.get_component("credential_provider")
chain.get_provider("sso").cache = cache
chain.get_provider("assume-role").cache = cache
creds = session.get_credentials().get_frozen_credentials()
print(json.dumps({"key": creds.access_key, "secret": creds.secret_key, "token": creds.token}))
"""


def botocore_like_cli(sandbox: Any, profile: str, **env: str) -> dict[str, Any]:
    # A region: botocore cannot sign for a custom STS endpoint without one.
    region = sandbox.env.get("AWS_DEFAULT_REGION", "us-east-1")
    env = {"AWS_DEFAULT_REGION": region, **env}
    return python_json(sandbox, BOTOCORE_LIKE_CLI, profile, env=env, timeout=120)


def cli_cache(sandbox: Any) -> Path:
    return sandbox.home / ".aws" / "cli" / "cache"


def dead_url() -> str:
    """A loopback URL where nothing listens (connection refused at once)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def parse_env_lines(text: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        out[name] = value
    return out


def command(sandbox: Any, name: str, *args: str, env: dict[str, str] | None = None,
            timeout: float = 120, **kw: Any) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """`python -m awsswitch.commands.NAME ARGS` (exec_, serve, console) with the sandbox's
    environment, until cli.py declares them."""
    return subprocess.run(
        [sys.executable, "-m", f"awsswitch.commands.{name}", *args],
        env={**sandbox.env, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        **kw,
    )
