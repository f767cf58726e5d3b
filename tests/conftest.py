"""Shared fixtures. Every test runs with a temporary HOME and AWS_CONFIG_FILE: nothing
here or in any test may touch the real ~/.aws. Helpers live in the `support` package."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support.sandbox import _SCRUB_NAMES, _SCRUB_PREFIXES, AWS_CLI_V2, Sandbox


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


@pytest.fixture
def aws_v2() -> str:
    if not os.access(AWS_CLI_V2, os.X_OK):
        pytest.skip("AWS CLI v2 (Debian package awscli) is not installed")
    return AWS_CLI_V2
