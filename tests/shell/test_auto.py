"""Per-directory profiles (`init --auto`) in real bash, zsh and fish: entering a tree whose
`.awsprofile` was allowed switches to it, leaving brings back the profile from before,
nested trees, `asw` by hand, a changed file, deny, allow from inside a tree, the prompt's
`@dir` mark and `list`'s marker."""

from __future__ import annotations

import json
import shlex

import pytest
from autohelp import run_auto, tree, trust
from support.shells import CONFIG, SHELLS, aws_vars, fresh_tokens

HOME_PU = "awsprofile.home.poweruser"
HOME_RO = "awsprofile.home.readonly"
WORK_PU = "awsprofile.work.poweruser"


@pytest.fixture(autouse=True)
def _config(sandbox):
    sandbox.write_config(CONFIG)
    fresh_tokens(sandbox)


def _allowed(sandbox, *folders) -> None:
    for folder in folders:
        proc = trust(sandbox, "allow", str(folder))
        assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("shell", SHELLS)
def test_enter_switches_and_leave_brings_back_the_profile_from_before(sandbox, shell):
    t = tree(sandbox.home / "work", {"repo": "home.poweruser\n", "repo/src/deep": None})
    _allowed(sandbox, t["repo"])
    snaps, proc = run_auto(
        sandbox,
        shell,
        [
            ("asw", "home.readonly"),
            ("cd", str(t["repo"])),
            ("cd", str(t["repo/src/deep"])),
            ("cd", str(sandbox.home)),
        ],
    )
    assert len(snaps) == 4, proc.stderr
    before, inside, deeper, after = snaps
    assert before.profile == HOME_RO and before.prompt == "aws:home.readonly"
    assert inside.profile == HOME_PU
    assert inside.env["AWS_REGION"] == inside.env["AWS_DEFAULT_REGION"] == "eu-west-1"
    assert inside.env["AWSSWITCH_PROFILE_SOURCE"] == f"dir:{t['repo']}"
    assert inside.env["AWSSWITCH_AUTO_RESTORE"] == f"profile:{HOME_RO}"
    assert inside.prompt == "aws:home.poweruser@dir"
    assert inside.err == f"asw: {HOME_PU} (from {t['repo']}/.awsprofile)\n"
    # Deeper in the same tree: nothing to do, nothing said.
    assert aws_vars(deeper.env) == aws_vars(inside.env)
    assert (deeper.prompt, deeper.err) == (inside.prompt, "")
    assert after.profile == HOME_RO and after.prompt == "aws:home.readonly"
    assert "AWS_REGION" not in after.env  # the profile from before has no region
    for name in ("AWSSWITCH_PROFILE_SOURCE", "AWSSWITCH_AUTO_RESTORE", "AWSSWITCH_AUTO_REGION"):
        assert name not in after.env
    assert after.err == f"asw: back to {HOME_RO}\n"
    assert proc.returncode == 0


@pytest.mark.parametrize("shell", SHELLS)
def test_leaving_restores_no_profile_and_the_region_override(sandbox, shell):
    t = tree(sandbox.home, {"repo": "static\nregion = ap-south-1\n"})
    _allowed(sandbox, t["repo"])
    snaps, proc = run_auto(
        sandbox,
        shell,
        [
            ("cd", str(t["repo"])),
            ("cd", str(sandbox.home)),
            ("asw", "home.poweruser", "-r", "us-east-2"),
            ("cd", str(t["repo"])),
            ("code", "asw -"),  # asw - goes back to the profile before the tree
            ("cd", str(sandbox.home)),
        ],
    )
    assert [s.profile for s in snaps] == ["static", None, HOME_PU, "static", HOME_PU, HOME_PU], (
        proc.stderr
    )
    assert snaps[0].env["AWS_REGION"] == "ap-south-1"
    assert snaps[0].env["AWSSWITCH_AUTO_RESTORE"] == "none"
    assert "AWS_REGION" not in snaps[1].env and "AWSSWITCH_PROFILE" not in snaps[1].env
    assert snaps[1].prompt == "" and snaps[1].err == "asw: back to no profile\n"
    assert snaps[3].env["AWSSWITCH_AUTO_REGION"] == "us-east-2"
    # `asw -` by hand inside the tree: the directory's profile is no longer what is active.
    assert "AWSSWITCH_PROFILE_SOURCE" not in snaps[4].env
    assert snaps[4].prompt == "aws:home.poweruser"
    # Leaving restores what was active before the tree, with its region override.
    assert snaps[5].env["AWS_REGION"] == snaps[5].env["AWSSWITCH_REGION"] == "us-east-2"


