"""`awsswitch init`: the output, its options, and how it behaves when sourced."""

from __future__ import annotations

import itertools
import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from support.sandbox import require
from support.shells import CONFIG, SHELLS, fresh_tokens, run_shell, run_steps, source_line

from awsswitch import __version__
from awsswitch.shells import get_shell
from awsswitch.shells.base import read_template
from awsswitch.switch import init as initcmd

OPTION_SETS = [[], ["--prompt"], ["--aliases"], ["--cmd", "sw", "--aliases=aws-", "--prompt"]]

HEAVY = ("typer", "click", "rich", "boto3", "botocore", "pydantic", "shellingham")


@pytest.fixture(autouse=True)
def _config(sandbox):
    sandbox.write_config(CONFIG)
    fresh_tokens(sandbox)


def _init(sandbox, *args: str) -> subprocess.CompletedProcess:
    return sandbox.run("init", *args)


@pytest.mark.parametrize("shell", SHELLS)
def test_output_is_stable_and_has_a_version_header(sandbox, shell):
    first = _init(sandbox, shell, "--prompt")
    second = _init(sandbox, shell, "--prompt")
    assert first.returncode == 0 and first.stderr == ""
    assert first.stdout == second.stdout
    header = first.stdout.splitlines()[0]
    assert header.startswith(f"# awsswitch {__version__}: ")
    assert f"init {shell} --cmd=asw --prompt" in header
    assert _init(sandbox, shell).stdout != first.stdout  # options change it


def test_the_header_is_canonical_for_the_same_options():
    a = initcmd.parse(["zsh", "--prompt", "--cmd", "x"])
    b = initcmd.parse(["--cmd=x", "--prompt", "zsh"])
    assert initcmd.header(a, "zsh") == initcmd.header(b, "zsh")


def test_exe_is_embedded_as_whole_quoted_words(sandbox):
    out = _init(sandbox, "bash").stdout
    (line,) = [ln for ln in out.splitlines() if "_asw bash" in ln]
    exe = initcmd.exe_words()
    assert " ".join(get_shell("bash").quote(w) for w in exe) in line


@pytest.mark.parametrize("bad", ["tcsh", "powershell", "sh"])
def test_unsupported_shell_is_a_clear_error(sandbox, bad):
    proc = _init(sandbox, bad)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "bash, zsh and fish" in proc.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["bash", "--bogus"],
        ["bash", "zsh"],
        ["bash", "--cmd", "a b"],
        ["bash", "--cmd"],
        ["bash", "--cmd=$(id)"],
        ["bash", "--aliases=a b"],
    ],
)
def test_bad_options(sandbox, args):
    proc = _init(sandbox, *args)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("awsswitch init: ")


@pytest.mark.parametrize("shell", SHELLS)
def test_shell_is_detected_from_the_parent_process(sandbox, shell):
    require(shell)
    inner = f"{sys.executable} -m awsswitch init; true"
    proc = subprocess.run(
        [shell, "-c", inner], env=sandbox.env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert f"init {shell} " in proc.stdout.splitlines()[0]


def test_undetectable_shell_names_the_supported_ones(monkeypatch, capsys):
    import shellingham

    def fail():
        raise shellingham.ShellDetectionFailure()

    monkeypatch.setattr(shellingham, "detect_shell", fail)
    assert initcmd.main([]) == 2
    err = capsys.readouterr().err
    assert "bash|zsh|fish" in err


def test_detected_but_unsupported_shell(monkeypatch, capsys):
    import shellingham

    monkeypatch.setattr(shellingham, "detect_shell", lambda: ("tcsh", "/bin/tcsh"))
    assert initcmd.main([]) == 2
    assert "'tcsh'" in capsys.readouterr().err


# -- hot path: what init and the switch core import -------------------------------------

PROBE = """
import json, sys
from awsswitch.__main__ import main
code = main(json.loads(sys.argv[1]))
heavy = sorted(m for m in sys.modules if m.split('.')[0] in json.loads(sys.argv[2]))
sys.stderr.write('\\nMODULES=' + json.dumps(heavy) + '\\n')
sys.exit(code)
"""


def _loaded(sandbox, args: list[str]) -> list[str]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args), json.dumps(HEAVY)],
        env=sandbox.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    line = [ln for ln in proc.stderr.splitlines() if ln.startswith("MODULES=")][-1]
    return json.loads(line[len("MODULES=") :])


@pytest.mark.parametrize(
    "args",
    [
        ["init", "bash"],
        ["init", "zsh", "--prompt", "--aliases"],
        ["init", "fish", "--cmd", "sw", "--aliases=p-"],
        ["_asw", "bash", "home.poweruser"],
        ["_asw", "zsh", "-r", "eu-west-1"],
        ["_asw", "fish", "-u"],
        ["_asw", "bash", "--no-login", "static"],
    ],
)
def test_hot_paths_import_nothing_heavy(sandbox, args):
    assert _loaded(sandbox, args) == []


