"""Helpers for the sync planning tests: a profile sync generated, a plan made from plain data,
and its changes by action."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from awsswitch.sync import MARKER
from awsswitch.sync.naming import Grant, parse_template
from awsswitch.sync.plan import Existing, Plan, make_plan


def plan_of(
    listings: dict[str, list[Grant]],
    existing: Sequence[Existing],
    *,
    sso_regions: Mapping[str, str],
    template: str | None = None,
    **kw: Any,
) -> Plan:
    """`make_plan` with the template given as text (None: the default one)."""
    return make_plan(
        listings, existing, template=parse_template(template), sso_regions=sso_regions, **kw
    )


def by_action(p: Plan) -> dict[str, list[str]]:
    """The changed profiles' names under each action, in plan order."""
    out: dict[str, list[str]] = {}
    for c in p.changes:
        out.setdefault(c.action, []).append(c.name)
    return out


def generated(
    name: str, session: str, account: str, role: str, regions: Mapping[str, str], **extra: str
) -> Existing:
    """A profile as sync writes it (region: its session's in `regions`; its marker names
    `session`); `extra` adds or overrides keys."""
    values = {
        "sso_session": session,
        "sso_account_id": account,
        "sso_role_name": role,
        "region": regions[session],
        MARKER: session,
        **extra,
    }
    return Existing(name, values)
