"""The measurements: each function appends `Row`s to the context; a missing piece of the product
gives an `n/a` row that says what is not available yet, never a crash."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import fixtures
import measure
import shellcode as sc
from measure import Sample
from report import INFO, MET, MISSED, NA, Row

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
    standin: object | None = None  # awsswitch.standin.StandIn when available
    standin_error: str = ""
    _init: dict[str, str | None] = field(default_factory=dict)
    memo: dict[str, float] = field(default_factory=dict)

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
            row.note = (row.note + " " if row.note else "") + f"not available yet: {sample.error}"
        return row

    def stderr_tail(self) -> str:
        p = self.work / "stderr.txt"
        if not p.exists():
            return ""
        return last_lines(p.read_text(encoding="utf-8", errors="replace"))

    def init_ok(self, shell: str) -> str | None:
        """None when `awsswitch init SHELL` works, else why not (cached)."""
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


# ---------------------------------------------------------------------------------------------


@guarded
def baseline(ctx: Ctx) -> None:
    env = ctx.env()
    ctx.bare = measure.time_command(
        ["python3", "-c", "pass"], env, runs=ctx.n(40, 15), warmup=5, floor=None
    )
    ctx.add(
        ctx.row_from(
            ctx.bare,
            id="baseline.python",
            group="baseline",
            what="`python3 -c pass` (the floor every ratio divides by)",
            command="python3 -c pass",
        )
    )
    if Path(sys.executable).resolve() != ctx.bh.python.resolve():
        s = measure.time_command([sys.executable, "-c", "pass"], env, runs=ctx.n(20, 8))
        ctx.add(
            ctx.row_from(
                s,
                id="baseline.python-system",
                group="baseline",
                what="`python3 -c pass` on the system interpreter (its site-packages .pth files "
                "run at start-up; not used for ratios)",
                command=f"{sys.executable} -c pass",
            )
        )


def _bare_again(ctx: Ctx) -> None:
    """Measure the floor again at the end and report the drift (each ratio divides by a floor
    timed next to its own figure, so drift does not skew ratios)."""
    again = measure.time_command(
        ["python3", "-c", "pass"], ctx.env(), runs=ctx.n(40, 15), floor=None
    )
    if ctx.bare and again.ok:
        first = ctx.bare.median * 1000
        ctx.notes.append(
            f"`python3 -c pass` median at the start {first:.2f} ms, at the end "
            f"{again.median * 1000:.2f} ms."
        )


def _check_stdout(needle: str) -> Callable[[subprocess.CompletedProcess[bytes]], str | None]:
    def check(proc: subprocess.CompletedProcess[bytes]) -> str | None:
        if proc.returncode != 0:
            err = proc.stderr.decode("utf-8", "replace").strip()[-300:]
            return f"exit {proc.returncode}: {err}"
        if needle.encode() not in proc.stdout:
            return f"output lacks {needle!r}"
        return None

    return check


@guarded
def init(ctx: Ctx) -> None:
    size = 1000 if 1000 in ctx.bh.configs else min(ctx.sizes)
    env = ctx.env(size)
    runs = ctx.n(30, 10)
    outputs: dict[str, str] = {}
    for shell in sc.SHELLS:
        s = measure.time_command(
            awsswitch_argv("init", shell),
            env,
            runs=runs,
            warmup=3,
            check=_check_stdout("asw"),
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
            check=_check_stdout("asw"),
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
            s = measure.time_command(argv, venv, runs=ctx.n(20, 8), warmup=3, check=_rc0)
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


def _rc0(proc: subprocess.CompletedProcess[bytes]) -> str | None:
    if proc.returncode != 0:
        return f"exit {proc.returncode}: {proc.stderr.decode('utf-8', 'replace')[-300:]}"
    return None


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


# ---------------------------------------------------------------------------------------------
# asw NAME


def _core_available(ctx: Ctx) -> str | None:
    size = min(ctx.sizes)
    target = ctx.bh.configs[size].short_targets[0]
    proc = subprocess.run(
        awsswitch_argv("_asw", "bash", target), env=ctx.env(size), capture_output=True, text=True
    )
    if proc.returncode != 0 or "AWS_PROFILE" not in proc.stdout:
        return (
            f"not available yet: `awsswitch _asw bash {target}` exit {proc.returncode}: "
            f"{last_lines(proc.stderr)}"
        )
    return None


@guarded
def asw_core(ctx: Ctx) -> None:
    missing = _core_available(ctx)
    for size in ctx.sizes:
        fx = ctx.bh.configs[size]
        env = ctx.env(size)
        for mode in ("cold", "warm"):
            row_id = f"core.{size}.{mode}"
            what = f"core `awsswitch _asw bash NAME`, {size:,} profiles, {mode} index cache"
            if missing:
                ctx.add(Row(id=row_id, group="asw", what=what, status=NA, note=missing))
                continue
            runs = ctx.n(30, 8) if size < 10000 or mode == "warm" else ctx.n(16, 5)
            s = measure.time_command(
                awsswitch_argv("_asw", "bash", fx.short_targets[0]),
                env,
                runs=runs,
                warmup=2,
                before=ctx.bh.clear_index_cache if mode == "cold" else None,
                check=_check_stdout(fx.targets[0]),
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
    if not missing:
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
                script.append(sc.check(shell, label, "$AWS_PROFILE"))
        (ctx.work / "stderr.txt").unlink(missing_ok=True)
        res = measure.run_shell_script(shell, "".join(script), ctx.env(), ctx.work)
        fail = _script_failure(res, ctx)
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


def _script_failure(res: measure.ShellRun, ctx: Ctx) -> str | None:
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


def _asw_processes(ctx: Ctx) -> None:
    """Processes one `asw NAME` starts, counted with strace (warm, 1,000 profiles)."""
    if not measure.strace_path():
        ctx.notes.append(
            "strace is not installed: process counts skipped (bench setup installs it)"
        )
        return
    size = 1000 if 1000 in ctx.bh.configs else min(ctx.sizes)
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


# ---------------------------------------------------------------------------------------------
# refresh due


@guarded
def refresh(ctx: Ctx) -> None:
    size = 1000 if 1000 in ctx.bh.configs else min(ctx.sizes)
    fx = ctx.bh.configs[size]
    what = f"`asw NAME` with a refresh due (token expires in 5 min), {size:,} profiles"
    if ctx.standin is None:
        ctx.add(
            Row(
                id="refresh.core",
                group="refresh",
                what=what,
                status=NA,
                note=f"stand-in not available yet: {ctx.standin_error}",
            )
        )
        return
    missing = _core_available(ctx)
    if missing:
        ctx.add(Row(id="refresh.core", group="refresh", what=what, status=NA, note=missing))
        return
    s = ctx.standin
    session = fx.sessions[-1]
    due_entry, write_due = _due_token(ctx, fx)

    env = ctx.env(size, **s.env())  # type: ignore[attr-defined]
    before = s.count("CreateToken", grantType="refresh_token")  # type: ignore[attr-defined]
    runs = ctx.n(12, 4)
    sample = measure.time_command(
        awsswitch_argv("_asw", "bash", fx.short_targets[0]),
        env,
        runs=runs,
        warmup=2,
        before=write_due,
        check=_check_stdout(fx.targets[0]),
    )
    refreshed = s.count("CreateToken", grantType="refresh_token") - before  # type: ignore[attr-defined]
    row = ctx.row_from(
        sample,
        id="refresh.core",
        group="refresh",
        what=f"core {what}",
        command=f"awsswitch _asw bash {fx.short_targets[0]} (stand-in on 127.0.0.1)",
    )
    _refresh_note(row, refreshed, runs + 2)
    ctx.add(row)

    # End to end in bash: tokens minted up front, copied into the cache before each switch.
    warm = 2
    files = []
    for i in range(runs + warm):
        p = ctx.work / f"due-token-{i}.json"
        p.write_text(json.dumps(due_entry()), encoding="utf-8")
        files.append(p)
    cache = fixtures.token_path(ctx.bh.home, session)
    body = "".join(
        f"command cp {sc.q('bash', str(p))} {sc.q('bash', str(cache))}\n"
        + sc.timed(
            "bash", "due", f"asw {sc.q('bash', fx.short_targets[0])} >/dev/null 2>>$BENCH_ERR"
        )
        for p in files
    )
    script = (
        sc.prelude("bash")
        + sc.init("bash")
        + sc.setenv("bash", "AWS_CONFIG_FILE", str(fx.path))
        + body
        + sc.check("bash", "due", "$AWS_PROFILE")
    )
    before = s.count("CreateToken", grantType="refresh_token")  # type: ignore[attr-defined]
    res = measure.run_shell_script("bash", script, env, ctx.work)
    refreshed = s.count("CreateToken", grantType="refresh_token") - before  # type: ignore[attr-defined]
    fail = _script_failure(res, ctx)
    sample = res.samples.get("due", Sample(error=fail or "no data"))
    if fail:
        sample.error = fail
    row = ctx.row_from(
        measure.drop_warmup(sample, warm),
        id="refresh.bash",
        group="refresh",
        what=f"{what}, end to end in bash",
        command=f"bash: asw {fx.short_targets[0]} (stand-in on 127.0.0.1)",
    )
    _refresh_note(row, refreshed, len(files))
    ctx.add(row)
    # Leave a fresh token behind for everything measured after this.
    fixtures.write_fresh_tokens(ctx.bh.home)


def _due_token(
    ctx: Ctx, fx: fixtures.ConfigFixture
) -> tuple[Callable[[], dict[str, str]], Callable[[], None]]:
    """Mint (on the stand-in) a token expiring in 5 minutes with refresh fields, for the
    session of `fx`'s first target; the second callable writes one into the cache."""
    s = ctx.standin
    session = fx.sessions[-1]
    loc_index = fixtures.LOCATIONS.index(session.split(".", 1)[1])
    start_url = fixtures.START_URL.format(n=loc_index)

    def due_entry() -> dict[str, str]:
        grant = s.mint_token(expires_in=300)  # type: ignore[union-attr]
        return grant.cache_entry(start_url, fixtures.SSO_REGION)

    def write_due() -> None:
        fixtures.write_token(ctx.bh.home, session, due_entry())

    return due_entry, write_due


