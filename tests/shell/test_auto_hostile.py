"""Per-directory profiles under hostile conditions, in real bash, zsh and fish: folder names
and file contents built to run code, files that are huge, binary, endless or not files, the
users' strict and odd shell options, and the promise that looking for the file starts no
process (counted with strace)."""

from __future__ import annotations

import os
import shlex
import sys

import pytest
from autohelp import BEFORE_PROMPT, init_auto, run_auto, tree, trust
from support.sandbox import require
from support.shells import (
    ARGV,
    BASH_OPTIONS,
    CONFIG,
    FISH_FEATURES,
    FISH_SETTINGS,
    SHELLS,
    ZSH_OPTIONS,
    fresh_tokens,
    run_shell,
    source_line,
)

from awsswitch.shells import get_shell

HOME_PU = "awsprofile.home.poweruser"
# Folder names that would run something if the shell ever parsed them as code.
FOLDERS = [
    "a b",
    "x$(touch PWNED)",
    "`touch PWNED`",
    "it's",
    'q"uote',
    "new\nline",
    "trail\n",
    "back\\",
    "-n",
    "*",
    "tab\there",
    "é♀.snow☃",
    "%F{red}x%f",
    "${HOME}",
]


@pytest.fixture(autouse=True)
def _config(sandbox):
    sandbox.write_config(CONFIG + f"\n[profile {shlex.quote('x$(touch PWNED)')}]\n")
    fresh_tokens(sandbox)


def _no_pwned(sandbox) -> None:
    assert not list(sandbox.home.rglob("PWNED")), "something ran"


@pytest.mark.parametrize("shell", SHELLS)
def test_hostile_folder_names_switch_and_leave(sandbox, shell):
    folders = {name: sandbox.home / "t" / name / "in" for name in FOLDERS}
    for folder in folders.values():
        folder.mkdir(parents=True)
        (folder.parent / ".awsprofile").write_text("home.poweruser\n")
        assert trust(sandbox, "allow", str(folder.parent)).returncode == 0
    steps = []
    for folder in folders.values():
        steps += [("cd", str(folder)), ("cd", str(sandbox.home))]
    snaps, proc = run_auto(sandbox, shell, steps)
    assert len(snaps) == len(steps), proc.stderr
    for n, name in enumerate(FOLDERS):
        inside, outside = snaps[2 * n], snaps[2 * n + 1]
        assert inside.profile == HOME_PU, (name, inside.err)
        assert inside.env["AWSSWITCH_PROFILE_SOURCE"] == f"dir:{folders[name].parent}"
        assert inside.prompt == "aws:home.poweruser@dir"
        assert outside.profile is None, name
    _no_pwned(sandbox)


