"""Shell code lives once: the fragments of shell/fragments are spliced into the init code and
read at run time by the generated completion files, which are what scripts/gen_completions.py
makes of the typer app. The awsswitch command completes through `init` (the package's own
file, loaded on the first TAB: real bash-completion, compsys, fish), and from an install
prefix's share/ folders without `init`."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.sandbox import require
from support.shells import CONFIG, SHELLS, expect_prompt, fresh_tokens, run_shell, spawn

from awsswitch.config import names
from awsswitch.shells import get_shell
from awsswitch.shells.base import completion_file

ROOT = Path(__file__).resolve().parents[2]
SHELL_DIR = ROOT / "shell"
FRAGMENTS = SHELL_DIR / "fragments"
COMPLETIONS = ROOT / "completions"
BASH_COMPLETION = Path("/usr/share/bash-completion/bash_completion")


# -- generated, and nothing written twice -------------------------------------------------


def test_committed_completion_files_are_a_fresh_generation():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_completions.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr


def _code_lines(path: Path) -> list[str]:
    """The lines of a file that carry code: stripped, without blanks, comments and lone
    closers."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and line not in ("}", "fi", "end", "done", ";;"):
            out.append(line)
    return out


def test_no_six_lines_of_code_are_written_twice():
    files = sorted(p for p in [*SHELL_DIR.rglob("*"), *COMPLETIONS.iterdir()] if p.is_file())
    seen: dict[tuple[str, ...], Path] = {}
    twice = []
    for path in files:
        lines = _code_lines(path)
        for i in range(len(lines) - 5):
            run = tuple(lines[i : i + 6])
            first = seen.setdefault(run, path)
            if first != path:
                twice.append((first.name, path.name, run[0]))
    assert not twice


def _unescape(match: re.Match) -> str:
    escaped = match.group(1)
    return {"n": "\n"}.get(escaped) or (chr(int(escaped[1:], 16)) if len(escaped) == 3 else escaped)


@pytest.mark.parametrize("shell", SHELLS)
def test_init_code_splices_the_fragments(shell):
    sh = get_shell(shell)
    code = sh.render(exe=["awsswitch"], cmd="asw", prompt=False)
    if shell == "zsh":  # one ANSI-C quoted line: compare with the escapes undone
        code = re.sub(r"\\(x[0-9a-f]{2}|n|.)", _unescape, code)
    spliced = [f"names.{shell}", "names.awk"] + (["token.sh"] if shell != "fish" else [])
    for name in spliced:
        for line in _code_lines(FRAGMENTS / name):
            if "@prologue" not in line:
                assert line in code, (name, line)
    for region in (FRAGMENTS / "regions.txt").read_text().split():
        assert re.search(rf"[ (]{region}\b", code), region


def test_fragments_hold_no_placeholder_and_the_awk_program_no_quote():
    for path in FRAGMENTS.iterdir():
        assert "__AWSSWITCH_" not in path.read_text(), path.name
    awk = (FRAGMENTS / "names.awk").read_text()
    assert "'" not in awk and "\\" not in awk  # held verbatim in single quotes by every shell


def test_region_list_agrees_with_the_region_rule():
    regions = pytest.importorskip("awsswitch.regions")
    listed = (FRAGMENTS / "regions.txt").read_text().split()
    assert len(listed) == len(set(listed)) > 30
    assert [r for r in listed if not regions.is_region(r)] == []


@pytest.mark.parametrize("shell", SHELLS)
def test_names_file_header_is_the_one_python_writes(shell):
    assert f'"#{names.MAGIC}"' in (FRAGMENTS / f"names.{shell}").read_text()


def test_init_finds_the_completion_files_in_the_source_tree():
    for shell in SHELLS:
        path = completion_file(get_shell(shell).cli_completion)
        assert path is not None and COMPLETIONS in (Path(path), Path(path).parent)


# -- the awsswitch command completes through `init` ----------------------------------------

PRE = {
    # Debian's order: bash-completion first, then the user's `eval` at the end of ~/.bashrc.
    "bash": f"source {BASH_COMPLETION}",
    "zsh": "",
    "fish": "",
}


def _init_child(sandbox, shell: str, *, pre: str = "", exe_dir: Path | None = None):
    """An interactive shell with `awsswitch init SHELL` (as a user has it) loaded."""
    sandbox.write_config(CONFIG)
    fresh_tokens(sandbox)
    proc = sandbox.run("init", shell)
    assert proc.returncode == 0, proc.stderr
    return spawn(sandbox, shell, proc.stdout, pre=pre)


def _tab(child, shell: str, typed: str, want: str) -> None:
    """Type `typed`, TAB, and check the line reads `want` (echoed instead of run)."""
    child.send(typed + "\t")
    if shell == "fish":
        time.sleep(0.3)
    child.send("\x01echo \r")  # Ctrl-A: to the start of the line
    child.expect(rf"[\r\n]{re.escape(want)}\s*\r\n")
    expect_prompt(child)


