"""The profiles: the one in use (found? its SSO token?), the one asked for, and every
source_profile chain and sso-session reference in the config."""

from __future__ import annotations

from datetime import datetime

from awsswitch.config import profiles
from awsswitch.config.resolve import close_matches
from awsswitch.doctor.facts import Facts, section_line
from awsswitch.doctor.model import BOTOCORE, CLI_V2, INFO, PROBLEM, Finding, Report, SsoSession
from awsswitch.errors import AwsswitchError
from awsswitch.sso import cache, state


def _headers(name: str) -> tuple[str, ...]:
    return (f"profile {name}", f'profile "{name}"', f"profile '{name}'") + (
        ("default",) if name == "default" else ()
    )


def _edit_profile(facts: Facts, name: str) -> str:
    line = section_line(facts.config, _headers(name))
    return facts.fixes.edit(facts.config.path, line, facts.editor())


def check_found(facts: Facts, report: Report, out: list[Finding]) -> None:
    """A profile variable naming a profile that does not exist: every call fails."""
    if facts.config.parse_error or facts.credentials.parse_error:
        return  # the profile may be in the file botocore refuses: config-parse says so
    seen = set()
    for res in report.resolutions:
        if res.credentials != "error" or res.profile is None or res.profile == "":
            continue
        key = (res.profile_source, res.profile)
        if key in seen:
            continue
        seen.add(key)
        users = " and ".join(
            {CLI_V2: "the AWS CLI v2", BOTOCORE: "boto3 and the AWS CLI v1"}[r.consumer]
            for r in report.resolutions
            if (r.profile_source, r.profile) == key
        )
        close = close_matches(res.profile, facts.index.profiles, 1) if facts.index else []
        out.append(
            Finding(
                "profile-not-found",
                PROBLEM,
                f"{res.profile_source}={res.profile}: no such profile in "
                f"{facts.config.path} or {facts.credentials.path}",
                f'{users} fail every call ("The config profile ({res.profile}) could not be '
                'found")',
                fix=facts.fixes.asw(close[0].name)
                if close
                else facts.fixes.unset([res.profile_source or "AWS_PROFILE"]),
                subject=res.profile,
            )
        )


def check_active(facts: Facts, report: Report, out: list[Finding]) -> None:
    """PROFILE was asked for: is it what this shell's calls use?"""
    wanted = facts.intended
    if facts.requested is None or wanted is None:
        return
    using_by: dict[str, list[str]] = {}
    for res in report.resolutions:
        if res.profile == wanted and res.credentials in ("profile", "none"):
            continue
        using = (
            "environment keys"
            if res.credentials == "environment"
            else "a web-identity role"
            if res.credentials == "web-identity"
            else f"profile {res.profile}"
            if res.profile
            else "no profile"
        )
        using_by.setdefault(using, []).append(
            "the AWS CLI v2" if res.consumer == CLI_V2 else "boto3 and the AWS CLI v1"
        )
    for using, who in using_by.items():
        out.append(
            Finding(
                "profile-not-active",
                PROBLEM,
                f"{' and '.join(who)} in this shell use {using}, not {wanted}",
                "the profile asked for is not the one a call from this shell would use",
                fix=facts.fixes.asw(wanted),
                subject=wanted,
            )
        )


def check_chains(facts: Facts, out: list[Finding]) -> None:
    """source_profile chains that loop or end in a profile without credentials."""
    index = facts.index
    if index is None:
        return
    loops: set[frozenset[str]] = set()
    for p in index.profiles:
        if p.kind != profiles.KIND_ROLE or not p.source_profile:
            continue
        try:
            chain = index.chain(p.name)
        except AwsswitchError:
            members = _loop(index, p.name)
            if frozenset(members) in loops:
                continue
            loops.add(frozenset(members))
            out.append(
                Finding(
                    "source-profile-loop",
                    PROBLEM,
                    "source_profile chain loops: " + " -> ".join([*members, members[0]]),
                    "botocore refuses it (InfiniteLoopConfigError): every call with these "
                    "profiles fails",
                    fix=_edit_profile(facts, members[0]),
                    subject=members[0],
                )
            )
            continue
        last = chain[-1]
        if last.kind == profiles.KIND_ROLE and last.source_profile not in index.by_name:
            out.append(
                Finding(
                    "source-profile-missing",
                    PROBLEM,
                    f"profile {last.name}: source_profile {last.source_profile} does not exist",
                    f'calls with {p.name} fail ("The source profile ... could not be found")',
                    fix=_edit_profile(facts, last.name),
                    subject=p.name,
                )
            )
        elif last.kind == profiles.KIND_OTHER and len(chain) > 1:
            out.append(
                Finding(
                    "source-profile-empty",
                    PROBLEM,
                    f"profile {p.name}'s source_profile chain ends in {last.name}, which has "
                    "no credentials",
                    "botocore has nothing to assume the role with: calls fail",
                    fix=_edit_profile(facts, last.name),
                    subject=p.name,
                )
            )