@pytest.mark.parametrize("shell", SHELLS)
def test_the_allow_command_in_the_warning_can_be_pasted(sandbox, shell):
    """The warning's `run: awsswitch allow DIR` is one word per argument in that shell."""
    names = ["x$(touch PWNED)", "new\nline", "it's", "a b", "back\\"]
    folders = [sandbox.home / n for n in names]
    for folder in folders:
        folder.mkdir()
        (folder / ".awsprofile").write_text("static\n")
    snaps, proc = run_auto(sandbox, shell, [("cd", str(f)) for f in folders])
    commands = []
    for snap in snaps:
        assert snap.profile is None
        (line,) = snap.err.splitlines()
        assert "\n" not in line and "is not allowed; run: awsswitch allow " in line
        commands.append(line.split("; run: ", 1)[1])
    # Paste each into the same shell, with `awsswitch` standing for the real command.
    from autohelp import TRUST

    q = get_shell(shell).quote
    define = {
        "fish": f"function awsswitch; {q(sys.executable)} -c {q(TRUST)} $argv; end",
    }.get(shell, f'awsswitch() {{ {q(sys.executable)} -c {q(TRUST)} "$@"; }}')
    done = run_shell(sandbox, shell, define + "\n" + "\n".join(commands) + "\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("allowed ") == len(names)
    snaps, proc = run_auto(sandbox, shell, [("cd", str(f)) for f in folders])
    assert [s.profile for s in snaps] == ["static"] * len(names), proc.stderr
    _no_pwned(sandbox)


CONTENTS = [
    # (content, what the hook says)
    (b"$(touch PWNED)\n", "no profile named '$(touch PWNED)'"),
    (b"`touch PWNED`\nregion = eu-west-1\n", "no profile named '`touch PWNED`'"),
    (b"static\nregion = $(touch PWNED)\n", "invalid region"),
    (b"static\n$(touch PWNED)\n", "expected `region = NAME`"),
    (b"static\x00$(touch PWNED)\n", "binary data"),
    (b"\xff\xfe\x00s\x00", "binary data"),
    (b"stat\xe9ic\n", "not UTF-8 text"),
    (b"static\x1b[31m\n", "control characters"),
    (b"static\n" + b"#" * 5000 + b"\n", "larger than 4096 bytes"),
    (b"static " * 2_000_000, "larger than 4096 bytes"),
]


@pytest.mark.parametrize("shell", SHELLS)
def test_hostile_content_never_runs_and_is_said_once(sandbox, shell):
    folders = []
    for n, (content, _) in enumerate(CONTENTS):
        folder = sandbox.home / f"c{n}"
        folder.mkdir()
        (folder / ".awsprofile").write_bytes(content)
        folders.append(folder)
        # Recorded as allowed whatever allow thinks of it: the hook must cope on its own.
        _force_allow(sandbox, folder / ".awsprofile")
    steps = [("cd", str(f)) for f in folders] + [("cd", str(f)) for f in folders]
    snaps, proc = run_auto(sandbox, shell, steps)
    assert len(snaps) == len(steps), proc.stderr
    for n, (_, said) in enumerate(CONTENTS):
        first, again = snaps[n], snaps[n + len(CONTENTS)]
        assert first.profile is None, first.err
        assert said in first.err and first.err.count("\n") == 1, first.err
        assert again.err == ""  # once per content
    _no_pwned(sandbox)


@pytest.mark.parametrize("shell", SHELLS)
def test_a_profile_named_like_code_is_switched_to_literally(sandbox, shell):
    t = tree(sandbox.home, {"repo": "x$(touch PWNED)\n"})
    assert trust(sandbox, "allow", str(t["repo"])).returncode == 0
    snaps, proc = run_auto(sandbox, shell, [("cd", str(t["repo"]))])
    assert snaps[0].profile == "x$(touch PWNED)", proc.stderr
    assert snaps[0].prompt == "aws:x$(touch PWNED)@dir"
    _no_pwned(sandbox)


def _force_allow(sandbox, path) -> None:
    """Write the trust entry for `path` as allow would, without allow's own checks."""
    from awsswitch.switch import directory

    directory.allow(directory.DirFile(str(path), path.read_bytes()), sandbox.env)


@pytest.mark.parametrize("shell", SHELLS)
def test_files_that_are_not_files_are_skipped_without_blocking(sandbox, shell):
    """A FIFO, a device, a folder or a dangling link named .awsprofile is not a file: the
    walk goes on up (no read, so nothing can block), as Python's search does."""
    t = tree(
        sandbox.home,
        {
            "up": "static\n",
            "up/fifo": None,
            "up/dev": None,
            "up/dir": None,
            "up/dangling": None,
            "up/loop": None,
        },
    )
    os.mkfifo(t["up/fifo"] / ".awsprofile")
    os.symlink("/dev/zero", t["up/dev"] / ".awsprofile")
    (t["up/dir"] / ".awsprofile").mkdir()
    os.symlink(sandbox.home / "missing", t["up/dangling"] / ".awsprofile")
    os.symlink(".awsprofile", t["up/loop"] / ".awsprofile")
    assert trust(sandbox, "allow", str(t["up"])).returncode == 0
    names = ["up/fifo", "up/dev", "up/dir", "up/dangling", "up/loop"]
    snaps, proc = run_auto(sandbox, shell, [("cd", str(t[n])) for n in names])
    assert [s.profile for s in snaps] == ["static"] * len(names), proc.stderr
    assert all(s.env["AWSSWITCH_PROFILE_SOURCE"] == f"dir:{t['up']}" for s in snaps)


@pytest.mark.parametrize("shell", SHELLS)
def test_a_symlinked_file_is_trusted_by_its_own_path(sandbox, shell):
    """Allowing one tree's file does not allow a link to it from another folder."""
    t = tree(sandbox.home, {"real": "static\n", "other": None})
    os.symlink(t["real"] / ".awsprofile", t["other"] / ".awsprofile")
    assert trust(sandbox, "allow", str(t["real"])).returncode == 0
    snaps, _ = run_auto(sandbox, shell, [("cd", str(t["real"])), ("cd", str(t["other"]))])
    assert snaps[0].profile == "static"
    assert snaps[1].profile is None and "is not allowed" in snaps[1].err
    # ...while the same folder through a linked parent is the same file.
    os.symlink(t["real"], sandbox.home / "alias")
    snaps, _ = run_auto(sandbox, shell, [("cd", str(sandbox.home / "alias"))])
    assert snaps[0].profile == "static"


# -- the users' shell options ------------------------------------------------------------


def _strict_flow(sandbox):
    t = tree(sandbox.home, {"repo": "home.poweruser\n", "repo/sub": None, "bad": "static\n"})
    assert trust(sandbox, "allow", str(t["repo"])).returncode == 0
    steps = [
        ("asw", "static"),
        ("cd", str(t["repo"])),
        ("cd", str(t["repo/sub"])),
        ("cd", str(t["bad"])),
        ("cd", str(sandbox.home)),
    ]
    want = ["static", HOME_PU, HOME_PU, "static", "static"]
    return steps, want, t


def _check_flow(snaps, proc, want, t) -> None:
    assert [s.profile for s in snaps] == want, proc.stderr
    assert snaps[1].err == f"asw: {HOME_PU} (from {t['repo']}/.awsprofile)\n"
    assert snaps[2].err == ""
    assert snaps[3].err.splitlines() == [
        "asw: back to static",
        f"awsswitch: {t['bad']}/.awsprofile is not allowed; run: awsswitch allow {t['bad']}",
    ]
    assert snaps[4].err == ""
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("preamble", BASH_OPTIONS)
def test_bash_options(sandbox, preamble):
    steps, want, t = _strict_flow(sandbox)
    snaps, proc = run_auto(sandbox, "bash", steps, preamble=preamble)
    _check_flow(snaps, proc, want, t)


@pytest.mark.parametrize("preamble", ZSH_OPTIONS)
def test_zsh_options(sandbox, preamble):
    steps, want, t = _strict_flow(sandbox)
    snaps, proc = run_auto(sandbox, "zsh", steps, preamble=preamble)
    _check_flow(snaps, proc, want, t)


@pytest.mark.parametrize("preamble", FISH_SETTINGS)
def test_fish_settings(sandbox, preamble):
    steps, want, t = _strict_flow(sandbox)
    env = {"fish_features": FISH_FEATURES}
    snaps, proc = run_auto(sandbox, "fish", steps, preamble=preamble, env=env)
    _check_flow(snaps, proc, want, t)


@pytest.mark.parametrize("shell", SHELLS)
def test_loads_twice_under_strict_options_silently(sandbox, shell):
    init = sandbox.home / "init"
    init.write_text(init_auto(shell, prompt=True), encoding="utf-8")
    strict = {
        "bash": "set -euo pipefail",
        "zsh": "setopt err_exit no_unset pipe_fail ksh_arrays sh_word_split warn_create_global",
        "fish": "",
    }[shell]
    hook = BEFORE_PROMPT[shell]
    load = source_line(shell, init)
    script = f"{strict}\n{load}\n{load}\ncd /\n{hook}\ncd /tmp\n{hook}\necho ok\n"
    proc = run_shell(sandbox, shell, script)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "ok\n", "")


