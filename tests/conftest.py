"""Shared fixtures. Every test runs with a temporary HOME and AWS_CONFIG_FILE: nothing
here or in any test may touch the real ~/.aws."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

# Variables that would leak the developer's real AWS state into a test.
_SCRUB_PREFIXES = ("AWS_", "AWSSWITCH_", "AWSUME_", "AWSU_")
# A developer's desktop session or shell set-up that would change what the code under test
# does (open a browser, style fzf, source a file into every bash).
_SCRUB_NAMES = {
    "BROWSER",
    "DISPLAY",
    "WAYLAND_DISPLAY",
    "FZF_DEFAULT_OPTS",
    "FZF_DEFAULT_COMMAND",
    "BASH_ENV",
    "ENV",
    "ZDOTDIR",
    "PROMPT_COMMAND",
}


@dataclass
class Sandbox:
    """A temporary HOME with its AWS files; `env` is what subprocesses should get."""

    home: Path
    config: Path
    credentials: Path
    sso_cache: Path
    env: dict[str, str]

    def write_config(self, text: str) -> Path:
        self.config.parent.mkdir(parents=True, exist_ok=True)
        self.config.write_text(text, encoding="utf-8")
        return self.config

    def run(self, *args: str, input: str | None = None, **env: str) -> subprocess.CompletedProcess:
        """Run `awsswitch ARGS` (through this interpreter) with the sandbox environment."""
        return subprocess.run(
            [sys.executable, "-m", "awsswitch", *args],
            env={**self.env, **env},
            input=input,
            capture_output=True,
            text=True,
            timeout=120,
        )


@pytest.fixture(autouse=True)
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    home = tmp_path / "home"
    aws = home / ".aws"
    aws.mkdir(parents=True)
    for key in list(os.environ):
        if key.startswith(_SCRUB_PREFIXES) or key in _SCRUB_NAMES:
            monkeypatch.delenv(key)
    values = {
        "HOME": str(home),
        "AWS_CONFIG_FILE": str(aws / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(aws / "credentials"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        # Never reach the internet, even by mistake.
        "AWS_EC2_METADATA_DISABLED": "true",
        "NO_PROXY": "127.0.0.1,localhost",
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return Sandbox(
        home=home,
        config=aws / "config",
        credentials=aws / "credentials",
        sso_cache=aws / "sso" / "cache",
        env=dict(os.environ),
    )


def require(program: str) -> str:
    """Path of `program`, or skip (CI installs all of them; a developer may not have)."""
    path = shutil.which(program)
    if path is None:
        pytest.skip(f"{program} is not installed")
    return path


AWS_CLI_V2 = "/usr/bin/aws"  # Debian's awscli package; the image's `aws` on PATH is v1


@pytest.fixture
def aws_v2() -> str:
    if not os.access(AWS_CLI_V2, os.X_OK):
        pytest.skip("AWS CLI v2 (Debian package awscli) is not installed")
    return AWS_CLI_V2
