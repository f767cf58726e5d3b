"""awsswitch bench: one command, every figure of the performance budget (docs/benchmarks.md),
peers beside it.

    python bench/run.py [--quick] [--out bench/results] [--only GROUP,...] [--no-peers]

Builds its fixtures in a temporary HOME (configs of 10, 1,000 and 10,000 profiles, a fresh SSO
token cache, the local Identity Center stand-in), measures, and writes bench/results/report.md and
report.json. See bench/README.md for what each figure means and how to read a ratio.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent))  # the checkout, for awsswitch.standin

import fixtures  # noqa: E402
import report  # noqa: E402
from scenarios import (  # noqa: E402
    baseline,
    completion,
    credentials,
    directory,
    everyday,
    imports,
    init,
    memory,
    peers,
    prompt,
    refresh,
    switch,
    sync,
)
from scenarios.common import Ctx  # noqa: E402

GROUPS = {
    "baseline": [baseline.baseline],
    "init": [init.init],
    "asw": [switch.asw_core, switch.asw_shells],
    "refresh": [refresh.refresh],
    "prompt": [prompt.prompt],
    "cd": [directory.cd],
    "tab": [completion.tab],
    "memory": [memory.memory],
    "sync": [sync.sync],
    "peers": [peers.peers],
    "credentials": [credentials.credentials],
    "everyday": [everyday.everyday],
    "imports": [imports.imports],
}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def ensure_system_tools() -> list[str]:
    """strace counts processes, GNU time measures peak memory, /usr/bin/aws is the CLI v2 peer:
    install them with apt when missing and we are root (as on CI); else say what is skipped."""
    notes: list[str] = []
    need = [pkg for prog, pkg in (("strace", "strace"),) if shutil.which(prog) is None]
    if not os.access("/usr/bin/time", os.X_OK):
        need.append("time")  # GNU time: peak memory
    if not os.access("/usr/bin/aws", os.X_OK):
        need.append("awscli")
    if not need:
        return notes
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log(f"setup: apt-get install {' '.join(need)}")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True)
        proc = subprocess.run(
            ["apt-get", "install", "-y", "-qq", *need], env=env, capture_output=True, text=True
        )
        if proc.returncode != 0:
            notes.append(f"apt-get install {' '.join(need)} failed: {proc.stderr[-200:]}")
    else:
        notes.append(f"not installed (and not root to install): {', '.join(need)}")
    return notes


def setup_interpreter(kind: str, install: bool) -> tuple[Path | None, Path | None, str]:
    """The interpreter and `awsswitch` script to measure.

    "venv" (default): a virtual environment under the bench cache with the checkout installed
    editable, as `pipx install` would give a user: only its own site-packages are processed at
    start-up. "system": this interpreter and its installed `awsswitch`, whose start-up also runs
    every `.pth` file of the system site-packages (in this image one imports certifi at every
    start, ~20 ms, which would inflate bare Python and hide real ratios).
    """
    if kind == "system":
        return Path(sys.executable), fixtures.awsswitch_script(), "system interpreter"
    venv = peers.cache_root() / "venvs" / "awsswitch"
    py = venv / "bin" / "python3"
    script = venv / "bin" / "awsswitch"
    stamp = venv / ".bench-stamp"
    want = hashlib.sha256((HERE.parent / "pyproject.toml").read_bytes()).hexdigest()
    current = stamp.read_text() if stamp.exists() else ""
    if install and (current != want or not script.exists()):
        log(f"setup: pip install -e {HERE.parent} into {venv}")
        try:
            if not py.exists():
                subprocess.run(
                    [sys.executable, "-m", "venv", str(venv)],
                    check=True,
                    capture_output=True,
                    timeout=300,
                )
            subprocess.run(
                [
                    str(py),
                    "-m",
                    "pip",
                    "install",
                    "-q",
                    "--disable-pip-version-check",
                    "-e",
                    str(HERE.parent),
                ],
                check=True,
                capture_output=True,
                timeout=900,
            )
            stamp.write_text(want)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            err = (getattr(exc, "stderr", b"") or b"").decode("utf-8", "replace")[-300:]
            log(f"setup: venv failed ({exc} {err}); measuring the system interpreter")
            return Path(sys.executable), fixtures.awsswitch_script(), "system (venv failed)"
    if not script.exists():
        return Path(sys.executable), fixtures.awsswitch_script(), "system (no venv)"
    return py, script, f"venv {venv} (checkout installed editable)"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer runs; a few minutes at most")
    ap.add_argument("--out", default=str(HERE / "results"), help="report folder")
    ap.add_argument("--only", default="", help=f"comma list of groups: {', '.join(GROUPS)}")
    ap.add_argument("--no-peers", action="store_true", help="skip the peers (and their setup)")
    ap.add_argument("--no-install", action="store_true", help="do not pip/apt install anything")
    ap.add_argument("--keep", action="store_true", help="keep the temporary HOME")
    ap.add_argument("--sizes", default="10,1000,10000", help="profile counts to build")
    ap.add_argument(
        "--python",
        choices=("venv", "system"),
        default="venv",
        help="measure awsswitch in a clean venv (default, like pipx) or this interpreter",
    )
    args = ap.parse_args(argv)

    t_start = time.perf_counter()
    load_start = os.getloadavg()
    only = [g.strip() for g in args.only.split(",") if g.strip()]
    unknown = [g for g in only if g not in GROUPS]
    if unknown:
        ap.error(f"unknown group(s): {', '.join(unknown)}")
    groups = only or list(GROUPS)
    if args.no_peers and "peers" in groups:
        groups.remove("peers")
    if "baseline" not in groups:
        groups.insert(0, "baseline")

    setup_notes = [] if args.no_install else ensure_system_tools()
    peer_tools: dict[str, str] = {}
    if "peers" in groups:
        log("setup: peers")
        peer_tools = peers.setup(peers.cache_root(), log, install=not args.no_install)

    root = Path(tempfile.mkdtemp(prefix="awsswitch-bench-"))
    sizes = tuple(sorted(int(s) for s in args.sizes.split(",") if s.strip()))
    log(f"fixtures in {root} (sizes {', '.join(map(str, sizes))})")
    py, script, interp = setup_interpreter(args.python, not args.no_install)
    bh = fixtures.build(root, sizes, python=py, script=script)
    work = root / "work"
    work.mkdir()
    ctx = Ctx(bh=bh, work=work, quick=args.quick, log=log)
    ctx.notes.extend(setup_notes)
    ctx.diagnostics["peer_tools"] = peer_tools
    ctx.notes.append(f"Measured interpreter: {interp} ({py}).")
    if script is None:
        ctx.notes.append("awsswitch is not installed: every awsswitch row is n/a")
    try:
        for group in groups:
            for fn in GROUPS[group]:
                fn(ctx)
        baseline.bare_again(ctx)
    finally:
        ctx.close()
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
        else:
            log(f"kept {root}")

    extra = {}
    for tool in ("awsume", "aws-sso-util"):
        where = peer_tools.get(tool, "")
        if where and not where.startswith("error"):
            extra[tool] = peers.version(where, tool)
    extra["bench"] = "quick" if args.quick else "full"
    load_end = os.getloadavg()
    extra["load average (1 min) at start / end"] = f"{load_start[0]:.2f} / {load_end[0]:.2f}"
    # The bench itself keeps about one process busy, so only a start above 1 (others' work
    # before we began) or an end above 2 means someone else was using the machine.
    if load_start[0] > 1.0 or load_end[0] > 2.0:
        ctx.notes.append(
            f"The machine was busy during the run (load average {load_start[0]:.2f} at the start, "
            f"{load_end[0]:.2f} at the end, on {os.cpu_count()} cores): figures are inflated; "
            "rerun on a quiet machine for the real numbers."
        )
    extra["interpreter measured"] = f"{interp}: {py}"
    extra["bench wall time"] = f"{time.perf_counter() - t_start:.0f} s"
    info = report.machine(bh.base_env, extra)
    md, js = report.write(Path(args.out), ctx.rows, info, ctx.bare_ms, ctx.notes, ctx.diagnostics)
    log(f"wrote {md} and {js} in {time.perf_counter() - t_start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
