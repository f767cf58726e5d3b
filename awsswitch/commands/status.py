"""`awsswitch status [PROFILE] [--verify]`: the active profile, why, and its SSO token.

An everyday command: __main__.py parses it without typer, so this module imports neither
typer nor boto3 (only --verify loads boto3). Names and values from the user's files and
environment are shown through `display` (no escape sequence reaches the terminal)."""

from __future__ import annotations

from datetime import datetime

from awsswitch.config.profiles import Profile, ProfileIndex, load_index
from awsswitch.context import Environment, display
from awsswitch.errors import AwsswitchError
from awsswitch.sso import select, state

_STATE_WORDS = {
    state.FRESH: "fresh",
    state.REFRESHABLE: "refresh due (awsswitch refreshes it silently on the next switch)",
    state.LOGIN_NEEDED: "login needed",
}
# A console session (`aws login`): the SDK, not awsswitch, refreshes its credentials.
_LOGIN_WORDS = {
    **_STATE_WORDS,
    state.REFRESHABLE: "refresh due (the SDK refreshes it on use)",
}


def _local(when: datetime) -> str:
    return when.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")


def _timing(left: float | None, expires_at: datetime | None) -> str:
    """ ", 5 minutes left, expires <local time>" (the parts that are known)."""
    timing = f", {state.describe_left(left)}" if left is not None else ""
    return timing + (f", expires {_local(expires_at)}" if expires_at is not None else "")


class _Report:
    """`label:   value` lines on the command's stdout."""

    def __init__(self, ctx: Environment) -> None:
        self.out = ctx.stdout

    def line(self, label: str, value: str) -> None:
        self.out.write(f"{label + ':' if label else '':<10}{value}\n")


def run(ctx: Environment, profile: str | None, *, verify: bool = False) -> None:
    env = ctx.env
    report = _Report(ctx)
    say = report.line
    index = load_index(env)
    active = select.active_profile(env, index)
    notes = active.notes
    if profile:
        chosen = select.resolve_profile(profile, index)
        why = "named on the command line"
    else:
        if active.name is None:
            ctx.stdout.write(f"No active profile: {active.why}.\n")
            for note in notes:
                say("note", display(note))
            return
        found = index.by_name.get(active.name)
        why = active.why
        if found is None:
            say("profile", display(active.name))
            say("why", display(why))
            say("problem", "this profile is not in the config or credentials file")
            ctx.stdout.flush()
            raise AwsswitchError(f"The config profile ({display(active.name)}) could not be found")
        chosen = found
    _print_profile(report, chosen, why, index, ctx)
    for note in notes:
        say("note", display(note))
    if verify:
        ctx.stdout.flush()
        _verify(report, chosen)


def _print_profile(
    report: _Report, p: Profile, why: str, index: ProfileIndex, ctx: Environment
) -> None:
    env = ctx.env
    say = report.line
    name = p.name if p.short == p.name else f"{p.name} ({p.short})"
    say("profile", display(name))
    say("why", display(why))
    say("kind", p.kind)
    root = index.sso_root(p.name)
    if root is not None and root.name != p.name:
        say("via", f"source_profile chain to {display(root.name)}")
    target = state.profile_target(p, index, env)
    if target is not None:
        where = display(f"({target.start_url}, {target.region})")
        if target.session is not None:
            say("session", f"{display(target.session)} {where}")
        else:
            say("session", f"legacy profile {where}")
    # What this profile acts as: a role profile's own role, not its source's.
    account, role = p.acts_as
    if account or role:
        say("account", display(f"{account or '?'}, role {role or '?'}"))
    region = p.region
    if p.name == select.active_profile(env, index).name:  # the shell's override applies
        region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or region
    if region:
        say("region", display(region))
    if target is None:
        if not _print_login_session(report, p, index, ctx):
            say("token", "none (not an SSO profile)")
        return
    st = state.status_of(target)
    say("token", _STATE_WORDS[st.state] + _timing(st.seconds_left(), st.expires_at))
    if st.session_ends_at is not None:
        ends = _local(st.session_ends_at)
        if st.session_end_basis == state.END_REGISTRATION:
            say(
                "ends",
                f"renewable until {ends} at most (client registration; the portal's own "
                "session length is not known locally)",
            )
        else:
            say("ends", f"with the token at {ends} (no refresh token)")
    if st.state == state.LOGIN_NEEDED:
        say("", display(f"{st.reason}; run `{target.login_hint}`"))
    say("cache", display(select.display_path(st.cache_file, env)))


def _print_login_session(
    report: _Report, p: Profile, index: ProfileIndex, ctx: Environment
) -> bool:
    """A console session's (`aws login`, login_session = ARN, on `p` or at the end of its
    source_profile chain) state, as for an SSO token; False when `p` uses none."""
    from awsswitch import login_session

    say = report.line
    env = ctx.env
    target = login_session.link(p, index, env)
    if target is None:
        return False
    st = login_session.status_of(target)
    say("session", display(f"console session {st.session or target.session}"))
    say("token", _LOGIN_WORDS[st.state] + _timing(st.seconds_left(), st.expires_at))
    if st.refresh_until is not None:
        say("refresh", f"until {_local(st.refresh_until)} at most (sign-in + 12 hours)")
    if st.state == state.LOGIN_NEEDED:
        say("", display(f"{st.reason}; run `{target.login_hint}`"))
    say("cache", display(select.display_path(st.cache_file, env)))
    return True


def _verify(report: _Report, p: Profile) -> None:
    """Ask STS who this profile is, through boto3 (the SDK's own credential chain)."""
    say = report.line
    import boto3

    try:
        session = boto3.Session(profile_name=p.name)
        sts = session.client("sts", region_name=session.region_name or "us-east-1")
        identity = sts.get_caller_identity()
    except Exception as exc:  # botocore raises bare KeyError on a corrupt token file
        raise AwsswitchError(f"verify failed for {display(p.name)}: {exc}") from None
    say("verified", f"account {identity.get('Account')}")
    say("arn", display(str(identity.get("Arn"))))
