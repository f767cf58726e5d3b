"""Profile name resolution for `asw NAME` (stdlib only: hot path).

Order (docs/shell-integration.md, "Which profile a name means"):
1. the exact profile name;
2. the exact short name (a dot-boundary suffix that is unique by construction, so the name
   the prompt shows always switches back to the same profile);
3. a unique dot-boundary suffix: `home.poweruser` finds `awsprofile.home.poweruser`;
4. a unique fuzzy match, case-insensitive: first as a substring, then as a subsequence
   (`hmpow` finds `awsprofile.home.poweruser`).
A step that matches several profiles stops there and returns them all (ambiguous).
"""

from __future__ import annotations

from awsswitch.config.profiles import Profile

# Annotation-only imports: collections.abc and typing cost milliseconds on every `asw`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence


# How a query matched (match()'s second value). EXACT: the full name, or the short name the
# prompt shows; the others are guesses the switch core reports on stderr.
NAME = "name"
SHORT = "short"
SUFFIX = "suffix"
SUBSTRING = "substring"
SUBSEQUENCE = "subsequence"
EXACT = (NAME, SHORT)


def match(query: str, profiles: Sequence[Profile]) -> tuple[list[Profile], str | None]:
    """(the profiles `query` names, the step that found them); ([], None) when none does."""
    if not query:
        return [], None
    for p in profiles:
        if p.name == query:
            return [p], NAME
    for p in profiles:
        if p.short == query:
            return [p], SHORT
    dotted = "." + query
    found = [p for p in profiles if p.name.endswith(dotted)]
    if found:
        return found, SUFFIX
    folded = query.casefold()
    names = [(p, p.name.casefold()) for p in profiles]
    found = [p for p, n in names if folded in n]
    if found:
        return found, SUBSTRING
    found = [p for p, n in names if is_subsequence(folded, n)]
    return found, (SUBSEQUENCE if found else None)


def resolve(query: str, profiles: Sequence[Profile]) -> list[Profile]:
    """The profiles `query` names: one = resolved, several = ambiguous, none = unknown."""
    return match(query, profiles)[0]


def is_subsequence(needle: str, haystack: str) -> bool:
    """Every character of `needle` appears in `haystack`, in order."""
    it = iter(haystack)
    return all(c in it for c in needle)


def close_matches(query: str, profiles: Sequence[Profile], limit: int = 5) -> list[Profile]:
    """Profiles whose name or short name looks like `query` (for "did you mean")."""
    import difflib  # only on the error path

    by_key: dict[str, Profile] = {}
    for p in profiles:
        by_key.setdefault(p.name.casefold(), p)
        by_key.setdefault(p.short.casefold(), p)
    keys = difflib.get_close_matches(query.casefold(), list(by_key), n=limit * 2, cutoff=0.6)
    out: list[Profile] = []
    for k in keys:
        p = by_key[k]
        if p not in out:
            out.append(p)
    return out[:limit]