def _refresh_note(row: Row, refreshed: int, runs: int) -> None:
    row.extra["refreshes"] = refreshed
    if refreshed >= runs:
        row.note = (
            row.note + " " if row.note else ""
        ) + f"{refreshed} refreshes seen by the stand-in"
    elif row.status != NA:
        row.status = NA
        row.note = (
            f"not available yet: the stand-in saw {refreshed} refresh calls for {runs} switches "
            "(token refresh not wired into the switch path); the figure is a plain switch"
        )


# ---------------------------------------------------------------------------------------------
# prompt


def _render(shell: str) -> str:
    """Do what the shell does before drawing a prompt, without a terminal."""
    if shell == "bash":
        return (
            "__bench_render() {\n"
            '  local __pc; for __pc in "${PROMPT_COMMAND[@]}"; do eval "$__pc"; done\n'
            "  __ps=${PS1@P}\n"
            "}\n"
        )
    if shell == "zsh":
        return (
            "__bench_render() {\n"
            "  local __f\n"
            "  if (( $+functions[precmd] )); then precmd; fi\n"
            "  for __f in $precmd_functions; do $__f; done\n"
            "  __ps=${(%%)PROMPT}; __rps=${(%%)RPROMPT}\n"
            "}\n"
        )
    return (
        "function __bench_render\n"
        "  emit fish_prompt\n"
        "  set -g __ps (fish_prompt | string collect)\n"
        "  if functions -q fish_right_prompt\n"
        "    set -g __rps (fish_right_prompt | string collect)\n"
        "  end\n"
        "end\n"
    )