@pytest.mark.parametrize("shell", SHELLS)
def test_nested_trees_the_inner_file_wins(sandbox, shell):
    t = tree(
        sandbox.home,
        {
            "outer": "static\n",
            "outer/inner": f"{WORK_PU}\nregion = eu-central-1\n",
            "outer/inner/x/y": None,
            "outer/side": None,
        },
    )
    _allowed(sandbox, t["outer"], t["outer/inner"])
    snaps, proc = run_auto(
        sandbox,
        shell,
        [
            ("cd", str(t["outer"])),
            ("cd", str(t["outer/inner/x/y"])),
            ("cd", str(t["outer/side"])),
            ("cd", str(t["outer/inner"])),
            ("cd", "/"),
        ],
    )
    assert [s.profile for s in snaps] == ["static", WORK_PU, "static", WORK_PU, None], proc.stderr
    assert snaps[1].env["AWS_REGION"] == "eu-central-1"
    assert snaps[1].env["AWSSWITCH_PROFILE_SOURCE"] == f"dir:{t['outer/inner']}"
    assert snaps[1].prompt == "aws:work.poweruser@dir"
    assert "AWS_REGION" not in snaps[2].env  # static has no region
    assert snaps[2].env["AWSSWITCH_AUTO_RESTORE"] == "none"  # still the state before outer
    assert "AWSSWITCH_PROFILE_SOURCE" not in snaps[4].env


@pytest.mark.parametrize("shell", SHELLS)
def test_asw_by_hand_wins_until_the_directory_file_changes(sandbox, shell):
    t = tree(
        sandbox.home,
        {"repo": "home.poweruser\n", "repo/a": None, "repo/b": None, "repo/nested": "static\n"},
    )
    _allowed(sandbox, t["repo"], t["repo/nested"])
    snaps, proc = run_auto(
        sandbox,
        shell,
        [
            ("cd", str(t["repo"])),
            ("asw", "work.poweruser"),
            ("cd", str(t["repo/a"])),
            ("cd", str(t["repo/b"])),
            ("deny", str(t["repo/nested"])),
            ("cd", str(t["repo/nested"])),
            ("cd", str(t["repo"])),
        ],
    )
    got = [s.profile for s in snaps]
    # By hand inside the tree; moving within it (and an unrelated deny) keeps it; entering
    # another file's tree (here an untrusted one: no directory profile) and coming back
    # applies the directory again.
    assert got == [HOME_PU, WORK_PU, WORK_PU, WORK_PU, WORK_PU, None, HOME_PU], proc.stderr
    assert snaps[1].prompt == "aws:work.poweruser"  # no @dir: chosen by hand
    assert "AWSSWITCH_PROFILE_SOURCE" not in snaps[1].env
    assert snaps[2].err == snaps[3].err == ""


@pytest.mark.parametrize("shell", SHELLS)
def test_untrusted_file_is_not_acted_on_and_said_once(sandbox, shell):
    t = tree(sandbox.home, {"repo": "static\n", "repo/sub": None, "other": "static\n"})
    snaps, proc = run_auto(
        sandbox,
        shell,
        [
            ("asw", "home.readonly"),
            ("cd", str(t["repo"])),
            ("cd", str(t["repo/sub"])),
            ("cd", str(sandbox.home)),
            ("cd", str(t["other"])),
            ("cd", str(t["repo"])),
        ],
    )
    assert [s.profile for s in snaps] == [HOME_RO] * 6, proc.stderr
    assert snaps[1].err == (
        f"awsswitch: {t['repo']}/.awsprofile is not allowed; run: awsswitch allow {t['repo']}\n"
    )
    assert snaps[4].err.startswith(f"awsswitch: {t['other']}/.awsprofile is not allowed")
    # Said once per file and content, not at every cd.
    assert snaps[2].err == snaps[3].err == snaps[5].err == ""
    assert all("AWSSWITCH_PROFILE_SOURCE" not in s.env for s in snaps)


@pytest.mark.parametrize("shell", SHELLS)
def test_changed_file_needs_allow_again_and_allow_applies_at_the_next_prompt(sandbox, shell):
    t = tree(sandbox.home, {"repo": "home.poweruser\n"})
    _allowed(sandbox, t["repo"])
    profile = t["repo"] / ".awsprofile"
    q = "'" + str(profile) + "'"
    snaps, proc = run_auto(
        sandbox,
        shell,
        [
            ("cd", str(t["repo"])),
            ("cd", str(sandbox.home)),
            ("code", f"builtin printf 'static\\n' > {q}"),
            ("cd", str(t["repo"])),
            ("allow", str(t["repo"])),
            ("code", "true"),
        ],
    )
    got = [s.profile for s in snaps]
    assert got == [HOME_PU, None, None, None, "static", "static"], proc.stderr
    assert "is not allowed; run: awsswitch allow" in snaps[3].err
    # allow from inside the tree: the next prompt applies the file, once.
    assert snaps[4].env["AWSSWITCH_PROFILE_SOURCE"] == f"dir:{t['repo']}"
    assert snaps[4].err.endswith(f"asw: static (from {profile})\n")
    assert snaps[5].err == ""


