"""Errors, exit codes, and the one boundary where an exception becomes a line on stderr.

Stdlib only (used on the hot path); the boundary's own imports happen only on failure."""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import TextIO

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2  # bad usage or unknown profile
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell reports for `cat big | head -1`

DEBUG_VARIABLE = "AWSSWITCH_DEBUG"
_MAX_DETAIL = 300  # an unexpected exception's message is cut here: one line, not a dump


class AwsswitchError(Exception):
    """A failure with a message meant for a person; printed on stderr without a traceback."""

    exit_code = EXIT_FAILURE

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class UsageError(AwsswitchError):
    """Bad arguments, or a profile name that does not resolve."""

    exit_code = EXIT_USAGE


class ConfigParseError(AwsswitchError):
    """A config file botocore could not parse; names the file and the line."""

    def __init__(self, path: str, lineno: int | None, reason: str) -> None:
        where = f"{path}, line {lineno}" if lineno else path
        super().__init__(f"cannot parse {where}: {reason}")
        self.path = path
        self.lineno = lineno
        self.reason = reason


def report(
    exc: BaseException,
    *,
    stderr: TextIO | None = None,
    env: Mapping[str, str] | None = None,
) -> int:
    """The error boundary: say what went wrong in one line on stderr, return the exit status.

    AwsswitchError → its message and code; KeyboardInterrupt → "interrupted", 130; stdout
    closed by its reader (`awsswitch list | head -1`) → nothing, 141; any other OSError → the
    file and the system's reason, 1; anything else → its type and message, 1, with the
    traceback (secret-named values masked, as in the line) only when AWSSWITCH_DEBUG is set.
    Lower layers word their messages for people and keep secrets out of them; an unexpected
    exception's text is cut and made printable.
    """
    stderr = sys.stderr if stderr is None else stderr
    env = os.environ if env is None else env
    debug = env.get(DEBUG_VARIABLE, "") not in ("", "0")
    if isinstance(exc, BrokenPipeError) and _stdout_gone():
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    if isinstance(exc, AwsswitchError):
        line, code = exc.message, exc.exit_code
    elif isinstance(exc, KeyboardInterrupt):
        line, code = "interrupted", EXIT_INTERRUPTED
    elif isinstance(exc, OSError):
        line, code = _os_error_line(exc), EXIT_FAILURE
    else:
        detail = _printable(_redact(str(exc)))
        detail = f": {detail}" if detail else ""
        line = f"unexpected error: {type(exc).__name__}{detail}"
        if not debug:
            line += f" (run with {DEBUG_VARIABLE}=1 for details)"
        code = EXIT_FAILURE
    try:
        if debug and not isinstance(exc, KeyboardInterrupt):
            import traceback

            # Masked as the one line is: the traceback repeats each exception's message.
            chunks = traceback.format_exception(type(exc), exc, exc.__traceback__)
            stderr.write("".join(_redact(chunk) for chunk in chunks))
        stderr.write(f"awsswitch: {line}\n")
        stderr.flush()
    except (OSError, ValueError):  # stderr closed too: the exit status is all that is left
        pass
    _settle_stdout()
    return code


_SECRET_NAMES = (
    r"access_?token|refresh_?token|id_?token|client_?secret|secret_?access_?key|"
    r"session_?token|aws_secret_access_key|aws_session_token|password|device_?code|code_?verifier"
)


def _redact(text: str) -> str:
    """Values of secret-named fields, masked: `"refreshToken": "***"`, `clientSecret=***`,
    botocore's `parameter refreshToken, value: ***`. An unexpected exception's message was
    not written for people, so it may carry a request's fields."""
    import re

    text = re.sub(
        rf"(?i)((?:{_SECRET_NAMES})['\"]?\s*[:=]\s*['\"]?)[^'\"\s,;}}&]+",
        r"\1***",
        text,
    )
    return re.sub(
        rf"(?i)(parameter\s+(?:\w+\.)*(?:{_SECRET_NAMES}),\s*value:\s*)[^,]+", r"\1***", text
    )


def _printable(text: str) -> str:
    from awsswitch.context import display

    text = display(text)
    return text if len(text) <= _MAX_DETAIL else text[: _MAX_DETAIL - 1] + "…"


def _os_error_line(exc: OSError) -> str:
    """`FILE: reason` like coreutils (`cannot open` is implied by the reason)."""
    reason = exc.strerror or _printable(str(exc)) or type(exc).__name__
    names = [_printable(os.fsdecode(f)) for f in (exc.filename, exc.filename2) if f is not None]
    return f"{' -> '.join(names)}: {reason}" if names else reason


def _stdout_gone() -> bool:
    """True when stdout is a pipe whose reader has gone (the BrokenPipeError is ours to
    swallow); a BrokenPipeError from a socket is reported like any other OSError."""
    try:
        import select

        fd = sys.__stdout__.fileno() if sys.__stdout__ is not None else 1
        poller = select.poll()
        poller.register(fd, select.POLLOUT)
        return any(ev & select.POLLERR for _, ev in poller.poll(0))
    except (AttributeError, ValueError, OSError):
        return True


def _settle_stdout() -> None:
    """Write out what a command printed before it failed; when stdout itself is what failed
    (a full disk, a closed pipe), drop it, so the flush at exit does not fail a second time."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        _silence_stdout()


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the flush at interpreter exit cannot fail again (the
    recipe in Python's signal docs)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno() if sys.__stdout__ is not None else 1)
        os.close(devnull)
    except (AttributeError, ValueError, OSError):
        pass
