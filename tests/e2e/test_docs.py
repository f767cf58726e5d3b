"""The documentation stays true: links resolve, the man page is what the generator makes from
the typer app, every AWSSWITCH_* variable the code uses is documented, and the README's
commands and snippets work on a fresh HOME in real shells."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from support.sandbox import Sandbox, require
from support.shells import run_shell

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [README, *DOCS]
MAN = ROOT / "man" / "awsswitch.1"
SHARED = ".." + "/shared"  # the contract folder outside the repository (spelled apart: this
# file is scanned too)
CODE_DIRS = ("awsswitch", "bench", "tests", "shell", "completions", "scripts", ".ci")

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_INLINE_CODE = re.compile(r"(`+)(.+?)\1")
_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_VAR = re.compile(r"(?<![A-Za-z0-9_])AWSSWITCH_[A-Z0-9_]*[A-Z0-9](?![A-Za-z0-9_])")


# -- markdown helpers ----------------------------------------------------------------------


def prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks."""
    lines, fenced = [], False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(line)
    return lines


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: inline markup dropped, lower case, punctuation removed,
    each space a hyphen."""
    text = _INLINE_CODE.sub(lambda m: m.group(2), heading)
    text = _LINK.sub(lambda m: m.group(1), text)
    text = re.sub(r"<[^>]+>", "", text).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    found: set[str] = set()
    seen: dict[str, int] = {}
    for line in prose_lines(path.read_text(encoding="utf-8")):
        match = _HEADING.match(line)
        if not match:
            continue
        base = slug(match.group(2))
        n = seen.get(base, 0)
        seen[base] = n + 1
        found.add(base if n == 0 else f"{base}-{n}")
    return found


def links(path: Path) -> list[str]:
    """Link targets outside code (inline code is dropped first: `[x](y)` there is no link)."""
    targets = []
    for line in prose_lines(path.read_text(encoding="utf-8")):
        targets.extend(m.group(2) for m in _LINK.finditer(_INLINE_CODE.sub("", line)))
    return targets


def broken_links(path: Path) -> list[str]:
    """Every relative link of `path` whose file, or #anchor in a Markdown file, is missing."""
    broken = []
    for target in links(path):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:
            continue
        file_part, _, anchor = target.partition("#")
        dest = (path.parent / file_part).resolve() if file_part else path
        if not dest.exists():
            broken.append(f"{target} (no such file)")
        elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            broken.append(f"{target} (no heading with anchor #{anchor})")
    return broken


# -- links and references ------------------------------------------------------------------


def test_slug_and_link_checker_catch_what_they_should(tmp_path: Path) -> None:
    assert slug("Listing profiles: `awsswitch list [--json]`") == (
        "listing-profiles-awsswitch-list---json"
    )
    assert slug("awsswitch's own variables") == "awsswitchs-own-variables"
    page = tmp_path / "page.md"
    (tmp_path / "other.md").write_text("# Other\n## A `b` c\n", encoding="utf-8")
    page.write_text(
        "# Top\n[ok](other.md#a-b-c) [self](#top) [gone](missing.md) [bad](other.md#nope)\n"
        "```\n[in code](nowhere.md)\n```\n`[inline](nowhere.md)` [web](https://example.com)\n",
        encoding="utf-8",
    )
    assert broken_links(page) == [
        "missing.md (no such file)",
        "other.md#nope (no heading with anchor #nope)",
    ]


