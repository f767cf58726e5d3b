"""The switch core in-process (`awsswitch _asw`): argument parsing, the SSO hook's place,
exit codes, and that stdout carries shell code only."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from support.shells import CONFIG, fresh_tokens, run_steps

from awsswitch.context import Environment
from awsswitch.errors import AwsswitchError, UsageError
from awsswitch.shells import get_shell
from awsswitch.switch import core as asw
from awsswitch.switch import entry


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
        (["-r", "us-gov-west-1"], {"region": "us-gov-west-1"}),
        (["-r", "eusc-de-east-1"], {"region": "eusc-de-east-1"}),
        (["-r", "ap-newplace-9"], {"region": "ap-newplace-9"}),  # no release needed
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
        ["-r", "nowhere"],
        ["x", "-r", "eu-west-1a"],
        ["--region=EU-WEST-1"],
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
    assert entry.main(["tcsh", "x"]) == 2
    out = capsys.readouterr()
    assert out.out == "" and "bash, zsh and fish" in out.err


def test_cmd_name_is_used_in_messages(capsys):
    assert entry.main(["bash", "--cmd=sw", "nope-nope"]) == 2
    assert capsys.readouterr().err.startswith("sw: no profile matches")


def _switch(monkeypatch, capfd, hook) -> tuple[int, str, str]:
    import awsswitch.sso.hook

    monkeypatch.setattr(awsswitch.sso.hook, "ensure_fresh", hook)
    code = entry.main(["bash", "home.poweruser"])
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
    assert entry.main(["zsh", "--no-login", "home.poweruser"]) == 0


def test_switch_code_order_and_content():
    lines = asw.switch_code(
        get_shell("bash"),
        name="p",
        short="s",
        region=None,
        state_files=(None, None),
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


def _main(args: list[str], env: dict[str, str], *, tty: bool = False) -> tuple[int, str, str]:
    """The core with a whole Environment of its own: variables, streams, terminal-ness."""
    out, err = io.StringIO(), io.StringIO()
    ctx = Environment(env, stdout=out, stderr=err, stdin_isatty=tty, stderr_isatty=tty)
    code = entry.main(args, ctx)
    return code, out.getvalue(), err.getvalue()


def test_region_rule_messages(sandbox):
    code, out, err = _main(["bash", "-r", "nowhere"], sandbox.env)
    assert (code, out) == (2, "")
    assert err == (
        "asw: invalid region 'nowhere': not an AWS region name "
        "(e.g. eu-west-1, us-gov-west-1 or cn-north-1)\n"
    )
    code, out, err = _main(["bash", "--cmd=sw", "static", "-r", "eu-west-1b"], sandbox.env)
    assert (code, out) == (2, "")
    zone = "that is an availability zone; its region is eu-west-1"
    assert err == f"sw: invalid region 'eu-west-1b': {zone}\n"


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("awsprofile.home.readonly", None),  # the full name
        ("home.readonly", None),  # the short name the prompt shows
        ("readonly", 'asw: using awsprofile.home.readonly (matched "readonly")\n'),  # suffix
        ("HOME.READ", 'asw: using awsprofile.home.readonly (matched "HOME.READ")\n'),
        ("hmro", 'asw: using awsprofile.home.readonly (matched "hmro")\n'),  # subsequence
    ],
)
def test_a_guessed_name_is_named_on_stderr(sandbox, query, notice):
    code, out, err = _main(["bash", "--no-login", query], sandbox.env)
    assert code == 0
    assert "\\builtin export AWS_PROFILE='awsprofile.home.readonly'" in out
    assert err == (notice or "")


def test_the_notice_escapes_what_it_echoes(sandbox):
    sandbox.write_config("[profile evil\x1b]0;pwned\x07.x]\nregion = eu-west-1\n")
    code, out, err = _main(["bash", "--no-login", "evil"], sandbox.env)
    assert code == 0 and "AWS_PROFILE=" in out
    assert err == 'asw: using evil\\x1b]0;pwned\\x07.x (matched "evil")\n'
    assert "\x1b" not in err and "\x07" not in err


def test_bad_picker_setting_is_a_usage_error(sandbox):
    env = {**sandbox.env, "AWSSWITCH_PICKER": "bogus\x1b[2J"}
    code, out, err = _main(["bash"], env, tty=True)  # a terminal: the picker would open
    assert (code, out) == (2, "")
    assert err == (
        "asw: AWSSWITCH_PICKER='bogus\\x1b[2J' is not a picker: set it to fzf or builtin, "
        "or unset it (auto: fzf when it is on PATH)\n"
    )
    # Off a terminal `asw` alone prints the active profile and never asks the picker.
    code, out, err = _main(["bash"], {**env, "AWS_PROFILE": "static"})
    assert (code, err) == (0, "")
    assert out == get_shell("bash").echo("static") + "\n"


@pytest.mark.parametrize(
    "query",
    ["a\nb", "\x1b[2J", "$(touch pwned)", "'; echo hi; '", "\udcff", "x" * 100_000, "-r"],
)
def test_hostile_names_fail_cleanly_with_nothing_on_stdout(sandbox, query):
    code, out, err = _main(["bash", "--", query], sandbox.env)
    assert (code, out) == (2, "")
    assert err.startswith("asw: no profile matches '")
    assert err.count("\n") == 1 and "\x1b" not in err and "\\\\" not in err
    assert not (sandbox.home / "pwned").exists()
