"""What a sync changes, computed on plain data (no I/O): the config's profiles in, changes out.

Ownership rules:
- a section is *ours* when it carries the marker (`awsswitch_generated_from = SESSION`) and
  SESSION is one of the sessions being synced; only ours are ever updated or removed;
- a section without the marker (or defined in the credentials file) is the user's: a grant
  whose name falls on it is skipped and reported, never written;
- sections generated from other sessions are left alone, and their names avoided;
- a generated section whose account/role the portal no longer grants is *stale*: removed with
  `--prune`, otherwise kept (and its name avoided);
- when an account is renamed in the portal, its section is renamed in place: an UPDATE with
  `renamed_from` (its header changes, plus any managed key that differs), paired with a REMOVE
  of the old name carrying `renamed_to` (the name that disappears: confirmed like a removal,
  never carried out as one). Comments, hand-added keys and nested blocks in generated
  sections are kept, on update and on rename.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from awsswitch.sync import MARKER
from awsswitch.sync.naming import Grant, Template, assign_names

ADD = "add"
UPDATE = "update"
REMOVE = "remove"
UNCHANGED = "unchanged"
SKIP = "skip"
STALE = "stale"  # ours, no longer granted, kept because --prune was not given

# The keys sync manages in a generated section, in the order a new section gets them.
MANAGED_KEYS = ("sso_session", "sso_account_id", "sso_role_name", "region", MARKER)


@dataclass(frozen=True)
class Existing:
    """A profile the config (or credentials file) already defines."""

    name: str
    values: Mapping[str, Any]  # the section's own keys (nested blocks as dicts)
    in_config: bool = True  # False: the credentials file (also) defines it: the user's

    @property
    def marker(self) -> str | None:
        value = self.values.get(MARKER)
        return value.strip() or None if isinstance(value, str) and self.in_config else None

    @property
    def identity(self) -> tuple[str, str, str] | None:
        if self.marker is None:
            return None
        return (
            self.marker,
            _text(self.values.get("sso_account_id")),
            _text(self.values.get("sso_role_name")),
        )


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


@dataclass(frozen=True)
class Change:
    action: str  # ADD, UPDATE, REMOVE, UNCHANGED, SKIP, STALE
    name: str  # the profile name
    session: str
    grant: Grant | None = None
    values: tuple[tuple[str, str], ...] = ()  # ADD: every managed key; UPDATE: changed ones
    reason: str = ""
    renamed_from: str | None = None  # UPDATE: the section renamed to `name` (in place)
    renamed_to: str | None = None  # REMOVE: the new name of this section (not removed)


@dataclass
class Plan:
    changes: list[Change] = field(default_factory=list)

    def of(self, *actions: str) -> list[Change]:
        return [c for c in self.changes if c.action in actions]

    @property
    def writes(self) -> bool:
        return any(c.action in (ADD, UPDATE, REMOVE) for c in self.changes)

    @property
    def disappearing(self) -> list[Change]:
        """Profile names that would be gone (pruned, or the old name of a renamed one)."""
        return self.of(REMOVE)

    @property
    def renames(self) -> list[Change]:
        """The UPDATEs that rename a section (old name in `renamed_from`)."""
        return [c for c in self.of(UPDATE) if c.renamed_from]

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.of(ADD)),
            "updated": len(self.of(UPDATE)),
            "removed": sum(1 for c in self.of(REMOVE) if c.renamed_to is None),
            "unchanged": len(self.of(UNCHANGED)),
            "skipped": len(self.of(SKIP)),
            "stale": len(self.of(STALE)),
        }


def wanted_values(
    grant: Grant, *, region: str | None, sso_region: str, current: Existing | None
) -> dict[str, str]:
    """The managed keys of `grant`'s section. Without --region an existing section keeps its
    region (the user may have changed it); a new one gets the session's sso_region."""
    kept = _text(current.values.get("region")) if current is not None else ""
    return {
        "sso_session": grant.session,
        "sso_account_id": grant.account_id,
        "sso_role_name": grant.role_name,
        "region": region or kept or sso_region,
        MARKER: grant.session,
    }


