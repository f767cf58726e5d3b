"""Which login flow runs, which browser opens its page, and opening it (stdlib; only a
login loads it).

The browser command, in this order:
1. `awsswitch_browser = CMD` in the `[sso-session]` being logged in (in the `[profile]` for a
   legacy profile without one): a second organisation's login lands in its own browser
   profile, not in the first one's cookies. The key `console` reads too; botocore and the
   AWS CLI ignore it.
2. `$BROWSER`: its first `:`-separated entry whose command exists.
3. The system opener: `open` on macOS; on a desktop elsewhere `xdg-open`, `gio open`,
   `x-www-browser` or a common browser, the first found.
CMD is split like shell words (shlex) and never run by a shell; the URL is its last argument,
or replaces `%s` (as `$BROWSER` entries may write it).

The flow, as the AWS CLI >= 2.22 chooses it: the authorization code with PKCE (the page
redirects to a listener on this machine's loopback) for an sso-session whenever a browser can
be opened here; the device code (approved from any device) otherwise: `--use-device-code`,
`--no-browser`, a legacy profile (the CLI registers those for the device flow only), an SSH
session without a forwarded display (SSH_CONNECTION or SSH_TTY, neither DISPLAY nor
WAYLAND_DISPLAY) unless awsswitch_browser names the browser, and on Linux/BSD no display and
no `$BROWSER`.
"""

from __future__ import annotations

import os
import subprocess
import sys

from awsswitch.context import display, which
from awsswitch.errors import AwsswitchError
from awsswitch.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from awsswitch.sso.state import SsoTarget

KEY = "awsswitch_browser"
# What opens a URL on a Linux/BSD desktop, first found wins: the freedesktop opener, GLib's,
# Debian's graphical-browser alternative, then the common browsers themselves.
_DESKTOP_OPENERS: tuple[tuple[str, ...], ...] = (
    ("xdg-open",),
    ("gio", "open"),
    ("x-www-browser",),
    ("firefox",),
    ("chromium",),
    ("chromium-browser",),
    ("google-chrome",),
)
AUTH_CODE = "authorization-code"
DEVICE_CODE = "device-code"


class BrowserFailed(Exception):
    """The browser login cannot run here: the browser command could not start or failed,
    or the loopback listener cannot be opened. The message says how (for people)."""


class Plan(Record):
    """How one login runs."""

    flow: str  # AUTH_CODE or DEVICE_CODE
    browser: tuple[str, ...] | None  # the command that opens pages; None: print the URL only
    origin: str = ""  # where that command comes from, for messages
    why: str = ""  # why the device code, for messages ("" for the authorization code)


def configured(target: SsoTarget, env: Mapping[str, str]) -> str | None:
    """`awsswitch_browser` of the target's [sso-session], or of its legacy [profile]."""
    from awsswitch import paths
    from awsswitch.config import reader

    config = reader.load_config(paths.config_file(env))
    if target.session is not None:
        section = config.get("sso_sessions", {}).get(target.session)
    else:
        section = config.get("profiles", {}).get(target.profile or "")
    value = section.get(KEY) if isinstance(section, dict) else None
    return value if isinstance(value, str) else None


def remote_without_display(env: Mapping[str, str]) -> bool:
    """An SSH session whose display (if any) is not forwarded: a browser started here would
    open on the remote machine's screen, if anywhere, and the loopback redirect of the
    authorization code could not reach a browser on the person's own machine."""
    ssh = env.get("SSH_CONNECTION") or env.get("SSH_TTY")
    return bool(ssh) and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def from_browser_variable(env: Mapping[str, str]) -> list[str] | None:
    """The first entry of $BROWSER (a colon-separated list, as Python's webbrowser reads it)
    whose command is on PATH, split like a shell splits words; None when there is none.
    An entry that cannot be split is skipped, as one that is not found."""
    import shlex

    for candidate in (env.get("BROWSER") or "").split(":"):
        try:
            argv = shlex.split(candidate)
        except ValueError:
            continue
        if argv and which(argv[0], env):
            return argv
    return None


def command(
    configured_value: str | None, env: Mapping[str, str], platform: str | None = None
) -> tuple[tuple[str, ...] | None, str, str]:
    """(browser command, where it came from, "") or (None, "", why no browser can open).

    AwsswitchError when awsswitch_browser is set but cannot be split into a command.
    """
    import shlex

    platform = sys.platform if platform is None else platform
    if configured_value is not None:
        try:
            argv = shlex.split(configured_value)
        except ValueError as exc:
            raise AwsswitchError(
                f"{KEY}: cannot split {display(configured_value)!r} into a command: {exc}"
            ) from None
        if not argv:
            raise AwsswitchError(f"{KEY} is set but empty: name a browser command or remove it")
        return tuple(argv), KEY, ""
    if remote_without_display(env):
        return None, "", "an SSH session without a forwarded display"
    from_env = from_browser_variable(env)
    if from_env is not None:
        return tuple(from_env), "$BROWSER", ""
    if platform == "darwin":
        return ("open",), "the system opener", ""
    if platform.startswith(("win", "cygwin")):
        return None, "", "no browser command known on this system (set $BROWSER)"
    if not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        return None, "", "no display (DISPLAY and WAYLAND_DISPLAY are unset, no $BROWSER)"
    for opener in _DESKTOP_OPENERS:
        if which(opener[0], env):
            return opener, "the system opener", ""
    return None, "", f"no browser found (no xdg-open; set $BROWSER or {KEY})"


def plan(
    target: SsoTarget,
    env: Mapping[str, str],
    *,
    use_device_code: bool = False,
    no_browser: bool = False,
    configured_value: str | None = None,
    platform: str | None = None,
) -> Plan:
    """The flow and browser for logging in to `target`."""
    if no_browser:
        return Plan(DEVICE_CODE, None, "", "--no-browser")
    argv, origin, why = command(configured_value, env, platform)
    if use_device_code:
        return Plan(DEVICE_CODE, argv, origin, "--use-device-code")
    if target.session is None:
        return Plan(DEVICE_CODE, argv, origin, "a legacy profile (no sso-session)")
    if argv is None:
        return Plan(DEVICE_CODE, None, "", why)
    return Plan(AUTH_CODE, argv, origin, "")


def argv_for(browser: Sequence[str], url: str) -> list[str]:
    """`browser` with the URL in place of `%s`, else as its last argument."""
    if any("%s" in word for word in browser):
        return [word.replace("%s", url) for word in browser]
    return [*browser, url]


def start(browser: Sequence[str], url: str, env: Mapping[str, str]) -> subprocess.Popen[bytes]:
    """Start the browser on `url` in its own session (our terminal's Ctrl-C is not its), its
    output discarded; never through a shell. BrowserFailed when it cannot start. The caller
    watches the process: an exit status other than 0 means the page did not open."""
    try:
        return subprocess.Popen(
            argv_for(browser, url),
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise BrowserFailed(f"cannot start {display(browser[0])}: {reason}") from None


def failed(proc: subprocess.Popen[bytes], browser: Sequence[str]) -> str:
    """Why `proc` (finished) did not open the page, "" when it exited with 0."""
    code = proc.returncode
    if code == 0:
        return ""
    how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit {code}"
    return f"{display(browser[0])} failed ({how})"


def describe(plan_: Plan) -> str:
    """`firefox (awsswitch_browser)`, for messages."""
    if not plan_.browser:
        return ""
    return f"{display(os.path.basename(plan_.browser[0]))} ({plan_.origin})"
