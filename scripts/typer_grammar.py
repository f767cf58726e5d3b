"""What both generators (gen_completions.py, gen_man.py) read of the typer app beyond click's
command objects: an argument's help text. Some typer releases inside the dependency bounds
(0.2x on click) drop it from the click parameter, so it is read from the declarations
(`Annotated[..., typer.Argument(help=...)]`) themselves: the one source, for every typer."""

from __future__ import annotations

import typing
from typing import Any


def argument_help(app: Any, prefix: str = "") -> dict[tuple[str, str], str]:
    """{("configure profile", "name"): help} for every argument the app declares."""
    found: dict[tuple[str, str], str] = {}
    for info in app.registered_commands:
        callback = info.callback
        path = f"{prefix} {info.name or callback.__name__.replace('_', '-')}".strip()
        for name, hint in typing.get_type_hints(callback, include_extras=True).items():
            for meta in getattr(hint, "__metadata__", ()):
                if type(meta).__name__ == "ArgumentInfo" and meta.help:
                    found[(path, name)] = meta.help
    for group in app.registered_groups:
        found.update(argument_help(group.typer_instance, f"{prefix} {group.name}".strip()))
    return found
