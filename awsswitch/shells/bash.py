"""bash: POSIX single quoting; the template is shell/asw.bash."""

from __future__ import annotations

from awsswitch.shells.base import PosixShell


class Bash(PosixShell):
    name = "bash"
    template = "asw.bash"
    cli_completion = "awsswitch.bash"
