"""`cd` with `init --auto` (per-directory profiles): processes and time per `cd`, with and
without a `.awsprofile` up the tree, and the cost of a `cd` that changes the profile.

Each `cd` is followed by the shell's pre-prompt hooks (PROMPT_COMMAND; precmd; the
`fish_prompt` event), because that is where bash looks for the file; zsh and fish look on
the directory change itself (chpwd, `--on-variable PWD`) and again before the prompt.
Drawing the prompt is the prompt group's figure, not this one's. The same SSO profile is
active in every variant (switched to with `asw` first), so the rows differ only by what
--auto adds. Three trees under the work folder, about twelve levels below /: `plain/…` (no
file anywhere up), `repo/…` (a `.awsprofile` at `repo`, allowed, naming a profile of the
1,000-profile fixture), and moves between them (each one a switch: one Python process)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import measure
import shellcode as sc
from report import MET, MISSED, NA, Row

from scenarios.common import Ctx, guarded, procs, script_failure

DEEP = "a/b/c/d/e/f/g/h"


def _trees(ctx: Ctx, profile: str) -> dict[str, Path]:
    root = ctx.work / "cdtree"
    dirs = {
        "plain_a": root / "plain" / DEEP,
        "plain_b": root / "plain" / "x" / "y",
        "repo": root / "repo",
        "repo_a": root / "repo" / DEEP,
        "repo_b": root / "repo" / "x" / "y",
    }
    for folder in dirs.values():
        folder.mkdir(parents=True, exist_ok=True)
    (dirs["repo"] / ".awsprofile").write_text(profile + "\n", encoding="utf-8")
    return dirs


def _allow(ctx: Ctx, folder: Path) -> str | None:
    """Trust the file the way `awsswitch allow` does (same function, measured interpreter)."""
    code = "import sys\nfrom awsswitch.commands.allow import allow\nallow(sys.argv[1])\n"
    proc = subprocess.run(
        [str(ctx.bh.python), "-c", code, str(folder)],
        env=ctx.env(),
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        return f"allow failed: {proc.stderr.strip()[-200:]}"
    return None


def _hooks(shell: str) -> str:
    """`__bench_hooks`: what the shell runs before drawing a prompt, without drawing it."""
    if shell == "bash":
        return (
            "__bench_hooks() {\n"
            '  local __pc; for __pc in "${PROMPT_COMMAND[@]}"; do eval "$__pc"; done\n'
            "}\n"
        )
    if shell == "zsh":
        return (
            "__bench_hooks() {\n"
            "  local __f\n"
            "  if (( $+functions[precmd] )); then precmd; fi\n"
            "  for __f in $precmd_functions; do $__f; done\n"
            "}\n"
        )
    return "function __bench_hooks\n  emit fish_prompt\nend\n"


def _cd_pair(shell: str, a: Path, b: Path) -> str:
    """Two `cd`s, each followed by the pre-prompt work."""
    return f"cd {sc.q(shell, str(a))}\n__bench_hooks\ncd {sc.q(shell, str(b))}\n__bench_hooks\n"


def _script(shell: str, ctx: Ctx, dirs: dict[str, Path], n: int, switches: int) -> str:
    fx = ctx.bh.configs[ctx.size]
    plain = _cd_pair(shell, dirs["plain_a"], dirs["plain_b"])
    inside = _cd_pair(shell, dirs["repo_a"], dirs["repo_b"])
    across = _cd_pair(shell, dirs["repo_a"], dirs["plain_a"])
    return (
        sc.prelude(shell)
        + sc.setenv(shell, "AWS_CONFIG_FILE", str(fx.path))
        + _hooks(shell)
        + sc.loop(shell, 20, plain)
        + sc.timed_block(shell, "none", sc.loop(shell, n, plain))
        # The integration without --auto, then with it (loaded over the first, as a user
        # who adds the option and opens a new shell would have it).
        + sc.init(shell, "--prompt")
        + f"asw {sc.q(shell, fx.short_targets[0])} >/dev/null 2>>$BENCH_ERR\n"
        + sc.loop(shell, 20, plain)
        + sc.timed_block(shell, "noauto", sc.loop(shell, n, plain))
        + sc.init(shell, "--prompt --auto")
        + sc.loop(shell, 20, plain)
        + sc.mark("START")
        + sc.timed_block(shell, "outside", sc.loop(shell, n, plain))
        + sc.mark("END")
        + f"cd {sc.q(shell, str(dirs['repo']))}\n__bench_hooks\n"
        + sc.check("profile", "$AWS_PROFILE")
        + sc.loop(shell, 20, inside)
        + sc.mark("START")
        + sc.timed_block(shell, "inside", sc.loop(shell, n, inside))
        + sc.mark("END")
        + sc.timed_block(shell, "switch", sc.loop(shell, switches, across))
    )


def _counts(shell: str, ctx: Ctx, dirs: dict[str, Path], n: int) -> list[measure.ProcCount]:
    """Forks between each pair of marks (outside a tree, then inside one), under strace."""
    trace = ctx.work / f"strace-cd-{shell}.txt"
    measure.run_shell_script(
        shell,
        _script(shell, ctx, dirs, n, 1),
        ctx.env(),
        ctx.work,
        wrapper=measure.strace_command([], trace),
    )
    text = trace.read_text(encoding="utf-8", errors="replace")
    # parse_strace reads the first START…END window: cut the trace at each START mark.
    parts = text.split(measure.MARK_START)
    out = []
    for i in range(1, len(parts)):
        piece = ctx.work / f"strace-cd-{shell}-{i}.txt"
        head = parts[i - 1].rsplit("\n", 1)[-1]
        piece.write_text(head + measure.MARK_START + parts[i], encoding="utf-8")
        counted = measure.parse_strace(piece)
        if counted is not None:
            out.append(counted)
    return out


@guarded
def cd(ctx: Ctx) -> None:
    fx = ctx.bh.configs[ctx.size]
    profile = fx.targets[0]
    dirs = _trees(ctx, profile)
    failed = _allow(ctx, dirs["repo"])
    n = ctx.n(500, 100)  # pairs of cds timed
    switches = ctx.n(10, 4)  # pairs of cds that enter and leave the tree
    traced = ctx.n(100, 50)
    for shell in sc.SHELLS:
        res = measure.run_shell_script(
            shell, _script(shell, ctx, dirs, n, switches), ctx.env(), ctx.work
        )
        fail = failed or script_failure(res, ctx)
        if not fail and f"profile {profile}" not in res.checks:
            fail = f"entering the tree did not switch to {profile} (checks: {res.checks})"
        counts = [] if fail or not measure.strace_path() else _counts(shell, ctx, dirs, traced)
        for i, (where, what) in enumerate(
            (
                ("outside", "no .awsprofile up the tree"),
                ("inside", "inside a tree with an allowed .awsprofile at its root (no switch)"),
            )
        ):
            row = Row(
                id=f"cd.{shell}.procs.{where}",
                group="cd",
                what=f"processes per cd in {shell}, {what} (over {2 * traced:,} cds)",
                unit="procs/cd",
                budget="0 per cd",
                command=f"{shell}: strace -f over {2 * traced} cd + pre-prompt hooks",
            )
            if fail:
                row.status, row.note = NA, fail
            elif i >= len(counts):
                row.status, row.note = NA, "strace is not installed or the marks were not seen"
            else:
                row.value = round(counts[i].forks / (2 * traced), 3)
                row.status = MET if row.value == 0 else MISSED
                execs = sorted(set(counts[i].execs))
                row.note = f"forks {counts[i].forks}" + (
                    f"; executes {', '.join(execs)}" if execs else ""
                )
            ctx.add(row)
            sample = res.samples.get(where)
            trow = Row(
                id=f"cd.{shell}.time.{where}",
                group="cd",
                what=f"time per cd in {shell} with --auto, {what}",
                command=f"{shell}: cd + pre-prompt hooks, {2 * n} times",
            )
            if fail or not sample or not sample.times:
                trow.status, trow.note = NA, fail or "no data"
            else:
                trow.median_ms = round(sample.times[0] / (2 * n) * 1000, 4)
                trow.n = 2 * n
                refs = []
                for label, name in (("noauto", "without --auto"), ("none", "without awsswitch")):
                    ref = res.samples.get(label)
                    if ref and ref.times:
                        us = ref.times[0] / (2 * n) * 1e6
                        refs.append(f"{name}: {us:.0f} µs")
                        trow.extra[f"{label}_ms"] = round(us / 1000, 4)
                trow.note = "; ".join(refs)
            ctx.add(trow)
        sample = res.samples.get("switch")
        srow = Row(
            id=f"cd.{shell}.switch",
            group="cd",
            what=f"time per cd that enters or leaves the tree in {shell} (one switch each)",
            command=f"{shell}: cd into the tree / out of it, {2 * switches} times",
        )
        if fail or not sample or not sample.times:
            srow.status, srow.note = NA, fail or "no data"
        else:
            srow.median_ms = round(sample.times[0] / (2 * switches) * 1000, 3)
            srow.n = 2 * switches
            srow.ratio = ctx.ratio(srow.median_ms)
            srow.note = f"{procs(1)} per switch: the usual `asw` core"
        ctx.add(srow)
