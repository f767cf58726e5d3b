"""Quoting: every value survives a round trip through the real shell and runs nothing.

Values a config file cannot hold (newlines, control characters, any unicode) are tested
here, through each shell's `export`/`echo` emitters; names a config can hold go through the
whole `asw` path in test_shell_hostile.py.
"""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support.shells import run_shell

from awsswitch.shells import get_shell
from awsswitch.shells.base import check_var_name

HOSTILE = [
    "x$(touch PWNED)",
    "a\\",
    "it's",
    "a\\u$(id)",
    "line\nbreak",
    "é♀ unicode ☃",
    "",
    "'",
    "\\'",
    "`touch PWNED`",
    "; touch PWNED #",
    "%F{red}x%f",
    "-n",
    "$HOME ${HOME} ~",
    "tab\there\r\x1b[31m",
    "\\\\'\\",
    "a'b\"c\\d$e`f!g*h?[i]{j}(k)|l&m;n<o>p#q",
]

# Printable and special ASCII plus some unicode; no NUL (cannot be in a variable) and no
# lone surrogates (not text).
ALPHABET = st.characters(
    codec="utf-8",
    exclude_categories=("Cs",),
    exclude_characters="\x00",
)
SPECIAL = st.sampled_from([*"'\"\\$`!*?~#;&|<>(){}[]%^ \t\n=", "$(", "\\'", "'\\"])
VALUES = st.lists(
    st.one_of(st.text(ALPHABET, max_size=12), st.lists(SPECIAL, max_size=8).map("".join)),
    min_size=1,
    max_size=12,
)

VARIANTS = [("bash", ""), ("zsh", ""), ("zsh", "setopt rc_quotes"), ("fish", "")]


def _roundtrip(sandbox, shell: str, preamble: str, values: list[str]) -> list[str]:
    sh = get_shell(shell)
    out = sandbox.home / "dump"
    lines = [preamble]
    lines += [sh.export(f"AWSSWITCH_T{i}", v) for i, v in enumerate(values)]
    lines.append(f"command env -0 > {sh.quote(str(out))}")
    proc = run_shell(sandbox, shell, "\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    env = {}
    for item in out.read_bytes().decode("utf-8", "surrogateescape").split("\0"):
        key, _, value = item.partition("=")
        env[key] = value
    assert not (sandbox.home / "PWNED").exists()
    return [env.get(f"AWSSWITCH_T{i}") for i in range(len(values))]


@pytest.mark.parametrize(("shell", "preamble"), VARIANTS)
def test_hostile_values_round_trip(sandbox, shell, preamble):
    assert _roundtrip(sandbox, shell, preamble, HOSTILE) == HOSTILE


@pytest.mark.parametrize(("shell", "preamble"), VARIANTS)
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(values=VALUES)
@example(values=["foo\\", "; touch PWNED #"])  # the fish injection (hermit PR #614)
def test_generated_values_round_trip(sandbox, shell, preamble, values):
    assert _roundtrip(sandbox, shell, preamble, values) == values


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_echo_prints_literally(sandbox, shell):
    sh = get_shell(shell)
    value = "a\\u$(touch PWNED) 'x' %s \\n"
    proc = run_shell(sandbox, shell, sh.echo(value) + "\n")
    assert proc.stdout == value + "\n"
    assert not (sandbox.home / "PWNED").exists()


def test_posix_quoting_is_not_enough_for_fish(sandbox):
    """Why fish has its own quote: POSIX quoting lets a trailing backslash escape the
    closing quote, and the next value runs as code."""
    posix = get_shell("bash").quote
    script = f"set -gx A {posix('foo' + chr(92))}; set -gx B {posix('; touch PWNED #')}\n"
    run_shell(sandbox, "fish", script)
    assert (sandbox.home / "PWNED").exists()
    (sandbox.home / "PWNED").unlink()
    fish = get_shell("fish").quote
    script = f"set -gx A {fish('foo' + chr(92))}; set -gx B {fish('; touch PWNED #')}\n"
    run_shell(sandbox, "fish", script)
    assert not (sandbox.home / "PWNED").exists()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_one_statement_per_line(shell):
    sh = get_shell(shell)
    line = sh.export("AWS_PROFILE", "a\nb\rc\x1bd")
    assert "\n" not in line and "\r" not in line and "\x1b" not in line


@pytest.mark.parametrize(
    "name", ["", "1A", "A-B", "A B", "A;B", "$(id)", "É", "A=B", "a\nb", "AWS_PROFILE "]
)
def test_variable_names_are_validated(name):
    with pytest.raises(ValueError):
        check_var_name(name)
    for shell in ("bash", "zsh", "fish"):
        with pytest.raises(ValueError):
            get_shell(shell).export(name, "x")
        with pytest.raises(ValueError):
            get_shell(shell).unset([name])


def test_valid_variable_names_are_emitted_raw():
    for name in ["AWS_PROFILE", "_x", "A1", string.ascii_letters]:
        assert get_shell("bash").export(name, "v") == f"\\builtin export {name}='v'"
        assert get_shell("fish").export(name, "v") == f"set -gx {name} 'v'"
