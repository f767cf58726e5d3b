"""Running the typer app (awsswitch/cli.py) behind the error boundary: usage errors as one
line plus a hint, exit 2, with whichever click typer runs on (the click package, or the copy
newer typers carry); the help of a bare group on stderr; Ctrl-C and OSError passed on to
`awsswitch.errors.report` instead of click's own handlers."""

from __future__ import annotations

import contextlib
import functools
import sys
from typing import Any

import typer

from awsswitch.cli import app
from awsswitch.context import display
from awsswitch.errors import EXIT_USAGE


def run(args: list[str]) -> int:
    """Run the typer app. Usage errors become `awsswitch: MESSAGE` plus a hint, exit 2; every
    other exception reaches the caller's boundary (`awsswitch.errors.report`) untouched.

    Works with typer releases that use the click package and with those that carry their own
    copy: the click classes are found through typer's public exceptions, never imported.
    """
    command = typer.main.get_command(app)
    _guard_callbacks(command)
    group = _bare_group(command, args)
    if group is not None:
        # `awsswitch` or `awsswitch configure` alone: the help, on stderr, exit 2 (a usage
        # error, as click 8.2+ has it for no_args_is_help; older clicks printed it and exit 0).
        with contextlib.redirect_stdout(sys.stderr):
            command.main(args=[*args, "--help"], prog_name="awsswitch", standalone_mode=False)
        return EXIT_USAGE
    try:
        result = command.main(args=args, prog_name="awsswitch", standalone_mode=False)
    except _Escaped as exc:
        raise exc.original from None
    except typer.Abort:  # click's prompts turn Ctrl-C into Abort
        raise KeyboardInterrupt from None
    except Exception as exc:
        if not isinstance(exc, _click_exception()):
            raise
        _show_click_error(exc, _command_path(command, args))
        return int(getattr(exc, "exit_code", EXIT_USAGE))
    return result if isinstance(result, int) else 0


class _Escaped(Exception):
    """Carries KeyboardInterrupt and OSError out of a command past click's own handlers
    (click would print "Aborted!" or exit 1 on a closed pipe; the boundary decides instead)."""

    def __init__(self, original: BaseException) -> None:
        super().__init__(type(original).__name__)
        self.original = original


def _guard_callbacks(command: Any) -> None:
    for sub in (getattr(command, "commands", None) or {}).values():
        _guard_callbacks(sub)
    callback = command.callback
    if callback is None or getattr(callback, "_awsswitch_guarded", False):
        return

    @functools.wraps(callback)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return callback(*args, **kwargs)
        except (KeyboardInterrupt, OSError) as exc:
            raise _Escaped(exc) from None

    guarded._awsswitch_guarded = True  # type: ignore[attr-defined]
    command.callback = guarded


def _command_path(command: Any, args: list[str]) -> str:
    """`awsswitch configure profile`: the (sub)command `args` name, for the help hint."""
    words = ["awsswitch"]
    node = command
    for arg in args:
        node = (getattr(node, "commands", None) or {}).get(arg)
        if node is None:
            break
        words.append(arg)
    return " ".join(words)


def _bare_group(command: Any, args: list[str]) -> Any:
    """The group `args` name with nothing after it (`[]`, `["configure"]`), else None."""
    node = command
    for arg in args:
        node = (getattr(node, "commands", None) or {}).get(arg)
        if node is None:
            return None
    return node if getattr(node, "commands", None) else None


def _click_exception() -> type[BaseException]:
    """click's ClickException, whichever click typer runs on: typer.BadParameter derives
    from it in every typer release (BadParameter → UsageError → ClickException)."""
    for cls in typer.BadParameter.__mro__:
        if cls.__name__ == "ClickException":
            return cls
    return typer.BadParameter


def _show_click_error(exc: BaseException, path: str) -> None:
    """`awsswitch: No such option: --bogus` and `Try 'awsswitch sync --help'.`, on stderr."""
    if type(exc).__name__ == "NoArgsIsHelpError":  # its message is the whole help text
        print(exc.format_message(), file=sys.stderr)  # type: ignore[attr-defined]
        return
    message = " ".join(display(exc.format_message()).split())  # type: ignore[attr-defined]
    print(f"awsswitch: {message}", file=sys.stderr)
    if any(cls.__name__ == "UsageError" for cls in type(exc).__mro__):
        ctx = getattr(exc, "ctx", None)  # unset for some parser errors (a missing value)
        print(f"Try '{getattr(ctx, 'command_path', None) or path} --help'.", file=sys.stderr)
