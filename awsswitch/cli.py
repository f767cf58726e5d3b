"""The typer layer: argument parsing and help only. Each command's work lives in
`awsswitch.commands.<name>` (one module per command), imported when the command runs;
`awsswitch.cli_run` runs this app behind the error boundary."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from awsswitch import __version__, context

app = typer.Typer(
    name="awsswitch",
    help=(
        "Switch AWS profiles in bash, zsh and fish, SSO-aware.\n\n"
        'Add `eval "$(awsswitch init zsh)"` to ~/.zshrc (or bash/fish), then type `asw NAME`.'
    ),
    no_args_is_help=False,  # run() prints the help itself, the same with every click
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
configure_app = typer.Typer(
    help="Create or update [sso-session] and [profile] sections in ~/.aws/config.",
    no_args_is_help=False,  # run() prints the help itself, the same with every click
    rich_markup_mode=None,
)
app.add_typer(configure_app, name="configure")


def _version(value: bool) -> None:
    if value:
        print(f"awsswitch {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", help="Print the version and exit.", callback=_version, is_eager=True
        ),
    ] = False,
) -> None:
    """Switch AWS profiles in bash, zsh and fish, SSO-aware."""


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def init(
    shell: Annotated[
        Optional[str], typer.Argument(help="bash, zsh or fish; detected when omitted.")
    ] = None,
    cmd: Annotated[str, typer.Option("--cmd", help="Name of the switch function.")] = "asw",
    aliases: Annotated[
        bool,
        typer.Option(
            "--aliases",
            help="Define one alias per profile (named by its short name); "
            "--aliases=PREFIX puts PREFIX before each.",
        ),
    ] = False,
    prompt: Annotated[
        bool, typer.Option("--prompt", help="Also install the prompt segment.")
    ] = False,
    auto: Annotated[
        bool,
        typer.Option(
            "--auto",
            help="Per-directory profiles: cd into a tree whose .awsprofile you allowed "
            "(awsswitch allow) switches to the profile it names; leaving switches back.",
        ),
    ] = False,
) -> None:
    """Print the shell integration: add `eval "$(awsswitch init zsh)"` to your rc file.

    fish: `awsswitch init fish | source` in ~/.config/fish/config.fish.
    The output is identical for a given version and options, so it may be cached.
    """
    from awsswitch.switch import init as initcmd

    raise typer.Exit(initcmd.main(sys.argv[2:]))


@configure_app.command("sso-session")
def configure_sso_session(
    name: Annotated[str, typer.Argument(help="The sso-session name, e.g. awssso.home.")],
    start_url: Annotated[
        Optional[str], typer.Option("--start-url", help="SSO start URL (https://…/start).")
    ] = None,
    region: Annotated[
        Optional[str], typer.Option("--region", help="Region of the IAM Identity Center.")
    ] = None,
    scopes: Annotated[
        Optional[str],
        typer.Option(
            "--scopes", help="Registration scopes, comma-separated [default: sso:account:access]."
        ),
    ] = None,
) -> None:
    """Create or update [sso-session NAME]; prompts for what is missing on a terminal.

    Off a terminal, --start-url and --region are required for a new session.
    Only the lines that change are rewritten; the file is replaced atomically.

    \b
    Example:
      awsswitch configure sso-session awssso.home \\
        --start-url https://d-1234567890.awsapps.com/start --region eu-west-1
    """
    from awsswitch.commands import configure

    configure.sso_session(name, start_url=start_url, region=region, scopes=scopes)


@configure_app.command("profile")
def configure_profile(
    name: Annotated[
        Optional[str],
        typer.Argument(help="Profile name; defaults to $AWS_PROFILE. `default` writes [default]."),
    ] = None,
    sso_session: Annotated[
        Optional[str], typer.Option("--sso-session", help="The sso-session it uses.")
    ] = None,
    account_id: Annotated[
        Optional[str], typer.Option("--account-id", help="12-digit AWS account id.")
    ] = None,
    role_name: Annotated[
        Optional[str], typer.Option("--role-name", help="Permission set (role) name.")
    ] = None,
    region: Annotated[Optional[str], typer.Option("--region", help="Default region.")] = None,
    output: Annotated[
        Optional[str], typer.Option("--output", help="Default output format (json, text, …).")
    ] = None,
) -> None:
    """Create or update [profile NAME]; prompts for what is missing on a terminal.

    A new profile needs --sso-session, --account-id and --role-name (asked for on a
    terminal); an existing one gets just the values given.

    \b
    Example:
      awsswitch configure profile awsprofile.home.poweruser --sso-session awssso.home \\
        --account-id 123412341234 --role-name PowerUserAccess --region eu-west-1
    """
    from awsswitch.commands import configure

    configure.profile(
        name,
        sso_session=sso_session,
        account_id=account_id,
        role_name=role_name,
        region=region,
        output=output,
    )


@app.command("list")
def list_(
    json_: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """List every profile: name, short name, kind, session, account, role, region, token.

    `*` marks $AWS_PROFILE; `*@` marks one a directory's .awsprofile chose (`init --auto`).
    KIND is sso, sso-legacy, keys, role, process, login or other; TOKEN is the SSO token
    state of the profile's session (fresh, refreshable, login-needed, or -).
    """
    from awsswitch.commands import list_profiles

    list_profiles.run(context.current(), as_json=json_)


@app.command()
def status(
    profile: Annotated[
        Optional[str], typer.Argument(help="Profile to inspect; the active one by default.")
    ] = None,
    verify: Annotated[
        bool, typer.Option("--verify", help="Ask STS who you are (network call).")
    ] = False,
) -> None:
    """Show the active profile, why it is active, and its SSO token state."""
    from awsswitch.commands import status as status_cmd

    status_cmd.run(context.current(), profile, verify=verify)


@app.command()
def doctor(
    profile: Annotated[
        Optional[str],
        typer.Argument(
            help="The profile you mean (as `asw NAME` resolves it); default: what the prompt shows."
        ),
    ] = None,
    json_: Annotated[
        bool, typer.Option("--json", help="Machine-readable report (schema: docs/doctor.md).")
    ] = False,
    verify: Annotated[
        bool,
        typer.Option("--verify", help="Also ask STS who a call from this shell is (network)."),
    ] = False,
) -> None:
    """Explain which identity and region an AWS call from this shell uses, and what differs.

    Each finding comes with the command that fixes it, for your shell.
    Exit status: 0 nothing wrong (notes only), 1 a problem was found, 2 bad usage.
    """
    from awsswitch.commands import doctor as doctor_cmd

    raise typer.Exit(doctor_cmd.run(profile, as_json=json_, verify=verify, ctx=context.current()))


@app.command()
def export(
    profile: Annotated[
        Optional[str], typer.Argument(help="Profile; $AWS_PROFILE by default.")
    ] = None,
    format_: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="env, env-no-export, fish, powershell, process or dotenv.",
        ),
    ] = "env",
) -> None:
    """Print temporary credentials for a profile (for tools that cannot read SSO profiles).

    Prints AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
    AWS_CREDENTIAL_EXPIRATION, and AWS_REGION/AWS_DEFAULT_REGION when the profile has a
    region. Role credentials are cached in ~/.aws/cli/cache, shared with the AWS CLI v2.

    \b
    Examples:
      eval "$(awsswitch export)"
      awsswitch export --format fish | source
      docker run --env-file <(awsswitch export --format dotenv) IMAGE
      credential_process = awsswitch export --format process PROFILE
    """
    from awsswitch.commands import export as export_cmd

    raise typer.Exit(
        export_cmd.run(
            ["--format", format_, *(["--", profile] if profile else [])], context.current()
        )
    )


@app.command(
    "exec",
    context_settings={
        "allow_extra_args": True,
        "ignore_unknown_options": True,
        "allow_interspersed_args": False,
        "help_option_names": [],
    },
)
def exec_(ctx: typer.Context) -> None:
    """Run CMD with a profile: AWS_PROFILE as asw sets it, --env-credentials, or --server.

    awsswitch exec [PROFILE] [--env-credentials | --server] -- CMD [ARG...]
    (parsed by awsswitch.commands.exec_; `awsswitch exec --help` for the details)
    """
    from awsswitch.commands import exec_ as exec_cmd

    raise typer.Exit(exec_cmd.main(list(ctx.args)))


@app.command()
def serve(
    profile: Annotated[
        Optional[str], typer.Argument(help="Profile to serve; $AWS_PROFILE by default.")
    ] = None,
    port: Annotated[
        int,
        typer.Option("--port", min=0, max=65535, help="Port on 127.0.0.1 [default: any free]."),
    ] = 0,
) -> None:
    """Serve a profile's credentials on 127.0.0.1 for SDKs (container format) until Ctrl-C."""
    from awsswitch.commands import serve as serve_cmd

    raise typer.Exit(serve_cmd.main(["--port", str(port), "--", *([profile] if profile else [])]))