def test_docs_exist_and_readme_links_each() -> None:
    names = {p.name for p in DOCS}
    wanted = {
        "design.md",
        "shell-integration.md",
        "sso.md",
        "sync.md",
        "configuration.md",
        "troubleshooting.md",
        "benchmarks.md",
    }
    assert wanted <= names
    readme_links = {t.partition("#")[0] for t in links(README)}
    for page in DOCS:
        assert f"docs/{page.name}" in readme_links, f"README does not link docs/{page.name}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(page: Path) -> None:
    assert page != README or len(links(page)) >= 10, "the README links to docs/"
    assert broken_links(page) == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_reference_outside_the_repository(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert SHARED not in text
    assert "/work/" not in text
    assert "DESIGN.md" not in text  # the project's design is docs/design.md


def test_code_points_only_at_docs_that_exist() -> None:
    """References from code, tests and benchmarks to docs/… name files in the repository, and
    none reaches outside it (the shared folder above the repository)."""
    referenced, outside = set(), []
    for folder in CODE_DIRS:
        for path in (ROOT / folder).rglob("*"):
            if not path.is_file() or path.suffix in (".pyc", ".marshal"):
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            referenced.update(re.findall(r"\bdocs/[\w.-]+\.md", text))
            if SHARED in text:
                outside.append(str(path.relative_to(ROOT)))
    assert outside == []
    missing = sorted(ref for ref in referenced if not (ROOT / ref).is_file())
    assert missing == []
    # The README names the pages the code may point at; each of them exists.
    assert all(
        (ROOT / t.partition("#")[0]).is_file() for t in links(README) if t.startswith("docs/")
    )


# -- the README's promises -----------------------------------------------------------------


def test_readme_keeps_the_fresh_machine_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert "bash tests/run.sh" in text  # CI (.ci/run) runs exactly this line
    assert "python3 -m pip install . && awsswitch demo" in text
    assert "bash tests/run.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_stays_short() -> None:
    lines = README.read_text(encoding="utf-8").count("\n")
    assert 120 <= lines <= 330, f"README has {lines} lines: reference material goes in docs/"


def test_marked_index_name_is_the_distribution_name() -> None:
    """The install line from the package index is marked `<!-- distname -->` and names the
    distribution pyproject.toml builds."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    section = pyproject.split("\n[project]\n", 1)[1].split("\n[", 1)[0]
    project = {"name": re.search(r'^name\s*=\s*"([^"]+)"', section, re.M).group(1)}
    marked = [
        line
        for line in README.read_text(encoding="utf-8").splitlines()
        if "<!-- distname -->" in line
    ]
    assert marked, "no install line marked <!-- distname -->"
    for line in marked:
        names = re.findall(r"pipx? install ([A-Za-z0-9._-]+)", line)
        assert names and all(n == project["name"] for n in names), line


# -- the man page --------------------------------------------------------------------------


def _generator(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_man.py"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_committed_man_page_equals_a_fresh_generation() -> None:
    proc = _generator("--check")
    assert proc.returncode == 0, proc.stderr + " (run: python scripts/gen_man.py)"
    assert _generator("--stdout").stdout == MAN.read_text(encoding="ascii")


def test_man_page_renders_without_warnings() -> None:
    groff = require("groff")
    proc = subprocess.run(
        [groff, "-man", "-Tutf8", "-ww", "-z", str(MAN)], capture_output=True, text=True
    )
    assert proc.returncode == 0
    assert proc.stderr == ""


def _plain(man_text: str) -> str:
    return man_text.replace("\\-", "-").replace("\\fB", "").replace("\\fI", "").replace("\\fR", "")


def test_man_page_has_every_option_of_every_help(sandbox: Sandbox) -> None:
    """Cross-check against what users see: every option `awsswitch CMD --help` prints is in
    the man page, under a section for that command."""
    man = _plain(MAN.read_text(encoding="ascii"))
    for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "SHELL INTEGRATION",
                    "ENVIRONMENT", "FILES", "EXIT STATUS", "SEE ALSO"):  # fmt: skip
        assert f"\n.SH {section}\n" in man
    top = sandbox.run("--help")
    assert top.returncode == 0, top.stderr
    commands = re.findall(r"^  ([a-z][a-z-]+)\s", top.stdout.split("Commands:")[1], re.M)
    assert "init" in commands and "sync" in commands
    checked = 0
    for command in commands:
        sub = sandbox.run(command, "--help")
        assert sub.returncode == 0, sub.stderr
        paths = [command]
        if "Commands:" in sub.stdout:  # a group: configure
            subs = re.findall(r"^  ([a-z][a-z-]+)\s", sub.stdout.split("Commands:")[1], re.M)
            paths = [f"{command} {s}" for s in subs]
        for path in paths:
            text = sandbox.run(*path.split(), "--help").stdout
            assert f'.SS "awsswitch {path}"' in man, path
            body = man.split(f'.SS "awsswitch {path}"', 1)[1].split("\n.SS ", 1)[0]
            for option in set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]+", text)) - {"--help"}:
                assert option in body, f"{option} of `awsswitch {path}` is not in the man page"
                checked += 1
    assert checked >= 15


def test_command_reference_has_every_option_of_every_help(sandbox: Sandbox) -> None:
    """docs/configuration.md's command table names every command and every option its
    `--help` prints, on that command's row."""
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    table = text.split("\n## Command reference\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `awsswitch ")]
    top = sandbox.run("--help").stdout
    commands = re.findall(r"^  ([a-z][a-z-]+)\s", top.split("Commands:")[1], re.M)
    checked = 0
    for command in commands:
        sub = sandbox.run(command, "--help").stdout
        paths = [command]
        if "Commands:" in sub:  # a group: configure
            subs = re.findall(r"^  ([a-z][a-z-]+)\s", sub.split("Commands:")[1], re.M)
            paths = [f"{command} {s}" for s in subs]
        for path in paths:
            row = [r for r in rows if re.search(rf"`awsswitch {path}( |`)", r)]
            assert len(row) == 1, f"`awsswitch {path}` has no row in the command reference"
            # The options themselves (a description may name another command's, `init --auto`).
            help_text = sandbox.run(*path.split(), "--help").stdout.split("Options:", 1)[-1]
            for option in set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]+", help_text)) - {"--help"}:
                assert option in row[0], f"{option} of `awsswitch {path}` is not in its row"
                checked += 1
    assert checked >= 30


