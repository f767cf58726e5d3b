"""Which profile / sso-session the human commands (`login`, `logout`, `status`) act on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from awsswitch.config.profiles import Profile, ProfileIndex
from awsswitch.context import display
from awsswitch.errors import AwsswitchError, UsageError
from awsswitch.sso import state
from awsswitch.sso.state import SsoTarget

# Set by the `asw` core next to AWS_PROFILE, so `status` can tell its switch from a hand export.
MARKER_VAR = "AWSSWITCH_PROFILE"


def display_path(path: str, env: Mapping[str, str]) -> str:
    """`path` with the home folder shown as `~` (for people)."""
    home = env.get("HOME", "").rstrip("/")
    if home and path.startswith(home + "/"):
        return "~" + path[len(home) :]
    return path


@dataclass(frozen=True)
class Active:
    """The profile the AWS CLI v2 would use, and why."""

    name: str | None
    why: str
    notes: tuple[str, ...] = ()


def resolve_profile(query: str, index: ProfileIndex) -> Profile:
    """The profile `query` names, resolved as `asw NAME` resolves it (exact name, short
    name, unique dot-boundary suffix, unique fuzzy match). Unknown or ambiguous: UsageError
    (exit 2)."""
    from awsswitch.config.resolve import close_matches, resolve

    found = resolve(query, index.profiles)
    if len(found) == 1:
        return found[0]
    if found:
        names = ", ".join(display(p.name) for p in found[:10]) + (
            ", ..." if len(found) > 10 else ""
        )
        raise UsageError(f"{display(query)!r} matches several profiles: {names}")
    close = [display(p.name) for p in close_matches(query, index.profiles, limit=3)]
    hint = f" (did you mean: {', '.join(close)}?)" if close else ""
    raise UsageError(f"The config profile ({display(query)}) could not be found{hint}")


def active_profile(env: Mapping[str, str], index: ProfileIndex) -> Active:
    """AWS_PROFILE (CLI v2's first choice), else AWS_DEFAULT_PROFILE, else `default`."""
    profile = env.get("AWS_PROFILE") or None
    default_profile = env.get("AWS_DEFAULT_PROFILE") or None
    notes: list[str] = []
    if profile and default_profile and default_profile != profile:
        notes.append(
            f"AWS_DEFAULT_PROFILE={default_profile} is also set: boto3 and AWS CLI v1 use it "
            "instead (`asw` clears it)"
        )
    keys = [k for k in ("AWS_ACCESS_KEY_ID", "AWS_SESSION_TOKEN") if env.get(k)]
    if keys:
        notes.append(
            f"{' and '.join(keys)} set in the environment: the AWS CLI and SDKs use those keys, "
            "not the profile (`asw` clears them)"
        )
    if profile:
        if env.get(MARKER_VAR) == profile:
            why = "$AWS_PROFILE, set by awsswitch (asw)"
        else:
            why = "$AWS_PROFILE, set by hand (not by asw)"
        return Active(profile, why, tuple(notes))
    if default_profile:
        return Active(
            default_profile, "$AWS_DEFAULT_PROFILE (AWS_PROFILE is not set)", tuple(notes)
        )
    if "default" in index.by_name:
        return Active("default", "the `default` profile (no AWS_PROFILE set)", tuple(notes))
    return Active(None, "no AWS_PROFILE set and no [default] profile", tuple(notes))


def only_session(index: ProfileIndex, env: Mapping[str, str]) -> SsoTarget | None:
    """The single configured sso-session, if there is exactly one."""
    if len(index.sso_sessions) == 1:
        return state.session_target(next(iter(index.sso_sessions)), index, env)
    return None


def target_for(
    profile: str | None,
    sso_session: str | None,
    index: ProfileIndex,
    env: Mapping[str, str],
    *,
    command: str,
) -> tuple[SsoTarget, Profile | None]:
    """The session a command works on: --sso-session, PROFILE, the active profile, or the
    only configured sso-session."""
    if profile and sso_session:
        raise UsageError(f"{command}: give a PROFILE or --sso-session, not both")
    if sso_session:
        if sso_session not in index.sso_sessions:
            known = ", ".join(map(display, index.sso_sessions)) or "none configured"
            raise UsageError(
                f'The specified sso-session does not exist: "{display(sso_session)}" '
                f"(known: {known})"
            )
        return state.session_target(sso_session, index, env), None
    chosen: Profile | None = None
    if profile:
        chosen = resolve_profile(profile, index)
    else:
        active = active_profile(env, index)
        if active.name is not None:
            chosen = resolve_profile(active.name, index)
        else:
            target = only_session(index, env)
            if target is not None:
                return target, None
            known = ", ".join(map(display, index.sso_sessions)) or "none configured"
            raise UsageError(
                f"{command}: no profile given and {active.why}; name a PROFILE or "
                f"--sso-session (sessions: {known})"
            )
    target = state.profile_target(chosen, index, env)
    if target is None:
        raise AwsswitchError(
            f"profile {display(chosen.name)} does not use SSO (kind: {chosen.kind}); "
            "there is no SSO session to act on"
        )
    return target, chosen
