"""Peak memory (max RSS) of bare Python, `init` and the switch core."""

from __future__ import annotations

import subprocess
from collections.abc import Callable

import fixtures
import measure
from report import NA, Row

from scenarios.common import Ctx, awsswitch_argv, guarded
from scenarios.refresh import due_token


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
    if 1000 in ctx.bh.configs:
        fx = ctx.bh.configs[1000]
        cases.append(
            (
                "refresh.1000",
                "core `_asw` with a refresh due (boto3 sso-oidc), 1,000 profiles",
                awsswitch_argv("_asw", "bash", fx.short_targets[0]),
                ctx.env(1000, **ctx.standin.env()),
                due_token(ctx, fx)[1],
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
            row.status, row.note = NA, "the command failed"
        else:
            row.value = float(sorted(values)[len(values) // 2])
            if key == "bare":
                base = int(row.value)
            elif base:
                row.note = f"+{(row.value - base) / 1024:.1f} MiB over bare Python"
        ctx.add(row)
    fixtures.write_fresh_tokens(ctx.bh.home)
