"""The switch core: what `asw ARGS` means (`parse`) and the shell code that does it (`run`,
`switch_to`, `switch_code`), for `awsswitch _asw` (switch/entry.py), the per-directory hook
(auto.py) and `exec`. Raises AwsswitchError/UsageError (1, 2) and KeyboardInterrupt (130);
the entry turns them into exit codes. Stdlib only: no typer, click, rich, boto3 (the SSO
hook imports boto3 itself, and only when a token needs refreshing).

Variables it manages (documented in docs/shell-integration.md, AWSSWITCH_PROFILE_SOURCE in
docs/per-directory.md):
- AWS_PROFILE is set; AWS_DEFAULT_PROFILE, env credentials and the markers other prompts
  rank above AWS_PROFILE are cleared (CONFLICTING);
- AWS_REGION and AWS_DEFAULT_REGION are set when the profile or -r names a region, and
  otherwise cleared only if they still hold the value awsswitch set (AWSSWITCH_REGION);
- AWSSWITCH_PROFILE, AWSSWITCH_SHORT and AWSSWITCH_TOKEN_FILE (its SSO token file) or
  AWSSWITCH_LOGIN_FILE (its `aws login` console session's cache file) describe the active
  profile for the prompt; AWSSWITCH_PREVIOUS is what `asw -` goes back to;
  AWSSWITCH_PROFILE_SOURCE (`dir:FOLDER`) says a directory's `.awsprofile` chose it
  (`init --auto`, switch/auto.py), and goes when a switch by hand replaces that profile.
"""

from __future__ import annotations

import os
import sys

from awsswitch import awsenv
from awsswitch.context import Environment, display
from awsswitch.errors import UsageError
from awsswitch.shells import Shell

# Annotation-only imports: collections.abc and typing cost milliseconds on every `asw`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from awsswitch.config.profiles import Profile, ProfileIndex

CONFLICTING = awsenv.CONFLICTING  # cleared on every switch (see awsswitch/awsenv.py)
REGION_VARS = awsenv.REGION_VARIABLES

V_PROFILE = "AWSSWITCH_PROFILE"
V_SHORT = "AWSSWITCH_SHORT"
V_TOKEN_FILE = "AWSSWITCH_TOKEN_FILE"
V_LOGIN_FILE = "AWSSWITCH_LOGIN_FILE"
V_STATE_FILES = (V_TOKEN_FILE, V_LOGIN_FILE)  # what the prompt reads the token state from
V_PREVIOUS = "AWSSWITCH_PREVIOUS"
V_REGION = "AWSSWITCH_REGION"
V_SOURCE = "AWSSWITCH_PROFILE_SOURCE"

HELP = """\
usage: {cmd} NAME [-r REGION] [--no-login]   switch to a profile
       {cmd}                                 pick one (prints the active profile off a terminal)
       {cmd} -                               back to the previous profile
       {cmd} -r REGION                       change only the region
       {cmd} -u | --unset                    leave every profile
       {cmd} -l | --list [--json]            list profiles (awsswitch list)
       {cmd} -h | --help                     this help

NAME is a full profile name, its short name (home.poweruser for
awsprofile.home.poweruser), a unique dot-separated ending, or a unique fuzzy match;
for an ending or a fuzzy match, {cmd} says which profile it chose (on stderr).
REGION is an AWS region name: eu-west-1, us-gov-west-1, cn-north-1, ...
Exit status: 0 switched, 1 failed, 2 bad usage or unknown profile, 130 interrupted.
The environment is left untouched unless the switch succeeds.
"""


class Request:
    """What the person asked for, parsed from the `asw` arguments."""

    __slots__ = ("help", "name", "no_login", "previous", "region", "unset")

    def __init__(self) -> None:
        self.name: str | None = None
        self.previous = False
        self.unset = False
        self.region: str | None = None
        self.no_login = False
        self.help = False


def parse(args: Sequence[str], cmd: str = "asw") -> Request:
    req = Request()
    names: list[str] = []
    options_done = False
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if options_done or arg == "" or arg[0] != "-":
            names.append(arg)
        elif arg == "--":
            options_done = True
        elif arg == "-":
            req.previous = True
        elif arg in ("-u", "--unset"):
            req.unset = True
        elif arg in ("-h", "--help"):
            req.help = True
        elif arg == "--no-login":
            req.no_login = True
        elif arg in ("-r", "--region"):
            if i >= len(args):
                raise UsageError(f"{arg} needs a region, e.g. {cmd} -r eu-west-1")
            req.region = args[i]
            i += 1
        elif arg.startswith("--region="):
            req.region = arg[len("--region=") :]
        elif arg.startswith("-r"):
            req.region = arg[2:]
        elif arg in ("-l", "--list"):
            raise UsageError(f"-l/--list comes first: {cmd} -l [--json]")
        else:
            raise UsageError(f"unknown option {arg!r} (see {cmd} -h)")
    if req.help:
        return req
    if len(names) > 1:
        raise UsageError(f"one profile at a time (got {len(names)} names; see {cmd} -h)")
    req.name = names[0] if names else None
    if req.region is not None:
        from awsswitch import regions  # only when -r is given

        regions.check(req.region)
    if req.previous and req.name is not None:
        raise UsageError(f"give a name or '-', not both (see {cmd} -h)")
    if req.unset and (req.name is not None or req.previous or req.region or req.no_login):
        raise UsageError(f"-u/--unset takes no other argument (see {cmd} -h)")
    return req


