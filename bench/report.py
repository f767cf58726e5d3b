"""Rows, verdicts, the machine description and the Markdown/JSON report."""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

MET, MISSED, INFO, NA = "met", "missed", "info", "n/a"


@dataclass
class Row:
    id: str  # stable key, e.g. "asw.bash.1000.warm"
    group: str  # section of the report
    what: str  # what is measured, for a person
    command: str = ""  # the measured command, as run
    median_ms: float | None = None
    min_ms: float | None = None
    q1_ms: float | None = None
    q3_ms: float | None = None
    n: int | None = None
    ratio: float | None = None  # median / bare Python median
    value: float | None = None  # a non-time figure (processes, KiB, seconds)
    unit: str = "ms"
    budget: str = ""  # the budget line (docs/benchmarks.md), or "" when none applies
    status: str = INFO  # met / missed / info / n/a (piece missing or failed)
    note: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    def figure(self) -> str:
        if self.status == NA and self.median_ms is None and self.value is None:
            return "—"
        if self.unit == "ms" and self.median_ms is not None:
            return _ms(self.median_ms)
        if self.value is None:
            return "—"
        if self.unit == "KiB":
            return f"{self.value / 1024:.1f} MiB"
        if self.unit == "s":
            return f"{self.value:.2f} s"
        units = {"procs/render": "processes", "procs/cd": "processes"}
        unit = units.get(self.unit, self.unit)
        if self.value == 1:
            unit = {"processes": "process", "modules": "module"}.get(unit, unit)
        return f"{self.value:g} {unit}"


def _ms(v: float) -> str:
    return f"{v:.1f} ms" if v >= 10 else f"{v:.2f} ms" if v >= 0.1 else f"{v * 1000:.0f} µs"


def _cmd_version(argv: list[str]) -> str:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "not installed"
    text = (out.stdout or out.stderr).strip().splitlines()
    return text[0] if text else "unknown"


def machine(env: dict[str, str], extra: dict[str, str] | None = None) -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        m = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
        mem = f"{int(m.group(1)) / 1024 / 1024:.1f} GiB" if m else ""
    except OSError:
        pass
    try:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from awsswitch import __version__ as aversion
    except Exception:
        aversion = "unknown"
    info = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": mem,
        "os": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "python": f"{platform.python_implementation()} {platform.python_version()} "
        f"({sys.executable})",
        "awsswitch": aversion,
        "bash": _cmd_version(["bash", "--version"]),
        "zsh": _cmd_version(["zsh", "--version"]),
        "fish": _cmd_version(["fish", "--version"]),
        "aws cli v2": _cmd_version(["/usr/bin/aws", "--version"]),
        "strace": _cmd_version(["strace", "-V"]),
    }
    info.update(extra or {})
    return info


GROUP_TITLES = {
    "baseline": "Baseline",
    "init": "`awsswitch init` and shell start",
    "asw": "`asw NAME` (fresh token)",
    "refresh": "`asw NAME` when a refresh is due",
    "prompt": "Prompt segment",
    "cd": "`cd` with `init --auto` (per-directory profiles)",
    "tab": "TAB completion of profile names",
    "sync": "`awsswitch sync`",
    "memory": "Peak memory",
    "peers": "Peers (same machine, same run)",
    "credentials": "`export`, `exec` and the credential server (beside the AWS CLI v2)",
    "everyday": "Everyday commands: `list`, `asw -l`, `status`",
    "imports": "Imports on the hot paths (`python -X importtime`)",
}


# The budget lines (docs/benchmarks.md) and the rows that decide each (worst of them).
BUDGET_LINES: list[tuple[str, str, str, str]] = [
    # (budget line, budget text, row-id prefix pattern, metric)
    ("`awsswitch init SHELL` (every shell start)", "≤ 2× bare Python", r"init\.", "ratio"),
    (
        "`asw NAME`, fresh token, 1,000 profiles",
        "≤ 3× bare Python",
        r"(core|asw\.\w+)\.1000\.warm",
        "ratio",
    ),
    ("`asw NAME`, 10,000 profiles", "≤ 6× bare Python", r"(core|asw\.\w+)\.10000\.warm", "ratio"),
    (
        "prompt segment, bash and zsh",
        "0 processes per render",
        r"prompt\.(bash|zsh)\.procs",
        "value",
    ),
    (
        "prompt segment, fish (budget: at most one process)",
        "≤ 1 process per render",
        r"prompt\.fish\.procs",
        "value",
    ),
    ("`cd` with `init --auto`", "0 processes per cd", r"cd\.\w+\.procs\.", "value"),
    (
        "TAB-completing profile names, 10,000 profiles",
        "≤ 50 ms, no Python process",
        r"tab\.(bash|zsh|fish)\.10000\.",
        "median_ms",
    ),
    ("`sync` 1,000 accounts × 3 roles, 20 ms per call", "≤ 10 s", r"sync\.default", "value"),
    (
        "`awsswitch export`, warm (role credentials cached)",
        "≤ 3× bare Python",
        r"credentials\.export\.warm",
        "ratio",
    ),
    (
        "`list`, `asw -l`, `status` (no --verify), empty and 1,000 profiles",
        "≤ 5× bare Python",
        r"everyday\.(list|status|asw-l)\.(empty|\d+)$",
        "ratio",
    ),
    ("hot paths import no typer, click, rich, boto3", "0 heavy modules", r"imports\.", "value"),
]


