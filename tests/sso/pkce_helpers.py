"""Shared pieces of the authorization-code login tests: the fake browser (fake_browser.py, run
as $BROWSER or awsswitch_browser) and its log of visits, the login call, the corp session."""

from __future__ import annotations

import json
import os
import shlex
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from support.sso import POWERUSER, REGION, START_URL, set_env

from awsswitch.commands import login as login_cmd
from awsswitch.config.profiles import load_index
from awsswitch.sso import cache, pkce, state

FAKE_BROWSER = Path(__file__).with_name("fake_browser.py")
AUTH_CODE_REGISTRATION = ["authorization_code", "refresh_token"]
_NOT_HERE = ("SSH_CONNECTION", "SSH_TTY", "SSH_CLIENT", "DISPLAY", "WAYLAND_DISPLAY")


def browser_command(*words: str) -> str:
    """A command line that runs the fake browser (as $BROWSER or awsswitch_browser)."""
    return shlex.join([sys.executable, str(FAKE_BROWSER), *words])


@pytest.fixture(name="visits")
def visits_fixture(sandbox, monkeypatch, tmp_path) -> Path:
    """The fake browser as $BROWSER, on a machine without a desktop or SSH session; its
    log of visits is the returned path."""
    log = tmp_path / "browser.log"
    for name in _NOT_HERE:
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


def corp_target() -> state.SsoTarget:
    return state.session_target("corp", load_index(os.environ), os.environ)
