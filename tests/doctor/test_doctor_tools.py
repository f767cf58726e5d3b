"""Tools and shells: the AWS CLI on PATH (v1, a v2 older than 2.9, none, a real one), the
shell integration not loaded (and its fix run in real bash, zsh and fish), fish universal
variables written by a real fish."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from doctorhelp import World, fake_aws, shell_path
from support.sandbox import AWS_CLI_V2, require
from support.sso import make_exe

from awsswitch.doctor import checks_tools


def test_aws_cli_v1_first_on_path(world: World, tmp_path: Path) -> None:
    v1 = tmp_path / "v1"
    fake_aws(v1, "1.45.11", stderr=True)
    world.set(PATH=f"{v1}{os.pathsep}{world.bindir}")
    result = world.json()
    finding = result.finding("aws-cli-v1")
    assert finding["details"]["version"] == "1.45.11"
    assert finding["fix"] == f'export PATH={world.bindir}:"$PATH"'  # the v2 behind it
    world.set(SHELL="/usr/bin/fish", AWSSWITCH_SHELL="fish")
    assert world.json().finding("aws-cli-v1")["fix"] == f"set -gx PATH {world.bindir} $PATH"
    world.set(PATH=str(v1))
    alone = world.json().finding("aws-cli-v1")
    assert alone["fix"] is None and "install" in alone["hint"]


def test_aws_cli_v2_too_old_for_sso_session(world: World) -> None:
    fake_aws(world.bindir, "2.8.13")
    finding = world.json().finding("aws-cli-old")
    assert "older than 2.9.0" in finding["title"]
    fake_aws(world.bindir, "2.9.0")
    assert "aws-cli-old" not in world.json().ids()


def test_no_aws_cli_is_a_note(world: World, tmp_path: Path) -> None:
    world.set(PATH=str(tmp_path / "empty"))
    result = world.json()
    assert result.finding("aws-cli-missing")["severity"] == "info"
    assert result.code == 0


def test_something_else_called_aws(world: World) -> None:
    make_exe(world.bindir / "aws", "#!/bin/sh\necho hello\n")
    assert world.json().finding("aws-cli-unknown")["severity"] == "problem"


def test_awsswitch_aws_cli_names_nothing(world: World) -> None:
    world.set(AWSSWITCH_AWS_CLI="no-such-aws")
    assert world.json().finding("awsswitch-aws-cli")["fix"] == "unset AWSSWITCH_AWS_CLI"
    world.set(AWSSWITCH_AWS_CLI="native")
    assert world.json().code == 0


@pytest.mark.slow
def test_real_aws_clis(world: World) -> None:
    """The Debian AWS CLI v2 (2.9.19) is fine; a real v1, when the machine has one, is not."""
    if not os.access(AWS_CLI_V2, os.X_OK):
        pytest.skip("AWS CLI v2 (Debian package awscli) is not installed")
    os.unlink(world.bindir / "aws")
    world.set(PATH=f"{world.bindir}{os.pathsep}{os.path.dirname(AWS_CLI_V2)}")
    assert not {"aws-cli-v1", "aws-cli-old", "aws-cli-unknown"} & set(world.json().ids())
    v1 = [p for p in _all_aws(os.environ.get("PATH", "")) if os.path.realpath(p) != AWS_CLI_V2]
    if not v1:
        pytest.skip("no AWS CLI v1 on this machine")
    world.set(PATH=os.pathsep.join([os.path.dirname(v1[0]), os.path.dirname(AWS_CLI_V2)]),
              PYENV_ROOT=os.environ.get("PYENV_ROOT", ""), HOME=str(world.home))  # fmt: skip
    result = world.json()
    if "aws-cli-v1" in result.ids():
        assert result.finding("aws-cli-v1")["fix"].startswith("export PATH=")


def _all_aws(path: str) -> list[str]:
    out = []
    for folder in path.split(os.pathsep):
        candidate = os.path.join(folder, "aws")
        if os.access(candidate, os.X_OK) and os.path.isfile(candidate):
            out.append(candidate)
    return out


# -- the shell integration ---------------------------------------------------------------------


def _awsswitch_command(world: World) -> None:
    make_exe(world.bindir / "awsswitch", f'#!/bin/sh\nexec "{sys.executable}" -m awsswitch "$@"\n')


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_integration_not_loaded_and_its_fix(world: World, shell: str) -> None:
    require(shell)
    world.drop("AWSSWITCH_SHELL", "AWSSWITCH_PROFILE").set(SHELL=f"/bin/{shell}")
    result = world.json()
    finding = result.finding("integration-not-loaded")
    rc = {"bash": "~/.bashrc", "zsh": "~/.zshrc", "fish": "~/.config/fish/config.fish"}[shell]
    if shell == "fish":
        line = "awsswitch init fish | source"
        expected = f"mkdir -p ~/.config/fish; echo '{line}' >> {rc}; {line}"
    else:
        line = f'eval "$(awsswitch init {shell})"'
        expected = f"echo '{line}' >> {rc}; {line}"
    assert finding["fix"] == expected
    _awsswitch_command(world)
    world.set(PATH=shell_path(world, shell, "mkdir", "cat"))
    after = world.in_shell(shell, finding["fix"])
    assert "integration-not-loaded" not in after.ids()
    rc_path = Path(rc.replace("~", str(world.home), 1))
    assert "awsswitch init" in rc_path.read_text()


def test_integration_found_in_the_rc_file(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """An integration that exports no marker: the rc file's init line (or an
    AWSSWITCH_PROFILE left by asw) is taken as a sign that it is loaded."""
    monkeypatch.setattr(checks_tools, "_templates_mark", lambda shell: False)
    world.drop("AWSSWITCH_SHELL", "AWSSWITCH_PROFILE", "AWSSWITCH_SHORT")
    assert "integration-not-loaded" in world.json().ids()
    (world.home / ".bashrc").write_text('eval "$(awsswitch init bash)"\n')
    assert "integration-not-loaded" not in world.json().ids()


def test_marker_missing_although_the_integration_sets_it(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An integration that exports the marker: its absence is proof, rc file or not."""
    monkeypatch.setattr(checks_tools, "_templates_mark", lambda shell: True)
    world.drop("AWSSWITCH_SHELL")
    (world.home / ".bashrc").write_text('eval "$(awsswitch init bash)"\n')
    finding = world.json().finding("integration-not-loaded")
    assert finding["fix"] == 'eval "$(awsswitch init bash)"'  # already in ~/.bashrc: load it
    world.set(AWSSWITCH_SHELL="bash")
    assert "integration-not-loaded" not in world.json().ids()


