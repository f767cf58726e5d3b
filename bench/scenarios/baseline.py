"""The floor every ratio divides by: `python3 -c pass`, at the start and again at the end."""

from __future__ import annotations

import sys
from pathlib import Path

import measure

from scenarios.common import Ctx, guarded


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


def bare_again(ctx: Ctx) -> None:
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
