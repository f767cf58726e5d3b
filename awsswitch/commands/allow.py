"""`awsswitch allow [DIR]` and `awsswitch deny [DIR]`: trust, or stop trusting, a directory's
`.awsprofile` for `init --auto` (the file and the store: awsswitch/switch/directory.py).

DIR is the folder (the current one by default) or the file itself; the file is the nearest
`.awsprofile` from that folder up. `allow` reads it, checks that it names a profile (and a
valid region), and records its path with the sha256 of its bytes: a later change needs
`allow` again. `deny` forgets the path (whatever its content); a shell inside that tree goes
back to the profile from before at its next prompt.
"""

from __future__ import annotations

from awsswitch import context
from awsswitch.context import Environment, display
from awsswitch.errors import AwsswitchError
from awsswitch.switch import directory


def allow(where: str | None = None, *, ctx: Environment | None = None) -> int:
    ctx = ctx or context.current()
    path = directory.target(where)
    try:
        f = directory.load(path)
    except FileNotFoundError:
        raise directory.FileError(f"{display(path)} is gone") from None
    choice = directory.parse(f)
    directory.allow(f, ctx.env)
    region = f", region {display(choice.region)}" if choice.region else ""
    ctx.stdout.write(f"allowed {display(f.key)} (profile {display(choice.name)}{region})\n")
    ctx.stdout.flush()
    try:
        from awsswitch.config.profiles import load_index

        directory.profile_for(choice.name, load_index(ctx.env).profiles, path)
    except directory.FileError as exc:  # allowed all the same: the config may gain it
        ctx.say(f"awsswitch: note: {exc.message}")
    except AwsswitchError:  # a config that does not parse: the switch will say so
        pass
    return 0


def deny(where: str | None = None, *, ctx: Environment | None = None) -> int:
    ctx = ctx or context.current()
    key = directory.key_of(directory.target(where, must_exist=False))
    if directory.deny(key, ctx.env):
        ctx.stdout.write(f"denied {display(key)}\n")
        ctx.stdout.flush()
    else:
        ctx.say(f"awsswitch: {display(key)} was not allowed; nothing to do")
    return 0