# -- emitting ------------------------------------------------------------------------------


def _region_lines(shell: Shell, region: str | None, env: Mapping[str, str]) -> list[str]:
    if region:
        return [
            shell.export("AWS_REGION", region),
            shell.export("AWS_DEFAULT_REGION", region),
            shell.export(V_REGION, region),
        ]
    # No region named: clear only what awsswitch itself exported and nobody changed since.
    ours = env.get(V_REGION)
    if not ours:
        return []
    stale = [v for v in REGION_VARS if env.get(v) == ours]
    return [shell.unset([*stale, V_REGION])]


def switch_code(
    shell: Shell,
    *,
    name: str,
    short: str,
    region: str | None,
    state_files: tuple[str | None, str | None],
    env: Mapping[str, str],
    cmd: str = "asw",
    source: str | None = None,
) -> list[str]:
    """The lines that switch the shell to profile `name`; `state_files` from state_files();
    `source` (`dir:FOLDER`) when a directory's `.awsprofile` chose it."""
    lines = [shell.unset(CONFLICTING), shell.export("AWS_PROFILE", name)]
    lines += _region_lines(shell, region, env)
    lines.append(shell.export(V_PROFILE, name))
    lines.append(shell.export(V_SHORT, short))
    for var, path in zip(V_STATE_FILES, state_files, strict=True):
        lines.append(shell.export(var, path) if path else shell.unset([var]))
    current = env.get("AWS_PROFILE")
    if current and current != name:
        lines.append(shell.export(V_PREVIOUS, current))
    if source:
        lines.append(shell.export(V_SOURCE, source))
    elif V_SOURCE in env:
        lines.append(shell.unset([V_SOURCE]))
    lines.append(_universal_warning(shell, ["AWS_PROFILE", *CONFLICTING], cmd))
    return [line for line in lines if line]


def unset_code(shell: Shell, *, env: Mapping[str, str], cmd: str = "asw") -> list[str]:
    """The lines that leave every profile (`asw -u`)."""
    lines = [shell.unset(["AWS_PROFILE", "AWS_DEFAULT_PROFILE"])]
    lines += _region_lines(shell, None, env)
    lines.append(shell.unset([V_PROFILE, V_SHORT, *V_STATE_FILES]))
    if V_SOURCE in env:
        lines.append(shell.unset([V_SOURCE]))
    current = env.get("AWS_PROFILE")
    if current:
        lines.append(shell.export(V_PREVIOUS, current))
    lines.append(_universal_warning(shell, ["AWS_PROFILE"], cmd))
    return [line for line in lines if line]


def region_code(shell: Shell, region: str | None, env: Mapping[str, str]) -> list[str]:
    """The lines for `asw -r REGION`: the region only, the profile stays (None: clear the
    region awsswitch set)."""
    return _region_lines(shell, region, env)


def _universal_warning(shell: Shell, names: Sequence[str], cmd: str) -> str:
    return shell.warn_universal(
        names,
        f"{cmd}: warning: a universal %s is set (set -U): it outlives this switch; "
        "remove it with: set -e -U %s\n",
    )


# -- the switch ----------------------------------------------------------------------------


def ensure_fresh(profile: Profile, index: ProfileIndex, ctx: Environment) -> None:
    """Run the SSO hook with stdout pointing at stderr: whatever it (or `aws sso login`)
    prints must never reach the wrapper's eval."""
    from awsswitch.config.profiles import KIND_LOGIN  # loaded with the index: no cost
    from awsswitch.sso import hook

    sys.stdout.flush()
    saved_fd = os.dup(1)
    saved_stdout = sys.stdout
    try:
        os.dup2(2, 1)  # child processes
        sys.stdout = ctx.stderr  # Python code, whatever sys.stdout is connected to
        hook.ensure_fresh(profile, index, interactive=ctx.interactive, env=ctx.env)
        if profile.kind == KIND_LOGIN or profile.source_profile:
            # An `aws login` console session (or a role chain that may start at one): its
            # own cache and `aws login`; imported only then, off the SSO hot path.
            from awsswitch import login_session

            login_session.ensure_fresh(profile, index, interactive=ctx.interactive, env=ctx.env)
    finally:
        sys.stdout = saved_stdout
        ctx.stderr.flush()
        os.dup2(saved_fd, 1)
        os.close(saved_fd)


