"""Per-directory profiles in interactive bash, zsh and fish on a pseudo-terminal: the prompt
follows `cd` (with its `@dir` mark), the warning about an untrusted file shows once, and
`allow` typed inside the tree applies at the next prompt."""

from __future__ import annotations

import re
import sys

import pytest
from autohelp import TRUST, init_auto, tree, trust
from support.shells import CONFIG, SHELLS, fresh_tokens, spawn

from awsswitch.shells import get_shell

# The last status, the segment, then the mark spawn()'s helpers wait for.
LIVE_PROMPT = {
    "bash": "PS1='[$?]${AWSSWITCH_PROMPT:+($AWSSWITCH_PROMPT)}READY> '",
    "zsh": "PROMPT='[%?]%(9V.(%9v).)READY> '",
    # (A bare (awsswitch_prompt) in the string would empty it when there is no segment.)
    "fish": "function fish_prompt; set -l s $status; set -l seg (awsswitch_prompt); "
    'echo -n "[$s]"; test -n "$seg"; and echo -n "($seg)"; echo -n "READY> "; end',
}


@pytest.fixture(autouse=True)
def _config(sandbox):
    sandbox.write_config(CONFIG)
    fresh_tokens(sandbox)


@pytest.mark.slow
@pytest.mark.parametrize("shell", SHELLS)
def test_prompt_follows_cd_and_allow_applies_at_the_next_prompt(sandbox, shell):
    t = tree(sandbox.home, {"repo": "home.poweruser\n", "repo/sub": None, "new": "static\n"})
    assert trust(sandbox, "allow", str(t["repo"])).returncode == 0
    child = spawn(sandbox, shell, init_auto(shell))
    q = get_shell(shell).quote
    child.sendline(LIVE_PROMPT[shell])
    child.expect_exact("READY>")
    child.sendline(f"cd {q(str(t['repo/sub']))}")
    child.expect(r"\[0\]\(aws:home\.poweruser@dir\)READY> ")
    child.sendline("cd ..")
    child.expect(r"\[0\]\(aws:home\.poweruser@dir\)READY> ")
    child.sendline("false")
    child.expect(r"\[1\]\(aws:home\.poweruser@dir\)READY> ")  # the status is the command's
    child.sendline(f"cd {q(str(t['new']))}")
    child.expect_exact(f"awsswitch: {t['new']}/.awsprofile is not allowed; run: awsswitch allow")
    child.expect(r"\[0\]READY> ")  # back to no profile
    child.sendline("cd . ; cd /; cd -")  # back in the same tree: said once already
    index = child.expect([r"not allowed", r"\[0\]READY> "])
    assert index == 1, child.before
    child.sendline(f"{q(sys.executable)} -c {q(TRUST)} allow")
    child.expect(r"\[0\]\(aws:static@dir\)READY> ")
    child.sendline("exit")


@pytest.mark.slow
@pytest.mark.parametrize("shell", SHELLS)
def test_asw_by_hand_keeps_its_profile_while_moving_inside_the_tree(sandbox, shell):
    t = tree(sandbox.home, {"repo": "static\n", "repo/a": None})
    assert trust(sandbox, "allow", str(t["repo"])).returncode == 0
    child = spawn(sandbox, shell, init_auto(shell))
    q = get_shell(shell).quote
    child.sendline(LIVE_PROMPT[shell])
    child.expect_exact("READY>")
    child.sendline(f"cd {q(str(t['repo']))}")
    child.expect(r"\(aws:static@dir\)READY> ")
    child.sendline("asw work.poweruser")
    child.expect(r"\(aws:work\.poweruser\)READY> ")
    child.sendline("cd a")
    child.expect(r"\(aws:work\.poweruser\)READY> ")
    child.sendline("cd /")
    child.expect(r"\[0\]READY> ")
    output = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", child.before or "")
    assert "not allowed" not in output
    child.sendline("exit")
