"""Writing the user's file: atomic, through symlinks, mode kept, locked against lost updates."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from awsswitch import files, paths
from awsswitch.config import editor, reader
from awsswitch.config.editor import PROFILE
from awsswitch.files import FileFault


def _set_region(name: str, region: str) -> Any:
    return lambda doc: doc.update(PROFILE, name, {"region": region})


def test_new_file_is_0600_and_parent_created(sandbox: Any) -> None:
    path = sandbox.home / "deep" / "er" / "config"
    result = editor.edit_config(str(path), _set_region("a", "eu-west-1"))
    assert result.written == str(path)
    assert path.read_text() == "[profile a]\nregion = eu-west-1\n"
    assert (path.stat().st_mode & 0o777) == 0o600


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o600, 0o664])
def test_mode_is_preserved(sandbox: Any, mode: int) -> None:
    sandbox.write_config("[default]\nregion = a\n")
    sandbox.config.chmod(mode)
    editor.edit_config(str(sandbox.config), _set_region("default", "b"))
    assert (sandbox.config.stat().st_mode & 0o7777) == mode
    assert sandbox.config.read_text() == "[default]\nregion = b\n"


def test_write_replaces_the_file_atomically(sandbox: Any) -> None:
    sandbox.write_config("[default]\nregion = a\n")
    old_inode = sandbox.config.stat().st_ino
    editor.edit_config(str(sandbox.config), _set_region("default", "b"))
    assert sandbox.config.stat().st_ino != old_inode  # renamed into place, not rewritten
    assert sorted(p.name for p in sandbox.config.parent.iterdir()) == ["config"]


def test_symlinked_config_writes_the_target(sandbox: Any) -> None:
    dotfiles = sandbox.home / "dotfiles" / "aws"
    dotfiles.mkdir(parents=True)
    target = dotfiles / "config"
    target.write_text("# mine\n[default]\nregion = a\n")
    target.chmod(0o644)
    link = sandbox.config
    link.symlink_to(os.path.relpath(target, link.parent))
    result = editor.edit_config(str(link), _set_region("default", "b"))
    assert link.is_symlink()
    assert os.readlink(link) == os.path.relpath(target, link.parent)
    assert result.written == str(target.resolve())
    assert target.read_text() == "# mine\n[default]\nregion = b\n"
    assert (target.stat().st_mode & 0o777) == 0o644
    assert sorted(p.name for p in dotfiles.iterdir()) == ["config"]


def test_symlink_chain_and_dangling_symlink(sandbox: Any) -> None:
    real = sandbox.home / "real"
    real.mkdir()
    middle = sandbox.home / "middle"
    middle.symlink_to(real / "config")  # dangling for now
    sandbox.config.symlink_to(middle)
    editor.edit_config(str(sandbox.config), _set_region("a", "x"))
    assert sandbox.config.is_symlink() and middle.is_symlink()
    assert (real / "config").read_text() == "[profile a]\nregion = x\n"
    assert ((real / "config").stat().st_mode & 0o777) == 0o600


def test_refuses_to_replace_a_non_regular_file(sandbox: Any) -> None:
    sandbox.config.mkdir()
    with pytest.raises(FileFault, match=r"config: it is a directory, not a file$"):
        editor.edit_config(str(sandbox.config), _set_region("a", "x"))
    assert sandbox.config.is_dir()


def test_failed_rename_leaves_file_and_no_temp(
    sandbox: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox.write_config("[default]\nregion = a\n")

    def broken(*_: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(FileFault, match=r"no space left on the device.*nothing was changed$"):
        editor.edit_config(str(sandbox.config), _set_region("default", "b"))
    assert sandbox.config.read_text() == "[default]\nregion = a\n"
    assert sorted(p.name for p in sandbox.config.parent.iterdir()) == ["config"]


def test_the_lock_is_the_folder_of_the_file_and_leaves_nothing_behind(sandbox: Any) -> None:
    sandbox.write_config("[default]\nregion = a\n")
    editor.edit_config(str(sandbox.config), _set_region("default", "b"))
    assert sorted(p.name for p in sandbox.config.parent.iterdir()) == ["config"]
    assert not os.path.exists(os.path.join(paths.cache_dir(), "locks"))
    with files.lock(str(sandbox.config)) as folder:
        assert folder == str(sandbox.config.parent)


def test_lock_times_out_with_a_clear_message(sandbox: Any) -> None:
    path = str(sandbox.config)
    fd = os.open(str(sandbox.config.parent), os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another open file description: like another process
        with (
            pytest.raises(FileFault, match=r"another process still holds the lock on .*\.aws"),
            files.lock(path, timeout=0.2),
        ):
            pass
    finally:
        os.close(fd)
    with files.lock(path, timeout=0.2):  # released: free again
        pass


def test_symlink_and_target_share_one_lock(sandbox: Any) -> None:
    elsewhere = sandbox.home / "dotfiles"
    elsewhere.mkdir()
    target = elsewhere / "config"
    sandbox.config.symlink_to(target)
    with files.lock(str(sandbox.config)) as held:
        assert held == str(elsewhere)
        # The link's own folder is not the one locked: a writer naming the target directly
        # waits on the same lock as one naming the link.
        assert list(files._locked_folders()) == [
            (os.stat(elsewhere).st_dev, os.stat(elsewhere).st_ino)
        ]
        with files.lock(str(target)) as again:  # re-entrant: same folder, same process
            assert again == held


def test_a_write_by_a_program_ignoring_the_lock_is_not_lost(sandbox: Any) -> None:
    sandbox.write_config("[default]\nregion = a\n")
    calls = []

    def change(doc: editor.Document) -> None:
        calls.append(doc.text)
        if len(calls) == 1:  # like `aws configure set`, rewriting in place meanwhile
            with open(sandbox.config, "a", encoding="utf-8") as fh:
                fh.write("[profile cli]\nregion = c\n")
        doc.update(PROFILE, "ours", {"region": "o"})

    editor.edit_config(str(sandbox.config), change)
    assert len(calls) == 2
    config = reader.load_config(str(sandbox.config))
    assert config["profiles"]["cli"] == {"region": "c"}
    assert config["profiles"]["ours"] == {"region": "o"}


WRITER = textwrap.dedent(
    """
    import sys
    from awsswitch.config import editor
    path, tag, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    sys.stdin.readline()  # start together
    for i in range(n):
        editor.edit_config(
            path,
            lambda doc: doc.update(
                editor.PROFILE, f"{tag}-{i}", {"region": "eu-west-1", "output": "json"}
            ),
        )
    """
)


def test_two_concurrent_writer_processes_both_land(sandbox: Any) -> None:
    sandbox.write_config("# shared\n[default]\nregion = us-east-1\n")
    n = 25
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(sandbox.config), tag, str(n)],
            stdin=subprocess.PIPE,
            env=sandbox.env,
            text=True,
        )
        for tag in ("one", "two")
    ]
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    for p in procs:
        p.stdin.close()  # type: ignore[union-attr]
        assert p.wait(timeout=120) == 0
    profiles = reader.load_config(str(sandbox.config))["profiles"]
    expected = {f"{t}-{i}" for t in ("one", "two") for i in range(n)} | {"default"}
    assert set(profiles) == expected
    assert sandbox.config.read_text().startswith("# shared\n[default]\nregion = us-east-1\n\n")
    assert sorted(p.name for p in sandbox.config.parent.iterdir()) == ["config"]


def test_atomic_write_keeps_owner_fields(sandbox: Any) -> None:
    path = sandbox.home / "f"
    path.write_bytes(b"old")
    before = path.stat()
    files.atomic_write(str(path), b"new")
    after = path.stat()
    assert path.read_bytes() == b"new"
    assert (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)


def test_resolve_is_absolute(sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(sandbox.home)
    assert files.resolve("x") == str(Path(sandbox.home).resolve() / "x")
