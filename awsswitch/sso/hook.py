"""The switch path's token hook: make a profile's SSO session fresh before exporting.

Import-cheap (the `asw` core imports it): boto3 and the login code load only when a
refresh or login is really needed. Fresh token -> one bounded file read, no network, no boto3.

What it does when the token is not fresh:
- refreshable: refresh silently (bounded network call);
- still not fresh, on a terminal (or `awsswitch login`): log in (`aws sso login`, or the
  built-in authorization-code or device-code flow), even when the token has a few minutes
  left: logging in early beats failing later;
- still not fresh, off a terminal: never log in. A token with time left is used anyway, with
  a warning saying how long it lasts (every SDK keeps using it until it expires, as botocore
  does with a token it cannot refresh); an expired or missing one is a clear error naming the
  command to run.
Once per session end, `ensure_fresh` (the switch) says when the session (not only its access
token) ends within 30 minutes; see `state.session_end` for what is known about that end.
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
    from typing import Any

# What ensure_* did, for `awsswitch login` to report.
KEPT = "kept"
REFRESHED = "refreshed"
LOGGED_IN = "logged-in"


class LoginNeeded(AwsswitchError):
    """Off a terminal, the session needs a login that was not attempted (exit 1). `target` is
    the session's SsoTarget (or, from login_session, its LoginTarget); `why` the state."""

    def __init__(self, message: str, target: SsoTarget | Any, why: str) -> None:
        super().__init__(message)
        self.target = target
        self.why = why


def ensure_fresh(
    profile: Profile,
    index: ProfileIndex,
    *,
    interactive: bool,
    env: Mapping[str, str],
) -> str | None:
    """Return once `profile`'s SSO session (if any) has a token the switch can use, and say
    once (per session end) when that session ends within `state.SESSION_WARNING`.

    Returns None for a profile without SSO, else KEPT / REFRESHED / LOGGED_IN.
    Raises AwsswitchError (exit 1) when it cannot, KeyboardInterrupt on Ctrl-C.
    """
    target = state.profile_target(profile, index, env)
    if target is None:
        return None
    outcome, status = _ensure(
        target,
        interactive=interactive,
        env=env,
        force=False,
        native=False,
        no_browser=False,
        use_device_code=False,
        may_login=interactive,
        alternative="or switch with `asw --no-login`",
    )
    warn_session_end(target, status, env)
    return outcome


def ensure_target_fresh(
    target: SsoTarget,
    *,
    interactive: bool,
    env: Mapping[str, str],
    force: bool = False,
    native: bool = False,
    no_browser: bool = False,
    use_device_code: bool = False,
    may_login: bool | None = None,
) -> str:
    """Keep, refresh, or log in so that `target`'s token is usable; says which it did.

    `interactive`: a person is at the terminal (lock waits say so and Ctrl-C stops them;
    otherwise they are bounded). `may_login` (default: `interactive`): whether a login may
    run; `awsswitch login` passes True.
    `native`, `no_browser`, `use_device_code`: how a login runs (see `_login`).
    """
    return _ensure(
        target,
        interactive=interactive,
        env=env,
        force=force,
        native=native,
        no_browser=no_browser,
        use_device_code=use_device_code,
        may_login=interactive if may_login is None else may_login,
        alternative="",
    )[0]


def _ensure(
    target: SsoTarget,
    *,
    interactive: bool,
    env: Mapping[str, str],
    force: bool,
    native: bool,
    no_browser: bool,
    use_device_code: bool,
    may_login: bool,
    alternative: str,
) -> tuple[str, state.TokenStatus]:
    """ensure_target_fresh, also returning the token's status afterwards. `alternative`
    ends the off-terminal error's advice."""
    status = state.status_of(target)
    if not force and status.state == state.FRESH:
        return KEPT, status  # the common case: one small file read, nothing else
    with files.lock(target.cache_file, interactive=interactive, what=target.label, say=say):
        # Another awsswitch may have refreshed or logged in while we waited for the lock.
        status = state.status_of(target)
        if not force and status.state == state.FRESH:
            return KEPT, status
        how = _How(native, no_browser, use_device_code)
        with _StdoutToStderr():
            outcome = _make_fresh(target, status, env, force, how, may_login, alternative)
        return outcome, state.status_of(target)


