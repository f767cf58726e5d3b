"""`awsswitch console` against the stand-in's own federation endpoint and STS: the sign-in
token in the URL is one the stand-in issued for the role credentials it handed out, the login
URL redirects to the destination, and long-term keys are turned into a federated session by
the stand-in's GetFederationToken first."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from credhelp import command, cred_config_fixture, role_credentials  # noqa: F401
from support.sso import POWERUSER, make_exe, standin_fixture, write_grant  # noqa: F401

from awsswitch.standin import StandIn

pytestmark = pytest.mark.usefixtures("cred_config")


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


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_url_holds_a_token_the_standin_issued(standin: StandIn, sandbox: Any) -> None:
    write_grant(sandbox, standin)
    out = command(sandbox, "console", POWERUSER, "--url", "--service", "ec2")
    assert out.returncode == 0, out.stderr
    url = out.stdout.strip()
    assert url.startswith(standin.federation_url + "?")
    query = _query(url)
    assert standin.signin_token_valid(query["SigninToken"])
    destination = "https://console.aws.amazon.com/ec2/home?region=eu-west-1"
    assert query["Destination"] == destination
    assert _follow(url) == (302, destination)
    [call] = [c for c in standin.calls if c.operation == "GetSigninToken"]
    assert call.params["sessionId"] == role_credentials(standin)[0]["accessKeyId"]


def test_browser_opens_a_working_login(standin: StandIn, sandbox: Any, tmp_path: Path) -> None:
    write_grant(sandbox, standin)
    log = tmp_path / "argv.json"
    browser = make_exe(
        tmp_path / "browser",
        f"#!{sys.executable}\nimport json, sys\njson.dump(sys.argv[1:], open({str(log)!r}, 'w'))\n",
    )
    out = command(sandbox, "console", POWERUSER, "--browser", str(browser))
    assert out.returncode == 0, out.stderr
    [url] = json.loads(log.read_text())
    assert _follow(url)[0] == 302
    assert url not in out.stderr


def test_long_term_keys_through_the_standins_federation_token(
    standin: StandIn, sandbox: Any
) -> None:
    standin.register_keys("AKIAEXAMPLE", "secret")
    out = command(sandbox, "console", "keys", "--url")
    assert out.returncode == 0, out.stderr
    assert standin.signin_token_valid(_query(out.stdout.strip())["SigninToken"])
    assert standin.count("GetFederationToken") == 1
