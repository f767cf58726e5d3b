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

Adoption (a grant is never given a twin of a profile that already reaches it):
- a profile *targets* a grant when it names the grant's sso-session (`sso_session`) or, for a
  legacy profile without one, the session's start URL (`sso_start_url`, trailing `/` aside),
  and the same `sso_account_id` and `sso_role_name` (and assumes no role on top: a
  `role_arn` with a source makes it a role profile). A generated section of a synced session
  targets what its marker and keys say.
- when the first such profile in file order is a generated section whose name this template
  could give the grant (`naming.fits`: only the account name differs), the rules above apply.
  Otherwise that first profile (hand-written, or generated under another template) is
  *adopted*: a KEEP, left byte for byte under its name; with `rename` it moves to the
  template's name in place, as a portal rename does, header only (never `default`, never a
  profile the credentials file also defines, never onto a name that stays taken).
- every other profile targeting an adopted grant stays: a hand-written one is a KEEP ("also
  targets"), a generated one is a duplicate: STALE, removed with `--prune`. A profile without
  the marker is never removed, adopted or not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from awsswitch.config.profiles import KIND_ROLE, classify
from awsswitch.sync import MARKER
from awsswitch.sync.naming import Grant, Template, assign_names, fits

ADD = "add"
UPDATE = "update"
REMOVE = "remove"
UNCHANGED = "unchanged"
SKIP = "skip"
STALE = "stale"  # ours, no longer granted, kept because --prune was not given
KEEP = "keep"  # an existing profile (hand-written, or another template's) that a grant adopts

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


def _url(value: Any) -> str:
    return _text(value).rstrip("/")


def targets(values: Mapping[str, Any], start_urls: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """The (session, account, role) identities a profile's own keys reach: one for an
    sso_session profile; for a legacy one, one per synced session with its start URL."""
    account, role = _text(values.get("sso_account_id")), _text(values.get("sso_role_name"))
    # A role_arn with a source beats the SSO keys (botocore's provider order).
    if not account or not role or classify(values) == KIND_ROLE:
        return []
    if "sso_session" in values:
        session = _text(values.get("sso_session"))
        return [(session, account, role)] if session else []
    url = _url(values.get("sso_start_url"))
    if not url:
        return []
    return [(s, account, role) for s, u in start_urls.items() if _url(u) == url]


@dataclass(frozen=True)
class Change:
    action: str  # ADD, UPDATE, REMOVE, UNCHANGED, SKIP, STALE, KEEP
    name: str  # the profile name
    session: str
    grant: Grant | None = None
    values: tuple[tuple[str, str], ...] = ()  # ADD: every managed key; UPDATE: changed ones
    reason: str = ""
    renamed_from: str | None = None  # UPDATE: the section renamed to `name` (in place)
    renamed_to: str | None = None  # REMOVE: the new name of this section (not removed)
    adopted: bool = False  # UPDATE (a rename) or KEEP: the grant's adopted profile


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
            "kept": len(self.of(KEEP)),
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
    start_urls: Mapping[str, str] | None = None,
    rename: bool = False,
) -> Plan:
    """The changes that bring the config in line with `listings` (session → grants).

    `existing`: every profile, in file order. `sso_regions`: session → its sso_region;
    `start_urls`: session → its sso_start_url (legacy profiles are matched on it).
    `rename`: move adopted profiles to the template's name (see the module's docstring).
    """
    sessions = list(listings)
    existing = list(existing)
    grants = [g for s in sessions for g in listings[s]]
    by_identity = {g.identity: g for g in grants}
    by_name = {e.name: e for e in existing}
    urls = {s: u for s, u in (start_urls or {}).items() if s in listings}

    theirs = {e.name for e in existing if e.marker is None}  # the user's own profiles
    ours = [e for e in existing if e.marker in listings]
    reaching = _reaching(existing, listings, urls, by_identity)
    adopted = {
        ident: es[0]
        for ident, es in reaching.items()
        if not (es[0].marker in listings and fits(template, by_identity[ident], es[0].name))
    }
    adopted_names = {e.name for e in adopted.values()}
    # Generated sections of an adopted grant: duplicates of the adopted profile.
    duplicates = {
        e.name: adopted[e.identity].name
        for e in ours
        if e.identity in adopted and e.name not in adopted_names
    }

    occupied = {e.name for e in existing if e.marker is not None and e.marker not in listings}
    occupied |= {e.name for e in ours if e.name in adopted_names}
    if not prune:
        occupied |= {e.name for e in ours if e.identity not in by_identity or e.name in duplicates}
    owned: dict[tuple[str, str, str], list[str]] = {}
    for e in ours:
        if e.identity is not None and e.name not in duplicates and e.name not in adopted_names:
            owned.setdefault(e.identity, []).append(e.name)

    names = assign_names(grants, template, occupied=occupied, owned=owned)
    desired_names = {n for g, n in names.items() if n is not None and g.identity not in adopted}

    adds: list[Change] = []
    renames: list[Change] = []
    in_place: list[Change] = []
    claimed: set[str] = set()  # names of our sections some grant keeps or takes over
    ordered = sorted(grants, key=lambda g: (sessions.index(g.session), *g.sort_key()))
    for g in ordered:
        if g.identity in adopted:
            continue
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
        if e.name in claimed or e.name in adopted_names:
            continue
        assert e.marker is not None
        if e.name in renamed_to:
            to = renamed_to[e.name]
            leaving.append(
                Change(REMOVE, e.name, e.marker, reason=f"renamed to {to}", renamed_to=to)
            )
            continue
        if e.name in duplicates:
            why = f"duplicate of {duplicates[e.name]}"
        elif e.identity in by_identity:
            why = "duplicate of another generated profile"
        else:
            why = "no longer granted"
        leaving.append(Change(REMOVE if prune else STALE, e.name, e.marker, reason=why))

    removed = {c.name for c in leaving if c.action == REMOVE}
    kept: list[Change] = []
    for g in ordered:
        for e in reaching.get(g.identity, []):
            if e.marker in listings and e is not adopted.get(g.identity):
                continue  # generated: handled above
            if e is adopted.get(g.identity):
                kept += _adopt(e, g, names[g], template, by_name, removed, duplicates, rename)
            else:
                also = f"also targets {_what(g)}; left alone"
                kept.append(Change(KEEP, e.name, g.session, g, reason=also))
    return Plan(changes=[*leaving, *in_place, *renames, *adds, *kept])


def _what(g: Grant) -> str:
    return f"account {g.account_id} role {g.role_name}"


def _reaching(
    existing: Sequence[Existing],
    listings: Mapping[str, Sequence[Grant]],
    urls: Mapping[str, str],
    granted: Mapping[tuple[str, str, str], Grant],
) -> dict[tuple[str, str, str], list[Existing]]:
    """Granted identity → the profiles already targeting it, in file order. A legacy profile
    counts for the first synced session with its start URL only (one adoption per profile)."""
    out: dict[tuple[str, str, str], list[Existing]] = {}
    for e in existing:
        found = [e.identity] if e.marker in listings else targets(e.values, urls)[:1]
        for ident in found:
            if ident is not None and ident in granted:
                out.setdefault(ident, []).append(e)
    return out


def _adopt(
    e: Existing,
    g: Grant,
    target: str | None,
    template: Template,
    by_name: Mapping[str, Existing],
    removed: set[str],
    duplicates: Mapping[str, str],
    rename: bool,
) -> list[Change]:
    """The changes for `g`'s adopted profile `e`: a KEEP, or (with `rename`) its move to
    the template's name `target`."""
    marker = e.marker
    if marker is None:
        what = "hand-written profile"
    elif marker == g.session:
        what = "generated under another template"
    else:
        what = f"generated from sso-session {marker}"
    kept = f"{what} for {_what(g)}"
    if target == e.name:
        return [Change(KEEP, e.name, g.session, g, reason=kept, adopted=True)]
    if not rename:
        hint = f"; --rename moves it to {target}" if target is not None else ""
        return [Change(KEEP, e.name, g.session, g, reason=kept + hint, adopted=True)]
    base = template.render(g)
    if target is None:
        why = "no distinct name could be found for it"
    elif e.name == "default":
        why = "the default profile is never renamed"
    elif not e.in_config:
        why = "the credentials file also defines it"
    elif base in duplicates and base not in removed:
        why = f"{base} is a generated duplicate of it (--prune removes that)"
    elif target in by_name and target not in removed:
        why = f"{target} is taken"
    else:
        return [
            Change(UPDATE, target, g.session, g, renamed_from=e.name, adopted=True),
            Change(REMOVE, e.name, g.session, reason=f"renamed to {target}", renamed_to=target),
        ]
    reason = f"{kept}; not renamed: {why}"
    return [Change(KEEP, e.name, g.session, g, reason=reason, adopted=True)]
