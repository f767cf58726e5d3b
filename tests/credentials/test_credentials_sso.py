"""SSO role credentials over real HTTP to the stand-in: fetched once, cached in
~/.aws/cli/cache under botocore's key and in its shape, read back warm without boto3 or the
network, by awsswitch and by botocore set up as the AWS CLI v2 sets it up."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from credhelp import (
    botocore_like_cli,
    cli_cache,
    dead_url,
    export,
    parse_env_lines,
)
from support.sso import (
    LEGACY_URL,
    POWERUSER,
    READONLY,
    START_URL,
    iso,
    write_grant,
    write_token,
)

from awsswitch.credentials import cache
from awsswitch.standin import StandIn

pytestmark = pytest.mark.usefixtures("sso_config")

# sha1 of the compact sorted JSON botocore hashes, computed here by hand from its definition.
_POWERUSER_ARGS = '{"accountId":"111111111111","roleName":"PowerUser","sessionName":"corp"}'


def _issued(standin: StandIn) -> list[dict[str, Any]]:
    return [
        c.result["roleCredentials"]
        for c in standin.calls
        if c.operation == "GetRoleCredentials" and c.result
    ]


def test_cache_keys_are_botocores() -> None:
    import hashlib

    from botocore.credentials import SSOCredentialFetcher

    want = hashlib.sha1(_POWERUSER_ARGS.encode()).hexdigest()
    assert cache.sso_key("111111111111", "PowerUser", session="corp", start_url=START_URL) == want
    for session, url in (("corp", None), (None, LEGACY_URL), ('weird "name" é', None)):
        fetcher = SSOCredentialFetcher(
            url, "us-east-1", "Role/x", "123456789012", client_creator=None,
            sso_session_name=session,
        )  # fmt: skip
        mine = cache.sso_key("123456789012", "Role/x", session=session, start_url=url)
        assert mine == fetcher._cache_key


def test_logout_removes_the_role_credentials_export_cached(standin: StandIn, sandbox: Any) -> None:
    """logout finds the files cache.store wrote (sso-session and legacy profiles): one key
    rule for both."""
    from awsswitch.sso.state import cache_key

    write_grant(sandbox, standin)
    write_grant(sandbox, standin, key=cache_key(None, LEGACY_URL))
    assert export(sandbox, POWERUSER).returncode == 0
    assert export(sandbox, "legacy").returncode == 0
    session_file = cli_cache(sandbox) / (
        cache.sso_key("111111111111", "PowerUser", session="corp", start_url=START_URL) + ".json"
    )
    legacy_file = cli_cache(sandbox) / (
        cache.sso_key("111111111111", "ReadOnly", session=None, start_url=LEGACY_URL) + ".json"
    )
    assert session_file.exists() and legacy_file.exists()
    out = sandbox.run("logout", "--sso-session", "corp")
    assert out.returncode == 0, out.stderr
    assert "1 cached role credential file" in out.stdout
    assert not session_file.exists() and legacy_file.exists()
    out = sandbox.run("logout", AWS_PROFILE="legacy")
    assert out.returncode == 0, out.stderr
    assert "1 cached role credential file" in out.stdout
    assert not legacy_file.exists()


def test_cold_fetch_caches_as_the_cli(standin: StandIn, sandbox: Any) -> None:
    write_grant(sandbox, standin)
    out = export(sandbox, POWERUSER)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    issued = _issued(standin)
    assert len(issued) == 1
    values = parse_env_lines(out.stdout)
    assert values["AWS_ACCESS_KEY_ID"] == issued[0]["accessKeyId"]
    assert values["AWS_SECRET_ACCESS_KEY"] == issued[0]["secretAccessKey"]
    assert values["AWS_SESSION_TOKEN"] == issued[0]["sessionToken"]
    assert values["AWS_REGION"] == values["AWS_DEFAULT_REGION"] == "eu-west-1"
    import hashlib

    path = cli_cache(sandbox) / (hashlib.sha1(_POWERUSER_ARGS.encode()).hexdigest() + ".json")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    entry = json.loads(path.read_text())
    expires = datetime.fromtimestamp(issued[0]["expiration"] / 1000, timezone.utc)
    assert entry == {
        "ProviderType": "sso",
        "Credentials": {
            "AccessKeyId": issued[0]["accessKeyId"],
            "SecretAccessKey": issued[0]["secretAccessKey"],
            "SessionToken": issued[0]["sessionToken"],
            "Expiration": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "AccountId": "111111111111",
        },
    }
    assert values["AWS_CREDENTIAL_EXPIRATION"] == expires.replace(microsecond=0).isoformat()


_WARM = """
import sys
from awsswitch.commands.export import main
code = main(sys.argv[1:])
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("boto3", "botocore", "urllib3"))
sys.stderr.write("LOADED=" + ",".join(loaded) + "\\n")
sys.exit(code)
"""


def test_warm_call_imports_no_boto3_and_makes_no_request(standin: StandIn, sandbox: Any) -> None:
    write_grant(sandbox, standin)
    first = export(sandbox, POWERUSER, "--format", "process")
    assert first.returncode == 0, first.stderr
    standin.reset_calls()
    dead = {"AWS_ENDPOINT_URL_SSO": dead_url(), "AWS_ENDPOINT_URL_SSO_OIDC": dead_url()}
    warm = subprocess.run(
        [sys.executable, "-c", _WARM, POWERUSER, "--format", "process"],
        env={**sandbox.env, **dead},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert warm.returncode == 0, warm.stderr
    assert warm.stdout == first.stdout
    assert warm.stderr == "LOADED=\n"
    assert standin.calls == []


def test_warm_call_does_not_need_the_sso_token(standin: StandIn, sandbox: Any) -> None:
    """As the CLI: valid cached role credentials are used even after the token expired."""
    write_grant(sandbox, standin)
    first = export(sandbox, POWERUSER)
    assert first.returncode == 0, first.stderr
    write_token(sandbox, expires_in=-60, refreshable=False)
    again = export(sandbox, POWERUSER)
    assert again.returncode == 0, again.stderr
    assert again.stdout == first.stdout


def test_expiring_cache_is_fetched_anew(standin: StandIn, sandbox: Any) -> None:
    """Inside botocore's 15-minute window the cache is not used (the CLI would refetch)."""
    write_grant(sandbox, standin)
    standin.credentials_ttl = 14 * 60
    first = export(sandbox, POWERUSER)
    second = export(sandbox, POWERUSER)
    assert first.returncode == second.returncode == 0
    assert len(_issued(standin)) == 2
    assert first.stdout != second.stdout
    standin.credentials_ttl = 3600
    export(sandbox, POWERUSER)
    warm = export(sandbox, POWERUSER)
    assert len(_issued(standin)) == 3
    assert parse_env_lines(warm.stdout)["AWS_ACCESS_KEY_ID"] == _issued(standin)[-1]["accessKeyId"]


