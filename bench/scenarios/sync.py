"""`awsswitch sync` of a big portal, via bench/bench_sync.py."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from report import MET, MISSED, NA, Row

from scenarios.common import Ctx, guarded, last_lines


@guarded
def sync(ctx: Ctx) -> None:
    """Delegates to bench/bench_sync.py (the sync engineer's): it starts its own stand-in with
    1,000 accounts x 3 roles and 20 ms per call and prints one JSON line."""
    script = Path(__file__).resolve().parent.parent / "bench_sync.py"
    what = "`awsswitch sync` of 1,000 accounts × 3 roles, 20 ms per portal call"
    python = ctx.bh.python  # the measured interpreter (the bench venv when used)
    argv = [str(python), str(script), "--accounts", "1000", "--roles", "3", "--latency-ms", "20"]
    if ctx.quick:
        argv.append("--no-serial")
    proc = subprocess.run(argv, env=ctx.env(), capture_output=True, text=True, timeout=900)
    record: dict[str, object] = {}
    for line in reversed(proc.stdout.strip().splitlines()):
        try:
            record = json.loads(line)
            break
        except ValueError:
            continue
    results = record.get("results") if isinstance(record, dict) else None
    if proc.returncode != 0 or not isinstance(results, list) or not results:
        ctx.add(
            Row(
                id="sync.default",
                group="sync",
                what=what,
                status=NA,
                note=f"bench_sync exit {proc.returncode}: {last_lines(proc.stderr)}",
                command="python bench/bench_sync.py",
            )
        )
        return
    ctx.diagnostics["sync"] = record
    default_s = None
    for r in results:
        args = r.get("args") or []
        serial = args == ["--concurrency", "1"]
        first = r is results[0]
        key = "default" if first else ("concurrency-1" if serial else "rerun")
        row = Row(
            id=f"sync.{key}",
            group="sync",
            what=f"{what}: {r.get('run')}",
            unit="s",
            value=float(r.get("wall_s", 0.0)),
            command="python bench/bench_sync.py --accounts 1000 --roles 3 --latency-ms 20"
            + (" (its --concurrency 1 run)" if serial else ""),
            note=f"{r.get('profiles')} profiles, {r.get('calls')} portal calls, "
            f"{r.get('throttled')} throttled",
        )
        if first:
            default_s = row.value
            row.budget = "≤ 10 s"
            row.status = MET if row.value <= 10.0 else MISSED
            row.note += f"; default concurrency {record.get('default_concurrency')}"
        elif serial and default_s:
            row.note += f"; {row.value / default_s:.1f}× the default run"
        ctx.add(row)
