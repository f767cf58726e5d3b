"""Profile names for generated profiles: templates, sanitising, collisions.

A template is a format string over `{session}`, `{location}`, `{account_name}`,
`{account_id}` and `{role_name}`. Each value is sanitised on its own into one
lower-case word of `[a-z0-9_-]` (dots too become `-`, so each placeholder is exactly one
dot-component and `{location}`-style suffix matching keeps working), so the result is
safe both inside `[profile …]` and as an unquoted word in bash, zsh and fish, whatever
the portal returns as an account name.
"""

from __future__ import annotations

import hashlib
import re
import string
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from awsswitch.errors import UsageError

DEFAULT_TEMPLATE = "awsprofile.{location}.{account_name}.{role_name}"
FIELDS = ("session", "location", "account_name", "account_id", "role_name")

# Names botocore treats specially: `[profile default]` *is* the default profile.
RESERVED = frozenset({"default"})

_MAX_PART = 64
_LITERAL_OK = re.compile(r"[a-z0-9._-]*")
_UNSAFE = re.compile(r"[^a-z0-9_-]+")
_DASHES = re.compile(r"-{2,}")
_NAME_OK = re.compile(r"[a-z0-9][a-z0-9._-]*")
_WORD = "[a-z0-9_-]+"  # one sanitised placeholder value


@dataclass(frozen=True)
class Grant:
    """One account × role the portal grants through one sso-session."""

    session: str
    account_id: str
    account_name: str | None
    role_name: str

    @property
    def identity(self) -> tuple[str, str, str]:
        return (self.session, self.account_id, self.role_name)

    def sort_key(self) -> tuple[str, str, str, str]:
        # As `aws configure sso` sorts accounts: by name (case-insensitive), then id; an
        # account without a name sorts by its id, which is also what it is named by.
        return (
            (self.account_name or self.account_id).lower(),
            self.account_id,
            self.role_name.lower(),
            self.role_name,
        )


def sanitise(value: str | None) -> str:
    """One safe lower-case word from untrusted text; "" when nothing usable remains.

    Unicode is folded to ASCII where it has an ASCII base letter (é → e), everything
    else outside `[a-z0-9_-]` becomes `-`; runs of `-` collapse; no leading or trailing
    `-`/`_` (a leading `-` would read as an option to `asw`).
    """
    if not value:
        return ""
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    word = _UNSAFE.sub("-", folded.lower())
    word = _DASHES.sub("-", word).strip("-_")
    return word[:_MAX_PART].rstrip("-_")


def location(session: str) -> str:
    """The last dot-component of a session name: `awssso.home` → `home`."""
    return session.rsplit(".", 1)[-1]


def _fallback(value: str, raw: str) -> str:
    # Role names that sanitise to nothing still need a stable, distinct word.
    return value or "r" + hashlib.sha1(raw.encode("utf-8")).hexdigest()[:8]


def parts(grant: Grant) -> dict[str, str]:
    """The sanitised value of every placeholder for `grant`."""
    account_id = sanitise(grant.account_id) or _fallback("", grant.account_id)
    return {
        "session": _fallback(sanitise(grant.session), grant.session),
        "location": _fallback(sanitise(location(grant.session)), grant.session),
        # A missing, empty or entirely unusable account name falls back to the id.
        "account_name": sanitise(grant.account_name) or account_id,
        "account_id": account_id,
        "role_name": _fallback(sanitise(grant.role_name), grant.role_name),
    }


@dataclass(frozen=True)
class Template:
    text: str
    fields: tuple[str, ...]

    def render(self, grant: Grant) -> str:
        return self.text.format(**parts(grant)).lower()


def fits(template: Template, grant: Grant, name: str) -> bool:
    """Whether `name` is what `template` gives `grant` under *some* account name (plus, maybe,
    a collision suffix): a section so named was generated under this template and only its
    account's name changed in the portal since. Any other name came from another template
    (or a person)."""
    rendered = template.render(grant)
    if name == rendered or name.startswith(rendered + "-"):
        return True  # the usual case, without a pattern per grant
    values = parts(grant)
    pattern = ""
    for literal, field, _, _ in string.Formatter().parse(template.text):
        pattern += re.escape(literal.lower())
        if field is not None:
            pattern += _WORD if field == "account_name" else re.escape(values[field])
    return re.fullmatch(pattern + f"(?:-{_WORD})?", name) is not None