class _How:
    """How a login runs: `native` forces the built-in flows over `aws sso login`;
    `no_browser` and `use_device_code` choose the device code (see `browser.plan`)."""

    __slots__ = ("native", "no_browser", "use_device_code")

    def __init__(self, native: bool, no_browser: bool, use_device_code: bool) -> None:
        self.native = native
        self.no_browser = no_browser
        self.use_device_code = use_device_code


def _make_fresh(
    target: SsoTarget,
    status: state.TokenStatus,
    env: Mapping[str, str],
    force: bool,
    how: _How,
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
            say(
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
    say(f"{target.label} needs a login ({why})" if not force else f"logging in to {target.label}")
    _login(target, env, how)
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


def _login(target: SsoTarget, env: Mapping[str, str], how: _How) -> None:
    """Log in through `aws sso login` when a v2 CLI is there (unless `native`), else with
    the built-in flows: the authorization code (PKCE) when a browser can open here, the
    device code otherwise (see `browser.plan`). A session whose awsswitch_browser names its
    browser logs in with the built-in flows: the CLI cannot be told which browser to use."""
    from awsswitch.sso import browser, cli_login

    configured = None if how.no_browser else browser.configured(target, env)
    plan = browser.plan(
        target,
        env,
        use_device_code=how.use_device_code,
        no_browser=how.no_browser,
        configured_value=configured,
    )
    use_cli = not how.native and configured is None
    cli = cli_login.find(env, legacy=target.session is None) if use_cli else None
    if cli is not None:
        device = plan.flow == browser.DEVICE_CODE
        args = cli_login.command(cli, target, no_browser=plan.browser is None, device_code=device)
        shown = " ".join(args[1:])
        say(f"running `aws {shown}`")
        cli_login.run(args, env, shown, target.label)
        return
    from awsswitch.sso import native as native_flow

    if plan.flow == browser.AUTH_CODE:
        from awsswitch.sso import pkce

        try:
            pkce.login(target, env, plan)
            return
        except browser.BrowserFailed as exc:
            say(f"the browser login cannot run here ({exc}); using a device code instead")
            plan = browser.Plan(browser.DEVICE_CODE, None, "", str(exc))
    elif plan.why:
        say(f"logging in with a device code ({plan.why})")
    native_flow.login(target, env, plan=plan)


def warn_session_end(target: SsoTarget, status: state.TokenStatus, env: Mapping[str, str]) -> None:
    """Say on stderr, once per session end (remembered in awsswitch's cache folder, so
    once across shells), that `target`'s session ends within `state.SESSION_WARNING`.
    Costs nothing more than arithmetic when it does not."""
    if status.state != state.FRESH or status.session_ends_at is None:
        return  # a token kept unrenewed has had its own message
    left = status.session_seconds_left()
    if left is None or not 0 < left <= state.SESSION_WARNING:
        return
    from awsswitch import paths

    stamp = status.session_ends_at.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    name = "session-end-" + os.path.basename(target.cache_file).rsplit(".", 1)[0]
    record = os.path.join(paths.cache_dir(env), name)
    if files.read_private(record, 64) == stamp:
        return
    at = status.session_ends_at.astimezone().strftime("%H:%M")
    if status.session_end_basis == state.END_REGISTRATION:
        what = f"can be renewed until {at} at the latest (its client registration expires)"
    else:
        what = f"ends at {at} (its token cannot be refreshed)"
    say(
        f"the session of {target.label} {what}: {state.describe_left(left)}. "
        f"Run `{target.hint('--force')}` to start a new one."
    )
    files.write_private(record, stamp)


def say(message: str) -> None:
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
