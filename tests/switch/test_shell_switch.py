"""`asw` in real bash, zsh and fish: what a switch does to the environment, and what a
failed one does not do."""

from __future__ import annotations

import pytest
from support.shells import (
    CONFIG,
    SHELLS,
    aws_vars,
    fresh_tokens,
    init_code,
    run_shell,
    run_steps,
    source_line,
    write_token,
)

from awsswitch.switch.core import CONFLICTING

pytestmark = pytest.mark.parametrize("shell", SHELLS)

HOME_PU = "awsprofile.home.poweruser"
HOME_RO = "awsprofile.home.readonly"
WORK_PU = "awsprofile.work.poweruser"

# Everything a switch must clear, set to something before it runs.
DIRTY = {name: f"old-{name.lower()}" for name in CONFLICTING}


@pytest.fixture(autouse=True)
def _config(sandbox):
    sandbox.write_config(CONFIG)
    fresh_tokens(sandbox)


def test_switch_sets_profile_region_and_clears_competitors(sandbox, shell):
    steps, proc = run_steps(sandbox, shell, [["home.poweruser"]], env=DIRTY)
    assert proc.returncode == 0, proc.stderr
    (step,) = steps
    assert step.status == 0
    env = aws_vars(step.env)
    token = sandbox.sso_cache / "16128dc54f6057106523aba61933ef3bbd45d42a.json"
    assert env == {
        "AWS_PROFILE": HOME_PU,
        "AWS_REGION": "eu-west-1",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWSSWITCH_PROFILE": HOME_PU,
        "AWSSWITCH_SHORT": "home.poweruser",
        "AWSSWITCH_REGION": "eu-west-1",
        "AWSSWITCH_TOKEN_FILE": str(token),
    }
    assert proc.stderr == ""


def test_previous_toggles_and_unset_remembers(sandbox, shell):
    steps, proc = run_steps(
        sandbox,
        shell,
        [["home.poweruser"], ["work.poweruser"], ["-"], ["-"], ["-u"], ["-"]],
    )
    assert [s.status for s in steps] == [0] * 6, proc.stderr
    profiles = [s.env.get("AWS_PROFILE") for s in steps]
    assert profiles == [HOME_PU, WORK_PU, HOME_PU, WORK_PU, None, WORK_PU]
    unset = aws_vars(steps[4].env)
    # -u clears the profile, the region awsswitch set, and its own markers; `-` still works.
    assert unset == {"AWSSWITCH_PREVIOUS": WORK_PU}
    assert steps[2].env["AWSSWITCH_PREVIOUS"] == WORK_PU


def test_previous_without_history_fails_cleanly(sandbox, shell):
    steps, proc = run_steps(sandbox, shell, [["-"]])
    assert steps[0].status == 2
    assert "no previous profile" in proc.stderr
    assert aws_vars(steps[0].env) == {}


def test_region_override_and_region_only(sandbox, shell):
    steps, proc = run_steps(
        sandbox,
        shell,
        [
            ["home.readonly", "-r", "ap-south-1"],
            ["-r", "us-east-2"],
            ["--region=sa-east-1"],
            ["home.readonly"],
        ],
    )
    assert [s.status for s in steps] == [0, 0, 0, 0], proc.stderr
    first, second, third, last = (aws_vars(s.env) for s in steps)
    assert first["AWS_PROFILE"] == HOME_RO
    assert first["AWS_REGION"] == first["AWS_DEFAULT_REGION"] == "ap-south-1"
    assert second["AWS_PROFILE"] == HOME_RO
    assert second["AWS_REGION"] == second["AWS_DEFAULT_REGION"] == "us-east-2"
    assert third["AWS_REGION"] == "sa-east-1"
    # The profile names no region: the region awsswitch set goes away.
    assert "AWS_REGION" not in last and "AWS_DEFAULT_REGION" not in last
    assert "AWSSWITCH_REGION" not in last


