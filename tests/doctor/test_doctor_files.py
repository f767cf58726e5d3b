"""File conditions: AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE pointing at missing or
unusual files (nothing ever blocks on a FIFO), config that does not parse (file and line),
files other users can read, and [credentials] sections that shadow the config."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from doctorhelp import POWERUSER, World, shell_path


def test_config_variable_names_a_missing_file(world: World) -> None:
    missing = world.home / "nope" / "config"
    world.set(AWS_CONFIG_FILE=str(missing))
    result = world.json()
    finding = result.finding("file-missing")
    assert str(missing) in finding["title"]
    assert finding["fix"] == "unset AWS_CONFIG_FILE"
    # The profile the prompt shows is then unknown to every caller.
    assert result.finding("profile-not-found")["subject"] == POWERUSER


def test_missing_credentials_file_at_the_default_path_is_fine(world: World) -> None:
    assert not world.sandbox.credentials.exists()
    assert world.json().code == 0


@pytest.mark.parametrize("kind", ["fifo", "directory", "socket", "loop", "dangling"])
def test_unusual_files(world: World, tmp_path: Path, kind: str) -> None:
    target = tmp_path / "weird"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "directory":
        target.mkdir()
    elif kind == "socket":
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(target))
    elif kind == "loop":
        os.symlink(tmp_path / "other", target)
        os.symlink(target, tmp_path / "other")
    else:
        os.symlink(tmp_path / "gone", target)
    world.set(AWS_SHARED_CREDENTIALS_FILE=str(target))
    result = world.child("--json", timeout=60)  # a FIFO read would hang: it must not
    finding = result.finding("file-unusual")
    assert finding["fix"] == "unset AWS_SHARED_CREDENTIALS_FILE"
    words = {"fifo": "FIFO", "directory": "directory", "socket": "socket", "loop": "symlink loop",
             "dangling": "symlink to nothing"}  # fmt: skip
    assert words[kind] in finding["why"]


def test_unusual_file_at_the_default_path(world: World) -> None:
    os.mkfifo(world.sandbox.credentials)
    world.drop("AWS_SHARED_CREDENTIALS_FILE")
    finding = world.json().finding("file-unusual")
    path = str(world.sandbox.credentials)
    assert finding["fix"] == f"mv -- {path} {path}.moved"


def test_dev_null_credentials_is_a_note(world: World) -> None:
    world.set(AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    result = world.json()
    assert result.finding("file-disabled")["severity"] == "info"
    assert result.code == 0


def test_relative_config_path(world: World) -> None:
    world.set(AWS_CONFIG_FILE="aws-config")
    (world.home / "aws-config").write_text(world.sandbox.config.read_text())
    (world.home / "aws-config").chmod(0o600)
    result = world.child("--json")  # run from HOME: the relative file exists there
    finding = result.finding("file-relative")
    assert finding["fix"] == f"export AWS_CONFIG_FILE={world.home / 'aws-config'}"
    assert result.data["intended"] == POWERUSER


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("region = eu-west-1\n[profile x]\n", 1),  # an option before any section
        ("[profile a]\nregion = x\nregion = y\n", 3),  # a duplicate option
        ("[profile a]\n[profile b]\n[profile a]\n", 3),  # a duplicate section
        ("[profile a]\nnot an option\n", 2),
    ],
)
def test_config_that_does_not_parse(world: World, text: str, line: int) -> None:
    world.sandbox.config.write_text(world.sandbox.config.read_text() + "\n" + text)
    offset = world.sandbox.config.read_text().count("\n") - text.count("\n")
    result = world.json()
    finding = result.finding("config-parse")
    assert finding["details"]["line"] == str(offset + line)
    assert f", line {offset + line}" in finding["title"]
    assert finding["fix"] == f"vi +{offset + line} {world.sandbox.config}"
    world.set(EDITOR="nano")
    assert world.json().finding("config-parse")["fix"].startswith(f"nano +{offset + line} ")
    world.set(EDITOR="code --wait")
    assert world.json().finding("config-parse")["fix"] == f"code --wait {world.sandbox.config}"


def test_unparsable_credentials_file_does_not_hide_the_config(world: World) -> None:
    world.sandbox.credentials.write_text("[x]\nbroken\n")
    world.sandbox.credentials.chmod(0o600)
    result = world.json()
    finding = result.finding("config-parse")
    assert finding["subject"] == str(world.sandbox.credentials)
    assert finding["details"]["line"] == "2"
    assert result.data["resolutions"][0]["kind"] == "sso"  # the config was still read


def test_files_other_users_can_read(world: World) -> None:
    world.sandbox.config.chmod(0o644)
    world.sandbox.credentials.write_text(
        "[other]\naws_access_key_id = A\naws_secret_access_key = B\n"
    )
    world.sandbox.credentials.chmod(0o664)
    token = next(world.sandbox.sso_cache.iterdir())
    token.chmod(0o644)
    result = world.json()
    findings = [f for f in result.data["findings"] if f["id"] == "file-permissions"]
    by_subject = {f["subject"]: f for f in findings}
    config, creds, cache = (str(world.sandbox.config), str(world.sandbox.credentials),
                            str(world.sandbox.sso_cache))  # fmt: skip
    assert set(by_subject) == {config, creds, cache}
    assert "can be read by other users (mode 644)" in by_subject[config]["title"]
    assert "read and changed" in by_subject[creds]["title"]
    assert by_subject[cache]["fix"] == f"chmod -R go-rwx {cache}"
    fixes = "; ".join(f["fix"] for f in findings)
    world.set(PATH=shell_path(world, "bash", "chmod"))
    assert "file-permissions" not in world.in_shell("bash", fixes).ids()
    assert oct(token.stat().st_mode & 0o777) == "0o600"


def test_credentials_section_shadows_an_sso_profile(world: World) -> None:
    world.sandbox.credentials.write_text(
        "[someone]\naws_access_key_id = A\naws_secret_access_key = B\n\n"
        f"[{POWERUSER}]\naws_access_key_id = AKIAOLD\naws_secret_access_key = old\n"
    )
    world.sandbox.credentials.chmod(0o600)
    result = world.json()
    finding = result.finding("credentials-shadow")
    assert finding["subject"] == POWERUSER
    assert "Go v2" in finding["why"]
    assert finding["details"]["line"] == "5"
    assert finding["fix"] == f"vi +5 {world.sandbox.credentials}"
    assert "AKIAOLD" not in result.out and "old\n" not in result.out
    # botocore and the CLI keep using SSO for it (its SSO provider comes first).
    assert result.data["resolutions"][0]["kind"] == "sso"


def test_credentials_section_shadows_credential_process(world: World) -> None:
    world.sandbox.write_config(
        world.sandbox.config.read_text() + "\n[profile proc]\ncredential_process = /bin/false\n"
    )
    world.sandbox.credentials.write_text(
        "[proc]\naws_access_key_id = A\naws_secret_access_key = B\n"
    )
    world.sandbox.credentials.chmod(0o600)
    finding = world.json("proc").finding("credentials-shadow")
    assert "never runs" in finding["why"]
    # Keys for a keys-only or role profile are how those work: no finding.
    world.sandbox.credentials.write_text(
        "[deploy]\naws_access_key_id = A\naws_secret_access_key = B\n"
    )
    assert "credentials-shadow" not in world.json().ids()


def test_a_config_that_does_not_parse_hides_no_profile(world: World) -> None:
    """The profile in use is in the broken file: the parse error is the finding, not a
    'profile not found' that would send the user looking for the wrong thing."""
    world.sandbox.config.write_text(world.sandbox.config.read_text() + "\nbroken line\n")
    result = world.json()
    assert "config-parse" in result.ids()
    assert "profile-not-found" not in result.ids()
