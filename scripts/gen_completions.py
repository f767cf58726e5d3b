"""Generate completions/ (bash, zsh, fish) for the awsswitch command from the typer app.

What each command accepts comes from `awsswitch.cli.app`, introspected through
`typer.main.get_command`: every command, option and argument with its help text, so
completion cannot drift from `--help`. What a value is (a profile, an sso-session, a region,
one of some words) comes from the parameter's name or its choices (VALUES below).

The generated files hold that data and nothing else: the code that completes lives once in
shell/fragments/ (complete.*, names.*, names.awk, regions.txt), shared with the shell
integration. A completion file finds those fragments at run time beside its own folder (in
the package, awsswitch/completions and awsswitch/shell; in the source tree, completions/
and shell/) or, installed under PREFIX/share/, in PREFIX/lib/python3*/*-packages/awsswitch.

The output depends only on the checkout. tests/shell/test_completion_files.py checks that
the committed files equal a fresh generation.

    python scripts/gen_completions.py            # write completions/*
    python scripts/gen_completions.py --check    # exit 1 if a file is out of date
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "completions"

GENERATED = "Generated from the typer app by scripts/gen_completions.py: do not edit."

# What a value is, by the parameter's name: profile and sso-session names (from the config,
# or the names file), regions (shell/fragments/regions.txt), or fixed words.
OUTPUT_FORMATS = ("json", "yaml", "yaml-stream", "text", "table")
VALUES: dict[str, str | tuple[str, ...]] = {
    "profile": "profiles",
    "sso_session": "sessions",
    "sessions": "sessions",
    "region": "regions",
    "output": OUTPUT_FORMATS,
}
# Arguments whose name says less than their command: `configure profile NAME`, ...
VALUES_BY_COMMAND: dict[tuple[str, str], str] = {
    ("configure profile", "name"): "profiles",
    ("configure sso-session", "name"): "sessions",
}
# Flags that also take an optional value written `--flag=VALUE` (init parses it itself).
OPTIONAL_VALUE = {("init", "--aliases"): "prefix"}


@dataclass
class Option:
    names: list[str]  # long ones first
    help: str
    takes_value: bool
    optional_value: str = ""  # the value's name when `--flag=VALUE` is also accepted
    value: str | tuple[str, ...] | None = None


@dataclass
class Argument:
    name: str
    help: str
    many: bool
    value: str | tuple[str, ...] | None = None


@dataclass
class Command:
    path: str  # "" for awsswitch itself, "configure profile", ...
    help: str
    options: list[Option] = field(default_factory=list)
    arguments: list[Argument] = field(default_factory=list)
    subcommands: list[Command] = field(default_factory=list)

    def walk(self) -> list[Command]:
        return [self, *(c for sub in self.subcommands for c in sub.walk())]


# -- from the typer app ---------------------------------------------------------------------


def _first_sentence(text: str | None) -> str:
    """The first sentence of a help text, without its full stop or [default: ...] notes."""
    text = " ".join((text or "").split("\f")[0].split("\n\n")[0].split())
    if "[default" in text:
        text = text[: text.index("[default")].strip()
    for end in (". ", "; "):
        if end in text:
            text = text[: text.index(end)]
    return text.rstrip(".").strip()


def _choices(param: Any) -> tuple[str, ...] | None:
    import enum
    import typing

    # A click Choice (every typer builds one for an Enum or Literal); typer 0.29's own
    # type_descriptor is newer than the oldest typer the bounds allow.
    choices = getattr(getattr(param, "type", None), "choices", None)
    if choices:
        return tuple(str(getattr(c, "value", c)) for c in choices)
    descriptor = getattr(param, "type_descriptor", None)
    annotation = getattr(descriptor, "annotation", None)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return tuple(str(m.value) for m in annotation)
    if typing.get_origin(annotation) is typing.Literal:
        return tuple(str(a) for a in typing.get_args(annotation))
    return None


def _value(path: str, param: Any) -> str | tuple[str, ...] | None:
    from awsswitch.credentials.formats import FORMATS
    from awsswitch.shells import SUPPORTED

    if (path, param.name) in VALUES_BY_COMMAND:
        return VALUES_BY_COMMAND[path, param.name]
    if param.name == "shell":
        return tuple(SUPPORTED)
    if (path, param.name) == ("export", "format_"):
        return tuple(FORMATS)
    return _choices(param) or VALUES.get(param.name)


# An argument's help, from the declarations (some typer releases drop it from click's
# parameter): filled by load().
ARGUMENT_HELP: dict[tuple[str, str], str] = {}


def _command(path: str, click_command: Any) -> Command:
    from typer.core import TyperArgument

    command = Command(path, _first_sentence(click_command.help))
    for param in click_command.params:
        if getattr(param, "hidden", False):
            continue
        if isinstance(param, TyperArgument):
            command.arguments.append(
                Argument(
                    param.name,
                    _first_sentence(param.help or ARGUMENT_HELP.get((path, param.name))),
                    param.nargs == -1,
                )
            )
            command.arguments[-1].value = _value(path, param)
            continue
        names = sorted([*param.opts, *param.secondary_opts], key=lambda o: not o.startswith("--"))
        option = Option(names, _first_sentence(param.help), not param.is_flag)
        option.optional_value = OPTIONAL_VALUE.get((path, names[0]), "")
        option.value = _value(path, param) if option.takes_value else None
        command.options.append(option)
    command.options.append(Option(["--help", "-h"], "Show the help and exit", False))
    for name, sub in getattr(click_command, "commands", {}).items():
        if not sub.hidden:
            command.subcommands.append(_command(f"{path} {name}".strip(), sub))
    return command


def load() -> Command:
    sys.path.insert(0, str(ROOT))
    import typer
    from typer_grammar import argument_help

    from awsswitch.cli import app

    ARGUMENT_HELP.update(argument_help(app))
    return _command("", typer.main.get_command(app))


# -- bash -----------------------------------------------------------------------------------


def _plain(words: tuple[str, ...] | list[str]) -> str:
    """Words joined by spaces, each one that no shell needs quoted."""
    bad = [w for w in words if not w or not all(c.isalnum() or c in "._-" for c in w)]
    if bad:
        raise ValueError(f"completion words that would need quoting: {bad!r}")
    return " ".join(words)


def _bash_case(pattern_words: list[str]) -> str:
    return " | ".join(f'"{w}"' if not w or " " in w or "*" in w else w for w in pattern_words)


def bash(root: Command) -> str:
    spec, values = [], []
    for c in root.walk():
        subs = _plain([_leaf(s) for s in c.subcommands])
        words = []
        for o in c.options:
            for n in o.names:
                words.append(n + ("=" if o.takes_value else ""))
                if o.optional_value:
                    words.append(n + "=")
        spec.append(
            f"    {_bash_case([c.path])}) __awsswitch_cli_subs=({subs}); "
            f"__awsswitch_cli_words=({' '.join(words)}) ;;"
        )
    keys: dict[str | tuple[str, ...], list[str]] = {}
    for c in root.walk():
        prefix = f"{c.path} " if c.path else ""
        for n, a in enumerate(c.arguments, 1):
            if a.value:
                keys.setdefault(a.value, []).append(prefix + ("*" if a.many else str(n)))
        for o in c.options:
            if o.value:
                keys.setdefault(o.value, []).extend(prefix + n for n in o.names)
    for value, patterns in keys.items():
        if isinstance(value, tuple):
            action = f"kind=words; __awsswitch_cli_reply=({_plain(value)})"
        else:
            action = f"kind={value}"
        values.append(f"    {_bash_case(sorted(patterns))}) {action} ;;")
    return "\n".join(
        [
            "# shellcheck shell=bash",
            f"# bash completion for the awsswitch command. {GENERATED}",
            "# Installed as share/bash-completion/completions/awsswitch; `awsswitch init bash`",
            "# reads it from the package. What completes is shell/fragments/complete.bash.",
            "__awsswitch_cli_dir=${BASH_SOURCE[0]%/*}/../shell/fragments",
            "[[ -f ${__awsswitch_cli_dir}/complete.bash ]] ||",
            '    IFS= \\builtin read -r __awsswitch_cli_dir <<<"$(\\builtin compgen -G \\',
            '        "${BASH_SOURCE[0]%/share/*}/lib/python3*/*-packages/awsswitch/shell/fragments"'
            " ||",
            '        \\builtin true)"',
            "[[ ! -f ${__awsswitch_cli_dir}/complete.bash ]] ||"
            ' \\builtin source "${__awsswitch_cli_dir}/complete.bash"',
            "\\builtin unset __awsswitch_cli_dir",
            "",
            '# What each command accepts: its subcommands, its options ("=": takes a value).',
            "__awsswitch_cli_spec() {",
            "    case $1 in",
            *spec,
            "    *) __awsswitch_cli_subs=(); __awsswitch_cli_words=() ;;",
            "    esac",
            "}",
            "",
            "# What a value is (COMMAND OPTION, COMMAND ARGUMENT-NUMBER, COMMAND * for any):",
            "# profile or sso-session names, regions, or words (into __awsswitch_cli_reply).",
            "# shellcheck disable=SC2034 # kind, __awsswitch_cli_reply: read by _awsswitch",
            "__awsswitch_cli_value() {",
            '    kind=""',
            "    case $1 in",
            *values,
            "    esac",
            "}",
            "",
            "if ((BASH_VERSINFO[0] >= 4)) && \\builtin declare -F _awsswitch >/dev/null; then",
            "    \\builtin complete -F _awsswitch awsswitch",
            "fi",
            "",
        ]
    )


# -- zsh ------------------------------------------------------------------------------------


def _zq(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _zdesc(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace(":", "\\:")


def _zaction(value: str | tuple[str, ...] | None) -> str:
    if value is None:
        return " "
    if isinstance(value, tuple):
        return f"({_plain(value)})"
    return f"__awsswitch_cli_{value}"


def _zsh_option(o: Option) -> list[str]:
    desc = _zdesc(o.help)
    longs = [n for n in o.names if n.startswith("--")]
    exclusive = f"({' '.join(o.names)})" if len(o.names) > 1 else ""
    if o.optional_value:
        return [_zq(f"{longs[0]}=-[{desc}]::{o.optional_value}: ")]
    if o.names == ["--help", "-h"] or o.names == ["--version", "-V"]:
        exclusive = "(- *)"
    specs = []
    for n in o.names:
        if o.takes_value:
            eq = "=" if n.startswith("--") else ""
            specs.append(_zq(f"{exclusive}{n}{eq}[{desc}]:value:{_zaction(o.value)}"))
        else:
            specs.append(_zq(f"{exclusive}{n}[{desc}]"))
    return specs


def _zsh_function(c: Command, name: str) -> list[str]:
    specs = [spec for o in c.options for spec in _zsh_option(o)]
    for n, a in enumerate(c.arguments, 1):
        position = "*" if a.many else str(n)
        specs.append(_zq(f"{position}:{_zdesc(a.help) or a.name}:{_zaction(a.value)}"))
    lines = [f"{name}() {{"]
    if c.subcommands:
        lines += [
            "    local curcontext=$curcontext state line ret=1",
            "    local -a commands",
            "    commands=(",
            *(f"        {_zq(_leaf(s) + ':' + s.help)}" for s in c.subcommands),
            "    )",
            "    _arguments -C \\",
            *(f"        {spec} \\" for spec in specs),
            "        '1: :->command' '*:: :->args' && ret=0",
            "    case $state in",
            "    (command) _describe -t commands 'awsswitch command' commands && ret=0 ;;",
            "    (args)",
            "        curcontext=${curcontext%:*:*}:awsswitch-$words[1]:",
            "        case $words[1] in",
            *(f"        ({_leaf(s)}) {_zsh_name(s)} && ret=0 ;;" for s in c.subcommands),
            "        esac",
            "        ;;",
            "    esac",
            "    return ret",
        ]
    else:
        lines += ["    _arguments \\", *(f"        {spec} \\" for spec in specs[:-1])]
        lines.append(f"        {specs[-1]}")
    lines.append("}")
    return lines


def _leaf(c: Command) -> str:
    """The last word of a command's path (what is typed for it)."""
    return c.path.rpartition(" ")[2]


