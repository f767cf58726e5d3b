"""The integration under hostile conditions: tracing never prints the tokens, token files
that are huge, endless or not files cost a bounded read and mean login-needed, and an
unparseable config costs the aliases only."""

from __future__ import annotations

import io
import json
import os
from datetime import datetime, timedelta, timezone

import pytest
from support.shells import (
    CONFIG,
    SHELLS,
    SWITCHED,
    TOKEN_STATE_PROBE,
    expect_prompt,
    fresh_tokens,
    init_code,
    iso,
    prompt_states,
    run_shell,
    source_line,
    spawn,
)

from awsswitch.shells import get_shell
from awsswitch.sso import state

SECRETS = ("SECRET-ACCESS-f00d", "SECRET-REFRESH-beef", "SECRET-CLIENT-cafe")
CAP = 65536  # the bytes of a token file the prompt reads at most

NOW = datetime.now(timezone.utc)


def _token(expires_in: float = 8 * 3600, **extra) -> dict:
    return {
        "startUrl": "https://home.example.com/start",
        "region": "eu-west-1",
        "accessToken": SECRETS[0],
        "expiresAt": iso(NOW + timedelta(seconds=expires_in)),
        "clientId": "client-id",
        "clientSecret": SECRETS[2],
        "registrationExpiresAt": iso(NOW + timedelta(days=80)),
        "refreshToken": SECRETS[1],
        **extra,
    }


# -- no token left behind ------------------------------------------------------------------

DUMP = {"bash": "declare -p > {}", "zsh": "typeset -p > {}", "fish": "set > {}"}


@pytest.mark.parametrize("shell", SHELLS)
def test_no_token_outlives_the_prompt(sandbox, shell):
    """After the prompt, no shell variable (BASH_REMATCH included) holds a token, whichever
    way the reading went: each regex match of the reader would otherwise leave one there."""
    rows = {
        "fresh": _token(),
        "refreshable": _token(600),
        "expired, no registration expiry": _token(-60, registrationExpiresAt=None),
        "expired, no client secret": _token(-60, clientSecret=None),
        "expiry unreadable": _token(expiresAt="soon"),
    }
    paths, dumps = [], []
    for n, token in enumerate(rows.values()):
        path = sandbox.home / f"token-{n}.json"
        path.write_text(json.dumps({k: v for k, v in token.items() if v is not None}))
        paths.append(path)
        dumps.append(sandbox.home / f"vars-{n}.txt")
    init = sandbox.home / f"init.{shell}"
    init.write_text(init_code(shell), encoding="utf-8")
    quote = get_shell(shell).quote
    lines = [source_line(shell, init)]
    for path, dump in zip(paths, dumps, strict=True):
        lines += [
            TOKEN_STATE_PROBE[shell].format(quote(str(path))),
            DUMP[shell].format(quote(str(dump))),
        ]
    proc = run_shell(sandbox, shell, "\n".join(lines) + "\n", env=SWITCHED)
    assert (proc.returncode, proc.stderr) == (0, "")
    states = ["fresh", "refreshable", "login-needed", "login-needed", "login-needed"]
    assert proc.stdout.split() == states
    held = {}
    for case, dump in zip(rows, dumps, strict=True):
        text = dump.read_text(encoding="utf-8", errors="replace")
        assert "AWSSWITCH_TOKEN_STATE" in text  # the dump worked
        found = [line[:60] for line in text.splitlines() if any(x in line for x in SECRETS)]
        if found:
            held[case] = found
    assert not held


# -- tracing ---------------------------------------------------------------------------------

TRACE_ON = {"bash": "set -x", "zsh": "setopt xtrace", "fish": "set -g fish_trace 1"}
TRACE_CHECK = {
    "bash": "[[ $- == *x* ]] && echo still-tracing",
    "zsh": "[[ -o xtrace ]] && print still-tracing",
    "fish": "set -q fish_trace; and echo still-tracing",
}


@pytest.mark.parametrize("shell", SHELLS)
def test_tracing_never_prints_the_tokens(sandbox, shell):
    fresh = sandbox.home / "fresh.json"
    fresh.write_text(json.dumps(_token()))
    due = sandbox.home / "due.json"
    due.write_text(json.dumps(_token(600)))
    init = sandbox.home / f"init.{shell}"
    init.write_text(init_code(shell, prompt=True), encoding="utf-8")
    quote = get_shell(shell).quote
    script = [TRACE_ON[shell], source_line(shell, init)]
    for path in (fresh, due):
        script.append(TOKEN_STATE_PROBE[shell].format(quote(str(path))))
    script.append(TRACE_CHECK[shell])
    proc = run_shell(sandbox, shell, "\n".join(script) + "\n", env=SWITCHED)
    assert proc.returncode == 0
    assert proc.stdout.split() == ["fresh", "refreshable", "still-tracing"]
    assert proc.stderr  # tracing is on: the rest of the work is traced...
    assert not [s for s in SECRETS if s in proc.stderr]  # ...but never the tokens


