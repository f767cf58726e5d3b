"""The test sandbox: a temporary HOME with its AWS files, and helpers to find programs.
Every test runs in one (see conftest.py): nothing may touch the real ~/.aws."""

from __future__ import annotations

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
    # An SSH session makes the login choose a device code over the browser.
    "SSH_CONNECTION",
    "SSH_TTY",
    "SSH_CLIENT",
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


def require(program: str) -> str:
    """Path of `program`, or skip (CI installs all of them; a developer may not have)."""
    path = shutil.which(program)
    if path is None:
        pytest.skip(f"{program} is not installed")
    return path


AWS_CLI_V2 = "/usr/bin/aws"  # Debian's awscli package; the image's `aws` on PATH is v1
