"""Per-shell emitters (thefuck-style: one class per shell).

Each class knows how to quote a value for its shell, emit "set/unset this variable",
define an alias, and render the `init` template from `shell/`. Stdlib only: used by
`awsswitch init` and by the switch core on every `asw`.
"""

from __future__ import annotations

from awsswitch.errors import UsageError
from awsswitch.shells.base import Shell

SUPPORTED = ("bash", "zsh", "fish")


def get_shell(name: str) -> Shell:
    """The emitter for `name` (bash, zsh or fish); UsageError for anything else."""
    if name == "bash":
        from awsswitch.shells.bash import Bash

        return Bash()
    if name == "zsh":
        from awsswitch.shells.zsh import Zsh

        return Zsh()
    if name == "fish":
        from awsswitch.shells.fish import Fish

        return Fish()
    raise UsageError(f"unsupported shell {name!r}: awsswitch supports bash, zsh and fish")


__all__ = ["SUPPORTED", "Shell", "get_shell"]
