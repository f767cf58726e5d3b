"""Timing, memory and process counting primitives (stdlib only).

Every figure is a median over repeated runs after warm-up runs that are thrown away. Whole
processes are timed from here with `time.perf_counter` around `subprocess.run`; work inside a
running shell is timed by the shell itself (bash/zsh `$EPOCHREALTIME`, fish's `time` keyword), so
that no measuring process is counted in what is measured.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Sample:
    """Seconds per run, plus what went wrong if a run failed."""

    times: list[float] = field(default_factory=list)
    error: str | None = None
    extra: dict[str, object] = field(default_factory=dict)
    # `python3 -c pass` timed right before each run (same load, same moment): the ratio's floor.
    floor: list[float] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def minimum(self) -> float:
        return min(self.times)

    def stats_ms(self) -> dict[str, float | int]:
        if not self.times:
            return {}
        ts = sorted(self.times)
        q = statistics.quantiles(ts, n=4) if len(ts) >= 4 else [ts[0], self.median, ts[-1]]
        return {
            "median_ms": round(self.median * 1000, 3),
            "min_ms": round(ts[0] * 1000, 3),
            "q1_ms": round(q[0] * 1000, 3),
            "q3_ms": round(q[2] * 1000, 3),
            "n": len(ts),
        }


def _tail(text: str | bytes | None, n: int = 600) -> str:
    if text is None:
        return ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return text.strip()[-n:]


def time_command(
    argv: Sequence[str],
    env: Mapping[str, str],
    *,
    runs: int,
    warmup: int = 2,
    before: Callable[[], None] | None = None,
    check: Callable[[subprocess.CompletedProcess[bytes]], str | None] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    timeout: float = 120,
    floor: Sequence[str] | None = ("python3", "-c", "pass"),
) -> Sample:
    """Run `argv` warmup+runs times; `before` runs untimed before each run (e.g. clear a cache).
    `check` returns an error message for a bad result; a failing run stops the measurement.
    `floor` (default `python3 -c pass`) is timed just before each run, interleaved, so that a
    ratio divides by a floor measured under the same load as the figure."""
    sample = Sample()
    for i in range(warmup + runs):
        if floor is not None:
            f0 = time.perf_counter()
            subprocess.run(
                list(floor),
                env=dict(env),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                cwd=cwd,
                timeout=timeout,
            )
            if i >= warmup:
                sample.floor.append(time.perf_counter() - f0)
        if before is not None:
            before()
        t0 = time.perf_counter()
        try:
            proc = subprocess.run(
                list(argv),
                env=dict(env),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                cwd=cwd,
                timeout=timeout,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            sample.error = f"{type(exc).__name__}: {exc}"
            return sample
        dt = time.perf_counter() - t0
        problem = check(proc) if check else None
        if problem is None and check is None and proc.returncode != 0:
            problem = f"exit {proc.returncode}: {_tail(proc.stderr)}"
        if problem:
            sample.error = problem
            return sample
        if i >= warmup:
            sample.times.append(dt)
    return sample


def max_rss_kib(argv: Sequence[str], env: Mapping[str, str], *, runs: int = 3) -> int | None:
    """Peak resident memory (KiB) of one process, the median over `runs` runs.

    Measured by GNU time (`/usr/bin/time -f %M`): a small C parent that forks the command. Asking
    the kernel from here (`wait4`) would report this Python process's own size, because the
    child is vforked from it and Linux carries the pre-exec high-water mark across exec.
    """
    gnu_time = "/usr/bin/time"
    if not os.access(gnu_time, os.X_OK):
        return None
    values: list[int] = []
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as out:
        for _ in range(runs):
            proc = subprocess.run(
                [gnu_time, "-f", "%M", "-o", out.name, *argv],
                env=dict(env),
                stdin=subprocess.DEVNULL,
                capture_output=True,
            )
            if proc.returncode != 0:
                return None
            with open(out.name, encoding="utf-8") as fh:
                values.append(int(fh.read().split()[-1]))
    return int(statistics.median(values))


# ---------------------------------------------------------------------------------------------
# Counting processes with strace

MARK_START = "BENCH_MARK_START"
MARK_END = "BENCH_MARK_END"
_FORK_RE = re.compile(r"^\d+\s+(clone3?|fork|vfork)\(")
_EXEC_RE = re.compile(r'^\d+\s+execve\("([^"]*)", \[(.*?)\]')


def strace_path() -> str | None:
    return shutil.which("strace")


def strace_command(argv: Sequence[str], out: Path) -> list[str]:
    return [
        strace_path() or "strace",
        "-f",
        # Stop only on the traced calls (seccomp filter): without it every read() of a shell
        # loading a 10,000-profile names file stops under ptrace and takes seconds.
        "--seccomp-bpf",
        "-qq",
        "-s",
        "200",
        "-e",
        "trace=execve,clone,clone3,fork,vfork",
        "-o",
        str(out),
        *argv,
    ]


@dataclass
class ProcCount:
    forks: int  # new processes (threads excluded) between the two marks
    execs: list[str]  # programs executed between the marks (argv[0] basenames)

    def python_execs(self) -> int:
        return sum(1 for e in self.execs if "python" in e or "awsswitch" in e)


def parse_strace(path: Path) -> ProcCount | None:
    """Count forks and execs strictly between the execve of `true MARK_START` and the execve of
    `true MARK_END` (minus the fork that starts the END marker)."""
    inside = False
    forks = 0
    execs: list[str] = []
    seen_start = False
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        m = _EXEC_RE.match(line)
        if m and "= -1 " not in line:
            args = m.group(2)
            if MARK_START in args:
                inside, seen_start = True, True
                continue
            if MARK_END in args and inside:
                return ProcCount(forks=max(0, forks - 1), execs=execs)
            if inside:
                execs.append(os.path.basename(m.group(1)))
            continue
        if not inside or "resumed>" in line:
            continue
        fm = _FORK_RE.match(line)
        if fm and "CLONE_THREAD" not in line:
            forks += 1
    return None if not seen_start else ProcCount(forks=forks, execs=execs)


# ---------------------------------------------------------------------------------------------
# In-shell timing: the script appends `T label start end` (bash/zsh) or `L label` lines followed by
# fish's `time` reports on stderr.

_FISH_TIME_RE = re.compile(r"Executed in\s+([0-9.]+)\s+(micros|millis|secs|mins)")
_FISH_UNITS = {"micros": 1e-6, "millis": 1e-3, "secs": 1.0, "mins": 60.0}


@dataclass
class ShellRun:
    samples: dict[str, Sample]
    checks: list[str]
    returncode: int
    stderr: str
    stdout: str


def run_shell_script(
    shell: str,
    script: str,
    env: Mapping[str, str],
    workdir: Path,
    *,
    timeout: float = 600,
    wrapper: Sequence[str] = (),
) -> ShellRun:
    """Run `script` in a non-interactive `shell` (no rc files) and collect its timings."""
    ext = {"bash": "bash", "zsh": "zsh", "fish": "fish"}[shell]
    path = workdir / f"bench-script.{ext}"
    out = workdir / "bench-out.txt"
    out.unlink(missing_ok=True)
    path.write_text(script, encoding="utf-8")
    argv = {
        "bash": ["bash", "--noprofile", "--norc", str(path)],
        "zsh": ["zsh", "-f", str(path)],
        "fish": ["fish", "--no-config", str(path)],
    }[shell]
    env = {**env, "BENCH_OUT": str(out)}
    proc = subprocess.run(
        [*wrapper, *argv],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=workdir,
    )
    samples: dict[str, Sample] = {}
    checks: list[str] = []
    fish_times = [float(v) * _FISH_UNITS[u] for v, u in _FISH_TIME_RE.findall(proc.stderr or "")]
    fish_i = 0
    lines = out.read_text(encoding="utf-8").splitlines() if out.exists() else []
    for line in lines:
        parts = line.split(" ")
        if parts[0] == "T" and len(parts) == 4:
            samples.setdefault(parts[1], Sample()).times.append(float(parts[3]) - float(parts[2]))
        elif parts[0] == "L" and len(parts) == 2:
            if fish_i < len(fish_times):
                samples.setdefault(parts[1], Sample()).times.append(fish_times[fish_i])
            fish_i += 1
        elif parts[0] == "CHECK":
            checks.append(line[6:])
    return ShellRun(
        samples=samples,
        checks=checks,
        returncode=proc.returncode,
        stderr=_FISH_TIME_RE.sub("", proc.stderr or "")[-2000:],
        stdout=(proc.stdout or "")[-2000:],
    )


def drop_warmup(sample: Sample, n: int) -> Sample:
    return Sample(
        times=sample.times[n:], error=sample.error, extra=sample.extra, floor=sample.floor[n:]
    )
