#!/usr/bin/env python3
"""Benchmark `awsswitch sync` against the local Identity Center stand-in.

Starts the stand-in with 1,000 accounts x 3 roles and 20 ms added per API call, then times
`awsswitch sync` (a real process, temporary HOME, fresh token in the cache) three ways:
a first sync at the default concurrency, a re-run that changes nothing, and a first sync with
`--concurrency 1`. Prints one JSON line on stdout (a table on stderr). Budget (docs/benchmarks.md):
the default first sync within 10 s.

    python bench/bench_sync.py [--accounts 1000] [--roles 3] [--latency-ms 20] [--no-serial]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from awsswitch.standin import StandIn, generate_accounts  # noqa: E402
from awsswitch.sync import MARKER  # noqa: E402
from awsswitch.sync.portal import DEFAULT_CONCURRENCY  # noqa: E402

SESSION = "awssso.bench"
START_URL = "https://d-1234567890.awsapps.com/start"
REGION = "eu-west-1"
BUDGET_S = 10.0
_SCRUB = ("AWS_", "AWSSWITCH_", "AWSUME_", "AWSU_")


def make_home(root: Path, standin: StandIn) -> dict[str, str]:
    """A temporary HOME with one sso-session and a fresh token; returns the environment."""
    home = root / "home"
    cache = home / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True)
    config = home / ".aws" / "config"
    config.write_text(
        f"# bench\n[sso-session {SESSION}]\nsso_start_url = {START_URL}\nsso_region = {REGION}\n",
        encoding="utf-8",
    )
    grant = standin.mint_token(expires_in=8 * 3600)
    token = cache / (hashlib.sha1(SESSION.encode()).hexdigest() + ".json")
    token.write_text(json.dumps(grant.cache_entry(START_URL, REGION)), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(_SCRUB)}
    env.update(
        HOME=str(home),
        AWS_CONFIG_FILE=str(config),
        AWS_SHARED_CREDENTIALS_FILE=str(home / ".aws" / "credentials"),
        XDG_CACHE_HOME=str(home / ".cache"),
        AWS_EC2_METADATA_DISABLED="true",
        NO_PROXY="127.0.0.1,localhost",
        PYTHONPATH=str(ROOT),
        **standin.env(),
    )
    return env


def run_sync(env: dict[str, str], standin: StandIn, extra: list[str], label: str) -> dict[str, Any]:
    standin.reset_calls()
    argv = [sys.executable, "-m", "awsswitch", "sync", SESSION, "--yes", *extra]
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=1800)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"bench_sync: {label}: exit {proc.returncode}\n{proc.stderr[-2000:]}")
    text = Path(env["AWS_CONFIG_FILE"]).read_text(encoding="utf-8")
    counts = standin.counts()
    return {
        "run": label,
        "args": extra,
        "wall_s": round(wall, 3),
        "profiles": text.count(f"\n{MARKER} = "),
        "calls": sum(counts.values()),
        "throttled": standin.count(error="TooManyRequestsException"),
        "summary": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "",
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--accounts", type=int, default=1000)
    p.add_argument("--roles", type=int, default=3)
    p.add_argument("--latency-ms", type=float, default=20.0)
    p.add_argument("--no-serial", action="store_true", help="skip the --concurrency 1 run")
    p.add_argument(
        "--throttle-rps",
        type=float,
        help="make the stand-in answer 429 above this many calls per second (e.g. 20, as AWS)",
    )
    args = p.parse_args(argv)

    results: list[dict[str, Any]] = []
    accounts = generate_accounts(args.accounts, args.roles)
    latency = args.latency_ms / 1000.0
    with StandIn(accounts, latency=latency, throttle_rps=args.throttle_rps) as standin:
        runs: list[tuple[str, list[str], bool]] = [
            (f"first sync, default concurrency ({DEFAULT_CONCURRENCY})", [], True),
            ("re-run, nothing changes", [], False),
        ]
        if not args.no_serial:
            runs.append(("first sync, --concurrency 1", ["--concurrency", "1"], True))
        root = Path(tempfile.mkdtemp(prefix="bench-sync-"))
        try:
            env: dict[str, str] = {}
            for i, (label, extra, fresh) in enumerate(runs):
                if fresh:
                    env = make_home(root / str(i), standin)
                results.append(run_sync(env, standin, extra, label))
        finally:
            shutil.rmtree(root, ignore_errors=True)

    default = results[0]["wall_s"]
    serial = next((r["wall_s"] for r in results if r["args"] == ["--concurrency", "1"]), None)
    record = {
        "bench": "sync",
        "accounts": args.accounts,
        "roles_per_account": args.roles,
        "latency_ms": args.latency_ms,
        "throttle_rps": args.throttle_rps,
        "default_concurrency": DEFAULT_CONCURRENCY,
        "results": results,
        "budget_s": BUDGET_S,
        "within_budget": default <= BUDGET_S,
        "speedup_vs_serial": round(serial / default, 2) if serial else None,
    }
    for r in results:
        print(
            f"{r['run']:<45} {r['wall_s']:>8.2f} s  {r['profiles']} profiles, "
            f"{r['calls']} calls, {r['throttled']} throttled",
            file=sys.stderr,
        )
    print(json.dumps(record), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
