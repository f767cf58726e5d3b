"""Logins over real HTTP to the stand-in: the native device flow, `aws sso login` through a
v2 CLI (fake ones here; the real one in test_sso_interop.py), v1 detection, one login per
session, Ctrl-C, and the streams (nothing ever on stdout)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.sso import (
    CORP_KEY,
    LEGACY_URL,
    POWERUSER,
    READONLY,
    REGION,
    START_URL,
    TOKEN_FIELDS,
    fake_v1_aws,
    fake_v2_aws,
    make_exe,
    path_with,
    set_env,
    token_file,
    write_token,
)

from awsswitch.config.profiles import load_index
from awsswitch.errors import AwsswitchError
from awsswitch.sso import cache, hook, native, state
from awsswitch.standin import StandIn

pytestmark = pytest.mark.usefixtures("sso_config")


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the device flow's waits instead of waiting."""
    recorded: list[float] = []
    monkeypatch.setattr(native, "_sleep", recorded.append)
    return recorded


def _ensure(name: str, *, interactive: bool = True, **kw: object) -> str | None:
    index = load_index(os.environ)
    return hook.ensure_fresh(
        index.by_name[name], index, interactive=interactive, env=os.environ, **kw
    )


def _state(name: str) -> str:
    index = load_index(os.environ)
    return state.profile_token_status(index.by_name[name], index).state


# -- the native device flow ------------------------------------------------------------


def test_native_flow_end_to_end(sandbox, monkeypatch, sleeps, capfd) -> None:
    """Approval after a few authorization_pending polls and a slow_down: the waits honour
    `interval` (1 s here) and slow_down (+5 s); the cache is the CLI's."""
    with StandIn(auto_approve_after=3, slow_down_on=(2,), interval=1) as s:
        set_env(sandbox, monkeypatch, **s.env(), AWSSWITCH_AWS_CLI="native")
        assert _ensure(POWERUSER) == hook.LOGGED_IN
        assert s.counts() == {"RegisterClient": 1, "StartDeviceAuthorization": 1, "CreateToken": 5}
        assert s.count("CreateToken", error="AuthorizationPendingException") == 3
        assert s.count("CreateToken", error="SlowDownException") == 1
        register = next(c for c in s.calls if c.operation == "RegisterClient")
        assert register.params["clientName"] == "botocore-client-corp"
        assert register.params["clientType"] == "public"
        assert register.params["scopes"] == ["sso:account:access"]
        auth = s.device_authorizations()[0]
        verification_uri = s.verification_uri
    assert sleeps == [1, 6, 6, 6]

    err = capfd.readouterr()
    assert err.out == ""
    assert auth.user_code in err.err and verification_uri in err.err
    assert err.err.count(auth.user_code) == 2  # the code, and the URL that fills it in

    text = token_file(sandbox).read_text()
    token = json.loads(text)
    assert list(token) == TOKEN_FIELDS
    assert (token["startUrl"], token["region"]) == (START_URL, REGION)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", token["expiresAt"])
    assert text == cache.dumps(token) and not text.endswith("\n")
    assert token_file(sandbox).stat().st_mode & 0o777 == 0o600

    reg_path = Path(
        cache.registration_file(os.environ, START_URL, REGION, ["sso:account:access"], "corp")
    )
    reg = json.loads(reg_path.read_text())
    assert list(reg) == ["clientId", "clientSecret", "expiresAt", "scopes"]
    assert reg["clientId"] == token["clientId"]
    assert reg["expiresAt"] == token["registrationExpiresAt"]
    assert reg["scopes"] == ["sso:account:access"]
    assert _state(POWERUSER) == state.FRESH


def test_registration_is_reused(standin, sandbox, sleeps) -> None:
    assert _ensure(POWERUSER) == hook.LOGGED_IN
    first = json.loads(token_file(sandbox).read_text())
    token_file(sandbox).unlink()
    assert _ensure(POWERUSER) == hook.LOGGED_IN
    second = json.loads(token_file(sandbox).read_text())
    assert standin.count("RegisterClient") == 1
    assert standin.count("StartDeviceAuthorization") == 2
    assert second["clientId"] == first["clientId"]
    assert second["registrationExpiresAt"] == first["registrationExpiresAt"]