def _diff(wanted: Mapping[str, str], current: Existing) -> tuple[tuple[str, str], ...]:
    return tuple(
        (k, v)
        for k, v in wanted.items()
        if not isinstance(current.values.get(k), str) or current.values[k].strip() != v
    )


def make_plan(
    listings: Mapping[str, Sequence[Grant]],
    existing: Iterable[Existing],
    *,
    template: Template,
    sso_regions: Mapping[str, str],
    region: str | None = None,
    prune: bool = False,
) -> Plan:
    """The changes that bring the config in line with `listings` (session → grants).

    `existing`: every profile, in file order. `sso_regions`: session → its sso_region.
    """
    sessions = list(listings)
    existing = list(existing)
    grants = [g for s in sessions for g in listings[s]]
    granted = {g.identity for g in grants}
    by_name = {e.name: e for e in existing}

    theirs = {e.name for e in existing if e.marker is None}  # the user's own profiles
    ours = [e for e in existing if e.marker in listings]
    occupied = {e.name for e in existing if e.marker is not None and e.marker not in listings}
    if not prune:
        occupied |= {e.name for e in ours if e.identity not in granted}
    owned: dict[tuple[str, str, str], list[str]] = {}
    for e in ours:
        if e.identity is not None:
            owned.setdefault(e.identity, []).append(e.name)

    names = assign_names(grants, template, occupied=occupied, owned=owned)
    desired_names = {n for n in names.values() if n is not None}

    adds: list[Change] = []
    renames: list[Change] = []
    in_place: list[Change] = []
    claimed: set[str] = set()  # names of our sections some grant keeps or takes over
    for g in sorted(grants, key=lambda g: (sessions.index(g.session), *g.sort_key())):
        name = names[g]
        previous = [n for n in owned.get(g.identity, []) if n != name]
        if name is None or name in theirs:
            # Keep an earlier generated section rather than lose the profile altogether.
            fallback = next((n for n in previous if n not in desired_names), None)
            why = (
                f"profile {name} exists and was not generated by awsswitch; left alone"
                if name is not None
                else "no distinct name could be found for it"
            )
            if fallback is None:
                in_place.append(Change(SKIP, name or "?", g.session, g, reason=why))
                continue
            name, previous = fallback, []
        current = by_name.get(name)
        if current is not None and current.marker in listings:
            claimed.add(name)
            wanted = wanted_values(
                g, region=region, sso_region=sso_regions[g.session], current=current
            )
            diff = _diff(wanted, current)
            in_place.append(Change(UPDATE if diff else UNCHANGED, name, g.session, g, diff))
            continue
        source = by_name[previous[0]] if previous else None
        wanted = wanted_values(g, region=region, sso_region=sso_regions[g.session], current=source)
        if source is None:
            adds.append(Change(ADD, name, g.session, g, tuple(wanted.items())))
        else:
            # Renamed in place later on; only the managed keys that differ are rewritten.
            renames.append(
                Change(UPDATE, name, g.session, g, _diff(wanted, source), renamed_from=source.name)
            )
    # A section another grant took over is not renamed: its grant gets a new section (with the
    # region its old one had).
    for c in renames:
        if c.renamed_from in claimed:
            assert c.grant is not None
            source = by_name[c.renamed_from]
            wanted = wanted_values(
                c.grant, region=region, sso_region=sso_regions[c.session], current=source
            )
            adds.append(Change(ADD, c.name, c.session, c.grant, tuple(wanted.items())))
    renames = [c for c in renames if c.renamed_from not in claimed]

    renamed_to = {c.renamed_from: c.name for c in renames}
    leaving: list[Change] = []
    for e in ours:
        if e.name in claimed:
            continue
        assert e.marker is not None
        if e.name in renamed_to:
            to = renamed_to[e.name]
            leaving.append(
                Change(REMOVE, e.name, e.marker, reason=f"renamed to {to}", renamed_to=to)
            )
            continue
        granted_elsewhere = e.identity in granted
        why = "duplicate of another generated profile" if granted_elsewhere else "no longer granted"
        leaving.append(Change(REMOVE if prune else STALE, e.name, e.marker, reason=why))
    return Plan(changes=[*leaving, *in_place, *renames, *adds])