def _plain_prompt(shell: str) -> str:
    if shell == "bash":
        return "PS1='\\u@\\h:\\w\\$ '\n"
    if shell == "zsh":
        return "PROMPT='%n@%m %~ %# '\n"
    return "function fish_prompt; echo -n (prompt_pwd)'> '; end\n"


def _dump_prompt(shell: str, path: Path) -> str:
    if shell == "fish":
        return f'printf \'%s\\n\' "$__ps" "$__rps" >{sc.q("fish", str(path))}\n'
    return f'printf \'%s\\n\' "$__ps" "${{__rps-}}" >{sc.q(shell, str(path))}\n'


@guarded
def prompt(ctx: Ctx) -> None:
    size = 1000 if 1000 in ctx.bh.configs else min(ctx.sizes)
    fx = ctx.bh.configs[size]
    renders = ctx.n(1000, 200)
    traced = ctx.n(300, 100)  # processes per render are counted exactly: fewer renders suffice
    for shell in sc.SHELLS:
        dump = ctx.work / f"prompt-{shell}.txt"
        dump.unlink(missing_ok=True)

        def make(n: int, shell: str = shell, dump: Path = dump) -> str:
            render_n = sc.loop(shell, n, "__bench_render")
            return (
                sc.prelude(shell)
                + sc.setenv(shell, "AWS_CONFIG_FILE", str(fx.path))
                + _plain_prompt(shell)
                + _render(shell)
                + sc.loop(shell, 20, "__bench_render")
                + sc.timed_block(shell, "plain", render_n)
                + sc.init(shell, "--prompt")
                + f"asw {sc.q(shell, fx.short_targets[0])} >/dev/null 2>>$BENCH_ERR\n"
                + sc.loop(shell, 20, "__bench_render")
                + sc.mark("START")
                + sc.timed_block(shell, "asw", render_n)
                + sc.mark("END")
                + _dump_prompt(shell, dump)
            )

        res = measure.run_shell_script(shell, make(renders), ctx.env(), ctx.work)
        fail = _script_failure(res, ctx)
        trace = ctx.work / f"strace-prompt-{shell}.txt"
        counted = None
        if not fail and measure.strace_path():
            measure.run_shell_script(
                shell, make(traced), ctx.env(), ctx.work, wrapper=measure.strace_command([], trace)
            )
            counted = measure.parse_strace(trace)
        shown = dump.read_text(encoding="utf-8", errors="replace") if dump.exists() else ""
        has_name = fx.short_targets[0] in shown
        limit = 0 if shell in ("bash", "zsh") else 1
        row = Row(
            id=f"prompt.{shell}.procs",
            group="prompt",
            what=f"processes per prompt render in {shell} (counted over {traced:,} renders)",
            unit="procs/render",
            budget=f"{_procs(limit)} per render"
            + ("" if shell != "fish" else " (DESIGN: at most one in fish)"),
            command=f"{shell}: strace -f over {traced} renders (hooks + prompt expansion)",
        )
        if fail:
            row.status, row.note = NA, fail
        elif counted is None:
            row.status, row.note = NA, "strace not available"
        else:
            row.value = round(counted.forks / traced, 3)
            row.status = MET if row.value <= limit else MISSED
            execs = sorted(set(counted.execs))
            row.note = f"forks {counted.forks} in {traced} renders" + (
                f"; executes {', '.join(execs)}" if execs else ""
            )
            if not has_name:
                row.status = NA
                row.note += (
                    f"; the rendered prompt does not show {fx.short_targets[0]!r}"
                    " (segment not installed by `init --prompt`?)"
                )
        row.extra["rendered"] = shown.strip()[:300]
        ctx.add(row)
        plain = res.samples.get("plain")
        seg = res.samples.get("asw")
        trow = Row(
            id=f"prompt.{shell}.time",
            group="prompt",
            what=f"time per prompt render in {shell}, with the segment (over {renders:,})",
            command=f"{shell}: hooks + prompt expansion, {renders} times",
        )
        if fail or not seg or not seg.times:
            trow.status, trow.note = NA, fail or "no data"
        else:
            trow.median_ms = round(seg.times[0] / renders * 1000, 4)
            trow.n = renders
            if plain and plain.times:
                p = plain.times[0] / renders * 1000
                trow.note = f"plain prompt without awsswitch: {p * 1000:.0f} µs per render"
                trow.extra["plain_ms"] = round(p, 4)
            trow.extra["rendered"] = shown.strip()[:300]
        ctx.add(trow)


