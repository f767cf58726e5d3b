"""`awsswitch export`, `exec` and the credential server, beside `aws configure
export-credentials`, against the stand-in (role credentials over real HTTP on 127.0.0.1)."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import fixtures
import measure
from measure import Sample
from report import NA, Row

from scenarios.common import (
    Ctx,
    awsswitch_argv,
    check_stdout,
    guarded,
    last_lines,
    verdict_ratio,
)
from scenarios.peers import AWS_V2

BUDGET_EXPORT_WARM = 3.0
HAS_KEYS = check_stdout("AWS_ACCESS_KEY_ID")


@guarded
def credentials(ctx: Ctx) -> None:
    size = ctx.size
    fx = ctx.bh.configs[size]
    s = ctx.standin
    # A token the stand-in accepts for the target's session (the fixture's own is not its).
    session = fx.sessions[-1]
    loc_index = fixtures.LOCATIONS.index(session.split(".", 1)[1])
    grant = s.mint_token(expires_in=8 * 3600)
    entry = grant.cache_entry(fixtures.START_URL.format(n=loc_index), fixtures.SSO_REGION)
    fixtures.write_token(ctx.bh.home, session, entry)
    env = ctx.env(size, **s.env(), AWS_DATA_PATH=s.cli_data_path())
    profile = fx.targets[0]
    runs = ctx.n(15, 5)

    def timed(
        row_id: str,
        what: str,
        argv: list[str],
        *,
        cold: bool,
        check: Callable[[subprocess.CompletedProcess[bytes]], str | None] | None = HAS_KEYS,
        note: str = "",
    ) -> Row:
        if not cold:  # one untimed run fills the role cache
            subprocess.run(argv, env=env, capture_output=True, timeout=120)
        before = s.count("GetRoleCredentials")
        sample = measure.time_command(
            argv,
            env,
            runs=runs,
            warmup=1 if cold else 2,
            before=ctx.bh.clear_cli_cache if cold else None,
            check=check,
        )
        calls = s.count("GetRoleCredentials") - before
        row = ctx.row_from(
            sample, id=row_id, group="credentials", what=what, command=" ".join(argv), note=note
        )
        row.extra["GetRoleCredentials"] = calls
        expected = runs + 1 if cold else 0
        if row.status != NA and sample.ok and calls != expected:
            row.status = NA
            row.note = (
                f"the stand-in saw {calls} GetRoleCredentials calls for {expected} expected: "
                "the figure is not this row's measurement"
            )
        elif row.status != NA:
            row.note = (row.note + "; " if row.note else "") + (
                f"{calls} GetRoleCredentials calls (one per run)" if cold else "no network call"
            )
        return row

    where = f"{size:,} profiles"
    export = awsswitch_argv("export", profile)
    warm = timed(
        "credentials.export.warm",
        f"`awsswitch export P`, warm (role credentials cached), {where}",
        export,
        cold=False,
    )
    warm.budget = f"≤ {BUDGET_EXPORT_WARM:g}× bare Python"
    verdict_ratio(warm, BUDGET_EXPORT_WARM)
    ctx.add(warm)
    ctx.add(
        timed(
            "credentials.export.cold",
            f"`awsswitch export P`, cold (role cache empty, SSO token fresh), {where}",
            export,
            cold=True,
            note="one GetRoleCredentials over HTTP to the stand-in",
        )
    )
    aws = [AWS_V2, "configure", "export-credentials", "--profile", profile, "--format", "env"]
    for cold in (False, True):
        mode = "cold" if cold else "warm"
        what = f"AWS CLI v2 `aws configure export-credentials --profile P`, {mode}, {where}"
        if not os.access(AWS_V2, os.X_OK):
            ctx.add(
                Row(
                    id=f"credentials.aws.{mode}",
                    group="credentials",
                    what=what,
                    status=NA,
                    note=f"{AWS_V2} is not installed",
                )
            )
            continue
        ctx.add(timed(f"credentials.aws.{mode}", what, aws, cold=cold, note="same cache folder"))

    _exec_rows(ctx, env, profile, runs, where)
    _server_row(ctx, env, profile, where)


def _exec_rows(ctx: Ctx, env: dict[str, str], profile: str, runs: int, where: str) -> None:
    true = shutil.which("true", path=env.get("PATH")) or "/bin/true"
    direct = measure.time_command([true], env, runs=runs, warmup=2)
    ctx.add(
        ctx.row_from(
            direct,
            id="credentials.exec.direct",
            group="credentials",
            what="`true` run directly (what `exec … -- true` adds to)",
            command=true,
        )
    )
    base = direct.median * 1000 if direct.ok else None
    cases = [
        ("profile", [], "AWS_PROFILE set as `asw` sets it, then exec"),
        ("env", ["--env-credentials"], "cached role credentials in the environment, then exec"),
        ("server", ["--server"], "whole run: credentials, server up, `true` as a child, down"),
    ]
    for mode, flags, how in cases:
        argv = awsswitch_argv("exec", profile, *flags, "--", true)
        sample = measure.time_command(argv, env, runs=runs, warmup=2)
        row = ctx.row_from(
            sample,
            id=f"credentials.exec.{mode}",
            group="credentials",
            what=f"`awsswitch exec P {' '.join(flags)} -- true`".replace("  ", " ") + f", {where}",
            command=" ".join(argv),
            note=how,
        )
        if row.median_ms is not None and base is not None:
            over = row.median_ms - base
            row.extra["overhead_ms"] = round(over, 3)
            row.note += f"; overhead over `true` alone: {over:.1f} ms"
        ctx.add(row)


def _server_row(ctx: Ctx, env: dict[str, str], profile: str, where: str) -> None:
    what = f"credential server: one GET with the token (new connection each), {where}"
    argv = awsswitch_argv("serve", profile)
    proc = subprocess.Popen(
        argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        variables = _read_variables(proc)
        if isinstance(variables, str):
            ctx.add(
                Row(
                    id="credentials.server.get",
                    group="credentials",
                    what=what,
                    status=NA,
                    note=variables,
                )
            )
            return
        url = urlsplit(variables["AWS_CONTAINER_CREDENTIALS_FULL_URI"])
        token = variables["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
        n = ctx.n(200, 40)
        sample = Sample()
        for i in range(n + 5):
            t0 = time.perf_counter()
            conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=10)
            try:
                conn.request("GET", url.path or "/", headers={"Authorization": token})
                resp = conn.getresponse()
                body = resp.read()
            finally:
                conn.close()
            dt = time.perf_counter() - t0
            if resp.status != 200 or b"AccessKeyId" not in body:
                sample.error = f"HTTP {resp.status}"
                break
            if i >= 5:
                sample.times.append(dt)
        row = ctx.row_from(
            sample,
            id="credentials.server.get",
            group="credentials",
            what=what,
            command=f"{' '.join(argv)} in the background; http.client GET {n}×",
            note="credentials held in memory (what an SDK sees per refresh)",
        )
        row.ratio = None  # in-process requests: no Python start to compare with
        ctx.add(row)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _read_variables(proc: subprocess.Popen[bytes]) -> dict[str, str] | str:
    """The two variables `serve` prints (POSIX `export NAME=VALUE` lines, then stdout closes),
    or why they did not come."""
    assert proc.stdout is not None
    try:
        out, _ = _communicate_stdout(proc)
    except subprocess.TimeoutExpired:
        return "`awsswitch serve` printed nothing within 30 s"
    found: dict[str, str] = {}
    for line in out.decode("utf-8", "replace").splitlines():
        if line.startswith("export ") and "=" in line:
            name, value = line[len("export ") :].split("=", 1)
            found[name] = value.strip("'")
    if {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN"} <= set(found):
        return found
    err = proc.stderr.read().decode("utf-8", "replace") if proc.poll() is not None else ""
    return f"`awsswitch serve` gave no variables (exit {proc.poll()}): {last_lines(err)}"


def _communicate_stdout(proc: subprocess.Popen[bytes]) -> tuple[bytes, None]:
    """Read stdout to its end (serve closes it once the variables are out), bounded."""
    import selectors

    assert proc.stdout is not None
    chunks: list[bytes] = []
    deadline = time.monotonic() + 30
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise subprocess.TimeoutExpired(proc.args, 30)
            if not sel.select(left):
                continue
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                return b"".join(chunks), None
            chunks.append(chunk)
