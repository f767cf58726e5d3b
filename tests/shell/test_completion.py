"""Completion: the static files cover the whole typer app; the in-shell profile names match
`load_index`; TAB works in real bash, zsh and fish through a pty."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
import typer
from support.shells import (
    CONFIG,
    SHELLS,
    expect_prompt,
    fresh_tokens,
    init_code,
    run_shell,
    shell_value,
    spawn,
)

from awsswitch.cli import app
from awsswitch.config import names
from awsswitch.config.profiles import load_index

ROOT = Path(__file__).resolve().parents[2]
COMPLETIONS = ROOT / "completions"


# -- the static files list every command and option of the typer app ----------------------


def _commands() -> dict[str, tuple[list[str], list[str]]]:
    """{"configure profile": (option strings, subcommand names)} for every command."""
    out: dict[str, tuple[list[str], list[str]]] = {}

    def walk(cmd, path: str) -> None:
        opts = [o for p in cmd.params for o in (*p.opts, *p.secondary_opts) if o.startswith("-")]
        subs = list(getattr(cmd, "commands", {}) or {})
        out[path] = (opts, subs)
        for name, sub in (getattr(cmd, "commands", {}) or {}).items():
            if not getattr(sub, "hidden", False):
                walk(sub, f"{path} {name}".strip())

    walk(typer.main.get_command(app), "")
    return out


def test_the_walk_sees_the_app():
    commands = _commands()
    assert {"", "init", "configure", "configure profile", "list", "sync"} <= set(commands)
    assert "--sso-session" in commands["login"][0]


def test_bash_file_lists_every_command_and_option():
    text = (COMPLETIONS / "awsswitch.bash").read_text()
    spec = {
        path: (subs.split(), words.split())
        for path, subs, words in re.findall(
            r'^\s*"?([a-z -]*)"?\) __awsswitch_cli_subs=\(([^)]*)\); '
            r"__awsswitch_cli_words=\(([^)]*)\)",
            text,
            re.M,
        )
    }
    for path, (opts, subs) in _commands().items():
        assert path in spec, f"no completion spec for `awsswitch {path}`"
        assert set(subs) == set(spec[path][0]), path
        words = {w.rstrip("=") for w in spec[path][1]}
        assert set(opts) | {"--help", "-h"} <= words, path


def test_zsh_file_lists_every_command_and_option():
    text = (COMPLETIONS / "_awsswitch").read_text()
    for path, (opts, subs) in _commands().items():
        name = "_awsswitch" + "".join("_" + w.replace("-", "_") for w in path.split())
        match = re.search(rf"^{name}\(\) {{\n(.*?)\n}}$", text, re.M | re.S)
        assert match, f"no completion function for `awsswitch {path}`"
        block = match.group(1)
        for opt in opts:
            assert re.search(rf"['{{,)]{re.escape(opt)}[=\[,}}]", block), (path, opt)
        for sub in subs:
            assert f"'{sub}:" in block, (path, sub)
    assert text.startswith("#compdef awsswitch\n")


def test_fish_file_lists_every_command_and_option():
    text = (COMPLETIONS / "awsswitch.fish").read_text()
    lines = text.splitlines()
    for path, (opts, subs) in _commands().items():
        mine = "\n".join(ln for ln in lines if f'__awsswitch_cli_at "{path}"' in ln)
        for opt in opts:
            flag = f"-l {opt[2:]}" if opt.startswith("--") else f"-s {opt[1:]}"
            assert re.search(rf"{re.escape(flag)}\b", mine), (path, opt)
        for sub in subs:
            assert re.search(rf"-a {re.escape(sub)}\b", mine), (path, sub)


# -- in-shell names == load_index ---------------------------------------------------------

PARITY_CONFIG = """\
# a comment
; another comment
[default]
region = us-east-1

[sso-session awssso.home]
sso_start_url = https://home.example.com/start
sso_region = eu-west-1

[sso-session "quoted.session"]
sso_start_url = https://q.example.com/start

[services local]
s3 =
  endpoint_url = http://127.0.0.1:9000

[profile awsprofile.home.poweruser]
sso_session = awssso.home
s3 =
  addressing_style = path

