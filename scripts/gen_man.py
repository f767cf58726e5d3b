"""Generate man/awsswitch.1 from the same source as `--help`.

The command sections come from the typer app (`awsswitch.cli.app`, introspected through
`typer.main.get_command`): every command, argument and option with its help text, so the man
page cannot drift from `--help`. The `asw` forms come from the switch core's own `asw -h` text
(`awsswitch.switch.core.HELP`). DESCRIPTION, SHELL INTEGRATION, ENVIRONMENT, FILES, EXIT STATUS
and SEE ALSO are written here by hand.

The output is plain ASCII roff (man macros) and depends only on the checkout: no date, no
locale, no terminal width. tests/e2e/test_docs.py checks that the committed page equals a
fresh generation.

    python scripts/gen_man.py            # write man/awsswitch.1
    python scripts/gen_man.py --check    # exit 1 if man/awsswitch.1 is out of date
    python scripts/gen_man.py --stdout   # print it
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "man" / "awsswitch.1"

# Characters the hand-written text and help texts use, as roff escapes (output stays ASCII).
_GLYPHS = {
    "\u2026": "...",  # …
    "\u2192": "\\(->",  # →
    "\u2014": "\\(em",  # —
    "\u2013": "\\(en",  # –
    "\u2264": "\\(<=",  # ≤
    "\u2265": "\\(>=",  # ≥
    "\u00d7": "\\(mu",  # ×
    "\u2018": "\\(oq",
    "\u2019": "\\(cq",
    "\u201c": "\\(lq",
    "\u201d": "\\(rq",
}


# -- roff text ------------------------------------------------------------------------------


def esc(text: str) -> str:
    """Escape plain text for roff: backslashes, hyphens (as minus signs, so options can be
    copied), non-ASCII characters, and a control character at the start of a line."""
    out = []
    for ch in text.replace("\\", "\\e").replace("-", "\\-"):
        if ord(ch) < 128:
            out.append(ch)
        else:
            out.append(_GLYPHS.get(ch) or f"\\[u{ord(ch):04X}]")
    return _guard_lines("".join(out))


def _guard_lines(text: str) -> str:
    # A line starting with . or ' would be read as a request.
    return "\n".join("\\&" + line if line[:1] in (".", "'") else line for line in text.split("\n"))


def inline(text: str) -> str:
    """Escape text, with `code` in bold and *words* in italics (markdown-like)."""
    parts = re.split(r"(`[^`]+`|\*[^*\s][^*]*\*)", text)
    out = []
    for part in parts:
        if len(part) > 1 and part[0] == part[-1] == "`":
            out.append("\\fB" + esc(part[1:-1]) + "\\fR")
        elif len(part) > 2 and part[0] == part[-1] == "*":
            out.append("\\fI" + esc(part[1:-1]) + "\\fR")
        else:
            out.append(esc(part))
    return _guard_lines("".join(out))


def para(text: str) -> str:
    return ".PP\n" + inline(" ".join(text.split()))


def item(term: str, text: str) -> str:
    return ".TP\n" + inline(term) + "\n" + inline(" ".join(text.split()))


def example(lines: list[str]) -> str:
    body = "\n".join(esc(line) for line in lines)
    return f".PP\n.RS 4\n.nf\n{body}\n.fi\n.RE"


def section(title: str, *blocks: str) -> str:
    return f".SH {title}\n" + "\n".join(blocks)


# -- from the typer app ---------------------------------------------------------------------


def _help_blocks(help_text: str | None) -> list[str]:
    """A click help text as roff: paragraphs reflowed, `\\b` paragraphs kept verbatim."""
    text = (help_text or "").split("\f")[0].strip()
    blocks = []
    for chunk in re.split(r"\n\s*\n", text):
        if not chunk.strip():
            continue
        if chunk.startswith("\b"):
            lines = chunk.split("\n")[1:]
            indent = min((len(ln) - len(ln.lstrip()) for ln in lines if ln.strip()), default=0)
            blocks.append(example([ln[indent:] for ln in lines]))
        else:
            blocks.append(para(chunk))
    return blocks


def _value_word(param: Any) -> str:
    """The metavar, or the parameter's name in capitals (`format_` -> FORMAT)."""
    return param.metavar or param.name.strip("_").upper()


