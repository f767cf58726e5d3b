"""The prompt segment: what it shows for each token state, that names print literally,
that the user's hook and `$?` survive, and how many processes a render costs."""

from __future__ import annotations

import shlex
import subprocess

import pytest
from support.sandbox import require
from support.shells import CONFIG, SHELLS, run_shell, source_line, write_token

from awsswitch.shells import get_shell

HOME_PU = "awsprofile.home.poweruser"
EVIL = "a\\u$(id)"
PCT = "%F{red}x%f`id`"


def _config(sandbox) -> None:
    extra = f"\n[profile {shlex.quote(EVIL)}]\n\n[profile {shlex.quote(PCT)}]\n"
    sandbox.write_config(CONFIG + extra)


def _render_lines(shell: str) -> str:
    """Shell code that prints the prompt as the shell would draw it (with --prompt)."""
    if shell == "bash":
        return '__awsswitch_prompt_hook\nprintf "%s|\\n" "${PS1@P}"\n'
    if shell == "zsh":
        return '__awsswitch_precmd\nprint -rP -- "$PROMPT|"\n'
    return "fish_prompt; echo '|'\n"


def _prompt_after(sandbox, shell: str, args: list[str], *, env=None, before: str = "") -> str:
    init = sandbox.home / "init"
    init.write_text(get_shell(shell).render(exe=_exe(), cmd="asw", prompt=True))
    quoted = " ".join(get_shell(shell).quote(a) for a in args)
    reset = {"bash": "PS1=''", "zsh": "PROMPT=''", "fish": "function fish_prompt; end"}[shell]
    script = f"{reset}\n{source_line(shell, init)}\n{before}asw {quoted}\n{_render_lines(shell)}"
    proc = run_shell(sandbox, shell, script, env=env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.rstrip("\n").rsplit("\n", 1)[-1]


def _exe() -> list[str]:
    import sys

    return [sys.executable, "-m", "awsswitch"]


@pytest.fixture(autouse=True)
def _setup(sandbox):
    _config(sandbox)


STATES = [
    # (token file arguments, expected marker)
    ({"expires_in": 8 * 3600}, ""),
    ({"expires_in": 8 * 3600, "fmt": "offset"}, ""),
    ({"expires_in": 8 * 3600, "fmt": "fraction"}, ""),
    ({"expires_in": 600}, "~"),  # 10 minutes left, refreshable: refresh due
    ({"expires_in": -3600}, "~"),  # expired, refreshable
    ({"expires_in": 600, "refreshable": False}, "!"),  # expiring, cannot refresh
    ({"expires_in": -3600, "registration_in": -60}, "!"),  # registration expired
    (None, "!"),  # no token file at all
]


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize(("token", "marker"), STATES)
def test_segment_shows_short_name_and_token_state(sandbox, shell, token, marker):
    if token is not None:
        write_token(sandbox, "awssso.home", **token)
    line = _prompt_after(sandbox, shell, ["--no-login", "home.poweruser"])
    assert line == f"(aws:home.poweruser{marker}) |"


@pytest.mark.parametrize("shell", SHELLS)
def test_corrupt_token_file_means_login(sandbox, shell):
    path = write_token(sandbox, "awssso.home")
    path.write_text("{not json")
    line = _prompt_after(sandbox, shell, ["--no-login", "home.poweruser"])
    assert line == "(aws:home.poweruser!) |"


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("name", [EVIL, PCT])
def test_profile_names_print_literally(sandbox, shell, name):
    line = _prompt_after(sandbox, shell, ["--", name])
    assert line == f"(aws:{name}) |"
    assert "uid=" not in line


@pytest.mark.parametrize("shell", SHELLS)
def test_non_sso_profile_has_no_marker_and_hand_set_profile_shows_as_is(sandbox, shell):
    assert _prompt_after(sandbox, shell, ["static"]) == "(aws:static) |"
    change = "set -gx AWS_PROFILE by-hand\n" if shell == "fish" else "export AWS_PROFILE=by-hand\n"
    # A switch, then a change by hand before the prompt: show the hand-set name.
    init = sandbox.home / "init"
    init.write_text(get_shell(shell).render(exe=_exe(), cmd="asw", prompt=True))
    reset = {"bash": "PS1=''", "zsh": "PROMPT=''", "fish": "function fish_prompt; end"}[shell]
    script = f"{reset}\n{source_line(shell, init)}\nasw static\n{change}{_render_lines(shell)}"
    proc = run_shell(sandbox, shell, script)
    assert proc.stdout.rstrip("\n") == "(aws:by-hand) |"


@pytest.mark.parametrize("shell", SHELLS)
def test_no_profile_no_segment(sandbox, shell):
    line = _prompt_after(sandbox, shell, ["-u"])
    assert line == "|"


def test_bash_hook_keeps_status_and_user_prompt_command(sandbox):
    init = sandbox.home / "init"
    init.write_text(get_shell("bash").render(exe=_exe(), cmd="asw", prompt=False))
    script = (
        "PROMPT_COMMAND='echo \"user hook sees $?\"'\n"
        f"{source_line('bash', init)}\n"
        "asw static\n"
        "(exit 3)\n"
        'eval "$PROMPT_COMMAND"\n'
        'echo "[$AWSSWITCH_PROMPT]"\n'
    )
    proc = run_shell(sandbox, "bash", script)
    assert proc.stdout.splitlines() == ["user hook sees 3", "[aws:static]"], proc.stderr


def test_zsh_hook_keeps_status(sandbox):
    init = sandbox.home / "init"
    init.write_text(get_shell("zsh").render(exe=_exe(), cmd="asw", prompt=False))
    script = (
        f"{source_line('zsh', init)}\n"
        "asw static\n"
        "(exit 3)\n"
        "for f in $precmd_functions; do $f; done\n"
        'print -rP -- "%? %9v"\n'
    )
    proc = run_shell(sandbox, "zsh", script)
    # precmd functions run between the command and the prompt; the prompt's %? is the
    # command's status (zsh restores it), and the segment lands in psvar[9].
    assert proc.stdout.splitlines()[-1].endswith(" aws:static"), proc.stderr


def test_fish_wrapped_prompt_sees_the_last_status(sandbox):
    init = sandbox.home / "init"
    init.write_text(get_shell("fish").render(exe=_exe(), cmd="asw", prompt=True))
    script = (
        'function fish_prompt; echo -n "status=$status> "; end\n'
        f"{source_line('fish', init)}\n"
        "asw static\n"
        "false\n"
        "fish_prompt; echo\n"
    )
    proc = run_shell(sandbox, "fish", script)
    assert proc.stdout.splitlines()[-1] == "(aws:static) status=1> ", proc.stderr


# -- processes per render ----------------------------------------------------------------


def _count_execs(sandbox, argv: list[str], env: dict[str, str]) -> int:
    require("strace")
    log = sandbox.home / "strace.log"
    proc = subprocess.run(
        ["strace", "-f", "-qq", "-e", "trace=execve", "-o", str(log), *argv],
        env={**sandbox.env, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    if proc.returncode != 0 and "ptrace" in proc.stderr:
        pytest.skip("strace is not permitted here")
    assert proc.returncode == 0, proc.stderr
    # The shell itself is one execve; every other one is a process started by the prompt.
    return sum(1 for line in log.read_text().splitlines() if "execve(" in line) - 1


def _switched_env(sandbox) -> dict[str, str]:
    token = write_token(sandbox, "awssso.home", expires_in=600)
    return {
        "AWS_PROFILE": HOME_PU,
        "AWSSWITCH_PROFILE": HOME_PU,
        "AWSSWITCH_SHORT": "home.poweruser",
        "AWSSWITCH_TOKEN_FILE": str(token),
    }


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_zero_processes_per_render(sandbox, shell):
    init = sandbox.home / "init"
    init.write_text(get_shell(shell).render(exe=_exe(), cmd="asw", prompt=True))
    render = {
        "bash": f"source {init}; for i in 1 2 3 4 5; do __awsswitch_prompt_hook; done; "
        'printf "%s\\n" "${PS1@P}"',
        "zsh": f"source {init}; for i in 1 2 3 4 5; do __awsswitch_precmd; done; "
        'print -rP -- "$PROMPT"',
    }[shell]
    argv = {"bash": ["bash", "--norc", "--noprofile", "-c"], "zsh": ["zsh", "-f", "-c"]}[shell]
    # Loading the integration and five renders (SSO profile, token read and dated).
    assert _count_execs(sandbox, [*argv, render], _switched_env(sandbox)) == 0


def test_fish_at_most_one_process_per_render(sandbox):
    init = sandbox.home / "init"
    init.write_text(get_shell("fish").render(exe=_exe(), cmd="asw", prompt=True))
    render = f"source {init}; for i in 1 2 3 4 5; awsswitch_prompt; echo; end"
    env = _switched_env(sandbox)
    assert _count_execs(sandbox, ["fish", "--no-config", "-c", render], env) <= 5
    # Not an SSO profile: no process at all.
    env = {"AWS_PROFILE": "static", "AWSSWITCH_PROFILE": "static", "AWSSWITCH_SHORT": "static"}
    assert _count_execs(sandbox, ["fish", "--no-config", "-c", render], env) == 0


# -- a real interactive prompt -------------------------------------------------------------

LIVE_PROMPT = {
    # Each shows the last status, then the segment, then the mark the helpers wait for.
    "bash": "PS1='[$?]${AWSSWITCH_PROMPT:+($AWSSWITCH_PROMPT)}READY> '",
    "zsh": "PROMPT='[%?]%(9V.(%9v).)READY> '",
    "fish": "function fish_prompt; set -l s $status; "
    'echo -n "[$s]("(awsswitch_prompt)")READY> "; end',
}


@pytest.mark.slow
@pytest.mark.parametrize("shell", SHELLS)
def test_live_prompt_keeps_the_status_and_shows_the_segment(sandbox, shell):
    from support.shells import spawn

    write_token(sandbox, "awssso.home", expires_in=600)
    child = spawn(sandbox, shell, get_shell(shell).render(exe=_exe(), cmd="asw", prompt=False))
    child.sendline(LIVE_PROMPT[shell])
    child.expect_exact("READY>")
    child.sendline("asw --no-login home.poweruser")
    child.expect(r"\[0\]\(aws:home\.poweruser~\)READY> ")
    child.sendline("false")
    child.expect(r"\[1\]\(aws:home\.poweruser~\)READY> ")
    child.sendline("asw nope-nope-nope")
    child.expect(r"\[2\]\(aws:home\.poweruser~\)READY> ")
    child.sendline("exit")
