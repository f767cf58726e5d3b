"""The execution context every command receives (stdlib only: used on the hot path).

One object says what a command may know about the world around it: the environment
variables, the three streams, whether a person is at a terminal, which programs are on
PATH, and how to show user-controlled text safely. Commands take an `Environment` instead
of reaching for `os.environ`, `sys.stdin.isatty()` or `shutil.which`, so tests replace the
whole world in one argument (the idea of httpie's `Environment`).
"""

from __future__ import annotations

import os
import sys

# Annotation-only imports: collections.abc and typing cost milliseconds on every `asw`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import TextIO


def _isatty(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):  # closed, detached or replaced streams
        return False


class Environment:
    """Variables, streams and terminal-ness for one run; every field can be replaced."""

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
        stdin_isatty: bool | None = None,
        stderr_isatty: bool | None = None,
    ) -> None:
        self.env: Mapping[str, str] = os.environ if env is None else env
        self.stdin = sys.stdin if stdin is None else stdin
        self.stdout = sys.stdout if stdout is None else stdout
        self.stderr = sys.stderr if stderr is None else stderr
        self.stdin_isatty = _isatty(self.stdin) if stdin_isatty is None else stdin_isatty
        self.stderr_isatty = _isatty(self.stderr) if stderr_isatty is None else stderr_isatty

    @property
    def interactive(self) -> bool:
        """A person can answer: stdin and stderr are both terminals (stdout may be a pipe,
        as it is under `eval "$(...)"`)."""
        return self.stdin_isatty and self.stderr_isatty

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.env.get(name, default)

    def which(self, program: str) -> str | None:
        """`program`'s path on this environment's PATH (shutil.which costs an import)."""
        return which(program, self.env)

    def say(self, message: str) -> None:
        """A line for the person, on stderr (stdout belongs to data and shell code)."""
        print(message, file=self.stderr, flush=True)


def which(program: str, env: Mapping[str, str]) -> str | None:
    """The first executable `program` on `env`'s PATH, or None."""
    if os.sep in program:
        return program if os.path.isfile(program) and os.access(program, os.X_OK) else None
    for folder in env.get("PATH", os.defpath).split(os.pathsep):
        path = os.path.join(folder or ".", program)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def display(text: str) -> str:
    """`text` (a name or value from a user's file) as it is safe to print on a terminal:
    every non-printable character escaped (\\n, \\t, \\x1b, \\u202e), so no escape sequence
    reaches the terminal and a name cannot pretend to be two lines."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable():
            out.append(ch)
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x100:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return "".join(out)


def current() -> Environment:
    """The real world: os.environ and the process's own streams."""
    return Environment()
