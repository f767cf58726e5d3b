"""Per-directory profiles (`init --auto`): what the shell's `cd` hook asks the switch core.

The hook finds the nearest `.awsprofile` itself (a walk up $PWD with `-f` tests, no process)
and starts `awsswitch _asw SHELL --cmd=NAME --auto MODE FILE WARNED` only when that file
changes (another tree, or none), or when an `allow`/`deny` happened while inside a tree:

- MODE `enter`: FILE is the nearest file now (the shell just found it);
- MODE `applied` or `waiting`: the trust store changed while FILE stayed the nearest; the
  previous answer applied FILE's profile, or could not (not allowed, faulty);
- MODE `leave`: no file any more (FILE is empty);
- WARNED: the keys of the last problems this shell reported (space-separated), so each is
  said once per change of the file.

This module reads the file (directory.py), checks its trust, and prints the shell code:
a switch as `asw NAME` does (SSO hook included) marked with AWSSWITCH_PROFILE_SOURCE, or
the profile that was active before the tree (AWSSWITCH_AUTO_RESTORE, restored without a
login), and the hook's own state (shell variables, never exported):
__awsswitch_auto_state (applied / waiting / empty), __awsswitch_auto_warned,
__awsswitch_auto_stampfile and __awsswitch_auto_stamp (the trust stamp seen).
"""

from __future__ import annotations

import os

from awsswitch import files
from awsswitch.context import display
from awsswitch.errors import UsageError
from awsswitch.switch import core, directory

# Annotation-only imports: collections.abc and typing cost milliseconds on every `asw`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from awsswitch.context import Environment
    from awsswitch.shells import Shell

V_SOURCE = core.V_SOURCE
V_RESTORE = "AWSSWITCH_AUTO_RESTORE"  # `none` or `profile:NAME`: what leaving brings back
V_RESTORE_REGION = "AWSSWITCH_AUTO_REGION"  # awsswitch's region override before the tree

S_STATE = "__awsswitch_auto_state"
S_WARNED = "__awsswitch_auto_warned"
S_STAMP_FILE = "__awsswitch_auto_stampfile"
S_STAMP = "__awsswitch_auto_stamp"

APPLIED = "applied"
WAITING = "waiting"
MODES = ("enter", APPLIED, WAITING, "leave")
WARNED_KEPT = 32  # problems remembered as said (moving between a few untrusted trees)


class _Hook:
    """One hook call: the shell, the world, and the problem this shell said last."""

    def __init__(self, shell: Shell, ctx: Environment, cmd: str, warned: str) -> None:
        self.shell = shell
        self.ctx = ctx
        self.env = ctx.env
        self.cmd = cmd
        self.warned = warned
        # What every answer sets: the trust stamp seen now (the hook compares it later).
        self.lines = [
            shell.set_global(S_STAMP_FILE, directory.stamp_file(self.env)),
            shell.set_global(S_STAMP, directory.read_stamp(self.env)),
        ]

    def answer(self, state: str, lines: Sequence[str] = ()) -> list[str]:
        return [*self.lines, *lines, self.shell.set_global(S_STATE, state)]

    def leave(self) -> list[str]:
        return self.answer("", _restore(self.shell, self.ctx, self.cmd))

    def problem(self, message: str, kind: str, what: str) -> list[str]:
        """A file that cannot apply: no directory profile here (the one from before the tree
        comes back), and `message` on stderr once per (kind, file, content)."""
        lines = _restore(self.shell, self.ctx, self.cmd)
        key = files.sha256_hex(f"{kind}\0{what}".encode("utf-8", "surrogateescape"))[:16]
        said = self.warned.split()
        if key not in said:
            self.ctx.say(f"awsswitch: {message}")
            remembered = " ".join([key, *said[: WARNED_KEPT - 1]])
            lines.append(self.shell.set_global(S_WARNED, remembered))
        return self.answer(WAITING, lines)


