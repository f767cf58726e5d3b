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

from awsswitch.commands._common import run_command, scan, select, write_stdout
from awsswitch.context import Environment, current, display
from awsswitch.credentials import formats
from awsswitch.errors import UsageError

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
    found = scan(args, USAGE, valued=("--format",), aliases={"-f": "--format"})
    opts = ExportOptions()
    opts.profile, opts.help = found.profile, found.help
    opts.format = found.values.get("--format", formats.DEFAULT)
    if opts.format not in formats.FORMATS:
        raise UsageError(
            f"unknown format {display(opts.format)!r}: choose from {', '.join(formats.FORMATS)}"
        )
    return opts


def render(opts: ExportOptions, ctx: Environment) -> str:
    """The text to print: resolves the profile's credentials (may log in on a terminal)."""
    from awsswitch.credentials.resolve import resolve

    profile, index = select(opts.profile, ctx, USAGE)
    creds = resolve(profile.name, ctx, index=index)
    return formats.render(opts.format, creds, profile.region)


def _export(opts: ExportOptions, ctx: Environment) -> int:
    write_stdout(ctx, render(opts, ctx))
    return 0


def run(args: Sequence[str], ctx: Environment) -> int:
    return run_command(args, ctx, parse, HELP, _export)


def main(argv: list[str]) -> int:
    """`awsswitch export ARGS` (fast-dispatched like `init`)."""
    return run(argv, current())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
