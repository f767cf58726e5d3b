"""Programs and shells around the profile: the AWS CLI on PATH, awsswitch's own shell
integration, and fish universal variables that come back after every switch."""

from __future__ import annotations

import os
from collections.abc import Mapping

from awsswitch import files, paths
from awsswitch.doctor.facts import SHELL_MARKER, Facts
from awsswitch.doctor.model import INFO, PROBLEM, Finding
from awsswitch.shells import SUPPORTED, get_shell
from awsswitch.shells.base import is_var_name, read_template
from awsswitch.sso import cli_login

MAX_CLIS = 4  # `aws` programs on PATH whose version is asked (each is a process)
# cli_login owns these facts about the AWS CLI (2.9.0 brought --sso-session).
SSO_SESSION_SINCE = cli_login._SSO_SESSION_SINCE
_NATIVE = cli_login._NATIVE_VALUES
_RC_LIMIT = 1024 * 1024
_UNIVERSAL_PREFIXES = ("AWS_", "AWSUME_", "AWSU_", "AWSSWITCH_")
_SECRET_PARTS = ("KEY", "SECRET", "TOKEN")


def _clis(facts: Facts) -> list[tuple[str, tuple[int, int, int] | None]]:
    """Every distinct `aws` on PATH, in PATH order, with its version (None: not the CLI)."""
    found: list[tuple[str, tuple[int, int, int] | None]] = []
    seen: set[str] = set()
    for folder in facts.env.get("PATH", os.defpath).split(os.pathsep):
        path = os.path.join(folder or ".", "aws")
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            continue
        real = os.path.realpath(path)
        if real in seen:
            continue
        seen.add(real)
        found.append((path, cli_login.version_of(path, facts.env)))
        if len(found) >= MAX_CLIS:
            break
    return found


def _v(version: tuple[int, int, int]) -> str:
    return ".".join(map(str, version))


def check_cli(facts: Facts, out: list[Finding]) -> None:
    configured = facts.env.get(cli_login.ENV_VAR, "")
    native = configured.strip().lower() in _NATIVE
    if configured and not native and facts.ctx.which(configured) is None:
        out.append(
            Finding(
                "awsswitch-aws-cli",
                PROBLEM,
                f"{cli_login.ENV_VAR}={configured} names no program on PATH",
                "awsswitch falls back to its built-in login flow",
                fix=facts.fixes.unset([cli_login.ENV_VAR]),
                subject=cli_login.ENV_VAR,
            )
        )
    clis = _clis(facts)
    if not clis:
        out.append(
            Finding(
                "aws-cli-missing",
                INFO,
                "no AWS CLI (`aws`) on PATH",
                "awsswitch logs in with its built-in flow; tools that run `aws` (kubectl's "
                "`aws eks get-token`) fail",
                hint="install the AWS CLI v2",
                subject="aws",
            )
        )
        return
    first, version = clis[0]
    good = [p for p, v in clis[1:] if v is not None and v >= SSO_SESSION_SINCE]
    fix = facts.fixes.prepend_path(os.path.dirname(good[0])) if good else None
    hint = None if good else "install or upgrade the AWS CLI v2 (2.9.0 or later)"
    if version is None:
        out.append(
            Finding(
                "aws-cli-unknown",
                PROBLEM,
                f"`aws` on PATH ({first}) does not answer `aws --version` as the AWS CLI does",
                "commands and tools that run `aws` do not get the AWS CLI",
                fix=fix,
                hint=hint,
                subject=first,
            )
        )
    elif version[0] < 2:
        out.append(
            Finding(
                "aws-cli-v1",
                PROBLEM,
                f"`aws` on PATH is the AWS CLI v1 ({_v(version)}, {first})",
                "it has no `aws sso login`, reads AWS_DEFAULT_PROFILE before AWS_PROFILE and "
                "ignores AWS_REGION: `aws` commands may use another profile or region than "
                "the prompt shows",
                fix=fix,
                hint=hint,
                subject=first,
                details={"version": _v(version)},
            )
        )
    elif version < SSO_SESSION_SINCE:
        out.append(
            Finding(
                "aws-cli-old",
                PROBLEM,
                f"`aws` on PATH is the AWS CLI {_v(version)} ({first}), older than 2.9.0",
                "it knows no `--sso-session` and cannot log in or refresh sso-session profiles",
                fix=fix,
                hint=hint,
                subject=first,
                details={"version": _v(version)},
            )
        )


# -- the shell integration -------------------------------------------------------------------


