"""Fixtures for the config tests that need a second user: permissions (a read-only file, an
unreadable one, a read-only folder) only apply to a user who is not root, and a forged cache
needs an owner other than the reader.

`other_user` runs awsswitch as a user who is not root: the current user when the tests do not
run as root, else `nobody`, through `setpriv` (util-linux). Its sandbox lives in a fresh
folder under the system temporary folder, owned by that user (pytest's own temporary folders
are private to the user running pytest).
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest


@dataclass
class OtherUser:
    """A non-root user with a HOME of its own; `run` and `python` execute as that user."""

    uid: int
    gid: int
    root: Path  # the sandbox folder (owned by the user); HOME is root/home
    prefix: list[str]  # the command that switches to the user ([] when already that user)
    env: dict[str, str] = field(default_factory=dict)

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def config(self) -> Path:
        return self.home / ".aws" / "config"

    @property
    def cache(self) -> Path:
        return self.home / ".cache" / "awsswitch"

    def give(self, *paths: Path) -> None:
        """Make `paths` (and what they hold) the user's."""
        for top in paths:
            for p in [top, *(top.rglob("*") if top.is_dir() and not top.is_symlink() else [])]:
                os.lchown(p, self.uid, self.gid)

    def write_config(self, text: str) -> Path:
        self.config.parent.mkdir(parents=True, exist_ok=True)
        self.config.write_text(text, encoding="utf-8")
        self.give(self.home)
        return self.config

    def run(
        self, *args: str, umask: int = 0o022, timeout: float = 60, **env: str
    ) -> subprocess.CompletedProcess[str]:
        """`awsswitch ARGS` as the user, stdin not a terminal."""
        return self.exec([sys.executable, "-m", "awsswitch", *args], umask, timeout, **env)

    def python(
        self, code: str, *args: str, umask: int = 0o022, timeout: float = 60, **env: str
    ) -> subprocess.CompletedProcess[str]:
        return self.exec([sys.executable, "-c", code, *args], umask, timeout, **env)

    def exec(
        self, argv: list[str], umask: int, timeout: float, **env: str
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.prefix, *argv],
            env={**self.env, **env},
            input="",
            capture_output=True,
            text=True,
            timeout=timeout,
            umask=umask,
            cwd=self.root,
        )


def _switcher() -> tuple[int, int, list[str]] | None:
    if os.geteuid() != 0:
        return os.getuid(), os.getgid(), []
    setpriv = shutil.which("setpriv")
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        return None
    if setpriv is None:
        return None
    uid, gid = nobody.pw_uid, nobody.pw_gid
    return uid, gid, [setpriv, f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--"]


@pytest.fixture
def other_user(sandbox: Any) -> Iterator[OtherUser]:
    found = _switcher()
    if found is None:
        pytest.skip("running as root without setpriv or a `nobody` user: cannot drop privileges")
    uid, gid, prefix = found
    root = Path(tempfile.mkdtemp(prefix="awsswitch-user-"))
    home = root / "home"
    (home / ".aws").mkdir(parents=True)
    env = {
        **sandbox.env,
        "HOME": str(home),
        "AWS_CONFIG_FILE": str(home / ".aws" / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / ".aws" / "credentials"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    user = OtherUser(uid, gid, root, prefix, env)
    user.give(root)
    probe = user.python("import os, sys; sys.stdout.write(str(os.geteuid()))")
    if probe.returncode != 0 or probe.stdout != str(uid) or uid == 0:
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(f"cannot run Python as a non-root user: {probe.stderr.strip()}")
    try:
        yield user
    finally:
        os.chmod(root, 0o700)
        for folder, subfolders, _ in os.walk(root):  # a test may leave a folder unwritable
            for name in subfolders:
                path = os.path.join(folder, name)
                if not os.path.islink(path):
                    os.chmod(path, 0o700)
        shutil.rmtree(root, ignore_errors=True)
