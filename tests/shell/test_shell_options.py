"""The integration loads and works whatever the user's shell options: zsh options that change
how code parses (sh_glob, csh_junkie_quotes, emulate sh, ...), bash's strict and glob
modes and POSIX mode, fish's feature flags. Each set: load, switch, the prompt segment and
its token state, and profile-name completion, in one real shell; stderr stays empty."""

from __future__ import annotations

import base64
import json
import time

import pytest
from support.shells import (
    CONFIG,
    EXE,
    fresh_tokens,
    init_code,
    run_shell,
    source_line,
    spawn,
)

from awsswitch.shells import get_shell
from awsswitch.shells.base import completion_file

ZSH_OPTIONS = [
    "",
    "setopt sh_glob",
    "setopt csh_junkie_quotes",
    "emulate sh",
    "emulate ksh",
    "emulate csh",
    "setopt ksh_arrays sh_word_split",
    "setopt no_function_argzero",
    "setopt rc_quotes",
    "setopt ignore_braces ignore_close_braces",
    "setopt posix_builtins posix_identifiers posix_strings",
    "setopt no_unset err_exit pipe_fail",
    "setopt err_return warn_create_global warn_nested_var",
    "setopt rematch_pcre no_case_match no_case_glob",
    "setopt glob_subst ksh_glob extended_glob no_glob",
    "setopt c_bases octal_zeroes no_multibyte",
    "setopt no_short_loops no_multi_func_def no_equals magic_equal_subst",
    "setopt csh_null_glob no_bad_pattern no_nomatch",
    "setopt local_options local_traps typeset_silent",
    "setopt no_aliases; alias local=false; alias read=false; alias emulate=false",
    "emulate sh; setopt ksh_arrays sh_glob csh_junkie_quotes rc_quotes ignore_braces err_exit",
]

BASH_OPTIONS = [
    "",
    "set -euo pipefail",
    "shopt -s extglob nullglob failglob nocasematch nocaseglob dotglob globstar",
    "set -o posix",
    "set -euo pipefail -o posix; shopt -s failglob",
    "set -o noglob -o noclobber; shopt -s lastpipe",
    "shopt -u expand_aliases sourcepath",
    "alias local=false read=false; shopt -s expand_aliases",
    "IFS=:",
]

FISH_SETTINGS = [
    "",
    "set -g LC_ALL C",
    "abbr -a asw 'echo abbreviated'",
    "function awk; echo shadowed; end; function date; echo shadowed; end",
    "set -g fish_complete_path /nonexistent",
]
FISH_FEATURES = "qmark-noglob,no-regex-easyesc,no-ampersand-nobg-in-token"

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
    (sandbox.home / "login.json").write_text(_login_cache(), encoding="utf-8")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _login_cache() -> str:
    """An `aws login` cache file as the AWS CLI writes it (docs/login-sessions.md): its
    credentials expire in a minute, the sign-in was an hour ago."""
    now = int(time.time())
    claims = {"sub": "arn:aws:sts::012345678910:assumed-role/Admin/admin", "iat": now - 3600}
    id_token = ".".join(_b64(p) for p in (b'{"alg":"ES256"}', json.dumps(claims).encode(), b"s"))
    expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now + 60))
    credentials = {"accessKeyId": "ASIAX", "secretAccessKey": "s", "sessionToken": "t"}
    return json.dumps(
        {
            "accessToken": {**credentials, "accountId": "012345678910", "expiresAt": expires},
            "tokenType": "urn:aws:params:oauth:token-type:access_token_sigv4",
            "clientId": "arn:aws:signin:::devtools/same-device",
            "refreshToken": "r",
            "idToken": id_token,
            "dpopKey": "-----BEGIN EC PRIVATE KEY-----\nk\n-----END EC PRIVATE KEY-----\n",
        }
    )


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
