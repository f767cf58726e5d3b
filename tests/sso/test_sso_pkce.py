"""The built-in authorization-code login (PKCE) over real HTTP: the stand-in's /authorize, a
browser played by tests/sso/fake_browser.py, awsswitch's loopback listener. What the CLI
registers and sends, state and verifier checks, the device-code fallback, the browser per
sso-session, bounded waits."""

from __future__ import annotations

import json
import os
import shlex
import socket
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from support.sso import (
    CORP_KEY,
    LEGACY_URL,
    POWERUSER,
    REGION,
    START_URL,
    make_exe,
    path_with,
    set_env,
    sso_config_fixture,  # noqa: F401 (fixture)
    standin_fixture,  # noqa: F401 (fixture)
    token_file,
)

from awsswitch.commands import login as login_cmd
from awsswitch.config.profiles import load_index
from awsswitch.errors import AwsswitchError
from awsswitch.sso import browser, cache, cli_login, clients, hook, pkce, state
from awsswitch.standin import StandIn

pytestmark = pytest.mark.usefixtures("sso_config")

FAKE_BROWSER = Path(__file__).with_name("fake_browser.py")
AUTH_CODE_REGISTRATION = ["authorization_code", "refresh_token"]


def browser_command(*words: str) -> str:
    """A command line that runs the fake browser (as $BROWSER or awsswitch_browser)."""
    return shlex.join([sys.executable, str(FAKE_BROWSER), *words])