def _argument_word(param: Any) -> str:
    word = _value_word(param)
    if param.nargs == -1:
        word += "..."
    return word if param.required else f"[{word}]"


def _limit(param: Any, key: str) -> Any:
    # typer >= 0.25 keeps min/max on the parameter; older ones inside a click range type.
    value = getattr(param, key, None)
    return value if value is not None else getattr(getattr(param, "type", None), key, None)


def _option_item(param: Any) -> str:
    names = ", ".join(
        "\\fB" + esc(o) + "\\fR"
        for o in sorted(param.opts, key=lambda o: (o.startswith("--"), o))
        + list(param.secondary_opts)
    )
    if not param.is_flag:
        names += " \\fI" + esc(_value_word(param)) + "\\fR"
    help_text = " ".join((param.help or "").split())
    notes = []
    if (
        not param.is_flag
        and param.default is not None
        and param.show_default is not False
        and "[default" not in help_text
    ):
        notes.append(f"default: {param.default}")
    low, high = _limit(param, "min"), _limit(param, "max")
    if low is not None:
        notes.append(f"at least {low}")
    if high is not None:
        notes.append(f"at most {high}")
    if notes:
        help_text += " [" + "; ".join(notes) + "]"
    return ".TP\n" + names + "\n" + inline(help_text)


# Commands whose `--help` their own parser prints (cli.py declares them with no help option):
# the man page shows that text, the one users see.
OWN_HELP = {"exec": "awsswitch.commands.exec_"}


def _own_help_blocks(path: str, command: Any) -> list[str]:
    """The `--help` text of a command that parses its own arguments: the usage line as the
    synopsis, indented paragraphs kept as they are, the others reflowed."""
    from importlib import import_module

    if path not in OWN_HELP:
        raise SystemExit(
            f"gen_man.py: `awsswitch {path}` prints its own --help: add it to OWN_HELP"
        )
    usage, _, body = import_module(OWN_HELP[path]).HELP.strip().partition("\n\n")
    blocks = [
        f'.SS "{esc("awsswitch " + path)}"',
        ".PP\n\\fB" + esc(usage.removeprefix("usage: ")) + "\\fR",
        _help_blocks(command.help)[0],
    ]
    for chunk in re.split(r"\n\s*\n", body):
        lines = chunk.split("\n")
        if any(line.startswith("  ") for line in lines):
            indent = min(len(ln) - len(ln.lstrip()) for ln in lines if ln.strip())
            blocks.append(example([ln[indent:] for ln in lines]))
        else:
            blocks.append(para(chunk))
    return blocks


# An argument's help, from the declarations (some typer releases drop it from click's
# parameter): filled by render().
ARGUMENT_HELP: dict[tuple[str, str], str] = {}


def _command_blocks(path: str, command: Any) -> list[str]:
    from typer.core import TyperArgument

    if (getattr(command, "context_settings", None) or {}).get("help_option_names") == []:
        return _own_help_blocks(path, command)

    arguments = [p for p in command.params if isinstance(p, TyperArgument)]
    options = [p for p in command.params if not isinstance(p, TyperArgument) and not p.hidden]
    synopsis = "\\fBawsswitch " + esc(path) + "\\fR"
    if options:
        synopsis += " [\\fIOPTIONS\\fR]"
    for arg in arguments:
        synopsis += " \\fI" + esc(_argument_word(arg)) + "\\fR"
    blocks = [f'.SS "{esc("awsswitch " + path)}"', ".PP\n" + synopsis, *_help_blocks(command.help)]
    for arg in arguments:
        blocks.append(
            ".TP\n\\fI"
            + esc(_argument_word(arg))
            + "\\fR\n"
            + inline(" ".join((arg.help or ARGUMENT_HELP.get((path, arg.name), "")).split()))
        )
    blocks.extend(_option_item(opt) for opt in options)
    return blocks