def test_legacy_profile_key_uses_the_start_url(standin: StandIn, sandbox: Any) -> None:
    from awsswitch.sso.state import cache_key

    write_grant(sandbox, standin, key=cache_key(None, LEGACY_URL))
    out = export(sandbox, "legacy", "--format", "process")
    assert out.returncode == 0, out.stderr
    key = cache.sso_key("111111111111", "ReadOnly", session=None, start_url=LEGACY_URL)
    entry = json.loads((cli_cache(sandbox) / f"{key}.json").read_text())
    assert entry["Credentials"]["AccessKeyId"] == json.loads(out.stdout)["AccessKeyId"]


def test_botocore_set_up_as_the_cli_reads_what_awsswitch_cached(
    standin: StandIn, sandbox: Any
) -> None:
    write_grant(sandbox, standin)
    for profile in (POWERUSER, READONLY):
        assert export(sandbox, profile).returncode == 0
    for profile, issued in zip((POWERUSER, READONLY), _issued(standin), strict=True):
        creds = botocore_like_cli(sandbox, profile, AWS_ENDPOINT_URL_SSO=dead_url())
        assert creds == {
            "key": issued["accessKeyId"],
            "secret": issued["secretAccessKey"],
            "token": issued["sessionToken"],
        }
    assert len(_issued(standin)) == 2


