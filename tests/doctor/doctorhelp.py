"""Helpers for the doctor tests: a clean world (an SSO profile in use, switched by asw, its
token fresh, a v2 `aws` on PATH, the integration's marker) that each test then breaks in
one way; runners in-process (`run()` with a built Environment) and as a child process
(`main()`), in real shells to apply a fix; every JSON report is checked against the schema."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from support.sso import CORP_KEY, START_URL, make_exe, write_token

from awsswitch.commands import doctor
from awsswitch.context import Environment
from awsswitch.doctor.schema import FINDING_IDS, SCHEMA, errors

POWERUSER = "awsprofile.home.poweruser"
DEPLOY = "deploy"

CLEAN_CONFIG = f"""\
[sso-session corp]
sso_start_url = {START_URL}
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile {POWERUSER}]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = PowerUser
region = eu-west-1

[profile {DEPLOY}]
role_arn = arn:aws:iam::222222222222:role/Deploy
source_profile = {POWERUSER}
region = eu-west-1
"""

MAIN = "import sys; from awsswitch.commands.doctor import main; sys.exit(main(sys.argv[1:]))"
ROOT = Path(__file__).resolve().parents[2]


def fake_aws(bindir: Path, version: str, *, stderr: bool = False) -> Path:
    """An `aws` that only answers `--version` (v1 prints it on stderr, v2 on stdout)."""
    bindir.mkdir(parents=True, exist_ok=True)
    line = f"aws-cli/{version} Python/3.11.6 Linux/6.1 exe/x86_64"
    return make_exe(
        bindir / "aws",
        f'#!/bin/sh\necho "{line}"{" >&2" if stderr else ""}\nexit 0\n',
    )


@dataclass
class Result:
    code: int
    out: str
    err: str
    data: dict[str, Any] | None = None

    def ids(self) -> list[str]:
        assert self.data is not None
        return [f["id"] for f in self.data["findings"]]

    def finding(self, fid: str) -> dict[str, Any]:
        assert self.data is not None
        found = [f for f in self.data["findings"] if f["id"] == fid]
        assert found, f"no finding {fid}; got {self.ids()}"
        return found[0]


def check_json(text: str) -> dict[str, Any]:
    data = json.loads(text)
    assert errors(data, SCHEMA) == []
    for f in data["findings"]:
        assert f["id"] in FINDING_IDS, f["id"]
    assert data["ok"] == (data["summary"]["problems"] == 0)
    assert data["exit_code"] == (0 if data["ok"] else 1)
    return data


@dataclass
class World:
    sandbox: Any
    env: dict[str, str]
    bindir: Path
    home: Path = field(init=False)

    def __post_init__(self) -> None:
        self.home = self.sandbox.home

    def set(self, **values: str) -> World:
        self.env.update(values)
        return self

    def drop(self, *names: str) -> World:
        for n in names:
            self.env.pop(n, None)
        return self

    def run(self, *args: str) -> Result:
        """`doctor.run()` in this process with an Environment built from `env`."""
        out, err = io.StringIO(), io.StringIO()
        ctx = Environment(dict(self.env), stdout=out, stderr=err, stdin_isatty=False,
                          stderr_isatty=False)  # fmt: skip
        code = doctor.main(list(args), ctx)
        result = Result(code, out.getvalue(), err.getvalue())
        if "--json" in args and code in (0, 1):
            result.data = check_json(result.out)
            assert result.data["exit_code"] == code
        return result

    def json(self, *args: str) -> Result:
        return self.run("--json", *args)

    def child(self, *args: str, timeout: float = 120) -> Result:
        """`main()` in a child Python (python -c), stdout and stderr captured."""
        proc = subprocess.run(
            [sys.executable, "-c", MAIN, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.home,
        )
        result = Result(proc.returncode, proc.stdout, proc.stderr)
        if "--json" in args and proc.returncode in (0, 1):
            result.data = check_json(proc.stdout)
        return result

    def in_shell(self, shell: str, before: str, *args: str) -> Result:
        """Run `before` (a fix) in a real `shell`, then doctor --json in that same shell."""
        env = {**self.env, "DOCTOR_MAIN": MAIN, "DOCTOR_PY": sys.executable}
        # Not the last command, so the shell stays doctor's parent (zsh would exec it).
        if shell == "fish":
            script = f"{before}\n$DOCTOR_PY -c $DOCTOR_MAIN --json {' '.join(args)}\nexit $status"
        else:
            script = f'{before}\n"$DOCTOR_PY" -c "$DOCTOR_MAIN" --json {" ".join(args)}\nexit $?'
        # fish reads its config (the sandbox's: none unless a test writes one) and its
        # universal variables, which --no-config would skip.
        argv = [shell, "-f", "-c", script] if shell == "zsh" else [shell, "-c", script]
        proc = subprocess.run(
            argv, env=env, capture_output=True, text=True, timeout=120, cwd=self.home
        )
        result = Result(proc.returncode, proc.stdout, proc.stderr)
        assert proc.returncode in (0, 1), proc.stderr
        result.data = check_json(proc.stdout)
        return result


def make_world(sandbox: Any, tmp_path: Path) -> World:
    config = sandbox.write_config(CLEAN_CONFIG)
    config.chmod(0o600)
    token = write_token(sandbox, key=CORP_KEY, expires_in=8 * 3600)
    token.chmod(0o600)
    bindir = tmp_path / "bin"
    fake_aws(bindir, "2.15.2")
    env = {k: v for k, v in sandbox.env.items() if k not in ("NO_PROXY", "no_proxy")}
    for k in list(env):
        if k.endswith("_PROXY") or k.endswith("_proxy") or k in ("AWS_CA_BUNDLE", "KUBECONFIG"):
            env.pop(k)
    env.update(
        PATH=str(bindir),
        SHELL="/bin/bash",
        AWS_PROFILE=POWERUSER,
        AWSSWITCH_PROFILE=POWERUSER,
        AWSSWITCH_SHORT="home.poweruser",
        AWS_REGION="eu-west-1",
        AWS_DEFAULT_REGION="eu-west-1",
        AWSSWITCH_REGION="eu-west-1",
        AWSSWITCH_SHELL="bash",
        PYTHONPATH=str(ROOT),
    )
    for name in ("VISUAL", "EDITOR"):
        env.pop(name, None)
    return World(sandbox, env, bindir)


def shell_path(world: World, *programs: str) -> str:
    """PATH for a real shell: the world's bin folder, then the folders of `programs`."""
    import shutil

    folders = [str(world.bindir)]
    for p in programs:
        found = shutil.which(p)
        if found and os.path.dirname(found) not in folders:
            folders.append(os.path.dirname(found))
    return os.pathsep.join(folders)