def load(env: Mapping[str, str]) -> ProfileIndex:
    """The profile index, the completion names file refreshed if the config changed."""
    from awsswitch.config import names
    from awsswitch.config.profiles import load_index

    before = names.stamp(env)
    index = load_index(env)
    names.update(index, env, before)
    return index


def run(shell: Shell, req: Request, ctx: Environment, cmd: str = "asw") -> list[str]:
    """The shell code for `req`; raises AwsswitchError/UsageError/KeyboardInterrupt."""
    env = ctx.env
    if req.help:
        ctx.stderr.write(HELP.format(cmd=cmd))
        return []
    if req.unset:
        return unset_code(shell, env=env, cmd=cmd)
    if req.region and req.name is None and not req.previous:
        return region_code(shell, req.region, env)

    if req.name is None and not req.previous and not ctx.interactive:
        # Off a terminal, `asw` alone reports the active profile (for scripts).
        current = env.get("AWS_PROFILE")
        return [shell.echo(current)] if current else []

    index = load(env)
    profiles = index.profiles
    if req.previous:
        previous = env.get(V_PREVIOUS)
        if not previous:
            raise UsageError("no previous profile yet")
        profile = index.by_name.get(previous)
        if profile is None:
            raise UsageError(f"the previous profile '{display(previous)}' no longer exists")
    elif req.name is None:
        profile = _pick(profiles, "", ctx)
    else:
        profile = _resolve(req.name, profiles, ctx, cmd)

    if not req.no_login:
        ensure_fresh(profile, index, ctx)
    if env.get("AWS_VAULT"):
        # aws-vault's nesting marker: not ours to clear, but prompts rank it above
        # AWS_PROFILE, so they would keep showing the aws-vault profile.
        ctx.say(
            f"{cmd}: warning: AWS_VAULT is set ({display(env['AWS_VAULT'])}): this shell runs "
            "inside `aws-vault exec`; its credentials are cleared, but prompts may keep "
            "showing that profile until you leave that shell"
        )
    return switch_to(shell, profile, index, region=req.region or profile.region, env=env, cmd=cmd)


def switch_to(
    shell: Shell,
    profile: Profile,
    index: ProfileIndex,
    *,
    region: str | None,
    env: Mapping[str, str],
    cmd: str,
    source: str | None = None,
) -> list[str]:
    """switch_code for `profile` (its token or console-session file for the prompt): what
    `asw`, the per-directory hook and `exec` all set."""
    return switch_code(
        shell,
        name=profile.name,
        short=profile.short,
        region=region,
        state_files=state_files(profile, index, env),
        env=env,
        cmd=cmd,
        source=source,
    )


def state_files(
    profile: Profile, index: ProfileIndex, env: Mapping[str, str]
) -> tuple[str | None, str | None]:
    """(SSO token file, console-session cache file) the prompt reads `profile`'s state from;
    at most one is set: a source_profile chain ends in one profile, of one kind."""
    from awsswitch.config.profiles import KIND_LOGIN  # loaded with the index: no cost
    from awsswitch.sso.state import cache_file_for

    token_file = cache_file_for(profile, index, env)
    if token_file is not None or not (profile.kind == KIND_LOGIN or profile.source_profile):
        return token_file, None
    from awsswitch import login_session  # off the SSO and plain-keys paths

    target = login_session.link(profile, index, env)
    return None, target.cache_file if target is not None else None


def _pick(profiles: Sequence[Profile], query: str, ctx: Environment) -> Profile:
    from awsswitch.switch.picker import pick

    chosen = pick(profiles, query=query, current=ctx.get("AWS_PROFILE"), ctx=ctx)
    if chosen is None:
        raise KeyboardInterrupt
    return chosen


def _resolve(query: str, profiles: Sequence[Profile], ctx: Environment, cmd: str) -> Profile:
    from awsswitch.config.resolve import EXACT, close_matches, match

    found, how = match(query, profiles)
    if len(found) == 1:
        if how not in EXACT:
            # Not the name the prompt shows: say which profile the guess landed on.
            ctx.say(f'{cmd}: using {display(found[0].name)} (matched "{display(query)}")')
        return found[0]
    if found:
        if ctx.interactive:
            return _pick(profiles, query, ctx)
        shown = "\n".join(f"  {display(p.name)}" for p in found[:30])
        more = f"\n  … and {len(found) - 30} more" if len(found) > 30 else ""
        raise UsageError(
            f"'{display(query)}' matches {len(found)} profiles:\n{shown}{more}\n"
            f"Type more of the name, or run {cmd} alone to pick one."
        )
    close = close_matches(query, profiles)
    hint = ""
    if close:
        hint = "; did you mean: " + ", ".join(display(p.short) for p in close) + "?"
    elif not profiles:
        hint = "; there are no profiles yet: awsswitch configure profile NAME"
    raise UsageError(f"no profile matches '{display(query)}'{hint}")