@app.command()
def console(
    profile: Annotated[
        Optional[str], typer.Argument(help="Profile to sign in as; $AWS_PROFILE by default.")
    ] = None,
    service: Annotated[
        Optional[str], typer.Option("--service", help="Land on this service (ec2, s3, ...).")
    ] = None,
    destination: Annotated[
        Optional[str], typer.Option("--destination", help="Land on this console URL or path.")
    ] = None,
    region: Annotated[
        Optional[str], typer.Option("--region", help="Console region [default: the profile's].")
    ] = None,
    url: Annotated[
        bool, typer.Option("--url", help="Print the sign-in URL instead of opening it.")
    ] = False,
    browser: Annotated[
        Optional[str], typer.Option("--browser", help="Open it with CMD (the URL comes last).")
    ] = None,
    duration: Annotated[
        Optional[int],
        typer.Option("--duration", min=900, max=43200, help="Console session seconds [3600]."),
    ] = None,
) -> None:
    """Open the AWS console signed in as a profile (through the federation endpoint)."""
    from awsswitch.commands import console as console_cmd

    given = (
        ("service", service),
        ("destination", destination),
        ("region", region),
        ("browser", browser),
        ("duration", duration),
    )
    args = [f"--{k}={v}" for k, v in given if v is not None] + (["--url"] if url else [])
    raise typer.Exit(console_cmd.main([*args, "--", *([profile] if profile else [])]))


