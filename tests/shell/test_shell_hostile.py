"""Hostile profile names through the whole `asw` path in bash, zsh and fish: written into
a config as `[profile '...']` (only names botocore reads back unchanged), switched to,
and nothing runs."""

from __future__ import annotations

import shlex

import botocore.configloader
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from support.shells import SHELLS, run_steps

from awsswitch.config.profiles import load_index

NAMED = ["x$(touch PWNED)", "a\\", "it's", "a\\u$(id)", "é♀.snow☃.man", "`touch PWNED`"]

# What a config line can hold: no line breaks; everything else goes through shlex quoting.
NAME_CHARS = st.characters(
    codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"), exclude_characters="\x85"
)
NAMES = st.lists(
    st.one_of(
        st.text(NAME_CHARS, min_size=1, max_size=10),
        st.lists(
            st.sampled_from([*"'\"\\$`;&|()<>#*?[]{}% ", "$(", "\\u"]), min_size=1, max_size=6
        ).map("".join),
    ),
    min_size=1,
    max_size=4,
    unique=True,
)


def _write(sandbox, names: list[str]) -> None:
    text = "".join(f"[profile {shlex.quote(n)}]\nregion = us-east-1\n\n" for n in names)
    sandbox.write_config(text)


def _readable(sandbox, names: list[str]) -> bool:
    """botocore, the reference, reads exactly these names back (and so do we)."""
    try:
        profiles = botocore.configloader.load_config(str(sandbox.config))["profiles"]
    except Exception:
        return False
    ours = [p.name for p in load_index(sandbox.env).profiles]
    return sorted(profiles) == sorted(names) == sorted(ours)


def _check(sandbox, names: list[str], *, generated: bool = True) -> None:
    _write(sandbox, names)
    if generated:
        assume(_readable(sandbox, names))
    else:
        assert _readable(sandbox, names)
    for shell in SHELLS:
        steps, proc = run_steps(sandbox, shell, [["--", n] for n in names])
        assert [s.status for s in steps] == [0] * len(names), proc.stderr
        assert [s.env["AWS_PROFILE"] for s in steps] == names
        assert [s.env["AWSSWITCH_PROFILE"] for s in steps] == names
        assert not (sandbox.home / "PWNED").exists(), shell
        assert not (sandbox.home / "steps" / "PWNED").exists(), shell
        assert "uid=" not in proc.stdout + proc.stderr


def test_named_hostile_profiles_switch_in_every_shell(sandbox):
    _check(sandbox, NAMED, generated=False)


@pytest.mark.slow
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
@given(names=NAMES)
@example(names=["-n", "--", "-"])
def test_generated_profile_names_switch_in_every_shell(sandbox, names):
    _check(sandbox, names)
