"""Shared fixtures and helpers for the SSO token tests (test_sso_*, test_login*,
test_logout*, test_status*, test_demo*): a config with sso-sessions and profiles, the local
Identity Center stand-in on 127.0.0.1 and the role credentials it issued, token files, fake
`aws` executables, Python (botocore) in a child process. Import a fixture as `*_fixture` and
use it by its `name` (`standin`, `sso_config`)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from awsswitch.standin import StandIn
from support.shells import iso

START_URL = "https://d-1234567890.awsapps.com/start"
REGION = "us-east-1"
CORP_KEY = "ee0bfd2552fbd840c02cc48b6e823320543c450f"  # sha1("corp"), from the facts
LEGACY_URL = "https://d-9999999999.awsapps.com/start/"

CONFIG = f"""\
[sso-session corp]
sso_start_url = {START_URL}
sso_region = {REGION}
sso_registration_scopes = sso:account:access

[sso-session other]
sso_start_url = https://d-2222222222.awsapps.com/start
sso_region = eu-west-1

[profile awsprofile.home.poweruser]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = PowerUser
region = eu-west-1

[profile awsprofile.home.readonly]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = ReadOnly

[profile work.admin]
sso_session = corp
sso_account_id = 222222222222
sso_role_name = AdministratorAccess

[profile legacy]
sso_start_url = {LEGACY_URL}
sso_region = {REGION}
sso_account_id = 111111111111
sso_role_name = ReadOnly

[profile chained]
role_arn = arn:aws:iam::222222222222:role/Deploy
source_profile = awsprofile.home.poweruser

[profile keys]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = secret

[profile loop1]
role_arn = arn:aws:iam::1:role/x
source_profile = loop2

[profile loop2]
role_arn = arn:aws:iam::1:role/x
source_profile = loop1

[profile orphan]
sso_session = missing
sso_account_id = 111111111111
sso_role_name = PowerUser
"""

POWERUSER = "awsprofile.home.poweruser"
READONLY = "awsprofile.home.readonly"
# The fields of a token file in ~/.aws/sso/cache, in the order the AWS CLI v2 writes them.
TOKEN_FIELDS = [
    "startUrl",
    "region",
    "accessToken",
    "expiresAt",
    "clientId",
    "clientSecret",
    "registrationExpiresAt",
    "refreshToken",
]


def now() -> datetime:
    return datetime.now(timezone.utc)


def token_file(sandbox: Any, key: str = CORP_KEY) -> Path:
    return sandbox.sso_cache / f"{key}.json"


def write_token(
    sandbox: Any,
    *,
    key: str = CORP_KEY,
    expires_in: float = 3600,
    refreshable: bool = True,
    registration_expires_in: float = 30 * 86400,
    raw: str | None = None,
    **fields: Any,
) -> Path:
    """A token file as the CLI writes it; `raw` writes those bytes instead."""
    path = token_file(sandbox, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    if raw is not None:
        path.write_text(raw, encoding="utf-8")
        return path
    body: dict[str, Any] = {
        "startUrl": START_URL,
        "region": REGION,
        "accessToken": "old-access",
        "expiresAt": iso(now() + timedelta(seconds=expires_in)),
    }
    if refreshable:
        body.update(
            clientId="cid",
            clientSecret="csecret",
            registrationExpiresAt=iso(now() + timedelta(seconds=registration_expires_in)),
            refreshToken="old-refresh",
        )
    body.update(fields)
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


def write_grant(sandbox: Any, standin: StandIn, *, key: str = CORP_KEY, **kw: Any) -> Any:
    """A real signed-in session at the stand-in, cached as the CLI would cache it."""
    grant = standin.mint_token(**kw)
    path = token_file(sandbox, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(grant.cache_entry(START_URL, REGION)), encoding="utf-8")
    return grant


def role_credentials(standin: StandIn) -> list[dict[str, Any]]:
    """The roleCredentials the stand-in's GetRoleCredentials issued, oldest first."""
    return [
        c.result["roleCredentials"]
        for c in standin.calls
        if c.operation == "GetRoleCredentials" and c.result
    ]


def issued_keys(standin: StandIn) -> list[str]:
    """The access key ids of those role credentials, oldest first."""
    return [c["accessKeyId"] for c in role_credentials(standin)]


