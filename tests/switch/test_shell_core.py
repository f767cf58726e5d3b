"""The switch core in-process (`awsswitch _asw`): argument parsing, the SSO hook's place,
exit codes, and that stdout carries shell code only."""

from __future__ import annotations

import subprocess
import sys

import pytest
from support.shells import CONFIG, fresh_tokens, run_steps

from awsswitch.errors import AwsswitchError, UsageError
from awsswitch.shells import get_shell
from awsswitch.switch import core as asw


@pytest.fixture(autouse=True)
def _config(sandbox):
    sandbox.write_config(CONFIG)
    fresh_tokens(sandbox)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["home"], {"name": "home"}),
        (["-"], {"previous": True}),
        (["-u"], {"unset": True}),
        (["--unset"], {"unset": True}),
        (["x", "-r", "eu-west-1"], {"name": "x", "region": "eu-west-1"}),
        (["-reu-west-1", "x"], {"name": "x", "region": "eu-west-1"}),
        (["--region=eu-west-1"], {"region": "eu-west-1"}),
        (["--no-login", "x"], {"name": "x", "no_login": True}),
        (["--", "-n"], {"name": "-n"}),
        (["-h"], {"help": True}),
        ([], {}),
    ],
)
def test_parse(args, expected):
    req = asw.parse(args)
    defaults = {
        "name": None,
        "previous": False,
        "unset": False,
        "region": None,
        "no_login": False,
        "help": False,
    }
    assert {k: getattr(req, k) for k in defaults} == {**defaults, **expected}


@pytest.mark.parametrize(
    "args",
    [
        ["a", "b"],
        ["-x"],
        ["-r"],
        ["-r", ""],
        ["-r", "eu west"],
        ["-u", "x"],
        ["-", "x"],
        ["-u", "-r", "x"],
        ["x", "-l"],
    ],
)
def test_parse_rejects(args):
    with pytest.raises(UsageError):
        asw.parse(args)


def test_unknown_shell_is_usage_error(capsys):
    assert asw.main(["tcsh", "x"]) == 2
    out = capsys.readouterr()
    assert out.out == "" and "bash, zsh and fish" in out.err


def test_cmd_name_is_used_in_messages(capsys):
    assert asw.main(["bash", "--cmd=sw", "nope-nope"]) == 2
    assert capsys.readouterr().err.startswith("sw: no profile matches")


def _switch(monkeypatch, capfd, hook) -> tuple[int, str, str]:
    import awsswitch.sso.hook

    monkeypatch.setattr(awsswitch.sso.hook, "ensure_fresh", hook)
    code = asw.main(["bash", "home.poweruser"])
    out = capfd.readouterr()
    return code, out.out, out.err


def test_the_hook_runs_before_any_export_with_the_right_arguments(monkeypatch, capfd):
    seen = {}

    def hook(profile, index, *, interactive, env):
        seen.update(name=profile.name, interactive=interactive, has_index=bool(index.profiles))

    code, out, _err = _switch(monkeypatch, capfd, hook)
    assert code == 0
    assert seen == {"name": "awsprofile.home.poweruser", "interactive": False, "has_index": True}
    assert "export AWS_PROFILE='awsprofile.home.poweruser'" in out


def test_nothing_the_hook_prints_reaches_stdout(monkeypatch, capfd):
    def hook(profile, index, *, interactive, env):
        print("export PWNED=python-print")
        subprocess.run([sys.executable, "-c", "print('export PWNED=child')"], check=True)
        subprocess.run(["sh", "-c", "echo 'export PWNED=shell'"], check=True)

    code, out, err = _switch(monkeypatch, capfd, hook)
    assert code == 0
    assert "PWNED" not in out
    assert err.count("export PWNED=") == 3  # shown to the person instead
    for line in out.splitlines():
        assert line.startswith(("\\builtin export ", "\\builtin unset ")), line


def test_ctrl_c_in_the_hook_exits_130_with_nothing_on_stdout(monkeypatch, capfd):
    def hook(profile, index, *, interactive, env):
        raise KeyboardInterrupt

    assert _switch(monkeypatch, capfd, hook)[:2] == (130, "")


def test_hook_failure_exits_1_with_its_message(monkeypatch, capfd):
    def hook(profile, index, *, interactive, env):
        raise AwsswitchError("cannot log in: no network")

    code, out, err = _switch(monkeypatch, capfd, hook)
    assert (code, out) == (1, "")
    assert err == "asw: cannot log in: no network\n"


def test_no_login_skips_the_hook(monkeypatch, capfd):
    import awsswitch.sso.hook

    def hook(*args, **kwargs):
        raise AssertionError("called")

    monkeypatch.setattr(awsswitch.sso.hook, "ensure_fresh", hook)
    assert asw.main(["zsh", "--no-login", "home.poweruser"]) == 0


def test_switch_code_order_and_content():
    lines = asw.switch_code(
        get_shell("bash"),
        name="p",
        short="s",
        region=None,
        token_file=None,
        env={
            "AWS_PROFILE": "old",
            "AWSSWITCH_REGION": "r",
            "AWS_REGION": "r",
            "AWS_DEFAULT_REGION": "mine",
        },
    )
    assert lines[0].startswith("\\builtin unset AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID")
    assert lines[1] == "\\builtin export AWS_PROFILE='p'"
    # Only the region value awsswitch set (and nobody changed) is cleared.
    assert lines[2] == "\\builtin unset AWS_REGION AWSSWITCH_REGION"
    assert "\\builtin export AWSSWITCH_PREVIOUS='old'" in lines


def test_fish_warns_about_a_universal_profile(sandbox):
    # Not --no-config: it turns universal variables into globals. HOME and
    # XDG_CONFIG_HOME are the sandbox's, so the universal lands there.
    steps, proc = run_steps(
        sandbox,
        "fish",
        [["static"], ["-u"]],
        preamble="set -Ux AWS_PROFILE universal-one",
        argv=["fish"],
    )
    assert [s.status for s in steps] == [0, 0]
    assert steps[0].env["AWS_PROFILE"] == "static"  # the global shadows it in this shell
    assert "universal AWS_PROFILE is set" in proc.stderr
    assert "set -e -U AWS_PROFILE" in proc.stderr
    # -u clears the global only: the universal shows through again, untouched.
    assert steps[1].env["AWS_PROFILE"] == "universal-one"