# ---------------------------------------------------------------------------------------------
# TAB completion
#
# Two states: "warm" = the names file in the cache folder is up to date (`init` and every switch
# refresh it), which is every TAB in a new shell; "stale" = the config was edited after the shell
# started and no switch ran since, so the completion has to parse the config files itself.

TAB_STATES = ("warm", "stale")


@guarded
def tab(ctx: Ctx) -> None:
    sizes = [s for s in ctx.sizes if s >= 1000] or list(ctx.sizes)
    for size in sizes:
        fx = ctx.bh.configs[size]
        for state in TAB_STATES:
            for shell in sc.SHELLS:
                _tab_prepare(ctx, fx, state)
                _tab_pty(ctx, shell, fx, state)
            _tab_prepare(ctx, fx, state)
            _tab_bash_loop(ctx, fx, state)
            _tab_prepare(ctx, fx, state)
            _tab_fish_loop(ctx, fx, state)
    ctx.bh.clear_index_cache()


def _tab_prepare(ctx: Ctx, fx: fixtures.ConfigFixture, state: str) -> None:
    """Start from an empty cache: the shell's `init` refreshes the names file for its config."""
    ctx.bh.clear_index_cache()


def _touch_config(fx: fixtures.ConfigFixture) -> Callable[[], None]:
    """Edit the config "by hand" (new mtime) and return how to put its old mtime back."""
    st = fx.path.stat()
    os.utime(fx.path, None)
    return lambda: os.utime(fx.path, ns=(st.st_atime_ns, st.st_mtime_ns))


def _procs(n: float) -> str:
    return f"{n:g} process" + ("" if n == 1 else "es")


def _tab_budget(row: Row, size: int, python_execs: int | None) -> None:
    row.budget = f"≤ {BUDGET_TAB_MS:g} ms, no Python process"
    if row.status == NA or row.median_ms is None:
        return
    ok = row.median_ms <= BUDGET_TAB_MS and (python_execs in (0, None))
    row.status = MET if ok else MISSED


def _tab_what(kind: str, fx: fixtures.ConfigFixture, state: str) -> str:
    cache = (
        "names cache up to date"
        if state == "warm"
        else "config edited since the shell started (names cache stale)"
    )
    return f"{kind}, {fx.size:,} profiles, {cache}"


def _pty_setup(ctx: Ctx, shell: str, tag: str) -> tuple[list[str], dict[str, str]]:
    env = ctx.env()
    rcdir = ctx.work / f"pty-{shell}-{tag}"
    rcdir.mkdir(parents=True, exist_ok=True)
    if shell == "bash":
        rc = rcdir / ".bashrc"
        rc.write_text(
            "PS1='BENCHPS> '\nbind 'set bell-style none'\neval \"$(awsswitch init bash)\"\n",
            encoding="utf-8",
        )
        return ["bash", "--noprofile", "--rcfile", str(rc), "-i"], env
    if shell == "zsh":
        (rcdir / ".zshrc").write_text(
            "PS1='BENCHPS> '\nunsetopt beep\nautoload -Uz compinit\n"
            'compinit -u -d "$ZDOTDIR/.zcompdump"\n'
            'eval "$(awsswitch init zsh)"\n',
            encoding="utf-8",
        )
        env["ZDOTDIR"] = str(rcdir)
        return ["zsh", "-i"], env
    cfg = rcdir / "fish" / "config.fish"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(
        "function fish_prompt; echo -n 'BENCHPS> '; end\nfunction fish_greeting; end\n"
        "set -g fish_autosuggestion_enabled 0\n"
        "set -g fish_history ''\n"  # a private, in-memory history per session
        "awsswitch init fish | source\n",
        encoding="utf-8",
    )
    env["XDG_CONFIG_HOME"] = str(rcdir)
    return ["fish", "-i"], env


