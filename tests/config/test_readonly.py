"""Permissions, as a user who is not root (root bypasses them): a read-only config is refused,
not silently replaced by the rename; a read-only ~/.aws and an unreadable config give one line
naming the file; an unwritable cache folder costs only speed."""

from __future__ import annotations

import os
import stat
from typing import Any

from awsswitch.config import reader

SEED = "# mine\n[profile keep]\nregion = eu-west-1\n"
UPDATE = ["configure", "profile", "keep", "--region", "eu-west-2"]


def _one_line(result: Any, line: str) -> None:
    assert result.returncode == 1, result
    assert result.stderr.splitlines() == [f"awsswitch: {line}"]
    assert "Traceback" not in result.stdout


def test_read_only_config_is_refused_not_replaced(other_user: Any) -> None:
    config = other_user.write_config(SEED)
    config.chmod(0o444)
    before = config.stat()
    result = other_user.run(*UPDATE)
    _one_line(
        result,
        f"{config} is read-only (no write permission), so awsswitch will not replace it: make "
        f"it writable (chmod u+w {config}) or edit it by hand; nothing was changed",
    )
    after = config.stat()
    assert config.read_text() == SEED
    assert (after.st_ino, stat.S_IMODE(after.st_mode)) == (before.st_ino, 0o444)
    assert sorted(os.listdir(config.parent)) == ["config"]
    # Made writable again, the same command goes through.
    config.chmod(0o644)
    assert other_user.run(*UPDATE).returncode == 0
    assert reader.load_config(str(config))["profiles"]["keep"] == {"region": "eu-west-2"}


def test_read_only_symlink_target_is_refused(other_user: Any) -> None:
    dotfiles = other_user.home / "dotfiles"
    dotfiles.mkdir()
    target = dotfiles / "config"
    target.write_text(SEED)
    target.chmod(0o444)
    other_user.config.symlink_to(target)
    other_user.give(other_user.home)
    result = other_user.run(*UPDATE)
    assert result.returncode == 1
    assert result.stderr.startswith(f"awsswitch: {target} is read-only (no write permission)")
    assert target.read_text() == SEED
    assert other_user.config.is_symlink()


def test_read_only_aws_folder(other_user: Any) -> None:
    config = other_user.write_config(SEED)
    config.parent.chmod(0o555)
    result = other_user.run(*UPDATE)
    _one_line(
        result,
        f"cannot write {config}: permission denied: check the owner and mode of the file and its "
        "folder (ls -ld); nothing was changed",
    )
    assert config.read_text() == SEED
    assert sorted(os.listdir(config.parent)) == ["config"]


def test_unreadable_config_names_the_file(other_user: Any) -> None:
    config = other_user.write_config(SEED)
    config.chmod(0o000)
    for args in (["list"], UPDATE):
        _one_line(
            other_user.run(*args),
            f"cannot read {config}: permission denied: check the owner and mode of the file and "
            "its folder (ls -ld)",
        )
    config.chmod(0o600)
    assert config.read_text() == SEED


def test_unwritable_cache_folder_costs_only_speed(other_user: Any) -> None:
    other_user.write_config(SEED + "aws_access_key_id = A\naws_secret_access_key = B\n")
    os.utime(other_user.config, (0, 1_000_000_000))  # old enough to be cached
    cache = other_user.cache
    cache.mkdir(parents=True)
    other_user.give(other_user.home)
    cache.chmod(0o500)
    listed = other_user.run("list")
    assert listed.returncode == 0, listed.stderr
    assert "keep" in listed.stdout and listed.stderr == ""
    switched = other_user.run("_asw", "bash", "keep")
    assert switched.returncode == 0, switched.stderr
    assert "export AWS_PROFILE='keep'" in switched.stdout
    assert other_user.run("init", "bash").returncode == 0
    configured = other_user.run(*UPDATE)
    assert configured.returncode == 0, configured.stderr
    assert os.listdir(cache) == []
    assert reader.load_config(str(other_user.config))["profiles"]["keep"]["region"] == "eu-west-2"
