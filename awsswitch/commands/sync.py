"""`awsswitch sync SESSION... [--template T] [--dry-run] [--prune] [--rename] [--region R]
[--yes]`.

Order of work: validate everything local (template, region, sessions) before any network;
make each session's token fresh (as a switch does); list every session's portal in one
bounded pool; plan against the config; then either print a diff (`--dry-run`) or confirm
removals on a terminal and write through the round-trip editor, re-planning under its lock
so a concurrent edit is never lost.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import IO

from awsswitch import context, paths, regions
from awsswitch.config import editor
from awsswitch.config.profiles import ProfileIndex, load_index
from awsswitch.context import Environment, display
from awsswitch.errors import AwsswitchError, UsageError
from awsswitch.sync import apply, portal
from awsswitch.sync.naming import parse_template
from awsswitch.sync.plan import (
    ADD,
    KEEP,
    REMOVE,
    SKIP,
    STALE,
    UNCHANGED,
    UPDATE,
    Change,
    Plan,
    make_plan,
)

_LIST_ADDS = 30  # above this many new profiles, list a few and count the rest


def session_token(
    name: str, index: ProfileIndex, *, interactive: bool, env: Mapping[str, str]
) -> str:
    """A usable access token for sso-session `name`: keep, refresh or log in, as `asw` does.
    Off a terminal no login runs: the error says to run `awsswitch login --sso-session NAME`
    first (the hook's advice; `asw --no-login` means nothing to sync)."""
    from awsswitch.sso import hook, state

    target = state.session_target(name, index, env)
    hook.ensure_target_fresh(target, interactive=interactive, env=env)
    token = state.read_token(target.cache_file) or {}
    access = token.get("accessToken")
    if not isinstance(access, str) or not access:
        raise AwsswitchError(
            f"no access token in {target.cache_file} for {target.label}; run `{target.login_hint}`"
        )
    return access


def _sessions(
    names: Sequence[str], index: ProfileIndex, env: Mapping[str, str]
) -> dict[str, tuple[str, str]]:
    """Session → (sso_region, sso_start_url), in argument order without repeats; UsageError
    for bad ones."""
    out: dict[str, tuple[str, str]] = {}
    for name in names:
        section = index.sso_sessions.get(name)
        if section is None:
            known = ", ".join(sorted(index.sso_sessions)) or "none"
            raise UsageError(
                f"no [sso-session {name}] in {paths.config_file(env)} (sessions: {known}); "
                f"create it with `awsswitch configure sso-session {name}`"
            )
        region = section.get("sso_region")
        if not isinstance(region, str) or not region.strip() or not section.get("sso_start_url"):
            raise UsageError(
                f"[sso-session {name}] needs sso_start_url and sso_region; "
                f"fix it with `awsswitch configure sso-session {name}`"
            )
        why = regions.why_not(region.strip())
        if why:
            raise UsageError(
                f"the sso_region {region.strip()!r} of [sso-session {name}] is unusable: {why}; "
                f"fix it with `awsswitch configure sso-session {name}`"
            )
        out[name] = (region.strip(), str(section.get("sso_start_url")).strip())
    return out


def _describe(change: Change) -> str:
    # Names and reasons can come from hand-written profiles: shown escaped.
    name, reason = display(change.name), display(change.reason)
    keys = ", ".join(k for k, _ in change.values)
    if change.action == UPDATE and change.renamed_from:
        also = f"; {keys}" if keys else ""
        what = "adopted, renamed" if change.adopted else "renamed"
        return f"  ~ {name} ({what} from {display(change.renamed_from)}{also})"
    if change.action == ADD:
        return f"  + {name}"
    if change.action == UPDATE:
        return f"  ~ {name} ({keys})"
    if change.action == REMOVE:
        return f"  - {name} ({reason})"
    if change.action == SKIP:
        return f"  ! {name} skipped: {reason}"
    if change.action == STALE:
        return f"  ? {name} kept: {reason} (--prune removes it)"
    if change.action == KEEP:
        return f"  = {name} kept: {reason}"
    return f"    {name}"


def _listed(changes: list[Change], more: str) -> list[str]:
    """Every change's line, or (above _LIST_ADDS of them) the first ten and a count."""
    shown = changes if len(changes) <= _LIST_ADDS else changes[:10]
    lines = [_describe(c) for c in shown]
    if len(shown) < len(changes):
        lines.append(more.format(len(changes) - len(shown)))
    return lines


def report(plan: Plan, *, dry_run: bool, stream: IO[str]) -> None:
    """What changed (or would), then one summary line, on `stream` (stderr)."""
    lines = _listed(plan.of(ADD), "  + … and {} more")
    # A rename shows once, as "~ new (renamed from old)", not also as "- old".
    lines += [
        _describe(c)
        for c in plan.changes
        if c.action not in (ADD, UNCHANGED, KEEP) and not (c.action == REMOVE and c.renamed_to)
    ]
    lines += _listed(plan.of(KEEP), "  = … and {} more kept")
    counts = plan.counts()
    summary = ", ".join(
        f"{counts[k]} {k}" for k in ("added", "updated", "removed", "unchanged", "skipped")
    )
    if counts["stale"]:
        summary += f", {counts['stale']} stale"
    if counts["kept"]:
        summary += f", {counts['kept']} kept"
    prefix = "dry run, nothing written: " if dry_run else ""
    stream.write("".join(line + "\n" for line in lines))
    stream.write(f"awsswitch: sync: {prefix}{summary}\n")
    stream.flush()


def _confirm(plan: Plan, ctx: Environment) -> None:
    gone = plan.disappearing
    err = ctx.stderr
    err.write(f"awsswitch: sync would remove {len(gone)} profile(s):\n")
    for c in gone:
        err.write(_describe(c) + "\n")  # every one a REMOVE: "  - NAME (REASON)", escaped
    err.write("Write the changes? [y/N] ")
    err.flush()
    answer = ctx.stdin.readline()
    if answer.strip().lower() not in ("y", "yes"):
        raise AwsswitchError("nothing written")


def _check_options(region: str | None, concurrency: int, max_rate: float | None) -> None:
    if region is not None:
        regions.check(region, "--region")
    if concurrency < 1:
        raise UsageError("--concurrency must be at least 1")
    if max_rate is not None and max_rate <= 0:
        raise UsageError("--max-rate must be a positive number of requests per second")


def run(
    sessions: Sequence[str],
    *,
    template: str | None = None,
    dry_run: bool = False,
    prune: bool = False,
    rename: bool = False,
    region: str | None = None,
    yes: bool = False,
    concurrency: int = portal.DEFAULT_CONCURRENCY,
    max_rate: float | None = None,
    env: Mapping[str, str] | None = None,
    ctx: Environment | None = None,
) -> int:
    ctx = ctx or context.current()
    env = ctx.env if env is None else env
    tpl = parse_template(template)
    _check_options(region, concurrency, max_rate)
    if not sessions:
        raise UsageError("name at least one sso-session to sync")
    index = load_index(env)
    found = _sessions(sessions, index, env)
    sso_regions = {name: region for name, (region, _) in found.items()}
    start_urls = {name: url for name, (_, url) in found.items()}
    interactive = ctx.interactive

    specs = [
        portal.SessionSpec(
            name, sso_region, session_token(name, index, interactive=interactive, env=env)
        )
        for name, sso_region in sso_regions.items()
    ]
    listings = portal.list_grants(
        specs,
        env=env,
        concurrency=concurrency,
        max_rate=max_rate,
        progress=portal.Progress(ctx.stderr, tty=ctx.stderr_isatty),
    )

    def plan_for(doc: editor.Document) -> Plan:
        existing = apply.existing_profiles(doc, env)
        return make_plan(
            listings,
            existing,
            template=tpl,
            sso_regions=sso_regions,
            region=region,
            prune=prune,
            start_urls=start_urls,
            rename=rename,
        )

    path = paths.config_file(env)
    doc = apply.load(path)
    plan = plan_for(doc)

    if dry_run:
        ctx.stdout.write(apply.preview(doc, plan))
        ctx.stdout.flush()
        report(plan, dry_run=True, stream=ctx.stderr)
        return 0
    if plan.disappearing and not yes and interactive:
        _confirm(plan, ctx)
    confirmed = {c.name for c in plan.disappearing}

    def replan(current: editor.Document) -> Plan:
        # Under the editor's lock, against what the file holds now.
        fresh = plan_for(current)
        extra = {c.name for c in fresh.disappearing} - confirmed
        if extra and not yes and interactive:
            raise AwsswitchError(
                f"the config changed while you confirmed ({', '.join(sorted(extra))} would now "
                "be removed too); nothing written: run sync again"
            )
        return fresh

    final = apply.write(path, replan, env) if plan.writes else plan
    report(final, dry_run=False, stream=ctx.stderr)
    return 0
