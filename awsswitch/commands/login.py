"""`awsswitch login [PROFILE | --sso-session S] [--force] [--native] [--no-browser]`."""

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
    )
    status = state.status_of(target)
    left = state.describe_left(status.seconds_left())
    print(f"{target.label}: {_DONE[outcome]} ({left}).", file=ctx.stdout)
