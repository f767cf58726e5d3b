"""The prompt segment: processes and time per prompt render in each shell, for an SSO profile
and for an `aws login` console session due for a refresh."""

from __future__ import annotations

from pathlib import Path

import fixtures
import measure
import shellcode as sc
from report import MET, MISSED, NA, Row

from scenarios.common import Ctx, guarded, procs, script_failure


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
    size = ctx.size
    fx = ctx.bh.configs[size]
    renders = ctx.n(1000, 200)
    traced = ctx.n(300, 100)  # processes per render are counted exactly: fewer renders suffice
    login = fixtures.write_login_session(ctx.work / "login-cache" / "bench.json")
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
                # The same profile as if it took its credentials from a console session.
                + sc.setenv(shell, "AWSSWITCH_TOKEN_FILE", "")
                + sc.setenv(shell, "AWSSWITCH_LOGIN_FILE", str(login))
                + sc.loop(shell, 5, "__bench_render")
                + sc.timed_block(shell, "login", render_n)
            )

        res = measure.run_shell_script(shell, make(renders), ctx.env(), ctx.work)
        fail = script_failure(res, ctx)
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
            budget=f"{procs(limit)} per render"
            + ("" if shell != "fish" else " (budget: at most one in fish)"),
            command=f"{shell}: strace -f over {traced} renders (hooks + prompt expansion)",
        )
        if fail:
            row.status, row.note = NA, fail
        elif counted is None:
            row.status, row.note = NA, "strace is not installed"
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
        lrow = Row(
            id=f"prompt.{shell}.login_time",
            group="prompt",
            what=f"time per prompt render in {shell}, console session due (over {renders:,})",
            command=f"{shell}: as above, AWSSWITCH_LOGIN_FILE set, sign-in already decoded",
        )
        login_seg = res.samples.get("login")
        if fail or not login_seg or not login_seg.times:
            lrow.status, lrow.note = NA, fail or "no data"
        else:
            lrow.median_ms = round(login_seg.times[0] / renders * 1000, 4)
            lrow.n = renders
        ctx.add(lrow)
