"""fish: inside single quotes `\\\\` and `\\'` are escapes, so POSIX quoting is not enough
(a value ending in a backslash would escape the closing quote: fish-shell#4907)."""

from __future__ import annotations

from awsswitch.shells.base import Shell, check_var_name, check_words, wrap_words

# Annotation-only imports: collections.abc and typing cost milliseconds on every `asw`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence


def _fish_table() -> dict[int, str]:
    table = {ord("\\"): "\\\\", ord("'"): "\\'"}
    for i in (*range(32), 127):
        # Closed quote, fish's own escape for the byte, quote reopened: one line per statement.
        table[i] = f"'\\x{i:02x}'"
    return table


class Fish(Shell):
    name = "fish"
    template = "asw.fish"
    cli_completion = "."  # the folder: it goes on fish_complete_path
    _TABLE = _fish_table()

    def quote(self, value: str) -> str:
        return "'" + value.translate(self._TABLE) + "'"

    def export(self, name: str, value: str) -> str:
        # -g, never -U: a switch belongs to this shell only.
        return f"set -gx {check_var_name(name)} {self.quote(value)}"

    def unset(self, names: Sequence[str]) -> str:
        return "set -e -g " + " ".join(check_var_name(n) for n in names)

    def echo(self, text: str) -> str:
        return f"builtin printf '%s\\n' {self.quote(text)}"

    def set_global(self, name: str, value: str) -> str:
        return f"set -g {check_var_name(name)} {self.quote(value)}"

    def string_var(self, name: str, text: str) -> list[str]:
        # Inside fish's single quotes a backslash is an escape too.
        if "'" in text or "\\" in text:
            raise ValueError(f"{name}: a fragment held in single quotes has a quote or backslash")
        return [f"set -g {check_var_name(name)} '{text}'"]

    def words_var(self, name: str, words: Sequence[str]) -> list[str]:
        check_words(words)
        return wrap_words(f"set -g {check_var_name(name)}", words, "", cont=" \\")

    def warn_universal(self, names: Sequence[str], message: str) -> str:
        """`message` is a printf format with two %s, both given the variable's name."""
        # A universal variable survives `set -e -g` and shadows nothing once the global is
        # gone: say so instead of touching the user's universal scope.
        checked = " ".join(check_var_name(n) for n in names)
        return (
            f"for __awsswitch_v in {checked}; if set -q -U $__awsswitch_v; "
            f"builtin printf {self.quote(message)} $__awsswitch_v $__awsswitch_v >&2; end; end"
        )