def test_detection_is_the_only_reason_to_import_shellingham(sandbox):
    words = [sys.executable, "-c", PROBE, json.dumps(["init"]), json.dumps(HEAVY)]
    probe = " ".join(shlex.quote(w) for w in words)
    proc = subprocess.run(
        ["bash", "-c", probe + "; true"], env=sandbox.env, capture_output=True, text=True
    )
    line = [ln for ln in proc.stderr.splitlines() if ln.startswith("MODULES=")][-1]
    loaded = json.loads(line[len("MODULES=") :])
    assert "shellingham" in loaded
    assert {m.split(".")[0] for m in loaded} == {"shellingham"}


# -- the emitted code in real shells ----------------------------------------------------


@pytest.mark.parametrize(("shell", "options"), list(itertools.product(SHELLS, OPTION_SETS)))
def test_init_is_silent_and_strict_safe_when_sourced_twice(sandbox, shell, options):
    out = _init(sandbox, shell, *options)
    assert out.returncode == 0 and out.stderr == ""
    init = sandbox.home / "init"
    init.write_text(out.stdout)
    strict = {
        "bash": "set -euo pipefail",
        "zsh": "setopt err_exit no_unset pipe_fail ksh_arrays sh_word_split warn_create_global",
        "fish": "",
    }[shell]
    script = f"{strict}\n{source_line(shell, init)}\n{source_line(shell, init)}\n"
    proc = run_shell(sandbox, shell, script)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


@pytest.mark.parametrize("shell", SHELLS)
def test_never_touches_rc_files(sandbox, shell):
    _init(sandbox, shell, "--prompt", "--aliases")
    for rc in [
        ".bashrc",
        ".bash_profile",
        ".profile",
        ".zshrc",
        ".zshenv",
        ".config/fish/config.fish",
    ]:
        assert not (sandbox.home / rc).exists()


BASH_SOURCES = [
    "shell/asw.bash",
    "shell/fragments/names.bash",
    "shell/fragments/token.sh",
    "shell/fragments/prompt.sh",
    "shell/fragments/auto.sh",
    "shell/fragments/complete.bash",
    "completions/awsswitch.bash",
]


