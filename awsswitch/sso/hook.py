"""The switch path's token hook: make a profile's SSO session fresh before exporting.

Import-cheap (the `asw` core imports it): boto3 and the login code load only when a
refresh or login is really needed. Fresh token -> one bounded file read, no network, no boto3.

What it does when the token is not fresh:
- refreshable: refresh silently (bounded network call);
- still not fresh, on a terminal (or `awsswitch login`): log in (`aws sso login` or the
  built-in device flow), even when the token has a few minutes left: logging in early beats
  failing later;
- still not fresh, off a terminal: never log in. A token with time left is used anyway, with
  a warning saying how long it lasts (every SDK keeps using it until it expires, as botocore
  does with a token it cannot refresh); an expired or missing one is a clear error naming the
  command to run.
One login per token cache folder at a time, across processes: `files.lock` on
`~/.aws/sso/cache` (bounded 30 s off a terminal; on a terminal it says what it waits for and
Ctrl-C stops it); the token and registration writes inside take the same lock re-entrantly.
"""

from __future__ import annotations

import os
import sys

from awsswitch import files
from awsswitch.config.profiles import Profile, ProfileIndex
from awsswitch.errors import AwsswitchError
from awsswitch.sso import state
from awsswitch.sso.state import SsoTarget

# Annotation-only imports: collections.abc and typing cost milliseconds on every `asw`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

# What ensure_* did, for `awsswitch login` to report.
KEPT = "kept"
REFRESHED = "refreshed"
LOGGED_IN = "logged-in"


class LoginNeeded(AwsswitchError):
    """Off a terminal, the session needs a login that was not attempted (exit 1)."""

    def __init__(self, message: str, target: SsoTarget, why: str) -> None:
        super().__init__(message)
        self.target = target
        self.why = why


def ensure_fresh(
    profile: Profile,
    index: ProfileIndex,
    *,
    interactive: bool,
    env: Mapping[str, str],
    native: bool = False,
    no_browser: bool = False,
) -> str | None:
    """Return once `profile`'s SSO session (if any) has a token the switch can use.

    Returns None for a profile without SSO, else KEPT / REFRESHED / LOGGED_IN.
    Raises AwsswitchError (exit 1) when it cannot, KeyboardInterrupt on Ctrl-C.
    """
    target = state.profile_target(profile, index, env)
    if target is None:
        return None
    return ensure_target_fresh(
        target,
        interactive=interactive,
        env=env,
        native=native,
        no_browser=no_browser,
        alternative="or switch with `asw --no-login`",
    )


def ensure_target_fresh(
    target: SsoTarget,
    *,
    interactive: bool,
    env: Mapping[str, str],
    force: bool = False,
    native: bool = False,
    no_browser: bool = False,
    may_login: bool | None = None,
    alternative: str = "",
) -> str:
    """Keep, refresh, or log in so that `target`'s token is usable; says which it did.

    `interactive`: a person is at the terminal (lock waits say so and Ctrl-C stops them;
    otherwise they are bounded). `may_login` (default: `interactive`): whether a login may
    run; `awsswitch login` passes True. `alternative` ends the off-terminal error's advice.
    """
    may_login = interactive if may_login is None else may_login
    if not force and state.status_of(target).state == state.FRESH:
        return KEPT  # the common case: one small file read, nothing else
    with files.lock(target.cache_file, interactive=interactive, what=target.label, say=_say):
        # Another awsswitch may have refreshed or logged in while we waited for the lock.
        status = state.status_of(target)
        if not force and status.state == state.FRESH:
            return KEPT
        with _StdoutToStderr():
            return _make_fresh(
                target, status, env, force, native, no_browser, may_login, alternative
            )


def _make_fresh(
    target: SsoTarget,
    status: state.TokenStatus,
    env: Mapping[str, str],
    force: bool,
    native: bool,
    no_browser: bool,
    may_login: bool,
    alternative: str,
) -> str:
    why = status.reason
    if status.state == state.REFRESHABLE and not force:
        from awsswitch.sso import refresh

        try:
            refresh.refresh(target, env)
        except refresh.RefreshFailed as exc:
            why = f"refresh failed: {exc}"
        else:
            status = state.status_of(target)
            if status.state == state.FRESH:
                return REFRESHED
            why = "the refreshed token expires within 15 minutes"
    if not may_login:
        left = status.seconds_left()
        if left is not None and left > 0:
            # Still valid: every SDK uses it until it expires; do not fail a scripted switch.
            _say(
                f"the token for {target.label} was not renewed ({why}); it has "
                f"{state.describe_left(left)}: using it. Run `{target.login_hint}` for a new one."
            )
            return KEPT
        advice = f"Run `{target.login_hint}` first" + (f", {alternative}" if alternative else "")
        raise LoginNeeded(
            f"{target.label} needs a login ({why}), but this is not a terminal, so no login "
            f"was attempted. {advice}.",
            target,
            why,
        )
    target.require_config()
    _check_writable(target.cache_file)
    _say(f"{target.label} needs a login ({why})" if not force else f"logging in to {target.label}")
    _login(target, env, native=native, no_browser=no_browser)
    after = state.status_of(target)
    if after.state != state.FRESH:
        raise AwsswitchError(
            f"the login for {target.label} finished, but its token is still not fresh "
            f"({after.reason}; {state.describe_left(after.seconds_left())}) in {after.cache_file}"
        )
    return LOGGED_IN


def _check_writable(path: str) -> None:
    """Refuse before logging in when the token path is not a file a login can replace: the
    AWS CLI would block forever opening a FIFO there, or fail after the person approved."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise files.fault(exc, path, "write the token to") from None
    if not files.is_regular(st.st_mode):
        raise AwsswitchError(
            f"cannot log in: the token cache path {path} is not a regular file; remove it "
            "and try again"
        )


def _login(target: SsoTarget, env: Mapping[str, str], *, native: bool, no_browser: bool) -> None:
    from awsswitch.sso import cli_login

    browserless = no_browser or not _browser_possible(env)
    cli = None if native else cli_login.find(env, legacy=target.session is None)
    if cli is not None:
        _say(
            f"running `aws {' '.join(cli_login.command(cli, target, no_browser=browserless)[1:])}`"
        )
        cli_login.login(cli, target, env, no_browser=browserless)
        return
    from awsswitch.sso import native as native_flow

    native_flow.login(target, env, no_browser=browserless)


def _browser_possible(env: Mapping[str, str]) -> bool:
    from awsswitch.sso.native import browser_possible

    return browser_possible(env)


def _say(message: str) -> None:
    print(f"awsswitch: {message}", file=sys.stderr, flush=True)


class _StdoutToStderr:
    """Point fd 1 at stderr while logging in: whatever a child (the AWS CLI, a browser
    launcher) prints must never reach the shell's eval of our stdout. (A class:
    contextlib costs an import on the switch path.)"""

    def __enter__(self) -> None:
        self.saved: int | None = None
        try:
            sys.stdout.flush()
            self.saved = os.dup(1)
            os.dup2(2, 1)
        except (OSError, ValueError):
            self.saved = None

    def __exit__(self, *exc: object) -> None:
        if self.saved is None:
            return
        try:  # noqa: SIM105 - contextlib costs an import on the switch path
            sys.stdout.flush()
        except (OSError, ValueError):
            pass
        os.dup2(self.saved, 1)
        os.close(self.saved)
