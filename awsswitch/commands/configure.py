"""`awsswitch configure sso-session NAME` and `awsswitch configure profile [NAME]`.

Both create or update one section of ~/.aws/config (`$AWS_CONFIG_FILE`) through the round-trip
editor: keys in the order the AWS CLI writes them, other bytes untouched, atomic, locked.
On a terminal (stdin and stderr are ttys) they prompt for what the flags did not give, like
`aws configure sso-session`: `SSO start URL [current]: `; Enter keeps the value in brackets.
Prompts and messages go to stderr, so stdout stays clean. Off a terminal a missing required
value is an error that names the flag.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from awsswitch import context, paths
from awsswitch.config import editor, profiles, validate
from awsswitch.context import Environment, display
from awsswitch.errors import AwsswitchError, UsageError


def ask(
    ctx: Environment,
    label: str,
    current: str | None,
    why_not: Callable[[str], str | None] | None = None,
    *,
    required: bool = True,
) -> str | None:
    """Prompt `label [current]: ` on stderr until the answer is valid; Enter keeps `current`."""
    err = ctx.stderr
    while True:
        prompt = f"{label} [{display(current)}]: " if current else f"{label}: "
        err.write(prompt)
        err.flush()
        try:
            line = ctx.stdin.readline()
        except KeyboardInterrupt:
            err.write("\n")  # leave the prompt's line before the exit (130)
            raise
        if not line:
            err.write("\n")
            raise AwsswitchError("no answer (end of input); nothing was changed")
        answer = line.strip()
        if not answer:
            if current:
                return current
            if not required:
                return None
            ctx.say("  a value is required")
            continue
        reason = why_not(answer) if why_not else None
        if reason:
            ctx.say(f"  {reason}")
            continue
        return answer


def _needs(
    subject: str, flags: list[str], interactive: bool, *, purpose: str = "", detail: str = ""
) -> UsageError:
    """`SUBJECT needs --a and --b [PURPOSE] (DETAIL; why awsswitch did not ask for them)`."""
    names = flags[0] if len(flags) == 1 else ", ".join(flags[:-1]) + " and " + flags[-1]
    why = [detail] if detail else []
    if not interactive:
        them = "it" if len(flags) == 1 else "them"
        why.append(f"not on a terminal, so awsswitch cannot ask for {them}")
    message = f"{subject} needs {names}" + (f" {purpose}" if purpose else "")
    return UsageError(message + (f" ({'; '.join(why)})" if why else ""))


def _text(values: Mapping[str, Any] | None, key: str) -> str | None:
    v = (values or {}).get(key)
    return v if isinstance(v, str) and v else None


def _report(
    ctx: Environment, path: str, header: str, result: editor.EditResult[Any], keys: list[str]
) -> None:
    where = display(path)
    if not result.changed:
        ctx.say(f"[{display(header)}] in {where} already has these values; nothing changed.")
    elif result.before is None or result.result == "created":
        ctx.say(f"Created [{display(header)}] in {where} ({', '.join(keys)}).")
    else:
        ctx.say(f"Updated [{display(header)}] in {where} ({', '.join(keys)}).")


def sso_session(
    name: str,
    *,
    start_url: str | None = None,
    region: str | None = None,
    scopes: str | None = None,
    ctx: Environment | None = None,
) -> None:
    """Create or update `[sso-session NAME]`: sso_start_url, sso_region, registration scopes."""
    ctx = context.current() if ctx is None else ctx
    interactive = ctx.interactive
    validate.section_name(name, "sso-session name")
    if start_url is not None:
        validate.start_url(start_url)
    if region is not None:
        validate.region(region, "SSO region")
    if scopes is not None:
        scopes = validate.scopes(scopes)

    path = paths.config_file(ctx.env)
    existing = editor.load_document(path).get(editor.SSO_SESSION, name) or {}
    cur_url = _text(existing, "sso_start_url")
    cur_region = _text(existing, "sso_region")
    cur_scopes = _text(existing, "sso_registration_scopes")
    header = editor.header_for(editor.SSO_SESSION, name)

    if interactive:
        if start_url is None:
            start_url = ask(ctx, "SSO start URL", cur_url, validate.why_start_url)
        if region is None:
            region = ask(ctx, "SSO region", cur_region, validate.why_region)
        if scopes is None:
            scopes = ask(
                ctx,
                "SSO registration scopes",
                cur_scopes or validate.DEFAULT_SCOPES,
                validate.why_scopes,
            )
            scopes = validate.scopes(scopes)  # type: ignore[arg-type]
    else:
        start_url = start_url or cur_url
        region = region or cur_region
        lacking = [
            (flag, key)
            for flag, key, v in (
                ("--start-url", "sso_start_url", start_url),
                ("--region", "sso_region", region),
            )
            if not v
        ]
        if lacking:
            flags = [flag for flag, _ in lacking]
            if not existing:
                raise _needs("a new sso-session", flags, interactive)
            keys = " or ".join(key for _, key in lacking)
            raise _needs(f"[{display(header)}]", flags, interactive, detail=f"it has no {keys} yet")
        # Default the scopes only for a new session: adding them to an existing one would
        # change its client-registration cache key and the scopes of its next login.
        scopes = scopes or cur_scopes or (None if existing else validate.DEFAULT_SCOPES)

    values = {"sso_start_url": start_url, "sso_region": region}
    if scopes:
        values["sso_registration_scopes"] = scopes

    def change(doc: editor.Document) -> str:
        created = doc.get(editor.SSO_SESSION, name) is None
        doc.update(editor.SSO_SESSION, name, values)
        return "created" if created else "updated"

    result = editor.edit_config(path, change, env=ctx.env)
    _report(ctx, path, header, result, list(values))


# The flags that make an SSO profile, and the keys they write.
_SSO_FLAGS = (
    ("--sso-session", "sso_session"),
    ("--account-id", "sso_account_id"),
    ("--role-name", "sso_role_name"),
)


def profile(
    name: str | None = None,
    *,
    sso_session: str | None = None,
    account_id: str | None = None,
    role_name: str | None = None,
    region: str | None = None,
    output: str | None = None,
    ctx: Environment | None = None,
) -> None:
    """Create or update `[profile NAME]` (`[default]` for default) for an sso-session."""
    ctx = context.current() if ctx is None else ctx
    env = ctx.env
    interactive = ctx.interactive
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
    if not name and interactive:
        name = ask(ctx, "Profile name", "default", validate.why_section_name)
    name = name or "default"
    validate.section_name(name, "profile name")

    path = paths.config_file(env)
    doc = editor.load_document(path)
    existing = doc.get(editor.PROFILE, name) or {}
    header = editor.header_for(editor.PROFILE, name)
    sessions = [s.name for s in doc.sections() if s.kind == editor.SSO_SESSION and s.effective]
    kind = profiles.classify(existing) if existing else None
    is_sso = kind in (profiles.KIND_SSO, profiles.KIND_SSO_LEGACY)
    sso_flags = sso_session is not None or account_id is not None or role_name is not None
    # A new profile is an SSO profile; an existing keys / role / process / plain profile only
    # gets region and output unless SSO flags are given.
    sso_fields = not existing or sso_flags or is_sso
    cur_session = _text(existing, "sso_session")
    legacy = "sso_start_url" in existing and sso_session is None and cur_session is None

    if interactive:
        if sso_fields:
            if sso_session is None and not legacy:
                if sessions:
                    ctx.say("Known sso-sessions: " + ", ".join(display(s) for s in sessions))
                default = cur_session or (sessions[0] if len(sessions) == 1 else None)
                sso_session = ask(ctx, "SSO session name", default, validate.why_section_name)
            if account_id is None:
                account_id = ask(
                    ctx,
                    "SSO account ID",
                    _text(existing, "sso_account_id"),
                    validate.why_account_id,
                )
            if role_name is None:
                role_name = ask(
                    ctx, "SSO role name", _text(existing, "sso_role_name"), validate.why_role_name
                )
        if region is None:
            session_values = doc.get(editor.SSO_SESSION, sso_session or cur_session or "")
            default_region = _text(existing, "region") or _text(session_values, "sso_region")
            region = ask(
                ctx, "Default client Region", default_region, validate.why_region, required=False
            )
        if output is None:
            output = ask(
                ctx,
                "CLI default output format (json if not specified)",
                _text(existing, "output"),
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
    final = {**existing, **values}
    # botocore's SSO provider: either of account/role makes it an SSO profile that needs both,
    # plus an sso_session (or the legacy sso_start_url in the profile).
    if not existing or sso_flags or "sso_account_id" in final or "sso_role_name" in final:
        lacking = [
            (flag, key)
            for flag, key in _SSO_FLAGS
            if not (_text(final, key) or (key == "sso_session" and _text(final, "sso_start_url")))
        ]
        if lacking:
            flags = [flag for flag, _ in lacking]
            if not existing:
                raise _needs("a new profile", flags, interactive)
            if is_sso:
                keys = " or ".join(key for _, key in lacking)
                detail = f"it is an SSO profile without {keys}"
                raise _needs(f"[{display(header)}]", flags, interactive, detail=detail)
            purpose = "to become an SSO profile"
            raise _needs(f"[{display(header)}]", flags, interactive, purpose=purpose)
    if not values:
        if interactive:
            ctx.say(f"[{display(header)}]: no value given; nothing changed.")
            return
        if is_sso:
            raise UsageError(
                f"nothing to change in [{display(header)}]: give --sso-session, --account-id, "
                "--role-name, --region or --output"
            )
        raise UsageError(
            f"nothing to change in [{display(header)}]: give --region or --output (it is not "
            "an SSO profile; --sso-session, --account-id and --role-name together make it one)"
        )
    _warn_unknown_session(ctx, _text(final, "sso_session"), sessions, path)
    if sso_session and ("sso_start_url" in existing or "sso_region" in existing):
        ctx.say(
            f"note: [{display(header)}] also sets sso_start_url/sso_region (the legacy form); "
            "botocore requires them to equal the sso-session's values"
        )

    def change(doc: editor.Document) -> str:
        created = doc.get(editor.PROFILE, name) is None  # type: ignore[arg-type]
        doc.update(editor.PROFILE, name, values)  # type: ignore[arg-type]
        return "created" if created else "updated"

    result = editor.edit_config(path, change, env=env)
    _report(ctx, path, header, result, list(values))


def _warn_unknown_session(
    ctx: Environment, session: str | None, sessions: list[str], path: str
) -> None:
    if session and session not in sessions:
        from awsswitch.sso.state import shell_word

        header = editor.header_for(editor.SSO_SESSION, session)
        ctx.say(
            f"warning: there is no [{display(header)}] in {display(path)} yet; create it with: "
            f"awsswitch configure sso-session {shell_word(session)}"
        )