FLOOR_FILE = "tabfloor-abcdefgh-zzzz"
PTY_TAB_TIMEOUT = 20.0


# What a shell prints when a completion function breaks (bash, zsh, fish).
PTY_ERRORS = (
    "not a valid identifier",
    "command not found",
    "parse error",
    "unbound variable",
    "bad substitution",
    "Unknown command",
    "fish: ",
)


class CompletionError(Exception):
    """The shell printed an error instead of completing."""


def _pty_tab(child: object, typed: str, echo_tail: str, expect: str, prompt: str) -> float:
    """Type `typed`, press TAB, time until `expect` appears on the screen, then Ctrl-C."""
    child.send(typed)  # type: ignore[attr-defined]
    child.expect_exact(echo_tail)  # type: ignore[attr-defined]
    t0 = time.perf_counter()
    child.send("\t")  # type: ignore[attr-defined]
    i = child.expect_exact([expect, *PTY_ERRORS], timeout=PTY_TAB_TIMEOUT)  # type: ignore[attr-defined]
    dt = time.perf_counter() - t0
    if i > 0:
        child.expect_exact(prompt)  # type: ignore[attr-defined]
        screen = (PTY_ERRORS[i - 1] + child.before).strip()  # type: ignore[attr-defined]
        raise CompletionError(f"the completion printed an error: {screen[:200]!r}")
    child.send("\x03")  # type: ignore[attr-defined]
    child.expect_exact(prompt)  # type: ignore[attr-defined]
    return dt