def _zsh_name(c: Command) -> str:
    return "_awsswitch" + "".join("_" + w.replace("-", "_") for w in c.path.split())


def zsh(root: Command) -> str:
    functions: list[str] = []
    for c in root.walk():
        functions += ["", *_zsh_function(c, _zsh_name(c))]
    return "\n".join(
        [
            "#compdef awsswitch",
            f"# zsh completion for the awsswitch command. {GENERATED}",
            "# Installed as share/zsh/site-functions/_awsswitch (put that folder on $fpath before",
            "# compinit); `awsswitch init zsh` autoloads it from the package. Names and regions",
            "# come from shell/fragments/complete.zsh (or the zsh integration when loaded).",
            "() {",
            "    local d",
            "    for d in ${1:A:h:h}/shell/fragments \\",
            "        ${1%/share/*}/lib/python3*/*-packages/awsswitch/shell/fragments(N/); do",
            "        [[ -f $d/complete.zsh ]] && { \\builtin source $d/complete.zsh; break }",
            "    done",
            "} ${(%):-%x}",
            *functions,
            "",
            '_awsswitch "$@"',
            "",
        ]
    )


# -- fish -----------------------------------------------------------------------------------


def _fq(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fish_values(value: str | tuple[str, ...] | None) -> str:
    if isinstance(value, tuple):
        return _fq(_plain(value))
    if value == "regions":
        return "'$__awsswitch_regions'"
    return _fq(f"(__awsswitch_names {value} (commandline -ct))")


def fish(root: Command) -> str:
    groups = [c.path for c in root.walk() if c.subcommands and c.path]
    valued = sorted({n for c in root.walk() for o in c.options if o.takes_value for n in o.names})
    lines = []
    for c in root.walk():
        at = f"-n '__awsswitch_cli_at \"{c.path}\"'"
        lines.append("")
        lines.append(f"# awsswitch {c.path}".rstrip())
        for s in c.subcommands:
            word = _leaf(s)
            lines.append(f"complete -c awsswitch {at} -a {word} -d {_fq(s.help)}")
        for o in c.options:
            flags = " ".join(
                f"-l {n[2:]}" if n.startswith("--") else f"-s {n[1:]}" for n in o.names
            )
            extra = (
                f" -x -a {_fish_values(o.value)}" if o.value else (" -x" if o.takes_value else "")
            )
            lines.append(f"complete -c awsswitch {at} {flags}{extra} -d {_fq(o.help)}")
        for n, a in enumerate(c.arguments, 1):
            if a.value:
                where = f'"{c.path}"' + ("" if a.many else f" {n}")
                cond = f"-n '__awsswitch_cli_at {where}'"
                lines.append(
                    f"complete -c awsswitch {cond} -a {_fish_values(a.value)} -d {_fq(a.help)}"
                )
    return "\n".join(
        [
            f"# fish completion for the awsswitch command. {GENERATED}",
            "# Installed as share/fish/vendor_completions.d/awsswitch.fish; `awsswitch init fish`",
            "# puts the package's completions folder on fish_complete_path. What completes is",
            "# shell/fragments/complete.fish, with names and regions from the fish integration",
            "# when it is loaded.",
            "set -l __awsswitch_file (status current-filename)",
            "for __awsswitch_d in"
            " (string replace -r '/[^/]*$' '' -- $__awsswitch_file)/../shell/fragments \\",
            "    (string replace -r '/share/.*' '' -- $__awsswitch_file)/lib/python3*/*-packages/"
            "awsswitch/shell/fragments",
            "    builtin test -f $__awsswitch_d/complete.fish",
            "    and source $__awsswitch_d/complete.fish",
            "    and break",
            "end",
            f"set -g __awsswitch_cli_groups {' '.join(_fq(g) for g in groups)}",
            f"set -g __awsswitch_cli_valued {_plain(valued)}",
            "complete -c awsswitch -f",
            *lines,
            "",
        ]
    )


# -- main -----------------------------------------------------------------------------------


def render() -> dict[str, str]:
    root = load()
    return {"awsswitch.bash": bash(root), "_awsswitch": zsh(root), "awsswitch.fish": fish(root)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate completions/ from the typer app.")
    parser.add_argument("--check", action="store_true", help="fail if a file is out of date")
    args = parser.parse_args(argv)
    stale = []
    for name, text in render().items():
        path = OUTPUT / name
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current == text:
            continue
        stale.append(name)
        if not args.check:
            path.write_text(text, encoding="utf-8")
    if args.check and stale:
        print(
            f"completions/{', completions/'.join(stale)} out of date: "
            "run python scripts/gen_completions.py",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