# -- environment variables -----------------------------------------------------------------


def code_variables() -> set[str]:
    found: set[str] = set()
    for folder in ("awsswitch", "shell", "completions"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and path.suffix in ("", ".py", ".bash", ".zsh", ".fish"):
                found.update(_VAR.findall(path.read_text(encoding="utf-8", errors="replace")))
    return found


def test_every_awsswitch_variable_is_documented() -> None:
    variables = code_variables()
    assert {"AWSSWITCH_PROFILE", "AWSSWITCH_CACHE_DIR", "AWSSWITCH_AWS_CLI"} <= variables
    man = _plain(MAN.read_text(encoding="ascii"))
    env_section = man.split("\n.SH ENVIRONMENT\n", 1)[1].split("\n.SH ", 1)[0]
    docs = "\n".join(p.read_text(encoding="utf-8") for p in DOCS)
    undocumented = sorted(v for v in variables if v not in env_section or f"`{v}`" not in docs)
    assert undocumented == []


# -- snippets, run for real ----------------------------------------------------------------


def _awsswitch_on_path(sandbox: Sandbox) -> str:
    """A bin folder with an `awsswitch` command that runs this checkout."""
    folder = sandbox.home / "bin"
    folder.mkdir(exist_ok=True)
    exe = folder / "awsswitch"
    exe.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m awsswitch "$@"\n', encoding="utf-8")
    exe.chmod(0o755)
    return f"{folder}:/usr/local/bin:/usr/bin:/bin"


def _block_after(page: Path, marker: str) -> str:
    """The code block whose first line is `marker`."""
    text = page.read_text(encoding="utf-8")
    match = re.search(r"```\w*\n(" + re.escape(marker) + r"\n.*?)```", text, re.S)
    assert match, f"no code block starting with {marker!r} in {page.name}"
    return match.group(1)


DEFINED = {
    "bash": "type asw >/dev/null",
    "zsh": "whence -w asw >/dev/null",
    "fish": "functions -q asw",
}


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_rc_line_from_the_readme_defines_asw(sandbox: Sandbox, shell: str) -> None:
    line = {"bash": 'eval "$(awsswitch init bash)"', "zsh": 'eval "$(awsswitch init zsh)"',
            "fish": "awsswitch init fish \\| source"}[shell]  # fmt: skip
    readme = README.read_text(encoding="utf-8")
    assert f"`{line}`" in readme
    path = _awsswitch_on_path(sandbox)
    script = line.replace("\\|", "|") + "\n" + DEFINED[shell] + "\n"
    proc = run_shell(sandbox, shell, script, env={"PATH": path})
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_cached_init_snippet_works_on_a_fresh_home(sandbox: Sandbox, shell: str) -> None:
    """docs/shell-integration.md's cache snippet: the first shell creates the cache folder and
    file; the next one loads the file without running awsswitch at all."""
    page = ROOT / "docs" / "shell-integration.md"
    if shell == "fish":
        snippet = _block_after(page, "# ~/.config/fish/config.fish")
    else:  # the bash block, "the same with zsh"
        snippet = _block_after(page, "# ~/.bashrc (zsh: the same with zsh)").replace("bash", shell)
    cache = sandbox.home / ".cache" / "awsswitch"
    assert not cache.exists()
    script = snippet + DEFINED[shell] + "\n"
    first = run_shell(sandbox, shell, script, env={"PATH": _awsswitch_on_path(sandbox)})
    assert first.returncode == 0, first.stderr
    cached = cache / f"init.{shell}"
    assert cached.read_text(encoding="utf-8").startswith("# awsswitch ")
    assert cache.stat().st_mode & 0o777 == 0o700
    # No awsswitch on PATH now: asw can only come from the cached file.
    second = run_shell(sandbox, shell, script, env={"PATH": "/usr/local/bin:/usr/bin:/bin"})
    assert second.returncode == 0, second.stderr
