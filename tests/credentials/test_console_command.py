"""`awsswitch console` over real HTTP: the profile's role credentials (from the stand-in)
exchanged at the stand-in's federation endpoint for a sign-in token, the login URL (which
redirects to the console destination for the region and partition) printed (`--url`) or
given to a browser command (`--browser`, `awsswitch_browser` in the config, `$BROWSER`, the
system opener), long-term keys through STS GetFederationToken, and the URL and token never
on stderr."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from credhelp import (
    command,
    dead_url,
    sts_calls,
)
from support.sso import (
    POWERUSER,
    READONLY,
    make_exe,
    role_credentials,
    write_grant,
)

from awsswitch.credentials import console
from awsswitch.errors import AwsswitchError, UsageError
from awsswitch.standin import Call, StandIn

pytestmark = pytest.mark.usefixtures("cred_config")


@pytest.fixture(name="world")
def world_fixture(static_keys: StandIn, sandbox: Any) -> StandIn:
    """The stand-in (portal, STS and federation endpoint) with a signed-in SSO session."""
    write_grant(sandbox, static_keys)
    return static_keys


def _console(sandbox: Any, *args: str, env: dict[str, str] | None = None) -> Any:
    return command(sandbox, "console", *args, env=env)


def _signin_calls(world: StandIn) -> list[Call]:
    return [c for c in world.calls if c.operation == "GetSigninToken"]


def _login(url: str, world: StandIn) -> dict[str, str]:
    """The login URL's parameters, after checking it is the stand-in's and its token valid."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == world.federation_url
    query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    assert query["Action"] == "login" and query["Issuer"] == "awsswitch"
    assert world.signin_token_valid(query["SigninToken"])
    return query


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _follow(url: str) -> tuple[int, str | None]:
    """The login URL's answer: status and Location, without following it."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=10) as reply:
            return reply.status, reply.headers.get("Location")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Location")


def _browser(tmp_path: Path, name: str = "fake-browser", code: int = 0) -> tuple[Path, Path]:
    """A browser command that records its arguments (JSON) and exits with `code`."""
    log = tmp_path / f"{name}.json"
    exe = make_exe(
        tmp_path / name,
        f"#!{sys.executable}\nimport json, sys\n"
        f"json.dump(sys.argv[1:], open({str(log)!r}, 'w'))\nsys.exit({code})\n",
    )
    return exe, log


def test_url_signs_in_with_the_role_credentials(world: StandIn, sandbox: Any) -> None:
    out = _console(sandbox, POWERUSER, "--url")
    assert out.returncode == 0, out.stderr
    assert out.stderr == "" and out.stdout.count("\n") == 1
    query = _login(out.stdout.strip(), world)
    destination = "https://console.aws.amazon.com/console/home?region=eu-west-1"
    assert query["Destination"] == destination
    assert _follow(out.stdout.strip()) == (302, destination)  # a working login
    [issued] = role_credentials(world)
    [request] = _signin_calls(world)  # the stand-in checks the secret and token too
    assert request.params["sessionId"] == issued["accessKeyId"]
    assert request.params["SessionDuration"] == "3600"
    signin = world.federation.lookup(query["SigninToken"])
    assert signin is not None
    assert signin.identity == world.credentials(issued["accessKeyId"]).identity


def test_destinations(world: StandIn, sandbox: Any) -> None:
    cases = [
        (
            ("--service", "ec2", "--region", "us-west-2"),
            "https://console.aws.amazon.com/ec2/home?region=us-west-2",
        ),
        ((READONLY, "--service", "s3"), "https://console.aws.amazon.com/s3/home"),
        (("--destination", "/s3/buckets"), "https://console.aws.amazon.com/s3/buckets"),
        (
            ("--destination", "https://console.aws.amazon.com/iam/home#/roles"),
            "https://console.aws.amazon.com/iam/home#/roles",
        ),
        (
            ("--region", "us-gov-west-1", "--service", "ec2"),
            "https://console.amazonaws-us-gov.com/ec2/home?region=us-gov-west-1",
        ),
        (("--region", "cn-north-1"), "https://console.amazonaws.cn/console/home?region=cn-north-1"),
    ]
    for args, destination in cases:
        profile = () if args[0] == READONLY else (POWERUSER,)
        out = _console(sandbox, *profile, *args, "--url")
        assert out.returncode == 0, (args, out.stderr)
        assert _login(out.stdout.strip(), world)["Destination"] == destination


def test_duration(world: StandIn, sandbox: Any) -> None:
    out = _console(sandbox, POWERUSER, "--url", "--duration", "43200")
    assert out.returncode == 0, out.stderr
    assert _signin_calls(world)[-1].params["SessionDuration"] == "43200"


def test_bad_arguments_fail_before_any_request(world: StandIn, sandbox: Any) -> None:
    for args in (
        ("--destination", "http://console.aws.amazon.com/"),
        ("--destination", "javascript:alert(1)"),
        ("--service", "ec2/../../evil"),
        ("--service", "ec2", "--destination", "/s3"),
        ("--region", "moon-1"),
        ("--duration", "100"),
        ("--duration", "nope"),
        ("--nope",),
        ("a", "b"),
    ):
        out = _console(sandbox, POWERUSER, *args, "--url")
        assert (out.returncode, out.stdout) == (2, ""), args
    out = _console(sandbox, POWERUSER, "--browser")
    assert (out.returncode, out.stdout) == (2, "")
    out = _console(sandbox, POWERUSER, "--url", env={"AWSSWITCH_FEDERATION_ENDPOINT": "ftp://x"})
    assert out.returncode == 2
    assert world.calls == []


def test_partitions_without_an_override() -> None:
    assert console.endpoint("aws", {}) == "https://signin.aws.amazon.com/federation"
    assert console.endpoint("aws-us-gov", {}) == "https://signin.amazonaws-us-gov.com/federation"
    assert console.endpoint("aws-cn", {}) == "https://signin.amazonaws.cn/federation"
    assert console.destination("aws-cn", "cn-north-1", service="ec2") == (
        "https://console.amazonaws.cn/ec2/home?region=cn-north-1"
    )
    assert console.destination("aws-us-gov", None) == (
        "https://console.amazonaws-us-gov.com/console/home"
    )
    with pytest.raises(AwsswitchError, match="aws-iso"):
        console.endpoint("aws-iso", {})
    with pytest.raises(UsageError):
        console.destination("aws", None, url="https://")


def test_partition_from_the_sso_region_or_role_arn(world: StandIn, sandbox: Any) -> None:
    with sandbox.config.open("a") as fh:
        fh.write(
            "\n[sso-session gov]\nsso_start_url = https://start.us-gov-home.awsapps.com/directory/x\n"
            "sso_region = us-gov-west-1\n"
            "[profile gov-sso]\nsso_session = gov\nsso_account_id = 1\nsso_role_name = R\n"
            "[profile gov-role]\nrole_arn = arn:aws-us-gov:iam::1:role/R\nsource_profile = keys\n"
        )
    from awsswitch.commands.console import partition_for
    from awsswitch.config.profiles import load_index
    from awsswitch.context import Environment

    ctx = Environment(dict(sandbox.env))
    index = load_index(ctx.env)
    for name, partition in (
        ("gov-sso", "aws-us-gov"),
        ("gov-role", "aws-us-gov"),
        ("keys", "aws"),
        (POWERUSER, "aws"),
    ):
        assert partition_for(index.by_name[name], index, None, ctx) == partition
    assert partition_for(index.by_name["gov-sso"], index, "eu-west-1", ctx) == "aws"


def test_long_term_keys_go_through_get_federation_token(world: StandIn, sandbox: Any) -> None:
    out = _console(sandbox, "keys", "--url", "--service", "iam")
    assert out.returncode == 0, out.stderr
    _login(out.stdout.strip(), world)
    [call] = sts_calls(world)
    assert (call.operation, call.params["AccessKeyId"]) == ("GetFederationToken", "AKIAEXAMPLE")
    assert call.params["Name"] == "awsswitch" and call.params["DurationSeconds"] == "3600"
    assert json.loads(call.params["Policy"])["Statement"][0]["Effect"] == "Allow"
    [request] = _signin_calls(world)
    assert request.params["sessionId"] == call.result["Credentials"]["AccessKeyId"]
    assert "SessionDuration" not in request.params  # it fails with federation-token credentials
    assert "secret" not in out.stderr


def test_federation_endpoint_refusals(world: StandIn, sandbox: Any) -> None:
    world.fail("GetSigninToken", "InvalidSession", status=403)
    out = _console(sandbox, POWERUSER, "--url")
    assert (out.returncode, out.stdout) == (1, "")
    assert "refused the credentials (HTTP 403)" in out.stderr
    secret = role_credentials(world)[0]["secretAccessKey"]
    assert secret not in out.stderr and "sessionKey" not in out.stderr
    out = _console(sandbox, POWERUSER, "--url", env={"AWSSWITCH_FEDERATION_ENDPOINT": dead_url()})
    assert out.returncode == 1 and "cannot reach the federation endpoint" in out.stderr


def test_browser_option_gets_the_url_last(world: StandIn, sandbox: Any, tmp_path: Path) -> None:
    exe, log = _browser(tmp_path)
    out = _console(sandbox, POWERUSER, "--browser", f"{exe} --flag 'two words'")
    assert out.returncode == 0, out.stderr
    assert out.stdout == ""
    argv = json.loads(log.read_text())
    assert argv[:2] == ["--flag", "two words"]
    _login(argv[2], world)
    assert _follow(argv[2])[0] == 302
    assert argv[2] not in out.stderr and "SigninToken" not in out.stderr
    assert "opened the console for awsprofile.home.poweruser" in out.stderr


def test_browser_from_config_then_browser_variable(
    world: StandIn, sandbox: Any, tmp_path: Path
) -> None:
    profile_exe, profile_log = _browser(tmp_path, "profile-browser")
    session_exe, session_log = _browser(tmp_path, "session-browser")
    env_exe, env_log = _browser(tmp_path, "env-browser")
    flag_exe, flag_log = _browser(tmp_path, "flag-browser")
    text = sandbox.config.read_text()
    scopes = "sso_registration_scopes = sso:account:access\n"
    text = text.replace(scopes, f"{scopes}awsswitch_browser = {session_exe} -P corp\n")
    text = text.replace(
        "sso_role_name = PowerUser\nregion = eu-west-1\n",
        f"sso_role_name = PowerUser\nregion = eu-west-1\nawsswitch_browser = {profile_exe}\n",
    )
    sandbox.config.write_text(text)
    env = {"BROWSER": f"/nonexistent/browser:{env_exe} --new-tab %s"}
    cases = [
        ((POWERUSER,), profile_log, []),  # the profile's own key
        ((READONLY,), session_log, ["-P", "corp"]),  # its sso-session's
        (("chained",), profile_log, []),  # a role chain: the SSO profile it starts from
        (("keys",), env_log, ["--new-tab"]),  # no key: $BROWSER, %s replaced
        ((POWERUSER, "--browser", str(flag_exe)), flag_log, []),  # --browser first
    ]
    for args, log, prefix in cases:
        log.unlink(missing_ok=True)
        out = _console(sandbox, *args, env=env)
        assert out.returncode == 0, (args, out.stderr)
        argv = json.loads(log.read_text())
        assert argv[:-1] == prefix, args
        _login(argv[-1], world)


def test_system_opener_and_none(world: StandIn, sandbox: Any, tmp_path: Path) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    _, log = _browser(bindir, "xdg-open")
    out = _console(sandbox, POWERUSER, env={"PATH": str(bindir)})
    assert out.returncode == 0, out.stderr
    _login(json.loads(log.read_text())[0], world)
    assert "(the system)" in out.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    out = _console(sandbox, POWERUSER, env={"PATH": str(empty), "BROWSER": "missing-browser"})
    assert out.returncode == 1 and "--url" in out.stderr
    assert "SigninToken" not in out.stderr


def test_failing_or_hostile_browser(world: StandIn, sandbox: Any, tmp_path: Path) -> None:
    exe, _ = _browser(tmp_path, code=3)
    out = _console(sandbox, POWERUSER, "--browser", str(exe))
    assert out.returncode == 1 and "failed (exit 3)" in out.stderr
    marker = tmp_path / "injected"
    out = _console(sandbox, POWERUSER, "--browser", f"true; touch {marker}")
    assert out.returncode == 1 and "cannot start true;: " in out.stderr
    out = _console(sandbox, POWERUSER, "--browser", "'unclosed")
    assert out.returncode == 2
    assert not marker.exists()
    assert "SigninToken" not in out.stderr
