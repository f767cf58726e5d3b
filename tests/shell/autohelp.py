"""Helpers for the per-directory profile tests (no tests here): a real bash, zsh or fish with
`init --auto` loaded runs a list of steps (cd, asw, allow, deny, raw code); after each, the
shell does what it does before a prompt, and the environment, the prompt segment and what the
step printed on stderr are recorded."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from support.sandbox import Sandbox
from support.shells import EXE, run_shell, source_line

from awsswitch.shells import get_shell

# `awsswitch allow DIR` / `deny DIR`, through the same functions and error boundary.
TRUST = (
    "import sys\n"
    "from awsswitch.commands import allow\n"
    "from awsswitch.errors import report\n"
    "try:\n"
    "    code = getattr(allow, sys.argv[1])(sys.argv[2] if len(sys.argv) > 2 else None)\n"
    "except BaseException as exc:\n"
    "    code = report(exc)\n"
    "sys.exit(code)\n"
)

# What each shell does before drawing a prompt (the auto hook and the prompt segment).
BEFORE_PROMPT = {
    "bash": "__awsswitch_prompt_hook",
    "zsh": "__awsswitch_precmd",
    "fish": "emit fish_prompt",
}
SEGMENT = {
    "bash": '"$AWSSWITCH_PROMPT"',
    "zsh": '"$AWSSWITCH_PROMPT"',
    "fish": "(awsswitch_prompt)",
}


def init_auto(shell: str, *, prompt: bool = False) -> str:
    return get_shell(shell).render(exe=EXE, cmd="asw", prompt=prompt, header="# test", auto=True)


def trust(sandbox: Sandbox, verb: str, where: str | None = None) -> subprocess.CompletedProcess:
    """`awsswitch allow|deny [WHERE]` run the way the CLI runs it."""
    args = [sys.executable, "-c", TRUST, verb, *([where] if where is not None else [])]
    return subprocess.run(
        args, env=sandbox.env, capture_output=True, text=True, timeout=60, cwd=sandbox.home
    )


def trust_line(shell: str, verb: str, where: str) -> str:
    q = get_shell(shell).quote
    return f"{q(sys.executable)} -c {q(TRUST)} {verb} {q(where)}"


@dataclass
class Snap:
    env: dict[str, str]
    prompt: str
    err: str

    @property
    def profile(self) -> str | None:
        return self.env.get("AWS_PROFILE")


def run_auto(
    sandbox: Sandbox,
    shell: str,
    steps: Sequence[tuple[str, ...]],
    *,
    preamble: str = "",
    env: dict[str, str] | None = None,
) -> tuple[list[Snap], subprocess.CompletedProcess]:
    """Run `steps` in one shell; a Snap after each. A step: ("cd", PATH), ("asw", ARGS...),
    ("allow", DIR), ("deny", DIR), ("code", SHELL CODE)."""
    q = get_shell(shell).quote
    out = sandbox.home / "auto-steps"
    out.mkdir(exist_ok=True)
    init_file = sandbox.home / f"init-auto.{shell}"
    init_file.write_text(init_auto(shell), "utf-8")
    lines = [preamble, source_line(shell, init_file)]
    for n, (kind, *args) in enumerate(steps):
        lines.append(f"builtin printf '@@%s\\n' {n} >&2")
        if kind == "cd":
            lines.append(f"cd {q(args[0])}")
        elif kind == "asw":
            lines.append("asw " + " ".join(q(a) for a in args) + " || true")
        elif kind in ("allow", "deny"):
            lines.append(trust_line(shell, kind, args[0]))
        elif kind == "code":
            lines.append(args[0])
        else:
            raise ValueError(kind)
        lines.append(BEFORE_PROMPT[shell])
        prompt_file = q(str(out / f"{n}.prompt"))
        env_file = q(str(out / f"{n}.env"))
        lines.append(f"builtin printf '%s' {SEGMENT[shell]} > {prompt_file}")
        lines.append(f"command env -0 > {env_file}")
    lines.append(f"builtin printf '@@%s\\n' {len(steps)} >&2")
    proc = run_shell(sandbox, shell, "\n".join(lines) + "\n", env=env, timeout=120)
    errs = _split(proc.stderr, len(steps))
    snaps = []
    for n in range(len(steps)):
        env_file = out / f"{n}.env"
        if not env_file.exists():
            break
        raw = env_file.read_bytes().decode("utf-8", "surrogateescape")
        pairs = (item.partition("=") for item in raw.split("\0") if item)
        prompt = (out / f"{n}.prompt").read_text("utf-8", "surrogateescape")
        snaps.append(Snap({k: v for k, _, v in pairs}, prompt, errs.get(n, "")))
        env_file.unlink()
    return snaps, proc


def _split(stderr: str, count: int) -> dict[int, str]:
    """stderr by step, from the @@N markers printed before each."""
    out: dict[int, list[str]] = {}
    current = -1
    for line in stderr.splitlines(keepends=True):
        if line.startswith("@@") and line[2:].strip().isdigit():
            current = int(line[2:])
            continue
        out.setdefault(current, []).append(line)
    return {k: "".join(v) for k, v in out.items()}


def tree(root: Path, files: dict[str, str | bytes | None]) -> dict[str, Path]:
    """Folders under `root` with `.awsprofile` files: {"repo": "static\\n", "repo/sub": None}."""
    made = {}
    for rel, content in files.items():
        folder = root / rel
        folder.mkdir(parents=True, exist_ok=True)
        made[rel] = folder
        if content is None:
            continue
        data = content.encode() if isinstance(content, str) else content
        (folder / ".awsprofile").write_bytes(data)
    return made
