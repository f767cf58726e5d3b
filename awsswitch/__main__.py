"""Entry point. Hot subcommands (`init`, the `asw` core) are dispatched here with the
standard library only; everything else goes through the typer app, imported lazily."""

from __future__ import annotations

import sys

# Subcommands served without typer/click/rich/boto3. `--help` still goes to typer.
_FAST = {"init": "awsswitch.switch.init", "_asw": "awsswitch.switch.core"}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    module = _FAST.get(args[0]) if args else None
    if module and not ({"--help", "-h"} & set(args[1:]) and args[0] == "init"):
        from importlib import import_module

        return int(import_module(module).main(args[1:]) or 0)
    from awsswitch.cli import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
