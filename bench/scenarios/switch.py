"""`asw NAME`: the Python core alone (cold and warm index cache) and the real function in each
shell, plus the processes one switch starts."""

from __future__ import annotations

import subprocess

import measure
import shellcode as sc
from measure import Sample
from report import NA, Row

from scenarios.common import (
    BUDGET_ASW,
    Ctx,
    awsswitch_argv,
    check_stdout,
    guarded,
    script_failure,
    verdict_ratio,
)


@guarded
def asw_core(ctx: Ctx) -> None:
    for size in ctx.sizes:
        fx = ctx.bh.configs[size]
        env = ctx.env(size)
        for mode in ("cold", "warm"):
            row_id = f"core.{size}.{mode}"
            what = f"core `awsswitch _asw bash NAME`, {size:,} profiles, {mode} index cache"
            runs = ctx.n(30, 8) if size < 10000 or mode == "warm" else ctx.n(16, 5)
            s = measure.time_command(
                awsswitch_argv("_asw", "bash", fx.short_targets[0]),
                env,
                runs=runs,
                warmup=2,
                before=ctx.bh.clear_index_cache if mode == "cold" else None,
                check=check_stdout(fx.targets[0]),
            )
            row = ctx.row_from(
                s,
                id=row_id,
                group="asw",
                what=what,
                command=f"awsswitch _asw bash {fx.short_targets[0]}",
            )
            _asw_budget(row, size, mode)
            ctx.add(row)
    ctx.bh.clear_index_cache()
    subprocess.run(
        awsswitch_argv("_asw", "bash", ctx.bh.configs[max(ctx.sizes)].short_targets[0]),
        env=ctx.env(max(ctx.sizes)),
        capture_output=True,
    )
    made = list(ctx.bh.cache_dir.rglob("*")) if ctx.bh.cache_dir.exists() else []
    if not made:
        ctx.notes.append(
            f"No index cache appeared under $AWSSWITCH_CACHE_DIR ({ctx.bh.cache_dir}) after "
            "a switch: cold and warm runs do the same work."
        )


def _asw_budget(row: Row, size: int, mode: str) -> None:
    limit = BUDGET_ASW.get(size)
    if limit is None:
        return
    row.budget = f"≤ {limit:g}× bare Python" + ("" if mode == "warm" else " (judged warm)")
    if mode == "warm":
        verdict_ratio(row, limit)
    elif row.ratio is not None and row.ratio > limit:
        row.note = (row.note + " " if row.note else "") + "first switch after a config change"


@guarded
def asw_shells(ctx: Ctx) -> None:
    """`asw NAME` in real shells. Each switch is preceded by a `python3 -c pass` timed the same
    way from the same shell, so every row has a floor measured under the same load."""
    runs, warm = ctx.n(24, 6), 2
    py = "command python3 -c pass"
    for shell in sc.SHELLS:
        script = [sc.prelude(shell), sc.init(shell)]
        for size in ctx.sizes:
            fx = ctx.bh.configs[size]
            a, b = fx.short_targets
            script.append(sc.setenv(shell, "AWS_CONFIG_FILE", str(fx.path)))
            for mode in ("cold", "warm"):
                pre = sc.rm_rf(shell, "AWSSWITCH_CACHE_DIR") if mode == "cold" else ""
                label = f"{mode}-{size}"
                body = "".join(
                    sc.timed(shell, f"py-{label}", py)
                    + pre
                    + sc.timed(shell, label, f"asw {sc.q(shell, t)} >/dev/null 2>>$BENCH_ERR")
                    for t in (a, b)
                )
                n_loops = (runs + warm + 1) // 2
                if size >= 10000 and mode == "cold":
                    n_loops = (ctx.n(10, 4) + warm + 1) // 2
                script.append(sc.loop(shell, n_loops, body))
                script.append(sc.check(label, "$AWS_PROFILE"))
        (ctx.work / "stderr.txt").unlink(missing_ok=True)
        res = measure.run_shell_script(shell, "".join(script), ctx.env(), ctx.work)
        fail = script_failure(res, ctx)
        floors = [
            t
            for k, v in res.samples.items()
            if k.startswith("py-")
            for t in measure.drop_warmup(v, warm).times
        ]
        if floors:
            py_ms = Sample(times=floors).median * 1000
            ctx.add(
                Row(
                    id=f"asw.{shell}.python",
                    group="asw",
                    what=f"`python3 -c pass` timed inside {shell} (this shell's floor)",
                    command=f"{shell}: command python3 -c pass, before each switch",
                    median_ms=round(py_ms, 3),
                    n=len(floors),
                    note="each row below divides by the floor timed next to it",
                )
            )
        checks = dict(c.split(" ", 1) if " " in c else (c, "") for c in res.checks)
        for size in ctx.sizes:
            fx = ctx.bh.configs[size]
            for mode in ("cold", "warm"):
                label = f"{mode}-{size}"
                what = f"`asw NAME` in {shell}, {size:,} profiles, {mode} index cache"
                row_id = f"asw.{shell}.{size}.{mode}"
                sample = res.samples.get(label)
                if fail or sample is None or len(sample.times) <= warm:
                    ctx.add(
                        Row(id=row_id, group="asw", what=what, status=NA, note=fail or "no data")
                    )
                    continue
                s = measure.drop_warmup(sample, warm)
                floor = res.samples.get(f"py-{label}")
                if floor:
                    s.floor = measure.drop_warmup(floor, warm).times
                if checks.get(label) != fx.targets[1]:
                    s.error = f"AWS_PROFILE after the loop is {checks.get(label)!r}"
                row = ctx.row_from(
                    s,
                    id=row_id,
                    group="asw",
                    what=what,
                    command=f"{shell}: asw {fx.short_targets[0]} (alternating with a second name)",
                )
                _asw_budget(row, size, mode)
                ctx.add(row)
    _asw_processes(ctx)


def _asw_processes(ctx: Ctx) -> None:
    """Processes one `asw NAME` starts, counted with strace (warm, 1,000 profiles)."""
    if not measure.strace_path():
        ctx.notes.append(
            "strace is not installed: process counts skipped (bench setup installs it)"
        )
        return
    size = ctx.size
    fx = ctx.bh.configs[size]
    for shell in sc.SHELLS:
        body = "".join(f"asw {sc.q(shell, t)} >/dev/null 2>>$BENCH_ERR\n" for t in fx.short_targets)
        script = (
            sc.prelude(shell)
            + sc.init(shell)
            + sc.setenv(shell, "AWS_CONFIG_FILE", str(fx.path))
            + body
            + sc.mark("START")
            + sc.loop(shell, 5, body)
            + sc.mark("END")
        )
        trace = ctx.work / f"strace-asw-{shell}.txt"
        res = measure.run_shell_script(
            shell, script, ctx.env(), ctx.work, wrapper=measure.strace_command([], trace)
        )
        counted = measure.parse_strace(trace) if trace.exists() else None
        if res.returncode != 0 or counted is None:
            continue
        per = counted.forks / 10
        execs = sorted(set(counted.execs))
        ctx.add(
            Row(
                id=f"asw.{shell}.procs",
                group="asw",
                what=f"processes started per `asw NAME` in {shell}",
                value=round(per, 2),
                unit="processes",
                note=f"executes: {', '.join(execs) or 'nothing'}",
                command=f"strace -f over 10 switches in {shell}",
            )
        )
