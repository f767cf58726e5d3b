"""Layering: the SSO and sync packages sit below the commands. They may use config, files,
context, regions and each other, never the switch core, a command module or the typer layer
(which would drag the human CLI onto the switch path or make import cycles)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import awsswitch

PACKAGE = Path(awsswitch.__file__).parent
ABOVE = ("awsswitch.switch", "awsswitch.commands", "awsswitch.cli", "awsswitch.standin")


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{a.name}" for a in node.names]
    return names


MODULES = sorted((PACKAGE / "sso").glob("*.py")) + sorted((PACKAGE / "sync").glob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_import_from_a_higher_layer(path: Path) -> None:
    bad = [n for n in _imports(path) if n == "awsswitch.cli" or n.startswith(ABOVE)]
    assert bad == [], f"{path.name} imports {bad}"


def test_the_scan_sees_imports() -> None:
    found = _imports(PACKAGE / "sso" / "hook.py")
    assert "awsswitch.sso.state" in found and "awsswitch.files" in found
