"""Helpers for the credentials tests: an STS stub on 127.0.0.1 (AssumeRole and
GetCallerIdentity, query protocol, XML answers), a config with every profile kind, fake
credential processes, and ways to run `export` and botocore in child processes (botocore fixes
its cache folders from HOME at import, so it runs in children with the sandbox's HOME)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from support.sso import CONFIG, set_env

from awsswitch.standin.clidata import redirect_rules

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


# -- STS stub ------------------------------------------------------------------------------


class StsStub:
    """AssumeRole, GetFederationToken and GetCallerIdentity on 127.0.0.1. `calls` records
    (action, params, signing access key id); `ttl` is the lifetime of issued credentials;
    `federated` maps the access key ids GetFederationToken issued to (secret, token)."""

    def __init__(self, ttl: int = 3600) -> None:
        self.ttl = ttl
        self.calls: list[tuple[str, dict[str, str], str]] = []
        self.issued: dict[str, str] = {}  # access key id -> role ARN
        self.federated: dict[str, tuple[str, str]] = {}
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length).decode()
                params = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
                match = re.search(r"Credential=([^/]+)/", self.headers.get("Authorization", ""))
                status, xml = stub.answer(params, match.group(1) if match else "")
                data = xml.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def start(self) -> StsStub:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def count(self, action: str) -> int:
        with self._lock:
            return sum(1 for a, _, _ in self.calls if a == action)

    def answer(self, params: dict[str, str], signer: str) -> tuple[int, str]:
        action = params.get("Action", "")
        with self._lock:
            self.calls.append((action, params, signer))
        if action == "GetCallerIdentity":
            arn = self.issued.get(signer, "arn:aws:iam::000000000000:user/unknown")
            return 200, _IDENTITY.format(arn=arn, account=arn.split(":")[4])
        if action == "GetFederationToken":
            return self.federation_token(params, signer)
        if action != "AssumeRole":
            return 400, _ERROR.format(code="InvalidAction", message="not stubbed")
        role_arn = params["RoleArn"]
        account = role_arn.split(":")[4]
        key = "ASIA" + uuid.uuid4().hex[:16].upper()
        with self._lock:
            self.issued[key] = role_arn
        expires = datetime.now(timezone.utc) + timedelta(seconds=self.ttl)
        name = params.get("RoleSessionName", "")
        return 200, _ASSUMED.format(
            key=key,
            secret=uuid.uuid4().hex + uuid.uuid4().hex[:8],
            token="sts-session-" + uuid.uuid4().hex * 3,
            expiration=expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
            arn=f"arn:aws:sts::{account}:assumed-role/{role_arn.rsplit('/', 1)[-1]}/{name}",
            name=name,
        )

    def federation_token(self, params: dict[str, str], signer: str) -> tuple[int, str]:
        if not signer.startswith("AKIA"):  # STS: only an IAM user's long-term keys may call it
            return 403, _ERROR.format(code="AccessDenied", message="long-term keys required")
        key = "ASIA" + uuid.uuid4().hex[:16].upper()
        secret, token = uuid.uuid4().hex * 2, "fed-session-" + uuid.uuid4().hex * 3
        with self._lock:
            self.federated[key] = (secret, token)
            self.issued[key] = f"arn:aws:sts::111111111111:federated-user/{params.get('Name')}"
        expires = datetime.now(timezone.utc) + timedelta(seconds=self.ttl)
        return 200, _FEDERATED.format(
            key=key, secret=secret, token=token, expiration=expires.strftime("%Y-%m-%dT%H:%M:%SZ")
        )


_FEDERATED = """<GetFederationTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetFederationTokenResult>
    <Credentials>
      <AccessKeyId>{key}</AccessKeyId>
      <SecretAccessKey>{secret}</SecretAccessKey>
      <SessionToken>{token}</SessionToken>
      <Expiration>{expiration}</Expiration>
    </Credentials>
    <FederatedUser><Arn>arn:aws:sts::111111111111:federated-user/awsswitch</Arn>
      <FederatedUserId>111111111111:awsswitch</FederatedUserId></FederatedUser>
  </GetFederationTokenResult>
  <ResponseMetadata><RequestId>stub-request</RequestId></ResponseMetadata>
</GetFederationTokenResponse>"""

_ASSUMED = """<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser><AssumedRoleId>AROASTUB:{name}</AssumedRoleId><Arn>{arn}</Arn></AssumedRoleUser>
    <Credentials>
      <AccessKeyId>{key}</AccessKeyId>
      <SecretAccessKey>{secret}</SecretAccessKey>
      <SessionToken>{token}</SessionToken>
      <Expiration>{expiration}</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>stub-request</RequestId></ResponseMetadata>
</AssumeRoleResponse>"""

_IDENTITY = """<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult><Arn>{arn}</Arn><UserId>AIDASTUB</UserId><Account>{account}</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>stub-request</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>"""

_ERROR = """<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>
  <RequestId>stub-request</RequestId>
</ErrorResponse>"""


@pytest.fixture(name="sts")
def sts_fixture(sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[StsStub]:
    stub = StsStub().start()
    set_env(sandbox, monkeypatch, AWS_ENDPOINT_URL_STS=stub.url)
    try:
        yield stub
    finally:
        stub.stop()


def write_sts_data_path(directory: Path, url: str) -> str:
    """An AWS_DATA_PATH folder that sends the Debian CLI 2.9.19's STS calls to `url` (it
    ignores AWS_ENDPOINT_URL_STS): the CLI's own STS rule set with redirecting rules."""
    original = Path("/usr/lib/python3/dist-packages/awscli/botocore/data/sts/2011-06-15")
    ruleset = json.loads((original / "endpoint-rule-set-1.json").read_text())
    ruleset["rules"] = redirect_rules(url)
    target = directory / "sts" / "2011-06-15" / "endpoint-rule-set-1.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(ruleset), encoding="utf-8")
    return str(directory)


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
    out = subprocess.run(
        [sys.executable, "-c", BOTOCORE_LIKE_CLI, profile],
        # A region: botocore cannot sign for a custom STS endpoint without one.
        env={"AWS_DEFAULT_REGION": "us-east-1", **sandbox.env, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


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


def role_credentials(standin: Any) -> list[dict[str, Any]]:
    """The roleCredentials the stand-in's GetRoleCredentials issued, oldest first."""
    return [
        c.result["roleCredentials"]
        for c in standin.calls
        if c.operation == "GetRoleCredentials" and c.result
    ]