[profile awsprofile.home.readonly]
[profile awsprofile.work.poweruser]
[profile x.home.poweruser]
[profile d.e]
[profile c.d.e]
[profile two.parts]
[profile single]
[profile   spaced   ]
[profile "quoted name"]
[profile 'single quoted']
[profile a]b]
[profile with:colon.and=equals]
[ profile not-a-profile ]
[profilex]
[preview]
[profile three words here]
  [profile indented.name.here]
"""

PARITY_CREDENTIALS = """\
[DEFAULT]
[awsprofile.home.poweruser]
aws_access_key_id = A
[cred-only]
[cred.only.three]
"""


def _names_from_shell(sandbox, shell: str, kind: str) -> list[str]:
    init = sandbox.home / "init"
    init.write_text(init_code(shell))
    if shell == "fish":
        body = f"source {init}\n__awsswitch_names {kind}\n"
    elif shell == "zsh":
        body = f"source {init}\nlocal -a reply\n__awsswitch_names {kind}\nprint -rl -- $reply\n"
        body = "() {\n" + body + "}\n"
    else:
        show = "printf '%s\\n' \"${__awsswitch_reply[@]}\""
        body = f"source {init}\n__awsswitch_names {kind}\n{show}\n"
    proc = run_shell(sandbox, shell, body)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    return [line for line in proc.stdout.split("\n") if line]


def _expected(sandbox) -> tuple[set[str], set[str]]:
    index = load_index(sandbox.env)
    profiles = {p.name for p in index.profiles} | {p.short for p in index.profiles}
    return profiles, set(index.sso_sessions)


def _write_parity(sandbox) -> None:
    sandbox.write_config(PARITY_CONFIG)
    sandbox.credentials.write_text(PARITY_CREDENTIALS)


@pytest.mark.parametrize("shell", SHELLS)
def test_in_shell_parser_matches_load_index(sandbox, shell):
    _write_parity(sandbox)
    profiles, sessions = _expected(sandbox)
    assert {
        "a]b",
        "quoted name",
        "single quoted",
        "spaced",
        "cred-only",
        "x.home.poweruser",
        "c.d.e",
        "d.e",
        "indented.name.here",
    } <= profiles  # the fixture is what we think
    assert "home.poweruser" not in profiles  # two candidates: no short name
    assert not (sandbox.home / ".cache" / "awsswitch" / "names").exists()
    got = _names_from_shell(sandbox, shell, "profiles")
    assert len(got) == len(set(got))
    assert set(got) == profiles
    assert set(_names_from_shell(sandbox, shell, "sessions")) == sessions


@pytest.mark.parametrize("shell", SHELLS)
def test_names_file_is_used_when_fresh_and_ignored_when_stale(sandbox, shell):
    _write_parity(sandbox)
    profiles, sessions = _expected(sandbox)
    before = names.stamp(sandbox.env)
    assert names.update(load_index(sandbox.env), sandbox.env, before)
    path = Path(names.names_file(sandbox.env))
    assert set(_names_from_shell(sandbox, shell, "profiles")) == profiles
    assert set(_names_from_shell(sandbox, shell, "sessions")) == sessions
    # Prove the file is what the shell read: an extra line shows up while it is fresh...
    head, _, body = path.read_text().partition("\nS")
    body = sorted([*("S" + body).splitlines(), "pONLY-IN-NAMES-FILE"])
    path.write_text(head + "\n" + "\n".join(body) + "\n")
    assert "ONLY-IN-NAMES-FILE" in _names_from_shell(sandbox, shell, "profiles")
    # ...and not once the config is newer than it.
    later = time.time() + 5
    os.utime(sandbox.config, (later, later))
    assert set(_names_from_shell(sandbox, shell, "profiles")) == profiles
    # Another config file than the one it was written for: ignored too.
    os.utime(sandbox.config, (later - 3600, later - 3600))
    other = sandbox.home / "other-config"
    other.write_text("[profile other]\n")
    sandbox.env["AWS_CONFIG_FILE"] = str(other)
    got = set(_names_from_shell(sandbox, shell, "profiles"))
    assert "other" in got and "ONLY-IN-NAMES-FILE" not in got


def test_switch_core_writes_the_names_file(sandbox):
    sandbox.write_config(CONFIG)
    fresh_tokens(sandbox)
    path = Path(names.names_file(sandbox.env))
    assert not path.exists()
    proc = sandbox.run("_asw", "bash", "static")
    assert proc.returncode == 0, proc.stderr
    lines = path.read_text().splitlines()
    assert lines[:6] == [
        "#awsswitch-names 2",
        f"#{sandbox.config}",
        f"#{sandbox.credentials}",
        f"#{sandbox.home}",
        f"#+{sandbox.config}",
        f"#-{sandbox.credentials}",
    ]
    assert lines[6:] == sorted(lines[6:])  # bash binary-searches it
    assert "pawsprofile.home.poweruser" in lines and "shome.poweruser" in lines
    assert "Sawssso.work" in lines
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert names.is_fresh(sandbox.env)


def test_names_file_not_written_when_config_changed_while_parsing(sandbox):
    sandbox.write_config(CONFIG)
    before = names.stamp(sandbox.env)
    index = load_index(sandbox.env)
    later = time.time() + 5
    os.utime(sandbox.config, (later, later))
    assert not names.update(index, sandbox.env, before)
    assert not Path(names.names_file(sandbox.env)).exists()


def test_names_with_line_breaks_are_left_out_of_the_names_file(sandbox):
    from awsswitch.config.profiles import Profile, ProfileIndex

    index = ProfileIndex(
        profiles=[Profile("ok", "ok", "other"), Profile("bad\nname", "bad\nname", "other")]
    )
    text = names.render(index, sandbox.env, names.stamp(sandbox.env))
    assert text is not None
    assert "pok\n" in text and "bad" not in text


# -- TAB in real shells --------------------------------------------------------------------


def _tab_child(sandbox, shell: str, pre: str = ""):
    sandbox.write_config(CONFIG)
    fresh_tokens(sandbox)
    return spawn(sandbox, shell, init_code(shell), pre=pre)


def _complete(child, typed: str, shell: str) -> None:
    child.send(typed)
    child.send("\t")
    if shell == "fish":
        time.sleep(0.3)


@pytest.mark.slow
@pytest.mark.parametrize("shell", SHELLS)
def test_tab_completes_a_short_name_for_asw(sandbox, shell):
    child = _tab_child(sandbox, shell)
    # Before any switch (no names file: the awk parser), then after one (the names file).
    for typed, completed, profile in [
        ("asw work.pow", "asw work.poweruser", "awsprofile.work.poweruser"),
        ("asw awsprofile.home.read", "asw awsprofile.home.readonly", "awsprofile.home.readonly"),
    ]:
        _complete(child, typed, shell)
        child.send("\x01echo \r")  # Ctrl-A, then print the completed line instead of running it
        child.expect(rf"[\r\n]{re.escape(completed)}\s*\r\n")
        child.expect_exact("READY>")
        expect_prompt(child)
        _complete(child, typed, shell)
        child.send("\r")
        child.expect_exact("READY>")
        expect_prompt(child)
        assert shell_value(child, "$AWS_PROFILE") == profile
    assert Path(names.names_file(sandbox.env)).exists()
    child.sendline("exit")


STATIC_SETUP = {
    "bash": f"source {COMPLETIONS / 'awsswitch.bash'}",
    "zsh": f"fpath=({COMPLETIONS} $fpath)",
    "fish": f"source {COMPLETIONS / 'awsswitch.fish'}",
}


@pytest.mark.slow
@pytest.mark.parametrize("shell", SHELLS)
def test_tab_completes_the_awsswitch_cli(sandbox, shell):
    child = _tab_child(sandbox, shell, pre=STATIC_SETUP[shell])
    # A subcommand, a profile name, an sso-session; then run it as `echo awsswitch ...`.
    _complete(child, "awsswitch logi", shell)
    _complete(child, "awsprofile.work.po", shell)
    _complete(child, "--sso-session awssso.wo", shell)
    child.send("\x01echo \r")  # Ctrl-A: to the start of the line
    child.expect(
        r"[\r\n]awsswitch login awsprofile\.work\.poweruser --sso-session awssso\.work\s*\r\n"
    )
    child.expect_exact("READY>")
    child.sendline("exit")
