"""Completion filters the names by the typed prefix in the shell (names file) and in awk
(config edited since): literally, never as a regex or a pattern, in both paths; zsh keeps
the parsed names file in memory until it changes; strict modes stay quiet."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from support.shells import SHELLS, init_code, quote_args, run_shell

from awsswitch.config import names
from awsswitch.config.profiles import load_index

# Names full of regex, glob and awk-escape characters, plus case and dash oddities.
HOSTILE_CONFIG = """\
[default]
[sso-session awssso.home]
sso_start_url = https://home.example.com/start
[sso-session awssso.work]
sso_start_url = https://work.example.com/start
[sso-session a.b*c]
sso_start_url = https://other.example.com/start
[profile a.b.one]
[profile axb.two]
[profile x[1].y.z]
[profile star*.name]
[profile q?mark]
[profile dollar$(id).name]
[profile hash#x]
[profile caret^x]
[profile tilde~x]
[profile pipe|x]
[profile Upper.Case.Name]
[profile -dash]
[profile cfg=1]
[profile "quoted name"]
[profile awsprofile.home.poweruser]
[profile awsprofile.work.poweruser]
"""

HOSTILE_CREDENTIALS = """\
[back\\slash]
[tab\\tname]
"""

PREFIXES = [
    "",
    "a.b",
    "a.",
    "ax",
    "x[1",
    "x[",
    "star*",
    "*",
    "q?",
    "?",
    ".",
    "dollar$(",
    "$",
    "back\\",
    "back\\s",
    "tab\\t",
    "hash#",
    "#",
    "caret^",
    "^",
    "tilde~",
    "pipe|",
    "upper",
    "Upper.C",
    "home.",
    "-",
    "-d",
    "cfg=1",
    "quoted n",
    "zzz-nothing",
]

SESSION_PREFIXES = ["", "awssso.", "awssso.w", "a.b*", "a.b", "*", "zzz-nothing"]


def _write(sandbox) -> tuple[set[str], set[str]]:
    sandbox.write_config(HOSTILE_CONFIG)
    sandbox.credentials.write_text(HOSTILE_CREDENTIALS)
    index = load_index(sandbox.env)
    profiles = {p.name for p in index.profiles} | {p.short for p in index.profiles}
    # The fixture is what we think it is.
    assert {"x[1].y.z", "star*.name", "back\\slash", "tab\\tname", "home.poweruser"} <= profiles
    assert {"a.b*c", "awssso.work"} <= set(index.sso_sessions)
    return profiles, set(index.sso_sessions)


def _listed(sandbox, shell: str, kind: str, prefixes: list[str]) -> list[list[str]]:
    """What `__awsswitch_names KIND PREFIX` gives for each prefix, in one shell process."""
    init = sandbox.home / "init"
    init.write_text(init_code(shell))
    lines = [f"source {init}"]
    for i, prefix in enumerate(prefixes):
        arg = quote_args(shell, [prefix])
        lines.append(f"echo @@{i}")
        if shell == "bash":
            lines.append(f"__awsswitch_names {kind} {arg}")
            lines.append('((${#__awsswitch_reply[@]})) && printf "%s\\n" "${__awsswitch_reply[@]}"')
        elif shell == "zsh":
            lines.append(f"__awsswitch_names {kind} {arg}; print -rl -- $reply")
        else:
            lines.append(f"__awsswitch_names {kind} {arg}")
    body = "\n".join(lines) + "\n"
    if shell == "zsh":
        body = "() {\nlocal -a reply\n" + body + "}\n"
    elif shell == "bash":
        body += "true\n"
    proc = run_shell(sandbox, shell, body)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    out: list[list[str]] = [[] for _ in prefixes]
    current = -1
    for line in proc.stdout.split("\n"):
        if line.startswith("@@"):
            current = int(line[2:])
        elif line:
            out[current].append(line)
    return out


def _wanted(shell: str, every: set[str], prefix: str) -> set[str]:
    """bash: the names that start with the prefix. zsh (ignoring case) and fish: those, or
    every name when none does (the shell then matches them its own way)."""
    if shell == "zsh":
        found = {n for n in every if n.lower().startswith(prefix.lower())}
    else:
        found = {n for n in every if n.startswith(prefix)}
    return found if found or shell == "bash" else every


def _write_names_file(sandbox) -> Path:
    before = names.stamp(sandbox.env)
    assert names.update(load_index(sandbox.env), sandbox.env, before)
    path = Path(names.names_file(sandbox.env))
    assert names.is_fresh(sandbox.env)
    return path


@pytest.mark.parametrize("state", ["awk", "names-file"])
@pytest.mark.parametrize("shell", SHELLS)
def test_prefix_is_compared_literally(sandbox, shell, state):
    profiles, sessions = _write(sandbox)
    if state == "names-file":
        _write_names_file(sandbox)
    else:
        assert not Path(names.names_file(sandbox.env)).exists()
    got = _listed(sandbox, shell, "profiles", PREFIXES)
    for prefix, listed in zip(PREFIXES, got, strict=True):
        assert len(listed) == len(set(listed)), prefix
        assert set(listed) == _wanted(shell, profiles, prefix), prefix
    got = _listed(sandbox, shell, "sessions", SESSION_PREFIXES)
    for prefix, listed in zip(SESSION_PREFIXES, got, strict=True):
        assert set(listed) == _wanted(shell, sessions, prefix), prefix


def test_zsh_keeps_the_names_file_in_memory_until_it_changes(sandbox):
    profiles, _ = _write(sandbox)
    path = _write_names_file(sandbox)
    text = path.read_text()
    head, _, body = text.partition("\nS")
    added = sorted([*("S" + body).splitlines(), "pADDED-BY-MV"])
    replaced = path.with_name("names.new")
    replaced.write_text(head + "\n" + "\n".join(added) + "\n")
    same_size = text.replace("pa.b.one\n", "pa.b.ONE\n")
    assert len(same_size) == len(text) and same_size != text
    edited = path.with_name("names.same-size")
    edited.write_text(same_size)
    q = quote_args("zsh", [str(path), str(replaced), str(edited)]).split(" ")
    steps = [
        # The first TAB parses the file; the second uses what it kept.
        "",
        "",
        # Replaced by a new file (what awsswitch does: a new inode), in the same second.
        f"command mv -f -- {q[1]} {q[0]}",
        # Rewritten in place with the same size, a little later (a new mtime).
        f"command sleep 0.05; command cat -- {q[2]} > {q[0]}",
        # Gone: the kept names must not outlive it.
        f"command rm -f -- {q[0]}",
    ]
    init = sandbox.home / "init"
    init.write_text(init_code("zsh"))
    lines = [f"source {init}"]
    for i, step in enumerate(steps):
        lines += [step, f"echo @@{i}", "__awsswitch_names profiles ''; print -rl -- $reply"]
    body = "() {\nlocal -a reply\n" + "\n".join(lines) + "\n}\n"
    proc = run_shell(sandbox, "zsh", body)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    out: list[set[str]] = [set() for _ in steps]
    current = -1
    for line in proc.stdout.split("\n"):
        if line.startswith("@@"):
            current = int(line[2:])
        elif line:
            out[current].add(line)
    assert out[0] == out[1] == profiles
    assert out[2] == profiles | {"ADDED-BY-MV"}
    assert out[3] == (profiles - {"a.b.one"}) | {"a.b.ONE"}
    assert out[4] == profiles  # parsed from the config again


def test_zsh_kept_names_are_dropped_when_the_config_changes(sandbox):
    profiles, _ = _write(sandbox)
    path = _write_names_file(sandbox)
    head, _, body = path.read_text().partition("\nS")
    path.write_text(head + "\n" + "\n".join(sorted([*("S" + body).splitlines(), "pEXTRA"])) + "\n")
    later = time.time() + 5
    init = sandbox.home / "init"
    init.write_text(init_code("zsh"))
    config = quote_args("zsh", [str(sandbox.config)])
    body = (
        f"() {{\nlocal -a reply\nsource {init}\n"
        "__awsswitch_names profiles ''; print -rl -- $reply\necho @@\n"
        f"command touch -d @{int(later)} -- {config}\n"
        "__awsswitch_names profiles ''; print -rl -- $reply\n}\n"
    )
    proc = run_shell(sandbox, "zsh", body)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    first, _, second = proc.stdout.partition("@@\n")
    assert set(first.splitlines()) == profiles | {"EXTRA"}
    assert set(second.splitlines()) == profiles


STRICT = {
    "bash": "set -euo pipefail",
    "zsh": "setopt err_exit no_unset pipe_fail ksh_arrays sh_word_split warn_create_global",
}


@pytest.mark.parametrize("state", ["awk", "names-file"])
@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_completion_is_quiet_under_strict_options(sandbox, shell, state):
    _write(sandbox)
    if state == "names-file":
        _write_names_file(sandbox)
    init = sandbox.home / "init"
    init.write_text(init_code(shell))
    if shell == "bash":
        body = (
            f"{STRICT['bash']}\nsource {init}\n"
            "COMP_LINE='asw a.b'; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(asw a.b); COMP_CWORD=1\n"
            "__awsswitch_complete asw a.b asw\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n"
            "__awsswitch_names sessions ''\nprintf '%s\\n' \"${__awsswitch_reply[@]}\"\n"
        )
    else:
        body = (
            f"{STRICT['zsh']}\nsource {init}\ntypeset -ga reply\n"
            '__awsswitch_names profiles a.b\nprint -rl -- "${reply[@]}"\n'
            "__awsswitch_names sessions ''\nprint -rl -- \"${reply[@]}\"\n"
        )
    proc = run_shell(sandbox, shell, body)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    got = set(proc.stdout.split("\n")) - {""}
    assert {"a.b.one", "awssso.home", "a.b*c"} <= got
    assert "axb.two" not in got
