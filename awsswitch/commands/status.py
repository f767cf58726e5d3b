"""`awsswitch status [PROFILE] [--verify]`: the active profile, why, and its SSO token."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from awsswitch.config.profiles import Profile, ProfileIndex, load_index
from awsswitch.errors import AwsswitchError
from awsswitch.sso import select, state

_STATE_WORDS = {
    state.FRESH: "fresh",
    state.REFRESHABLE: "refresh due (awsswitch refreshes it silently on the next switch)",
    state.LOGIN_NEEDED: "login needed",
}


def run(profile: str | None, *, verify: bool = False) -> None:
    env = os.environ
    index = load_index(env)
    if profile:
        chosen = select.resolve_profile(profile, index)
        why = "named on the command line"
        active = select.active_profile(env, index)
        notes = active.notes
    else:
        active = select.active_profile(env, index)
        notes = active.notes
        if active.name is None:
            print(f"No active profile: {active.why}.")
            for note in notes:
                print(f"note:     {note}")
            return
        chosen = index.by_name.get(active.name)
        why = active.why
        if chosen is None:
            print(f"profile:  {active.name}")
            print(f"why:      {why}")
            print("problem:  this profile is not in the config or credentials file")
            raise AwsswitchError(f"The config profile ({active.name}) could not be found")
    _print_profile(chosen, why, index, env)
    for note in notes:
        print(f"note:     {note}")
    if verify:
        _verify(chosen)


def _print_profile(p: Profile, why: str, index: ProfileIndex, env: Mapping[str, str]) -> None:
    name = p.name if p.short == p.name else f"{p.name} ({p.short})"
    print(f"profile:  {name}")
    print(f"why:      {why}")
    print(f"kind:     {p.kind}")
    root = index.sso_root(p.name)
    if root is not None and root.name != p.name:
        print(f"via:      source_profile chain to {root.name}")
    target = state.profile_target(p, index, env)
    if target is not None:
        if target.session is not None:
            print(f"session:  {target.session} ({target.start_url}, {target.region})")
        else:
            print(f"session:  legacy profile ({target.start_url}, {target.region})")
    sso = root or p
    if sso.account_id or sso.role_name:
        print(f"account:  {sso.account_id or '?'}, role {sso.role_name or '?'}")
    region = p.region
    if p.name == select.active_profile(env, index).name:  # the shell's override applies
        region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or region
    if region:
        print(f"region:   {region}")
    if target is None:
        print("token:    none (not an SSO profile)")
        return
    st = state.status_of(target)
    left = st.seconds_left()
    expires = (
        f", expires {st.expires_at.astimezone().strftime('%Y-%m-%d %H:%M:%S %Z')}"
        if st.expires_at is not None
        else ""
    )
    timing = f", {state.describe_left(left)}" if left is not None else ""
    print(f"token:    {_STATE_WORDS[st.state]}{timing}{expires}")
    if st.state == state.LOGIN_NEEDED:
        hint = (
            f"awsswitch login --sso-session {target.session}"
            if target.session is not None
            else f"awsswitch login {target.profile}"
        )
        print(f"          {st.reason}; run `{hint}`")
    print(f"cache:    {select.display_path(st.cache_file, env)}")


def _verify(p: Profile) -> None:
    """Ask STS who this profile is, through boto3 (the SDK's own credential chain)."""
    import boto3

    try:
        session = boto3.Session(profile_name=p.name)
        sts = session.client("sts", region_name=session.region_name or "us-east-1")
        identity = sts.get_caller_identity()
    except Exception as exc:  # botocore raises bare KeyError on a corrupt token file
        sys.stdout.flush()
        raise AwsswitchError(f"verify failed for {p.name}: {exc}") from None
    print(f"verified: account {identity.get('Account')}")
    print(f"arn:      {identity.get('Arn')}")
