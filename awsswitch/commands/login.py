"""`awsswitch login [PROFILE | --sso-session S] [--force] [--native] [--no-browser]`."""

from __future__ import annotations

import os

from awsswitch.config.profiles import load_index
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
) -> None:
    """Make the session's token fresh (keep, refresh, or log in) and say which it did."""
    env = os.environ
    index = load_index(env)
    target, _ = select.target_for(profile, sso_session, index, env, command="login")
    # An explicit `login` may always talk to the user: the URL and code go to stderr.
    outcome = hook.ensure_target_fresh(
        target, interactive=True, env=env, force=force, native=native, no_browser=no_browser
    )
    status = state.status_of(target)
    left = state.describe_left(status.seconds_left())
    print(f"{target.label}: {_DONE[outcome]} ({left}).")
