"""`list` and `status` are parsed in __main__.py without typer; typer's declarations in cli.py
stay the grammar (help, completions). These tests keep the two from drifting: the fast
parser knows exactly the options typer declares, accepts nothing typer would reject, and
both paths print the same thing."""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from support.configs import HOME_CONFIG

from awsswitch.__main__ import SIMPLE, parse_simple
from awsswitch.cli import app

HELP = {"-h", "--help"}


def _typer_command(name: str):
    return typer.main.get_command(app).commands[name]


def _is_argument(param) -> bool:
    return param.param_type_name == "argument"


def _declared(name: str) -> tuple[set[str], list]:
    """(option strings, positional parameters) typer declares for `awsswitch NAME`."""
    params = _typer_command(name).params
    options = {o for p in params if not _is_argument(p) for o in (*p.opts, *p.secondary_opts)}
    return options, [p for p in params if _is_argument(p)]


@pytest.mark.parametrize("name", sorted(SIMPLE))
def test_fast_parser_knows_exactly_the_declared_options(name: str):
    flags, most = SIMPLE[name]
    options, arguments = _declared(name)
    assert set(flags) == options - HELP
    assert most == len(arguments)
    cmd = _typer_command(name)
    for param in cmd.params:
        if _is_argument(param):
            # one optional value each: what parse_simple assumes
            assert param.nargs == 1 and not param.required, param.name
        elif set(param.opts) & set(flags):
            assert param.is_flag and not param.multiple, param.name


def _typer_parse(name: str, args: list[str]) -> dict | None:
    """What typer's parser makes of `awsswitch NAME ARGS` (None when it rejects them)."""
    cmd = _typer_command(name)
    try:
        ctx = cmd.make_context(f"awsswitch {name}", list(args))
    except Exception as exc:  # click's UsageError, whichever click typer runs on
        if type(exc).__name__ in ("Exit", "NoArgsIsHelpError"):  # --help
            return None
        assert any(c.__name__ == "UsageError" for c in type(exc).__mro__), repr(exc)
        return None
    return dict(ctx.params)


TOKENS = ["--json", "--verify", "--", "-", "p", "a.b", "", "-x", "--bogus", "-h", "--help"]
TOKENS += ["--json=1", "--verify=yes", "-json"]


@pytest.mark.parametrize("name", sorted(SIMPLE))
@settings(max_examples=300, deadline=None)
@given(args=st.lists(st.sampled_from(TOKENS), max_size=4))
def test_fast_parser_agrees_with_typer(name: str, args: list[str]):
    """The fast parser accepts exactly what typer accepts, with the same values; what it
    declines goes to typer, which rejects it or shows the help."""
    fast = parse_simple(name, args)
    slow = _typer_parse(name, args)
    if fast is None:
        assert slow is None, (args, slow)
        return
    assert slow is not None, args
    flags, positionals = fast
    for param in _typer_command(name).params:
        if _is_argument(param):
            assert slow[param.name] == (positionals[0] if positionals else None)
        elif param.is_flag:
            assert slow[param.name] == bool(set(param.opts) & flags)


def test_fast_parser_examples():
    assert parse_simple("list", []) == (set(), [])
    assert parse_simple("list", ["--json", "--json"]) == ({"--json"}, [])
    assert parse_simple("list", ["--help"]) is None
    assert parse_simple("list", ["x"]) is None
    assert parse_simple("status", ["--", "-weird"]) == (set(), ["-weird"])
    assert parse_simple("status", ["-"]) == (set(), ["-"])
    assert parse_simple("status", ["p", "--verify"]) == ({"--verify"}, ["p"])
    assert parse_simple("status", ["a", "b"]) is None
    assert parse_simple("status", ["--verify=1"]) is None


CONFIG = HOME_CONFIG + "\n[profile keys]\nregion = us-east-1\n"

# The real entry point with the fast parsers switched off: every command goes through typer.
VIA_TYPER = """
import sys
import awsswitch.__main__ as entry
entry.SIMPLE.clear()
sys.exit(entry.main(sys.argv[1:]))
"""


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["list"], {}),
        (["list", "--json"], {"AWS_PROFILE": "keys"}),
        (["status"], {}),
        (["status"], {"AWS_PROFILE": "awsprofile.home.poweruser"}),
        (["status", "home.poweruser"], {"AWS_PROFILE": "keys"}),
        (["status", "no-such-profile"], {}),
        (["status"], {"AWS_PROFILE": "gone"}),
    ],
)
def test_fast_path_prints_what_typer_path_prints(sandbox, args: list[str], env: dict):
    sandbox.write_config(CONFIG)
    runs = []
    for argv in ([sys.executable, "-m", "awsswitch", *args], [sys.executable, "-c", VIA_TYPER]):
        if argv[1] == "-c":
            argv = [*argv, *args]
        proc = subprocess.run(
            argv, env={**sandbox.env, **env}, capture_output=True, text=True, timeout=60
        )
        runs.append((proc.returncode, proc.stdout, proc.stderr))
    fast, slow = runs
    assert fast == slow
    assert fast[1] or fast[2]  # printed something


# `export` has its own stdlib parser (a warm export must stay near bare Python's start-up);
# its grammar must stay typer's.
EXPORT_CASES = [
    [],
    ["p"],
    ["--format", "fish"],
    ["-f", "dotenv", "p"],
    ["--format=process", "p"],
    ["p", "--format", "powershell"],
    ["--", "-odd-name"],
    ["--format"],
    ["--bogus"],
    ["a", "b"],
    ["--format", "nope"],
]


def test_export_parser_knows_exactly_the_declared_options():
    from awsswitch.commands import export

    options, arguments = _declared("export")
    assert options - HELP == {"--format", "-f"}
    assert len(arguments) == 1
    choices = set(export.formats.FORMATS)
    assert "env" in choices and "process" in choices


@pytest.mark.parametrize("args", EXPORT_CASES, ids=lambda a: " ".join(a) or "(none)")
def test_export_parser_accepts_what_typer_accepts(args: list[str]):
    from awsswitch.commands import export
    from awsswitch.errors import UsageError

    typer_ok = _typer_parse("export", args) is not None
    try:
        opts = export.parse(args)
        fast_ok = True
    except UsageError:
        fast_ok = False
    # typer takes any --format string; the fast parser also checks it is a known format.
    if typer_ok and not fast_ok:
        assert "--format" in " ".join(args) and "nope" in args
    else:
        assert fast_ok == typer_ok
    if fast_ok:
        assert opts.profile == _typer_parse("export", args)["profile"]