@pytest.mark.parametrize("name", BASH_SOURCES)
def test_bash_sources_pass_shellcheck(sandbox, name):
    require("shellcheck")
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        ["shellcheck", "-s", "bash", str(root / name)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout


@pytest.mark.parametrize("options", OPTION_SETS)
def test_rendered_bash_passes_shellcheck(sandbox, options):
    require("shellcheck")
    code = _init(sandbox, "bash", *options).stdout
    proc = subprocess.run(
        ["shellcheck", "-s", "bash", "-"], input=code, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout


@pytest.mark.parametrize("options", OPTION_SETS)
def test_zsh_and_fish_parse(sandbox, options):
    require("zsh")
    require("fish")
    for shell, check in (("zsh", ["zsh", "-n"]), ("fish", ["fish", "--no-execute"])):
        for source in (read_template(f"asw.{shell}"), _init(sandbox, shell, *options).stdout):
            path = sandbox.home / f"check.{shell}"
            path.write_text(source)
            proc = subprocess.run([*check, str(path)], capture_output=True, text=True)
            assert proc.returncode == 0, proc.stderr


def test_fish_output_never_uses_builtin_abbr(sandbox):
    # `builtin abbr` breaks older fish (zoxide checks the same).
    assert "builtin abbr" not in _init(sandbox, "fish", "--prompt", "--aliases").stdout


# -- defensive: the user's aliases and functions ------------------------------------------

PRE_EXISTING = {
    "bash": "shopt -s expand_aliases\nalias asw='echo HIJACKED'\n"
    "alias export='echo HIJACKED'\nalias unset='echo HIJACKED'\nalias eval='echo HIJACKED'\n",
    "zsh": "alias asw='echo HIJACKED'\nalias export='echo HIJACKED'\n"
    "alias unset='echo HIJACKED'\nalias eval='echo HIJACKED'\nalias command='echo HIJACKED'\n",
    "fish": "abbr -a asw echo HIJACKED\n",
}
PRE_FUNCTION = {
    "bash": "asw() { echo HIJACKED; }\n",
    "zsh": "asw() { echo HIJACKED; }\n",
    "fish": "function asw; echo HIJACKED; end\nfunction printf; echo HIJACKED; end\n",
}


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("pre", [PRE_EXISTING, PRE_FUNCTION])
def test_existing_alias_or_function_named_asw(sandbox, shell, pre):
    steps, proc = run_steps(sandbox, shell, [["static"]], preamble=pre[shell])
    assert steps[0].status == 0, proc.stderr
    assert steps[0].env["AWS_PROFILE"] == "static"
    assert "HIJACKED" not in proc.stdout + proc.stderr


# -- aliases --------------------------------------------------------------------------------

ALIAS_CONFIG = (
    CONFIG
    + """
[profile "it's"]
[profile ls]
[profile taken]
[profile default.x.y]
"""
)


@pytest.mark.parametrize("shell", SHELLS)
def test_aliases_switch_and_never_shadow(sandbox, shell):
    sandbox.write_config(ALIAS_CONFIG)
    out = _init(sandbox, shell, "--aliases")
    assert out.returncode == 0
    # A name that cannot be an alias is skipped with a note on stderr.
    assert "it's" in out.stderr and "not a valid alias name" in out.stderr
    init = sandbox.home / "init"
    init.write_text(out.stdout)
    taken = {
        "bash": "taken() { echo MINE; }",
        "zsh": "taken() { echo MINE; }",
        "fish": "function taken; echo MINE; end",
    }[shell]
    status = "$status" if shell == "fish" else "$?"
    script = "\n".join(
        [
            "shopt -s expand_aliases" if shell == "bash" else "",
            taken,
            source_line(shell, init),
            source_line(shell, init),  # twice: our own aliases are redefined, not skipped
            "home.readonly",
            'echo "P=$AWS_PROFILE"',
            "x.y",
            'echo "P=$AWS_PROFILE"',
            "taken",
            "ls / >/dev/null",
            f'echo "ls={status}"',
            'echo "P=$AWS_PROFILE"',
        ]
    )
    proc = run_shell(sandbox, shell, script + "\n")
    assert proc.stdout.splitlines() == [
        "P=awsprofile.home.readonly",
        "P=default.x.y",
        "MINE",
        "ls=0",
        "P=default.x.y",
    ], proc.stderr


@pytest.mark.parametrize("shell", SHELLS)
def test_alias_prefix(sandbox, shell):
    out = _init(sandbox, shell, "--aliases=aws-")
    init = sandbox.home / "init"
    init.write_text(out.stdout)
    expand = "shopt -s expand_aliases\n" if shell == "bash" else ""
    script = f'{expand}{source_line(shell, init)}\naws-home.poweruser\necho "P=$AWS_PROFILE"\n'
    proc = run_shell(sandbox, shell, script)
    assert proc.stdout == "P=awsprofile.home.poweruser\n", proc.stderr


# -- double sourcing leaves one hook ------------------------------------------------------


def test_bash_hook_installed_once_and_user_prompt_command_kept(sandbox):
    init = sandbox.home / "init"
    init.write_text(_init(sandbox, "bash", "--prompt").stdout)
    script = (
        "PROMPT_COMMAND='echo user-hook'\n"
        f"{source_line('bash', init)}\n{source_line('bash', init)}\n"
        'printf "%s\\n" "$PROMPT_COMMAND"\nprintf "%s\\n" "$PS1"\n'
    )
    proc = run_shell(sandbox, "bash", script)
    lines = proc.stdout.splitlines()
    assert lines[:2] == ["__awsswitch_prompt_hook", "echo user-hook"]
    assert proc.stdout.count("AWSSWITCH_PROMPT:+") == 1


def test_zsh_hook_installed_once(sandbox):
    init = sandbox.home / "init"
    init.write_text(_init(sandbox, "zsh", "--prompt").stdout)
    script = (
        f"{source_line('zsh', init)}\n{source_line('zsh', init)}\n"
        'print -r -- "${(j:,:)precmd_functions}"\nprint -r -- "$PROMPT"\n'
    )
    proc = run_shell(sandbox, "zsh", script)
    hooks, prompt = proc.stdout.splitlines()[:2]
    assert hooks.split(",").count("__awsswitch_precmd") == 1
    assert prompt.count("%9v") == 1


def test_fish_prompt_wrapped_once(sandbox):
    init = sandbox.home / "init"
    init.write_text(_init(sandbox, "fish", "--prompt").stdout)
    script = (
        f"{source_line('fish', init)}\n{source_line('fish', init)}\n"
        "asw static\nfish_prompt\necho\ncomplete -C'asw --unse'\n"
    )
    proc = run_shell(sandbox, "fish", script)
    first = proc.stdout.splitlines()[0]
    assert first.startswith("(aws:static) ")
    assert first.count("aws:static") == 1
    assert proc.stdout.count("--unset") == 1  # completions not registered twice