def run(shell: Shell, args: list[str], ctx: Environment, cmd: str) -> list[str]:
    """The shell code for one hook call (`args`: MODE FILE WARNED)."""
    if len(args) != 3 or args[0] not in MODES:
        raise UsageError("usage: awsswitch _asw SHELL --auto MODE FILE WARNED (the cd hook)")
    mode, path, warned = args
    hook = _Hook(shell, ctx, cmd, warned)
    env = ctx.env
    if mode == "leave" or not path:
        return hook.leave()
    if not path.startswith("/") or os.path.basename(path) != directory.FILENAME:
        raise UsageError(f"--auto needs the absolute path of a {directory.FILENAME} file")
    folder = os.path.dirname(path)
    source = "dir:" + folder
    if mode == APPLIED and env.get(V_SOURCE) != source:
        # `asw` by hand since this tree's profile applied: it wins until the nearest file
        # changes.
        return hook.answer(APPLIED)
    try:
        f = directory.load(path)
    except FileNotFoundError:  # gone between the shell's look and ours: as if leaving
        return hook.leave()
    except files.FileFault as exc:  # not a regular file, too large, unreadable
        return hook.problem(exc.message, "fault", path)
    content = f.key + "\0" + f.digest
    if not directory.is_allowed(f, env):
        allow = f"awsswitch allow {shell.word(folder)}"
        return hook.problem(
            f"{display(path)} is not allowed; run: {display(allow)}", "untrusted", content
        )
    try:
        choice = directory.parse(f)
        index = core.load(env)
        profile = directory.profile_for(choice.name, index.profiles, path)
    except directory.FileError as exc:  # what the file says is no profile
        return hook.problem(exc.message, "invalid", content)
    region = choice.region or profile.region
    if mode != "enter" and _showing(env, source, profile.name, region):
        return hook.answer(APPLIED)
    core.ensure_fresh(profile, index, ctx)
    switch = core.switch_to(shell, profile, index, region=region, env=env, cmd=cmd, source=source)
    if V_RESTORE not in env:
        current = env.get("AWS_PROFILE")
        switch.append(shell.export(V_RESTORE, f"profile:{current}" if current else "none"))
        ours = env.get(core.V_REGION)
        if ours:
            switch.append(shell.export(V_RESTORE_REGION, ours))
    if env.get("AWS_PROFILE") != profile.name:
        ctx.say(f"{cmd}: {display(profile.name)} (from {display(path)})")
    return hook.answer(APPLIED, switch)


def _showing(env: Mapping[str, str], source: str, name: str, region: str | None) -> bool:
    """This tree's profile is what the shell has (nothing changed since it applied)."""
    return (
        env.get(V_SOURCE) == source
        and env.get("AWS_PROFILE") == name == env.get(core.V_PROFILE)
        and (env.get(core.V_REGION) or None) == (region or None)
    )


def _restore(shell: Shell, ctx: Environment, cmd: str) -> list[str]:
    """The profile that was active before the first tree applied (AWSSWITCH_AUTO_RESTORE):
    switched back without a login (the prompt shows when its token needs one)."""
    env = ctx.env
    saved = env.get(V_RESTORE)
    if saved is None:
        return []
    name = saved[len("profile:") :] if saved.startswith("profile:") else ""
    index = core.load(env) if name else None
    profile = index.by_name.get(name) if index is not None else None
    region = env.get(V_RESTORE_REGION) or None
    if profile is not None:
        lines = core.switch_to(
            shell, profile, index, region=region or profile.region, env=env, cmd=cmd
        )
    elif name:  # not (or no longer) a profile: put the name back as it was
        lines = [
            shell.export("AWS_PROFILE", name),
            shell.unset([core.V_PROFILE, core.V_SHORT, *core.V_STATE_FILES]),
            *core.region_code(shell, region, env),
        ]
    else:
        lines = core.unset_code(shell, env=env, cmd=cmd)
    if env.get("AWS_PROFILE") != (name or None):
        ctx.say(f"{cmd}: back to {display(name) if name else 'no profile'}")
    return [*lines, shell.unset([V_SOURCE, V_RESTORE, V_RESTORE_REGION])]
