"""`diagnose`: gather the facts, resolve what a call would use, run every check."""

from __future__ import annotations

from awsswitch.context import Environment, display
from awsswitch.doctor import checks_env, checks_files, checks_profile, checks_tools, kube, resolve
from awsswitch.doctor.facts import Facts, build_index, choose_shell, load_file, parent_shell
from awsswitch.doctor.fixes import Fixes
from awsswitch.doctor.model import BOTOCORE, CLI_V2, PROBLEM, Report
from awsswitch.errors import UsageError


def _requested(facts: Facts, query: str) -> str:
    """The profile PROFILE names, resolved as `asw PROFILE` resolves it; UsageError (exit 2)
    when it names none or several."""
    from awsswitch.config.resolve import close_matches, match

    known = facts.index.profiles if facts.index is not None else []
    found, _how = match(query, known)
    if len(found) == 1:
        return found[0].name
    if found:
        names = ", ".join(display(p.name) for p in found[:10])
        more = ", ..." if len(found) > 10 else ""
        raise UsageError(f"'{display(query)}' matches {len(found)} profiles: {names}{more}")
    close = [display(p.name) for p in close_matches(query, known, 3)]
    hint = f"; did you mean: {', '.join(close)}?" if close else ""
    raise UsageError(f"no profile matches '{display(query)}'{hint}")


def gather(ctx: Environment, requested: str | None) -> Facts:
    parent = parent_shell(ctx)
    shell = choose_shell(ctx, parent)
    facts = Facts(
        ctx=ctx,
        shell=shell,
        parent_shell=parent,
        fixes=Fixes(shell),
        config=load_file("AWS_CONFIG_FILE", "~/.aws/config", ctx.env),
        credentials=load_file("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials", ctx.env),
    )
    checks_files.run(facts)
    build_index(facts)
    checks_files.check_shadowing(facts)
    if requested is not None:
        facts.requested = requested
        facts.intended = _requested(facts, requested)
    resolve.intent(facts)
    return facts


def diagnose(ctx: Environment, requested: str | None = None, *, verify: bool = False) -> Report:
    """The whole report for this shell (and PROFILE, when given). Network only if `verify`."""
    facts = gather(ctx, requested)
    report = Report(
        shell=facts.shell,
        requested=requested,
        prompt=resolve.prompt_segment(ctx.env),
        resolutions=[resolve.resolution(facts, CLI_V2), resolve.resolution(facts, BOTOCORE)],
    )
    findings = list(facts.file_findings)
    findings += checks_env.run(facts)
    findings += checks_profile.run(facts, report)
    findings += checks_tools.run(facts)
    findings += kube.check(facts)
    if verify:
        from awsswitch.doctor.verify import verify as call_sts

        report.verification, more = call_sts(facts)
        findings += more
    report.intended = facts.intended
    report.intended_why = facts.intended_why
    # Problems first; within each severity, the order the checks ran (botocore's order).
    report.findings = sorted(findings, key=lambda f: f.severity != PROBLEM)
    return report