def _metric(row: Row, name: str) -> float:
    v = getattr(row, name)
    return float("inf") if v is None else float(v)


def summary(rows: list[Row]) -> list[dict[str, str]]:
    """One verdict per budget line: the worst of its rows (n/a if none measured)."""
    out = []
    for title, budget, pattern, metric in BUDGET_LINES:
        rx = re.compile(pattern)
        picked = [r for r in rows if rx.match(r.id) and r.status in (MET, MISSED)]
        missing = [r for r in rows if rx.match(r.id) and r.status == NA]
        if not picked:
            why = missing[0].note[:160] if missing else "not measured in this run"
            out.append(
                {"line": title, "budget": budget, "figure": "—", "verdict": NA, "where": why}
            )
            continue

        worst = max(picked, key=lambda r, m=metric: _metric(r, m))
        verdict = MISSED if any(r.status == MISSED for r in picked) else MET
        if _metric(worst, metric) == float("inf"):
            fig = "fails: " + worst.note[:80]
        elif metric == "ratio":
            fig = f"{worst.ratio:.2f}× ({_ms(worst.median_ms or 0)})"
        else:
            fig = worst.figure()
        n_missed = sum(r.status == MISSED for r in picked)
        where = f"worst: {worst.what}"
        if n_missed:
            where += f"; {n_missed} of {len(picked)} rows missed"
        if missing:
            where += f"; {len(missing)} rows n/a"
        out.append(
            {"line": title, "budget": budget, "figure": fig, "verdict": verdict, "where": where}
        )
    return out


def _status_cell(row: Row) -> str:
    return {MET: "✅ met", MISSED: "❌ missed", INFO: "", NA: "n/a"}[row.status]


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(rows: list[Row], info: dict[str, str], bare_ms: float | None, notes: list[str]):
    out: list[str] = ["# awsswitch bench report", ""]
    out.append("| machine | |")
    out.append("| --- | --- |")
    for k, v in info.items():
        out.append(f"| {k} | {_md_escape(v)} |")
    out.append("")
    if bare_ms is not None:
        out.append(
            "Times are medians over repeated runs after warm-up. A ratio divides a median by "
            "`python3 -c pass` on the same interpreter, timed next to it in the same run "
            f"(interleaved); that floor's median at the start of the run: **{_ms(bare_ms)}**."
        )
        out.append("")
    out.append("## Budget at a glance")
    out.append("")
    out.append("| budget line | budget | figure (worst row) | verdict | which |")
    out.append("| --- | --- | --- | --- | --- |")
    for line in summary(rows):
        cell = {MET: "✅ met", MISSED: "❌ missed", NA: "n/a"}[line["verdict"]]
        out.append(
            f"| {line['line']} | {line['budget']} | {line['figure']} | {cell} | "
            f"{_md_escape(line['where'])} |"
        )
    out.append("")
    for group, title in GROUP_TITLES.items():
        grows = [r for r in rows if r.group == group]
        if not grows:
            continue
        out.append(f"## {title}")
        out.append("")
        out.append("| what | median | ratio | budget | verdict | note |")
        out.append("| --- | --- | --- | --- | --- | --- |")
        for r in grows:
            ratio = f"{r.ratio:.2f}×" if r.ratio is not None else ""
            note = r.note if len(r.note) <= 260 else r.note[:257] + "…"
            out.append(
                f"| {_md_escape(r.what)} | {r.figure()} | {ratio} | {_md_escape(r.budget)} | "
                f"{_status_cell(r)} | {_md_escape(note)} |"
            )
        out.append("")
    if notes:
        out.append("## Notes")
        out.append("")
        out.extend(f"- {n}" for n in notes)
        out.append("")
    out.append("## What each row runs")
    out.append("")
    for r in rows:
        if r.command:
            out.append(f"- `{r.id}`: `{r.command}`")
    out.append("")
    return "\n".join(out)


def write(
    out_dir: Path,
    rows: list[Row],
    info: dict[str, str],
    bare_ms: float | None,
    notes: list[str],
    diagnostics: dict[str, object],
) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    md = out_dir / "report.md"
    js = out_dir / "report.json"
    md.write_text(to_markdown(rows, info, bare_ms, notes), encoding="utf-8")
    js.write_text(
        json.dumps(
            {
                "machine": info,
                "bare_python_ms": bare_ms,
                "budget": summary(rows),
                "rows": [asdict(r) for r in rows],
                "notes": notes,
                "diagnostics": diagnostics,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    return md, js
