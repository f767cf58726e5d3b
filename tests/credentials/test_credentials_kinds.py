"""Every profile kind: role chains (STS AssumeRole at the stand-in, signed with the source's
keys), keys from the credentials and config files, credential_process (bounded, checked, loop
guarded), and the kinds awsswitch leaves to the AWS CLI."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from credhelp import (
    CHAINED,
    DEPLOY_ARN,
    assumed_roles,
    botocore_like_cli,
    cli_cache,
    dead_url,
    export,
    fake_process,
    parse_env_lines,
    sts_calls,
)
from support.sso import iso, issued_keys, write_grant

from awsswitch.context import Environment
from awsswitch.credentials import Credentials, cache, process
from awsswitch.errors import AwsswitchError
from awsswitch.standin import StandIn

pytestmark = pytest.mark.usefixtures("cred_config")


def _later(hours: float = 1) -> str:
    return iso(datetime.now(timezone.utc) + timedelta(hours=hours))


# -- role chains ---------------------------------------------------------------------------


def test_assume_role_key_is_botocores() -> None:
    from botocore.credentials import AssumeRoleCredentialFetcher

    for extra in ({}, {"RoleSessionName": "jane", "ExternalId": "e", "DurationSeconds": 900},
                  {"SerialNumber": "arn:aws:iam::1:mfa/j"}):  # fmt: skip
        fetcher = AssumeRoleCredentialFetcher(
            client_creator=None, source_credentials=None, role_arn=DEPLOY_ARN, extra_args=extra
        )
        assert cache.assume_role_key({"RoleArn": DEPLOY_ARN, **extra}) == fetcher._cache_key


def test_chain_from_sso(standin: StandIn, sandbox: Any) -> None:
    write_grant(sandbox, standin)
    out = export(sandbox, CHAINED, "--format", "process")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    [call] = sts_calls(standin)
    assert call.operation == "AssumeRole" and call.params["RoleArn"] == DEPLOY_ARN
    assert call.params["RoleSessionName"].startswith("botocore-session-")
    assert call.params["AccessKeyId"] == issued_keys(standin)[0]  # signed with the SSO role's keys
    assert assumed_roles(standin)[doc["AccessKeyId"]] == DEPLOY_ARN
    path = cli_cache(sandbox) / (cache.assume_role_key({"RoleArn": DEPLOY_ARN}) + ".json")
    entry = json.loads(path.read_text())
    assert entry["Credentials"]["AccessKeyId"] == doc["AccessKeyId"]
    assert entry["Credentials"]["Expiration"].endswith("UTC")  # botocore's JSONFileCache
    assert entry["Credentials"]["AccountId"] == "222222222222"
    assert entry["AssumedRoleUser"]["Arn"].startswith("arn:aws:sts::222222222222:")
    # Warm: neither the portal nor STS is asked again, even with both unreachable.
    standin.reset_calls()
    dead = {"AWS_ENDPOINT_URL_STS": dead_url(), "AWS_ENDPOINT_URL_SSO": dead_url()}
    again = export(sandbox, CHAINED, "--format", "process", env=dead)
    assert again.returncode == 0, again.stderr
    assert again.stdout == out.stdout
    assert standin.calls == []


def test_chain_parameters_and_region(standin: StandIn, sandbox: Any) -> None:
    write_grant(sandbox, standin)
    out = export(sandbox, "chained-named")
    assert out.returncode == 0, out.stderr
    [call] = sts_calls(standin)
    assert call.params["RoleSessionName"] == "jane"
    assert call.params["ExternalId"] == "ext-1"
    assert call.params["DurationSeconds"] == "1800"
    assert parse_env_lines(out.stdout)["AWS_REGION"] == "ap-south-1"
    args = {"RoleArn": "arn:aws:iam::333333333333:role/Named", "RoleSessionName": "jane",
            "ExternalId": "ext-1", "DurationSeconds": 1800}  # fmt: skip
    assert (cli_cache(sandbox) / (cache.assume_role_key(args) + ".json")).exists()


def test_botocore_and_awsswitch_share_assume_role_results(standin: StandIn, sandbox: Any) -> None:
    write_grant(sandbox, standin)
    # awsswitch first; botocore (set up as the CLI) reads it with STS and the portal dead.
    mine = parse_env_lines(export(sandbox, CHAINED).stdout)
    theirs = botocore_like_cli(
        sandbox, CHAINED, AWS_ENDPOINT_URL_STS=dead_url(), AWS_ENDPOINT_URL_SSO=dead_url()
    )
    assert theirs["key"] == mine["AWS_ACCESS_KEY_ID"]
    assert theirs["token"] == mine["AWS_SESSION_TOKEN"]
    # botocore first (two hops: it writes both AssumeRole results); awsswitch reads warm.
    theirs = botocore_like_cli(sandbox, "two-hops")
    assert standin.count("AssumeRole") == 2  # only the second hop: the first one was cached
    out = export(sandbox, "two-hops", env={"AWS_ENDPOINT_URL_STS": dead_url()})
    assert out.returncode == 0, out.stderr
    assert parse_env_lines(out.stdout)["AWS_ACCESS_KEY_ID"] == theirs["key"]
    assert standin.count("AssumeRole") == 2


def test_two_hops_sign_each_call_with_the_previous_role(standin: StandIn, sandbox: Any) -> None:
    write_grant(sandbox, standin)
    out = export(sandbox, "two-hops", "--format", "process")
    assert out.returncode == 0, out.stderr
    first, second = sts_calls(standin)
    assert first.params["RoleArn"] == DEPLOY_ARN
    assert first.params["AccessKeyId"] == issued_keys(standin)[0]
    roles = assumed_roles(standin)
    assert roles[second.params["AccessKeyId"]] == DEPLOY_ARN
    assert roles[json.loads(out.stdout)["AccessKeyId"]].endswith("role/Second")


def test_chain_from_static_keys(static_keys: StandIn, sandbox: Any) -> None:
    out = export(sandbox, "from-keys")
    assert out.returncode == 0, out.stderr
    assert sts_calls(static_keys)[0].params["AccessKeyId"] == "AKIAEXAMPLE"


def test_role_with_its_own_keys(static_keys: StandIn, sandbox: Any) -> None:
    out = export(sandbox, "self-keys")
    assert out.returncode == 0, out.stderr
    assert sts_calls(static_keys)[0].params["AccessKeyId"] == "AKIASELF"


def test_sts_error_is_one_line_without_secrets(standin: StandIn, sandbox: Any) -> None:
    standin.fail("AssumeRole", "AccessDenied", message="not allowed with secret")
    out = export(sandbox, "from-keys")
    assert standin.count("AssumeRole", error="AccessDenied") == 1
    assert out.returncode == 1
    assert out.stdout == ""
    assert "AccessDenied" in out.stderr
    # The server echoed the source's secret key ("secret", profile keys): it is cut out.
    assert "not allowed with [redacted]" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_mfa_off_a_terminal(static_keys: StandIn, sandbox: Any) -> None:
    out = export(sandbox, "mfa")
    assert out.returncode == 1
    assert "MFA code" in out.stderr
    assert static_keys.calls == []


def test_mfa_code_is_asked_on_a_terminal(static_keys: StandIn, sandbox: Any) -> None:
    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "awsswitch.commands.export", "mfa", "--format", "process"],
        env=sandbox.env,
        timeout=60,
        encoding="utf-8",
    )
    child.expect("Enter MFA code for arn:aws:iam::111111111111:mfa/jane: ")
    child.sendline("123456")
    child.expect('"Version": 1')
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    [call] = sts_calls(static_keys)
    assert call.params["SerialNumber"] == "arn:aws:iam::111111111111:mfa/jane"
    assert call.params["TokenCode"] == "123456"


@pytest.mark.parametrize(
    ("profile", "words"),
    [
        ("ec2", "credential_source"),
        ("plain", "no credentials"),
    ],
)
def test_unsupported_or_empty_kinds(sandbox: Any, profile: str, words: str) -> None:
    out = export(sandbox, profile)
    assert out.returncode == 1
    assert words in out.stderr
    assert out.stdout == ""


def test_source_profile_problems(sandbox: Any) -> None:
    with sandbox.config.open("a") as fh:
        fh.write("\n[profile ghost]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = nobody\n")
    out = export(sandbox, "ghost")
    assert out.returncode == 1 and "does not exist" in out.stderr
    out = export(sandbox, "loop1")
    assert out.returncode == 1 and "loop" in out.stderr


# -- keys ----------------------------------------------------------------------------------


def test_keys_from_the_credentials_file_win(sandbox: Any) -> None:
    sandbox.credentials.write_text(
        "[keys]\naws_access_key_id = AKIAFILE\naws_secret_access_key = file-secret\n"
        "aws_session_token = file-token\n"
    )
    out = export(sandbox, "keys")
    assert out.returncode == 0, out.stderr
    assert out.stdout == (
        "export AWS_ACCESS_KEY_ID=AKIAFILE\nexport AWS_SECRET_ACCESS_KEY=file-secret\n"
        "export AWS_SESSION_TOKEN=file-token\n"
    )


def test_keys_from_the_config_file(sandbox: Any) -> None:
    out = export(sandbox, "keys", "--format", "env-no-export")
    assert out.stdout == "AWS_ACCESS_KEY_ID=AKIAEXAMPLE\nAWS_SECRET_ACCESS_KEY=secret\n"


def test_partial_keys(sandbox: Any) -> None:
    sandbox.credentials.write_text("[half]\naws_access_key_id = AKIAHALF\n")
    out = export(sandbox, "half")
    assert out.returncode == 1
    assert "aws_secret_access_key" in out.stderr


# -- credential_process --------------------------------------------------------------------


def _process_profile(sandbox: Any, name: str, command: str) -> None:
    with sandbox.config.open("a") as fh:
        fh.write(f"\n[profile {name}]\ncredential_process = {command}\n")


def test_process_document(sandbox: Any, tmp_path: Any) -> None:
    doc = {"Version": 1, "AccessKeyId": "AKIAP", "SecretAccessKey": "sp", "SessionToken": "tp",
           "Expiration": "2099-01-02T03:04:05.5Z"}  # fmt: skip
    _process_profile(sandbox, "proc", fake_process(tmp_path / "p.py", doc, stderr="chatter\n"))
    out = export(sandbox, "proc", "--format", "process")
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""  # the process's stderr is not passed on when it succeeds
    assert json.loads(out.stdout) == {**doc, "Expiration": "2099-01-02T03:04:05.500000+00:00"}


@pytest.mark.parametrize(
    ("document", "exit_code", "words"),
    [
        ({"Version": 2, "AccessKeyId": "a", "SecretAccessKey": "s"}, 0, "Version"),
        ({"Version": 1, "AccessKeyId": "a"}, 0, "SecretAccessKey is missing"),
        ({"Version": 1, "AccessKeyId": "a", "SecretAccessKey": 5}, 0, "SecretAccessKey"),
        ("not json", 0, "no valid JSON"),
        ("[1]", 0, "not an object"),
        ({"Version": 1, "AccessKeyId": "a", "SecretAccessKey": "s", "Expiration": "soon"}, 0,
         "ISO 8601"),
        ({"Version": 1, "AccessKeyId": "a", "SecretAccessKey": "s",
          "Expiration": "2001-01-01T00:00:00Z"}, 0, "already expired"),
        ({"Version": 1, "AccessKeyId": "a", "SecretAccessKey": "s"}, 3, "(exit status 3): boom"),
    ],
)  # fmt: skip
def test_process_failures(
    sandbox: Any, tmp_path: Any, document: Any, exit_code: int, words: str
) -> None:
    command = fake_process(tmp_path / "p.py", document, exit_code=exit_code, stderr="x\nboom\n")
    _process_profile(sandbox, "proc", command)
    out = export(sandbox, "proc")
    assert out.returncode == 1
    assert out.stdout == ""
    assert words in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_process_missing_program(sandbox: Any) -> None:
    _process_profile(sandbox, "proc", "/nonexistent/helper --flag")
    out = export(sandbox, "proc")
    assert out.returncode == 1
    assert "cannot run" in out.stderr and "/nonexistent/helper" in out.stderr


def test_process_is_run_without_a_shell(sandbox: Any, tmp_path: Any) -> None:
    marker = tmp_path / "pwned"
    doc = {"Version": 1, "AccessKeyId": "a", "SecretAccessKey": "s"}
    command = fake_process(tmp_path / "p.py", doc) + f" ; touch {marker}"
    _process_profile(sandbox, "proc", command)
    out = export(sandbox, "proc")
    assert out.returncode == 0, out.stderr
    assert not marker.exists()


def test_process_time_limit(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(process, "TIMEOUT", 0.5)
    doc = {"Version": 1, "AccessKeyId": "a", "SecretAccessKey": "s"}
    command = fake_process(tmp_path / "p.py", doc, sleep=30)
    with pytest.raises(AwsswitchError, match="did not finish within"):
        process.run(command, profile="p", env={"PATH": "/usr/bin"}, interactive=False)


def test_process_output_limit(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(process, "OUTPUT_LIMIT", 1000)
    script = tmp_path / "spew.py"
    script.write_text("import sys\nwhile True:\n    sys.stdout.write('x' * 4096)\n")
    with pytest.raises(AwsswitchError, match="more than 1000 bytes"):
        process.run(f"{sys.executable} {script}", profile="p", env={}, interactive=False)


def test_process_loop_is_refused(sandbox: Any) -> None:
    """P's credential_process exports P: the second level refuses instead of recursing."""
    _process_profile(
        sandbox,
        "selfish",
        f"{sys.executable} -m awsswitch.commands.export --format process selfish",
    )
    out = export(sandbox, "selfish", timeout=60)
    assert out.returncode == 1
    assert "loop" in out.stderr


