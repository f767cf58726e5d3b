"""`awsswitch exec [PROFILE] [--env-credentials | --server] -- CMD [ARG...]`: run CMD with a
profile.

- default: CMD's environment is what `asw PROFILE` would leave in the shell (`AWS_PROFILE`
  set, the variables that override or misreport it cleared, the profile's region), after the
  SSO session is made fresh as `asw` makes it. awsswitch then becomes CMD (exec): no parent
  stays behind, signals and the exit status are CMD's own.
- `--env-credentials`: the same, without `AWS_PROFILE` and with temporary credentials in
  `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`,
  `AWS_CREDENTIAL_EXPIRATION`, for tools that cannot read SSO profiles (also exec).
- `--server`: a loopback credential server (`awsswitch.credentials.server`) runs for CMD's
  lifetime and CMD gets only `AWS_CONTAINER_CREDENTIALS_FULL_URI` and
  `AWS_CONTAINER_AUTHORIZATION_TOKEN`: SDKs come back for new credentials whenever theirs
  expire, so a job lasts as long as the SSO session. awsswitch stays CMD's parent: it passes
  on SIGTERM, SIGHUP, SIGUSR1/2 (and Ctrl-C or Ctrl-\\ when they did not come from CMD's
  terminal, which sends them to CMD itself) and returns CMD's status (128+N for signal N).

CMD is never run through a shell. Not found: exit 127; found but not runnable: 126. Every
message goes to stderr; stdout is CMD's alone. Stdlib only until credentials must be fetched.
"""

from __future__ import annotations

import os
import sys

from awsswitch.commands._common import make_fresh, run_command, select
from awsswitch.context import Environment, current, display
from awsswitch.errors import AwsswitchError, UsageError
from awsswitch.shells.base import Shell

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from awsswitch.config.profiles import Profile, ProfileIndex

MODE_PROFILE = "profile"
MODE_ENV = "env-credentials"
MODE_SERVER = "server"
EXIT_NOT_RUNNABLE = 126
EXIT_NOT_FOUND = 127

USAGE = "usage: awsswitch exec [PROFILE] [--env-credentials | --server] -- CMD [ARG...]"
HELP = f"""{USAGE}

Run CMD with PROFILE (default: $AWS_PROFILE). Without `--`, the first word is PROFILE and
the rest is CMD. CMD runs directly, never through a shell; its output, exit status and
signals are its own; awsswitch writes only to stderr.

  (default)          AWS_PROFILE=PROFILE, as `asw PROFILE` sets it (the SSO session is
                     refreshed or, on a terminal, logged in first)
  --env-credentials  temporary credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
                     AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION, for tools that cannot
                     read SSO profiles (no AWS_PROFILE)
  --server           a credential server on 127.0.0.1 for CMD's lifetime:
                     AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN
                     only; SDKs fetch new credentials as theirs expire, for long jobs

Exit status: CMD's (128+N when signal N ended it); 127 CMD not found, 126 not runnable;
1 no credentials; 2 bad usage or unknown profile.
"""


class ExecOptions:
    __slots__ = ("command", "help", "mode", "profile")

    def __init__(self) -> None:
        self.profile: str | None = None
        self.mode = MODE_PROFILE
        self.command: list[str] = []
        self.help = False


def parse(args: Sequence[str]) -> ExecOptions:
    opts = ExecOptions()
    modes: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            opts.command = list(args[i:])
            break
        if arg == "--env-credentials":
            modes.append(MODE_ENV)
        elif arg == "--server":
            modes.append(MODE_SERVER)
        elif arg in ("-h", "--help"):
            opts.help = True
        elif arg.startswith("-") and arg != "-":
            raise UsageError(f"unknown option '{display(arg)}'\n{USAGE}")
        elif opts.profile is None:
            opts.profile = arg
        else:  # no `--`: PROFILE, then CMD with its own options
            opts.command = list(args[i - 1 :])
            break
    if len(set(modes)) > 1:
        raise UsageError(f"--env-credentials and --server exclude each other\n{USAGE}")
    if modes:
        opts.mode = modes[0]
    if not opts.command and not opts.help:
        raise UsageError(f"no command to run\n{USAGE}")
    return opts


# -- the environment -----------------------------------------------------------------------


class _EnvShell(Shell):
    """A "shell" whose statements are applied to a dict: the switch core's own lines
    (`switch.core.switch_to`) become CMD's environment, so exec sets exactly what asw sets."""

    name = "environment"

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    def quote(self, value: str) -> str:
        return value

    def export(self, name: str, value: str) -> str:
        self.env[name] = value
        return ""

    def unset(self, names: Sequence[str]) -> str:
        for name in names:
            self.env.pop(name, None)
        return ""

    def echo(self, text: str) -> str:
        return ""


def switched_env(profile: Profile, index: ProfileIndex, env: Mapping[str, str]) -> dict[str, str]:
    """`env` as `asw PROFILE` leaves it."""
    from awsswitch.switch.core import switch_to

    out = dict(env)
    switch_to(_EnvShell(out), profile, index, region=profile.region, env=env, cmd="awsswitch exec")
    return out


def credentials_env(profile: Profile, index: ProfileIndex, ctx: Environment) -> dict[str, str]:
    """The switched environment with the profile's credentials instead of AWS_PROFILE."""
    from awsswitch.credentials import formats
    from awsswitch.credentials.resolve import resolve

    creds = resolve(profile.name, ctx, index=index)
    env = switched_env(profile, index, ctx.env)
    env.pop("AWS_PROFILE", None)
    for name, value in formats.variables(creds):
        if "\0" in value:  # no environment can hold it
            raise AwsswitchError(f"{name} contains a NUL character; CMD was not started")
        env[name] = value
    return env