@pytest.fixture
def visits(sandbox, monkeypatch, tmp_path) -> Path:
    """The fake browser as $BROWSER, on a machine without a desktop or SSH session; its
    log of visits is the returned path."""
    log = tmp_path / "browser.log"
    for name in ("SSH_CONNECTION", "SSH_TTY", "SSH_CLIENT", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
        sandbox.env.pop(name, None)
    set_env(sandbox, monkeypatch, BROWSER=browser_command(), FAKE_BROWSER_LOG=str(log))
    monkeypatch.setattr(pkce, "OVERALL_TIMEOUT", 60)  # a broken test fails in a minute
    return log


def read_visits(log: Path, *, landed: int = 0) -> list[dict]:
    """The browser's visits so far; with `landed`, once that many pages have loaded (the
    login may end before the browser has read the listener's page)."""
    deadline = time.monotonic() + 30
    while True:
        lines = log.read_text().splitlines() if log.exists() else []
        found = [json.loads(line) for line in lines]
        if sum(v["event"] == "landed" for v in found) >= landed or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def last_page(log: Path) -> dict:
    return [v for v in read_visits(log, landed=1) if v["event"] == "landed"][-1]


def login(profile: str | None = POWERUSER, **kw: object) -> None:
    if kw.get("sso_session"):
        profile = None
    login_cmd.run(profile, native=True, **kw)  # type: ignore[arg-type]


def corp_registration() -> Path:
    scopes = ["sso:account:access"]
    return Path(cache.registration_file(os.environ, START_URL, REGION, scopes, "corp"))


def authorize_query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


# -- end to end ---------------------------------------------------------------------------


def test_pkce_login_end_to_end(standin, sandbox, visits, capfd) -> None:
    login()
    out, err = capfd.readouterr()
    assert out.startswith("sso-session corp: logged in (")
    assert "renewable until" in out

    register = [c for c in standin.calls if c.operation == "RegisterClient"]
    assert len(register) == 1  # the endpoint look-up never reaches the wire
    assert register[0].params == {
        "clientName": "botocore-client-corp",
        "clientType": "public",
        "grantTypes": AUTH_CODE_REGISTRATION,
        "redirectUris": ["http://127.0.0.1/oauth/callback"],
        "issuerUrl": START_URL,
        "scopes": ["sso:account:access"],
    }
    assert standin.count("StartDeviceAuthorization") == 0

    opened, landed = read_visits(visits, landed=1)
    url = opened["url"]
    assert url.startswith(standin.url + "/authorize?")  # AWS_ENDPOINT_URL_SSO_OIDC moved it
    query = authorize_query(url)
    assert list(query) == [
        "response_type",
        "client_id",
        "redirect_uri",
        "state",
        "code_challenge_method",
        "scopes",
        "code_challenge",
    ]
    assert query["response_type"] == "code"
    assert query["client_id"] == register[0].result["clientId"]
    assert query["code_challenge_method"] == "S256"
    assert query["scopes"] == "sso:account:access"
    assert str(uuid.UUID(query["state"])) == query["state"]
    redirect = urlsplit(query["redirect_uri"])
    assert (redirect.scheme, redirect.hostname, redirect.path) == (
        "http",
        "127.0.0.1",
        "/oauth/callback",
    )
    assert (landed["status"], landed["title"]) == (200, "Login complete")
    assert landed["url"] == query["redirect_uri"]

    (exchange,) = [c for c in standin.calls if c.operation == "CreateToken"]
    assert exchange.params["grantType"] == "authorization_code"
    assert exchange.params["redirectUri"] == query["redirect_uri"]
    verifier = exchange.params["codeVerifier"]
    assert len(verifier) == 64 and pkce.challenge(verifier) == query["code_challenge"]
    assert not exchange.error

    # On stderr: the URL and the way out; never the verifier or the code.
    assert url in err and "--use-device-code --sso-session corp" in err
    assert verifier not in err and exchange.params["code"] not in err

    token = json.loads(token_file(sandbox).read_text())
    assert list(token) == [
        "startUrl",
        "region",
        "accessToken",
        "expiresAt",
        "clientId",
        "clientSecret",
        "registrationExpiresAt",
        "refreshToken",
    ]
    assert token["accessToken"] == exchange.result["accessToken"]
    assert standin.token_valid(token["accessToken"])
    reg = json.loads(corp_registration().read_text())
    assert list(reg) == ["clientId", "clientSecret", "expiresAt", "scopes", "grantTypes"]
    assert reg["grantTypes"] == AUTH_CODE_REGISTRATION
    assert reg["scopes"] == ["sso:account:access"]
    assert reg["expiresAt"] == token["registrationExpiresAt"]
    assert corp_registration().read_text() == cache.dumps(reg)


def test_registration_reused_by_its_own_flow_only(standin, sandbox, visits) -> None:
    """One registration file per (start URL, region, scopes, session), as the CLI: a PKCE
    login reuses an authorization-code registration, a device login replaces it with its
    own, and the next PKCE login replaces that again."""
    login()
    login(force=True)
    assert standin.count("RegisterClient") == 1
    first = json.loads(corp_registration().read_text())
    login(force=True, use_device_code=True)
    device = json.loads(corp_registration().read_text())
    assert "grantTypes" not in device and device["clientId"] != first["clientId"]
    login(force=True)
    again = json.loads(corp_registration().read_text())
    assert again["grantTypes"] == AUTH_CODE_REGISTRATION
    assert standin.count("RegisterClient") == 3
    assert standin.count("CreateToken", grantType="authorization_code", error="") == 3


def test_scopes_as_configured(standin, sandbox, visits) -> None:
    sandbox.config.write_text(
        sandbox.config.read_text().replace(
            "sso_registration_scopes = sso:account:access",
            "sso_registration_scopes = sso:account:access, codewhisperer:completions",
        )
    )
    login()
    (register,) = [c for c in standin.calls if c.operation == "RegisterClient"]
    scopes = ["sso:account:access", "codewhisperer:completions"]
    assert register.params["scopes"] == scopes
    query = authorize_query(read_visits(visits)[0]["url"])
    assert query["scopes"] == "sso:account:access codewhisperer:completions"
    assert (
        "scopes=sso%3Aaccount%3Aaccess%20codewhisperer%3Acompletions&"
        in (read_visits(visits)[0]["url"])
    )
    path = cache.registration_file(os.environ, START_URL, REGION, scopes, "corp")
    assert json.loads(Path(path).read_text())["scopes"] == scopes


def test_session_without_scopes_registers_the_default(standin, sandbox, visits) -> None:
    login(sso_session="other")
    (register,) = [c for c in standin.calls if c.operation == "RegisterClient"]
    assert register.params["scopes"] == ["sso:account:access"]
    assert authorize_query(read_visits(visits)[0]["url"])["scopes"] == "sso:account:access"
    # the key holds the scopes as configured (none), the file the ones registered
    path = cache.registration_file(os.environ, "https://d-2222222222.awsapps.com/start",
                                   "eu-west-1", None, "other")  # fmt: skip
    assert json.loads(Path(path).read_text())["scopes"] == ["sso:account:access"]


def test_favicon_request_does_not_end_the_login(standin, sandbox, visits, monkeypatch) -> None:
    monkeypatch.setenv("FAKE_BROWSER_MODE", "favicon")
    login()
    events = {v["event"]: v for v in read_visits(visits, landed=1)}
    assert events["favicon"]["status"] == 404
    assert events["landed"]["title"] == "Login complete"
    assert state.status_of(_corp_target()).state == state.FRESH


# -- refusals -----------------------------------------------------------------------------


def test_wrong_state_is_never_exchanged(standin, sandbox, visits, monkeypatch, capfd) -> None:
    monkeypatch.setenv("FAKE_BROWSER_MODE", "wrong-state")
    with pytest.raises(AwsswitchError, match="state that is not this login's"):
        login()
    assert standin.count("CreateToken") == 0  # the code was never exchanged
    landed = last_page(visits)
    assert (landed["status"], landed["title"]) == (400, "Login failed")
    assert not token_file(sandbox).exists()
    # the code the stand-in issued is still unused (nothing else redeemed it either)
    assert [a.used for a in standin.oidc.auth_codes.values()] == [False]
    assert "standin-code-" not in capfd.readouterr().err


def test_verifier_mismatch_refused_by_the_service(standin, sandbox, visits, monkeypatch) -> None:
    """The page gets the challenge of another verifier: the stand-in refuses the exchange."""
    real = pkce.challenge
    monkeypatch.setattr(pkce, "challenge", lambda verifier: real(verifier[::-1]))
    with pytest.raises(AwsswitchError, match="InvalidGrantException") as caught:
        login()
    (exchange,) = [c for c in standin.calls if c.operation == "CreateToken"]
    assert exchange.error == "InvalidGrantException"
    assert exchange.params["codeVerifier"] not in str(caught.value)
    assert exchange.params["code"] not in str(caught.value)
    assert not token_file(sandbox).exists()


def test_denied_in_the_browser(standin, sandbox, visits, monkeypatch) -> None:
    monkeypatch.setenv("FAKE_BROWSER_MODE", "deny")
    with pytest.raises(AwsswitchError, match=r"refused in the browser \(access_denied: User said"):
        login()
    assert standin.count("CreateToken") == 0
    assert last_page(visits)["title"] == "Login failed"


def test_no_answer_is_bounded(standin, sandbox, visits, monkeypatch) -> None:
    monkeypatch.setenv("FAKE_BROWSER_MODE", "idle")
    monkeypatch.setattr(pkce, "OVERALL_TIMEOUT", 1)
    with pytest.raises(AwsswitchError, match="no answer from the browser"):
        login()
    assert standin.count("CreateToken") == 0


def test_listener_is_closed_after_the_login(standin, sandbox, visits) -> None:
    login()
    port = urlsplit(authorize_query(read_visits(visits)[0]["url"])["redirect_uri"]).port
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=5):
        pass