def test_awsswitch_reads_what_botocore_cached_warm(standin: StandIn, sandbox: Any) -> None:
    write_grant(sandbox, standin)
    creds = botocore_like_cli(sandbox, READONLY)
    assert len(_issued(standin)) == 1
    standin.reset_calls()
    out = export(sandbox, READONLY, env={"AWS_ENDPOINT_URL_SSO": dead_url()})
    assert out.returncode == 0, out.stderr
    values = parse_env_lines(out.stdout)
    assert (values["AWS_ACCESS_KEY_ID"], values["AWS_SECRET_ACCESS_KEY"]) == (
        creds["key"],
        creds["secret"],
    )
    assert standin.calls == []


_BOTO3_PROCESS = """
import json, sys, boto3
creds = boto3.Session(profile_name=sys.argv[1]).get_credentials().get_frozen_credentials()
print(json.dumps([creds.access_key, creds.secret_key, creds.token]))
"""


def test_boto3_gets_the_same_credentials_through_credential_process(
    standin: StandIn, sandbox: Any
) -> None:
    write_grant(sandbox, standin)
    command = f"{sys.executable} -m awsswitch.commands.export --format process {POWERUSER}"
    with sandbox.config.open("a") as fh:
        fh.write(f"\n[profile via-process]\ncredential_process = {command}\n")
    out = subprocess.run(
        [sys.executable, "-c", _BOTO3_PROCESS, "via-process"],
        env=sandbox.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    (issued,) = _issued(standin)
    assert json.loads(out.stdout) == [
        issued["accessKeyId"],
        issued["secretAccessKey"],
        issued["sessionToken"],
    ]


def test_login_needed_off_a_terminal_fails_cleanly(standin: StandIn, sandbox: Any) -> None:
    write_token(sandbox, expires_in=-60, refreshable=False)
    out = export(sandbox, POWERUSER)
    assert out.returncode == 1
    assert out.stdout == ""
    assert "needs a login" in out.stderr
    assert "awsswitch login --sso-session corp" in out.stderr
    assert standin.calls == []


def test_refreshable_token_is_refreshed_first(standin: StandIn, sandbox: Any) -> None:
    grant = standin.mint_token(expires_in=60)
    write_token(
        sandbox,
        expires_in=60,
        accessToken=grant.access_token,
        refreshToken=grant.refresh_token,
        clientId=grant.client_id,
        clientSecret=grant.client_secret,
        registrationExpiresAt=iso(
            datetime.fromtimestamp(grant.registration_expires_at, timezone.utc)
        ),
    )
    out = export(sandbox, POWERUSER)
    assert out.returncode == 0, out.stderr
    assert standin.count("CreateToken", grantType="refresh_token", error="") == 1
    refreshed = json.loads(
        (sandbox.sso_cache / "ee0bfd2552fbd840c02cc48b6e823320543c450f.json").read_text()
    )
    calls = [c for c in standin.calls if c.operation == "GetRoleCredentials"]
    assert [c.params["accessToken"] for c in calls] == [refreshed["accessToken"]]


def test_revoked_session_off_a_terminal(standin: StandIn, sandbox: Any) -> None:
    grant = write_grant(sandbox, standin)
    standin.fail("GetRoleCredentials", "UnauthorizedException", status=401)
    out = export(sandbox, POWERUSER)
    assert out.returncode == 1
    assert out.stdout == ""
    assert "refused the token" in out.stderr and "awsswitch login" in out.stderr
    assert grant.access_token not in out.stderr


def test_portal_error_names_no_secret(standin: StandIn, sandbox: Any) -> None:
    grant = write_grant(sandbox, standin)
    standin.fail("GetRoleCredentials", "ForbiddenException", message="No access")
    out = export(sandbox, POWERUSER)
    assert out.returncode == 1
    assert "ForbiddenException" in out.stderr and "PowerUser" in out.stderr
    assert grant.access_token not in out.stderr
    assert not cli_cache(sandbox).exists() or list(cli_cache(sandbox).iterdir()) == []


def test_unwritable_cache_warns_and_still_prints(standin: StandIn, sandbox: Any) -> None:
    write_grant(sandbox, standin)
    folder = cli_cache(sandbox)
    folder.parent.mkdir(parents=True)
    folder.write_text("not a folder")
    out = export(sandbox, POWERUSER)
    assert out.returncode == 0
    (issued,) = _issued(standin)
    assert parse_env_lines(out.stdout)["AWS_ACCESS_KEY_ID"] == issued["accessKeyId"]
    assert "warning" in out.stderr
    assert issued["secretAccessKey"] not in out.stderr
    assert issued["sessionToken"] not in out.stderr


def test_foreign_writable_cache_file_is_ignored(standin: StandIn, sandbox: Any) -> None:
    """A cache file others may write could hand out someone else's keys: not trusted."""
    write_grant(sandbox, standin)
    key = cache.sso_key("111111111111", "PowerUser", session="corp", start_url=None)
    path = cli_cache(sandbox) / f"{key}.json"
    path.parent.mkdir(parents=True)
    later = datetime.now(timezone.utc) + timedelta(hours=1)
    forged = {"Credentials": {"AccessKeyId": "AKIAFORGED", "SecretAccessKey": "x",
                              "SessionToken": "y", "Expiration": iso(later)}}  # fmt: skip
    path.write_text(json.dumps(forged))
    path.chmod(0o666)
    out = export(sandbox, POWERUSER)
    assert out.returncode == 0, out.stderr
    assert "AKIAFORGED" not in out.stdout
    assert len(_issued(standin)) == 1


def test_profile_without_a_role(standin: StandIn, sandbox: Any) -> None:
    with sandbox.config.open("a") as fh:
        fh.write("\n[profile session-only]\nsso_session = corp\n")
    out = export(sandbox, "session-only")
    assert out.returncode == 1
    assert "profile session-only names no role" in out.stderr, out.stderr


def test_process_results_are_not_cached(sandbox: Any, tmp_path: Any) -> None:
    """credential_process results are not cached (botocore does not cache them): every call
    runs the process."""
    counter = tmp_path / "runs"
    script = tmp_path / "count.py"
    later = iso(datetime.now(timezone.utc) + timedelta(hours=1))
    doc = json.dumps({"Version": 1, "AccessKeyId": "AKIAPROC", "SecretAccessKey": "s",
                      "SessionToken": "t", "Expiration": later})  # fmt: skip
    script.write_text(f"open({str(counter)!r}, 'a').write('x')\nprint({doc!r})\n", encoding="utf-8")
    with sandbox.config.open("a") as fh:
        fh.write(f"\n[profile proc]\ncredential_process = {sys.executable} {script}\n")
    for _ in range(2):
        assert export(sandbox, "proc").returncode == 0
    assert counter.read_text() == "xx"


def _export_on_a_terminal(sandbox: Any, tmp_path: Any, profile: str) -> tuple[int, str, str]:
    """Run export with stdin and stderr on a pty and stdout to a file (as under
    `eval "$(awsswitch export)"`): (exit status, stdout, what the terminal showed)."""
    pexpect = pytest.importorskip("pexpect")
    out = tmp_path / "stdout"
    command = 'exec "$0" -m awsswitch.commands.export "$1" > "$2"'
    child = pexpect.spawn(
        "/bin/sh",
        ["-c", command, sys.executable, profile, str(out)],
        env=sandbox.env,
        encoding="utf-8",
        timeout=60,
    )
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus, out.read_text(), child.before or ""


def test_login_on_a_terminal_first(standin: StandIn, sandbox: Any, tmp_path: Any) -> None:
    code, stdout, terminal = _export_on_a_terminal(sandbox, tmp_path, POWERUSER)
    assert code == 0, terminal
    assert "needs a login" in terminal
    assert standin.count("StartDeviceAuthorization") == 1
    (issued,) = _issued(standin)
    values = parse_env_lines(stdout)
    assert list(values) == [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_CREDENTIAL_EXPIRATION",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
    ]
    assert values["AWS_ACCESS_KEY_ID"] == issued["accessKeyId"]
    assert issued["secretAccessKey"] not in terminal


def test_revoked_session_logs_in_again_on_a_terminal(
    standin: StandIn, sandbox: Any, tmp_path: Any
) -> None:
    write_grant(sandbox, standin)
    standin.fail("GetRoleCredentials", "UnauthorizedException", status=401)
    code, stdout, terminal = _export_on_a_terminal(sandbox, tmp_path, POWERUSER)
    assert code == 0, terminal
    assert standin.count("GetRoleCredentials") == 2
    assert standin.count("StartDeviceAuthorization") == 1
    (issued,) = _issued(standin)
    assert parse_env_lines(stdout)["AWS_ACCESS_KEY_ID"] == issued["accessKeyId"]