# -- no process per cd ---------------------------------------------------------------------

CD_LOOP = {
    "bash": "for i in 1 2 3 4 5 6 7 8 9 10; do cd {a}; __awsswitch_prompt_hook; "
    "cd {b}; __awsswitch_prompt_hook; done",
    "zsh": "for i in 1 2 3 4 5 6 7 8 9 10; do cd {a}; __awsswitch_precmd; "
    "cd {b}; __awsswitch_precmd; done",
    "fish": "for i in 1 2 3 4 5 6 7 8 9 10; cd {a}; emit fish_prompt; "
    "cd {b}; emit fish_prompt; end",
}


def _execs(sandbox, shell: str, script: str, env: dict[str, str] | None = None) -> list[str]:
    """The programs the shell started (execve after its own), under strace -f."""
    require("strace")
    log = sandbox.home / "strace.log"
    strace = ["strace", "-f", "-qq", "-e", "trace=execve", "-o", str(log), *ARGV[shell]]
    proc = run_shell(sandbox, shell, script, env=env, timeout=120, argv=strace)
    if proc.returncode != 0 and "ptrace" in proc.stderr:
        pytest.skip("strace is not permitted here")
    assert proc.returncode == 0, proc.stderr
    calls = [line for line in log.read_text().splitlines() if "execve(" in line]
    return calls[1:]  # the first is the shell itself


