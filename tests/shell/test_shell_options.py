"""The integration loads and works whatever the user's shell options: zsh options that change
how code parses (sh_glob, csh_junkie_quotes, emulate sh, ...), bash's strict and glob
modes and POSIX mode, fish's feature flags. Each set: load, switch, the prompt segment and
its token state, and profile-name completion, in one real shell; stderr stays empty."""

from __future__ import annotations

import json

import pytest
from support.login_files import entry
from support.shells import (
    BASH_OPTIONS,
    CONFIG,
    EXE,
    FISH_FEATURES,
    FISH_SETTINGS,
    ZSH_OPTIONS,
    fresh_tokens,
    init_code,
    run_shell,
    source_line,
    spawn,
)

from awsswitch.shells import get_shell
from awsswitch.shells.base import completion_file

# Switch to an SSO profile whose token is fresh (no login), show the prompt's state, the
# state of an `aws login` console session whose credentials are due for a refresh (the
# whole reader: JSON, the nested object, the idToken's base64), then complete a profile
# name: each result on its own line after a marker.
CHECKS = {
    "bash": """asw home.poweruser
printf 'profile=%s\\n' "${AWS_PROFILE-}"
__awsswitch_prompt_hook
printf 'prompt=%s state=%s\\n' "${AWSSWITCH_PROMPT-}" "${AWSSWITCH_TOKEN_STATE-}"
(AWSSWITCH_TOKEN_FILE='' AWSSWITCH_LOGIN_FILE="$HOME/login.json"; __awsswitch_prompt_hook
printf 'login=%s state=%s\\n' "${AWSSWITCH_PROMPT-}" "${AWSSWITCH_TOKEN_STATE-}")
__awsswitch_names profiles awsprofile.wo
printf 'names=%s\\n' "${__awsswitch_reply[*]-}"
COMP_LINE='asw work.pow'; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(asw work.pow); COMP_CWORD=1
__awsswitch_complete asw work.pow asw
printf 'asw=%s\\n' "${COMPREPLY[*]-}"
COMP_LINE='awsswitch configure pro'; COMP_POINT=${#COMP_LINE}
COMP_WORDS=(awsswitch configure pro); COMP_CWORD=2
__awsswitch_cli_complete awsswitch pro configure
printf 'cli=%s\\n' "${COMPREPLY[*]-}"
""",
    "zsh": """asw home.poweruser
print -r -- "profile=${AWS_PROFILE-}"
__awsswitch_precmd
print -r -- "prompt=${AWSSWITCH_PROMPT-} state=${AWSSWITCH_TOKEN_STATE-}"
(AWSSWITCH_TOKEN_FILE='' AWSSWITCH_LOGIN_FILE="$HOME/login.json"; __awsswitch_precmd
print -r -- "login=${AWSSWITCH_PROMPT-} state=${AWSSWITCH_TOKEN_STATE-}")
__awsswitch_names profiles awsprofile.wo
print -r -- "names=${reply-}"
""",
    "fish": """asw home.poweruser
echo profile=$AWS_PROFILE
set -l p (awsswitch_prompt)
echo prompt=$p state=$AWSSWITCH_TOKEN_STATE
begin
    # Exported locals: a fish function sees its caller's exported variables, not plain locals.
    set -lx AWSSWITCH_TOKEN_FILE
    set -lx AWSSWITCH_LOGIN_FILE $HOME/login.json
    set -l p (awsswitch_prompt)
    echo login=$p state=$AWSSWITCH_TOKEN_STATE
end
echo names=(__awsswitch_names profiles awsprofile.wo)
echo asw=(complete -C 'asw work.pow' | string replace -r '\\t.*' '')
echo cli=(complete -C 'awsswitch configure pro' | string replace -r '\\t.*' '')
""",
}
WANT = [
    "profile=awsprofile.home.poweruser",
    "prompt=aws:home.poweruser state=fresh",
    "login=aws:home.poweruser~ state=refreshable",
    "names=awsprofile.work.poweruser",
]
# bash and fish also complete `asw` and the awsswitch command (zsh needs compsys: the pty
# test below).
WANT_TAB = ["asw=work.poweruser", "cli=profile"]


@pytest.fixture(autouse=True)
def _config(sandbox):
    sandbox.write_config(CONFIG)
    fresh_tokens(sandbox)
    # An `aws login` cache file whose credentials expire in a minute, signed in an hour ago.
    login = entry(expires_in=60, signed_in_ago=3600)
    (sandbox.home / "login.json").write_text(json.dumps(login), encoding="utf-8")


def _run(sandbox, shell: str, preamble: str, env: dict[str, str] | None = None) -> list[str]:
    init = sandbox.home / f"init.{shell}"
    sh = get_shell(shell)
    code = sh.render(exe=EXE, cmd="asw", prompt=True, cli=completion_file(sh.cli_completion))
    init.write_text(code, encoding="utf-8")
    script = f"{preamble}\n{source_line(shell, init)}\n{CHECKS[shell]}"
    proc = run_shell(sandbox, shell, script, env=env)
    assert proc.stderr == "", proc.stderr
    assert proc.returncode == 0, proc.stdout
    return proc.stdout.splitlines()


@pytest.mark.parametrize("preamble", ZSH_OPTIONS)
def test_zsh_options(sandbox, preamble):
    assert _run(sandbox, "zsh", preamble) == WANT


@pytest.mark.parametrize("preamble", BASH_OPTIONS)
def test_bash_options(sandbox, preamble):
    assert _run(sandbox, "bash", preamble) == WANT + WANT_TAB


@pytest.mark.parametrize("preamble", FISH_SETTINGS)
def test_fish_settings(sandbox, preamble):
    got = _run(sandbox, "fish", preamble, env={"fish_features": FISH_FEATURES})
    assert got == WANT + WANT_TAB


def test_init_loads_twice_under_every_zsh_option_set(sandbox):
    init = sandbox.home / "init.zsh"
    init.write_text(init_code("zsh", prompt=True), encoding="utf-8")
    for preamble in ZSH_OPTIONS:
        load = source_line("zsh", init)
        proc = run_shell(sandbox, "zsh", f"{preamble}\n{load}\n{load}\nprint -r -- ok\n")
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, "ok\n", ""), preamble


# -- TAB through compsys, under options that change how zsh parses --------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "preamble", ["emulate sh", "setopt ksh_arrays sh_glob csh_junkie_quotes rc_quotes"]
)
def test_zsh_tab_under_odd_options(sandbox, preamble):
    child = spawn(sandbox, "zsh", init_code("zsh"), pre=preamble)
    child.send("asw work.pow\t")
    child.send("\x01echo \r")  # Ctrl-A: print the completed line instead of running it
    child.expect(r"[\r\n]asw work\.poweruser\s*\r\n")
    child.expect_exact("READY>")
    child.sendline("exit")