_TRUST_DIR_HELP = "A folder (the nearest .awsprofile from there up) or the file; default: here."


@app.command()
def allow(
    directory: Annotated[Optional[str], typer.Argument(help=_TRUST_DIR_HELP, metavar="DIR")] = None,
) -> None:
    """Trust a directory's .awsprofile for `init --auto`: its path and content's sha256.

    The file names a profile on its first line, optionally `region = NAME` after it; nothing
    in it is ever run. A later change of a byte needs `allow` again.
    """
    from awsswitch.commands import allow as allow_cmd

    raise typer.Exit(allow_cmd.allow(directory, ctx=context.current()))


@app.command()
def deny(
    directory: Annotated[Optional[str], typer.Argument(help=_TRUST_DIR_HELP, metavar="DIR")] = None,
) -> None:
    """Stop trusting a directory's .awsprofile (whatever its content now)."""
    from awsswitch.commands import allow as allow_cmd

    raise typer.Exit(allow_cmd.deny(directory, ctx=context.current()))


@app.command()
def login(
    profile: Annotated[
        Optional[str], typer.Argument(help="Profile whose sso-session to log into.")
    ] = None,
    sso_session: Annotated[
        Optional[str], typer.Option("--sso-session", help="Log into this sso-session.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Log in even if the token is fresh.")
    ] = False,
    native: Annotated[
        bool,
        typer.Option(
            "--native", help="Use the built-in login (PKCE, or a device code), not `aws sso login`."
        ),
    ] = False,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Open no browser: log in with a device code.")
    ] = False,
    use_device_code: Annotated[
        bool,
        typer.Option(
            "--use-device-code",
            help="Log in with a device code (approve from any device), not the browser on "
            "this machine.",
        ),
    ] = False,
) -> None:
    """Make an SSO session's token fresh: keep it, refresh it, or log in.

    The built-in login uses the browser (authorization code with PKCE, as the AWS CLI v2
    does) and falls back to a device code when no browser can be opened. A session's
    `awsswitch_browser = CMD` key in ~/.aws/config picks the browser for that session.
    """
    from awsswitch.commands import login as login_cmd

    login_cmd.run(
        profile,
        sso_session=sso_session,
        force=force,
        native=native,
        no_browser=no_browser,
        use_device_code=use_device_code,
    )


@app.command()
def logout(
    sso_session: Annotated[
        Optional[str],
        typer.Option("--sso-session", help="Session to end; the active profile's by default."),
    ] = None,
) -> None:
    """End an SSO session and remove its cached token."""
    from awsswitch.commands import logout as logout_cmd

    logout_cmd.run(sso_session=sso_session)


@app.command()
def sync(
    sessions: Annotated[list[str], typer.Argument(help="sso-session name(s) to sync.")],
    template: Annotated[
        Optional[str],
        typer.Option(
            "--template",
            help="Profile name template "
            "[default: awsprofile.{location}.{account_name}.{role_name}].",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print a diff of the config; write nothing.")
    ] = False,
    prune: Annotated[
        bool, typer.Option("--prune", help="Remove generated profiles whose role is gone.")
    ] = False,
    rename: Annotated[
        bool,
        typer.Option(
            "--rename",
            help="Move profiles sync adopts (hand-written, or another template's) to the "
            "template's name, in place.",
        ),
    ] = False,
    region: Annotated[
        Optional[str], typer.Option("--region", help="region = for generated profiles.")
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, help="Portal calls in flight at most.")
    ] = 8,
    max_rate: Annotated[
        Optional[float],
        typer.Option(
            "--max-rate",
            min=0.1,
            help="Most portal requests per second per session "
            "[default: none; starts at 20/s, adapts to throttling].",
        ),
    ] = None,
) -> None:
    """Generate a native sso_session profile for every account and role the portal grants.

    Template placeholders: {session}, {location}, {account_name}, {account_id}, {role_name}.
    """
    from awsswitch.commands import sync as sync_cmd

    sync_cmd.run(
        sessions,
        template=template,
        dry_run=dry_run,
        prune=prune,
        rename=rename,
        region=region,
        yes=yes,
        concurrency=concurrency,
        max_rate=max_rate,
    )


@app.command()
def demo(
    shell: Annotated[
        Optional[str], typer.Argument(help="bash, zsh or fish; your shell by default.")
    ] = None,
) -> None:
    """Start a sandboxed shell with a local Identity Center stand-in: try everything offline."""
    from awsswitch.commands import demo as demo_cmd

    raise typer.Exit(demo_cmd.run(shell))
