"""`awsswitch list` and `awsswitch status` are everyday commands: parsed in __main__.py with the
standard library, they must not load typer, click, rich, pydantic or boto3 (typer 0.29 alone
costs ten times a bare interpreter start). Only what the fast parser declines goes to typer.

Not timed (bench/ times things): each case runs the real entry point in a fresh interpreter and
records `sys.modules` at exit, like tests/switch/test_hot_imports.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("typer", "click", "rich", "pydantic", "boto3", "botocore", "shellingham")

PROBE = r"""
import atexit, json, sys
out = sys.argv[1]
def _dump():
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(sorted(sys.modules), fh)
atexit.register(_dump)
from awsswitch.__main__ import main
sys.exit(main(sys.argv[2:]))
"""

CONFIG = """\
[sso-session awssso.home]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = eu-west-1

[profile awsprofile.home.poweruser]
sso_session = awssso.home
sso_account_id = 123412341234
sso_role_name = PowerUserAccess

[profile keys]
region = us-east-1
"""


def _modules(sandbox, tmp_path: Path, *args: str, **env: str):
    out = tmp_path / "modules.json"
    out.unlink(missing_ok=True)
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(out), *args],
        env={**sandbox.env, **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.exists(), proc.stderr
    heavy = sorted(m for m in json.loads(out.read_text()) if m.split(".")[0] in HEAVY)
    return heavy, proc


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