@pytest.mark.parametrize("shell", SHELLS)
def test_deny_from_inside_goes_back_at_the_next_prompt(sandbox, shell):
    t = tree(sandbox.home, {"repo": "static\n"})
    _allowed(sandbox, t["repo"])
    snaps, proc = run_auto(
        sandbox,
        shell,
        [
            ("asw", "home.readonly"),
            ("cd", str(t["repo"])),
            ("deny", str(t["repo"])),
            ("cd", str(sandbox.home)),
            ("cd", str(t["repo"])),
        ],
    )
    assert [s.profile for s in snaps] == [HOME_RO, "static", HOME_RO, HOME_RO, HOME_RO]
    assert f"asw: back to {HOME_RO}" in snaps[2].err
    assert "is not allowed" in snaps[2].err
    assert snaps[4].err == ""  # the same untrusted content: said already
    assert proc.returncode == 0


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("nope-nope\n", "no profile named 'nope-nope'"),
        ("poweruser\n", "'poweruser' names 2 profiles; write the full name"),
        ("hmpow\n", "no profile named 'hmpow'"),  # never a fuzzy guess
    ],
)
def test_an_allowed_file_that_names_no_profile_is_said_once(sandbox, shell, content, said):
    t = tree(sandbox.home, {"repo": content})
    allowed = trust(sandbox, "allow", str(t["repo"]))
    # Allowed all the same (the config may gain the profile), with a note.
    assert allowed.returncode == 0 and said in allowed.stderr
    snaps, proc = run_auto(
        sandbox,
        shell,
        [("cd", str(t["repo"])), ("cd", str(sandbox.home)), ("cd", str(t["repo"]))],
    )
    assert [s.profile for s in snaps] == [None, None, None], proc.stderr
    assert said in snaps[0].err and snaps[0].err.count("\n") == 1
    assert snaps[0].err.startswith(f"awsswitch: {t['repo']}/.awsprofile")
    assert snaps[1].err == snaps[2].err == ""


@pytest.mark.parametrize("shell", SHELLS)
def test_short_name_and_dot_suffix_work_in_the_file(sandbox, shell):
    t = tree(sandbox.home, {"a": "home.readonly\n", "b": f"{WORK_PU}\n", "c": "work.poweruser"})
    _allowed(sandbox, t["a"], t["b"], t["c"])
    snaps, _ = run_auto(sandbox, shell, [("cd", str(t[k])) for k in "abc"])
    assert [s.profile for s in snaps] == [HOME_RO, WORK_PU, WORK_PU]


@pytest.mark.parametrize("shell", SHELLS)
def test_list_marks_the_profile_a_directory_chose(sandbox, shell):
    t = tree(sandbox.home, {"repo": "static\n"})
    _allowed(sandbox, t["repo"])
    table = sandbox.home / "list.txt"
    as_json = sandbox.home / "list.json"
    listing = f"asw -l > '{table}'; asw -l --json > '{as_json}'"
    snaps, proc = run_auto(
        sandbox, shell, [("cd", str(t["repo"])), ("code", listing), ("asw", "static")]
    )
    assert snaps[1].profile == "static", proc.stderr
    rows = {line[3:].split()[0]: line for line in table.read_text().splitlines()[1:]}
    assert rows["static"].startswith("*@ static ")
    assert rows[HOME_PU].startswith("   ")  # not active: the column is two wide now
    items = {i["name"]: i for i in json.loads(as_json.read_text())}
    assert items["static"]["directory"] == str(t["repo"])
    assert items["static"]["active"] is True
    assert items[HOME_PU]["directory"] is None
    # Switched by hand to the same profile: no longer the directory's choice.
    assert "AWSSWITCH_PROFILE_SOURCE" not in snaps[2].env


@pytest.mark.parametrize("shell", SHELLS)
def test_entering_runs_the_sso_hook_and_tries_again_at_the_next_entry(sandbox, shell):
    from support.shells import write_token

    t = tree(sandbox.home, {"repo": "home.poweruser\n"})
    _allowed(sandbox, t["repo"])
    token = write_token(sandbox, "awssso.home")
    saved = sandbox.home / "token.saved"
    token.rename(saved)  # a login is needed, and this is not a terminal: no switch
    mint = f"command cp {shlex.quote(str(saved))} {shlex.quote(str(token))}"
    snaps, proc = run_auto(
        sandbox,
        shell,
        [
            ("cd", str(t["repo"])),
            ("cd", str(sandbox.home)),
            ("code", mint),
            ("cd", str(t["repo"])),
        ],
    )
    assert [s.profile for s in snaps] == [None, None, None, HOME_PU], proc.stderr
    assert "awssso.home needs a login" in snaps[0].err
    assert snaps[1].err == ""  # nothing was applied: nothing to bring back
    assert snaps[3].err == f"asw: {HOME_PU} (from {t['repo']}/.awsprofile)\n"
