"""What the commands with their own standard-library parser (export, exec, serve, console)
share: scanning `[PROFILE]` and options, choosing the profile, making its SSO session fresh,
printing a secret on stdout, and the run skeleton that turns `--help`, an AwsswitchError or
Ctrl-C into output and an exit status.

Stdlib only and cheap to import: a warm `awsswitch export` goes through here.
"""

from __future__ import annotations

from awsswitch.context import Environment, display
from awsswitch.errors import EXIT_INTERRUPTED, AwsswitchError, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import Protocol, TypeVar

    from awsswitch.config.profiles import Profile, ProfileIndex

    class _Options(Protocol):
        help: bool

    O = TypeVar("O", bound=_Options)  # noqa: E741


class Scanned:
    """What `scan` found: the PROFILE, the valued options' last values (under their long
    names), the flags given, and whether help was asked for."""

    __slots__ = ("flags", "help", "profile", "values")

    def __init__(self) -> None:
        self.profile: str | None = None
        self.values: dict[str, str] = {}
        self.flags: set[str] = set()
        self.help = False


def scan(
    args: Sequence[str],
    usage: str,
    *,
    valued: Sequence[str] = (),
    flags: Sequence[str] = (),
    aliases: Mapping[str, str] | None = None,
) -> Scanned:
    """`[PROFILE]` among options: `--` ends the options; a valued option takes the next word
    or, in its long form, `--name=VALUE`; `aliases` maps a short name (`-f`) to its long one
    and takes the next word only; `-h`/`--help`; `-` alone is a PROFILE; one PROFILE at most."""
    aliases = aliases or {}
    out = Scanned()
    i = 0
    options_done = False
    while i < len(args):
        arg = args[i]
        i += 1
        name, eq, inline = arg.partition("=")
        if options_done or arg == "-" or not arg.startswith("-"):
            if out.profile is not None:
                raise UsageError(f"one profile at a time\n{usage}")
            out.profile = arg
        elif arg == "--":
            options_done = True
        elif arg in ("-h", "--help"):
            out.help = True
        elif arg in flags:
            out.flags.add(arg)
        elif arg in valued or arg in aliases:
            if i >= len(args):
                raise UsageError(f"{arg} needs a value\n{usage}")
            out.values[aliases.get(arg, arg)] = args[i]
            i += 1
        elif eq and name in valued:
            out.values[name] = inline
        else:
            raise UsageError(f"unknown option {display(arg)!r}\n{usage}")
    return out


def select(name: str | None, ctx: Environment, usage: str = "") -> tuple[Profile, ProfileIndex]:
    """The profile called `name` (default $AWS_PROFILE), exact or short name: a command run
    by a script must never drift to a fuzzy match."""
    from awsswitch.config.profiles import load_index
    from awsswitch.credentials.resolve import find

    name = name or ctx.get("AWS_PROFILE")
    if not name:
        raise UsageError("no PROFILE given and AWS_PROFILE is not set" + (usage and f"\n{usage}"))
    index = load_index(ctx.env)
    return find(name, index), index


def make_fresh(profile: Profile, index: ProfileIndex, ctx: Environment) -> None:
    """The profile's SSO session (if any) made fresh as `asw` makes it: kept, refreshed, or
    logged in on a terminal; output of a login goes to stderr."""
    from awsswitch.sso import hook
    from awsswitch.sso.state import profile_target

    target = profile_target(profile, index, ctx.env)
    if target is not None:
        hook.ensure_target_fresh(target, interactive=ctx.interactive, env=ctx.env)


def write_stdout(ctx: Environment, text: str) -> None:
    """`text` on stdout as UTF-8 bytes when it can: a C locale must not turn a secret
    value into an encoding error."""
    buffer = getattr(ctx.stdout, "buffer", None)
    if buffer is not None:
        ctx.stdout.flush()
        buffer.write(text.encode("utf-8"))
        buffer.flush()
    else:
        ctx.stdout.write(text)
        ctx.stdout.flush()


def run_command(
    args: Sequence[str],
    ctx: Environment,
    parse: Callable[[Sequence[str]], O],
    help_text: str,
    body: Callable[[O, Environment], int],
) -> int:
    """Parse `args`, print `help_text` when asked, else run `body`; an AwsswitchError becomes
    `awsswitch: message` and its exit status, Ctrl-C "interrupted" and 130."""
    try:
        opts = parse(args)
        if opts.help:
            ctx.stdout.write(help_text)
            ctx.stdout.flush()
            return 0
        return body(opts, ctx)
    except AwsswitchError as exc:
        ctx.say(f"awsswitch: {exc.message}")
        return exc.exit_code
    except KeyboardInterrupt:
        ctx.say("awsswitch: interrupted")
        return EXIT_INTERRUPTED
