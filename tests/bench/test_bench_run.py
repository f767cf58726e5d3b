"""The bench's plumbing (not its figures): `bench/run.py` runs a group end to end and writes
both reports; a scenario that raises becomes an `n/a` row instead of ending the run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_run_baseline_writes_both_reports(tmp_path: Path, sandbox: Any) -> None:
    out = tmp_path / "results"
    argv = [sys.executable, str(BENCH / "run.py"), "--quick", "--only", "baseline"]
    argv += ["--sizes", "10", "--no-install", "--python", "system", "--out", str(out)]
    proc = subprocess.run(argv, env=sandbox.env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    rows = {row["id"]: row for row in report["rows"]}
    floor = rows["baseline.python"]
    assert floor["median_ms"] > 0 and floor["n"] > 0 and floor["status"] == "info"
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "## Budget at a glance" in markdown and "`python3 -c pass`" in markdown


def test_guarded_turns_an_exception_into_an_na_row(monkeypatch: Any) -> None:
    monkeypatch.syspath_prepend(str(BENCH))
    from scenarios.common import Ctx, guarded

    @guarded
    def broken(ctx: Ctx) -> None:
        raise RuntimeError("boom")

    logged: list[str] = []
    ctx = Ctx(bh=None, work=Path("."), quick=True, log=logged.append)  # type: ignore[arg-type]
    broken(ctx)
    [row] = ctx.rows
    assert (row.id, row.status, row.note) == ("broken.error", "n/a", "RuntimeError: boom")
    assert "RuntimeError: boom" in ctx.diagnostics["errors"][0]  # type: ignore[index]