# -- which flow, which browser ------------------------------------------------------------


def _corp_target() -> state.SsoTarget:
    return state.session_target("corp", load_index(os.environ), os.environ)


def test_no_browser_means_the_device_code(standin, sandbox, visits, monkeypatch, capfd) -> None:
    """No $BROWSER, no display: the device code, and the page is not opened."""
    monkeypatch.delenv("BROWSER")
    standin.auto_approve_after = 0
    login()
    assert standin.count("StartDeviceAuthorization") == 1
    assert standin.count("CreateToken", grantType="authorization_code") == 0
    assert "logging in with a device code (no display" in capfd.readouterr().err
    assert read_visits(visits) == []


def test_ssh_without_display_means_the_device_code(standin, sandbox, visits, monkeypatch) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "192.0.2.1 50000 192.0.2.2 22")
    login()
    assert standin.count("StartDeviceAuthorization") == 1
    assert read_visits(visits) == []  # the browser would open on the remote machine


def test_use_device_code_opens_the_verification_page(standin, sandbox, visits) -> None:
    """--use-device-code with a browser: the device flow, its page opened (and approved by
    the fake browser, so nothing is approved behind its back)."""
    standin.auto_approve_after = None
    login(use_device_code=True)
    (opened, landed) = read_visits(visits, landed=1)
    assert opened["url"].startswith(standin.verification_uri + "?user_code=")
    assert landed["status"] == 200
    assert standin.count("CreateToken", grantType="authorization_code") == 0
    assert state.status_of(_corp_target()).state == state.FRESH


