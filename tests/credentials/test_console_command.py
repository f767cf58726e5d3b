"""`awsswitch console` over real HTTP: the profile's role credentials (from the stand-in)
exchanged at a federation endpoint stub for a sign-in token, the login URL with the console
destination for the region and partition, printed (`--url`) or given to a browser command
(`--browser`, `awsswitch_browser` in the config, `$BROWSER`, the system opener), long-term
keys through STS GetFederationToken, and the URL and token never on stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from credhelp import (
    StsStub,
    command,
    cred_config_fixture,  # noqa: F401 (fixture)
    dead_url,
    role_credentials,
)
from fedstub import FederationStub
from support.sso import (
    POWERUSER,
    READONLY,
    make_exe,
    set_env,
    standin_fixture,  # noqa: F401 (fixture)
    write_grant,
)

from awsswitch.credentials import console
from awsswitch.errors import AwsswitchError, UsageError
from awsswitch.standin import StandIn

pytestmark = pytest.mark.usefixtures("cred_config")


class World:
    """The stand-in, an STS stub and a federation stub that accepts exactly the credentials
    either of them issued (AssumeRole's: by access key id, the stub keeps no secret)."""

    def __init__(self, standin: StandIn, sts: StsStub, fed: FederationStub) -> None:
        self.standin, self.sts, self.fed = standin, sts, fed

    def valid(self, session: dict[str, Any]) -> bool:
        sets = {
            (c["accessKeyId"], c["secretAccessKey"], c["sessionToken"])
            for c in role_credentials(self.standin)
        }
        sets |= {(key, *pair) for key, pair in self.sts.federated.items()}
        key = session.get("sessionId")
        if key in self.sts.issued and key not in self.sts.federated:
            return True
        return (key, session.get("sessionKey"), session.get("sessionToken")) in sets


@pytest.fixture(name="world")
def world_fixture(
    standin: StandIn, sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[World]:
    sts = StsStub().start()
    holder: list[World] = []
    fed = FederationStub(lambda session: holder[0].valid(session)).start()
    holder.append(World(standin, sts, fed))
    set_env(
        sandbox, monkeypatch, AWS_ENDPOINT_URL_STS=sts.url, AWSSWITCH_FEDERATION_ENDPOINT=fed.url
    )
    write_grant(sandbox, standin)
    try:
        yield holder[0]
    finally:
        fed.stop()
        sts.stop()


def _console(sandbox: Any, *args: str, env: dict[str, str] | None = None) -> Any:
    return command(sandbox, "console", *args, env=env)


def _login(url: str, world: World) -> dict[str, str]:
    """The login URL's parameters, after checking it is the stub's and its token valid."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == world.fed.url
    query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    assert query["Action"] == "login" and query["Issuer"] == "awsswitch"
    assert query["SigninToken"] in world.fed.issued
    return query


def _browser(tmp_path: Path, name: str = "fake-browser", code: int = 0) -> tuple[Path, Path]:
    """A browser command that records its arguments (JSON) and exits with `code`."""
    log = tmp_path / f"{name}.json"
    exe = make_exe(
        tmp_path / name,
        f"#!{sys.executable}\nimport json, sys\n"
        f"json.dump(sys.argv[1:], open({str(log)!r}, 'w'))\nsys.exit({code})\n",
    )
    return exe, log


def test_url_signs_in_with_the_role_credentials(world: World, sandbox: Any) -> None:
    out = _console(sandbox, POWERUSER, "--url")
    assert out.returncode == 0, out.stderr
    assert out.stderr == "" and out.stdout.count("\n") == 1
    query = _login(out.stdout.strip(), world)
    assert query["Destination"] == "https://console.aws.amazon.com/console/home?region=eu-west-1"
    issued = role_credentials(world.standin)
    assert world.fed.issued[query["SigninToken"]] == {
        "sessionId": issued[0]["accessKeyId"],
        "sessionKey": issued[0]["secretAccessKey"],
        "sessionToken": issued[0]["sessionToken"],
    }
    [request] = world.fed.token_requests()
    assert request["SessionDuration"] == "3600"


def test_destinations(world: World, sandbox: Any) -> None:
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


def test_duration(world: World, sandbox: Any) -> None:
    out = _console(sandbox, POWERUSER, "--url", "--duration", "43200")
    assert out.returncode == 0, out.stderr
    assert world.fed.token_requests()[-1]["SessionDuration"] == "43200"


def test_bad_arguments_fail_before_any_request(world: World, sandbox: Any) -> None:
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
    assert world.fed.requests == [] and role_credentials(world.standin) == []


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


def test_partition_from_the_sso_region_or_role_arn(world: World, sandbox: Any) -> None:
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


def test_long_term_keys_go_through_get_federation_token(world: World, sandbox: Any) -> None:
    out = _console(sandbox, "keys", "--url", "--service", "iam")
    assert out.returncode == 0, out.stderr
    query = _login(out.stdout.strip(), world)
    [(action, params, signer)] = world.sts.calls
    assert (action, signer) == ("GetFederationToken", "AKIAEXAMPLE")
    assert params["Name"] == "awsswitch" and params["DurationSeconds"] == "3600"
    assert json.loads(params["Policy"])["Statement"][0]["Effect"] == "Allow"
    session = world.fed.issued[query["SigninToken"]]
    assert session["sessionId"] in world.sts.federated
    [request] = world.fed.token_requests()
    assert "SessionDuration" not in request  # it would fail with federation-token credentials
    assert "secret" not in out.stderr


def test_federation_endpoint_refusals(world: World, sandbox: Any) -> None:
    world.fed.accept = lambda session: False
    out = _console(sandbox, POWERUSER, "--url")
    assert (out.returncode, out.stdout) == (1, "")
    assert "refused the credentials (HTTP 403)" in out.stderr
    secret = role_credentials(world.standin)[0]["secretAccessKey"]
    assert secret not in out.stderr and "sessionKey" not in out.stderr
    out = _console(sandbox, POWERUSER, "--url", env={"AWSSWITCH_FEDERATION_ENDPOINT": dead_url()})
    assert out.returncode == 1 and "cannot reach the federation endpoint" in out.stderr


def test_browser_option_gets_the_url_last(world: World, sandbox: Any, tmp_path: Path) -> None:
    exe, log = _browser(tmp_path)
    out = _console(sandbox, POWERUSER, "--browser", f"{exe} --flag 'two words'")
    assert out.returncode == 0, out.stderr
    assert out.stdout == ""
    argv = json.loads(log.read_text())
    assert argv[:2] == ["--flag", "two words"]
    _login(argv[2], world)
    assert argv[2] not in out.stderr and "SigninToken" not in out.stderr
    assert "opened the console for awsprofile.home.poweruser" in out.stderr


def test_browser_from_config_then_browser_variable(
    world: World, sandbox: Any, tmp_path: Path
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


def test_system_opener_and_none(world: World, sandbox: Any, tmp_path: Path) -> None:
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


def test_failing_or_hostile_browser(world: World, sandbox: Any, tmp_path: Path) -> None:
    exe, _ = _browser(tmp_path, code=3)
    out = _console(sandbox, POWERUSER, "--browser", str(exe))
    assert out.returncode == 1 and "failed (exit 3)" in out.stderr
    marker = tmp_path / "injected"
    out = _console(sandbox, POWERUSER, "--browser", f"true; touch {marker}")
    assert out.returncode == 1 and "cannot start the browser" in out.stderr
    out = _console(sandbox, POWERUSER, "--browser", "'unclosed")
    assert out.returncode == 2
    assert not marker.exists()
    assert "SigninToken" not in out.stderr
