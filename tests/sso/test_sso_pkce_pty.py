"""The interactive login path on a terminal (pexpect): `asw` in a real bash logging in by
authorization code through the (fake) browser, `awsswitch login` doing the same, and Ctrl-C
while waiting for the browser."""

from __future__ import annotations

import json
import re
import socket
import sys
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from pkce_helpers import FAKE_BROWSER
from support.shells import expect_prompt, init_code, shell_value, spawn
from support.sso import (
    POWERUSER,
    token_file,
)

pexpect = pytest.importorskip("pexpect")
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("sso_config")]


@pytest.fixture
def browser_env(sandbox, tmp_path) -> dict[str, str]:
    for name in ("SSH_CONNECTION", "SSH_TTY", "SSH_CLIENT", "DISPLAY", "WAYLAND_DISPLAY"):
        sandbox.env.pop(name, None)
    return {
        "BROWSER": f"{sys.executable} {FAKE_BROWSER}",
        "FAKE_BROWSER_LOG": str(tmp_path / "visits"),
    }


def _redirect_port(text: str) -> int:
    url = re.search(r"http://127\.0\.0\.1:\d+/authorize\?\S+", text)
    assert url is not None, text
    redirect = parse_qs(urlsplit(url.group(0)).query)["redirect_uri"][0]
    port = urlsplit(unquote(redirect)).port
    assert port is not None
    return port


def test_asw_logs_in_through_the_browser(standin, sandbox, browser_env) -> None:
    child = spawn(sandbox, "bash", init_code("bash"), env=browser_env)
    try:
        child.sendline("asw home.poweruser")
        child.expect_exact("opening the sign-in page")
        child.expect_exact("Successfully logged into Start URL")
        expect_prompt(child)
        assert shell_value(child, "$AWS_PROFILE") == POWERUSER
        child.sendline("exit")
    finally:
        child.close()
    assert standin.count("CreateToken", grantType="authorization_code", error="") == 1
    token = json.loads(token_file(sandbox).read_text())
    assert standin.token_valid(token["accessToken"])


def test_login_command_on_a_terminal(standin, sandbox, browser_env) -> None:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "awsswitch", "login", "--native", POWERUSER],
        env={**sandbox.env, **browser_env},
        encoding="utf-8",
        timeout=60,
    )
    try:
        child.expect_exact("No browser on this machine?")
        child.expect(r"sso-session corp: logged in \(")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    assert "codeVerifier" not in (child.before or "")
    target_state = json.loads(token_file(sandbox).read_text())
    assert standin.token_valid(target_state["accessToken"])


def test_ctrl_c_while_waiting_for_the_browser(standin, sandbox, browser_env) -> None:
    """Ctrl-C ends the wait, even while a silent client holds a connection to the listener
    (each request's read is bounded too, but a person should not wait for it)."""
    child = pexpect.spawn(
        sys.executable,
        ["-m", "awsswitch", "login", "--native", POWERUSER],
        env={**sandbox.env, **browser_env, "FAKE_BROWSER_MODE": "idle"},
        encoding="utf-8",
        timeout=60,
    )
    try:
        child.expect_exact("No browser on this machine?")
        port = _redirect_port(child.before or "")
        with socket.create_connection(("127.0.0.1", port), timeout=5):  # says nothing
            child.sendintr()
            child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in (child.before or "")
    assert not token_file(sandbox).exists()
    assert standin.count("CreateToken") == 0
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=5):
        pass  # the listener went with the process