@pytest.mark.slow
@pytest.mark.parametrize("order", ["bash-completion first", "bash-completion after"])
def test_bash_completes_the_awsswitch_command_with_bash_completion(sandbox, order):
    if not BASH_COMPLETION.exists():
        pytest.skip("bash-completion is not installed")
    if order == "bash-completion first":
        child = _init_child(sandbox, "bash", pre=PRE["bash"])
    else:
        child = _init_child(sandbox, "bash")
        child.sendline(PRE["bash"])
        expect_prompt(child)
    _tab(child, "bash", "awsswitch conf", "awsswitch configure")
    _tab(
        child,
        "bash",
        "awsswitch status awsprofile.work.po",
        "awsswitch status awsprofile.work.poweruser",
    )
    _tab(
        child, "bash", "awsswitch sync --region eu-central-", "awsswitch sync --region eu-central-"
    )
    _tab(
        child,
        "bash",
        "awsswitch login --sso-session awssso.wo",
        "awsswitch login --sso-session awssso.work",
    )
    child.sendline("exit")


@pytest.mark.slow
@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_complete_the_awsswitch_command_through_init(sandbox, shell):
    require(shell)
    child = _init_child(sandbox, shell)
    _tab(child, shell, "awsswitch conf", "awsswitch configure")
    _tab(child, shell, "awsswitch configure pro", "awsswitch configure profile")
    _tab(
        child,
        shell,
        "awsswitch status awsprofile.work.po",
        "awsswitch status awsprofile.work.poweruser",
    )
    _tab(
        child,
        shell,
        "awsswitch login --sso-session awssso.wo",
        "awsswitch login --sso-session awssso.work",
    )
    child.sendline("exit")


# -- an installed package, and an install prefix's share/ folders --------------------------


def _installed(tmp_path: Path) -> Path:
    """The package laid out as the wheel installs it: site/awsswitch/{shell,completions}."""
    site = tmp_path / "site"
    package = site / "awsswitch"
    shutil.copytree(ROOT / "awsswitch", package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(SHELL_DIR, package / "shell")
    shutil.copytree(COMPLETIONS, package / "completions")
    return site


def test_init_of_an_installed_package_loads_its_own_completion_file(sandbox, tmp_path):
    site = _installed(tmp_path)
    env = {**sandbox.env, "PYTHONPATH": str(site)}
    for shell in SHELLS:
        proc = subprocess.run(
            [sys.executable, "-m", "awsswitch", "init", shell],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
        )
        assert proc.returncode == 0, proc.stderr
        want = {"bash": "awsswitch.bash", "zsh": "_awsswitch", "fish": ""}[shell]
        assert f"'{site / 'awsswitch' / 'completions' / want}".rstrip("/") in proc.stdout


def _prefix(tmp_path: Path) -> Path:
    """An install prefix: completions in share/, the package in lib/python3.X/site-packages."""
    prefix = tmp_path / "prefix"
    site = prefix / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    shutil.copytree(SHELL_DIR, site / "site-packages" / "awsswitch" / "shell")
    for name, target in [
        ("awsswitch.bash", "share/bash-completion/completions/awsswitch"),
        ("_awsswitch", "share/zsh/site-functions/_awsswitch"),
        ("awsswitch.fish", "share/fish/vendor_completions.d/awsswitch.fish"),
    ]:
        (prefix / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(COMPLETIONS / name, prefix / target)
    return prefix


def test_share_files_complete_without_init(sandbox, tmp_path):
    """bash: the share/ file alone (as bash-completion sources it) finds the package's
    fragments under its prefix; names come from the config, no Python runs."""
    sandbox.write_config(CONFIG)
    prefix = _prefix(tmp_path)
    script = f"""
source {prefix}/share/bash-completion/completions/awsswitch
t() {{ COMP_LINE=$1; COMP_POINT=${{#1}}; COMPREPLY=(); _awsswitch; echo "${{COMPREPLY[*]}}"; }}
t 'awsswitch conf'
t 'awsswitch status awsprofile.work.po'
t 'awsswitch configure profile --output y'
"""
    proc = run_shell(sandbox, "bash", script, env={"PATH": "/usr/bin:/bin"})
    assert proc.stderr == ""
    assert proc.stdout.splitlines() == [
        "configure",
        "awsprofile.work.poweruser",
        "yaml yaml-stream",
    ]


@pytest.mark.slow
@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_share_files_complete_without_init(sandbox, tmp_path, shell):
    require(shell)
    sandbox.write_config(CONFIG)
    prefix = _prefix(tmp_path)
    child = spawn(
        sandbox,
        shell,
        "true",
        pre={
            "zsh": f"fpath=({prefix}/share/zsh/site-functions $fpath)",
            "fish": f"set -g fish_complete_path {prefix}/share/fish/vendor_completions.d "
            "$fish_complete_path",
        }[shell],
    )
    _tab(child, shell, "awsswitch conf", "awsswitch configure")
    _tab(
        child,
        shell,
        "awsswitch status awsprofile.work.po",
        "awsswitch status awsprofile.work.poweruser",
    )
    child.sendline("exit")