def test_failing_browser_falls_back_to_the_device_code(
    standin, sandbox, visits, monkeypatch, capfd
) -> None:
    monkeypatch.setenv("FAKE_BROWSER_MODE", "fail")
    login()
    err = capfd.readouterr().err
    assert "the browser login cannot run here" in err and "(exit 3)" in err
    assert standin.count("StartDeviceAuthorization") == 1
    assert standin.count("CreateToken", grantType="authorization_code") == 0
    assert state.status_of(_corp_target()).state == state.FRESH


def test_legacy_profile_uses_the_device_code(standin, sandbox, visits) -> None:
    standin.auto_approve_after = None  # approved by the browser visiting the page
    login("legacy")
    assert standin.count("StartDeviceAuthorization") == 1
    assert [
        c.params.get("grantTypes") for c in standin.calls if c.operation == "RegisterClient"
    ] == [None]
    key = state.cache_key(None, LEGACY_URL)
    assert json.loads(token_file(sandbox, key).read_text())["startUrl"] == LEGACY_URL


def test_browser_per_sso_session(standin, sandbox, visits) -> None:
    """Each session's awsswitch_browser opens its own logins; $BROWSER is not used."""
    text = sandbox.config.read_text()
    text = text.replace(
        "sso_registration_scopes = sso:account:access\n",
        "sso_registration_scopes = sso:account:access\n"
        f"awsswitch_browser = {browser_command('--profile-directory=Work')}\n",
    )
    text = text.replace(
        "sso_region = eu-west-1\n",
        f"sso_region = eu-west-1\nawsswitch_browser = {browser_command('-P', 'second org')}\n",
        1,
    )
    text = text.replace(
        f"sso_start_url = {LEGACY_URL}\n",
        f"sso_start_url = {LEGACY_URL}\nawsswitch_browser = {browser_command('--legacy')}\n",
    )
    sandbox.config.write_text(text)
    os.environ["BROWSER"] = "/nonexistent/browser"
    login(sso_session="corp")
    login(sso_session="other")
    standin.auto_approve_after = None  # only the browser's visit approves the device code
    login("legacy")
    opened = [v for v in read_visits(visits) if v["event"] == "opened"]
    assert [v["argv"] for v in opened] == [
        ["--profile-directory=Work"],
        ["-P", "second org"],
        ["--legacy"],
    ]
    assert urlsplit(opened[1]["url"]).path == "/authorize"
    assert urlsplit(opened[2]["url"]).path == "/device"  # legacy: the device code
    for session in ("corp", "other"):
        target = state.session_target(session, load_index(os.environ), os.environ)
        assert state.status_of(target).state == state.FRESH


def test_configured_browser_wins_over_the_aws_cli(standin, sandbox, visits, tmp_path) -> None:
    """The AWS CLI cannot be told which browser to use: a session with awsswitch_browser
    logs in with the built-in flow even when a v2 CLI is there."""
    log = tmp_path / "aws.log"
    exe = make_exe(
        tmp_path / "aws",
        f"#!/bin/sh\necho \"$@\" >> '{log}'\n"
        'if [ "$1" = "--version" ]; then echo "aws-cli/2.31.0 Python/3.13"; fi\n',
    )
    sandbox.config.write_text(
        sandbox.config.read_text().replace(
            "sso_region = us-east-1\nsso_registration_scopes",
            f"sso_region = us-east-1\nawsswitch_browser = {browser_command()}\n"
            "sso_registration_scopes",
        )
    )
    os.environ["AWSSWITCH_AWS_CLI"] = str(exe)
    login_cmd.run(POWERUSER)
    assert not log.exists()
    assert standin.count("CreateToken", grantType="authorization_code", error="") == 1


