"""Entry point and error boundary. Hot and everyday subcommands (`init`, the `asw` core,
`export`, `exec`, `list`, `status`) are parsed here with the standard library only;
everything else, and any argument these parsers do not know (--help, a typo), goes to the
typer app, imported lazily.

Every path ends in `awsswitch.errors.report`: no command prints a Python traceback for bad
input or a faulty environment (AWSSWITCH_DEBUG=1 shows it)."""

from __future__ import annotations

import sys

# Subcommands with their own stdlib parser (`module.main(args) -> exit status`).
# `init --help` still goes to typer.
_OWN_PARSER = {
    "init": "awsswitch.switch.init",
    "_asw": "awsswitch.switch.entry",
    "export": "awsswitch.commands.export",
    # click would swallow the `--` before CMD; exec's own parser keeps it (and its --help).
    "exec": "awsswitch.commands.exec_",
}
# Their --help goes to typer, whose declarations (cli.py) are the one source of help text.
_HELP_FROM_TYPER = {"init", "export"}

# Commands whose grammar is typer's (cli.py declares it; help and completions come from there)
# but simple enough to parse here: name → (flags, most positional arguments).
# tests/switch/test_dispatch_grammar.py checks these against the typer declarations.
SIMPLE = {"list": (("--json",), 0), "status": (("--verify",), 1)}


def parse_simple(name: str, args: list[str]) -> tuple[set[str], list[str]] | None:
    """(flags given, positionals) for `awsswitch NAME ARGS`, or None when typer should parse
    them: an unknown option, too many arguments, --help. Mirrors click: `--` ends options,
    `-` alone is an argument, repeating a flag is allowed."""
    flags, most = SIMPLE[name]
    given: set[str] = set()
    positionals: list[str] = []
    options_done = False
    for arg in args:
        if not options_done and arg == "--":
            options_done = True
        elif not options_done and arg.startswith("-") and arg != "-":
            if arg not in flags:
                return None
            given.add(arg)
        else:
            positionals.append(arg)
    return (given, positionals) if len(positionals) <= most else None


def _run_simple(name: str, args: list[str]) -> int | None:
    parsed = parse_simple(name, args)
    if parsed is None:
        return None
    flags, positionals = parsed
    from awsswitch.context import current

    env = current()
    if name == "list":
        from awsswitch.commands import list_profiles

        list_profiles.run(env, as_json="--json" in flags)
    else:
        from awsswitch.commands import status

        status.run(env, positionals[0] if positionals else None, verify="--verify" in flags)
    return 0


def _dispatch(args: list[str]) -> int:
    name = args[0] if args else None
    module = _OWN_PARSER.get(name) if name else None
    if module and not (name in _HELP_FROM_TYPER and {"--help", "-h"} & set(args[1:])):
        from importlib import import_module

        return int(import_module(module).main(args[1:]) or 0)
    if name in SIMPLE:
        code = _run_simple(name, args[1:])
        if code is not None:
            return code
    from awsswitch.cli_run import run

    return run(args)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        code = _dispatch(args)
        sys.stdout.flush()  # a reader that went away shows up here, inside the boundary
        return code
    except (Exception, KeyboardInterrupt) as exc:
        from awsswitch.errors import report

        return report(exc)


if __name__ == "__main__":
    sys.exit(main())
