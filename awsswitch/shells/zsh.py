"""zsh: POSIX single quoting (`'\\''` also survives RC_QUOTES); template shell/asw.zsh.

The rendered template runs inside `emulate -R zsh -c $'...'`, one line whatever its size:
zsh parses it with its own options, not the user's (sh_glob, csh_junkie_quotes, emulate
sh, ... would otherwise break the parse), and the functions it defines keep zsh's options
when they run ("sticky" emulation). ANSI-C quoting keeps that line free of raw newlines,
which csh_junkie_quotes refuses inside quotes.
"""

from __future__ import annotations

from awsswitch.shells.base import PosixShell, check_var_name, check_words, wrap_words

# Annotation-only imports: collections.abc and typing cost milliseconds on every `asw`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence


def _ansi_c_table() -> dict[int, str]:
    table = {ord("\\"): "\\\\", ord("'"): "\\'", ord("\n"): "\\n"}
    for i in (*range(32), 127):
        table.setdefault(i, f"\\x{i:02x}")
    return table


class Zsh(PosixShell):
    name = "zsh"
    template = "asw.zsh"
    # bash_rematch and ksh_arrays: BASH_REMATCH as bash fills it, for shell/fragments/token.sh.
    prologue = "\\builtin emulate -LR zsh -o bash_rematch -o ksh_arrays"
    cli_completion = "_awsswitch"
    _ANSI_C = _ansi_c_table()

    def _ansi_c(self, code: str) -> str:
        """`code` escaped for $'...': three replaces (C speed) cover the usual text; any other
        control character goes through the full table."""
        text = code.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
        return text if text.isprintable() else code.translate(self._ANSI_C)

    def set_global(self, name: str, value: str) -> str:
        return f"\\builtin typeset -g {check_var_name(name)}={self.quote(value)}"

    def words_var(self, name: str, words: Sequence[str]) -> list[str]:
        check_words(words)
        name = check_var_name(name)
        return [f"\\builtin typeset -ga {name}", *wrap_words(f"{name}=(", words, ")")]

    def finish(self, body: list[str], outer: list[str]) -> list[str]:
        code = "\n".join(body) + "\n"
        return [
            "# The integration (shell/asw.zsh of awsswitch) runs in zsh's own options, whatever",
            "# the user's: it is one line, so that nothing but this line parses in the user's.",
            "\\builtin emulate -R zsh -c $'" + self._ansi_c(code) + "'",
            *outer,
        ]
