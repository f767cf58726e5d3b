"""The round-trip model of one config file: `Document` (see `awsswitch.config.editor` for the
whole API and its guarantees; this module holds the in-memory part, without any file I/O).

Sections are addressed as (kind, name), like botocore's `build_profile_map` files them
(`PROFILE`, `SSO_SESSION`, `SERVICES`, `RAW`); `header_for` writes the header for one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from awsswitch.config import reader, validate
from awsswitch.config.blocks import Block as _Block
from awsswitch.config.blocks import Opt as _Opt
from awsswitch.config.blocks import blank as _blank
from awsswitch.config.blocks import delim as _delim
from awsswitch.config.blocks import eol_of as _eol_of
from awsswitch.config.blocks import eol_strip as _eol_strip
from awsswitch.config.blocks import leading as _lead
from awsswitch.config.blocks import line_prefix as _line_prefix
from awsswitch.config.blocks import split
from awsswitch.config.blocks import sub_key as _sub_key
from awsswitch.errors import AwsswitchError, ConfigParseError

PROFILE = "profile"
SSO_SESSION = "sso-session"
SERVICES = "services"
RAW = ""
_GROUP = {"profiles": PROFILE, "sso_sessions": SSO_SESSION, "services": SERVICES, "": RAW}

NESTED_INDENT = "    "  # what the AWS CLI writes for nested values

Value = str | Mapping[str, str | None] | None


@dataclass(frozen=True)
class SectionView:
    kind: str | None  # PROFILE, SSO_SESSION, SERVICES, RAW; None when botocore ignores it
    name: str  # profile / session / services name; the header text for RAW and None
    header: str  # the text between the brackets
    values: dict[str, Any]  # own values as botocore reads them; nested blocks are dicts
    lineno: int  # 1-based line of the header
    effective: bool  # botocore uses this section for (kind, name); False if a later one wins


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
        self._blocks, self._eol = split(text)
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
        from awsswitch.config.diff import unified_diff

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
        if (before is None or _blank(before)) and (after is None or _blank(after)):
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
            if not _blank(block.lines[i]):
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
        line = (_line_prefix(content, d) + val).rstrip() + _eol_of(raw)
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
            hits = [i for i in opt.conts if _sub_key(block.lines[i]) == sub]
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
                block.lines[i] = (_line_prefix(content, d) + sv).rstrip() + (_eol_of(raw) or "")
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


def _ordered(model: Mapping[str, Mapping[str, Any]]) -> list[Any]:
    return [
        (h, [(k, list(v.items()) if isinstance(v, dict) else v) for k, v in opts.items()])
        for h, opts in model.items()
    ]
