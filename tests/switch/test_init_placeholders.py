"""Profile names that look like the templates' placeholders stay literal in `init --aliases`."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_placeholder_lookalike_profile_name_is_not_substituted(sandbox: Any, shell: str) -> None:
    sandbox.write_config("[profile x__AWSSWITCH_EXE__y]\nregion = eu-west-1\n")
    result = sandbox.run("init", shell, "--aliases")
    assert result.returncode == 0, result.stderr
    alias_lines = [line for line in result.stdout.splitlines() if "x__AWSSWITCH_EXE__y" in line]
    assert alias_lines, result.stdout
    assert all("awsswitch'" not in line and "python" not in line for line in alias_lines)
    assert "'x__AWSSWITCH_EXE__y'" in "\n".join(alias_lines)
