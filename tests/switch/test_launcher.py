"""The `awsswitch` command's launcher and `init` import only what they need.

pip's generated entry-point wrapper imports `re`; the hand-written launcher must not, and
`init` must stay off `re`, `typing` and `collections` too (each costs milliseconds at every
shell start). Run with `-S` so only awsswitch's own imports are seen, whatever the
environment's site-packages `.pth` files import.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LAUNCHER = os.path.join(ROOT, "awsswitch", "_launcher")


def _imported(args: list[str], env: dict[str, str]) -> tuple[subprocess.CompletedProcess, set]:
    result = subprocess.run(
        [sys.executable, "-S", "-X", "importtime", LAUNCHER, *args],
        env={**env, "PYTHONPATH": ROOT},
        capture_output=True,
        text=True,
        timeout=60,
    )
    modules = {
        line.split("|")[-1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return result, modules


def test_launcher_is_executable_python_script() -> None:
    with open(LAUNCHER, encoding="utf-8") as fh:
        assert fh.readline() == "#!python\n"  # hatchling rewrites it to the interpreter
    assert os.access(LAUNCHER, os.X_OK)


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_init_through_launcher_imports_no_re_typing_collections(sandbox, shell: str) -> None:
    result, modules = _imported(["init", shell], sandbox.env)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("# awsswitch ")
    assert "awsswitch.shells" in modules
    heavy = {"re", "typing", "collections", "typer", "click", "rich", "boto3", "shellingham"}
    assert heavy & modules == set()


def test_version_through_launcher(sandbox) -> None:
    result = subprocess.run(
        [sys.executable, LAUNCHER, "--version"], env=sandbox.env, capture_output=True, text=True
    )
    assert result.returncode == 0
    assert result.stdout.startswith("awsswitch ")
