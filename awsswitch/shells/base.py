"""What every shell emitter does: quote, set/unset variables, aliases, render `init`.

Rules that keep emitted code safe (docs/design.md, "Streams and exit codes"):
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
_ROOT = os.path.dirname(_PKG_DIR)
# Wheel: awsswitch/shell/ and awsswitch/completions/ (pyproject force-include); source tree
# and editable installs: shell/ and completions/ at the root.
_TEMPLATE_DIRS = (os.path.join(_PKG_DIR, "shell"), os.path.join(_ROOT, "shell"))
_COMPLETION_DIRS = (os.path.join(_PKG_DIR, "completions"), os.path.join(_ROOT, "completions"))

EXE_PLACEHOLDER = "__AWSSWITCH_EXE__"
CMD_PLACEHOLDER = "__AWSSWITCH_CMD__"
CLI_PLACEHOLDER = "__AWSSWITCH_CLI__"
_ALIASES_PLACEHOLDER = "# @aliases"
_OUTER = "# @outer"


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


# Characters no shell of ours treats specially in a bare word (Shell.word).
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+=@%/:,")


def read_template(filename: str) -> str:
    """A file of shell/ (`asw.bash`, `fragments/names.awk`, ...), from the package or the
    source tree."""
    for folder in _TEMPLATE_DIRS:
        try:
            with open(os.path.join(folder, filename), encoding="utf-8") as fh:
                return fh.read()
        except FileNotFoundError:
            continue
    raise FileNotFoundError(f"awsswitch: shell template {filename} not found in {_TEMPLATE_DIRS}")


def completion_file(filename: str) -> str | None:
    """The absolute path of completions/FILENAME (a file or a folder) in the package or the
    source tree, None when neither has it."""
    for folder in _COMPLETION_DIRS:
        path = os.path.normpath(os.path.join(folder, filename))
        if os.path.exists(path):
            return path
    return None


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

    def set_global(self, name: str, value: str) -> str:
        """A line that sets the shell (not exported) global variable `name`, from inside a
        function of the integration."""
        raise NotImplementedError

    def word(self, text: str) -> str:
        """`text` as one word of a command shown to the person: bare when no shell of ours
        treats any of its characters specially, else quoted (pasted, it is that one word)."""
        if text and set(text) <= _PLAIN and not text.startswith("="):
            return text
        return self.quote(text)

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
    # What replaces a fragment's `# @prologue` line (the first line of each function).
    prologue = ""
    # completions/ entry that the integration loads for the awsswitch command's own completion.
    cli_completion = ""

    def string_var(self, name: str, text: str) -> list[str]:
        """Lines that set the global variable `name` to `text`, written verbatim (the text
        of a fragment such as names.awk, which holds nothing the quotes would mind)."""
        if "'" in text:
            raise ValueError(f"{name}: a fragment held in single quotes has a quote")
        return [f"{check_var_name(name)}='{text}'"]

    def words_var(self, name: str, words: Sequence[str]) -> list[str]:
        """Lines that set the global array `name` to `words` (plain words: no quoting)."""
        raise NotImplementedError

    def finish(self, body: list[str], outer: list[str]) -> list[str]:
        """The init code from the rendered lines: `body` (the template), then `outer` (the
        lines after `# @outer`, and the aliases)."""
        return body + outer

    def render(
        self,
        *,
        exe: Sequence[str],
        cmd: str,
        prompt: bool,
        aliases: Sequence[tuple[str, Sequence[str]]] = (),
        header: str = "",
        cli: str | None = None,
        auto: bool = False,
    ) -> str:
        """The init code: the template with the options applied and the fragments spliced.

        `exe` is the command that runs awsswitch (each word quoted whole); `aliases` are
        (alias name, arguments for the switch function) pairs, already validated; `cli` is
        the path of the awsswitch command's own completion (see completion_file), None to
        leave it out; `auto` adds the per-directory profiles (`init --auto`).
        """
        if not is_cmd_name(cmd):
            raise UsageError(f"invalid --cmd {cmd!r}: use letters, digits, '_' and '-' (e.g. asw)")
        # Fill the placeholders in the template alone, before fragments and profile-derived
        # alias lines join it: a profile named `x__AWSSWITCH_EXE__` must stay a literal name.
        exe_words = " ".join(self.quote(w) for w in exe)
        text = read_template(self.template)
        text = text.replace(EXE_PLACEHOLDER, exe_words).replace(CMD_PLACEHOLDER, cmd)
        text = text.replace(CLI_PLACEHOLDER, self.quote(cli or ""))
        flags = {"prompt": prompt, "cli": cli is not None, "auto": auto}
        body: list[str] = []
        outer: list[str] = []
        out = body
        for line in self._expand(text, flags):
            if line.strip() == _OUTER:
                out = outer
            elif line.strip() == _ALIASES_PLACEHOLDER:
                out.extend(self.alias_line(a, args) for a, args in aliases)
            else:
                out.append(line)
        lines = self.finish(body, outer)
        return "\n".join([header, *lines] if header else lines) + "\n"

    def _expand(self, text: str, flags: dict[str, bool]) -> list[str]:
        """The lines of `text` with `# @if FLAG`...`# @endif` applied and the fragments of
        `# @include FILE`, `# @string NAME FILE`, `# @words NAME FILE` and `# @prologue`
        in place."""
        out: list[str] = []
        keep = True
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith("# @if "):
                keep = flags.get(stripped[6:].strip(), False)
                continue
            if stripped == "# @endif":
                keep = True
                continue
            if not keep:
                continue
            word, _, rest = stripped.partition(" ")
            args = rest.split()
            if word != "#" or not args or not args[0].startswith("@"):
                out.append(line)
            elif args[0] == "@include":
                fragment = read_template(args[1])
                out.extend(
                    ln
                    for ln in self._expand(fragment, flags)
                    if not ln.startswith("# shellcheck shell=")
                )
            elif args[0] == "@string":
                out.extend(self.string_var(args[1], read_template(args[2]).rstrip("\n")))
            elif args[0] == "@words":
                out.extend(self.words_var(args[1], read_template(args[2]).split()))
            elif args[0] == "@prologue":
                if self.prologue:
                    out.append(line[: len(line) - len(line.lstrip())] + self.prologue)
            else:
                out.append(line)
        return out


def wrap_words(head: str, words: Sequence[str], tail: str, cont: str = "") -> list[str]:
    """`head` then `words` then `tail`, over lines of at most 90 characters; a line that
    goes on ends with `cont` (fish needs a backslash), the next is indented."""
    lines: list[str] = []
    current = head
    for word in words:
        sep = "" if current.endswith(("(", " ")) else " "
        if len(current) + len(sep) + len(word) + len(cont) > 90:
            lines.append(current + cont)
            current, sep = "    ", ""
        current += sep + word
    lines.append(current + tail)
    return lines


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

    def set_global(self, name: str, value: str) -> str:
        # bash: a plain assignment in a function sets the global (none of ours is local).
        return f"{check_var_name(name)}={self.quote(value)}"

    def words_var(self, name: str, words: Sequence[str]) -> list[str]:
        check_words(words)
        return wrap_words(f"{check_var_name(name)}=(", words, ")")


_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def check_words(words: Sequence[str]) -> None:
    bad = [w for w in words if not w or not set(w) <= _WORD_CHARS]
    if bad:
        raise ValueError(f"a word list holds words that would need quoting: {bad!r}")