def _tab_pty(ctx: Ctx, shell: str, fx: fixtures.ConfigFixture, state: str) -> None:
    """A real TAB in an interactive shell on a pty: the time from the key to the completed word
    on the screen. The same session also completes a file name (the pty floor: what any TAB
    costs in that shell); a second, strace'd session counts the processes per TAB."""
    row_id = f"tab.{shell}.{fx.size}.{state}"
    what = _tab_what(f"TAB after `asw {fx.tab_prefix}`, interactive {shell} on a pty", fx, state)
    try:
        import pexpect
    except ImportError:
        ctx.add(Row(id=row_id, group="tab", what=what, status=NA, note="pexpect not installed"))
        return
    missing = ctx.init_ok(shell)
    if missing:
        ctx.add(
            Row(id=row_id, group="tab", what=what, status=NA, note=f"not available yet: {missing}")
        )
        return
    argv, env = _pty_setup(ctx, shell, f"{fx.size}-{state}")
    env["AWS_CONFIG_FILE"] = str(fx.path)
    cwd = ctx.work / f"pty-{shell}-{fx.size}-{state}"
    (cwd / FLOOR_FILE).touch()
    trace = ctx.work / f"strace-tab-{shell}-{fx.size}-{state}.txt"
    trace.unlink(missing_ok=True)
    use_strace = measure.strace_path() is not None
    prompt = "BENCHPS> "
    asw_case = (f"asw {fx.tab_prefix}", fx.tab_prefix[-10:], "user", prompt)
    floor_case = (f": {FLOOR_FILE[:13]}", FLOOR_FILE[5:13], "zzzz", prompt)
    times: list[float] = []
    floor: list[float] = []
    first: float | None = None
    error: str | None = None
    n_traced = 2
    for traced in (False, True) if use_strace else (False,):
        full = measure.strace_command(argv, trace) if traced else argv
        child = pexpect.spawn(
            full[0],
            full[1:],
            env=env,
            cwd=str(cwd),
            encoding="utf-8",
            dimensions=(50, 220),
            timeout=10,
        )
        child.delaybeforesend = None  # pexpect sleeps 50 ms before each send by default
        restore = None
        step = "the first prompt"
        try:
            child.expect_exact(prompt, timeout=30)
            step = f"the completion (≤ {PTY_TAB_TIMEOUT:g} s) or a prompt"
            if state == "stale":
                restore = _touch_config(fx)
            if traced:
                child.sendline(f"{sc.TRUE} {measure.MARK_START}")
                child.expect_exact(prompt)
                for _ in range(n_traced):
                    _pty_tab(child, *asw_case)
                child.sendline(f"{sc.TRUE} {measure.MARK_END}")
                child.expect_exact(prompt)
            else:
                first = _pty_tab(child, *asw_case)
                # Slow completions get fewer runs: the bench must finish in minutes.
                runs = ctx.n(15, 6) if first < 0.3 else (4 if first < 3 else 1)
                n_traced = 1 if first > 1 else n_traced
                for i in range(runs + (1 if runs > 1 else 0)):
                    dt = _pty_tab(child, *asw_case)
                    if i > 0 or runs == 1:
                        times.append(dt)
                if f"pty-floor-{shell}" not in ctx.memo:  # once per shell: it does not vary
                    floor = [_pty_tab(child, *floor_case) for _ in range(ctx.n(10, 4))]
                    ctx.memo[f"pty-floor-{shell}"] = Sample(times=floor).median
        except CompletionError as exc:
            error = str(exc)
        except (pexpect.TIMEOUT, pexpect.EOF) as exc:
            error = (
                f"{type(exc).__name__} waiting for {step}; screen: {(child.before or '')[-160:]!r}"
            )
        finally:
            child.sendline("exit")
            child.close(force=True)
            if restore is not None:
                restore()
        if error:
            break
    sample = Sample(times=times, error=error if not times else None)
    row = ctx.row_from(
        sample,
        id=row_id,
        group="tab",
        what=what,
        command=f"{' '.join(argv)}: type `asw {fx.tab_prefix}`, TAB, wait for the completion",
    )
    row.ratio = None
    counted = measure.parse_strace(trace) if use_strace and trace.exists() else None
    py = None
    notes = []
    if counted is not None and not error:
        py = counted.python_execs()
        per = counted.forks / n_traced
        row.extra.update(
            {"procs_per_tab": per, "python_per_tab": py / n_traced, "execs": counted.execs}
        )
        notes.append(
            f"{_procs(per)} per TAB"
            + (f" ({', '.join(sorted(set(counted.execs)))})" if counted.execs else "")
        )
    if first is not None:
        notes.append(f"first TAB {first * 1000:.1f} ms")
        row.extra["first_ms"] = round(first * 1000, 3)
    if f"pty-floor-{shell}" in ctx.memo:
        f_ms = ctx.memo[f"pty-floor-{shell}"] * 1000
        notes.append(f"pty floor (TAB on a file name) {f_ms:.1f} ms")
        row.extra["floor_ms"] = round(f_ms, 3)
    row.note = "; ".join([*notes, *([row.note] if row.note else [])])
    if error and first is None:
        # A completion that errors or never comes is a miss, not a missing piece.
        row.status = MISSED
        row.note = error
    elif error:
        row.note += f"; the strace'd session failed: {error[:400]}"
    _tab_budget(row, fx.size, py)
    ctx.add(row)


def _calibrated(ctx: Ctx, seconds: float, budget_s: float = 1.5) -> int:
    """How many in-shell iterations fit in `budget_s` when one takes `seconds`."""
    if seconds <= 0:
        return ctx.n(100, 30)
    return max(1, min(ctx.n(100, 30), int(budget_s / seconds)))


def _run_tab_script(
    ctx: Ctx, shell: str, script: str, fx: fixtures.ConfigFixture, wrapper: list[str] | None = None
) -> measure.ShellRun:
    """Run an in-shell TAB script with `fx`'s config in the environment before `init` (as a
    user's environment has it); put the config's mtime back if the script touched it."""
    st = fx.path.stat()
    try:
        return measure.run_shell_script(
            shell, script, ctx.env(fx.size), ctx.work, wrapper=wrapper or ()
        )
    finally:
        os.utime(fx.path, ns=(st.st_atime_ns, st.st_mtime_ns))


def _touch_line(state: str) -> str:
    """In-shell: edit the config after `init` refreshed the names (stale state)."""
    return 'command touch -- "$AWS_CONFIG_FILE"\n' if state == "stale" else ""


def _bash_tab_script(fx: fixtures.ConfigFixture, runs: int, marks: bool, state: str) -> str:
    call = f"__tab {sc.q('bash', fx.tab_prefix)}"
    return (
        sc.prelude("bash")
        + sc.init("bash")
        + _touch_line(state)
        + "__spec=$(complete -p asw 2>/dev/null) || "
        + '{ echo "CHECK spec none" >>"$BENCH_OUT"; exit 5; }\n'
        + 'echo "CHECK spec $__spec" >>"$BENCH_OUT"\n'
        + 'case " $__spec " in *" -F "*) ;; *) exit 6;; esac\n'
        + "__f=${__spec##*-F }; __f=${__f%% *}\n"
        + '__tab() { COMP_WORDS=(asw "$1"); COMP_CWORD=1; COMP_LINE="asw $1"; '
        "COMP_POINT=${#COMP_LINE}; COMP_TYPE=9; COMP_KEY=9; COMPREPLY=(); "
        '"$__f" asw "$1" asw 2>>"$BENCH_ERR"; }\n'
        + sc.timed("bash", "first", call)
        + (sc.mark("START") if marks else "")
        + sc.loop("bash", runs, sc.timed("bash", "tab", call))
        + (sc.mark("END") if marks else "")
        + 'echo "CHECK n ${#COMPREPLY[@]} ${COMPREPLY[0]-}" >>"$BENCH_OUT"\n'
    )


