"""zsh: POSIX single quoting (`'\\''` also survives RC_QUOTES); template shell/asw.zsh."""

from __future__ import annotations

from awsswitch.shells.base import PosixShell


class Zsh(PosixShell):
    name = "zsh"
    template = "asw.zsh"