def _commands(group: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """(path, command) for every visible command, in the order the app registers them,
    subcommands of a group (`configure`) in place of the group."""
    found: list[tuple[str, Any]] = []
    for name, command in group.commands.items():
        if getattr(command, "hidden", False):
            continue
        path = f"{prefix}{name}"
        if hasattr(command, "commands"):
            found.extend(_commands(command, path + " "))
        else:
            found.append((path, command))
    return found


def commands_section(app_command: Any) -> str:
    blocks = [
        para(
            "Every command takes `-h`, `--help`. Messages go to standard error; only the "
            "output a command exists for (shell code, a listing, a diff) goes to standard output."
        )
    ]
    for path, command in _commands(app_command):
        blocks.extend(_command_blocks(path, command))
    return section("COMMANDS", *blocks)


def global_options(app_command: Any) -> str:
    blocks = [_option_item(p) for p in app_command.params if not p.hidden]
    blocks.append(".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nShow the help and exit.")
    return section("OPTIONS", *blocks)


# -- from the switch core -------------------------------------------------------------------


def asw_forms(help_text: str) -> list[str]:
    """The `asw` usage lines of the core's help as .TP items; its closing text as paragraphs."""
    blocks = []
    usage, _, rest = help_text.format(cmd="asw").partition("\n\n")
    for line in usage.splitlines():
        line = line.strip()
        if line.startswith("usage:"):
            line = line[len("usage:") :].strip()
        # "FORM   meaning": two or more spaces separate them.
        match = re.match(r"(.*?\S)\s{2,}(\S.*)$", line)
        form, meaning = match.groups() if match else (line, "")
        blocks.append(".TP\n\\fB" + esc(form) + "\\fR\n" + inline(meaning))
    blocks.extend(para(p) for p in rest.split("\n\n") if p.strip())
    return blocks


# -- the page -------------------------------------------------------------------------------


def render() -> str:
    sys.path.insert(0, str(ROOT))
    import typer
    from typer_grammar import argument_help

    from awsswitch import __version__
    from awsswitch.cli import app
    from awsswitch.switch.core import HELP

    ARGUMENT_HELP.update(argument_help(app))
    app_command = typer.main.get_command(app)
    page = [
        '.\\" Generated by scripts/gen_man.py from the typer app; do not edit by hand.',
        f'.TH AWSSWITCH 1 "" "awsswitch {esc(__version__)}" "User Commands"',
        ".nh",  # no hyphenation: option names and profile names must read as typed
        ".ad l",
        section(
            "NAME", "awsswitch, asw \\- switch AWS profiles in bash, zsh and fish, SSO\\-aware"
        ),
        section(
            "SYNOPSIS",
            ".nf",
            "\\fBawsswitch\\fR \\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIARGUMENTS\\fR]",
            "\\fBasw\\fR [\\fINAME\\fR] [\\fB\\-r\\fR \\fIREGION\\fR] [\\fB\\-\\-no\\-login\\fR]",
            "\\fBasw\\fR \\fB\\-\\fR | \\fB\\-u\\fR | \\fB\\-l\\fR | \\fB\\-h\\fR",
            ".fi",
        ),
        section("DESCRIPTION", *DESCRIPTION, *_help_blocks(app_command.help)[1:]),
        global_options(app_command),
        commands_section(app_command),
        section("SHELL INTEGRATION", *SHELL_INTEGRATION, *asw_forms(HELP), *SHELL_EFFECTS),
        section("ENVIRONMENT", *ENVIRONMENT),
        section("FILES", *FILES),
        section("EXIT STATUS", *EXIT_STATUS),
        section("SEE ALSO", *SEE_ALSO),
    ]
    text = "\n".join(page) + "\n"
    text.encode("ascii")  # the page must stay plain ASCII roff
    return text


# -- hand-written sections ------------------------------------------------------------------

DESCRIPTION = [
    para(
        "awsswitch switches AWS profiles in the current shell. `awsswitch init` prints a small "
        "shell function, `asw`; `asw NAME` resolves NAME against the profiles in "
        "*~/.aws/config*, makes the profile's IAM Identity Center (SSO) token fresh when it "
        "needs it (nothing when it is fresh, a silent refresh when a refresh token allows it, "
        "one login otherwise), then sets `AWS_PROFILE` and the region in the shell and clears "
        "the variables that would override it."
    ),
    para(
        "It never exports static keys and never edits a shell startup file. It writes "
        "*~/.aws/config* only when asked to (`configure`, `sync`): only the lines it means to "
        "change change, atomically, under a lock. Tokens live in the AWS CLI v2's own cache, "
        "so the AWS CLI, the SDKs and awsswitch share one login."
    ),
]

SHELL_INTEGRATION = [
    para("Add one line to the shell's startup file:"),
    item("bash (*~/.bashrc*)", '`eval "$(awsswitch init bash)"`'),
    item("zsh (*~/.zshrc*)", '`eval "$(awsswitch init zsh)"`'),
    item("fish (*~/.config/fish/config.fish*)", "`awsswitch init fish | source`"),
    para(
        "`init` takes `--cmd NAME` (name the function NAME instead of `asw`), `--prompt` (put "
        "the profile segment in front of the prompt), `--aliases[=PREFIX]` (one alias per "
        "profile) and `--auto` (switch to the profile a directory's *.awsprofile* names on "
        "`cd`, once it is allowed with `awsswitch allow`). It also registers TAB completion "
        "for `asw` and for `awsswitch`. Completing a profile name starts no Python process."
    ),
    para("The function it defines takes these forms:"),
]

SHELL_EFFECTS = [
    para(
        "A switch sets `AWS_PROFILE`; removes `AWS_DEFAULT_PROFILE`, `AWS_ACCESS_KEY_ID`, "
        "`AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_SECURITY_TOKEN`, "
        "`AWS_CREDENTIAL_EXPIRATION`, `AWS_SESSION_EXPIRATION`, `AWSUME_PROFILE`, "
        "`AWSUME_EXPIRATION`, `AWSU_PROFILE` and `AWS_SSO_PROFILE`; exports `AWS_REGION` and "
        "`AWS_DEFAULT_REGION` when the profile or `-r` names a region (otherwise it removes "
        "them only if they still hold the value awsswitch set); and warns when `AWS_VAULT` is "
        "set. On any status but 0 the shell's environment is left exactly as it was."
    ),
    para(
        "Off a terminal `asw` never starts a login and never opens the picker: it fails with "
        "a hint, or lists the candidates and exits with status 2."
    ),
]

ENVIRONMENT = [
    para("Variables you may set:"),
    item(
        "`AWSSWITCH_AWS_CLI`",
        "Which AWS CLI logs in: a path or command name, or `native` for the built-in login."
        " Unset: `aws` from `PATH` if it is version 2, else the built-in flow.",
    ),
    item(
        "`AWSSWITCH_PICKER`",
        "`fzf` or `builtin`: the picker `asw` opens. Default: fzf when it is installed.",
    ),
    item(
        "`AWSSWITCH_CACHE_DIR`",
        "awsswitch's cache folder (profile index, completion names file). Default: "
        "*$XDG_CACHE_HOME/awsswitch*, that is *~/.cache/awsswitch*.",
    ),
    item(
        "`AWSSWITCH_DEBUG`",
        "When set to `1`, a failure also prints the Python traceback on standard error. "
        "Tokens and secrets are never printed.",
    ),
    item(
        "`AWSSWITCH_FEDERATION_ENDPOINT`",
        "The federation endpoint `console` signs in through, instead of AWS's (the demo and "
        "the tests use the bundled stand-in's).",
    ),
    para("Variables the shell integration sets (exported, so child shells inherit them):"),
    item(
        "`AWSSWITCH_SHELL`",
        "Set by the code `init` prints: the shell it was loaded into (`bash`, `zsh`, `fish`), "
        "so that child processes such as `doctor` know `asw` exists there.",
    ),
    item("`AWSSWITCH_PROFILE`", "Set by `asw`: the profile awsswitch switched to."),
    item("`AWSSWITCH_SHORT`", "Its short name, as the prompt shows it."),
    item(
        "`AWSSWITCH_TOKEN_FILE`",
        "The SSO token cache file of its session; unset for profiles without SSO.",
    ),
    item(
        "`AWSSWITCH_LOGIN_FILE`",
        "The cache file of its `aws login` console session (its own `login_session` or that of "
        "its `source_profile` chain); unset for other profiles.",
    ),
    item(
        "`AWSSWITCH_REGION`",
        "The region awsswitch exported, so that only that value is ever removed.",
    ),
    item("`AWSSWITCH_PREVIOUS`", "The profile `asw -` goes back to."),
    item(
        "`AWSSWITCH_PROFILE_SOURCE`",
        "`dir:FOLDER` when that folder's *.awsprofile* chose the profile (`init --auto`); "
        "removed by a switch by hand.",
    ),
    item(
        "`AWSSWITCH_AUTO_RESTORE`",
        "What leaving the last per-directory tree brings back: `none` or `profile:NAME`.",
    ),
    item(
        "`AWSSWITCH_AUTO_REGION`",
        "awsswitch's region override from before that tree, restored on leaving it.",
    ),
    para("Variables the prompt hook sets (bash and zsh; not exported):"),
    item("`AWSSWITCH_PROMPT`", "The prompt segment, e.g. `aws:home.poweruser~`."),
    item(
        "`AWSSWITCH_TOKEN_STATE`",
        "`fresh`, `refreshable` or `login-needed` for an SSO profile or a console session "
        "(bash, zsh and fish); empty otherwise.",
    ),
    para("Set inside `awsswitch demo` only:"),
    item("`AWSSWITCH_DEMO`", "The sandbox folder of the demo shell."),
    para("AWS variables awsswitch reads:"),
    item("`AWS_CONFIG_FILE`", "The config file. Default: *~/.aws/config*."),
    item(
        "`AWS_SHARED_CREDENTIALS_FILE`",
        "The credentials file. Default: *~/.aws/credentials*.",
    ),
    item(
        "`AWS_PROFILE`",
        "The active profile; the default NAME of `configure profile`, `status` and `login`.",
    ),
    item(
        "`AWS_ENDPOINT_URL_SSO`, `AWS_ENDPOINT_URL_SSO_OIDC`",
        "Endpoints of the SSO portal and OIDC APIs, as botocore reads them (the demo and the "
        "tests point them at the local stand-in).",
    ),
]

FILES = [
    item(
        "*~/.aws/config*",
        "Profiles and sso-sessions; read with botocore's rules, written only by `configure` "
        "and `sync`.",
    ),
    item("*~/.aws/credentials*", "Read for profiles with keys; never written."),
    item(
        "*~/.aws/sso/cache/*",
        "SSO tokens (*<sha1 of the session name>.json*) and client registrations, in the AWS "
        "CLI v2's format, mode 0600.",
    ),
    item(
        "*~/.aws/cli/cache/*",
        "Role credentials, cached as the AWS CLI v2 caches them and shared with it (`export`, "
        "`exec`, `serve`, `console`); `logout` removes those of the session's profiles.",
    ),
    item(
        "*~/.cache/awsswitch/*",
        "awsswitch's own cache: `index-*.marshal` (the parsed profile index) and `names` (the "
        "names TAB completion reads). Safe to delete at any time.",
    ),
    item(
        "`share/bash-completion/completions/awsswitch`, `share/zsh/site-functions/_awsswitch`, "
        "`share/fish/vendor_completions.d/awsswitch.fish`",
        "Completion files for system installs, under the installation prefix.",
    ),
]

EXIT_STATUS = [
    item("0", "Success."),
    item("1", "Failure: the login failed, a file cannot be read, parsed or written, ..."),
    item("2", "Bad usage, or no profile (or several) matches the name."),
    item("130", "Interrupted: Ctrl-C, or the picker was cancelled."),
]

SEE_ALSO = [
    para(
        "*aws*(1), *fzf*(1). The guides in the *docs/* folder of the source: shell "
        "integration, SSO, sync, credentials, configuration and files, troubleshooting, "
        "doctor, design."
    )
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate man/awsswitch.1.")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--check", action="store_true", help="fail if the page is out of date")
    group.add_argument("--stdout", action="store_true", help="print the page")
    args = parser.parse_args(argv)
    text = render()
    if args.stdout:
        sys.stdout.write(text)
        return 0
    if args.check:
        current = OUTPUT.read_text(encoding="ascii") if OUTPUT.exists() else ""
        if current != text:
            print(
                f"{OUTPUT.relative_to(ROOT)} is out of date: run python scripts/gen_man.py",
                file=sys.stderr,
            )
            return 1
        return 0
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(text, encoding="ascii")
    return 0


if __name__ == "__main__":
    sys.exit(main())