def _tab_bash_loop(ctx: Ctx, fx: fixtures.ConfigFixture, state: str) -> None:
    row_id = f"tab.bash-fn.{fx.size}.{state}"
    what = _tab_what("bash completion function called in-shell", fx, state)
    res = _run_tab_script(ctx, "bash", _bash_tab_script(fx, 0, False, state), fx)
    checks = dict(c.split(" ", 1) for c in res.checks if " " in c)
    if res.returncode in (5, 6):
        why = {5: "`asw` has no bash completion", 6: f"not a -F function: {checks.get('spec')}"}
        ctx.add(Row(id=row_id, group="tab", what=what, status=NA, note=why[res.returncode]))
        return
    first = res.samples.get("first")
    first_s = first.times[0] if first and first.times else 0.0
    runs = _calibrated(ctx, first_s)
    _tab_prepare(ctx, fx, state)
    res = _run_tab_script(ctx, "bash", _bash_tab_script(fx, runs, False, state), fx)
    checks = dict(c.split(" ", 1) for c in res.checks if " " in c)
    fail = _script_failure(res, ctx)
    sample = res.samples.get("tab", Sample())
    if fail:
        sample.error = fail
    n_reply = checks.get("n", "0 ").split(" ", 1)
    got = n_reply[1] if len(n_reply) > 1 else ""
    broken = not fail and (n_reply[0] == "0" or "poweruser" not in got)
    if broken:
        sample.error = (
            f"no candidate for {fx.tab_prefix!r} (COMPREPLY: {checks.get('n')!r}; "
            f"stderr: {ctx.stderr_tail()[-160:]})"
        )
    row = ctx.row_from(
        sample,
        id=row_id,
        group="tab",
        what=what,
        command=f"bash: {checks.get('spec', '?')}; call it with COMP_WORDS=(asw {fx.tab_prefix})",
    )
    row.ratio = None
    row.note = "; ".join([f"first call {first_s * 1000:.1f} ms", *([row.note] if row.note else [])])
    _strace_loop_note(
        ctx, row, "bash", lambda n: _bash_tab_script(fx, n, True, state), runs, fx, state
    )
    if broken:
        row.status, row.note = MISSED, row.note.replace("not available yet: ", "broken: ")
    ctx.add(row)


def _fish_tab_script(
    fx: fixtures.ConfigFixture, runs: int, marks: bool, out: Path, state: str
) -> str:
    cmd = f"complete -C {sc.q('fish', 'asw ' + fx.tab_prefix)} >/dev/null"
    return (
        sc.prelude("fish")
        + sc.init("fish")
        + _touch_line(state)
        + sc.timed("fish", "first", cmd)
        + (sc.mark("START") if marks else "")
        + sc.loop("fish", runs, sc.timed("fish", "tab", cmd))
        + (sc.mark("END") if marks else "")
        + f"complete -C {sc.q('fish', 'asw ' + fx.tab_prefix)} >{sc.q('fish', str(out))}\n"
    )


def _tab_fish_loop(ctx: Ctx, fx: fixtures.ConfigFixture, state: str) -> None:
    row_id = f"tab.fish-complete.{fx.size}.{state}"
    what = _tab_what(f"fish `complete -C 'asw {fx.tab_prefix}'` in-shell", fx, state)
    out = ctx.work / "fish-complete.txt"
    res = _run_tab_script(ctx, "fish", _fish_tab_script(fx, 0, False, out, state), fx)
    first = res.samples.get("first")
    first_s = first.times[0] if first and first.times else 0.0
    runs = _calibrated(ctx, first_s)
    _tab_prepare(ctx, fx, state)
    out.unlink(missing_ok=True)
    res = _run_tab_script(ctx, "fish", _fish_tab_script(fx, runs, False, out, state), fx)
    fail = _script_failure(res, ctx)
    sample = res.samples.get("tab", Sample())
    if fail:
        sample.error = fail
    got = out.read_text(encoding="utf-8", errors="replace") if out.exists() else ""
    broken = not fail and "poweruser" not in got
    if broken:
        sample.error = f"no candidate for {fx.tab_prefix!r}"
    row = ctx.row_from(
        sample,
        id=row_id,
        group="tab",
        what=what,
        command=f"fish: complete -C 'asw {fx.tab_prefix}'",
    )
    row.ratio = None
    row.note = "; ".join([f"first call {first_s * 1000:.1f} ms", *([row.note] if row.note else [])])
    _strace_loop_note(
        ctx, row, "fish", lambda n: _fish_tab_script(fx, n, True, out, state), runs, fx, state
    )
    if broken:
        row.status, row.note = MISSED, row.note.replace("not available yet: ", "broken: ")
    ctx.add(row)


