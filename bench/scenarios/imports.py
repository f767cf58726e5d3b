"""What each hot path imports (`python -X importtime`), heaviest first."""

from __future__ import annotations

import re
import subprocess

import shellcode as sc
from report import MET, MISSED, NA, Row

from scenarios.common import FORBIDDEN, Ctx, awsswitch_argv, guarded

_IMPORT_RE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)")


def importtime(argv: list[str], env: dict[str, str]) -> dict[str, object]:
    script = subprocess.run(["which", argv[0]], env=env, capture_output=True, text=True)
    path = script.stdout.strip() or argv[0]
    proc = subprocess.run(
        ["python3", "-X", "importtime", path, *argv[1:]], env=env, capture_output=True, text=True
    )
    rows = []
    for m in _IMPORT_RE.finditer(proc.stderr):
        rows.append((int(m.group(2)), int(m.group(1)), len(m.group(3)) - 1, m.group(4)))
    mods = {r[3] for r in rows}
    forbidden = sorted(m for m in mods if m.split(".")[0] in FORBIDDEN)
    top = sorted((r for r in rows if r[2] == 0), reverse=True)[:12]
    return {
        "exit": proc.returncode,
        "modules": len(mods),
        "forbidden": forbidden,
        "configparser": "configparser" in mods,
        "top_level_cumulative_us": [[name, cum] for cum, _, _, name in top],
        "total_us": sum(r[1] for r in rows),
    }


@guarded
def imports(ctx: Ctx) -> None:
    """`python -X importtime` of each hot path: what it imports and what that costs. The
    forbidden list is the budget's (docs/benchmarks.md: typer, click, rich, boto3; plus botocore,
    pydantic and shellingham from the project rules); tests/switch/test_hot_imports.py asserts
    the same."""
    paths: dict[str, tuple[list[str], dict[str, str]]] = {
        f"init {sh}": (awsswitch_argv("init", sh), ctx.env()) for sh in sc.SHELLS
    }
    for size in ctx.sizes:
        fx = ctx.bh.configs[size]
        paths[f"_asw bash NAME ({size:,} profiles, warm)"] = (
            awsswitch_argv("_asw", "bash", fx.short_targets[0]),
            ctx.env(size),
        )
    found: dict[str, object] = {}
    for label, (argv, env) in paths.items():
        subprocess.run(argv, env=env, capture_output=True)  # warm the index cache
        info = importtime(argv, env)
        found[label] = info
        top = info["top_level_cumulative_us"]
        heavy = ", ".join(f"{n} {us / 1000:.1f} ms" for n, us in top[:6])  # type: ignore[index]
        bad: list[str] = info["forbidden"]  # type: ignore[assignment]
        row = Row(
            id=f"imports.{label.split(' (')[0].replace(' ', '-')}"
            + (f".{label.split('(')[1].split(' ')[0].replace(',', '')}" if "(" in label else ""),
            group="imports",
            what=f"`awsswitch {label}`: heavy modules imported",
            value=float(len(bad)),
            unit="modules",
            budget="none of typer, click, rich, boto3, botocore, pydantic, shellingham",
            command="python3 -X importtime " + " ".join(argv),
            status=MET if info["exit"] == 0 and not bad else (MISSED if bad else NA),
            note=(f"imports {', '.join(bad)}; " if bad else "")
            + f"{info['modules']} modules, {info['total_us'] / 1000:.1f} ms of imports; "  # type: ignore[operator]
            f"heaviest: {heavy}",
        )
        if info["exit"] != 0:
            row.note = f"failed: exit {info['exit']}"
        ctx.add(row)
    ctx.diagnostics["imports"] = found
