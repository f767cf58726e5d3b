"""`awsswitch configure sso-session NAME` and `awsswitch configure profile [NAME]`.

Both create or update one section of ~/.aws/config (`$AWS_CONFIG_FILE`) through the round-trip
editor: keys in the order the AWS CLI writes them, other bytes untouched, atomic, locked.
On a terminal (stdin and stderr are ttys) they prompt for what the flags did not give, like
`aws configure sso-session`: `SSO start URL [current]: `; Enter keeps the value in brackets.
Prompts and messages go to stderr, so stdout stays clean. Off a terminal a missing required
value is an error that names the flag.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from typing import Any

from awsswitch import paths
from awsswitch.config import editor, profiles, validate
from awsswitch.errors import AwsswitchError, UsageError

_NOT_A_TTY = "not on a terminal, so awsswitch cannot ask for it"


def _interactive() -> bool:
    try:
        return sys.stdin.isatty() and sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def display(value: str) -> str:
    """`value` with non-printable characters escaped (names and values come from the file)."""
    if value.isprintable():
        return value
    out = []
    for ch in value:
        if ch.isprintable():
            out.append(ch)
        elif ch in "\n\r\t":
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch])
        elif ord(ch) < 0x100:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(f"\\u{ord(ch):04x}")
    return "".join(out)


def ask(
    label: str,
    current: str | None,
    why_not: Callable[[str], str | None] | None = None,
    *,
    required: bool = True,
) -> str | None:
    """Prompt `label [current]: ` on stderr until the answer is valid; Enter keeps `current`."""
    while True:
        prompt = f"{label} [{display(current)}]: " if current else f"{label}: "
        sys.stderr.write(prompt)
        sys.stderr.flush()
        try:
            line = sys.stdin.readline()
        except KeyboardInterrupt:
            sys.stderr.write("\n")  # leave the prompt's line before the exit (130)
            raise
        if not line:
            sys.stderr.write("\n")
            raise AwsswitchError("no answer (end of input); nothing was changed")
        answer = line.strip()
        if not answer:
            if current:
                return current
            if not required:
                return None
            sys.stderr.write("  a value is required\n")
            continue
        reason = why_not(answer) if why_not else None
        if reason:
            sys.stderr.write(f"  {reason}\n")
            continue
        return answer


def _missing(flags: list[str], why: str = _NOT_A_TTY) -> UsageError:
    names = flags[0] if len(flags) == 1 else ", ".join(flags[:-1]) + " and " + flags[-1]
    return UsageError(f"missing {names}: {why}")


def _text(values: Mapping[str, Any] | None, key: str) -> str | None:
    v = (values or {}).get(key)
    return v if isinstance(v, str) and v else None


def _report(path: str, header: str, result: editor.EditResult[Any], keys: list[str]) -> None:
    where = display(path)
    if not result.changed:
        _say(f"[{display(header)}] in {where} already has these values; nothing changed.")
    elif result.before is None or result.result == "created":
        _say(f"Created [{display(header)}] in {where} ({', '.join(keys)}).")
    else:
        _say(f"Updated [{display(header)}] in {where} ({', '.join(keys)}).")


def sso_session(
    name: str,
    *,
    start_url: str | None = None,
    region: str | None = None,
    scopes: str | None = None,
    env: Mapping[str, str] | None = None,
    interactive: bool | None = None,
) -> None:
    """Create or update `[sso-session NAME]`: sso_start_url, sso_region, registration scopes."""
    env = os.environ if env is None else env
    interactive = _interactive() if interactive is None else interactive
    validate.section_name(name, "sso-session name")
    if start_url is not None:
        validate.start_url(start_url)
    if region is not None:
        validate.region(region, "SSO region")
    if scopes is not None:
        scopes = validate.scopes(scopes)

    path = paths.config_file(env)
    current = editor.load_document(path).get(editor.SSO_SESSION, name) or {}
    cur_url = _text(current, "sso_start_url")
    cur_region = _text(current, "sso_region")
    cur_scopes = _text(current, "sso_registration_scopes")

    if interactive:
        if start_url is None:
            start_url = ask("SSO start URL", cur_url, validate.why_start_url)
        if region is None:
            region = ask("SSO region", cur_region, validate.why_region)
        if scopes is None:
            scopes = ask(
                "SSO registration scopes",
                cur_scopes or validate.DEFAULT_SCOPES,
                validate.why_scopes,
            )
            scopes = validate.scopes(scopes)  # type: ignore[arg-type]
    else:
        start_url = start_url or cur_url
        region = region or cur_region
        missing = [f for f, v in (("--start-url", start_url), ("--region", region)) if not v]
        if missing:
            raise _missing(missing)
        # Default the scopes only for a new session: adding them to an existing one would
        # change its client-registration cache key and the scopes of its next login.
        scopes = scopes or cur_scopes or (None if current else validate.DEFAULT_SCOPES)

    values = {"sso_start_url": start_url, "sso_region": region}
    if scopes:
        values["sso_registration_scopes"] = scopes

    def change(doc: editor.Document) -> str:
        created = doc.get(editor.SSO_SESSION, name) is None
        doc.update(editor.SSO_SESSION, name, values)
        return "created" if created else "updated"

    result = editor.edit_config(path, change, env=env)
    _report(path, editor.header_for(editor.SSO_SESSION, name), result, list(values))


def profile(
    name: str | None = None,
    *,
    sso_session: str | None = None,
    account_id: str | None = None,
    role_name: str | None = None,
    region: str | None = None,
    output: str | None = None,
    env: Mapping[str, str] | None = None,
    interactive: bool | None = None,
) -> None:
    """Create or update `[profile NAME]` (`[default]` for default) for an sso-session."""
    env = os.environ if env is None else env
    interactive = _interactive() if interactive is None else interactive
    if sso_session is not None:
        validate.section_name(sso_session, "sso-session name")
    if account_id is not None:
        validate.account_id(account_id)
    if role_name is not None:
        validate.role_name(role_name)
    if region is not None:
        validate.region(region)
    if output is not None:
        validate.output_format(output)

    # As `aws configure set`: the name defaults to the profile the environment selects.
    if not name:
        name = env.get("AWS_PROFILE") or env.get("AWS_DEFAULT_PROFILE") or None
    if not name:
        name = ask("Profile name", "default", validate.why_section_name) if interactive else None
        name = name or "default"
    validate.section_name(name, "profile name")

    path = paths.config_file(env)
    doc = editor.load_document(path)
    current = doc.get(editor.PROFILE, name) or {}
    sessions = [s.name for s in doc.sections() if s.kind == editor.SSO_SESSION and s.effective]
    kind = profiles.classify(current) if current else None
    sso_flags = sso_session is not None or account_id is not None or role_name is not None
    # A new profile is an SSO profile; an existing keys / role / process / plain profile only
    # gets region and output unless SSO flags are given.
    sso_fields = not current or sso_flags or kind in (profiles.KIND_SSO, profiles.KIND_SSO_LEGACY)
    cur_session = _text(current, "sso_session")
    legacy = "sso_start_url" in current and sso_session is None and cur_session is None

    if interactive:
        if sso_fields:
            if sso_session is None and not legacy:
                if sessions:
                    _say("Known sso-sessions: " + ", ".join(display(s) for s in sessions))
                default = cur_session or (sessions[0] if len(sessions) == 1 else None)
                sso_session = ask("SSO session name", default, validate.why_section_name)
            if account_id is None:
                account_id = ask(
                    "SSO account ID", _text(current, "sso_account_id"), validate.why_account_id
                )
            if role_name is None:
                role_name = ask(
                    "SSO role name", _text(current, "sso_role_name"), validate.why_role_name
                )
        if region is None:
            session_values = doc.get(editor.SSO_SESSION, sso_session or cur_session or "")
            default_region = _text(current, "region") or _text(session_values, "sso_region")
            region = ask(
                "Default client Region", default_region, validate.why_region, required=False
            )
        if output is None:
            output = ask(
                "CLI default output format (json if not specified)",
                _text(current, "output"),
                validate.why_output_format,
                required=False,
            )

    values: dict[str, str] = {}
    for key, value in (
        ("sso_session", sso_session),
        ("sso_account_id", account_id),
        ("sso_role_name", role_name),
        ("region", region),
        ("output", output),
    ):
        if value:
            values[key] = value
    final = {**current, **values}
    # botocore's SSO provider: either of account/role makes it an SSO profile that needs both,
    # plus an sso_session (or the legacy sso_start_url in the profile).
    if not current or sso_flags or "sso_account_id" in final or "sso_role_name" in final:
        missing = [
            flag
            for flag, present in (
                ("--sso-session", _text(final, "sso_session") or _text(final, "sso_start_url")),
                ("--account-id", _text(final, "sso_account_id")),
                ("--role-name", _text(final, "sso_role_name")),
            )
            if not present
        ]
        if missing:
            why = "an SSO profile needs all three" if interactive else _NOT_A_TTY
            raise _missing(missing, why)
    if not values:
        raise UsageError(
            f"nothing to set for profile {name!r}: give --region or --output (it is not an SSO "
            "profile, so awsswitch does not add sso_* keys unless you pass --sso-session, "
            "--account-id and --role-name)"
        )
    _warn_unknown_session(_text(final, "sso_session"), sessions, path)
    if sso_session and ("sso_start_url" in current or "sso_region" in current):
        _say(
            f"note: [{display(editor.header_for(editor.PROFILE, name))}] also sets "
            "sso_start_url/sso_region (legacy form); botocore requires them to equal the "
            "sso-session's values"
        )

    def change(doc: editor.Document) -> str:
        created = doc.get(editor.PROFILE, name) is None  # type: ignore[arg-type]
        doc.update(editor.PROFILE, name, values)  # type: ignore[arg-type]
        return "created" if created else "updated"

    result = editor.edit_config(path, change, env=env)
    _report(path, editor.header_for(editor.PROFILE, name), result, list(values))


def _warn_unknown_session(session: str | None, sessions: list[str], path: str) -> None:
    if session and session not in sessions:
        import shlex

        header = editor.header_for(editor.SSO_SESSION, session)
        _say(
            f"warning: there is no [{display(header)}] in {display(path)} yet; create it with: "
            f"awsswitch configure sso-session {display(shlex.quote(session))}"
        )
