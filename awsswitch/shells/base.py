"""What every shell emitter does: quote, set/unset variables, aliases, render `init`.

Rules that keep emitted code safe (see DESIGN "Streams and exit codes"):
- user data (profile names, regions, paths) only ever appears as one complete quoted word,
  made by the shell's own `quote`;
- variable, function and alias names are validated and emitted raw, never quoted;
- one statement per line: control characters are written as escapes outside the quotes.
"""

from __future__ import annotations

import os

from awsswitch.errors import UsageError

# Annotation-only imports: collections.abc and typing cost milliseconds on every `asw`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

_PKG_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Wheel: awsswitch/shell/ (pyproject force-include); source tree/editable: shell/ at the root.
_TEMPLATE_DIRS = (os.path.join(_PKG_DIR, "shell"), os.path.join(os.path.dirname(_PKG_DIR), "shell"))

EXE_PLACEHOLDER = "__AWSSWITCH_EXE__"
CMD_PLACEHOLDER = "__AWSSWITCH_CMD__"
_ALIASES_PLACEHOLDER = "# @aliases"


def is_var_name(name: str) -> bool:
    """`[A-Za-z_][A-Za-z0-9_]*`, checked without `re` (hot path)."""
    return name.isascii() and name.isidentifier()


def check_var_name(name: str) -> str:
    if not is_var_name(name):
        raise ValueError(f"invalid variable name: {name!r}")
    return name


_CMD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


def is_cmd_name(name: str) -> bool:
    """A name for the switch function: letters, digits, `_` and `-`, not starting with `-`."""
    return bool(name) and name[0] != "-" and not name[0].isdigit() and set(name) <= _CMD_CHARS


# Alias names: what bash, zsh and fish all accept as an alias/function name and that needs
# no quoting anywhere (bash forbids / $ ` = quotes and metacharacters in alias names).
_ALIAS_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.@+-:,%")


def read_template(filename: str) -> str:
    for folder in _TEMPLATE_DIRS:
        try:
            with open(os.path.join(folder, filename), encoding="utf-8") as fh:
                return fh.read()
        except FileNotFoundError:
            continue
    raise FileNotFoundError(f"awsswitch: shell template {filename} not found in {_TEMPLATE_DIRS}")


class Shell:
    """Base class; subclasses set `name`, `template` and implement the emitters."""

    name = ""
    template = ""

    # -- quoting and statements ------------------------------------------------------------
    def quote(self, value: str) -> str:
        raise NotImplementedError

    def export(self, name: str, value: str) -> str:
        """A line that sets and exports the global variable `name`."""
        raise NotImplementedError

    def unset(self, names: Sequence[str]) -> str:
        """A line that removes the global variables `names` (absent ones are fine)."""
        raise NotImplementedError

    def echo(self, text: str) -> str:
        """A line that prints `text` and a newline on stdout."""
        raise NotImplementedError

    def warn_universal(self, names: Sequence[str], message: str) -> str:
        """fish only: a line that warns when one of `names` also exists as a universal."""
        return ""

    # -- aliases ---------------------------------------------------------------------------
    def valid_alias(self, name: str) -> bool:
        return (
            bool(name)
            and name[0] not in "-+"
            and set(name) <= _ALIAS_CHARS
            and name not in ("[", "]")
        )

    def alias_line(self, alias: str, args: Sequence[str]) -> str:
        """A line that defines `alias` as `<cmd> ARGS...` (through the template's helper)."""
        return " ".join(["__awsswitch_alias", alias, *(self.quote(a) for a in args)])

    # -- init ------------------------------------------------------------------------------
    def render(
        self,
        *,
        exe: Sequence[str],
        cmd: str,
        prompt: bool,
        aliases: Sequence[tuple[str, Sequence[str]]] = (),
        header: str = "",
    ) -> str:
        """The init code: the template with the options applied.

        `exe` is the command that runs awsswitch (each word quoted whole); `aliases` are
        (alias name, arguments for the switch function) pairs, already validated.
        """
        if not is_cmd_name(cmd):
            raise UsageError(f"invalid --cmd {cmd!r}: use letters, digits, '_' and '-' (e.g. asw)")
        # Fill the placeholders in the template alone, before profile-derived alias lines
        # join it: a profile named `x__AWSSWITCH_EXE__` must stay a literal name.
        exe_words = " ".join(self.quote(w) for w in exe)
        text = read_template(self.template)
        text = text.replace(EXE_PLACEHOLDER, exe_words).replace(CMD_PLACEHOLDER, cmd)
        out: list[str] = [header] if header else []
        keep = True
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith("# @if "):
                keep = {"prompt": prompt}.get(stripped[6:].strip(), False)
                continue
            if stripped == "# @endif":
                keep = True
                continue
            if not keep:
                continue
            if stripped == _ALIASES_PLACEHOLDER:
                out.extend(self.alias_line(a, args) for a, args in aliases)
                continue
            out.append(line)
        return "\n".join(out) + "\n"


def _posix_table() -> dict[int, str]:
    table = {ord("'"): "'\\''"}
    for i in (*range(32), 127):
        table[i] = f"'$'\\x{i:02x}''"
    return table


class PosixShell(Shell):
    """bash and zsh: single quotes are fully literal; `'` is written `'\\''`."""

    _TABLE = _posix_table()

    def quote(self, value: str) -> str:
        return "'" + value.translate(self._TABLE) + "'"

    def export(self, name: str, value: str) -> str:
        return f"\\builtin export {check_var_name(name)}={self.quote(value)}"

    def unset(self, names: Sequence[str]) -> str:
        return "\\builtin unset " + " ".join(check_var_name(n) for n in names)

    def echo(self, text: str) -> str:
        return f"\\builtin printf '%s\\n' {self.quote(text)}"
