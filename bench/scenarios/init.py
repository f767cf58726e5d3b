"""`awsswitch init SHELL` and what its line adds to a shell's start."""

from __future__ import annotations

import subprocess
from pathlib import Path

import measure
import shellcode as sc

from scenarios.common import (
    BUDGET_INIT,
    Ctx,
    awsswitch_argv,
    check_stdout,
    guarded,
    rc0,
    verdict_ratio,
)


@guarded
def init(ctx: Ctx) -> None:
    size = ctx.size
    env = ctx.env(size)
    runs = ctx.n(30, 10)
    outputs: dict[str, str] = {}
    for shell in sc.SHELLS:
        s = measure.time_command(
            awsswitch_argv("init", shell),
            env,
            runs=runs,
            warmup=3,
            check=check_stdout("asw"),
        )
        row = ctx.row_from(
            s,
            id=f"init.{shell}",
            group="init",
            what=f"`awsswitch init {shell}`, {size:,} profiles, caches up to date",
            command=f"awsswitch init {shell}",
            budget=f"≤ {BUDGET_INIT:g}× bare Python",
        )
        verdict_ratio(row, BUDGET_INIT)
        ctx.add(row)
        if s.ok:
            out = subprocess.run(
                awsswitch_argv("init", shell), env=env, capture_output=True, text=True
            )
            outputs[shell] = out.stdout
    # `init` also refreshes the completion names when the config changed since: the first shell
    # started after an edit (or a sync) pays for parsing the config.
    for size in ctx.sizes:
        if size < 1000 or not outputs:
            continue
        s = measure.time_command(
            awsswitch_argv("init", "bash"),
            ctx.env(size),
            runs=ctx.n(12, 4),
            warmup=1,
            before=ctx.bh.clear_index_cache,
            check=check_stdout("asw"),
        )
        row = ctx.row_from(
            s,
            id=f"init-stale.bash.{size}",
            group="init",
            what=f"`awsswitch init bash`, {size:,} profiles, first shell after a config change",
            command="awsswitch init bash (cache folder emptied before each run)",
            budget=f"≤ {BUDGET_INIT:g}× bare Python (judged up to date)",
            note="init refreshes the completion names file, parsing the config",
        )
        ctx.add(row)
    ctx.bh.clear_index_cache()

    # A shell's start: no rc line, the README's `eval` line, and a sourced cached copy.
    rcroot = ctx.work / "rc"
    for shell in sc.SHELLS:
        variants: dict[str, str] = {"none": ""}
        if shell in outputs:
            cached = rcroot / f"init-cached.{shell}"
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.write_text(outputs[shell], encoding="utf-8")
            if shell == "fish":
                variants["eval"] = "awsswitch init fish | source\n"
                variants["cached"] = f"source {sc.q('fish', str(cached))}\n"
            else:
                variants["eval"] = f'eval "$(awsswitch init {shell})"\n'
                variants["cached"] = f"source {sc.q(shell, str(cached))}\n"
        base_ms: float | None = None
        for variant, line in variants.items():
            argv, venv = _shell_start(shell, rcroot / f"{shell}-{variant}", line, env)
            s = measure.time_command(argv, venv, runs=ctx.n(20, 8), warmup=3, check=rc0)
            what = {
                "none": f"{shell} start, rc without awsswitch",
                "eval": f"{shell} start with the `init` line in its rc",
                "cached": f"{shell} start sourcing a cached copy of `init`'s output",
            }[variant]
            row = ctx.row_from(
                s, id=f"start.{shell}.{variant}", group="init", what=what, command=" ".join(argv)
            )
            if variant == "none" and s.ok:
                base_ms = s.median * 1000
            elif base_ms is not None and row.median_ms is not None:
                row.note = f"adds {row.median_ms - base_ms:.1f} ms to the shell's start"
            ctx.add(row)


def _shell_start(
    shell: str, rcdir: Path, line: str, env: dict[str, str]
) -> tuple[list[str], dict[str, str]]:
    rcdir.mkdir(parents=True, exist_ok=True)
    env = dict(env)
    if shell == "bash":
        rc = rcdir / ".bashrc"
        rc.write_text("PS1='$ '\n" + line, encoding="utf-8")
        return ["bash", "--noprofile", "--rcfile", str(rc), "-i", "-c", "exit"], env
    if shell == "zsh":
        (rcdir / ".zshrc").write_text("PS1='%# '\n" + line, encoding="utf-8")
        env["ZDOTDIR"] = str(rcdir)
        return ["zsh", "-i", "-c", "exit"], env
    cfg = rcdir / "fish" / "config.fish"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(line, encoding="utf-8")
    env["XDG_CONFIG_HOME"] = str(rcdir)
    return ["fish", "-i", "-c", "exit"], env
