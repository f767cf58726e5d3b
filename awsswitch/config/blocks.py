"""A config file as blocks of its original lines (for the round-trip editor, `document.py`).

A `Block` is one section's lines, header first, each with its own line ending, exactly as read;
`layout()` finds its options the way configparser does (indentation deeper than the option
line continues it). `split(text)` cuts a file into blocks by the reader's rules, so a header
inside a continuation stays part of the value, as botocore reads it.
"""

from __future__ import annotations

from awsswitch.config.diff import split_lines


def eol_strip(raw: str) -> str:
    return raw.rstrip("\r\n")


def eol_of(raw: str) -> str:
    return raw[len(raw.rstrip("\r\n")) :]


def leading(content: str) -> str:
    """Leading whitespace, as configparser measures indentation (str.isspace)."""
    return content[: len(content) - len(content.lstrip())]


def delim(value: str) -> int:
    eq = value.find("=")
    colon = value.find(":")
    if eq < 0 or (0 <= colon < eq):
        eq = colon
    return eq


def blank(raw: str) -> bool:
    return not raw.strip()


def line_prefix(content: str, d: int) -> str:
    """`content` up to its delimiter at d plus the spacing after it (one space if none)."""
    j = d + 1
    while j < len(content) and content[j] in " \t":
        j += 1
    if j == len(content):
        return content[: d + 1] + " "
    return content[:j]


def sub_key(raw: str) -> str:
    """The key of a nested `sub = value` line."""
    return eol_strip(raw).strip().partition("=")[0].strip()


class Opt:
    __slots__ = ("conts", "end", "key", "lead", "start")

    def __init__(self, key: str, start: int, lead: str) -> None:
        self.key = key
        self.start = start  # index of the option line in the block
        self.end = start  # index of its last continuation line
        self.lead = lead  # leading whitespace of the option line
        self.conts: list[int] = []


class Block:
    __slots__ = ("header", "lines")

    def __init__(self, header: str | None, lines: list[str]) -> None:
        self.header = header  # None for the lines before the first header
        self.lines = lines

    def layout(self) -> tuple[dict[str, Opt], int, Opt | None]:
        """(options by lower-cased key, index of the last key line (0 if none), last option)."""
        opts: dict[str, Opt] = {}
        last: Opt | None = None
        last_end = 0
        lines = self.lines
        level = len(leading(eol_strip(lines[0]))) if lines else 0
        current: Opt | None = None
        for i in range(1, len(lines)):
            content = eol_strip(lines[i])
            value = content.strip()
            if not value or value[0] in "#;":
                continue
            lead = leading(content)
            if current is not None and len(lead) > level:
                current.end = i
                current.conts.append(i)
                last_end = i
                continue
            level = len(lead)
            d = delim(value)
            key = value[:d].rstrip().lower()
            opt = Opt(key, i, lead)
            opts[key] = opt
            current = opt if key else None
            last = opt
            last_end = i
        return opts, last_end, last


def split(text: str) -> tuple[list[Block], str]:
    """`text` as blocks (the lines before the first header, then one per header) and the line
    ending new lines get: the file's first one, \\n when it has none."""
    eol = "\n"
    if "\r" in text:
        lines = split_lines(text)
        for raw in lines:
            if raw.endswith(("\r\n", "\r", "\n")):
                eol = eol_of(raw)
                break
    else:
        parts = text.split("\n")
        lines = [p + "\n" for p in parts[:-1]]
        if parts[-1]:
            lines.append(parts[-1])
    blocks = [Block(None, [])]
    active = False  # an option that indented lines would continue
    level = 0
    for raw in lines:
        content = eol_strip(raw)
        value = content.strip()
        if value and value[0] not in "#;":
            indent = len(content) - len(content.lstrip())
            if not (active and indent > level):
                level = indent
                end = value.rfind("]")
                if value[0] == "[" and end >= 2:
                    blocks.append(Block(value[1:end], [raw]))
                    active = False
                    continue
                active = delim(value) > 0
        blocks[-1].lines.append(raw)
    return blocks, eol
