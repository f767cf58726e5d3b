"""`awsswitch _asw SHELL [--cmd=NAME] ARGS...`, run by the `asw` function and by the cd hook
of `init --auto`: the entry point that hands the arguments to the switch core (`core.run`)
or to the per-directory hook (`auto.run`), and writes the shell code they return.

Its stdout is shell code for the wrapper to evaluate, written at the very end and only on
success; every message goes to stderr. Exit codes: 0 ok, 1 failure, 2 bad usage or unknown
profile, 130 interrupted (or the picker cancelled). A module of its own so that `auto`
(which builds on `core`) and `core` import nothing of each other's in a circle.
"""

from __future__ import annotations

from awsswitch.context import Environment
from awsswitch.errors import EXIT_INTERRUPTED, AwsswitchError, UsageError
from awsswitch.shells import get_shell
from awsswitch.switch import core

# Annotation-only imports: typing costs milliseconds on every `asw`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO


def _write(stream: TextIO, lines: list[str]) -> None:
    text = "\n".join(lines) + "\n"
    out = getattr(stream, "buffer", None)
    if out is None:  # a text-only stream (tests)
        stream.write(text)
        stream.flush()
        return
    # Names are bytes in the file; surrogateescape gives the shell back exactly those bytes.
    out.write(text.encode("utf-8", "surrogateescape"))
    out.flush()


def main(args: list[str], ctx: Environment | None = None) -> int:
    """`awsswitch _asw SHELL [--cmd=NAME] ARGS...` → exit status; code on stdout."""
    ctx = Environment() if ctx is None else ctx
    cmd = "asw"
    if len(args) > 1 and args[1].startswith("--cmd="):
        cmd = args[1][len("--cmd=") :] or cmd
        args = [args[0], *args[2:]]
    try:
        if not args:
            raise UsageError("usage: awsswitch _asw bash|zsh|fish [ARGS...] (used by `asw`)")
        shell = get_shell(args[0])
        if len(args) > 1 and args[1] == "--auto":  # the cd hook of `init --auto`
            from awsswitch.switch import auto

            lines = auto.run(shell, args[2:], ctx, cmd)
        else:
            lines = core.run(shell, core.parse(args[1:], cmd), ctx, cmd)
    except AwsswitchError as exc:
        ctx.say(f"{cmd}: {exc.message}")
        return exc.exit_code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    if lines:
        _write(ctx.stdout, lines)
    return 0
