"""`awsswitch login [PROFILE | --sso-session S] [--force] [--native] [--no-browser]
[--use-device-code]`.

Which flow runs (see `awsswitch.sso.browser`): `aws sso login` when an AWS CLI v2 is there
(unless `--native`, or the session's awsswitch_browser names its browser), else the built-in
authorization code with PKCE when a browser can open on this machine, else the device code.
"""

from __future__ import annotations

from awsswitch import context
from awsswitch.config.profiles import load_index
from awsswitch.context import Environment
from awsswitch.sso import hook, select, state

_DONE = {
    hook.KEPT: "token is fresh; kept it",
    hook.REFRESHED: "token refreshed",
    hook.LOGGED_IN: "logged in",
}


def run(
    profile: str | None,
    *,
    sso_session: str | None = None,
    force: bool = False,
    native: bool = False,
    no_browser: bool = False,
    use_device_code: bool = False,
    ctx: Environment | None = None,
) -> None:
    """Make the session's token fresh (keep, refresh, or log in) and say which it did."""
    ctx = ctx or context.current()
    env = ctx.env
    index = load_index(env)
    target, _ = select.target_for(profile, sso_session, index, env, command="login")
    # An explicit `login` may always log in (the URL and code go to stderr); whether a person
    # is at the terminal decides only how a wait for another login behaves.
    outcome = hook.ensure_target_fresh(
        target,
        interactive=ctx.interactive,
        may_login=True,
        env=env,
        force=force,
        native=native,
        no_browser=no_browser,
        use_device_code=use_device_code,
    )
    status = state.status_of(target)
    left = state.describe_left(status.seconds_left())
    print(f"{target.label}: {_DONE[outcome]} ({left}{_session_part(status)}).", file=ctx.stdout)


def _session_part(status: state.TokenStatus) -> str:
    """`; session renewable until 2025-06-01 18:00 CEST at most`, or "" when unknown."""
    if status.session_ends_at is None:
        return ""
    at = status.session_ends_at.astimezone().strftime("%Y-%m-%d %H:%M %Z")
    if status.session_end_basis == state.END_REGISTRATION:
        return f"; renewable until {at} at most"
    return f"; no refresh: the session ends with the token, at {at}"
