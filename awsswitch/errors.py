"""Errors and exit codes shared by every command (stdlib only: used on the hot path)."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2  # bad usage or unknown profile
EXIT_INTERRUPTED = 130


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