def test_role_whose_source_process_exports_the_role_is_refused(sandbox: Any) -> None:
    command = f"{sys.executable} -m awsswitch.commands.export --format process outer-role"
    _process_profile(sandbox, "inner-proc", command)
    with sandbox.config.open("a") as fh:
        fh.write(
            "[profile outer-role]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = inner-proc\n"
        )
    out = export(sandbox, "outer-role", timeout=60)
    assert out.returncode == 1
    assert "credential_process loop: outer-role -> inner-proc -> outer-role" in out.stderr


def test_resolve_in_process_matches(sandbox: Any, tmp_path: Any) -> None:
    import io

    from awsswitch.credentials.resolve import resolve

    doc = {"Version": 1, "AccessKeyId": "AKIAX", "SecretAccessKey": "sx", "SessionToken": "tx",
           "Expiration": _later()}  # fmt: skip
    _process_profile(sandbox, "proc", fake_process(tmp_path / "p.py", doc))
    ctx = Environment(sandbox.env, stdout=io.StringIO(), stderr=io.StringIO())
    creds = resolve("proc", ctx)
    assert (creds.access_key, creds.secret_key, creds.token, creds.source) == (
        "AKIAX",
        "sx",
        "tx",
        "process",
    )
    assert "sx" not in repr(creds) and "tx" not in repr(creds)
    assert isinstance(creds, Credentials)
