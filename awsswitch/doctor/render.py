"""The report for people (text, every name through `context.display`) and for scripts
(`--json`, see `schema`)."""

from __future__ import annotations

import json
from typing import Any

from awsswitch.config import profiles
from awsswitch.context import display
from awsswitch.doctor.model import CLI_V2, INFO, PROBLEM, Report, Resolution
from awsswitch.doctor.schema import SCHEMA_VERSION

WIDTH = 88  # folding width of the "why" lines (titles and fixes are never folded)
_CONSUMERS = {CLI_V2: "AWS CLI v2", "botocore": "boto3, AWS CLI v1"}
_CREDENTIALS = {
    "environment": "keys from the environment (AWS_ACCESS_KEY_ID)",
    "web-identity": "web identity from the environment (AWS_ROLE_ARN)",
    "container": "container credentials (AWS_CONTAINER_CREDENTIALS_*)",
    "none": "no credentials found",
    "error": "fails: the profile does not exist",
}


def as_json(report: Report) -> dict[str, Any]:
    problems = len(report.problems)
    return {
        "schema_version": SCHEMA_VERSION,
        "ok": problems == 0,
        "exit_code": report.exit_code,
        "shell": report.shell,
        "requested": report.requested,
        "intended": report.intended,
        "intended_why": report.intended_why,
        "prompt": report.prompt,
        "resolutions": [r.as_json() for r in report.resolutions],
        "sso": report.sso.as_json() if report.sso else None,
        "verification": report.verification.as_json() if report.verification else None,
        "findings": [f.as_json() for f in report.findings],
        "summary": {"problems": problems, "info": len(report.findings) - problems},
    }


def json_text(report: Report) -> str:
    return json.dumps(as_json(report), indent=2) + "\n"


def _identity(res: Resolution) -> str:
    if res.credentials != "profile":
        text = _CREDENTIALS[res.credentials]
        if res.credentials == "web-identity" and res.role:
            text += f": {res.role}"
        return text
    if res.kind in (profiles.KIND_SSO, profiles.KIND_SSO_LEGACY):
        return f"SSO: account {res.account_id or '?'}, role {res.role or '?'}"
    if res.kind == profiles.KIND_ROLE:
        return f"assumed role {res.role}"
    return {profiles.KIND_KEYS: "static keys", profiles.KIND_PROCESS: "credential_process"}.get(
        res.kind or "", res.kind or ""
    )


def _resolution_line(res: Resolution) -> str:
    if res.profile is not None:
        where = "default" if res.profile_source == "default" else f"${res.profile_source}"
        profile = f"profile {res.profile} ({where})"
    else:
        profile = "no profile"
    source = "profile" if res.region_source == "profile" else f"${res.region_source}"
    region = f"region {res.region} ({source})" if res.region is not None else "no region"
    return f"{profile} -> {_identity(res)}; {region}"


def _wrap(lead: str, body: str) -> list[str]:
    """`body` folded under `lead` (at spaces only: never inside a word or a name)."""
    import textwrap

    return textwrap.wrap(
        body,
        width=WIDTH,
        initial_indent=lead,
        subsequent_indent=" " * len(lead),
        break_long_words=False,
        break_on_hyphens=False,
    ) or [lead.rstrip()]


def text(report: Report) -> str:
    d = display
    lines = []
    lines.append(f"prompt shows:   {d(report.prompt) if report.prompt else '(no profile)'}")
    if report.intended:
        lines.append(f"you mean:       {d(report.intended)} ({d(report.intended_why)})")
    lines.append("a call from this shell uses:")
    first = _resolution_line(report.resolutions[0]) if report.resolutions else ""
    for i, res in enumerate(report.resolutions):
        line = _resolution_line(res)
        shown = "same" if i and line == first else d(line)
        lines.append(f"  {_CONSUMERS.get(res.consumer, res.consumer) + ':':<20}{shown}")
    if report.sso is not None:
        s = report.sso
        name = f"sso-session {s.session}" if s.session else f"start URL {s.start_url}"
        when = f", expires {s.expires_at}" if s.expires_at else ""
        left = ""
        if s.seconds_left is not None:
            from awsswitch.sso.state import describe_left

            left = f" ({describe_left(s.seconds_left)})"
        until = f"; refreshable until {s.refresh_until}" if s.refresh_until else ""
        lines.append(f"SSO:            {d(name)}: {s.state}{left}{when}{until}")
    v = report.verification
    if v is not None:
        if v.error:
            lines.append(f"STS:            failed: {d(v.error)}")
        else:
            verdict = {True: "as expected", False: "NOT as expected", None: "nothing to compare"}
            lines.append(f"STS:            {d(str(v.arn))} ({verdict[v.matches]})")
    lines.append("")
    problems = len(report.problems)
    infos = len(report.findings) - problems
    if not report.findings:
        lines.append("No problems found.")
    else:
        lines.append(
            f"{problems} problem{'s' if problems != 1 else ''}, {infos} note"
            f"{'s' if infos != 1 else ''}:"
        )
    for f in report.findings:
        label = "problem" if f.severity == PROBLEM else "note" if f.severity == INFO else f.severity
        lines.append("")
        lines.append(f"[{label}] {f.id}: {d(f.title)}")
        lines.extend(_wrap("  why: ", d(f.why)))
        if f.fix:
            lines.append(f"  fix: {d(f.fix)}")
        if f.hint:
            lines.append(f"  {'or: ' if f.fix else 'hint: '}{d(f.hint)}")
    return "\n".join(lines) + "\n"
