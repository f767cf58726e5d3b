"""`awsswitch status [PROFILE] [--verify]`: which profile is active and why, its session,
token state and time left; `--verify` asks STS (a local fake) through boto3."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from support.login_files import entry, write
from support.sso import (
    POWERUSER,
    set_env,
    write_grant,
    write_token,
)

from awsswitch import login_session

pytestmark = pytest.mark.usefixtures("sso_config")

_IDENTITY = """<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_PowerUser/jane</Arn>
    <UserId>AROAEXAMPLE:jane</UserId>
    <Account>111111111111</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>"""


@pytest.fixture
def fake_sts(sandbox, monkeypatch) -> Iterator[list[str]]:
    """STS GetCallerIdentity on 127.0.0.1; yields the access key ids requests were signed with."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            match = re.search(r"Credential=([^/]+)/", self.headers.get("Authorization", ""))
            seen.append(match.group(1) if match else "")
            assert "Action=GetCallerIdentity" in body
            data = _IDENTITY.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    set_env(sandbox, monkeypatch, AWS_ENDPOINT_URL_STS=f"http://127.0.0.1:{server.server_port}")
    try:
        yield seen
    finally:
        server.shutdown()
        server.server_close()


def _fields(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and not line.startswith(" "):
            out.setdefault(key.strip(), value.strip())
    return out


def test_status_active_profile_set_by_hand(sandbox) -> None:
    write_token(sandbox, expires_in=2 * 3600 + 300)
    result = sandbox.run("status", AWS_PROFILE=POWERUSER)
    assert result.returncode == 0, result.stderr
    fields = _fields(result.stdout)
    assert fields["profile"] == f"{POWERUSER} (home.poweruser)"
    assert fields["why"] == "$AWS_PROFILE, set by hand (not by asw)"
    assert fields["kind"] == "sso"
    assert fields["session"].startswith("corp (https://d-1234567890.awsapps.com/start, us-east-1")
    assert fields["account"] == "111111111111, role PowerUser"
    assert fields["region"] == "eu-west-1"
    assert fields["token"].startswith("fresh, 2h 5m left, expires ")
    assert fields["cache"] == "~/.aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json"
    assert result.stderr == ""


def test_status_set_by_awsswitch(sandbox) -> None:
    result = sandbox.run("status", AWS_PROFILE=POWERUSER, AWSSWITCH_PROFILE=POWERUSER)
    assert _fields(result.stdout)["why"] == "$AWS_PROFILE, set by awsswitch (asw)"
    assert "login needed" in result.stdout
    assert "run `awsswitch login --sso-session corp`" in result.stdout


def test_status_default_profile_and_default_variable(sandbox) -> None:
    sandbox.write_config(sandbox.config.read_text() + "\n[default]\nregion = us-west-2\n")
    result = sandbox.run("status")
    fields = _fields(result.stdout)
    assert fields["profile"] == "default"
    assert fields["why"].startswith("the `default` profile")
    assert fields["token"] == "none (not an SSO profile)"
    via_var = sandbox.run("status", AWS_DEFAULT_PROFILE="keys")
    assert _fields(via_var.stdout)["why"].startswith("$AWS_DEFAULT_PROFILE")
    assert _fields(via_var.stdout)["kind"] == "keys"


def test_status_notes_conflicts(sandbox) -> None:
    result = sandbox.run(
        "status", AWS_PROFILE=POWERUSER, AWS_DEFAULT_PROFILE="keys", AWS_ACCESS_KEY_ID="AKIA1"
    )
    notes = [line for line in result.stdout.splitlines() if line.startswith("note:")]
    assert len(notes) == 2
    assert "AWS_DEFAULT_PROFILE=keys" in notes[0] and "AWS_ACCESS_KEY_ID" in notes[1]


def test_status_refresh_due_and_chain(sandbox) -> None:
    write_token(sandbox, expires_in=-600)
    result = sandbox.run("status", "chained")
    fields = _fields(result.stdout)
    assert fields["why"] == "named on the command line"
    assert fields["kind"] == "role"
    assert fields["via"] == f"source_profile chain to {POWERUSER}"
    assert fields["account"] == "222222222222, role Deploy"  # the role's, not its source's
    assert fields["token"].startswith("refresh due")
    assert "expired 10m ago" in fields["token"]


def test_status_nothing_active(sandbox) -> None:
    result = sandbox.run("status")
    assert result.returncode == 0
    assert result.stdout.startswith("No active profile")


def test_status_unknown_profiles(sandbox) -> None:
    named = sandbox.run("status", "nope")
    assert named.returncode == 2 and "could not be found" in named.stderr
    active = sandbox.run("status", AWS_PROFILE="gone")
    assert active.returncode == 1 and "could not be found" in active.stderr
    assert "not in the config" in active.stdout


def test_status_verify_asks_sts_with_the_profile(standin, sandbox, fake_sts) -> None:
    write_grant(sandbox, standin)
    result = sandbox.run("status", POWERUSER, "--verify", AWS_PROFILE="keys")
    assert result.returncode == 0, result.stderr
    fields = _fields(result.stdout)
    assert fields["verified"] == "account 111111111111"
    assert fields["arn"] == "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_PowerUser/jane"
    # boto3 resolved the profile's SSO credentials from the cache and signed with them
    issued = [c.result for c in standin.calls if c.operation == "GetRoleCredentials"]
    assert len(issued) == 1
    assert fake_sts == [issued[0]["roleCredentials"]["accessKeyId"]]


def test_status_verify_failure_is_exit_1(standin, sandbox, fake_sts) -> None:
    result = sandbox.run("status", POWERUSER, "--verify")  # no token: botocore fails
    assert result.returncode == 1
    assert "verify failed" in result.stderr
    assert fake_sts == []


def test_status_session_end_renewable_and_token_only(sandbox) -> None:
    write_token(sandbox, expires_in=3600, registration_expires_in=5 * 86400)
    lines = sandbox.run("status", POWERUSER).stdout.splitlines()
    ends = [line for line in lines if line.startswith("ends:") and "renewable" in line]
    assert len(ends) == 1 and _fields("\n".join(lines))["token"].startswith("fresh")
    assert ends[0].endswith(
        "at most (client registration; the portal's own session length is not known locally)"
    )
    write_token(sandbox, expires_in=3600, refreshable=False)
    lines = sandbox.run("status", POWERUSER).stdout.splitlines()
    ends = [line for line in lines if line.startswith("ends:") and "with the token" in line]
    assert len(ends) == 1 and ends[0].endswith("(no refresh token)")


def test_status_login_hint_is_the_targets(sandbox) -> None:
    sandbox.write_config(
        sandbox.config.read_text() + '\n[sso-session "it\'s"]\nsso_start_url = '
        "https://d-1.awsapps.com/start\nsso_region = us-east-1\n\n[profile q]\n"
        "sso_session = it's\nsso_account_id = 1\nsso_role_name = R\n"
    )
    result = sandbox.run("status", "q")
    assert result.returncode == 0, result.stderr
    assert "run `awsswitch login --sso-session 'it'\\''s'`" in result.stdout


@pytest.mark.parametrize(("expires_in", "word"), [(3600, "fresh"), (-600, "refresh due")])
def test_status_console_session(sandbox, expires_in: int, word: str) -> None:
    arn = "arn:aws:sts::012345678910:assumed-role/Admin/admin"
    sandbox.write_config(
        sandbox.config.read_text() + f"\n[profile console]\nlogin_session = {arn}\n\n"
        "[profile viaconsole]\nrole_arn = arn:aws:iam::012345678910:role/X\n"
        "source_profile = console\n"
    )
    # A console session's cache entry, where login_session looks for it.
    cache = Path(login_session.cache_file(arn, sandbox.env))
    data = entry(expires_in=expires_in, signed_in_ago=3600, arn=arn)
    assert write(cache.parent, data, arn) == cache
    for name in ("console", "viaconsole"):
        result = sandbox.run("status", name)
        assert result.returncode == 0, result.stderr
        fields = _fields(result.stdout)
        assert fields["session"] == f"console session {arn}"
        assert fields["token"].startswith(word) and ", expires " in fields["token"]
        assert (
            fields["refresh"].startswith("until ") and "(sign-in + 12 hours)" in fields["refresh"]
        )
        assert fields["cache"].startswith("~/")


def test_status_console_session_login_needed(sandbox) -> None:
    arn = "arn:aws:sts::012345678910:assumed-role/Admin/admin"
    sandbox.write_config(
        sandbox.config.read_text() + f"\n[profile console]\nlogin_session = {arn}\n"
    )
    result = sandbox.run("status", "console")
    assert result.returncode == 0, result.stderr
    assert _fields(result.stdout)["token"].startswith("login needed")
    assert "run `aws login --profile console`" in result.stdout
