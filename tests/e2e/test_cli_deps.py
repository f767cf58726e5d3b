"""Dependency bounds and the distribution name, as pyproject.toml declares them.

tests/run.sh runs the suite twice, in new virtualenvs with the newest and with the lowest
versions these bounds allow; the checks here make sure the bounds stay complete (every
third-party import is declared, with a lower and an upper bound) and that the run really
tests versions inside them."""

from __future__ import annotations

import ast
import importlib.metadata as md
import re
import sys
from pathlib import Path

import pytest
import tomllib
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
REQUIREMENTS = {r.name.lower(): r for r in map(Requirement, PROJECT["dependencies"])}
# Import name -> distribution name, where they differ.
IMPORT_TO_DIST = {"yaml": "pyyaml"}


def _third_party_imports() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "awsswitch").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m != "awsswitch"}


def test_every_third_party_import_is_a_declared_dependency():
    imported = {IMPORT_TO_DIST.get(m, m) for m in _third_party_imports()}
    assert imported == set(REQUIREMENTS), "declare what awsswitch imports, and only that"


@pytest.mark.parametrize("name", sorted(REQUIREMENTS))
def test_each_dependency_has_a_lower_and_an_upper_bound(name: str):
    ops = {spec.operator for spec in REQUIREMENTS[name].specifier}
    assert ops == {">=", "<"}, f"{name}: want NAME>=LOW,<HIGH (tests/run.sh pins LOW exactly)"


@pytest.mark.parametrize("name", sorted(REQUIREMENTS))
def test_the_installed_version_is_within_the_bounds(name: str):
    installed = Version(md.version(name))
    assert installed in REQUIREMENTS[name].specifier, f"{name} {installed}"


def test_the_newest_typer_without_the_click_package_is_allowed():
    """typer 0.29 carries its own click; the error boundary is written for both kinds."""
    assert Version("0.29.2") in REQUIREMENTS["typer"].specifier


def test_distribution_name_differs_from_the_command_and_package():
    """`awsswitch` on the package index is another project: ours is published under another
    name, while the command and the import package stay `awsswitch`."""
    name = PROJECT["name"]
    assert re.sub(r"[-_.]+", "-", name).lower() != "awsswitch"
    hatch = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["hatch"]
    wheel = hatch["build"]["targets"]["wheel"]
    assert wheel["packages"] == ["awsswitch"]
    assert wheel["shared-scripts"] == {"awsswitch/_launcher": "awsswitch"}


def test_installed_metadata_carries_the_distribution_name():
    try:
        dist = md.distribution(PROJECT["name"])
    except md.PackageNotFoundError:
        pytest.skip(f"{PROJECT['name']} is not installed here (tests/run.sh installs it)")
    assert dist.metadata["Name"] == PROJECT["name"]
    assert Requirement(next(iter(dist.requires or []))).name in REQUIREMENTS
