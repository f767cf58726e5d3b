"""Hostile names and values (quotes, $(), backticks, newlines, escape sequences, bidi marks)
in profiles and variables: shown escaped, kept raw in JSON, and every fix built from them is
one quoted word that real bash, zsh and fish take literally."""

from __future__ import annotations

import pytest
from doctorhelp import POWERUSER, World, shell_path
from support.sandbox import require

EVIL_PROFILE = "evil$(touch${IFS}pwned)`touch${IFS}pwned2`;\x1b[31m\u202eend"
EVIL_VALUE = "x'$(touch pwned)\n\x1b[2J\\`id`"


def _text_is_safe(text: str) -> None:
    assert "\x1b" not in text and "\u202e" not in text
    for line in text.splitlines():
        assert line.isprintable(), repr(line)


def test_hostile_profile_name_in_the_config(world: World) -> None:
    world.sandbox.write_config(
        world.sandbox.config.read_text()
        + f"""
[profile {EVIL_PROFILE}]
role_arn = arn:aws:iam::1:role/x
source_profile = {EVIL_PROFILE}x
"""
    )
    result = world.json(EVIL_PROFILE)
    assert result.data["intended"] == EVIL_PROFILE
    missing = result.finding("source-profile-missing")
    assert missing["subject"] == EVIL_PROFILE
    text = world.run(EVIL_PROFILE)
    _text_is_safe(text.out)
    assert "\\x1b[31m\\u202eend" in text.out
    assert not (world.home / "pwned").exists()


def test_hostile_variables_are_shown_escaped(world: World) -> None:
    world.drop("AWSSWITCH_SHORT")
    world.set(AWS_PROFILE=EVIL_VALUE, AWSSWITCH_PROFILE=EVIL_VALUE, AWS_VAULT=EVIL_VALUE)
    world.set(AWS_DEFAULT_PROFILE=EVIL_VALUE + "2", HTTPS_PROXY=EVIL_VALUE)
    result = world.json()
    assert result.data["prompt"] == "aws:" + EVIL_VALUE  # raw in JSON
    assert result.finding("profile-not-found")["subject"] == EVIL_VALUE
    text = world.run()
    _text_is_safe(text.out)
    assert "\\n\\x1b[2J" in text.out


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_fixes_with_hostile_values_run_literally(world: World, shell: str) -> None:
    require(shell)
    world.set(AWS_REGION=EVIL_VALUE, AWS_DEFAULT_REGION="us-east-2", AWSSWITCH_REGION="x",
              AWS_DEFAULT_PROFILE=EVIL_PROFILE, AWS_PROFILE=POWERUSER,
              SHELL=f"/bin/{shell}", AWSSWITCH_SHELL=shell)  # fmt: skip
    world.set(PATH=shell_path(world, shell, "cat"))
    result = world.json()
    region_fix = result.finding("region-mismatch")["fix"]
    assert EVIL_VALUE not in region_fix  # control characters are escaped, not raw
    # `asw` is the integration's function; here a stand-in records the words it gets.
    if shell == "fish":
        asw = "function asw; printf '%s' $argv > $HOME/got; end"
    else:
        asw = 'asw() { printf \'%s\' "$@" > "$HOME/got"; }'
    world.drop("AWS_PROFILE", "AWSSWITCH_PROFILE")  # AWS_DEFAULT_PROFILE alone: fix `asw NAME`
    alone = world.json().finding("default-profile")
    assert alone["fix"].startswith("asw ")
    after = world.in_shell(shell, f"{asw}\n{alone['fix']}\n{region_fix}")
    assert (world.home / "got").read_bytes().decode() == EVIL_PROFILE
    assert not (world.home / "pwned").exists() and not (world.home / "pwned2").exists()
    cli = after.data["resolutions"][0]
    assert cli["region"] == EVIL_VALUE and cli["region_source"] == "AWS_REGION"
    assert "region-mismatch" not in after.ids()
