"""The picker: `asw` alone (and an ambiguous name) on a terminal, driven through a pty in
bash, zsh and fish, with fzf and with the built-in picker."""

from __future__ import annotations

import pytest
from support.sandbox import require
from support.shells import (
    CONFIG,
    SHELLS,
    expect_prompt,
    fresh_tokens,
    init_code,
    shell_value,
    spawn,
)

from awsswitch.config.profiles import Profile
from awsswitch.switch.picker import _keys, rank, rows_for

pytestmark = pytest.mark.slow

PICKERS = ["fzf", "builtin"]


@pytest.fixture(autouse=True)
def _config(sandbox):
    sandbox.write_config(CONFIG)
    fresh_tokens(sandbox)


def _expect(child, pattern: str) -> None:
    """child.expect(pattern), answering the cursor-position queries (ESC[6n) fzf --height
    sends, as a terminal would."""
    while child.expect([pattern, r"\x1b\[6n"]) == 1:
        child.send("\x1b[10;1R")


def _child(sandbox, shell: str, picker: str):
    if picker == "fzf":
        require("fzf")
    return spawn(sandbox, shell, init_code(shell), env={"AWSSWITCH_PICKER": picker})


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("picker", PICKERS)
def test_pick_a_profile(sandbox, shell, picker):
    child = _child(sandbox, shell, picker)
    child.sendline("asw")
    # Rows show the short name, the session, the account and the role.
    _expect(child, r"work\.poweruser\s+awssso\.work\s+222222222222\s+PowerUser")
    child.send("work.power")
    _expect(child, r"1/\d+|> ?work\.poweruser")
    child.send("\r")
    child.expect_exact("READY>")
    expect_prompt(child)
    assert shell_value(child, "$AWS_PROFILE") == "awsprofile.work.poweruser"
    assert shell_value(child, "$AWS_REGION") == "us-west-2"
    child.sendline("exit")


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("picker", PICKERS)
def test_cancel_leaves_everything_alone(sandbox, shell, picker):
    child = _child(sandbox, shell, picker)
    child.sendline("asw static")
    expect_prompt(child)
    child.sendline("asw")
    _expect(child, r"home\.readonly")
    child.send("\x1b")  # Esc
    child.expect_exact("READY>")
    expect_prompt(child)
    status = "$status" if shell == "fish" else "$?"
    child.sendline(f'asw; echo "rc={status}"')
    _expect(child, r"home\.readonly")
    child.send("\x03")  # Ctrl-C
    _expect(child, r"rc=130")
    child.expect_exact("READY>")
    assert shell_value(child, "$AWS_PROFILE") == "static"
    child.sendline("exit")


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("picker", PICKERS)
def test_ambiguous_name_opens_the_picker_filtered(sandbox, shell, picker):
    child = _child(sandbox, shell, picker)
    child.sendline("asw poweruser")
    _expect(child, r"2/\d+")  # the query is already there: two of the profiles match
    child.send("\r")
    child.expect_exact("READY>")
    expect_prompt(child)
    assert shell_value(child, "$AWS_PROFILE").endswith(".poweruser")
    child.sendline("asw poweruser")
    _expect(child, r"2/\d+")
    child.send(" work")  # narrows "poweruser" to the work one
    _expect(child, r"1/\d+")
    child.send("\r")
    child.expect_exact("READY>")
    expect_prompt(child)
    assert shell_value(child, "$AWS_PROFILE") == "awsprofile.work.poweruser"
    child.sendline("exit")


@pytest.mark.parametrize("shell", SHELLS)
def test_an_unknown_picker_setting_is_bad_usage(sandbox, shell):
    child = spawn(sandbox, shell, init_code(shell), env={"AWSSWITCH_PICKER": "bogus"})
    status = "$status" if shell == "fish" else "$?"
    child.sendline(f'asw; echo "rc={status}"')
    child.expect_exact("asw: AWSSWITCH_PICKER='bogus' is not a picker: set it to fzf or builtin")
    child.expect_exact("rc=2")
    child.expect_exact("READY>")
    assert shell_value(child, "$AWS_PROFILE") == ""
    child.sendline("exit")


# -- the built-in picker's pieces -----------------------------------------------------------


def _p(name: str, short: str, **kw) -> Profile:
    return Profile(name=name, short=short, kind=kw.pop("kind", "sso"), **kw)


def test_rows_align_and_hide_control_characters():
    header, rows = rows_for(
        [
            _p("a.home.x", "home.x", sso_session="s1", account_id="1", role_name="R"),
            _p("evil\x1b[2J\n", "evil\x1b[2J\n", kind="keys"),
        ],
        current="a.home.x",
    )
    assert header.split() == ["PROFILE", "SESSION", "ACCOUNT", "ROLE"]
    assert rows[0].startswith("* home.x")
    assert "\x1b" not in rows[1] and "\n" not in rows[1]
    assert rows[1].startswith("  evil\\x1b[2J\\n")  # shown escaped, as every name is
    assert "(keys)" in rows[1]


def test_a_role_profile_shows_the_account_and_role_of_its_role_arn():
    _, rows = rows_for(
        [
            _p(
                "admin",
                "admin",
                kind="role",
                source_profile="a.home.x",
                role_arn="arn:aws:iam::222222222222:role/team/Admin",
            ),
            _p("odd", "odd", kind="role", source_profile="a", role_arn="not-an-arn"),
        ]
    )
    assert rows[0].split() == ["admin", "(role", "via", "a.home.x)", "222222222222", "Admin"]
    assert rows[1].split() == ["odd", "(role", "via", "a)"]


def test_rank_prefers_substrings_then_subsequences():
    rows = ["home.poweruser", "work.poweruser", "home.readonly", "hxoxmxe"]
    assert rank(rows, "") == [0, 1, 2, 3]
    assert rank(rows, "home") == [0, 2, 3]
    assert rank(rows, "HOME pow") == [0]
    assert rank(rows, "hme") == [0, 2, 3]
    assert rank(rows, "zzz") == []


def test_keys_split_escape_sequences():
    assert _keys("ab\x1b[A\x1bOB\r") == ["a", "b", "\x1b[A", "\x1bOB", "\r"]
    assert _keys("\x1b") == ["\x1b"]
