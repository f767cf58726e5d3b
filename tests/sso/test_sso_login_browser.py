"""Which login flow runs and which browser opens it: the authorization code where a browser
can open here, the device code otherwise (--use-device-code, --no-browser, no display, SSH,
a legacy profile, a browser or listener that fails), awsswitch_browser per sso-session, and
what `aws sso login` is told. Over real HTTP with the fake browser (fake_browser.py)."""

from __future__ import annotations

import json
import os
import sys
from urllib.parse import urlsplit

import pytest
from pkce_helpers import (
    browser_command,
    corp_target,
    login,
    read_visits,
)
from support.sso import (
    CORP_KEY,
    LEGACY_URL,
    POWERUSER,
    REGION,
    START_URL,
    make_exe,
    path_with,
    set_env,
    token_file,
)

from awsswitch.commands import login as login_cmd
from awsswitch.config.profiles import load_index
from awsswitch.errors import AwsswitchError
from awsswitch.sso import browser, cli_login, pkce, state

pytestmark = pytest.mark.usefixtures("sso_config")


# -- which flow, which browser ------------------------------------------------------------


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
    assert state.status_of(corp_target()).state == state.FRESH


def test_failing_browser_falls_back_to_the_device_code(
    standin, sandbox, visits, monkeypatch, capfd
) -> None:
    monkeypatch.setenv("FAKE_BROWSER_MODE", "fail")
    login()
    err = capfd.readouterr().err
    assert "the browser login cannot run here" in err and "(exit 3)" in err
    assert standin.count("StartDeviceAuthorization") == 1
    assert standin.count("CreateToken", grantType="authorization_code") == 0
    assert state.status_of(corp_target()).state == state.FRESH


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


def test_no_loopback_listener_falls_back_to_the_device_code(
    standin, sandbox, visits, monkeypatch, capfd
) -> None:
    def refuse(_state: str) -> None:
        raise OSError(99, "Cannot assign requested address")

    monkeypatch.setattr(pkce, "Listener", refuse)
    login()
    assert "cannot listen on 127.0.0.1: Cannot assign requested address" in capfd.readouterr().err
    assert standin.count("StartDeviceAuthorization") == 1
    assert state.status_of(corp_target()).state == state.FRESH
