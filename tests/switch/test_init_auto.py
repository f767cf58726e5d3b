"""`awsswitch init --auto`: the option, the code it adds (and only with it), shellcheck and
parse checks of that code, and the imports of the `cd` hook's switch (a hot path)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from support.imports import probe
from support.sandbox import require
from support.shells import CONFIG, SHELLS, fresh_tokens

from awsswitch.switch import init as initcmd

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("typer", "click", "rich", "boto3", "botocore", "pydantic", "shellingham")
# Beyond the heavy ones: the switch path reads the config without configparser, hashes
# without OpenSSL (hashlib), and matches names without `re`.
ALSO = ("configparser", "hashlib", "re")


@pytest.fixture(autouse=True)
def _config(sandbox):
    sandbox.write_config(CONFIG)
    fresh_tokens(sandbox)


@pytest.mark.parametrize("shell", SHELLS)
def test_auto_output_is_stable_named_in_the_header_and_only_with_the_option(sandbox, shell):
    first = sandbox.run("init", shell, "--auto", "--prompt")
    second = sandbox.run("init", "--prompt", shell, "--auto")
    assert first.returncode == 0 and first.stderr == ""
    assert first.stdout == second.stdout
    assert first.stdout.splitlines()[0].endswith(
        f"`awsswitch init {shell} --cmd=asw --prompt --auto`; do not edit."
    )
    plain = sandbox.run("init", shell, "--prompt").stdout
    assert "__awsswitch_auto" in first.stdout and "@dir" in first.stdout
    assert "__awsswitch_auto" not in plain and "@dir" not in plain
    assert "AWSSWITCH_PROFILE_SOURCE" not in plain


def test_auto_is_parsed_with_the_other_options():
    opts = initcmd.parse(["--auto", "zsh", "--cmd=x"])
    assert (opts.auto, opts.shell, opts.cmd) == (True, "zsh", "x")
    assert initcmd.parse(["bash"]).auto is False


@pytest.mark.parametrize("name", ["shell/fragments/auto.sh", "shell/asw.bash"])
def test_bash_sources_pass_shellcheck(name):
    require("shellcheck")
    proc = subprocess.run(
        ["shellcheck", "-s", "bash", str(ROOT / name)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout


@pytest.mark.parametrize(
    "options", [["--auto"], ["--auto", "--prompt"], ["--auto", "--aliases", "--cmd", "sw"]]
)
def test_rendered_auto_code_passes_shellcheck_and_parses(sandbox, options):
    require("shellcheck")
    code = sandbox.run("init", "bash", *options).stdout
    proc = subprocess.run(
        ["shellcheck", "-s", "bash", "-"], input=code, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout
    for shell, check in (("zsh", ["zsh", "-n"]), ("fish", ["fish", "--no-execute"])):
        require(shell)
        path = sandbox.home / f"check.{shell}"
        path.write_text(sandbox.run("init", shell, *options).stdout)
        parsed = subprocess.run([*check, str(path)], capture_output=True, text=True)
        assert parsed.returncode == 0, parsed.stderr


@pytest.mark.parametrize("trusted", [True, False], ids=["allowed", "untrusted"])
def test_the_cd_hook_switch_stays_stdlib(sandbox, tmp_path, trusted):
    from awsswitch.switch import directory

    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".awsprofile").write_text("home.poweruser\nregion = us-east-2\n")
    path = str(repo / ".awsprofile")
    if trusted:
        directory.allow(directory.load(path), sandbox.env)
    for shell in SHELLS:
        modules, proc = probe(sandbox, tmp_path, "_asw", shell, "--auto", "enter", path, "")
        assert proc.returncode == 0, proc.stderr
        heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY + ALSO)
        assert heavy == [], heavy
        assert ("AWS_PROFILE" in proc.stdout) is trusted


def test_init_auto_stays_stdlib(sandbox, tmp_path):
    modules, proc = probe(sandbox, tmp_path, "init", "bash", "--auto")
    assert proc.returncode == 0, proc.stderr
    assert "__awsswitch_auto_hook" in proc.stdout
    assert [m for m in modules if m.split(".")[0] in HEAVY] == []
