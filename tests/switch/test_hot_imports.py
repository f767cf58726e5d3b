"""Hot paths stay on the standard library: what `init`, the switch core and their siblings import.

Not timed (bench/ times things). Each case runs the real entry point (`awsswitch.__main__.main`,
what the console script calls) in a fresh interpreter and records `sys.modules` at exit. A heavy
import creeping onto a hot path fails here long before anyone notices a slower shell start.
To find who pulled a module in: `python -X importtime -m awsswitch <args> 2>&1 | less`.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from support.imports import PROBE, probe

# Never on a hot path (docs/benchmarks.md, the budget).
FORBIDDEN = ("typer", "click", "rich", "boto3", "botocore", "pydantic", "shellingham")
# init and a successful switch match nothing with a regular expression, so they leave `re`
# unloaded too; only the unknown-name error path does load it (difflib, for the close names).
HOT_FORBIDDEN = (*FORBIDDEN, "re")
# The config reader replaced configparser with a stdlib scanner that imports only what Python has
# loaded at start-up (awsswitch/config/reader.py), so the switch path must not load configparser.
SWITCH_ALSO_FORBIDDEN = ("configparser",)

SESSION = "awssso.home"
PROFILE = "awsprofile.home.poweruser"
START_URL = "https://d-9000000000.awsapps.com/start"


def _require_module(name: str, what: str) -> None:
    """The module under test exists: a rename must fail here, not skip the import checks."""
    assert importlib.util.find_spec(name) is not None, f"{what}: {name} is missing (renamed?)"


def _write_fixture(sandbox) -> None:
    """One sso-session, one SSO profile, one keys profile, and a fresh token (8 h)."""
    sandbox.write_config(
        f"[sso-session {SESSION}]\n"
        f"sso_start_url = {START_URL}\n"
        "sso_region = eu-west-1\n"
        "sso_registration_scopes = sso:account:access\n\n"
        f"[profile {PROFILE}]\n"
        f"sso_session = {SESSION}\n"
        "sso_account_id = 111111111111\n"
        "sso_role_name = PowerUser\n"
        "region = eu-west-1\n\n"
        "[profile keys]\n"
        "region = us-east-1\n"
    )
    sandbox.credentials.write_text(
        "[keys]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = secret\n",
        encoding="utf-8",
    )
    now = datetime.now(timezone.utc)
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    token = {
        "startUrl": START_URL,
        "region": "eu-west-1",
        "accessToken": "fresh-access-token",
        "expiresAt": (now + timedelta(hours=8)).strftime(fmt),
        "clientId": "cid",
        "clientSecret": "csecret",
        "registrationExpiresAt": (now + timedelta(days=90)).strftime(fmt),
        "refreshToken": "rt",
    }
    sandbox.sso_cache.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha1(SESSION.encode("utf-8")).hexdigest()
    (sandbox.sso_cache / f"{key}.json").write_text(json.dumps(token), encoding="utf-8")


def _heavy(modules: set[str], banned: tuple[str, ...] = FORBIDDEN) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in banned)


def _explain(args: tuple[str, ...], heavy: list[str]) -> str:
    return (
        f"`awsswitch {' '.join(args)}` imported {heavy}; find the importer with "
        f"`python -X importtime -m awsswitch {' '.join(args)}` and move the import into the "
        "function that needs it"
    )


# ---------------------------------------------------------------------------------------------
# awsswitch init SHELL


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
@pytest.mark.parametrize("options", [(), ("--prompt",), ("--cmd", "sw"), ("--aliases",)])
def test_init_imports_stay_stdlib(sandbox, tmp_path: Path, shell: str, options: tuple[str, ...]):
    _require_module("awsswitch.switch.init", "`awsswitch init`")
    _write_fixture(sandbox)
    args = ("init", shell, *options)
    modules, proc = probe(sandbox, tmp_path, *args)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip(), "init printed no integration code"
    heavy = _heavy(modules, HOT_FORBIDDEN)
    assert not heavy, _explain(args, heavy)


# ---------------------------------------------------------------------------------------------
# the switch core, `awsswitch _asw SHELL ...`


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_switch_with_fresh_token_stays_stdlib(sandbox, tmp_path: Path, shell: str):
    _require_module("awsswitch.switch.core", "the switch core `awsswitch _asw`")
    _write_fixture(sandbox)
    args = ("_asw", shell, "home.poweruser")
    # First run builds any profile index cache, the second one uses it: both paths are hot.
    for attempt in ("cold", "warm"):
        modules, proc = probe(sandbox, tmp_path, *args)
        assert proc.returncode == 0, f"{attempt}: {proc.stderr}"
        assert "AWS_PROFILE" in proc.stdout and PROFILE in proc.stdout, proc.stdout
        banned = HOT_FORBIDDEN + SWITCH_ALSO_FORBIDDEN
        assert not _heavy(modules, banned), f"{attempt}: " + _explain(args, _heavy(modules, banned))


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (("-u",), {}),
        (("--unset",), {"AWS_PROFILE": PROFILE}),
        ((), {"AWS_PROFILE": PROFILE}),  # off a terminal: prints the active profile
        (("-r", "eu-central-1"), {"AWS_PROFILE": PROFILE}),
        (("-",), {"AWSSWITCH_PREVIOUS": PROFILE}),
        (("--no-login", "home.poweruser"), {}),
        (("keys",), {}),  # a non-SSO profile: no token check at all
        (("-h",), {}),
    ],
    ids=[
        "unset",
        "unset-long",
        "show-active",
        "region-only",
        "previous",
        "no-login",
        "keys",
        "help",
    ],
)
def test_switch_core_forms_stay_stdlib(sandbox, tmp_path: Path, args: tuple[str, ...], env):
    _require_module("awsswitch.switch.core", "the switch core `awsswitch _asw`")
    _write_fixture(sandbox)
    full = ("_asw", "bash", *args)
    modules, proc = probe(sandbox, tmp_path, *full, **env)
    assert proc.returncode == 0, proc.stderr
    heavy = _heavy(modules, HOT_FORBIDDEN)
    assert not heavy, _explain(full, heavy)


def test_unknown_name_stays_stdlib(sandbox, tmp_path: Path):
    """The error path (close names offered, exit 2) must not drag in anything heavy either."""
    _require_module("awsswitch.switch.core", "the switch core `awsswitch _asw`")
    _write_fixture(sandbox)
    args = ("_asw", "bash", "no-such-profile-anywhere")
    modules, proc = probe(sandbox, tmp_path, *args)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == "", "stdout must carry shell code only, and nothing on failure"
    assert not _heavy(modules), _explain(args, _heavy(modules))


# ---------------------------------------------------------------------------------------------
# the typer layer: allowed to load typer, never boto3 just to print something


@pytest.mark.parametrize(
    "args",
    [("--version",), ("--help",), ("init", "--help"), ("list",), ("list", "--json")],
    ids=["version", "help", "init-help", "list", "list-json"],
)
def test_cli_without_network_work_does_not_import_boto3(sandbox, tmp_path: Path, args):
    if args[0] == "list":
        _require_module("awsswitch.commands.list_profiles", "`awsswitch list`")
    _write_fixture(sandbox)
    modules, proc = probe(sandbox, tmp_path, *args)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip(), "printed nothing"
    heavy = _heavy(modules, ("boto3", "botocore"))
    assert not heavy, _explain(args, heavy)


def test_probe_sees_what_it_should(sandbox, tmp_path: Path):
    """The probe itself works: a command that does import boto3 is caught."""
    modules, _ = probe(sandbox, tmp_path, "--version")
    assert "awsswitch.__main__" in modules
    out = tmp_path / "m.json"
    subprocess.run(
        [
            sys.executable,
            "-c",
            PROBE.replace("from awsswitch.__main__", "import boto3\nfrom awsswitch.__main__"),
            str(out),
            "--version",
        ],
        env=sandbox.env,
        capture_output=True,
        timeout=60,
    )
    assert "boto3" in set(json.loads(out.read_text(encoding="utf-8")))