def python_json(
    sandbox: Any, script: str, *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> Any:
    """Run Python `script` with ARGS in a child process with the sandbox's environment (plus
    `env`): botocore fixes its cache folders from HOME at import, so it runs there. Asserts
    the child succeeded; returns what it printed, parsed as JSON."""
    out = subprocess.run(
        [sys.executable, "-c", script, *args],
        env={**sandbox.env, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def run_awsswitch(
    sandbox: Any, *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """`python -m awsswitch ARGS` off a terminal (stdin closed), in the sandbox's environment
    (plus `env`), with a bound: a hang fails the test, not the run."""
    return subprocess.run(
        [sys.executable, "-m", "awsswitch", *args],
        env={**sandbox.env, **(env or {})},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def spawn_asw(sandbox: Any, name: str = POWERUSER) -> Any:
    """The switch core (`_asw bash NAME`) on a pty: a pexpect child (pexpect imported here so
    that only the tests that spawn need it)."""
    import pexpect

    return pexpect.spawn(
        sys.executable,
        ["-m", "awsswitch", "_asw", "bash", name],
        env=sandbox.env,
        encoding="utf-8",
        timeout=30,
    )


def set_env(sandbox: Any, monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for k, v in values.items():
        monkeypatch.setenv(k, v)
        sandbox.env[k] = v


def make_exe(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def fake_v1_aws(bindir: Path, log: Path) -> Path:
    """An `aws` that answers like CLI v1 (version on stderr) and logs any other call."""
    bindir.mkdir(parents=True, exist_ok=True)
    return make_exe(
        bindir / "aws",
        f"""#!/bin/sh
if [ "$1" = "--version" ]; then
  echo "aws-cli/1.45.11 Python/3.11.7 Linux/6.1 botocore/1.43.11" >&2
  exit 0
fi
echo "$@" >> '{log}'
echo "usage: aws [options] <command>" >&2
exit 2
""",
    )


def fake_v2_aws(bindir: Path, log: Path, *, key: str = CORP_KEY, exit_code: int = 0) -> Path:
    """An `aws` that answers like CLI v2 2.15 and, for `sso login`, writes a fresh token
    (via this Python), prints on its stdout and stderr, and logs its arguments."""
    bindir.mkdir(parents=True, exist_ok=True)
    writer = (
        "import json,os,sys,datetime as d;"
        "p=os.path.join(os.environ['HOME'],'.aws','sso','cache',sys.argv[1]+'.json');"
        "os.makedirs(os.path.dirname(p),exist_ok=True);"
        "e=(d.datetime.now(d.timezone.utc)+d.timedelta(hours=8)).strftime('%Y-%m-%dT%H:%M:%SZ');"
        f"json.dump({{'startUrl':'{START_URL}','region':'{REGION}',"
        "'accessToken':'cli-access','expiresAt':e},open(p,'w'))"
    )
    return make_exe(
        bindir / "aws",
        f"""#!/bin/sh
if [ "$1" = "--version" ]; then
  echo "aws-cli/2.15.2 Python/3.11.6 Linux/6.1 exe/x86_64.fedora.39 prompt/off"
  exit 0
fi
echo "$@" >> '{log}'
echo "FAKE-CLI-STDOUT"
echo "FAKE-CLI-STDERR" >&2
if [ "$1 $2" = "sso login" ] && [ {exit_code} -eq 0 ]; then
  '{sys.executable}' -c "{writer}" '{key}'
fi
exit {exit_code}
""",
    )


@pytest.fixture(name="sso_config")
def sso_config_fixture(sandbox: Any) -> Any:
    sandbox.write_config(CONFIG)
    return sandbox


@pytest.fixture(name="standin")
def standin_fixture(sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    """The stand-in on 127.0.0.1 (auto-approving), its endpoints in the environment; `aws`
    is forced off (AWSSWITCH_AWS_CLI=native) so nothing reaches for a real CLI."""
    with StandIn() as s:
        set_env(sandbox, monkeypatch, **s.env(), AWSSWITCH_AWS_CLI="native")
        yield s


def env_without(sandbox: Any, *names: str) -> dict[str, str]:
    return {k: v for k, v in sandbox.env.items() if k not in names}


def path_with(bindir: Path) -> str:
    return f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}"
