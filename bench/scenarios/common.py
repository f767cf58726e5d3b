"""What every scenario shares: the context (fixtures, rows, the floor, the stand-in), budgets,
and helpers that turn a failed measurement into an `n/a` row that says why, not a dead bench."""

from __future__ import annotations

import subprocess
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import fixtures
import measure
from measure import Sample
from report import INFO, MET, MISSED, NA, Row

from awsswitch.standin import Account, StandIn

BUDGET_INIT = 2.0
BUDGET_ASW = {1000: 3.0, 10000: 6.0}
BUDGET_TAB_MS = 50.0
FORBIDDEN = ("typer", "click", "rich", "boto3", "botocore", "pydantic", "shellingham")


@dataclass
class Ctx:
    bh: fixtures.BenchHome
    work: Path
    quick: bool
    log: Callable[[str], None]
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    diagnostics: dict[str, object] = field(default_factory=dict)
    bare: Sample | None = None
    _standin: StandIn | None = None
    _init: dict[str, str | None] = field(default_factory=dict)
    memo: dict[str, float] = field(default_factory=dict)

    @property
    def size(self) -> int:
        """The fixture single-size scenarios run on: 1,000 profiles, or the smallest one built."""
        return 1000 if 1000 in self.bh.configs else min(self.sizes)

    @property
    def standin(self) -> StandIn:
        """The local Identity Center stand-in, serving the accounts and roles of the `size`
        fixture; started on first use, stopped by `close()`."""
        if self._standin is None:
            n_sessions, n_accounts = fixtures.SIZES[self.size]
            accounts = [
                Account(
                    fixtures.account_id(i, a),
                    f"{loc}-app{a:04d}",
                    f"{loc}-app{a:04d}@example.com",
                    fixtures.ROLES,
                )
                for i, loc in enumerate(fixtures.LOCATIONS[:n_sessions])
                for a in range(1, n_accounts + 1)
            ]
            self._standin = StandIn(accounts=accounts, access_token_ttl=8 * 3600).start()
        return self._standin

    def close(self) -> None:
        if self._standin is not None:
            self._standin.stop()
            self._standin = None

    def n(self, full: int, quick: int) -> int:
        return quick if self.quick else full

    @property
    def sizes(self) -> tuple[int, ...]:
        return tuple(sorted(self.bh.configs))

    @property
    def bare_ms(self) -> float | None:
        return self.bare.median * 1000 if self.bare and self.bare.ok else None

    def ratio(self, ms: float | None, base_ms: float | None = None) -> float | None:
        base = base_ms if base_ms is not None else self.bare_ms
        if ms is None or not base:
            return None
        return round(ms / base, 2)

    def env(self, size: int | None = None, **extra: str) -> dict[str, str]:
        return self.bh.env(
            size,
            BENCH_DIR=str(self.work),
            BENCH_ERR=str(self.work / "stderr.txt"),
            **extra,
        )

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        fig = row.figure()
        ratio = f" ({row.ratio:.2f}×)" if row.ratio is not None else ""
        verdict = f" [{row.status}]" if row.status != INFO else ""
        self.log(f"  {row.what}: {fig}{ratio}{verdict} {row.note[:120]}")
        return row

    def row_from(self, sample: Sample, base_ms: float | None = None, **kw: object) -> Row:
        row = Row(**kw)  # type: ignore[arg-type]
        if sample.ok:
            for k, v in sample.stats_ms().items():
                setattr(row, k, v)
            if base_ms is None and sample.floor:
                base_ms = Sample(times=sample.floor).median * 1000
                row.extra["floor_ms"] = round(base_ms, 3)
            row.ratio = self.ratio(row.median_ms, base_ms)
        else:
            row.status = NA
            row.note = (row.note + " " if row.note else "") + f"failed: {sample.error}"
        return row

    def stderr_tail(self) -> str:
        p = self.work / "stderr.txt"
        if not p.exists():
            return ""
        return last_lines(p.read_text(encoding="utf-8", errors="replace"))

    def init_failure(self, shell: str) -> str | None:
        """Why `awsswitch init SHELL` fails, or None when it works (cached)."""
        if shell not in self._init:
            proc = subprocess.run(
                awsswitch_argv("init", shell), env=self.env(), capture_output=True, text=True
            )
            ok = proc.returncode == 0 and "asw" in proc.stdout
            self._init[shell] = (
                None
                if ok
                else (f"`awsswitch init {shell}` exit {proc.returncode}: {last_lines(proc.stderr)}")
            )
        return self._init[shell]


def last_lines(text: str, n: int = 2, width: int = 300) -> str:
    """The end of an error output: a traceback's last lines carry the exception."""
    lines = [line.strip() for line in (text or "").strip().splitlines() if line.strip()]
    return " / ".join(lines[-n:])[-width:]


def verdict_ratio(row: Row, limit: float) -> None:
    if row.status == NA or row.ratio is None:
        return
    row.status = MET if row.ratio <= limit else MISSED


def guarded(fn: Callable[[Ctx], None]) -> Callable[[Ctx], None]:
    """Run a scenario; an unexpected exception becomes an n/a row, not a dead bench."""

    def run(ctx: Ctx) -> None:
        t0 = time.perf_counter()
        ctx.log(f"[{fn.__name__}]")
        try:
            fn(ctx)
        except Exception as exc:
            ctx.add(
                Row(
                    id=f"{fn.__name__}.error",
                    group=fn.__name__.split("_")[0],
                    what=f"{fn.__name__}: bench error",
                    status=NA,
                    note=f"{type(exc).__name__}: {exc}",
                )
            )
            ctx.diagnostics.setdefault("errors", []).append(traceback.format_exc())  # type: ignore[union-attr]
        ctx.log(f"  ({time.perf_counter() - t0:.1f} s)")

    run.__name__ = fn.__name__
    return run


def awsswitch_argv(*args: str) -> list[str]:
    return ["awsswitch", *args]


def check_stdout(needle: str) -> Callable[[subprocess.CompletedProcess[bytes]], str | None]:
    def check(proc: subprocess.CompletedProcess[bytes]) -> str | None:
        if proc.returncode != 0:
            err = proc.stderr.decode("utf-8", "replace").strip()[-300:]
            return f"exit {proc.returncode}: {err}"
        if needle.encode() not in proc.stdout:
            return f"output lacks {needle!r}"
        return None

    return check


def rc0(proc: subprocess.CompletedProcess[bytes]) -> str | None:
    if proc.returncode != 0:
        return f"exit {proc.returncode}: {proc.stderr.decode('utf-8', 'replace')[-300:]}"
    return None


def script_failure(res: measure.ShellRun, ctx: Ctx) -> str | None:
    if res.returncode == 0 and not any(s.error for s in res.samples.values()):
        fails = [
            c for c in (ctx.work / "bench-out.txt").read_text().splitlines() if c[:4] == "FAIL"
        ]
        if not fails:
            return None
        return f"{fails[0]}; stderr: {ctx.stderr_tail()}"
    why = {3: "`awsswitch init` failed", 4: "init defined no `asw` function"}.get(
        res.returncode, f"script exit {res.returncode}"
    )
    return f"{why}: {ctx.stderr_tail() or last_lines(res.stderr)}"


def procs(n: float) -> str:
    return f"{n:g} process" + ("" if n == 1 else "es")