def parse_template(text: str | None) -> Template:
    """Validate a naming template; UsageError (exit 2) naming what is wrong."""
    if text is None:
        text = DEFAULT_TEMPLATE
    allowed = ", ".join("{" + f + "}" for f in FIELDS)
    try:
        pieces = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise UsageError(f"invalid --template {text!r}: {exc} (use {allowed})") from None
    fields: list[str] = []
    literal = ""
    for lit, field, spec, conv in pieces:
        literal += lit
        if field is None:
            continue
        if field not in FIELDS:
            shown = "{}" if field == "" else "{" + field + "}"
            raise UsageError(
                f"invalid --template {text!r}: unknown placeholder {shown}; use {allowed}"
            )
        if spec or conv:
            raise UsageError(
                f"invalid --template {text!r}: placeholders take no format spec or "
                f"conversion (write {{{field}}})"
            )
        fields.append(field)
    bad = sorted({c for c in literal if not _LITERAL_OK.fullmatch(c.lower())})
    if bad:
        raise UsageError(
            f"invalid --template {text!r}: only letters, digits, '.', '_' and '-' may appear "
            f"outside placeholders (found {' '.join(repr(c) for c in bad)})"
        )
    if "role_name" not in fields or not {"account_name", "account_id"} & set(fields):
        raise UsageError(
            f"invalid --template {text!r}: it must contain {{role_name}} and "
            "{account_name} or {account_id}, or profiles would share names"
        )
    sample = text.format(**dict.fromkeys(FIELDS, "x")).lower()
    if not _NAME_OK.fullmatch(sample) or ".." in sample or sample.endswith("."):
        raise UsageError(
            f"invalid --template {text!r}: names must start with a letter or digit and "
            "have no empty dot-components"
        )
    return Template(text=text, fields=tuple(fields))


def _candidate(base: str, grant: Grant, level: int) -> str:
    p = parts(grant)
    suffix = [p["account_id"], p["session"]][:level]
    if level >= 3:
        suffix.append(hashlib.sha1("\0".join(grant.identity).encode("utf-8")).hexdigest()[:8])
    return "-".join([base, *suffix])


MAX_LEVEL = 3


def assign_names(
    grants: Iterable[Grant],
    template: Template,
    *,
    occupied: Iterable[str] = (),
    owned: Mapping[tuple[str, str, str], Iterable[str]] | None = None,
) -> dict[Grant, str | None]:
    """A distinct profile name for every grant; deterministic, stable across runs.

    `occupied`: names that are not ours to take (hand-written profiles are *not* among them:
    the planner skips those; these are other sessions' generated profiles, stale ones kept,
    reserved names). `owned`: identity → names of the generated sections it already has.

    Every grant starts at the template's name. When several want the same name, one that
    already owns it (from an earlier run) keeps it and the others move one level on:
    `-<account_id>`, then `-<account_id>-<session>`, then a hash of the identity. With no
    owner they all move, so the result never depends on listing order. None for a grant that
    still collides after the last level (only a hash collision or a taken name can do that).
    """
    owned = owned or {}
    taken = set(occupied) | RESERVED
    gs = sorted(set(grants), key=lambda g: (g.session, *g.sort_key()))
    base = {g: template.render(g) for g in gs}
    level = dict.fromkeys(gs, 0)
    while True:
        names = {g: _candidate(base[g], g, level[g]) for g in gs}
        by_name: dict[str, list[Grant]] = {}
        for g, n in names.items():
            by_name.setdefault(n, []).append(g)
        moved = False
        stuck: list[Grant] = []
        for n, members in by_name.items():
            if len(members) == 1 and n not in taken:
                continue
            owners = [] if n in taken else [g for g in members if n in owned.get(g.identity, ())]
            keep = owners[0] if len(owners) == 1 else None
            for g in members:
                if g is keep:
                    continue
                if level[g] < MAX_LEVEL:
                    level[g] += 1
                    moved = True
                else:
                    stuck.append(g)
        if not moved:
            out: dict[Grant, str | None] = dict(names)
            out.update(dict.fromkeys(stuck))
            return out