@pytest.mark.parametrize(
    "registration",
    [
        {"expires_in": 600},  # within the CLI's 15-minute window
        {"expires_in": 86400, "grantTypes": ["authorization_code", "refresh_token"]},  # PKCE's
        {"raw": "{oops"},
    ],
)
def test_registration_not_reused(standin, sandbox, sleeps, registration) -> None:
    from datetime import timedelta

    from support.sso import iso, now

    path = Path(
        cache.registration_file(os.environ, START_URL, REGION, ["sso:account:access"], "corp")
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    if "raw" in registration:
        path.write_text(registration["raw"])
    else:
        body = {
            "clientId": "old-client",
            "clientSecret": "old-secret",
            "expiresAt": iso(now() + timedelta(seconds=registration["expires_in"])),
        }
        if "grantTypes" in registration:
            body["grantTypes"] = registration["grantTypes"]
        path.write_text(json.dumps(body))
    assert _ensure(POWERUSER) == hook.LOGGED_IN
    assert standin.count("RegisterClient") == 1
    assert json.loads(path.read_text())["clientId"] != "old-client"


def test_legacy_profile_native_login(standin, sandbox, sleeps) -> None:
    assert _ensure("legacy") == hook.LOGGED_IN
    register = next(c for c in standin.calls if c.operation == "RegisterClient")
    assert re.fullmatch(r"botocore-client-\d+", register.params["clientName"])
    assert "scopes" not in register.params
    key = state.cache_key(None, LEGACY_URL)
    assert json.loads(token_file(sandbox, key).read_text())["startUrl"] == LEGACY_URL
    reg = Path(cache.registration_file(os.environ, LEGACY_URL, REGION, None, None))
    assert list(json.loads(reg.read_text())) == ["clientId", "clientSecret", "expiresAt"]


def test_expired_device_code(sandbox, monkeypatch) -> None:
    with StandIn(auto_approve_after=None, device_code_ttl=30) as s:
        set_env(sandbox, monkeypatch, **s.env(), AWSSWITCH_AWS_CLI="native")
        monkeypatch.setattr(native, "_sleep", lambda _seconds: s.advance(40))
        with pytest.raises(AwsswitchError, match="not approved in time") as err:
            _ensure(POWERUSER)
        assert "run `awsswitch login --sso-session corp` again" in err.value.message
        assert s.count("CreateToken", error="ExpiredTokenException") == 1
    assert not token_file(sandbox).exists()


def test_denied_authorization(sandbox, monkeypatch) -> None:
    with StandIn(auto_approve_after=None) as s:
        set_env(sandbox, monkeypatch, **s.env(), AWSSWITCH_AWS_CLI="native")
        monkeypatch.setattr(native, "_sleep", lambda _seconds: s.deny())
        with pytest.raises(AwsswitchError, match="AccessDeniedException"):
            _ensure(POWERUSER)
    assert not token_file(sandbox).exists()


def test_browser_opened_only_when_possible(standin, sandbox, monkeypatch, tmp_path) -> None:
    """The device flow opens its page only where a browser can open: a desktop with
    xdg-open, or $BROWSER; never with --no-browser, without a display, or over SSH without
    a forwarded display."""
    standin.auto_approve_after = 1
    bindir = tmp_path / "bin"
    bindir.mkdir()
    make_exe(bindir / "xdg-open", "#!/bin/sh\nexit 0\n")
    make_exe(bindir / "somebrowser", "#!/bin/sh\nexit 0\n")
    opened: list[str] = []
    index = load_index(os.environ)
    target = state.profile_target(index.by_name[POWERUSER], index)
    desktop = {"DISPLAY": ":0", "PATH": path_with(bindir)}
    calls = [
        (desktop, False, 1),
        (desktop, True, 0),  # --no-browser
        ({"PATH": path_with(bindir)}, False, 0),  # no display: print only
        ({"BROWSER": "somebrowser", "PATH": path_with(bindir)}, False, 1),  # explicit
        ({"BROWSER": "somebrowser", "SSH_TTY": "/dev/pts/1", "PATH": path_with(bindir)}, False, 0),
        ({**desktop, "SSH_CONNECTION": "10.0.0.1 5 10.0.0.2 22"}, False, 1),  # X forwarded
    ]
    for extra, no_browser, expected in calls:
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        env.update(extra)
        opened.clear()
        native.login(
            target, env, no_browser=no_browser, sleep=lambda _s: None, open_browser=opened.append
        )
        assert len(opened) == expected, extra
    assert standin.count("StartDeviceAuthorization") == len(calls)


def test_one_login_for_two_profiles_of_a_session(standin, sandbox, sleeps) -> None:
    write_token(sandbox, expires_in=-3600, refreshable=False)
    assert _ensure(POWERUSER) == hook.LOGGED_IN
    assert _ensure(READONLY) == hook.KEPT
    assert _ensure("chained") == hook.KEPT
    assert standin.count("StartDeviceAuthorization") == 1


# -- `aws sso login` through a v2 CLI ----------------------------------------------------


def _run_hook(sandbox, name: str, **env: str) -> subprocess.CompletedProcess:
    """ensure_fresh in a child on a pipe stdout: what it prints there would reach the eval."""
    code = (
        "import os,sys;from awsswitch.config.profiles import load_index;"
        "from awsswitch.sso import hook;"
        "i=load_index(os.environ);"
        f"r=hook.ensure_fresh(i.by_name[{name!r}],i,interactive=True,env=os.environ);"
        "print(r, file=sys.stderr)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**sandbox.env, **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_v2_cli_login_once_per_session_output_on_stderr(standin, sandbox, tmp_path) -> None:
    log = tmp_path / "aws.log"
    fake_v2_aws(tmp_path / "bin", log)
    make_exe(tmp_path / "bin" / "xdg-open", "#!/bin/sh\nexit 0\n")
    # a desktop: the CLI may open the browser itself (no --no-browser)
    env = {"PATH": path_with(tmp_path / "bin"), "AWSSWITCH_AWS_CLI": "", "DISPLAY": ":0"}
    write_token(sandbox, expires_in=-60, refreshable=False)
    first = _run_hook(sandbox, POWERUSER, **env)
    assert first.returncode == 0, first.stderr
    assert first.stdout == ""  # the CLI's stdout went to our stderr
    assert "FAKE-CLI-STDOUT" in first.stderr and "FAKE-CLI-STDERR" in first.stderr
    assert first.stderr.rstrip().endswith("logged-in")
    second = _run_hook(sandbox, READONLY, **env)
    assert second.returncode == 0 and second.stderr.strip() == "kept"
    assert log.read_text().splitlines() == ["sso login --sso-session corp"]
    assert standin.calls == []


def test_configured_cli_path_and_legacy_login(standin, sandbox, tmp_path) -> None:
    log = tmp_path / "aws.log"
    exe = fake_v2_aws(tmp_path / "elsewhere", log, key=state.cache_key(None, LEGACY_URL))
    result = _run_hook(sandbox, "legacy", AWSSWITCH_AWS_CLI=str(exe), DISPLAY="")
    assert result.returncode == 0, result.stderr
    assert log.read_text().splitlines() == ["sso login --profile legacy --no-browser"]


def test_v2_cli_failure_is_an_error(standin, sandbox, tmp_path) -> None:
    exe = fake_v2_aws(tmp_path / "bin", tmp_path / "aws.log", exit_code=255)
    result = _run_hook(sandbox, POWERUSER, AWSSWITCH_AWS_CLI=str(exe))
    assert result.returncode != 0
    assert "failed (exit 255)" in result.stderr and result.stdout == ""


def test_login_that_leaves_no_fresh_token_is_an_error(
    standin, sandbox, tmp_path, monkeypatch
) -> None:
    exe = fake_v2_aws(tmp_path / "bin", tmp_path / "aws.log", key="somewhere-else")
    set_env(sandbox, monkeypatch, AWSSWITCH_AWS_CLI=str(exe))
    with pytest.raises(AwsswitchError, match="still not fresh"):
        _ensure(POWERUSER)
    assert (tmp_path / "aws.log").read_text().splitlines()[0].startswith("sso login")


def test_v1_cli_on_path_falls_back_to_native(standin, sandbox, tmp_path) -> None:
    log = tmp_path / "aws.log"
    fake_v1_aws(tmp_path / "bin", log)
    result = _run_hook(sandbox, POWERUSER, PATH=path_with(tmp_path / "bin"), AWSSWITCH_AWS_CLI="")
    assert result.returncode == 0, result.stderr
    assert "AWS CLI v1" in result.stderr and result.stdout == ""
    assert not log.exists()  # `aws sso login` never ran
    assert standin.count("StartDeviceAuthorization") == 1
    assert _state(POWERUSER) == state.FRESH


def test_missing_configured_cli_falls_back_to_native(standin, sandbox, tmp_path) -> None:
    result = _run_hook(sandbox, POWERUSER, AWSSWITCH_AWS_CLI=str(tmp_path / "nope"))
    assert result.returncode == 0, result.stderr
    assert "was not found" in result.stderr
    assert standin.count("StartDeviceAuthorization") == 1


# -- across processes, Ctrl-C ------------------------------------------------------------


def _read_until(proc: subprocess.Popen, needle: str, timeout: float = 30) -> str:
    seen = ""
    deadline = time.monotonic() + timeout
    assert proc.stderr is not None
    while needle not in seen:
        assert time.monotonic() < deadline, seen
        line = proc.stderr.readline()
        assert line, seen
        seen += line
    return seen


def test_two_processes_share_one_login(sandbox, monkeypatch) -> None:
    """A second login of the same session, on a terminal, says it waits for the first (the
    lock on the token cache folder), then finds the fresh token and keeps it."""
    pexpect = pytest.importorskip("pexpect")
    with StandIn(auto_approve_after=None) as s:
        set_env(sandbox, monkeypatch, **s.env(), AWSSWITCH_AWS_CLI="native")
        args = ["-m", "awsswitch", "login"]
        first = subprocess.Popen(
            [sys.executable, *args, POWERUSER], env=sandbox.env, stderr=subprocess.PIPE,
            stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        second = None
        try:
            s.wait_for_device_authorization(timeout=30)
            second = pexpect.spawn(
                sys.executable, [*args, READONLY], env=sandbox.env, encoding="utf-8", timeout=30
            )
            second.expect("waiting for another awsswitch process to finish with sso-session corp")
            second.expect(r"Ctrl-C to stop")
            s.approve()
            out1, err1 = first.communicate(timeout=60)
            second.expect("fresh; kept it")
            second.expect(pexpect.EOF)
        finally:
            if first.poll() is None:
                first.kill()
            if second is not None:
                second.close()
        assert first.returncode == 0, err1
        assert second.exitstatus == 0
        assert "logged in" in out1
        assert s.count("StartDeviceAuthorization") == 1


def test_ctrl_c_during_native_login_exits_130(sandbox, monkeypatch) -> None:
    pexpect = pytest.importorskip("pexpect")
    with StandIn(auto_approve_after=None) as s:
        set_env(sandbox, monkeypatch, **s.env(), AWSSWITCH_AWS_CLI="native")
        child = pexpect.spawn(
            sys.executable,
            ["-m", "awsswitch", "login", POWERUSER],
            env=sandbox.env,
            encoding="utf-8",
            timeout=30,
        )
        try:
            child.expect("enter the code")
            auth = s.wait_for_device_authorization()
            child.expect(re.escape(auth.user_code))
            child.sendintr()
            child.expect(pexpect.EOF)
        finally:
            child.close()
        assert child.exitstatus == 130
    assert not token_file(sandbox).exists()


def test_ctrl_c_during_cli_login_exits_130(sandbox, tmp_path) -> None:
    pexpect = pytest.importorskip("pexpect")

    marker = tmp_path / "started"
    exe = make_exe(
        tmp_path / "aws",
        f"""#!/bin/sh
if [ "$1" = "--version" ]; then echo "aws-cli/2.9.19 Python/3.11.2"; exit 0; fi
touch '{marker}'
echo "waiting for the browser..."
sleep 60
""",
    )
    child = pexpect.spawn(
        sys.executable,
        ["-m", "awsswitch", "login", POWERUSER],
        env={**sandbox.env, "AWSSWITCH_AWS_CLI": str(exe)},
        encoding="utf-8",
        timeout=30,
    )
    try:
        child.expect("waiting for the browser")
        assert marker.exists()
        child.sendintr()
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 130
    assert not token_file(sandbox, CORP_KEY).exists()


def test_cli_command_lines() -> None:
    from awsswitch.sso import cli_login

    session = state.SsoTarget("corp", START_URL, REGION, None, POWERUSER, "/x")
    legacy = state.SsoTarget(None, LEGACY_URL, REGION, None, "legacy", "/y")
    old = cli_login.Cli("/usr/bin/aws", (2, 9, 19))
    new = cli_login.Cli("/usr/local/bin/aws", (2, 31, 0))
    assert cli_login.command(old, session, no_browser=False)[1:] == [
        "sso",
        "login",
        "--sso-session",
        "corp",
    ]
    assert cli_login.command(old, legacy, no_browser=True)[1:] == [
        "sso",
        "login",
        "--profile",
        "legacy",
        "--no-browser",
    ]
    # 2.22+ would use PKCE, which needs a browser on this machine: ask for a device code
    assert cli_login.command(new, session, no_browser=True)[-2:] == [
        "--no-browser",
        "--use-device-code",
    ]
