"""The switch path's token hook: make a profile's SSO session fresh before exporting.

Import-cheap (the `asw` core imports it): boto3 and the login code load only when a
refresh or login is really needed. Fresh token -> no network, no boto3.
"""

from __future__ import annotations

import contextlib
import os
import sys

from awsswitch import paths
from awsswitch.config.profiles import Profile, ProfileIndex
from awsswitch.errors import AwsswitchError
from awsswitch.sso import state
from awsswitch.sso.state import SsoTarget

# Annotation-only imports: collections.abc and typing cost milliseconds on every `asw`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

# What ensure_* did, for `awsswitch login` to report.
KEPT = "kept"
REFRESHED = "refreshed"
LOGGED_IN = "logged-in"


def ensure_fresh(
    profile: Profile,
    index: ProfileIndex,
    *,
    interactive: bool,
    env: Mapping[str, str],
    native: bool = False,
    no_browser: bool = False,
) -> str | None:
    """Return once `profile`'s SSO session (if any) has a fresh token.

    Returns None for a profile without SSO, else KEPT / REFRESHED / LOGGED_IN.
    Raises AwsswitchError (exit 1) when it cannot, KeyboardInterrupt on Ctrl-C.
    """
    target = state.profile_target(profile, index, env)
    if target is None:
        return None
    return ensure_target_fresh(
        target, interactive=interactive, env=env, native=native, no_browser=no_browser
    )


def ensure_target_fresh(
    target: SsoTarget,
    *,
    interactive: bool,
    env: Mapping[str, str],
    force: bool = False,
    native: bool = False,
    no_browser: bool = False,
) -> str:
    """Keep, refresh, or log in so that `target`'s token is fresh; says which it did."""
    if not force and state.status_of(target).state == state.FRESH:
        return KEPT  # the common case: one small file read, nothing else
    target.require_config()
    with _session_lock(target, env):
        # Another awsswitch may have refreshed or logged in while we waited for the lock.
        status = state.status_of(target)
        if not force and status.state == state.FRESH:
            return KEPT
        with _stdout_to_stderr():
            return _make_fresh(target, status, interactive, env, force, native, no_browser)


def _make_fresh(
    target: SsoTarget,
    status: state.TokenStatus,
    interactive: bool,
    env: Mapping[str, str],
    force: bool,
    native: bool,
    no_browser: bool,
) -> str:
    why = status.reason
    if status.state == state.REFRESHABLE and not force:
        from awsswitch.sso import refresh

        try:
            refresh.refresh(target, env)
        except refresh.RefreshFailed as exc:
            why = f"refresh failed: {exc}"
            _say(f"could not refresh the token for {target.label} ({exc})")
        else:
            if state.status_of(target).state == state.FRESH:
                return REFRESHED
            why = "the refreshed token expires within 15 minutes"
    if not interactive:
        left = status.seconds_left()
        if status.state == state.REFRESHABLE and left is not None and left > 0:
            # Still valid for a while: the SDKs can use it; do not fail a scripted switch.
            _say(f"the token for {target.label} has {state.describe_left(left)}; continuing")
            return KEPT
        hint = (
            f"awsswitch login --sso-session {target.session}"
            if target.session is not None
            else f"awsswitch login {target.profile}"
        )
        raise AwsswitchError(
            f"{target.label} needs a login ({why}), but this is not a terminal, so no login "
            f"was attempted. Run `{hint}` first, or switch with `asw --no-login`."
        )
    _say(f"{target.label} needs a login ({why})" if not force else f"logging in to {target.label}")
    _login(target, env, native=native, no_browser=no_browser)
    after = state.status_of(target)
    if after.state != state.FRESH:
        raise AwsswitchError(
            f"the login for {target.label} finished, but its token is still not fresh "
            f"({after.reason}; {state.describe_left(after.seconds_left())}) in {after.cache_file}"
        )
    return LOGGED_IN


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


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """Point fd 1 at stderr while logging in: whatever a child (the AWS CLI, a browser
    launcher) prints must never reach the shell's eval of our stdout."""
    try:
        sys.stdout.flush()
        saved = os.dup(1)
        os.dup2(2, 1)
    except (OSError, ValueError):
        yield
        return
    try:
        yield
    finally:
        with contextlib.suppress(OSError, ValueError):
            sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


@contextlib.contextmanager
def _session_lock(target: SsoTarget, env: Mapping[str, str]) -> Iterator[None]:
    """One login per sso-session across processes: two shells switching at once share it."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    folder = os.path.join(paths.cache_dir(env), "locks")
    path = os.path.join(folder, os.path.basename(target.cache_file) + ".lock")
    try:
        os.makedirs(folder, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        yield  # read-only cache folder: work without the lock
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            _say(f"waiting for another awsswitch to finish logging in to {target.label}...")
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock
