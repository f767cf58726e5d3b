"""`awsswitch export [PROFILE] [--format FORMAT]`: print a profile's temporary credentials.

For tools that cannot read SSO profiles: `eval "$(awsswitch export)"`, `awsswitch export
--format fish | source`, `docker run --env-file <(awsswitch export --format dotenv)`, or as a
`credential_process = awsswitch export --format process PROFILE`. PROFILE defaults to
$AWS_PROFILE. Formats: see `awsswitch.credentials.formats`.

Parsed here with the standard library (served like `init`, without typer); a warm call (the
role's credentials cached with more than 15 minutes left) imports neither boto3 nor botocore
and makes no network request. Secrets go to stdout only; every message goes to stderr and
names no secret.
"""

from __future__ import annotations

import sys

from awsswitch.context import Environment, current, display
from awsswitch.credentials import formats
from awsswitch.errors import EXIT_INTERRUPTED, AwsswitchError, UsageError

# Annotation-only imports: typing costs milliseconds on a warm export.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

USAGE = f"usage: awsswitch export [PROFILE] [--format {'|'.join(formats.FORMATS)}]"
HELP = f"""{USAGE}

Print temporary credentials for PROFILE (default: $AWS_PROFILE): AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION, and AWS_REGION and
AWS_DEFAULT_REGION when the profile has a region. Role credentials are cached in
~/.aws/cli/cache, shared with the AWS CLI v2.

Formats (default {formats.DEFAULT}):
  env            export NAME=VALUE       eval "$(awsswitch export)"
  env-no-export  NAME=VALUE
  fish           set -gx NAME "VALUE"    awsswitch export --format fish | source
  powershell     $Env:NAME="VALUE"       awsswitch export -f powershell | Out-String | iex
  process        credential_process JSON (Version 1), for a profile's credential_process line
  dotenv         NAME=VALUE, unquoted    docker run --env-file <(awsswitch export --format dotenv)
Values with characters a shell would interpret are single-quoted; a value a format
cannot represent (a line break in dotenv) is refused.
"""


class ExportOptions:
    __slots__ = ("format", "help", "profile")

    def __init__(self) -> None:
        self.profile: str | None = None
        self.format = formats.DEFAULT
        self.help = False


def parse(args: Sequence[str]) -> ExportOptions:
    opts = ExportOptions()
    i = 0
    options_done = False
    while i < len(args):
        arg = args[i]
        i += 1
        if not options_done and arg == "--":
            options_done = True
        elif not options_done and arg in ("--format", "-f"):
            if i >= len(args):
                raise UsageError(f"{arg} needs a value\n{USAGE}")
            opts.format = args[i]
            i += 1
        elif not options_done and arg.startswith("--format="):
            opts.format = arg[len("--format=") :]
        elif not options_done and arg in ("--help", "-h"):
            opts.help = True
        elif not options_done and arg.startswith("-") and arg != "-":
            raise UsageError(f"unknown option {display(arg)!r}\n{USAGE}")
        elif opts.profile is None:
            opts.profile = arg
        else:
            raise UsageError(f"one profile at a time\n{USAGE}")
    if opts.format not in formats.FORMATS:
        raise UsageError(
            f"unknown format {display(opts.format)!r}: choose from {', '.join(formats.FORMATS)}"
        )
    return opts


def render(opts: ExportOptions, ctx: Environment) -> str:
    """The text to print: resolves the profile's credentials (may log in on a terminal)."""
    from awsswitch.config.profiles import load_index
    from awsswitch.credentials.resolve import find, resolve

    name = opts.profile or ctx.get("AWS_PROFILE")
    if not name:
        raise UsageError(f"no PROFILE given and AWS_PROFILE is not set\n{USAGE}")
    index = load_index(ctx.env)
    profile = find(name, index)
    creds = resolve(profile.name, ctx, index=index)
    return formats.render(opts.format, creds, profile.region)


def _write(ctx: Environment, text: str) -> None:
    buffer = getattr(ctx.stdout, "buffer", None)
    if buffer is not None:  # bytes: a C locale must not turn a value into an encoding error
        ctx.stdout.flush()
        buffer.write(text.encode("utf-8"))
        buffer.flush()
    else:
        ctx.stdout.write(text)
        ctx.stdout.flush()


def run(args: Sequence[str], ctx: Environment) -> int:
    try:
        opts = parse(args)
        if opts.help:
            ctx.stdout.write(HELP)
            ctx.stdout.flush()
            return 0
        text = render(opts, ctx)
    except AwsswitchError as exc:
        ctx.say(f"awsswitch: {exc.message}")
        return exc.exit_code
    except KeyboardInterrupt:
        ctx.say("awsswitch: interrupted")
        return EXIT_INTERRUPTED
    _write(ctx, text)
    return 0


def main(argv: list[str]) -> int:
    """`awsswitch export ARGS` (fast-dispatched like `init`)."""
    return run(argv, current())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
