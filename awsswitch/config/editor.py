"""Round-trip editing of ~/.aws/config: change what was asked, keep every other byte.

A `Document` holds the file as its original lines (line endings included) grouped into blocks,
one per section header. Edits rewrite only the lines they concern; comments, blank lines, order,
unknown sections and keys, nested blocks, CRLF or CR line endings, a missing final newline and
any encoding the reader accepts all survive byte for byte. Structure is recognised with the
reader's rules (`awsswitch.config.reader`), so "the section" and "the key" are the ones botocore
sees. Every edit is also applied to a model of botocore's view, and `verify()` re-parses the new
text and checks it equals that model before anything is written.

Sections are addressed as (kind, name), like botocore's `build_profile_map` files them:

    PROFILE      "default" -> [default];  "x" -> [profile x];  "a b" -> [profile 'a b']
    SSO_SESSION  "corp"    -> [sso-session corp]
    SERVICES     "local"   -> [services local]
    RAW          "plugins" -> [plugins]   (other top-level sections)

When several headers map to one name (`[default]` and `[profile default]`, `[profile a]` and
`[profile "a"]`), the later one is the one botocore uses and the one edited.

API
---
Reading (no I/O):
- `Document.parse(data: bytes | None, path) -> Document`: ConfigParseError (file, line) when
  botocore could not read `data`; None means "no file yet".
- `doc.sections() -> list[SectionView]`: every section in file order (kind, name, header, own
  values as botocore reads them (no [DEFAULT] keys), lineno, effective).
- `doc.find(kind, name) -> SectionView | None`, `doc.get(kind, name) -> dict | None`.
- `doc.find_marked(key, value=None) -> list[SectionView]`: effective sections carrying `key`
  (optionally equal to `value`): how `sync` finds the profiles it generated.

Editing (in memory; each returns True when the text changed):
- `doc.update(kind, name, values, *, create=True)`: create or update several keys at once, in
  the given order. A `str` sets a key (matched case-insensitively: never a second `Region`),
  `None` removes it, a `Mapping` merges into the key's nested block (`s3 =` + indented
  `sub = value` lines; a `None` sub-value removes that line). An updated line keeps its
  indentation, key spelling and `=` spacing; continuation lines of a replaced value go, comments
  among them stay. New keys go right after the section's last key line, with its indentation.
  A new section is appended at the end after exactly one blank line (none if the file was empty).
- `doc.rename_section(kind, old, new)`: rewrites only the header line (as `header_for`
  writes it), in place: keys, comments, nested blocks, position and line endings stay.
  AwsswitchError if there is no (kind, old) or something already maps to (kind, new).
- `doc.remove_section(kind, name)`: removes the header and its key lines (comments and blank
  lines after the last key stay for whatever follows), collapsing the blank line it leaves.
- `doc.text`, `doc.to_bytes()`, `doc.changed`, `doc.diff(label)` (unified diff, for --dry-run).
- `doc.verify()`: re-parse and compare with the model (AwsswitchError if they differ).

Files:
- `edit_config(path, change, *, env=None, dry_run=False) -> EditResult`: lock -> read ->
  refuse if botocore could not parse it -> `change(doc)` -> verify -> atomic write (only when the
  text changed and not `dry_run`). If a program that ignores our lock (the AWS CLI) rewrote the
  file meanwhile, the whole cycle runs again on the new content.
  `EditResult(path, written, before, after, changed, result)`: `result` is what `change`
  returned; `written` the file replaced (a symlink's target), None when nothing was written.
  Example (what `sync --dry-run` needs):

      res = edit_config(path, lambda doc: doc.update(PROFILE, "x", {"region": "eu-west-1"}),
                        dry_run=True)
      print(unified_diff(res.before.decode() if res.before else "", res.after.decode(),
                         "config (current)", "config (new)"))

- `load_document(path)`: read and parse without locking (for previews).
- `header_for(kind, name) -> str`: the section header text awsswitch writes.
- `unified_diff(old, new, fromfile, tofile)`: `diff -u` text, linear on huge configs.

Sizes: on a 10,000-profile file, 3,000 updates + 3,000 new sections + 1,000 removals take well
under a second together; `verify()` and `diff()` a few tenths of a second.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from awsswitch.config import reader, validate
from awsswitch.errors import AwsswitchError, ConfigParseError

PROFILE = "profile"
SSO_SESSION = "sso-session"
SERVICES = "services"
RAW = ""
_GROUP = {"profiles": PROFILE, "sso_sessions": SSO_SESSION, "services": SERVICES, "": RAW}

NESTED_INDENT = "    "  # what the AWS CLI writes for nested values
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
_MAX_RETRIES = 5

Value = str | Mapping[str, str | None] | None
T = TypeVar("T")


@dataclass(frozen=True)
class SectionView:
    kind: str | None  # PROFILE, SSO_SESSION, SERVICES, RAW; None when botocore ignores it
    name: str  # profile / session / services name; the header text for RAW and None
    header: str  # the text between the brackets
    values: dict[str, Any]  # own values as botocore reads them; nested blocks are dicts
    lineno: int  # 1-based line of the header
    effective: bool  # botocore uses this section for (kind, name); False if a later one wins


def _eol_strip(raw: str) -> str:
    return raw.rstrip("\r\n")


def _eol_of(raw: str) -> str:
    return raw[len(raw.rstrip("\r\n")) :]


def _lead(content: str) -> str:
    """Leading whitespace, as configparser measures indentation (str.isspace)."""
    return content[: len(content) - len(content.lstrip())]


def _delim(value: str) -> int:
    eq = value.find("=")
    colon = value.find(":")
    if eq < 0 or (0 <= colon < eq):
        eq = colon
    return eq


def _target(header: str) -> tuple[str | None, str]:
    if header == reader.DEFAULT_SECTION:
        return (None, header)
    found = reader.section_target(header)
    if found is None:
        return (None, header)
    return (_GROUP[found[0]], found[1])


def _needs_quotes(name: str) -> bool:
    return not name or any(ch in name for ch in " \t'\"\\")


def header_for(kind: str, name: str) -> str:
    """The header awsswitch writes for (kind, name); botocore and the AWS CLI v2 read it back
    as that name. Names with spaces or quotes are shell-quoted, as the AWS CLI does."""
    if kind == PROFILE and name == "default":
        header = "default"
    elif kind in (PROFILE, SSO_SESSION, SERVICES):
        if _needs_quotes(name):
            import shlex

            header = f"{kind} {shlex.quote(name)}"
        else:
            header = f"{kind} {name}"
    elif kind == RAW:
        header = name
    else:
        raise ValueError(f"unknown section kind {kind!r}")
    if "\n" in header or "\r" in header or _target(header) != (kind, name):
        raise validate.ValidationError(f"cannot write a section header for {kind} {name!r}")
    return header


class _Opt:
    __slots__ = ("conts", "end", "key", "lead", "start")

    def __init__(self, key: str, start: int, lead: str) -> None:
        self.key = key
        self.start = start  # index of the option line in the block
        self.end = start  # index of its last continuation line
        self.lead = lead  # leading whitespace of the option line
        self.conts: list[int] = []


class _Block:
    __slots__ = ("header", "lines")

    def __init__(self, header: str | None, lines: list[str]) -> None:
        self.header = header  # None for the lines before the first header
        self.lines = lines

    def layout(self) -> tuple[dict[str, _Opt], int, _Opt | None]:
        """(options by lower-cased key, index of the last key line (0 if none), last option)."""
        opts: dict[str, _Opt] = {}
        last: _Opt | None = None
        last_end = 0
        lines = self.lines
        level = len(_lead(_eol_strip(lines[0]))) if lines else 0
        current: _Opt | None = None
        for i in range(1, len(lines)):
            content = _eol_strip(lines[i])
            value = content.strip()
            if not value or value[0] in "#;":
                continue
            lead = _lead(content)
            if current is not None and len(lead) > level:
                current.end = i
                current.conts.append(i)
                last_end = i
                continue
            level = len(lead)
            d = _delim(value)
            key = value[:d].rstrip().lower()
            opt = _Opt(key, i, lead)
            opts[key] = opt
            current = opt if key else None
            last = opt
            last_end = i
        return opts, last_end, last


@dataclass
class EditResult(Generic[T]):
    path: str  # the file named (maybe a symlink)
    written: str | None  # the file actually replaced (symlink target), None if nothing written
    before: bytes | None  # None: there was no file
    after: bytes
    changed: bool
    result: T


class Document:
    """An editable, round-trip view of one config file (see the module docstring)."""

    def __init__(self, text: str, path: str, encoding: str) -> None:
        self.path = path
        self.encoding = encoding
        normalized = text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
        model, defaults = reader.parse_own(normalized, path)  # refuses what botocore refuses
        self._model: dict[str, dict[str, Any]] = model
        self._defaults = defaults
        self._original = text
        self._eol = "\n"
        self._blocks = self._split(text)
        # (kind, name) -> its blocks in file order; the last one is the one botocore uses.
        self._targets: dict[tuple[str, str], list[_Block]] | None = None
        self._edits = 0  # bumped by every line change (cheaper than comparing texts)
        # A rename moves its section to the end of the model; verify() puts it back in file
        # order once, rather than rebuilding the model on every rename.
        self._reorder = False

    # -- construction -----------------------------------------------------------------------

    @classmethod
    def parse(cls, data: bytes | None, path: str = "<string>") -> Document:
        encoding = reader._encoding()
        if data is None:
            return cls("", path, encoding)
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            reader.decode(data, path)  # raises ConfigParseError with the line
            raise
        return cls(text, path, encoding)

    @classmethod
    def from_text(cls, text: str, path: str = "<string>") -> Document:
        return cls(text, path, "utf-8")

    def _split(self, text: str) -> list[_Block]:
        if "\r" in text:
            lines = _LINE.findall(text)
            for raw in lines:
                if raw.endswith(("\r\n", "\r", "\n")):
                    self._eol = _eol_of(raw)
                    break
        else:
            parts = text.split("\n")
            lines = [p + "\n" for p in parts[:-1]]
            if parts[-1]:
                lines.append(parts[-1])
        blocks = [_Block(None, [])]
        active = False  # an option that indented lines would continue
        level = 0
        for raw in lines:
            content = _eol_strip(raw)
            value = content.strip()
            if value and value[0] not in "#;":
                indent = len(content) - len(content.lstrip())
                if not (active and indent > level):
                    level = indent
                    end = value.rfind("]")
                    if value[0] == "[" and end >= 2:
                        blocks.append(_Block(value[1:end], [raw]))
                        active = False
                        continue
                    active = _delim(value) > 0
            blocks[-1].lines.append(raw)
        return blocks

    # -- reading ----------------------------------------------------------------------------

    @property
    def text(self) -> str:
        return "".join(line for block in self._blocks for line in block.lines)

    def to_bytes(self) -> bytes:
        try:
            return self.text.encode(self.encoding)
        except UnicodeEncodeError as exc:
            raise AwsswitchError(
                f"cannot write {self.path}: {exc.object[exc.start : exc.end]!r} is not "
                f"representable in its encoding ({self.encoding})"
            ) from None

    @property
    def changed(self) -> bool:
        return self.text != self._original

    def diff(self, label: str | None = None) -> str:
        """Unified diff from the original text to the current one ('' when unchanged)."""
        label = label or self.path
        return unified_diff(self._original, self.text, f"{label} (current)", f"{label} (new)")

    def _by_target(self) -> dict[tuple[str, str], list[_Block]]:
        if self._targets is None:
            targets: dict[tuple[str, str], list[_Block]] = {}
            for block in self._blocks[1:]:
                kind, name = _target(block.header)  # type: ignore[arg-type]
                if kind is not None:
                    targets.setdefault((kind, name), []).append(block)
            self._targets = targets
        return self._targets

    def _effective(self, kind: str, name: str) -> _Block | None:
        blocks = self._by_target().get((kind, name))
        return blocks[-1] if blocks else None

    def sections(self) -> list[SectionView]:
        out: list[SectionView] = []
        lineno = len(self._blocks[0].lines) + 1
        for block in self._blocks[1:]:
            header = block.header
            assert header is not None
            if header != reader.DEFAULT_SECTION:
                kind, name = _target(header)
                out.append(
                    SectionView(
                        kind=kind,
                        name=name,
                        header=header,
                        values=dict(self._model[header]),
                        lineno=lineno,
                        effective=kind is not None and self._effective(kind, name) is block,
                    )
                )
            lineno += len(block.lines)
        return out

    def find(self, kind: str, name: str) -> SectionView | None:
        block = self._effective(kind, name)
        if block is None:
            return None
        lineno = 1
        for b in self._blocks:
            if b is block:
                break
            lineno += len(b.lines)
        header = block.header
        assert header is not None
        return SectionView(kind, name, header, dict(self._model[header]), lineno, True)

    def get(self, kind: str, name: str) -> dict[str, Any] | None:
        block = self._effective(kind, name)
        return None if block is None else dict(self._model[block.header])  # type: ignore[index]

    def find_marked(self, key: str, value: str | None = None) -> list[SectionView]:
        key = key.lower()
        return [
            s
            for s in self.sections()
            if s.effective and key in s.values and (value is None or s.values[key] == value)
        ]

    # -- editing ----------------------------------------------------------------------------

    def update(
        self, kind: str, name: str, values: Mapping[str, Value], *, create: bool = True
    ) -> bool:
        """Create or update several keys of (kind, name); see the module docstring."""
        for key, val in values.items():
            validate.config_key(key)
            if isinstance(val, str):
                validate.config_value(val, key)
            elif isinstance(val, Mapping):
                for sub, sv in val.items():
                    validate.nested_key(sub)
                    if sv is not None:
                        validate.config_value(sv, f"{key}.{sub}")
            elif val is not None:
                raise TypeError(f"value for {key} must be str, Mapping or None")
        before = self._edits
        block = self._effective(kind, name)
        if block is None:
            if not create:
                raise AwsswitchError(f"no [{header_for(kind, name)}] in {self.path}")
            if all(v is None for v in values.values()):
                return False
            block = self._append_block(header_for(kind, name))
        for key, val in values.items():
            if val is None:
                self._delete_key(block, key.lower())
            elif isinstance(val, str):
                self._set_scalar(block, key, val)
            else:
                self._merge_nested(block, key, val)
        return self._edits != before

    def rename_section(self, kind: str, old: str, new: str) -> bool:
        """Give the section botocore uses for (kind, old) the name `new`, in place.

        Only the header line changes: the text between its brackets becomes `header_for(kind,
        new)`; its indentation, anything after the `]` and its line ending stay, as do every
        key, comment and nested block of the section and its place in the file. AwsswitchError
        when there is no such section, or when any section already maps to (kind, new) (even
        one botocore does not use: the renamed one would then be the one it drops or keeps
        depending on the order). False when `old == new`.
        """
        block = self._effective(kind, old)
        if block is None:
            raise AwsswitchError(f"no [{header_for(kind, old)}] in {self.path}")
        if new == old:
            return False
        header = header_for(kind, new)
        if (kind, new) in self._by_target() or header in self._model:
            raise AwsswitchError(
                f"cannot rename [{block.header}] to [{header}] in {self.path}: "
                f"[{header}] already exists"
            )
        raw = block.lines[0]
        content = _eol_strip(raw)
        start = content.index("[")
        end = content.rindex("]")  # the header runs to the last `]` (text after it is ignored)
        block.lines[0] = content[: start + 1] + header + content[end:] + _eol_of(raw)
        self._edits += 1
        previous = block.header
        assert previous is not None
        block.header = header
        self._model[header] = self._model.pop(previous)
        self._reorder = True  # the model's order is the file's: restored in verify()
        targets = self._by_target()
        blocks = targets[kind, old]
        blocks.remove(block)
        if not blocks:
            del targets[kind, old]
        targets[kind, new] = [block]
        return True

    def remove_section(self, kind: str, name: str) -> bool:
        """Remove the section botocore uses for (kind, name); False if there is none."""
        block = self._effective(kind, name)
        if block is None:
            return False
        self._edits += 1
        _, last_end, _ = block.layout()
        pos = self._blocks.index(block)
        prev = self._blocks[pos - 1]
        rest = block.lines[last_end + 1 :]  # trailing comments/blank lines stay
        cut = len(prev.lines)
        prev.lines.extend(rest)
        del self._blocks[pos]
        del self._model[block.header]  # type: ignore[arg-type]
        blocks = self._by_target()[kind, name]
        blocks.remove(block)
        if not blocks:
            del self._by_target()[kind, name]
        # Collapse the blank line the removal leaves (e.g. the one `update` put before it).
        before = prev.lines[cut - 1] if cut else None
        if rest:
            after: str | None = rest[0]
        else:
            after = self._blocks[pos].lines[0] if pos < len(self._blocks) else None
        if (before is None or self._blank(before)) and (after is None or self._blank(after)):
            if rest:
                del prev.lines[cut]
            elif before is not None:
                del prev.lines[cut - 1]
        if pos < len(self._blocks) and prev.header is not None:
            # The next header now follows prev's last key: indented deeper than that key it
            # would read as its continuation, so it moves to the key's indentation (a header's
            # own indentation has no other effect).
            _, _, last = prev.layout()
            nxt = self._blocks[pos]
            head = nxt.lines[0]
            if last is not None and len(_lead(head)) > len(last.lead):
                nxt.lines[0] = last.lead + head.lstrip()
        return True

    @staticmethod
    def _blank(raw: str) -> bool:
        return not raw.strip()

    def _last_line(self) -> tuple[_Block, int] | None:
        for block in reversed(self._blocks):
            if block.lines:
                return block, len(block.lines) - 1
        return None

    def _terminate(self, block: _Block, i: int) -> None:
        """Give line i a line ending if it has none (only the file's last line can lack one)."""
        if not _eol_of(block.lines[i]):
            block.lines[i] += self._eol
            self._edits += 1

    def _append_block(self, header: str) -> _Block:
        self._edits += 1
        last = self._last_line()
        if last is not None:
            block, i = last
            self._terminate(block, i)
            if not self._blank(block.lines[i]):
                block.lines.append(self._eol)
        new = _Block(header, [f"[{header}]{self._eol}"])
        self._blocks.append(new)
        self._model[header] = {}
        kind, name = _target(header)
        if self._targets is not None and kind is not None:
            self._targets.setdefault((kind, name), []).append(new)
        return new

    def _insert_lines(self, block: _Block, after: int, lines: list[str]) -> None:
        self._terminate(block, after)
        block.lines[after + 1 : after + 1] = lines
        self._edits += 1

    def _new_key_lead(self, block: _Block, last: _Opt | None) -> str:
        if last is not None:
            return last.lead
        # No keys yet: the next header must not become a continuation of the new key,
        # so indent at least as deep as it.
        lead = _lead(_eol_strip(block.lines[0]))
        if block is self._blocks[-1]:
            return lead
        pos = self._blocks.index(block)
        if pos + 1 < len(self._blocks):
            nxt = _lead(_eol_strip(self._blocks[pos + 1].lines[0]))
            if len(nxt) > len(lead):
                lead = nxt
        return lead

    def _line_prefix(self, content: str, d: int) -> str:
        """`content` up to its delimiter at d plus the spacing after it (one space if none)."""
        j = d + 1
        while j < len(content) and content[j] in " \t":
            j += 1
        if j == len(content):
            return content[: d + 1] + " "
        return content[:j]

    def _set_scalar(self, block: _Block, key: str, val: str) -> None:
        lkey = key.lower()
        model = self._model[block.header]  # type: ignore[index]
        opts, last_end, last = block.layout()
        opt = opts.get(lkey)
        if opt is None:
            line = f"{self._new_key_lead(block, last)}{key} = {val}".rstrip() + self._eol
            self._insert_lines(block, last_end, [line])
            model[lkey] = val
            return
        if model.get(lkey) == val:
            return  # same value: leave the line exactly as it is
        raw = block.lines[opt.start]
        content = _eol_strip(raw)
        d = len(_lead(content)) + _delim(content.strip())
        line = (self._line_prefix(content, d) + val).rstrip() + _eol_of(raw)
        self._replace_span(block, opt, [line])
        model[lkey] = val

    def _replace_span(self, block: _Block, opt: _Opt, new: list[str]) -> None:
        """Replace the option line and its continuation (and blank) lines; keep comments."""
        keep = []
        for i in range(opt.start + 1, opt.end + 1):
            value = block.lines[i].strip()
            if value and value[0] in "#;" and i not in opt.conts:
                keep.append(block.lines[i])
        last = block.lines[opt.end]
        block.lines[opt.start : opt.end + 1] = new + keep
        self._edits += 1
        if not _eol_of(last):  # the span ended the file without a newline: keep it that way
            tail = opt.start + len(new) + len(keep) - 1
            block.lines[tail] = _eol_strip(block.lines[tail])

    def _delete_key(self, block: _Block, lkey: str) -> None:
        opts, _, _ = block.layout()
        opt = opts.get(lkey)
        if opt is None:
            return
        self._replace_span(block, opt, [])
        del self._model[block.header][lkey]  # type: ignore[index]

    def _merge_nested(self, block: _Block, key: str, subs: Mapping[str, str | None]) -> None:
        lkey = key.lower()
        model = self._model[block.header]  # type: ignore[index]
        current = model.get(lkey)
        opts, last_end, last = block.layout()
        opt = opts.get(lkey)
        if opt is None or not isinstance(current, dict):
            wanted = {k: v for k, v in subs.items() if v is not None}
            if not wanted:
                return  # only removals, and there is no nested block to remove from
            # New key, or a plain value becoming a nested block: write `key =` + sub-lines.
            lead = opt.lead if opt is not None else self._new_key_lead(block, last)
            if opt is not None:
                content = _eol_strip(block.lines[opt.start])
                d = len(_lead(content)) + _delim(content.strip())
                first = content[: d + 1].rstrip()
            else:
                first = f"{lead}{key} ="
            lines = [first + self._eol]
            lines += [
                f"{lead}{NESTED_INDENT}{k} = {v}".rstrip() + self._eol for k, v in wanted.items()
            ]
            if opt is None:
                self._insert_lines(block, last_end, lines)
            else:
                self._replace_span(block, opt, lines)
            model[lkey] = dict(wanted) if wanted else ""
            return
        nested = dict(current)
        for sub, sv in subs.items():
            opts, _, _ = block.layout()
            opt = opts[lkey]
            hits = [i for i in opt.conts if self._sub_key(block.lines[i]) == sub]
            if sv is None:
                for i in reversed(hits):
                    del block.lines[i]
                    self._edits += 1
                nested.pop(sub, None)
            elif hits:
                if nested.get(sub) == sv:
                    continue
                i = hits[-1]  # _parse_nested: the last line wins
                raw = block.lines[i]
                content = _eol_strip(raw)
                d = content.index("=")
                self._edits += 1
                block.lines[i] = (self._line_prefix(content, d) + sv).rstrip() + (
                    _eol_of(raw) or ""
                )
                nested[sub] = sv
            else:
                lead = (
                    _lead(_eol_strip(block.lines[opt.conts[0]]))
                    if opt.conts
                    else (opt.lead + NESTED_INDENT)
                )
                line = f"{lead}{sub} = {sv}".rstrip() + self._eol
                self._insert_lines(block, opt.end, [line])
                nested[sub] = sv
        # All sub-lines gone: `key =` alone reads as an empty string.
        model[lkey] = nested if nested else ""

    @staticmethod
    def _sub_key(raw: str) -> str:
        return _eol_strip(raw).strip().partition("=")[0].strip()

    # -- checking ---------------------------------------------------------------------------

    def verify(self) -> None:
        """Re-parse the current text; it must read exactly as the edits intended."""
        text = self.text
        normalized = text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
        try:
            sections, defaults = reader.parse_own(normalized, self.path)
        except ConfigParseError as exc:
            raise AwsswitchError(
                f"internal error: the edited {self.path} would not parse ({exc.reason}); "
                "nothing was written"
            ) from None
        if self._reorder:
            headers = [b.header for b in self._blocks[1:] if b.header in self._model]
            if len(headers) == len(self._model):
                self._model = {h: self._model[h] for h in headers}  # type: ignore[index]
                self._reorder = False
        if _ordered(sections) != _ordered(self._model) or defaults != self._defaults:
            raise AwsswitchError(
                f"internal error: the edited {self.path} would not read back as intended; "
                "nothing was written"
            )


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

    a, b = _LINE.findall(old), _LINE.findall(new)
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


def _ordered(model: Mapping[str, Mapping[str, Any]]) -> list[Any]:
    return [
        (h, [(k, list(v.items()) if isinstance(v, dict) else v) for k, v in opts.items()])
        for h, opts in model.items()
    ]


def _read_bytes(path: str) -> bytes | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    if (st.st_mode & 0o170000) != 0o100000:
        raise AwsswitchError(f"{path} is not a regular file; not editing it")
    with open(path, "rb") as fh:
        return fh.read()


def load_document(path: str) -> Document:
    """Read and parse `path` (no lock): ConfigParseError when botocore could not read it."""
    return Document.parse(_read_bytes(path), path)


def _refresh_completion_names(env: Mapping[str, str] | None) -> None:
    # TAB completion reads a names file kept beside the index cache; refreshing it on every
    # write keeps completion on its no-process path instead of the shell's awk fallback.
    from awsswitch.config import names

    names.refresh(os.environ if env is None else env)


def edit_config(
    path: str,
    change: Callable[[Document], T],
    *,
    env: Mapping[str, str] | None = None,
    dry_run: bool = False,
) -> EditResult[T]:
    """Lock, read, refuse unparseable, `change(doc)`, verify, write atomically (if changed)."""
    from awsswitch import files

    target = files.resolve(path)
    with files.lock(path):
        for _attempt in range(_MAX_RETRIES):
            seen = files.identity(target)
            before = _read_bytes(target)
            doc = Document.parse(before, path)
            result = change(doc)
            after = doc.to_bytes()
            changed = doc.changed
            if not changed or dry_run:
                return EditResult(path, None, before, after, changed, result)
            doc.verify()
            if files.identity(target) != seen:
                continue  # someone without our lock wrote it meanwhile: redo on the new text
            written = files.atomic_write(target, after)
            _refresh_completion_names(env)
            return EditResult(path, written, before, after, True, result)
    raise AwsswitchError(f"{path} kept changing while awsswitch tried to edit it; try again")
