"""`asw NAME` when the SSO token is due for a refresh, against the stand-in."""

from __future__ import annotations

import json
from collections.abc import Callable

import fixtures
import measure
import shellcode as sc
from measure import Sample
from report import NA, Row

from scenarios.common import Ctx, awsswitch_argv, check_stdout, guarded, script_failure


@guarded
def refresh(ctx: Ctx) -> None:
    size = ctx.size
    fx = ctx.bh.configs[size]
    what = f"`asw NAME` with a refresh due (token expires in 5 min), {size:,} profiles"
    s = ctx.standin
    session = fx.sessions[-1]
    due_entry, write_due = due_token(ctx, fx)

    env = ctx.env(size, **s.env())
    before = s.count("CreateToken", grantType="refresh_token")
    runs = ctx.n(12, 4)
    sample = measure.time_command(
        awsswitch_argv("_asw", "bash", fx.short_targets[0]),
        env,
        runs=runs,
        warmup=2,
        before=write_due,
        check=check_stdout(fx.targets[0]),
    )
    refreshed = s.count("CreateToken", grantType="refresh_token") - before
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
        + sc.check("due", "$AWS_PROFILE")
    )
    before = s.count("CreateToken", grantType="refresh_token")
    res = measure.run_shell_script("bash", script, env, ctx.work)
    refreshed = s.count("CreateToken", grantType="refresh_token") - before
    fail = script_failure(res, ctx)
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


def due_token(
    ctx: Ctx, fx: fixtures.ConfigFixture
) -> tuple[Callable[[], dict[str, str]], Callable[[], None]]:
    """Mint (on the stand-in) a token expiring in 5 minutes with refresh fields, for the
    session of `fx`'s first target; the second callable writes one into the cache."""
    s = ctx.standin
    session = fx.sessions[-1]
    loc_index = fixtures.LOCATIONS.index(session.split(".", 1)[1])
    start_url = fixtures.START_URL.format(n=loc_index)

    def due_entry() -> dict[str, str]:
        grant = s.mint_token(expires_in=300)
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
            f"the stand-in saw {refreshed} refresh calls for {runs} switches: the figure is not "
            "a refresh (a switch that did not refresh is not this row's measurement)"
        )
