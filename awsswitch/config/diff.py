"""Unified diffs of config texts (`--dry-run`, `sync` previews), linear on huge configs.

`unified_diff(old, new, fromfile, tofile)` is `diff -u` of two texts, lines split on \n, \r\n
and \r only (`split_lines`), with `\\ No newline at end of file` where a text ends without one.
`difflib` alone is quadratic on the thousands of identical `sso_role_name = ...` lines of a
generated config; here it only runs between anchors (lines unique in both texts, such as
section headers).
"""

from __future__ import annotations

import re

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def split_lines(text: str) -> list[str]:
    """The lines of `text`, each with its line ending (\n, \r\n or \r; the last may have none)."""
    return _LINE.findall(text)


def _opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """difflib opcodes, computed between anchors (lines unique in both texts, such as section
    headers) so that a diff of a 100,000-line config stays linear; difflib alone is quadratic
    on the many identical `sso_role_name = ...` lines."""
    from collections import Counter
    from difflib import SequenceMatcher

    count_a, count_b = Counter(a), Counter(b)
    where_b = {line: j for j, line in enumerate(b) if count_b[line] == 1}
    anchors: list[tuple[int, int]] = []
    last = -1
    for i, line in enumerate(a):
        j = where_b.get(line, -1)
        if j > last and count_a[line] == 1:
            anchors.append((i, j))
            last = j
    anchors.append((len(a), len(b)))
    ops: list[tuple[str, int, int, int, int]] = []

    def add(tag: str, i1: int, i2: int, j1: int, j2: int) -> None:
        if ops and ops[-1][0] == tag == "equal":
            ops[-1] = ("equal", ops[-1][1], i2, ops[-1][3], j2)
        else:
            ops.append((tag, i1, i2, j1, j2))

    pi = pj = 0
    for i, j in anchors:
        if i > pi or j > pj:
            matcher = SequenceMatcher(None, a[pi:i], b[pj:j], autojunk=False)
            for tag, i1, i2, j1, j2 in matcher.get_opcodes():
                add(tag, i1 + pi, i2 + pi, j1 + pj, j2 + pj)
        if i < len(a):
            add("equal", i, i + 1, j, j + 1)
        pi, pj = i + 1, j + 1
    return ops or [("equal", 0, 0, 0, 0)]


def _range(start: int, stop: int) -> str:
    length = stop - start
    beginning = start + 1 if length else start
    return f"{beginning}" if length == 1 else f"{beginning},{length}"


def unified_diff(old: str, new: str, fromfile: str, tofile: str, context: int = 3) -> str:
    """`diff -u` of two texts (lines split on \\n, \\r\\n, \\r only); '' if they are equal."""
    if old == new:
        return ""
    from difflib import SequenceMatcher

    a, b = split_lines(old), split_lines(new)
    matcher = SequenceMatcher(None, (), ())
    ops = _opcodes(a, b)
    matcher.get_opcodes = lambda: ops  # type: ignore[method-assign]
    out = [f"--- {fromfile}\n", f"+++ {tofile}\n"]

    def emit(prefix: str, line: str) -> None:
        out.append(prefix + line)
        if not line.endswith(("\n", "\r")):
            out.append("\n\\ No newline at end of file\n")

    for group in matcher.get_grouped_opcodes(context):
        first, final = group[0], group[-1]
        out.append(f"@@ -{_range(first[1], final[2])} +{_range(first[3], final[4])} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                for line in a[i1:i2]:
                    emit(" ", line)
                continue
            for line in a[i1:i2] if tag in ("replace", "delete") else ():
                emit("-", line)
            for line in b[j1:j2] if tag in ("replace", "insert") else ():
                emit("+", line)
    return "".join(out)
