"""Helpers for the shell-integration tests (no tests here): real bash, zsh and fish in
subprocesses with the sandbox environment, no rc files, and token cache files."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from awsswitch.shells import get_shell
from support.sandbox import Sandbox, require

SHELLS = ("bash", "zsh", "fish")
EXE = [sys.executable, "-m", "awsswitch"]

# Started without any rc file (docs/design.md, Testing).
ARGV = {
    "bash": ["bash", "--norc", "--noprofile"],
    "zsh": ["zsh", "-f"],
    "fish": ["fish", "--no-config"],
}

CONFIG = """\
[default]
region = us-east-1

[sso-session awssso.home]
sso_start_url = https://home.example.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[sso-session awssso.work]
sso_start_url = https://work.example.com/start
sso_region = us-east-1

[profile awsprofile.home.poweruser]
sso_session = awssso.home
sso_account_id = 111111111111
sso_role_name = PowerUser
region = eu-west-1

[profile awsprofile.home.readonly]
sso_session = awssso.home
sso_account_id = 111111111111
sso_role_name = ReadOnly

[profile awsprofile.work.poweruser]
sso_session = awssso.work
sso_account_id = 222222222222
sso_role_name = PowerUser
region = us-west-2

[profile static]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = secret
"""


def shell_path(shell: str) -> str:
    return require(shell)


def init_code(shell: str, *, cmd: str = "asw", prompt: bool = False, aliases=()) -> str:
    """The init code rendered through the emitter API, running awsswitch as this Python."""
    return get_shell(shell).render(
        exe=EXE, cmd=cmd, prompt=prompt, aliases=list(aliases), header="# test"
    )


def run_shell(
    sandbox: Sandbox,
    shell: str,
    script: str,
    *,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    argv: Sequence[str] | None = None,
) -> subprocess.CompletedProcess:
    shell_path(shell)
    path = sandbox.home / f"script.{shell}"
    path.write_text(script, encoding="utf-8")
    return subprocess.run(
        [*(argv or ARGV[shell]), str(path)],
        env={**sandbox.env, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=sandbox.home,
    )


def source_line(shell: str, init_file: Path) -> str:
    """How a user loads the init code: eval of its text (bash/zsh), `| source` (fish)."""
    q = get_shell(shell).quote(str(init_file))
    if shell == "fish":
        return f"command cat {q} | source"
    return f'\\builtin eval "$(\\command cat {q})"'


# Point the prompt at a token file and print the token state it finds, as each shell's
# prompt hook does; `{}` is the quoted path.
TOKEN_STATE_PROBE = {
    "bash": "AWSSWITCH_TOKEN_FILE={}; __awsswitch_prompt_hook; "
    'printf "%s\\n" "$AWSSWITCH_TOKEN_STATE"',
    "zsh": "AWSSWITCH_TOKEN_FILE={}; __awsswitch_precmd; print -r -- $AWSSWITCH_TOKEN_STATE",
    "fish": "set -g AWSSWITCH_TOKEN_FILE {}; awsswitch_prompt >/dev/null; "
    "echo $AWSSWITCH_TOKEN_STATE",
}
SWITCHED = {"AWS_PROFILE": "p", "AWSSWITCH_PROFILE": "p"}  # a profile is active


def prompt_states(
    sandbox: Sandbox, shell: str, paths: Sequence[Path], *, preamble: str = "", timeout: float = 60
) -> subprocess.CompletedProcess:
    """Real `shell` with the init code loaded (after `preamble`) and a profile active, its
    prompt pointed at each token file in turn: stdout has one token state per path."""
    init = sandbox.home / f"init.{shell}"
    init.write_text(init_code(shell), encoding="utf-8")
    quote = get_shell(shell).quote
    lines = [preamble, source_line(shell, init)]
    lines += [TOKEN_STATE_PROBE[shell].format(quote(str(p))) for p in paths]
    return run_shell(sandbox, shell, "\n".join(lines) + "\n", env=SWITCHED, timeout=timeout)


def quote_args(shell: str, args: Sequence[str]) -> str:
    sh = get_shell(shell)
    return " ".join(sh.quote(a) for a in args)


@dataclass
class Step:
    status: int
    env: dict[str, str]


def run_steps(
    sandbox: Sandbox,
    shell: str,
    steps: Sequence[Sequence[str]],
    *,
    init: str | None = None,
    preamble: str = "",
    env: dict[str, str] | None = None,
    cmd: str = "asw",
    argv: Sequence[str] | None = None,
) -> tuple[list[Step], subprocess.CompletedProcess]:
    """Run `cmd ARGS` for each step in one shell; record the status and environment after
    each (through `env -0`, so values with newlines survive)."""
    out = sandbox.home / "steps"
    out.mkdir(exist_ok=True)
    init_file = sandbox.home / f"init.{shell}"
    init_file.write_text(init if init is not None else init_code(shell, cmd=cmd), "utf-8")
    lines = [preamble, source_line(shell, init_file)]
    for n, args in enumerate(steps):
        rc = str(out / f"{n}.rc")
        envf = str(out / f"{n}.env")
        call = f"{cmd} {quote_args(shell, args)}"
        if shell == "fish":
            lines.append(f"{call}; builtin printf '%s' $status > '{rc}'; command env -0 > '{envf}'")
        else:
            lines.append(
                f"__t_rc=0; {call} || __t_rc=$?; "
                f"\\builtin printf '%s' \"$__t_rc\" > '{rc}'; \\command env -0 > '{envf}'"
            )
    proc = run_shell(sandbox, shell, "\n".join(lines) + "\n", env=env, argv=argv)
    results = []
    for n in range(len(steps)):
        rc_file = out / f"{n}.rc"
        if not rc_file.exists():
            break
        raw = (out / f"{n}.env").read_bytes().decode("utf-8", "surrogateescape")
        pairs = (item.partition("=") for item in raw.split("\0") if item)
        results.append(Step(int(rc_file.read_text()), {k: v for k, _, v in pairs}))
    return results, proc


def aws_vars(env: dict[str, str]) -> dict[str, str]:
    """The variables a switch may touch (AWS_*, AWSSWITCH_*, AWSUME_*, AWSU_*)."""
    keep = ("AWS_", "AWSSWITCH_", "AWSUME_", "AWSU_")
    skip = {
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
        "AWS_EC2_METADATA_DISABLED",
        "AWS_CA_BUNDLE",
        "AWSSWITCH_SHELL",  # the integration's marker, set by loading it, not by a switch
    }
    return {k: v for k, v in env.items() if k.startswith(keep) and k not in skip}


def iso(dt: datetime) -> str:
    """`dt` as the AWS CLI writes token times (UTC, `Z`)."""
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_token(
    sandbox: Sandbox,
    session: str,
    *,
    expires_in: float = 8 * 3600,
    refreshable: bool = True,
    registration_in: float = 80 * 86400,
    fmt: str = "z",
) -> Path:
    """A token cache file, as the AWS CLI v2 writes it, for sso-session `session`."""
    now = datetime.now(timezone.utc)
    expires = now + timedelta(seconds=expires_in)
    if fmt == "z":
        expires_text = iso(expires)
    elif fmt == "offset":
        expires_text = expires.isoformat(timespec="seconds")  # 2026-...+00:00
    elif fmt == "fraction":
        expires_text = expires.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    else:
        raise ValueError(fmt)
    token = {
        "startUrl": "https://home.example.com/start",
        "region": "eu-west-1",
        "accessToken": "access-token",
        "expiresAt": expires_text,
    }
    if refreshable:
        token.update(
            clientId="client-id",
            clientSecret="client-secret",
            registrationExpiresAt=iso(now + timedelta(seconds=registration_in)),
            refreshToken="refresh-token",
        )
    sandbox.sso_cache.mkdir(parents=True, exist_ok=True)
    path = sandbox.sso_cache / (hashlib.sha1(session.encode()).hexdigest() + ".json")
    path.write_text(json.dumps(token), encoding="utf-8")
    os.chmod(path, 0o600)
    return path


def fresh_tokens(sandbox: Sandbox) -> None:
    write_token(sandbox, "awssso.home")
    write_token(sandbox, "awssso.work")


# -- the user's shell settings --------------------------------------------------------------

# Settings of the user's that the token code must not feel (fish has none that matter):
# nocasematch and no_case_match would let "ACCESSTOKEN" pass for accessToken, and
# rematch_pcre would read the POSIX regexes as PCRE.
HOSTILE_SETTINGS = {
    "bash": "set -euo pipefail; shopt -s nocasematch extglob",
    "zsh": "setopt ksh_arrays sh_word_split no_unset err_exit rematch_pcre no_case_match",
}

# Options that change how code parses or runs, one set a line, for the integration to load and
# work under (tests/shell/test_shell_options.py, test_auto_hostile.py); fish has feature flags.
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


# -- interactive shells in a pty -----------------------------------------------------------

PROMPT_MARK = "READY>"


def spawn(
    sandbox: Sandbox,
    shell: str,
    init: str,
    *,
    env: dict[str, str] | None = None,
    pre: str = "",
):
    """An interactive shell in a pty with the init code loaded and a known prompt."""
    import pexpect

    shell_path(shell)
    init_file = sandbox.home / f"init-pty.{shell}"
    init_file.write_text(init, encoding="utf-8")
    argv = {
        "bash": ["bash", "--norc", "--noprofile", "-i"],
        "zsh": ["zsh", "-f", "-i"],
        "fish": ["fish", "--no-config", "-i"],
    }[shell]
    full_env = {**sandbox.env, "TERM": "xterm", "PS1": "$ ", **(env or {})}
    child = pexpect.spawn(
        argv[0],
        argv[1:],
        env=full_env,
        encoding="utf-8",
        timeout=20,
        dimensions=(30, 120),
        cwd=str(sandbox.home),
    )
    setup = {
        "bash": f"PS1='{PROMPT_MARK} '; bind 'set show-all-if-ambiguous on'; "
        "bind 'set bell-style none'; bind 'set enable-bracketed-paste off'",
        "zsh": f"PROMPT='{PROMPT_MARK} '; autoload -Uz compinit; compinit -u -D; "
        "unsetopt beep; setopt no_always_last_prompt",
        "fish": f"function fish_prompt; echo -n '{PROMPT_MARK} '; end; set -g fish_greeting ''",
    }[shell]
    child.sendline(f"{pre + '; ' if pre else ''}{setup}; {source_line(shell, init_file)}")
    child.expect_exact(PROMPT_MARK)
    expect_prompt(child)
    return child


def expect_prompt(child) -> None:
    """Wait for a fresh prompt (the echo of the typed line may contain the mark too)."""
    # The typed line reads __SY""NC__, so only the command's output matches.
    child.sendline('echo __SY""NC__')
    child.expect_exact("__SYNC__")
    child.expect_exact(PROMPT_MARK)


def shell_value(child, expr: str) -> str:
    """The value of a variable as the interactive shell sees it."""
    child.sendline(f'echo "<""<{expr}>"">"')
    child.expect(r"<<(.*?)>>")
    value = child.match.group(1)
    child.expect_exact(PROMPT_MARK)
    return value


# -- `aws login` console sessions ------------------------------------------------------------

# Run the prompt hook and print "STATE|SEGMENT": the token state it found and the segment it
# drew with it (fish: the segment through a command substitution, which runs in this shell).
STATE_AND_SEGMENT = {
    "bash": "__awsswitch_prompt_hook; "
    'printf "%s|%s\\n" "$AWSSWITCH_TOKEN_STATE" "$AWSSWITCH_PROMPT"',
    "zsh": '__awsswitch_precmd; print -r -- "$AWSSWITCH_TOKEN_STATE|$AWSSWITCH_PROMPT"',
    "fish": "set -g __t_segment (awsswitch_prompt); "
    'printf "%s|%s\\n" "$AWSSWITCH_TOKEN_STATE" "$__t_segment"',
}
_SET_LOGIN_FILE = {
    "bash": "AWSSWITCH_LOGIN_FILE={}",
    "zsh": "AWSSWITCH_LOGIN_FILE={}",
    "fish": "set -g AWSSWITCH_LOGIN_FILE {}",
}


def login_probe(shell: str, path: Path | str) -> str:
    """Shell code: point the prompt at the console-session cache file `path` (as
    AWSSWITCH_LOGIN_FILE; AWSSWITCH_TOKEN_FILE stays as it is) and print STATE|SEGMENT."""
    quoted = get_shell(shell).quote(str(path))
    return f"{_SET_LOGIN_FILE[shell].format(quoted)}; {STATE_AND_SEGMENT[shell]}"


def run_with_init(
    sandbox: Sandbox,
    shell: str,
    lines: Sequence[str],
    *,
    preamble: str = "",
    env: dict[str, str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess:
    """Real `shell` with the init code loaded (after `preamble`) and a profile active
    (SWITCHED, plus `env`), then `lines`, in one process."""
    init = sandbox.home / f"init.{shell}"
    init.write_text(init_code(shell), encoding="utf-8")
    script = "\n".join([preamble, source_line(shell, init), *lines]) + "\n"
    return run_shell(sandbox, shell, script, env={**SWITCHED, **(env or {})}, timeout=timeout)


def write_rows(folder: Path, rows: Sequence[tuple[str, str, bytes | None]]) -> list[Path]:
    """A table's files, `N.json` in `folder` for the N-th (case, state, content) row; no
    file for a content of None (the path alone: a file that is not there)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, (_case, _want, content) in enumerate(rows):
        path = folder / f"{n}.json"
        if content is not None:
            path.write_bytes(content)
        paths.append(path)
    return paths
