"""Fix commands written for the user's shell: every name or value taken from a file or the
environment is one quoted word, made by the shell's own emitter (`awsswitch.shells`), so a
command shown by `doctor` can be pasted as it is, whatever the name holds."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from awsswitch.shells import get_shell
from awsswitch.shells.base import _PLAIN, is_var_name  # _PLAIN: what a bare word may hold


class Fixes:
    """Command builders for one shell (bash, zsh or fish)."""

    def __init__(self, shell: str) -> None:
        self.shell = shell
        self._emitter = get_shell(shell)

    @property
    def fish(self) -> bool:
        return self.shell == "fish"

    def word(self, text: str) -> str:
        """`text` as one word: bare when that is safe, else quoted for this shell."""
        return self._emitter.word(text)

    def command(self, *words: str) -> str:
        return " ".join(self.word(w) for w in words)

    def last(self, *words: str) -> str:
        """`words`, the last one a name from the user's files: `--` before it when it could
        be taken for an option."""
        *head, name = words
        return self.command(*head, *(["--"] if name.startswith("-") else []), name)

    def join(self, commands: Iterable[str]) -> str:
        """Several commands on one line, each run whatever the previous one did."""
        return "; ".join(c for c in commands if c)

    def unset(self, names: Sequence[str]) -> str:
        """Remove the variables `names` from this shell (names checked: never quoted)."""
        checked = [n for n in names if is_var_name(n)]
        if not checked:
            return ""
        return ("set -e " if self.fish else "unset ") + " ".join(checked)

    def export(self, pairs: Sequence[tuple[str, str]]) -> str:
        """Set and export `pairs` (name, value) in this shell."""
        checked = [(n, v) for n, v in pairs if is_var_name(n)]
        if self.fish:
            return "; ".join(f"set -gx {n} {self.word(v)}" for n, v in checked)
        return "export " + " ".join(f"{n}={self.word(v)}" for n, v in checked)

    def prepend_path(self, folder: str) -> str:
        if self.fish:
            return f"set -gx PATH {self.word(folder)} $PATH"
        return f'export PATH={self.word(folder)}:"$PATH"'

    def asw(self, name: str) -> str:
        """The switch to `name` (`--` first when the name looks like an option)."""
        return "asw -- " + self.word(name) if name.startswith("-") else "asw " + self.word(name)

    def edit(self, path: str, line: int | None, editor: str | None) -> str:
        """Open `path` at `line` in the user's editor ($VISUAL or $EDITOR when it is plain
        words, else vi); `+LINE` only for editors known to take it."""
        words = editor.split() if editor else []
        if not words or not all(set(w) <= _PLAIN for w in words):
            words = ["vi"]
        if line and words[0].rsplit("/", 1)[-1] in _PLUS_LINE:
            words.append(f"+{line}")
        return " ".join([*words, self.word(path)])


# Editors that open a file at `+LINE`.
_PLUS_LINE = frozenset({"vi", "vim", "nvim", "view", "nano", "emacs", "emacsclient", "micro",
                        "mg", "joe", "kak", "ne", "jed", "vis", "pico"})  # fmt: skip