def server_env(
    profile: Profile,
    index: ProfileIndex,
    env: Mapping[str, str],
    variables: Sequence[tuple[str, str]],
) -> dict[str, str]:
    """The switched environment with only the credential server's two variables."""
    from awsswitch.credentials.server import SHADOWING

    out = switched_env(profile, index, env)
    for name in ("AWS_PROFILE", *SHADOWING):
        out.pop(name, None)
    out.update(variables)
    return out


def warn_default_credentials(profile: Profile, index: ProfileIndex, ctx: Environment) -> None:
    """SDKs try the default profile before a credential server: say so when it has its own
    credentials (they would be used instead of the server's)."""
    default = index.by_name.get("default")
    if default is None or default.kind == "other" or profile.name == "default":
        return
    ctx.say(
        "awsswitch: warning: the [default] profile has credentials of its own "
        f"({default.kind}); SDKs use them before the credential server"
    )


# -- running CMD ---------------------------------------------------------------------------


def _not_runnable(command: str, exc: OSError) -> int:
    what = display(command)
    if isinstance(exc, FileNotFoundError):
        why = "no such file" if "/" in command else "command not found"
        print(f"awsswitch: {what}: {why}", file=sys.stderr, flush=True)
        return EXIT_NOT_FOUND
    reason = exc.strerror or type(exc).__name__
    print(f"awsswitch: {what}: cannot run: {reason}", file=sys.stderr, flush=True)
    return EXIT_NOT_RUNNABLE


def replace_process(command: Sequence[str], env: Mapping[str, str]) -> int:
    """Become CMD (returns only when CMD cannot be started)."""
    import signal

    # Python ignores SIGPIPE and SIGXFSZ; ignored signals survive exec, so put them back.
    for sig in (signal.SIGPIPE, signal.SIGXFSZ):
        signal.signal(sig, signal.SIG_DFL)
    for stream in (sys.stdout, sys.stderr):
        try:  # noqa: SIM105 - contextlib costs an import before every CMD
            stream.flush()
        except (OSError, ValueError):
            pass
    try:
        os.execvpe(command[0], list(command), dict(env))
    except ValueError:  # a NUL in an argument or a variable
        raise UsageError("CMD or its environment contains a NUL character") from None
    except OSError as exc:
        for sig in (signal.SIGPIPE, signal.SIGXFSZ):
            signal.signal(sig, signal.SIG_IGN)
        return _not_runnable(command[0], exc)
    raise AssertionError("unreachable")  # pragma: no cover


def supervise(command: Sequence[str], env: Mapping[str, str]) -> int:
    """Run CMD as a child, pass signals on, return its exit status (128+N for signal N)."""
    import signal
    import subprocess

    child: list[subprocess.Popen[bytes]] = []
    early: list[int] = []

    def forward(signum: int, frame: object) -> None:
        if not child:
            early.append(signum)
            return
        pid = child[0].pid
        if signum in (signal.SIGINT, signal.SIGQUIT) and _terminal_sent(pid):
            return  # the terminal sent Ctrl-C to CMD itself: once is enough
        try:  # noqa: SIM105 - as above
            os.kill(pid, signum)
        except OSError:  # already gone
            pass

    signals = [
        signal.SIGINT,
        signal.SIGTERM,
        signal.SIGHUP,
        signal.SIGQUIT,
        signal.SIGUSR1,
        signal.SIGUSR2,
    ]
    saved = {sig: signal.signal(sig, forward) for sig in signals}
    try:
        try:
            # restore_signals (default): CMD starts with SIGPIPE and SIGXFSZ at their defaults.
            child.append(subprocess.Popen(list(command), env=dict(env)))
        except ValueError:
            raise UsageError("CMD or its environment contains a NUL character") from None
        except OSError as exc:
            return _not_runnable(command[0], exc)
        for signum in early:
            forward(signum, None)
        code = child[0].wait()
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    return 128 - code if code < 0 else code


def _terminal_sent(pid: int) -> bool:
    """Whether CMD is in its terminal's foreground process group (the terminal then sends
    Ctrl-C and Ctrl-\\ to CMD as well as to awsswitch)."""
    try:
        group = os.getpgid(pid)
    except OSError:
        return False
    for fd in (0, 1, 2):
        try:
            if os.tcgetpgrp(fd) == group:
                return True
        except OSError:
            continue
    return False


def run_server_mode(
    command: Sequence[str], profile: Profile, index: ProfileIndex, ctx: Environment
) -> int:
    from awsswitch.credentials.server import CredentialServer

    server = CredentialServer(profile.name, ctx, index=index)
    try:
        server.prime()
        warn_default_credentials(profile, index, ctx)
        env = server_env(profile, index, ctx.env, server.variables())
        server.start()
        return supervise(command, env)
    finally:
        server.stop()


# -- the command ---------------------------------------------------------------------------


def _exec(opts: ExecOptions, ctx: Environment) -> int:
    profile, index = select(opts.profile, ctx)
    make_fresh(profile, index, ctx)
    if opts.mode == MODE_SERVER:
        return run_server_mode(opts.command, profile, index, ctx)
    if opts.mode == MODE_ENV:
        env = credentials_env(profile, index, ctx)
    else:
        env = switched_env(profile, index, ctx.env)
    return replace_process(opts.command, env)


def run(args: Sequence[str], ctx: Environment) -> int:
    return run_command(args, ctx, parse, HELP, _exec)


def main(argv: list[str]) -> int:
    """`awsswitch exec ARGS` (parsed with the standard library, like `export`)."""
    return run(argv, current())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
