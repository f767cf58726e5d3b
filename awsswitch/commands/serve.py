"""`awsswitch serve [PROFILE] [--port N]`: the loopback credential server alone, in the
foreground (see `awsswitch.credentials.server`).

stdout gets the two variables a job needs, in the user's shell's syntax (fish when $SHELL is
fish, else POSIX `export` lines), and is then closed, so `$(...)` may read it; everything
else goes to stderr and never names the token. Ctrl-C stops it (exit 130), SIGTERM and
SIGHUP too (128+N). The SSO session is made fresh and the first credentials fetched before
the variables are printed, so a profile without credentials fails at once.
"""

from __future__ import annotations

import os
import sys

from awsswitch.commands._common import make_fresh, run_command, scan, select
from awsswitch.context import Environment, current, display
from awsswitch.errors import EXIT_INTERRUPTED, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

USAGE = "usage: awsswitch serve [PROFILE] [--port N]"
HELP = f"""{USAGE}

Serve PROFILE's credentials (default: $AWS_PROFILE) on 127.0.0.1 in the container-credentials
format until Ctrl-C. Prints the two variables to set in the shell that runs the job:

  AWS_CONTAINER_CREDENTIALS_FULL_URI   http://127.0.0.1:PORT/
  AWS_CONTAINER_AUTHORIZATION_TOKEN    a random token every request must carry

SDKs and the AWS CLI fetch new credentials as theirs expire; awsswitch refreshes the role
credentials (and the SSO token, when it can be refreshed) behind them. When the SSO session
ends, requests get an error and a line on stderr says how to log in again. Unset AWS_PROFILE
and any AWS_ACCESS_KEY_ID in that shell: SDKs rank them above the server.

  --port N   listen on port N (default: any free port)
"""


class ServeOptions:
    __slots__ = ("help", "port", "profile")

    def __init__(self) -> None:
        self.profile: str | None = None
        self.port = 0
        self.help = False


def _port(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 0 <= int(text) <= 65535:
        raise UsageError(f"--port needs a port number (0-65535), not {display(text)!r}")
    return int(text)


def parse(args: Sequence[str]) -> ServeOptions:
    found = scan(args, USAGE, valued=("--port",))
    opts = ServeOptions()
    opts.profile, opts.help = found.profile, found.help
    if "--port" in found.values:
        opts.port = _port(found.values["--port"])
    return opts


def lines(variables: Sequence[tuple[str, str]], env_shell: str | None) -> str:
    """The variables as statements for the user's shell (`$SHELL`)."""
    from awsswitch.credentials import formats

    fmt = "fish" if os.path.basename(env_shell or "") == "fish" else "env"
    return formats.lines(fmt, variables)


class _Stopped(Exception):
    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame: object) -> None:
    raise _Stopped(signum)


def _close_stdout(ctx: Environment) -> None:
    """Let a reader of our stdout (`$(...)`) see its end: fd 1 now points at /dev/null."""
    try:
        ctx.stdout.flush()
        if ctx.stdout is sys.stdout:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.close(devnull)
    except (OSError, ValueError):
        pass


def _serve(opts: ServeOptions, ctx: Environment) -> int:
    import signal

    from awsswitch.credentials.server import CredentialServer

    profile, index = select(opts.profile, ctx)
    make_fresh(profile, index, ctx)
    server = CredentialServer(profile.name, ctx, port=opts.port, index=index)
    saved = {}
    try:
        server.prime()
        for sig in (signal.SIGTERM, signal.SIGHUP):
            saved[sig] = signal.signal(sig, _stop)
        ctx.stdout.write(lines(server.variables(), ctx.get("SHELL")))
        _close_stdout(ctx)
        ctx.say(
            f"awsswitch: serving credentials for {display(profile.name)} at {server.url} "
            "(Ctrl-C stops)"
        )
        server.serve_forever()
        return 0  # pragma: no cover - serve_forever returns only when shut down
    except KeyboardInterrupt:
        ctx.say("awsswitch: stopped")
        return EXIT_INTERRUPTED
    except _Stopped as stop:
        ctx.say("awsswitch: stopped")
        return 128 + stop.signum
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
        server.stop()


def run(args: Sequence[str], ctx: Environment) -> int:
    return run_command(args, ctx, parse, HELP, _serve)


def main(argv: list[str]) -> int:
    """`awsswitch serve ARGS` (parsed with the standard library, like `export`)."""
    return run(argv, current())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