def test_unsplittable_configured_browser(standin, sandbox, visits) -> None:
    sandbox.config.write_text(
        sandbox.config.read_text().replace(
            "sso_region = us-east-1\nsso_registration_scopes",
            "sso_region = us-east-1\nawsswitch_browser = firefox 'unterminated\n"
            "sso_registration_scopes",
        )
    )
    with pytest.raises(AwsswitchError, match="awsswitch_browser: cannot split"):
        login()
    assert standin.calls == []


@pytest.mark.parametrize(
    ("env", "platform", "expected"),
    [
        ({}, "linux", None),
        ({"DISPLAY": ":0"}, "linux", ("xdg-open",)),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", ("xdg-open",)),
        ({"DISPLAY": ":0", "SSH_TTY": "/dev/pts/3"}, "linux", ("xdg-open",)),  # forwarded X
        ({"SSH_CONNECTION": "a 1 b 22"}, "darwin", None),  # `open` would show it remotely
        ({}, "darwin", ("open",)),
        ({"BROWSER": "nope:mybrowser --new-tab"}, "linux", ("mybrowser", "--new-tab")),
        ({"BROWSER": "mybrowser", "SSH_TTY": "/dev/pts/3"}, "linux", None),
    ],
)
def test_browser_command_choice(tmp_path, env, platform, expected) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for name in ("xdg-open", "mybrowser"):
        make_exe(bindir / name, "#!/bin/sh\nexit 0\n")
    argv, _origin, why = browser.command(None, {**env, "PATH": str(bindir)}, platform)
    assert argv == expected
    assert bool(why) == (expected is None)


def test_browser_argv_url_placement() -> None:
    assert browser.argv_for(["firefox", "-P", "work"], "http://x/") == [
        "firefox",
        "-P",
        "work",
        "http://x/",
    ]
    assert browser.argv_for(["chrome", "--app=%s"], "http://x/") == ["chrome", "--app=http://x/"]


# -- the AWS CLI ------------------------------------------------------------------------


def test_cli_command_device_code_flags() -> None:
    target = state.SsoTarget("corp", START_URL, REGION, None, POWERUSER, "/x")
    old = cli_login.Cli("/usr/bin/aws", (2, 9, 19))
    new = cli_login.Cli("/usr/local/bin/aws", (2, 22, 0))
    # the device code chosen, a browser still there: the CLI opens the verification page
    assert cli_login.command(new, target, no_browser=False, device_code=True)[-1:] == [
        "--use-device-code"
    ]
    assert cli_login.command(new, target, no_browser=False, device_code=False)[-1] == "corp"
    # before 2.22 the device code is all there is, and the option is unknown
    assert cli_login.command(old, target, no_browser=True, device_code=True)[-1] == "--no-browser"


def test_cli_gets_use_device_code_when_awsswitch_chose_it(sandbox, tmp_path, monkeypatch) -> None:
    log = tmp_path / "aws.log"
    key = CORP_KEY
    writer = (
        "import json,os,datetime as d;"
        f"p=os.path.join(os.environ['HOME'],'.aws','sso','cache','{key}.json');"
        "os.makedirs(os.path.dirname(p),exist_ok=True);"
        "e=(d.datetime.now(d.timezone.utc)+d.timedelta(hours=1)).strftime('%Y-%m-%dT%H:%M:%SZ');"
        f"json.dump({{'startUrl':'{START_URL}','region':'{REGION}','accessToken':'a','expiresAt':e}},"
        "open(p,'w'))"
    )
    (tmp_path / "bin").mkdir()
    exe = make_exe(
        tmp_path / "aws",
        "#!/bin/sh\n"
        'if [ "$1" = "--version" ]; then echo "aws-cli/2.31.4 Python/3.13.7"; exit 0; fi\n'
        f"echo \"$@\" >> '{log}'\n"
        f"'{sys.executable}' -c \"{writer}\"\n",
    )
    for name in ("SSH_CONNECTION", "SSH_TTY", "DISPLAY", "WAYLAND_DISPLAY", "BROWSER"):
        monkeypatch.delenv(name, raising=False)
    set_env(sandbox, monkeypatch, AWSSWITCH_AWS_CLI=str(exe))
    login_cmd.run(POWERUSER, force=True)  # no display: the device code, no browser
    make_exe(tmp_path / "bin" / "xdg-open", "#!/bin/sh\nexit 0\n")
    monkeypatch.setenv("PATH", path_with(tmp_path / "bin"))
    monkeypatch.setenv("DISPLAY", ":0")
    login_cmd.run(POWERUSER, force=True)  # a desktop: the CLI's own default (PKCE)
    login_cmd.run(POWERUSER, force=True, use_device_code=True)
    assert log.read_text().splitlines() == [
        "sso login --sso-session corp --no-browser --use-device-code",
        "sso login --sso-session corp",
        "sso login --sso-session corp --use-device-code",
    ]