def _strace_loop_note(
    ctx: Ctx,
    row: Row,
    shell: str,
    make: Callable[[int], str],
    runs: int,
    fx: fixtures.ConfigFixture,
    state: str,
) -> None:
    if row.status == NA or not measure.strace_path():
        _tab_budget(row, fx.size, None)
        return
    n = max(1, min(runs, 10))
    trace = ctx.work / f"strace-tabloop-{shell}-{fx.size}-{state}.txt"
    _tab_prepare(ctx, fx, state)
    _run_tab_script(ctx, shell, make(n), fx, wrapper=measure.strace_command([], trace))
    counted = measure.parse_strace(trace)
    py = None
    if counted is not None:
        py = counted.python_execs()
        per = counted.forks / n
        row.extra.update({"procs_per_tab": per, "python_per_tab": py / n})
        row.note = (
            (row.note + "; " if row.note else "")
            + f"{_procs(per)} per call"
            + (f" ({', '.join(sorted(set(counted.execs)))})" if counted.execs else "")
        )
    _tab_budget(row, fx.size, py)


# ---------------------------------------------------------------------------------------------
# sync


@guarded
def sync(ctx: Ctx) -> None:
    """Delegates to bench/bench_sync.py (the sync engineer's): it starts its own stand-in with
    1,000 accounts x 3 roles and 20 ms per call and prints one JSON line."""
    here = Path(__file__).resolve().parent
    script = here / "bench_sync.py"
    what = "`awsswitch sync` of 1,000 accounts × 3 roles, 20 ms per portal call"
    if not script.exists():
        ctx.add(
            Row(
                id="sync.default",
                group="sync",
                what=what,
                status=NA,
                note="not available yet: bench/bench_sync.py does not exist",
            )
        )
        return
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
                note=f"not available yet: bench_sync exit {proc.returncode}: "
                f"{last_lines(proc.stderr)}",
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


# ---------------------------------------------------------------------------------------------
# memory


@guarded
def memory(ctx: Ctx) -> None:
    cases: list[tuple[str, str, list[str], dict[str, str], Callable[[], None] | None]] = [
        ("bare", "`python3 -c pass`", ["python3", "-c", "pass"], ctx.env(), None),
        ("init", "`awsswitch init bash`", awsswitch_argv("init", "bash"), ctx.env(), None),
    ]
    for size in ctx.sizes:
        fx = ctx.bh.configs[size]
        argv = awsswitch_argv("_asw", "bash", fx.short_targets[0])
        cases.append(
            (
                f"core.{size}.warm",
                f"core `_asw`, {size:,} profiles, warm",
                argv,
                ctx.env(size),
                None,
            )
        )
        cases.append(
            (
                f"core.{size}.cold",
                f"core `_asw`, {size:,} profiles, cold",
                argv,
                ctx.env(size),
                ctx.bh.clear_index_cache,
            )
        )
    if ctx.standin is not None and 1000 in ctx.bh.configs:
        fx = ctx.bh.configs[1000]
        cases.append(
            (
                "refresh.1000",
                "core `_asw` with a refresh due (boto3 sso-oidc), 1,000 profiles",
                awsswitch_argv("_asw", "bash", fx.short_targets[0]),
                ctx.env(1000, **ctx.standin.env()),  # type: ignore[attr-defined]
                _due_token(ctx, fx)[1],
            )
        )
    base: int | None = None
    for key, what, argv, env, before in cases:
        if before is None and key.startswith("core"):
            subprocess.run(argv, env=env, capture_output=True)  # fill the cache
        values = []
        for _ in range(3):
            if before:
                before()
            v = measure.max_rss_kib(argv, env, runs=1)
            if v is None:
                break
            values.append(v)
        row = Row(
            id=f"memory.{key}",
            group="memory",
            what=f"max RSS of {what}",
            unit="KiB",
            command=" ".join(argv),
        )
        if not values:
            row.status, row.note = NA, "not available yet (command failed)"
        else:
            row.value = float(sorted(values)[len(values) // 2])
            if key == "bare":
                base = int(row.value)
            elif base:
                row.note = f"+{(row.value - base) / 1024:.1f} MiB over bare Python"
        ctx.add(row)
    fixtures.write_fresh_tokens(ctx.bh.home)


# ---------------------------------------------------------------------------------------------
# import diagnostics: what each hot path imports, heaviest first


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
    forbidden list is DESIGN's (typer, click, rich, boto3; plus botocore, pydantic and
    shellingham from the project rules); tests/test_hot_imports.py asserts the same."""
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
            row.note = f"not available yet: exit {info['exit']}"
        ctx.add(row)
    ctx.diagnostics["imports"] = found