def rc_files(shell: str, env: Mapping[str, str]) -> list[str]:
    home = paths.home(env)
    get = env.get
    if shell == "fish":
        base = os.path.join(get("XDG_CONFIG_HOME") or os.path.join(home, ".config"), "fish")
        found = [os.path.join(base, "config.fish")]
        try:
            names = os.listdir(os.path.join(base, "conf.d"))
        except OSError:
            names = []
        conf_d = sorted(n for n in names if n.endswith(".fish"))[:200]
        return found + [os.path.join(base, "conf.d", n) for n in conf_d]
    if shell == "zsh":
        base = get("ZDOTDIR") or home
        return [os.path.join(base, n) for n in (".zshrc", ".zshenv", ".zprofile", ".zlogin")]
    return [os.path.join(home, n) for n in (".bashrc", ".bash_profile", ".bash_login", ".profile")]


def _mentions_init(path: str) -> bool:
    try:
        return b"awsswitch init" in files.read_bytes(path, _RC_LIMIT)
    except (OSError, files.FileFault, ValueError):
        return False


def _templates_mark(shell: str) -> bool:
    """Whether this version's integration exports the marker (then its absence is proof):
    the code `awsswitch init SHELL` prints, fragments included."""
    try:
        code = get_shell(shell).render(exe=["awsswitch"], cmd="asw", prompt=False)
    except Exception:  # a template that cannot be rendered here: its own text, at least
        try:
            code = read_template(f"asw.{shell}")
        except OSError:
            return False
    return SHELL_MARKER in code


def _tilde(path: str, home: str) -> str | None:
    rest = path[len(home) :] if home and path.startswith(home.rstrip("/") + "/") else None
    return (
        "~" + rest if rest is not None and all(c.isalnum() or c in "/._-" for c in rest) else None
    )


def check_integration(facts: Facts, out: list[Finding]) -> None:
    env = facts.env
    shell = facts.shell
    marker = env.get(SHELL_MARKER)
    rcs = rc_files(shell, env)
    in_rc = any(_mentions_init(p) for p in rcs)
    nested = (
        marker in SUPPORTED and facts.parent_shell in SUPPORTED and marker != facts.parent_shell
    )
    if marker and not nested:
        return
    if not marker and not _templates_mark(shell) and (in_rc or env.get("AWSSWITCH_PROFILE")):
        return  # an integration without the marker: no proof either way
    line = f'eval "$(awsswitch init {shell})"'
    if shell == "fish":
        line = "awsswitch init fish | source"
    rc = rcs[0]
    load = line
    if not in_rc:
        shown = _tilde(rc, paths.home(env)) or facts.fixes.word(rc)
        load = f"echo {facts.fixes.word(line)} >> {shown}; {line}"
        folder = os.path.dirname(rc)
        if not os.path.isdir(folder):
            where = _tilde(folder, paths.home(env)) or facts.fixes.word(folder)
            load = f"mkdir -p {where}; {load}"
    out.append(
        Finding(
            "integration-not-loaded",
            PROBLEM,
            f"awsswitch's {shell} integration is not loaded in this shell"
            + (f" (it was, in the {marker} this {facts.parent_shell} was started from)"
               if nested else ""),
            "without it `asw` does not exist here, the prompt shows no profile state, and "
            "nothing clears the variables that override AWS_PROFILE"
            + ("" if in_rc else f"; {rc} does not load it"),
            fix=load,
            subject=shell,
        )
    )  # fmt: skip


# -- fish universal variables ------------------------------------------------------------------


def universal_variables(env: Mapping[str, str]) -> dict[str, str]:
    """AWS-related universal variables in fish's variables file (no fish process)."""
    base = env.get("XDG_CONFIG_HOME") or os.path.join(paths.home(env), ".config")
    path = os.path.join(base, "fish", "fish_variables")
    try:
        text = files.read_bytes(path, _RC_LIMIT).decode("utf-8", "replace")
    except (OSError, files.FileFault, ValueError):
        return {}
    found: dict[str, str] = {}
    for line in text.splitlines():
        words = line.split(" ")
        if not words or words[0] != "SETUVAR":
            continue
        rest = [w for w in words[1:] if not w.startswith("--")]
        if not rest:
            continue
        name, _, value = " ".join(rest).partition(":")
        if is_var_name(name) and name.startswith(_UNIVERSAL_PREFIXES):
            found[name] = value
    return found


def check_universal(facts: Facts, out: list[Finding]) -> None:
    found = universal_variables(facts.env)
    if not found:
        return
    names = sorted(found)
    shown = ", ".join(n if any(s in n for s in _SECRET_PARTS) else f"{n}={found[n]}" for n in names)
    erase = "set -e -U " + " ".join(names)
    in_fish = facts.shell == "fish"
    out.append(
        Finding(
            "fish-universal",
            PROBLEM if in_fish else INFO,
            f"fish universal variables: {shown}",
            "a universal variable outlives every switch: each `set -e` of the global one "
            "brings it back, in every fish session",
            fix=erase if in_fish else facts.fixes.command("fish", "-c", erase),
            subject=names[0],
        )
    )


def run(facts: Facts) -> list[Finding]:
    out: list[Finding] = []
    check_cli(facts, out)
    check_integration(facts, out)
    check_universal(facts, out)
    return out