def test_region_set_by_hand_is_kept(sandbox, shell):
    steps, proc = run_steps(
        sandbox,
        shell,
        [["home.poweruser"], ["home.readonly"]],
        env={"AWS_REGION": "eu-north-1"},
        preamble="",
    )
    assert [s.status for s in steps] == [0, 0], proc.stderr
    # awsswitch exported eu-west-1, then the next profile has no region: its own value goes.
    assert "AWS_REGION" not in steps[1].env
    # Now set by hand after a switch: awsswitch leaves it alone.
    script_steps, proc = run_steps(
        sandbox,
        shell,
        [["home.readonly"]],
        env={
            "AWS_REGION": "eu-north-1",
            "AWS_DEFAULT_REGION": "eu-north-1",
            "AWSSWITCH_REGION": "eu-west-1",
        },
    )
    env = script_steps[0].env
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "eu-north-1"


def test_unknown_name_leaves_environment_exactly_as_it_was(sandbox, shell):
    before = {"AWS_PROFILE": "somebody", "AWS_REGION": "eu-north-1", **DIRTY}
    steps, proc = run_steps(sandbox, shell, [["homepoweruserx"]], env=before)
    assert steps[0].status == 2
    assert aws_vars(steps[0].env) == before
    assert "no profile matches 'homepoweruserx'" in proc.stderr
    assert "home.poweruser" in proc.stderr  # offered as a close name


def test_ambiguous_name_lists_candidates(sandbox, shell):
    steps, proc = run_steps(sandbox, shell, [["poweruser"]], env={"AWS_PROFILE": "static"})
    assert steps[0].status == 2
    assert aws_vars(steps[0].env) == {"AWS_PROFILE": "static"}
    assert "matches 2 profiles" in proc.stderr
    assert HOME_PU in proc.stderr and WORK_PU in proc.stderr


def test_resolution_suffix_substring_subsequence(sandbox, shell):
    steps, proc = run_steps(
        sandbox, shell, [["work.poweruser"], ["readonly"], ["hmpow"], [HOME_RO], ["default"]]
    )
    assert [s.status for s in steps] == [0] * 5, proc.stderr
    assert [s.env["AWS_PROFILE"] for s in steps] == [WORK_PU, HOME_RO, HOME_PU, HOME_RO, "default"]


def test_non_sso_profile_has_no_token_file(sandbox, shell):
    steps, proc = run_steps(sandbox, shell, [["home.poweruser"], ["static"]])
    assert [s.status for s in steps] == [0, 0], proc.stderr
    env = aws_vars(steps[1].env)
    assert env["AWS_PROFILE"] == "static"
    assert "AWSSWITCH_TOKEN_FILE" not in env
    assert env["AWSSWITCH_SHORT"] == "static"


def test_hand_set_profile_becomes_previous(sandbox, shell):
    steps, proc = run_steps(sandbox, shell, [["static"], ["-"]], env={"AWS_PROFILE": HOME_RO})
    assert [s.env["AWS_PROFILE"] for s in steps] == ["static", HOME_RO], proc.stderr


def test_aws_vault_is_warned_about_not_cleared(sandbox, shell):
    steps, proc = run_steps(sandbox, shell, [["static"]], env={"AWS_VAULT": "prod"})
    assert steps[0].status == 0
    assert steps[0].env["AWS_VAULT"] == "prod"
    assert "AWS_VAULT is set" in proc.stderr


def test_stale_token_off_a_terminal_fails_and_no_login_switches(sandbox, shell):
    for path in sandbox.sso_cache.iterdir():
        path.unlink()
    steps, proc = run_steps(
        sandbox,
        shell,
        [["home.poweruser"], ["--no-login", "home.poweruser"]],
        env={"AWS_PROFILE": "static"},
    )
    assert steps[0].status == 1
    assert "login" in proc.stderr
    assert aws_vars(steps[0].env) == {"AWS_PROFILE": "static"}
    assert steps[1].status == 0
    assert steps[1].env["AWS_PROFILE"] == HOME_PU


