"""`awsswitch console [PROFILE] [--service S | --destination URL] [--region R] [--url]
[--browser CMD] [--duration SECONDS]`: open the AWS console signed in as PROFILE.

The profile's credentials (see `awsswitch.credentials.resolve`; the SSO session made fresh
first, as `asw` does) are exchanged for a sign-in URL (`awsswitch.credentials.console`) and
opened with, in this order: `--browser CMD`; the profile's `awsswitch_browser = CMD` (or that
of the SSO profile its role chain starts from, or of its `[sso-session]`), a key botocore and
the AWS CLI ignore; `$BROWSER`; the system opener (xdg-open, open). The URL is CMD's last
argument (or replaces `%s`); CMD is split like shell words and never run by a shell. With
`--url` the URL is printed on stdout instead. The URL is a secret for 15 minutes: it never
appears on stderr.
"""

from __future__ import annotations

import sys

from awsswitch.commands._common import make_fresh, run_command, scan, select, write_stdout
from awsswitch.context import Environment, current, display
from awsswitch.errors import UsageError
from awsswitch.sso.browser import KEY as BROWSER_KEY

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from awsswitch.config.profiles import Profile, ProfileIndex

USAGE = (
    "usage: awsswitch console [PROFILE] [--service S | --destination URL] [--region R] "
    "[--url] [--browser CMD] [--duration SECONDS]"
)
HELP = f"""{USAGE}

Sign in to the AWS console as PROFILE (default: $AWS_PROFILE) and open it in a browser.

  --service S        land on service S (ec2, s3, iam, ...); default: the console home
  --destination URL  land on this console URL (or a path such as /s3/buckets)
  --region R         the console's region (default: the profile's region)
  --url              print the sign-in URL on stdout instead of opening it (valid 15 min)
  --browser CMD      open it with CMD (the URL is CMD's last argument), e.g.
                     --browser 'firefox -P work' or --browser 'google-chrome
                     --profile-directory="Profile 2"'
  --duration S       console session length in seconds, 900-43200 (default 3600; a role
                     assumed from another role allows 3600 at most)

Without --browser: the profile's (or its sso-session's) `{BROWSER_KEY} = CMD` in
~/.aws/config, else $BROWSER, else the system's opener. Long-term IAM user keys are first
turned into a federated session (STS GetFederationToken).
"""

_VALUED = ("--service", "--destination", "--region", "--browser", "--duration")


class ConsoleOptions:
    __slots__ = (
        "browser",
        "destination",
        "duration",
        "help",
        "print_url",
        "profile",
        "region",
        "service",
    )

    def __init__(self) -> None:
        self.profile: str | None = None
        self.service: str | None = None
        self.destination: str | None = None
        self.region: str | None = None
        self.browser: str | None = None
        self.duration: int | None = None
        self.print_url = False
        self.help = False


def parse(args: Sequence[str]) -> ConsoleOptions:
    found = scan(args, USAGE, valued=_VALUED, flags=("--url",))
    opts = ConsoleOptions()
    opts.profile, opts.help = found.profile, found.help
    opts.print_url = "--url" in found.flags
    values = found.values
    opts.service = values.get("--service")
    opts.destination = values.get("--destination")
    opts.browser = values.get("--browser")
    if opts.service is not None and opts.destination is not None:
        raise UsageError(f"--service and --destination exclude each other\n{USAGE}")
    if "--region" in values:
        from awsswitch import regions

        opts.region = regions.check(values["--region"])
    if "--duration" in values:
        text = values["--duration"]
        from awsswitch.credentials.console import MAX_DURATION, MIN_DURATION

        if not (text.isascii() and text.isdigit()) or not (
            MIN_DURATION <= int(text) <= MAX_DURATION
        ):
            raise UsageError(
                f"--duration takes seconds from {MIN_DURATION} to {MAX_DURATION}, not "
                f"{display(text)!r}"
            )
        opts.duration = int(text)
    return opts


def partition_for(
    profile: Profile, index: ProfileIndex, region: str | None, ctx: Environment
) -> str:
    """The partition to sign in to: the region's, else the SSO region's, else the role ARN's,
    else the commercial one."""
    from awsswitch.regions import partition_of

    for candidate in (region, _sso_region(profile, index, ctx)):
        if candidate:
            found = partition_of(candidate)
            if found:
                return found
    from awsswitch import arn

    for member in index.chain(profile.name):
        parsed = arn.parse(member.role_arn)
        if parsed is not None and parsed.partition:
            return parsed.partition
    return "aws"


def _sso_region(profile: Profile, index: ProfileIndex, ctx: Environment) -> str | None:
    from awsswitch.sso.state import link

    target = link(profile, index, ctx.env)
    return target.region if target is not None else None


def configured_browser(profile: Profile, index: ProfileIndex, ctx: Environment) -> str | None:
    """`awsswitch_browser` of the profile, of the SSO profile its chain starts from, or of
    that profile's sso-session."""
    from awsswitch import paths
    from awsswitch.config import reader
    from awsswitch.sso.state import link

    sections = reader.load_config(paths.config_file(ctx.env)).get("profiles", {})
    names = [profile.name]
    root = index.sso_root(profile.name)
    if root is not None and root.name != profile.name:
        names.append(root.name)
    for name in names:
        value = (sections.get(name) or {}).get(BROWSER_KEY)
        if isinstance(value, str):
            return value
    target = link(profile, index, ctx.env)
    if target is not None and target.session is not None:
        value = (index.sso_sessions.get(target.session) or {}).get(BROWSER_KEY)
        if isinstance(value, str):
            return value
    return None


def sign_in_url(opts: ConsoleOptions, ctx: Environment) -> tuple[str, Profile, ProfileIndex]:
    from awsswitch.credentials import console
    from awsswitch.credentials.resolve import resolve

    profile, index = select(opts.profile, ctx)
    region = opts.region or profile.region
    partition = partition_for(profile, index, region, ctx)
    page = console.destination(partition, region, service=opts.service, url=opts.destination)
    console.endpoint(partition, ctx.env)  # a bad override fails before any network call
    make_fresh(profile, index, ctx)
    creds = resolve(profile.name, ctx, index=index)
    url = console.sign_in(
        creds,
        partition=partition,
        region=region,
        page=page,
        duration=opts.duration,
        env=ctx.env,
    )
    return url, profile, index


def _console(opts: ConsoleOptions, ctx: Environment) -> int:
    from awsswitch.credentials import console

    url, profile, index = sign_in_url(opts, ctx)
    if opts.print_url:
        write_stdout(ctx, url + "\n")
        return 0
    configured = None if opts.browser is not None else configured_browser(profile, index, ctx)
    command, origin = console.browser_command(opts.browser, configured, ctx.env, sys.platform)
    console.open_url(command, url, ctx.env)
    ctx.say(
        f"awsswitch: opened the console for {display(profile.name)} with "
        f"{display(command[0])} ({origin})"
    )
    return 0


def run(args: Sequence[str], ctx: Environment) -> int:
    return run_command(args, ctx, parse, HELP, _console)


def main(argv: list[str]) -> int:
    """`awsswitch console ARGS` (parsed with the standard library, like `export`)."""
    return run(argv, current())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
