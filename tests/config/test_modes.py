"""awsswitch's own files are private whatever the umask, and a cache it did not write is never
trusted: the profile index cache is loaded with `marshal`, so a cache file another user could
write would let them choose what `asw` exports; the completion names file feeds the shell.

Folders awsswitch creates are 0700, files 0600; a cache file not owned by the user, or writable
by others, is ignored and replaced. Real subprocesses under real umasks; forged caches owned by
another user (`nobody`, or as a non-root user a file planted by root).
"""

from __future__ import annotations

import marshal
import os
import pwd
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from awsswitch.config import names, profiles

SEED = "[profile keep]\nregion = eu-west-1\naws_access_key_id = A\naws_secret_access_key = B\n"
OLD = (0, 1_000_000_000)  # mtime far in the past: the index cache is written (not "racy")


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def _run(env: dict[str, str], *args: str, umask: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "awsswitch", *args],
        env=env,
        input="",
        capture_output=True,
        text=True,
        timeout=60,
        umask=umask,
    )


def _nobody() -> int:
    if os.geteuid() != 0:
        pytest.skip("giving a file to another user needs root")
    try:
        return pwd.getpwnam("nobody").pw_uid
    except KeyError:
        pytest.skip("no `nobody` user")


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o002], ids=lambda u: f"umask-{u:03o}")
def test_every_file_and_folder_is_private_whatever_the_umask(sandbox: Any, umask: int) -> None:
    aws = sandbox.home / ".aws"
    aws.rmdir()  # awsswitch creates it
    env = sandbox.env
    for args in (
        ["configure", "sso-session", "corp", "--start-url",
         "https://d-1234567890.awsapps.com/start", "--region", "eu-west-1"],
        ["configure", "profile", "keep", "--sso-session", "corp", "--account-id",
         "123412341234", "--role-name", "Admin"],
    ):  # fmt: skip
        done = _run(env, *args, umask=umask)
        assert done.returncode == 0, done.stderr
    os.utime(sandbox.config, OLD)
    for args in (["list"], ["init", "bash"]):
        done = _run(env, *args, umask=umask)
        assert done.returncode == 0, done.stderr
    assert "keep" in _run(env, "list", umask=umask).stdout
    assert _mode(aws) == 0o700
    assert _mode(sandbox.config) == 0o600
    cache = Path(profiles.cache_path(env))
    assert cache.exists()
    assert Path(names.names_file(env)).exists()
    made = [sandbox.home / ".cache", *(sandbox.home / ".cache").rglob("*")]
    assert {p.name for p in made} >= {".cache", "awsswitch", cache.name, "names"}
    for path in made:
        assert _mode(path) == (0o700 if path.is_dir() else 0o600), path


def test_a_cache_folder_left_writable_by_others_is_tightened(sandbox: Any) -> None:
    sandbox.write_config(SEED)
    os.utime(sandbox.config, OLD)
    folder = Path(profiles.cache_path(sandbox.env)).parent
    folder.mkdir(parents=True)
    folder.chmod(0o777)  # what an older version made under umask 000
    assert sandbox.run("list").returncode == 0
    assert _mode(folder) & 0o022 == 0
    assert _mode(Path(profiles.cache_path(sandbox.env))) == 0o600


def _forge(cache: Path, name: str) -> bytes:
    """The cache awsswitch wrote, claiming a profile `name` instead: valid in every respect
    (key, layout) but the owner or mode of its file."""
    key, packed, sessions = marshal.loads(cache.read_bytes())
    return marshal.dumps((key, [[name], *packed[1:]], sessions))


def _listed(sandbox: Any) -> str:
    result = sandbox.run("list")
    assert result.returncode == 0, result.stderr
    return result.stdout


def _plant(cache: Path, data: bytes, uid: int, mode: int) -> None:
    tmp = cache.with_name("planted")
    tmp.write_bytes(data)
    os.chown(tmp, uid, -1)
    tmp.chmod(mode)
    os.replace(tmp, cache)


def test_forged_index_cache_is_trusted_only_from_its_owner(sandbox: Any) -> None:
    sandbox.write_config(SEED)
    os.utime(sandbox.config, OLD)
    assert "keep" in _listed(sandbox)
    cache = Path(profiles.cache_path(sandbox.env))
    forged = _forge(cache, "forged")

    # Control: the forgery is good enough to be loaded when it is the user's own 0600 file.
    _plant(cache, forged, os.getuid(), 0o600)
    assert "forged" in _listed(sandbox)

    # Writable by others: anyone could have written it. Ignored, then replaced.
    _plant(cache, forged, os.getuid(), 0o666)
    out = _listed(sandbox)
    assert "forged" not in out and "keep" in out
    assert _mode(cache) == 0o600
    assert "forged" not in _listed(sandbox)


def test_index_cache_owned_by_another_user_is_ignored(sandbox: Any) -> None:
    nobody = _nobody()
    sandbox.write_config(SEED)
    os.utime(sandbox.config, OLD)
    _listed(sandbox)
    cache = Path(profiles.cache_path(sandbox.env))
    _plant(cache, _forge(cache, "forged"), nobody, 0o600)
    out = _listed(sandbox)
    assert "forged" not in out and "keep" in out
    # Replaced by the user's own file, not handed to its former owner.
    assert (cache.stat().st_uid, _mode(cache)) == (os.getuid(), 0o600)
    assert "forged" not in _listed(sandbox)


def test_cache_planted_in_a_users_folder_is_ignored_by_that_user(other_user: Any) -> None:
    """The user is not root; root (the test) plants a cache in the user's own cache folder."""
    if os.geteuid() != 0:
        pytest.skip("planting a file owned by someone else needs root")
    other_user.write_config(SEED)
    os.utime(other_user.config, OLD)
    first = other_user.run("list")
    assert first.returncode == 0 and "keep" in first.stdout, first.stderr
    cache = Path(profiles.cache_path(other_user.env))
    assert cache.stat().st_uid == other_user.uid
    _plant(cache, _forge(cache, "forged"), 0, 0o644)
    assert cache.stat().st_uid == 0
    again = other_user.run("list")
    assert again.returncode == 0, again.stderr
    assert "forged" not in again.stdout and "keep" in again.stdout
    assert (cache.stat().st_uid, _mode(cache)) == (other_user.uid, 0o600)


def test_forged_names_file_is_not_trusted_and_is_replaced(sandbox: Any) -> None:
    sandbox.write_config(SEED)
    os.utime(sandbox.config, OLD)
    env = sandbox.env
    assert names.refresh(env)
    path = Path(names.names_file(env))
    forged = path.read_text() + "pforged\n"
    for uid, mode in ((os.getuid(), 0o600), (os.getuid(), 0o666), (_nobody(), 0o600)):
        _plant(path, forged.encode(), uid, mode)
        trusted = uid == os.getuid() and mode == 0o600
        assert names.is_fresh(env) is trusted  # the control: a well-formed, fresh file
        if trusted:
            continue
        assert names.refresh(env) is True
        assert "pforged" not in path.read_text().splitlines()
        assert (path.stat().st_uid, _mode(path)) == (os.getuid(), 0o600)
        assert names.is_fresh(env)
