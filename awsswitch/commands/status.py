"""`awsswitch status [PROFILE] [--verify]`: the active profile, why, and its SSO token.

An everyday command: __main__.py parses it without typer, so this module imports neither
typer nor boto3 (only --verify loads boto3). Names and values from the user's files and
environment are shown through `display` (no escape sequence reaches the terminal)."""

from __future__ import annotations

from awsswitch.config.profiles import Profile, ProfileIndex, load_index
from awsswitch.context import Environment, display
from awsswitch.errors import AwsswitchError
from awsswitch.sso import select, state

_STATE_WORDS = {
    state.FRESH: "fresh",
    state.REFRESHABLE: "refresh due (awsswitch refreshes it silently on the next switch)",
    state.LOGIN_NEEDED: "login needed",
}


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
    sso = root or p
    if sso.account_id or sso.role_name:
        say("account", display(f"{sso.account_id or '?'}, role {sso.role_name or '?'}"))
    region = p.region
    if p.name == select.active_profile(env, index).name:  # the shell's override applies
        region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or region
    if region:
        say("region", display(region))
    if target is None:
        say("token", "none (not an SSO profile)")
        return
    st = state.status_of(target)
    left = st.seconds_left()
    expires = (
        f", expires {st.expires_at.astimezone().strftime('%Y-%m-%d %H:%M:%S %Z')}"
        if st.expires_at is not None
        else ""
    )
    timing = f", {state.describe_left(left)}" if left is not None else ""
    say("token", f"{_STATE_WORDS[st.state]}{timing}{expires}")
    if st.state == state.LOGIN_NEEDED:
        hint = (
            f"awsswitch login --sso-session {target.session}"
            if target.session is not None
            else f"awsswitch login {target.profile}"
        )
        say("", display(f"{st.reason}; run `{hint}`"))
    say("cache", display(select.display_path(st.cache_file, env)))


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
