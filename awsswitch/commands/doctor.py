"""`awsswitch doctor [PROFILE] [--json] [--verify]`: which identity and region an AWS call
from this shell would use, and every condition that makes it differ from what the prompt
shows or from what you meant, each with the command that fixes it.

Exit status: 0 when nothing is wrong (notes only), 1 when a problem was found, 2 for bad
usage or a PROFILE that names no profile. No network call unless --verify. `main(argv)`
parses the arguments with the standard library (the typer command in cli.py calls `run`)."""

from __future__ import annotations

import sys

from awsswitch.context import Environment
from awsswitch.errors import UsageError

USAGE = "usage: awsswitch doctor [PROFILE] [--json] [--verify]"


def run(profile: str | None, *, as_json: bool, verify: bool, ctx: Environment) -> int:
    """Print the report on ctx.stdout; the exit status (0 clean, 1 problems). Raises
    UsageError when PROFILE names no profile (or several)."""
    from awsswitch.doctor import engine, render

    report = engine.diagnose(ctx, profile, verify=verify)
    ctx.stdout.write(render.json_text(report) if as_json else render.text(report))
    ctx.stdout.flush()
    return report.exit_code


def parse(argv: list[str]) -> tuple[str | None, bool, bool]:
    """(PROFILE, --json, --verify); UsageError for anything else (`--` ends options)."""
    profile: str | None = None
    as_json = verify = False
    options_done = False
    for arg in argv:
        if not options_done and arg == "--":
            options_done = True
        elif not options_done and arg == "--json":
            as_json = True
        elif not options_done and arg == "--verify":
            verify = True
        elif not options_done and arg.startswith("-") and arg != "-":
            raise UsageError(f"unknown option {arg!r}\n{USAGE}")
        elif profile is None:
            profile = arg
        else:
            raise UsageError(f"one PROFILE at a time\n{USAGE}")
    return profile, as_json, verify


def main(argv: list[str], ctx: Environment | None = None) -> int:
    """Standalone entry point: arguments without the command name; the exit status."""
    ctx = Environment() if ctx is None else ctx
    if any(a in ("-h", "--help") for a in argv[: argv.index("--") if "--" in argv else None]):
        ctx.stdout.write(USAGE + "\n\n" + (__doc__ or "").split("\n\n", 1)[0] + "\n")
        return 0
    try:
        profile, as_json, verify = parse(argv)
        return run(profile, as_json=as_json, verify=verify, ctx=ctx)
    except (Exception, KeyboardInterrupt) as exc:
        from awsswitch.errors import report

        return report(exc, stderr=ctx.stderr, env=ctx.env)  # UsageError: 2


if __name__ == "__main__":  # pragma: no cover - python -m awsswitch.commands.doctor
    sys.exit(main(sys.argv[1:]))