@pytest.mark.slow
@pytest.mark.parametrize("shell", ["bash", "fish"])
def test_traced_interactive_prompt_never_prints_the_tokens(sandbox, shell):
    sandbox.write_config(CONFIG)
    fresh_tokens(sandbox)
    path = sandbox.sso_cache / (state.cache_key("awssso.home", None) + ".json")
    path.write_text(json.dumps(_token(600)))
    child = spawn(sandbox, shell, init_code(shell, prompt=True))
    seen = io.StringIO()
    child.logfile_read = seen
    child.sendline("asw --no-login home.poweruser")
    expect_prompt(child)
    child.sendline(TRACE_ON[shell] + ("v" if shell == "bash" else ""))  # bash: set -xv
    expect_prompt(child)
    expect_prompt(child)  # a few prompts drawn with tracing on
    child.sendline("echo done-$AWSSWITCH_TOKEN_STATE")
    child.expect_exact("done-refreshable")
    expect_prompt(child)
    child.sendline("exit")
    shown = seen.getvalue()
    # The trace did reach the terminal (fish traces the typed commands, bash the hook too)...
    assert ("awsswitch_prompt" if shell == "bash" else "> echo done-") in shown
    assert not [s for s in SECRETS if s in shown]  # ...without the tokens


# -- token files that are not what they seem --------------------------------------------------


def _padded(size: int) -> bytes:
    """A fresh, valid token file of exactly `size` bytes (a long padding field)."""
    base = json.dumps({**_token(), "pad": ""}).encode()
    return base.replace(b'"pad": ""', b'"pad": "' + b"x" * (size - len(base)) + b'"')


@pytest.mark.parametrize("shell", SHELLS)
def test_size_cap(sandbox, shell):
    at_cap = sandbox.home / "at-cap.json"
    at_cap.write_bytes(_padded(CAP))
    over = sandbox.home / "over-cap.json"
    over.write_bytes(_padded(CAP + 1))
    for path in (at_cap, over):  # Python reads both (its own cap is higher)
        token, _ = state.load_token(str(path))
        assert state.classify(token)[0] == state.FRESH
    proc = prompt_states(sandbox, shell, [at_cap, over])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["fresh", "login-needed"]


@pytest.mark.parametrize("shell", SHELLS)
def test_huge_endless_and_special_token_files(sandbox, shell, tmp_path):
    huge = tmp_path / "huge.json"
    huge.write_bytes(_padded(20 * 1024 * 1024))  # 7 s per prompt in bash before the cap
    zero = tmp_path / "zero.json"
    zero.symlink_to("/dev/zero")  # never ends
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)  # a read would block forever
    folder = tmp_path / "folder.json"
    folder.mkdir()
    paths = [huge, zero, fifo, folder, huge, huge, huge, huge]
    # The subprocess timeout is the bound: eight renders must not take minutes.
    proc = prompt_states(sandbox, shell, paths, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["login-needed"] * len(paths)
    assert proc.stderr == ""


# -- init --aliases with a config that does not parse ------------------------------------------


@pytest.mark.parametrize("shell", SHELLS)
def test_aliases_with_an_unparseable_config_keep_the_integration(sandbox, shell):
    sandbox.write_config(CONFIG + "\n[profile broken\nregion = eu-west-1\n")
    proc = sandbox.run("init", shell, "--aliases")
    assert proc.returncode == 0
    err = proc.stderr.splitlines()
    assert len(err) == 1 and err[0].startswith("awsswitch init: no aliases: ")
    assert str(sandbox.config) in err[0] and "line" in err[0]
    assert "awsswitch_prompt" in proc.stdout  # the integration is all there...
    calls = [ln for ln in proc.stdout.splitlines() if ln.startswith("__awsswitch_alias ")]
    assert calls == []  # ...but no alias
    # ...and it loads: `asw` is defined.
    init = sandbox.home / f"init.{shell}"
    init.write_text(proc.stdout, encoding="utf-8")
    check = {"bash": "type -t asw", "zsh": "whence -w asw", "fish": "functions -q asw; and echo fn"}
    ran = run_shell(sandbox, shell, f"{source_line(shell, init)}\n{check[shell]}\n")
    assert ran.returncode == 0 and ran.stderr == ""
    assert "function" in ran.stdout or "fn" in ran.stdout


def test_init_warning_is_one_line_even_for_odd_paths(sandbox):
    odd = sandbox.home / "odd\nname"
    odd.write_text("[profile broken\n")
    proc = sandbox.run("init", "bash", "--aliases", AWS_CONFIG_FILE=str(odd))
    assert proc.returncode == 0
    assert len(proc.stderr.splitlines()) == 1
