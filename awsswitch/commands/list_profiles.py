"""`awsswitch list [--json]`: every profile botocore sees, one line each.

Columns: the active marker (`*` = `$AWS_PROFILE`, `*@` when a directory's `.awsprofile` chose
it under `init --auto`), PROFILE, SHORT (what `asw` and the prompt show), KIND (sso,
sso-legacy, keys, role, process, other), SESSION, ACCOUNT, ROLE, REGION and TOKEN (the SSO
token state of the profile's sso-session, `-` for profiles without one). Names from the file
are shown with non-printable characters escaped (`\\n`, `\\x1b`), so a hostile name cannot
break the table or the terminal. `--json` prints a list of objects; `directory` is the folder
whose `.awsprofile` chose the active profile, else null.
"""

from __future__ import annotations

import json

from awsswitch import paths
from awsswitch.config import profiles
from awsswitch.context import Environment, display
from awsswitch.errors import AwsswitchError

# Annotation-only imports: `list` is an everyday command, parsed without typer (__main__.py).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

COLUMNS = ("PROFILE", "SHORT", "KIND", "SESSION", "ACCOUNT", "ROLE", "REGION", "TOKEN")


def _token(
    profile: profiles.Profile,
    index: profiles.ProfileIndex,
    env: Mapping[str, str],
    seen: dict[tuple, Any],
) -> Any:
    """`state.profile_token_status`, reading each token file once: hundreds of profiles
    usually share a handful of sso-sessions."""
    from awsswitch.sso import state

    try:
        target = state.link(profile, index, env)
    except AwsswitchError as exc:  # e.g. a source_profile loop: show it, keep listing
        return exc
    if target is None:
        if profile.kind != profiles.KIND_LOGIN and not profile.source_profile:
            return None
        # An `aws login` console session (or a chain starting at one): its own cache.
        from awsswitch import login_session

        try:
            return login_session.status(profile, index, env)
        except AwsswitchError as exc:
            return exc
    key = (target.cache_file, target.session, target.start_url, target.problem)
    if key not in seen:
        seen[key] = state.status_of(target)
    return seen[key]


def _expires(status: Any) -> str | None:
    return _iso(getattr(status, "expires_at", None))


def _iso(when: Any) -> str | None:
    """`2026-01-02T03:04:05Z` (the CLI's form, the year always four digits: strftime's %Y
    writes year 1 as `1`), or None."""
    if when is None:
        return None
    try:
        if when.utcoffset() is None:
            return str(when)
        return (
            f"{when.year:04d}-{when.month:02d}-{when.day:02d}"
            f"T{when.hour:02d}:{when.minute:02d}:{when.second:02d}Z"
        )
    except (AttributeError, ValueError):
        return str(when)


def _directory(env: Mapping[str, str]) -> str | None:
    """The folder whose `.awsprofile` chose $AWS_PROFILE (AWSSWITCH_PROFILE_SOURCE, set by the
    switch), None when it was chosen otherwise or changed by hand since."""
    source = env.get("AWSSWITCH_PROFILE_SOURCE") or ""
    if not source.startswith("dir:") or env.get("AWS_PROFILE") != env.get("AWSSWITCH_PROFILE"):
        return None
    return source[len("dir:") :] or None


def _account_and_role(p: profiles.Profile, status: Any) -> tuple[str | None, str | None]:
    """Profile.acts_as, and for a console session the account of its cached credentials."""
    account, role = p.acts_as
    if p.kind == profiles.KIND_LOGIN and not account:
        account = getattr(status, "account_id", None)
    return account, role


def rows(env: Mapping[str, str]) -> list[dict[str, Any]]:
    """The objects `list --json` prints, in `available_profiles` order."""
    index = profiles.load_index(env)
    active = env.get("AWS_PROFILE") or None
    chosen_by = _directory(env)
    out: list[dict[str, Any]] = []
    seen: dict[tuple, Any] = {}
    for p in index.profiles:
        status = _token(p, index, env, seen)
        if status is None:
            token: Any = None
        elif isinstance(status, AwsswitchError):
            token = {"state": "error", "error": status.message}
        elif hasattr(status, "signed_in_at"):  # a login_session.LoginStatus
            token = {  # an `aws login` console session: its ARN, no portal
                "state": status.state,
                "expires_at": _expires(status),
                "login_session": status.session,
                "cache_file": status.cache_file,
                "session_ends_at": _iso(status.refresh_until),
                "session_end_basis": "sign-in" if status.refresh_until else None,
            }
        else:
            token = {
                "state": status.state,
                "expires_at": _expires(status),
                "sso_session": status.session,
                "start_url": status.start_url,
                "cache_file": status.cache_file,
                # When the session can no longer be refreshed (an upper bound: the portal's
                # own session length is not in any file); "registration" or "token".
                "session_ends_at": _iso(status.session_ends_at),
                "session_end_basis": status.session_end_basis or None,
            }
        account, role = _account_and_role(p, status)
        out.append(
            {
                "name": p.name,
                "short": p.short,
                "kind": p.kind,
                "sso_session": p.sso_session,
                "account_id": account,
                "role_name": role,
                "region": p.region,
                "source_profile": p.source_profile,
                "role_arn": p.role_arn,
                "in_config": p.in_config,
                "in_credentials": p.in_credentials,
                "active": p.name == active,
                "directory": chosen_by if p.name == active else None,
                "token": token,
            }
        )
    return out


def _width(text: str) -> int:
    if text.isascii():
        return len(text)
    import unicodedata

    w = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def table(items: list[dict[str, Any]]) -> str:
    """The aligned text table for `rows()`."""
    lines: list[list[str]] = [["", *COLUMNS]]
    for r in items:
        token = r["token"]
        state = "-" if token is None else token["state"]
        cells = [
            r["name"],
            r["short"] if r["short"] != r["name"] else "",
            r["kind"],
            r["sso_session"],
            r["account_id"],
            r["role_name"],
            r["region"],
            state,
        ]
        mark = ("*@" if r["directory"] else "*") if r["active"] else " "
        lines.append([mark, *(display(c) if c else "-" for c in cells)])
    widths = [max(_width(row[i]) for row in lines) for i in range(len(lines[0]))]
    out = []
    for row in lines:
        padded = [c + " " * (widths[i] - _width(c)) for i, c in enumerate(row)]
        out.append((padded[0] + " " + "  ".join(padded[1:])).rstrip())
    return "\n".join(out) + "\n"


def run(env: Environment, *, as_json: bool = False) -> None:
    items = rows(env.env)
    if as_json:
        env.stdout.write(json.dumps(items, indent=2, ensure_ascii=False) + "\n")
        return
    if not items:
        env.say(
            f"no profiles in {display(paths.config_file(env.env))} or "
            f"{display(paths.credentials_file(env.env))}; create one with "
            "`awsswitch configure profile NAME`"
        )
        return
    env.stdout.write(table(items))
