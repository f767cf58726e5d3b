"""`awsswitch list` and `awsswitch status` are everyday commands: parsed in __main__.py with the
standard library, they must not load typer, click, rich, pydantic or boto3 (typer 0.29 alone
costs ten times a bare interpreter start). Only what the fast parser declines goes to typer.

Not timed (bench/ times things): each case runs the real entry point in a fresh interpreter and
records `sys.modules` at exit, like tests/switch/test_hot_imports.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.configs import HOME_CONFIG
from support.imports import probe

HEAVY = ("typer", "click", "rich", "pydantic", "boto3", "botocore", "shellingham")


CONFIG = HOME_CONFIG + "\n[profile keys]\nregion = us-east-1\n"


def _modules(sandbox, tmp_path: Path, *args: str, **env: str):
    modules, proc = probe(sandbox, tmp_path, *args, **env)
    return sorted(m for m in modules if m.split(".")[0] in HEAVY), proc


@pytest.mark.parametrize(
    ("args", "env", "code"),
    [
        (("list",), {}, 0),
        (("list", "--json"), {"AWS_PROFILE": "keys"}, 0),
        (("status",), {}, 0),
        (("status",), {"AWS_PROFILE": "awsprofile.home.poweruser"}, 0),
        (("status", "home.poweruser"), {}, 0),
        (("status", "--", "keys"), {}, 0),
        (("status", "no-such-profile"), {}, 2),  # the error path too
    ],
    ids=["list", "list-json", "status", "status-active", "status-named", "status-dashdash", "bad"],
)
def test_everyday_commands_stay_stdlib(sandbox, tmp_path: Path, args, env, code):
    sandbox.write_config(CONFIG)
    heavy, proc = _modules(sandbox, tmp_path, *args, **env)
    assert proc.returncode == code, proc.stderr
    assert proc.stdout or proc.stderr
    assert not heavy, (
        f"`awsswitch {' '.join(args)}` imported {heavy}; "
        f"see `python -X importtime -m awsswitch {' '.join(args)}`"
    )


def test_empty_config_stays_stdlib(sandbox, tmp_path: Path):
    heavy, proc = _modules(sandbox, tmp_path, "list")
    assert proc.returncode == 0 and "no profiles" in proc.stderr
    assert not heavy


@pytest.mark.parametrize("args", [("list", "--help"), ("status", "--bogus"), ("list", "x")])
def test_what_the_fast_parser_declines_goes_to_typer(sandbox, tmp_path: Path, args):
    """The probe can see typer: help and errors still come from its declarations."""
    heavy, proc = _modules(sandbox, tmp_path, *args)
    assert "typer" in heavy
    assert proc.returncode in (0, 2)
    assert "boto3" not in heavy