def test_bare_asw_off_a_terminal_prints_the_active_profile(sandbox, shell):
    init = sandbox.home / "init"
    init.write_text(init_code(shell))
    script = f"{source_line(shell, init)}\nasw\nasw home.readonly\nasw\n"
    proc = run_shell(sandbox, shell, script, env={"AWS_PROFILE": "static"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["static", HOME_RO]


def test_help_and_list(sandbox, shell):
    init = sandbox.home / "init"
    init.write_text(init_code(shell))
    script = f"{source_line(shell, init)}\nasw -h\nasw -l\n"
    proc = run_shell(sandbox, shell, script)
    assert proc.returncode == 0, proc.stderr
    assert "usage: asw NAME" in proc.stderr  # help goes to stderr, never to the eval
    assert HOME_PU in proc.stdout  # `asw -l` is `awsswitch list`, printed as it is


def test_usage_errors(sandbox, shell):
    steps, proc = run_steps(
        sandbox, shell, [["a", "b"], ["--bogus"], ["-u", "static"], ["-r"], ["-r", "$(id)"]]
    )
    assert [s.status for s in steps] == [2] * 5, proc.stderr
    assert all(aws_vars(s.env) == {} for s in steps)


def test_custom_function_name(sandbox, shell):
    steps, proc = run_steps(
        sandbox, shell, [["home.poweruser"]], init=init_code(shell, cmd="sw"), cmd="sw"
    )
    assert steps[0].env["AWS_PROFILE"] == HOME_PU, proc.stderr


def test_refresh_token_state_does_not_block_no_login(sandbox, shell):
    # An expired-but-refreshable token with --no-login: no network, switch happens.
    write_token(sandbox, "awssso.home", expires_in=-60)
    steps, proc = run_steps(sandbox, shell, [["--no-login", "home.poweruser"]])
    assert steps[0].status == 0, proc.stderr


def test_a_guessed_name_is_named_on_stderr_an_exact_one_is_not(sandbox, shell):
    steps, proc = run_steps(
        sandbox, shell, [["home.poweruser"], [HOME_RO], ["readonly"], ["wkpow"]]
    )
    assert [s.status for s in steps] == [0] * 4, proc.stderr
    assert [s.env["AWS_PROFILE"] for s in steps] == [HOME_PU, HOME_RO, HOME_RO, WORK_PU]
    assert proc.stderr == (
        f'asw: using {HOME_RO} (matched "readonly")\nasw: using {WORK_PU} (matched "wkpow")\n'
    )
    assert proc.stdout == ""


def test_region_rule_is_the_same_for_switch_and_region_only(sandbox, shell):
    steps, proc = run_steps(
        sandbox,
        shell,
        [
            ["home.readonly", "-r", "nowhere"],
            ["-r", "eu-west-1a"],
            ["-r", "us-gov-west-1"],
            ["home.poweruser", "-r", "cn-north-1"],
        ],
        env={"AWS_PROFILE": "static", "AWS_REGION": "eu-north-1"},
    )
    assert [s.status for s in steps] == [2, 2, 0, 0], proc.stderr
    # Refused: nothing changed, and the message names the value and an example.
    for step in steps[:2]:
        assert aws_vars(step.env) == {"AWS_PROFILE": "static", "AWS_REGION": "eu-north-1"}
    assert "asw: invalid region 'nowhere': not an AWS region name (e.g. eu-west-1" in proc.stderr
    assert "'eu-west-1a': that is an availability zone; its region is eu-west-1" in proc.stderr
    assert steps[2].env["AWS_REGION"] == steps[2].env["AWS_DEFAULT_REGION"] == "us-gov-west-1"
    assert steps[3].env["AWS_PROFILE"] == HOME_PU
    assert steps[3].env["AWS_REGION"] == "cn-north-1"
