"""TAB completion of `asw NAME`: a real TAB on a pty in each shell, and the completion called
in-shell many times (bash's function, fish's `complete -C`).

Two states: "warm" = the names file in the cache folder is up to date (`init` and every switch
refresh it), which is every TAB in a new shell; "stale" = the config was edited after the shell
started and no switch ran since, so the completion has to parse the config files itself.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import fixtures
import measure
import shellcode as sc
from measure import Sample
from report import MET, MISSED, NA, Row

from scenarios.common import BUDGET_TAB_MS, Ctx, guarded, procs, script_failure

TAB_STATES = ("warm", "stale")


@guarded
def tab(ctx: Ctx) -> None:
    sizes = [s for s in ctx.sizes if s >= 1000] or list(ctx.sizes)
    for size in sizes:
        fx = ctx.bh.configs[size]
        for state in TAB_STATES:
            for shell in sc.SHELLS:
                _tab_prepare(ctx)
                _tab_pty(ctx, shell, fx, state)
            _tab_prepare(ctx)
            _tab_bash_loop(ctx, fx, state)
            _tab_prepare(ctx)
            _tab_fish_loop(ctx, fx, state)
    ctx.bh.clear_index_cache()


def _tab_prepare(ctx: Ctx) -> None:
    """Start from an empty cache: the shell's `init` refreshes the names file for its config."""
    ctx.bh.clear_index_cache()


def _touch_config(fx: fixtures.ConfigFixture) -> Callable[[], None]:
    """Edit the config "by hand" (new mtime) and return how to put its old mtime back."""
    st = fx.path.stat()
    os.utime(fx.path, None)
    return lambda: os.utime(fx.path, ns=(st.st_atime_ns, st.st_mtime_ns))


def _tab_budget(row: Row, python_execs: int | None) -> None:
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
    failure = ctx.init_failure(shell)
    if failure:
        ctx.add(Row(id=row_id, group="tab", what=what, status=MISSED, note=failure))
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
            f"{procs(per)} per TAB"
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
        # A completion that errors or never comes is a miss.
        row.status = MISSED
        row.note = error
    elif error:
        row.note += f"; the strace'd session failed: {error[:400]}"
    _tab_budget(row, py)
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
        ctx.add(Row(id=row_id, group="tab", what=what, status=MISSED, note=why[res.returncode]))
        return
    first = res.samples.get("first")
    first_s = first.times[0] if first and first.times else 0.0
    runs = _calibrated(ctx, first_s)
    _tab_prepare(ctx)
    res = _run_tab_script(ctx, "bash", _bash_tab_script(fx, runs, False, state), fx)
    checks = dict(c.split(" ", 1) for c in res.checks if " " in c)
    fail = script_failure(res, ctx)
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
        row.status, row.note = MISSED, row.note.replace("failed: ", "broken: ")
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
    _tab_prepare(ctx)
    out.unlink(missing_ok=True)
    res = _run_tab_script(ctx, "fish", _fish_tab_script(fx, runs, False, out, state), fx)
    fail = script_failure(res, ctx)
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
        row.status, row.note = MISSED, row.note.replace("failed: ", "broken: ")
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
        _tab_budget(row, None)
        return
    n = max(1, min(runs, 10))
    trace = ctx.work / f"strace-tabloop-{shell}-{fx.size}-{state}.txt"
    _tab_prepare(ctx)
    _run_tab_script(ctx, shell, make(n), fx, wrapper=measure.strace_command([], trace))
    counted = measure.parse_strace(trace)
    py = None
    if counted is not None:
        py = counted.python_execs()
        per = counted.forks / n
        row.extra.update({"procs_per_tab": per, "python_per_tab": py / n})
        row.note = (
            (row.note + "; " if row.note else "")
            + f"{procs(per)} per call"
            + (f" ({', '.join(sorted(set(counted.execs)))})" if counted.execs else "")
        )
    _tab_budget(row, py)
