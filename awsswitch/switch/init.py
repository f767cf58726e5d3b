"""`awsswitch init [bash|zsh|fish] [--cmd NAME] [--aliases[=PREFIX]] [--prompt] [--auto]`.

Prints the shell integration rendered from `shell/asw.<shell>`. Runs at every shell start,
so: stdlib only, no profile parsing unless --aliases, shellingham only when the shell is
not named. The output depends only on the version, the options and where awsswitch is
installed (plus the profiles, with --aliases), so it may be cached.
"""

from __future__ import annotations

import os
import sys

from awsswitch import __version__
from awsswitch.errors import AwsswitchError, UsageError
from awsswitch.shells import SUPPORTED, get_shell
from awsswitch.shells.base import completion_file, is_cmd_name

# Annotation-only imports: collections.abc and typing cost milliseconds on every `asw`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

USAGE = (
    "usage: awsswitch init [bash|zsh|fish] [--cmd NAME] [--aliases[=PREFIX]] [--prompt] [--auto]"
)


class InitOptions:
    __slots__ = ("aliases", "auto", "cmd", "prefix", "prompt", "shell")

    def __init__(self) -> None:
        self.shell: str | None = None
        self.cmd = "asw"
        self.aliases = False
        self.prefix = ""
        self.prompt = False
        self.auto = False


def parse(args: Sequence[str]) -> InitOptions:
    opts = InitOptions()
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--cmd":
            if i >= len(args):
                raise UsageError("--cmd needs a name, e.g. --cmd asw")
            opts.cmd = args[i]
            i += 1
        elif arg.startswith("--cmd="):
            opts.cmd = arg[len("--cmd=") :]
        elif arg == "--aliases":
            opts.aliases = True
        elif arg.startswith("--aliases="):
            opts.aliases = True
            opts.prefix = arg[len("--aliases=") :]
        elif arg == "--prompt":
            opts.prompt = True
        elif arg == "--auto":
            opts.auto = True
        elif arg.startswith("-"):
            raise UsageError(f"unknown option {arg!r}\n{USAGE}")
        elif opts.shell is None:
            opts.shell = arg
        else:
            raise UsageError(f"one shell at a time\n{USAGE}")
    if not is_cmd_name(opts.cmd):
        raise UsageError(f"invalid --cmd {opts.cmd!r}: use letters, digits, '_' and '-'")
    return opts


def detect_shell() -> str:
    """The shell that runs us, via shellingham (imported here only: ~14 ms)."""
    supported = ", ".join(SUPPORTED)
    try:
        import shellingham

        name, _path = shellingham.detect_shell()
    except Exception:  # ShellDetectionFailure, or shellingham missing/broken
        raise UsageError(
            f"cannot detect your shell; name it: awsswitch init bash|zsh|fish "
            f"(supported: {supported})"
        ) from None
    name = os.path.basename(name).lower()
    if name not in SUPPORTED:
        raise UsageError(
            f"your shell looks like {name!r}, which awsswitch does not support; "
            f"supported: {supported} (e.g. awsswitch init bash)"
        )
    return name


def exe_words() -> list[str]:
    """How the shell functions run awsswitch: the installed script's absolute path (not
    resolved: pipx's ~/.local/bin link stays valid across upgrades), else this Python."""
    argv0 = sys.argv[0] if sys.argv else ""
    if os.path.basename(argv0) == "awsswitch" and os.path.isfile(argv0):
        return [os.path.abspath(argv0)]
    # `python -m awsswitch init`: this environment's own script first (PATH may hold a
    # version manager's shim, or another installation), then PATH, then this Python.
    beside = os.path.join(os.path.dirname(sys.executable), "awsswitch")
    if os.path.isfile(beside) and os.access(beside, os.X_OK):
        return [beside]
    from awsswitch.context import which

    found = which("awsswitch", os.environ)
    if found:
        return [os.path.abspath(found)]
    return [sys.executable, "-m", "awsswitch"]


def _aliases(shell_name: str, prefix: str, cmd: str) -> list[tuple[str, list[str]]]:
    from awsswitch.switch.core import load  # the index, completion names refreshed

    shell = get_shell(shell_name)
    index = load(os.environ)
    out: list[tuple[str, list[str]]] = []
    for p in index.profiles:
        alias = prefix + p.short
        if alias == cmd or not shell.valid_alias(alias):
            from awsswitch.context import display

            sys.stderr.write(
                f"awsswitch init: no alias for profile '{display(p.name)}': "
                f"'{display(alias)}' is not a valid alias name\n"
            )
            continue
        out.append((alias, ["--", p.name] if p.name.startswith("-") else [p.name]))
    return out


def header(opts: InitOptions, shell_name: str) -> str:
    words = ["awsswitch", "init", shell_name, f"--cmd={opts.cmd}"]
    if opts.aliases:
        words.append(f"--aliases={opts.prefix}" if opts.prefix else "--aliases")
    if opts.prompt:
        words.append("--prompt")
    if opts.auto:
        words.append("--auto")
    return f"# awsswitch {__version__}: generated by `{' '.join(words)}`; do not edit."


def render(opts: InitOptions) -> str:
    shell_name = opts.shell or detect_shell()
    shell = get_shell(shell_name)
    if opts.prefix and not shell.valid_alias(opts.prefix + "x"):
        raise UsageError(f"invalid alias prefix {opts.prefix!r}")
    aliases: list[tuple[str, list[str]]] = []
    if opts.aliases:
        try:
            aliases = _aliases(shell_name, opts.prefix, opts.cmd)
        except AwsswitchError as exc:
            # Without the integration the shell would lose `asw`, the prompt and completion
            # over a config error: keep them, skip only the aliases, and say why.
            from awsswitch.context import display

            sys.stderr.write(f"awsswitch init: no aliases: {display(exc.message)}\n")
    return shell.render(
        exe=exe_words(),
        cmd=opts.cmd,
        prompt=opts.prompt,
        aliases=aliases,
        header=header(opts, shell_name),
        cli=completion_file(shell.cli_completion),
        auto=opts.auto,
    )


def main(args: list[str]) -> int:
    try:
        opts = parse(args)
        code = render(opts)
    except AwsswitchError as exc:
        sys.stderr.write(f"awsswitch init: {exc.message}\n")
        return exc.exit_code
    sys.stdout.buffer.write(code.encode("utf-8", "surrogateescape"))
    sys.stdout.flush()
    if not opts.aliases:  # --aliases has just parsed the config and refreshed them
        # A new shell after a config change: bring the completion names up to date (a few
        # stat calls when they already are).
        from awsswitch.config import names

        names.refresh(os.environ)
    return 0