@pytest.mark.parametrize("shell", SHELLS)
def test_no_process_per_cd_outside_and_inside_a_tree(sandbox, shell):
    t = tree(
        sandbox.home,
        {
            "plain/a/b/c": None,
            "plain/x/y": None,
            "repo": "static\n",
            "repo/a/b": None,
            "repo/c": None,
        },
    )
    assert trust(sandbox, "allow", str(t["repo"])).returncode == 0
    init = sandbox.home / "init"
    init.write_text(init_auto(shell, prompt=True), encoding="utf-8")
    q = get_shell(shell).quote
    hook = BEFORE_PROMPT[shell]
    outside = CD_LOOP[shell].format(a=q(str(t["plain/a/b/c"])), b=q(str(t["plain/x/y"])))
    inside = CD_LOOP[shell].format(a=q(str(t["repo/a/b"])), b=q(str(t["repo/c"])))
    script = (
        f"source {q(str(init))}\ncd /\n{hook}\n{outside}\n"
        f"cd {q(str(t['repo']))}\n{hook}\n{inside}\n"
        f'test "$AWS_PROFILE" = static\n'
    )
    # 40 cds and prompts outside a tree and 40 inside one start nothing; entering the tree
    # starts the one switch (the Python core).
    execs = _execs(sandbox, shell, script)
    assert len(execs) == 1 and f'"{sys.executable}"' in execs[0], execs


@pytest.mark.parametrize("shell", SHELLS)
def test_cd_works_without_python_on_path_when_no_file_is_found(sandbox, shell):
    t = tree(sandbox.home, {"a/b": None, "c": None})
    init = sandbox.home / "init"
    init.write_text(init_auto(shell).replace(sys.executable, "/nonexistent/py"))
    hook = BEFORE_PROMPT[shell]
    q = get_shell(shell).quote
    script = (
        f"source {q(str(init))}\n"
        f"cd {q(str(t['a/b']))}; {hook}; cd {q(str(t['c']))}; {hook}; cd /; {hook}\necho ok\n"
    )
    argv = [require(shell), *ARGV[shell][1:]]  # the shell by its path: PATH finds nothing
    proc = run_shell(sandbox, shell, script, env={"PATH": "/nonexistent"}, argv=argv)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "ok\n", "")