# -- pieces -------------------------------------------------------------------------------


def test_challenge_is_s256_without_padding() -> None:
    import base64
    import hashlib

    verifier = pkce.new_verifier()
    assert len(verifier) == 64 and set(verifier) <= set(pkce._VERIFIER_CHARS)
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode()
    assert len(digest) == 44 and digest.endswith("=")
    assert pkce.challenge(verifier) == digest[:-1]  # the CLI trims the one "="


def test_authorize_base_follows_the_endpoint(monkeypatch) -> None:
    """Found without a request: the default regional endpoint, or the override's scheme and
    host (its path dropped, as the CLI does)."""
    default = clients.client("sso-oidc", "eu-central-1", {})
    assert pkce.authorize_base(default) == "https://oidc.eu-central-1.amazonaws.com"
    moved = clients.client(
        "sso-oidc", "eu-central-1", {"AWS_ENDPOINT_URL_SSO_OIDC": "http://127.0.0.1:9/some/path"}
    )
    assert pkce.authorize_base(moved) == "http://127.0.0.1:9"


def test_authorize_url_encoding() -> None:
    url = pkce.authorize_url(
        "https://oidc.us-east-1.amazonaws.com",
        "client id/1",
        "http://127.0.0.1:4242/oauth/callback",
        "0b6c6f1e-2d3b-4c7a-9b58-1f3a5e7d9c20",
        ("a:b", "c"),
        "CHALLENGE-_",
    )
    assert url == (
        "https://oidc.us-east-1.amazonaws.com/authorize?response_type=code"
        "&client_id=client%20id%2F1"
        "&redirect_uri=http%3A%2F%2F127.0.0.1%3A4242%2Foauth%2Fcallback"
        "&state=0b6c6f1e-2d3b-4c7a-9b58-1f3a5e7d9c20&code_challenge_method=S256"
        "&scopes=a%3Ab%20c&code_challenge=CHALLENGE-_"
    )


def test_login_hint_and_hook_signature() -> None:
    target = state.SsoTarget("it's", START_URL, REGION, None, None, "/x")
    assert target.hint("--force") == "awsswitch login --force --sso-session 'it'\\''s'"
    assert hook.ensure_target_fresh.__kwdefaults__["use_device_code"] is False


def test_standalone_stand_in_authorize_page_needs_a_click(sandbox, monkeypatch, visits) -> None:
    """With auto-approval off, /authorize shows an Allow page; the listener keeps waiting
    for a browser that never clicks, within its bound."""
    with StandIn(auto_approve_after=None) as s:
        set_env(sandbox, monkeypatch, **s.env(), AWSSWITCH_AWS_CLI="native")
        monkeypatch.setattr(pkce, "OVERALL_TIMEOUT", 2)
        with pytest.raises(AwsswitchError, match="no answer from the browser"):
            login()
        landed = last_page(visits)
        assert landed["status"] == 200 and landed["url"].startswith(s.url + "/authorize")
        assert s.count("CreateToken") == 0


def test_no_loopback_listener_falls_back_to_the_device_code(
    standin, sandbox, visits, monkeypatch, capfd
) -> None:
    def refuse(_state: str) -> None:
        raise OSError(99, "Cannot assign requested address")

    monkeypatch.setattr(pkce, "Listener", refuse)
    login()
    assert "cannot listen on 127.0.0.1: Cannot assign requested address" in capfd.readouterr().err
    assert standin.count("StartDeviceAuthorization") == 1
    assert state.status_of(_corp_target()).state == state.FRESH
