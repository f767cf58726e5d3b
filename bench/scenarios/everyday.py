"""Everyday commands: `awsswitch list` / `asw -l` and `status` (without --verify) on an empty
config and on 1,000 SSO profiles, and `list` forced through the typer app (info)."""

from __future__ import annotations

import measure
import shellcode as sc
from measure import Sample
from report import NA

from scenarios.common import (
    Ctx,
    awsswitch_argv,
    check_stdout,
    guarded,
    rc0,
    script_failure,
    verdict_ratio,
)

BUDGET_EVERYDAY = 5.0
# `awsswitch list` with the stdlib fast path switched off: what every command cost before it.
TYPER_LIST = "import sys, awsswitch.__main__ as m; m.SIMPLE = {}; sys.exit(m.main(['list']))"


@guarded
def everyday(ctx: Ctx) -> None:
    empty = ctx.work / "config-empty"
    empty.write_text("", encoding="utf-8")
    size = ctx.size
    fx = ctx.bh.configs[size]
    runs = ctx.n(15, 5)
    configs = [("empty config", ctx.env(AWS_CONFIG_FILE=str(empty)), None)]
    configs.append((f"{size:,} SSO profiles", ctx.env(size), fx.targets[0]))
    for where, env, name in configs:
        key = "empty" if name is None else str(size)
        cases = [
            ("list", awsswitch_argv("list"), check_stdout(name) if name else rc0),
            ("status", awsswitch_argv("status"), rc0),
        ]
        for cmd, argv, check in cases:
            run_env = dict(env)
            if cmd == "status" and name:
                run_env["AWS_PROFILE"] = name  # a profile active, as after `asw NAME`
            sample = measure.time_command(argv, run_env, runs=runs, warmup=2, check=check)
            row = ctx.row_from(
                sample,
                id=f"everyday.{cmd}.{key}",
                group="everyday",
                what=f"`awsswitch {cmd}`"
                + (" with a profile active" if cmd == "status" and name else "")
                + f", {where}",
                command=" ".join(argv),
                budget=f"≤ {BUDGET_EVERYDAY:g}× bare Python",
            )
            verdict_ratio(row, BUDGET_EVERYDAY)
            ctx.add(row)
    _asw_list(ctx, size, runs)
    sample = measure.time_command(
        ["python3", "-c", TYPER_LIST],
        ctx.env(size),
        runs=runs,
        warmup=2,
        check=check_stdout(fx.targets[0]),
    )
    ctx.add(
        ctx.row_from(
            sample,
            id="everyday.list.typer",
            group="everyday",
            what=f"`awsswitch list` through the typer app (fast path off), {size:,} profiles",
            command=f'python3 -c "{TYPER_LIST}"',
            note="info: the cost the stdlib dispatch saves",
        )
    )


def _asw_list(ctx: Ctx, size: int, runs: int) -> None:
    """`asw -l` in bash: the function from `init`, ratio to `python3 -c pass` from that bash."""
    fx = ctx.bh.configs[size]
    warm = 2
    body = sc.timed("bash", "py", "command python3 -c pass") + sc.timed(
        "bash", "list", "asw -l >/dev/null 2>>$BENCH_ERR"
    )
    script = (
        sc.prelude("bash")
        + sc.init("bash")
        + sc.setenv("bash", "AWS_CONFIG_FILE", str(fx.path))
        + sc.loop("bash", runs + warm, body)
    )
    (ctx.work / "stderr.txt").unlink(missing_ok=True)
    res = measure.run_shell_script("bash", script, ctx.env(), ctx.work)
    fail = script_failure(res, ctx)
    sample = res.samples.get("list", Sample(error=fail or "no data"))
    if fail:
        sample.error = fail
    s = measure.drop_warmup(sample, warm)
    floor = res.samples.get("py")
    if floor:
        s.floor = measure.drop_warmup(floor, warm).times
    row = ctx.row_from(
        s,
        id=f"everyday.asw-l.{size}",
        group="everyday",
        what=f"`asw -l` in bash, {size:,} SSO profiles",
        command="bash: asw -l (ratio to `python3 -c pass` timed in the same bash)",
        budget=f"≤ {BUDGET_EVERYDAY:g}× bare Python",
    )
    if row.status == NA and not row.note:
        row.note = "failed"
    verdict_ratio(row, BUDGET_EVERYDAY)
    ctx.add(row)