def _loop(index: profiles.ProfileIndex, name: str) -> list[str]:
    """The profiles that form the loop reached from `name`, from its first member."""
    order: list[str] = []
    current: str | None = name
    while current is not None and current not in order:
        order.append(current)
        p = index.by_name.get(current)
        current = p.source_profile if p is not None else None
    return order[order.index(current) :] if current in order else order


def check_sessions(facts: Facts, out: list[Finding]) -> None:
    """Profiles that name an [sso-session] the config does not have."""
    index = facts.index
    if index is None:
        return
    missing: dict[str, list[str]] = {}
    for p in index.profiles:
        if (
            p.kind == profiles.KIND_SSO
            and p.sso_session
            and p.sso_session not in index.sso_sessions
        ):
            missing.setdefault(p.sso_session, []).append(p.name)
    for session, names in missing.items():
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        out.append(
            Finding(
                "sso-session-missing",
                PROBLEM,
                f"sso_session {session} is used by {shown}, but the config has no "
                f"[sso-session {session}]",
                "botocore refuses these profiles: every call with them fails",
                fix=facts.fixes.last("awsswitch", "configure", "sso-session", session),
                subject=session,
            )
        )


def check_token(facts: Facts, report: Report, out: list[Finding]) -> None:
    """The SSO token of the profile in use: its state, and when the session ends."""
    profile = facts.profile(facts.intended)
    if profile is None or facts.index is None:
        return
    try:
        target = state.link(profile, facts.index, facts.env)
    except AwsswitchError:
        return  # a loop: check_chains reports it
    if target is None or target.problem:
        return
    status = state.status_of(target)
    token = state.read_token(target.cache_file) if target.cache_file else None
    until = None
    if token and state.can_refresh(token):
        when = state.parse_time(token.get("registrationExpiresAt"))
        until = _iso(when)
    left = status.seconds_left()
    report.sso = SsoSession(
        session=target.session,
        start_url=target.start_url,
        state=status.state,
        reason=status.reason,
        expires_at=_iso(status.expires_at),
        seconds_left=int(left) if left is not None else None,
        refresh_until=until,
        cache_file=target.cache_file,
    )
    login = (
        facts.fixes.command("awsswitch", "login", f"--sso-session={target.session}")
        if target.session is not None
        else facts.fixes.last("awsswitch", "login", target.profile or profile.name)
    )
    if status.state == state.LOGIN_NEEDED:
        out.append(
            Finding(
                "sso-login-needed",
                PROBLEM,
                f"the SSO session of {target.label} needs a login ({status.reason})",
                f"calls with {profile.name} fail until you log in",
                fix=login,
                subject=target.session or target.profile,
            )
        )
    elif status.state == state.REFRESHABLE:
        out.append(
            Finding(
                "sso-refresh-due",
                INFO,
                f"the SSO token of {target.label}: {status.reason} ({state.describe_left(left)})",
                "botocore and asw refresh it without a browser on the next call or switch",
                fix=login,
                subject=target.session or target.profile,
            )
        )


def _iso(when: datetime | None) -> str | None:
    return cache.format_time(when) if when is not None else None


def run(facts: Facts, report: Report) -> list[Finding]:
    out: list[Finding] = []
    check_found(facts, report, out)
    check_active(facts, report, out)
    check_chains(facts, out)
    check_sessions(facts, out)
    check_token(facts, report, out)
    return out