def test_integration_of_another_shell_inherited(world: World) -> None:
    """A bash started from a zsh that loaded the integration inherits its marker, not `asw`."""
    require("bash")
    world.set(AWSSWITCH_SHELL="zsh", PATH=shell_path(world, "bash"))
    result = world.in_shell("bash", "true")
    finding = result.finding("integration-not-loaded")
    assert "in the zsh this bash was started from" in finding["title"]
    assert result.data["shell"] == "bash"


# -- fish universal variables ------------------------------------------------------------------


def test_fish_universal_variables_from_a_real_fish(world: World) -> None:
    fish = require("fish")
    world.set(PATH=shell_path(world, "fish"), SHELL=fish, AWSSWITCH_SHELL="fish")
    import subprocess

    subprocess.run([fish, "-c", "set -Ux AWS_PROFILE stale; set -U AWS_SECRET_ACCESS_KEY s3cr3t"],
                   env=world.env, check=True, timeout=60)  # fmt: skip
    result = world.json()
    finding = result.finding("fish-universal")
    assert finding["severity"] == "problem"
    assert "AWS_PROFILE=stale" in finding["title"]
    assert "s3cr3t" not in result.out
    assert finding["fix"] == "set -e -U AWS_PROFILE AWS_SECRET_ACCESS_KEY"
    after = world.in_shell("fish", finding["fix"])
    assert "fish-universal" not in after.ids()
    # From bash, the same variables are a note with a fix that runs fish.
    subprocess.run([fish, "-c", "set -Ux AWS_PROFILE stale"], env=world.env, check=True, timeout=60)
    world.set(SHELL="/bin/bash", AWSSWITCH_SHELL="bash")
    note = world.json().finding("fish-universal")
    assert note["severity"] == "info"
    assert note["fix"] == "fish -c 'set -e -U AWS_PROFILE'"
    assert shutil.which("fish", path=world.env["PATH"])
    assert "fish-universal" not in world.in_shell("bash", note["fix"]).ids()
