"""Reading ~/.aws/config and ~/.aws/credentials with botocore's semantics (stdlib only).

`raw_parse(path)` returns exactly what `botocore.configloader.raw_config_parse(path)` returns and
`load_config(path)` exactly what `botocore.configloader.load_config(path)` returns; files botocore
rejects raise `awsswitch.errors.ConfigParseError(path, lineno, reason)`. The tests prove it on a
corpus (tests/data/configs/) and on generated files. One difference, on purpose: a path that is
not a regular file (FIFO, device, folder), an unreadable file, a symlink loop or a file over
`files.CONFIG_LIMIT` raises `files.FileFault` naming the file, where botocore would silently see no
file (or read a FIFO forever); every config read goes through `read_file`.

Why not configparser: this runs on every `asw`, and a dedicated loop over `str` methods is several
times faster than `RawConfigParser` (no regex per line, no per-option lists, no proxies), and it
imports nothing beyond what Python has already loaded at startup (`shlex` only for quoted names).

Two readers, one result. The general one (`_Reader`) is the line loop below. The fast one reads
the files `aws configure` and `awsswitch sync` write (10,000 profiles, on the first switch after a
change) a section at a time: the text is cut at every `\n[` (a line at column 0 is never a
continuation, so a header there always starts a section), and a section becomes
`dict(map(options_of, lines))`, in C, where `options_of` (`_Options`) reads each distinct line
once, as the general loop would read it at column 0 in a section without continuations. A
section holding a line only the general loop can read (indented, so maybe a continuation; an
error), a repeated option or section, or `[DEFAULT]` is handed to the general loop, in file
order; so is the whole file when a column-0 `[` line is no header, or when most sections need
the loop anyway.

The rules reproduced (CPython's `RawConfigParser._read` with botocore's arguments, plus
`configloader._parse_nested` and `build_profile_map`):
- the file is decoded with the locale encoding (UTF-8 in practice) and universal newlines;
- a line whose stripped text starts with `#` or `;` is a comment, wherever it is (no inline
  comments: `region = x # y` reads `x # y`);
- a line indented deeper than the option line (or section header) that started the current block
  continues the current option's value; blank lines inside a value are kept, trailing ones dropped;
- `[x]` starts a section: the header runs to the LAST `]` of the stripped line (text after it is
  ignored); `[DEFAULT]` is configparser's defaults section, whose keys leak into every section;
- an option is `name = value` or `name : value` split at the first `=`/`:`; names are lower-cased,
  values stripped; an empty value followed by indented `k = v` lines is a nested block (`s3 =`);
- a duplicate section or option, a line before any section, a line with no delimiter, an empty
  option name, a nested line without `=`, or undecodable bytes make the whole file unreadable.
"""

from __future__ import annotations

from awsswitch import files, paths
from awsswitch.errors import ConfigParseError

# Annotation-only imports: typing costs milliseconds on every `asw` and `init`.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    Section = dict[str, Any]  # values are str, or dict[str, str] for nested blocks
else:
    Section = dict

DEFAULT_SECTION = "DEFAULT"  # configparser's defaults section (upper case only)


def read_file(path: str) -> bytes | None:
    """The bytes of the config or credentials file `path`; None when there is none.

    The one read of a user's config file (the reader, the profile index, the editor): a FIFO,
    device, folder, unreadable file, symlink loop or a file over `files.CONFIG_LIMIT` raises
    FileFault (one line naming the file) instead of hanging or filling memory; botocore would
    treat most of those as no file at all, which would hide the mistake. The null device
    reads as empty (botocore: no file), so `AWS_SHARED_CREDENTIALS_FILE=/dev/null` still works.
    """
    try:
        return files.read_bytes(path, files.CONFIG_LIMIT)
    except FileNotFoundError:
        return None


def read_text(path: str) -> str | None:
    """The file's text as botocore decodes it; None when there is no file (see `read_file`)."""
    data = read_file(path)
    return None if data is None else decode(data, path)


def decode(data: bytes, path: str) -> str:
    """Decode like `open(path, encoding=None)` in text mode: locale encoding, universal newlines."""
    try:
        text = data.decode(_encoding())
    except UnicodeDecodeError as exc:
        lineno = data.count(b"\n", 0, exc.start) + 1
        raise ConfigParseError(path, lineno, f"cannot decode the file: {exc.reason}") from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


_ENCODING: str | None = None


def _encoding() -> str:
    # open(encoding=None) uses the locale's preferred encoding; UTF-8 mode forces utf-8.
    global _ENCODING
    if _ENCODING is None:
        import sys

        if sys.flags.utf8_mode:
            _ENCODING = "utf-8"
        else:
            try:  # Python >= 3.11: what getpreferredencoding(False) returns, without `import
                # locale` (which imports re, enum and functools: ~5 ms when nothing else has)
                from _locale import getencoding
            except ImportError:
                from locale import getpreferredencoding

                _ENCODING = getpreferredencoding(False)
            else:
                _ENCODING = getencoding()
    return _ENCODING


def raw_parse(path: str, *, expand: bool = True) -> dict[str, Section]:
    """Sections as `botocore.configloader.raw_config_parse(path)` returns them ({} if missing).

    `expand`: expand `path` as botocore does (`paths.expand`); False for a path that is
    already expanded (what `paths.config_file` returns), which must not be expanded twice.
    """
    return read_sections(path, expand=expand)[0]


def read_sections(path: str, *, expand: bool = True) -> tuple[dict[str, Section], bool]:
    """`raw_parse(path)`, and whether any value is a nested block (a dict, not a str)."""
    if expand:
        path = paths.expand(path)
    text = read_text(path)
    if text is None:
        return {}, False
    return _with_defaults(*_parse(text, path), path)


def parse_text(text: str, path: str = "<string>") -> dict[str, Section]:
    """Parse config text (newlines already normalised to \\n) the way botocore does."""
    return _with_defaults(*_parse(text, path), path)[0]


def _with_defaults(
    sections: dict[str, Section], defaults: dict[str, str], nested: bool, path: str
) -> tuple[dict[str, Section], bool]:
    if defaults and sections:
        # configparser's options()/get(): the section's own keys, then [DEFAULT]'s others.
        blocks = [k for k, v in defaults.items() if v[:1] == "\n"]
        for name, options in sections.items():
            merged = dict(options)
            for k, v in defaults.items():
                if k not in merged:
                    merged[k] = v
            for k in blocks:
                if k not in options:
                    merged[k] = _nested(defaults[k], path, None)  # a new dict per section
                    nested = True
            sections[name] = merged
    return sections, nested


def parse_own(text: str, path: str = "<string>") -> tuple[dict[str, Section], dict[str, str]]:
    """(sections with only their own options, [DEFAULT]'s options), or ConfigParseError.

    Raises on exactly the files `parse_text` raises on. Nested blocks of the sections are
    parsed; [DEFAULT]'s stay text (`parse_text` parses them per section they leak into).
    """
    sections, defaults, _ = _parse(text, path)
    return sections, defaults


def _parse(text: str, path: str) -> tuple[dict[str, Section], dict[str, str], bool]:
    """(sections, [DEFAULT], whether a section holds a nested block); see `parse_own`."""
    reader = _Reader(path)
    if not _read_sections_fast(text, reader):
        reader = _Reader(path)
        reader.feed(text.split("\n"), 1)
    return reader.finish()


# What `_Options` gives for a line only the general loop can read (an indented line may continue
# a value; a line without a delimiter or name is an error, reported by the loop): dict() of a
# section holding it fails, and that section is handed to the loop.
_GENERAL = ("the general loop",)


class _Options(dict):  # type: ignore[type-arg]
    """line -> what the general loop makes of it in a section without continuation lines:
    (key, value) for an option line at column 0, () for a blank or comment line (nothing), and
    `_GENERAL` for any other line.

    Computed once per distinct line: a generated config repeats most of its lines
    (`region = ...`, `output = ...`, the session, the role), which then also share their key
    and value strings.
    """

    __slots__ = ()

    def __missing__(self, line: str) -> tuple[str, ...]:
        value = line.strip()
        if not value or value[0] in "#;":
            found: tuple[str, ...] = ()
        elif line[0].isspace() or value[0] == "[":
            found = _GENERAL
        else:  # the general loop's option line (at column 0: never a continuation)
            eq = value.find("=")
            colon = value.find(":")
            if eq < 0 or (0 <= colon < eq):
                eq = colon
            found = (value[:eq].rstrip().lower(), value[eq + 1 :].strip()) if eq > 0 else _GENERAL
        self[line] = found
        return found


def _read_sections_fast(text: str, reader: _Reader) -> bool:
    """Feed `text` to `reader` section by section (see the module docstring).

    False (and `reader` untouched) when a line at column 0 starts with `[` without being a
    header (it belongs to the section before it), or when the general loop would have to read
    many sections anyway (indented or nested options throughout): the whole file is then
    better read by the general loop alone.
    """
    chunks = text.split("\n[")
    preamble: str | None = None
    if text[:1] == "[":
        chunks[0] = chunks[0][1:]
    else:
        preamble = chunks.pop(0)  # before the first header at column 0

    names: list[str] = []
    found: list[dict[str, str] | None] = []  # None: this section takes the general loop
    general = 0  # sections that do
    options_of = _Options().__getitem__
    for chunk in chunks:
        header, _, body = chunk.partition("\n")
        end = header.rfind("]")
        if end < 1:
            return False
        names.append(header[:end])
        body = body.rstrip("\n")  # blank lines before the next header
        if not body:
            found.append({})
            continue
        lines = body.split("\n")
        try:
            options = dict(map(options_of, lines))
        except ValueError:  # a blank or comment line, or one the general loop must read
            pairs = list(filter(None, map(options_of, lines)))
            try:
                options = dict(pairs)
            except ValueError:
                found.append(None)
                general += 1
                if general > 100 and general * 4 > len(found):
                    return False
                continue
            lines = pairs
        found.append(options if len(options) == len(lines) else None)  # else: a duplicate

    lineno = 1
    if preamble is not None:
        reader.feed(preamble.split("\n"), 1)
        lineno = preamble.count("\n") + 2
    sections = reader.sections
    if not sections and None not in found:
        sections.update(zip(names, found, strict=True))  # type: ignore[arg-type]
        if len(sections) == len(names) and DEFAULT_SECTION not in sections:
            return True
        sections.clear()  # a repeated section or [DEFAULT]: in order below
    counted = 0  # chunks whose lines `lineno` has passed
    for i, options in enumerate(found):
        name = names[i]
        if options is not None and name not in sections and name != DEFAULT_SECTION:
            sections[name] = options
            continue
        while counted < i:
            lineno += chunks[counted].count("\n") + 1
            counted += 1
        reader.feed(("[" + chunks[i]).split("\n"), lineno)
    return True


class _Reader:
    """CPython's `RawConfigParser._read` with botocore's arguments, fed a block of lines at a
    time; `finish()` gives (sections, [DEFAULT], whether a section holds a nested block)."""

    __slots__ = (
        "blanks",
        "cursect",
        "defaults",
        "first_error",
        "indent_level",
        "multis",
        "optline",
        "optname",
        "path",
        "sections",
    )

    def __init__(self, path: str) -> None:
        self.path = path
        self.sections: dict[str, dict[str, Any]] = {}
        self.defaults: dict[str, Any] = {}
        # Options whose value became a list of lines (continuations): joined at the end.
        self.multis: list[tuple[dict[str, Any], str, int]] = []
        self.cursect: dict[str, Any] | None = None
        self.optname: str | None = None  # option that indented lines continue
        self.blanks = 0  # blank lines since optname's last line (kept only if more follow)
        self.indent_level = 0
        self.optline = 0  # line of optname (for errors in nested blocks)
        self.first_error: tuple[int, str] | None = None  # configparser raises at the end

    def feed(self, lines: list[str], lineno: int) -> None:
        """Read `lines`, the first of which is line `lineno` of the file."""
        path, sections, defaults, multis = self.path, self.sections, self.defaults, self.multis
        cursect, optname, blanks = self.cursect, self.optname, self.blanks
        indent_level, optline, first_error = self.indent_level, self.optline, self.first_error
        for lineno, line in enumerate(lines, lineno):  # noqa: B020
            value = line.strip()
            if not value:
                if optname is not None:
                    blanks += 1
                continue
            first = value[0]
            if first == "#" or first == ";":
                continue
            indent = len(line) - len(line.lstrip()) if line[0].isspace() else 0
            if optname is not None and indent > indent_level:
                # A continuation line: part of optname's value.
                current = cursect[optname]  # type: ignore[index]
                if type(current) is str:
                    current = [current]
                    cursect[optname] = current  # type: ignore[index]
                    multis.append((cursect, optname, optline))  # type: ignore[arg-type]
                if blanks:
                    current.extend([""] * blanks)
                    blanks = 0
                current.append(value)
                continue
            indent_level = indent
            blanks = 0
            if first == "[":
                end = value.rfind("]")
                if end >= 2:
                    name = value[1:end]
                    if name in sections:
                        raise ConfigParseError(
                            path, lineno, f"section [{name}] appears twice (duplicate section)"
                        )
                    if name == DEFAULT_SECTION:
                        cursect = defaults
                    else:
                        cursect = {}
                        sections[name] = cursect
                    optname = None
                    continue
            if cursect is None:
                raise ConfigParseError(path, lineno, "text before the first [section] header")
            eq = value.find("=")
            colon = value.find(":")
            if eq < 0 or (0 <= colon < eq):
                eq = colon
            if eq < 0:
                if first_error is None:
                    first_error = (lineno, f"not a section header, option or comment: {line!r}")
                continue  # configparser keeps going (and keeps optname) after this error
            if eq == 0 and first_error is None:
                first_error = (lineno, f"option without a name: {line!r}")
            key = value[:eq].rstrip().lower()
            if key in cursect:
                raise ConfigParseError(
                    path, lineno, f"option {key!r} appears twice in this section"
                )
            cursect[key] = value[eq + 1 :].strip()
            optname = key if key else None  # configparser: an empty name takes no continuation
            optline = lineno
        self.cursect, self.optname, self.blanks = cursect, optname, blanks
        self.indent_level, self.optline, self.first_error = indent_level, optline, first_error

    def finish(self) -> tuple[dict[str, Section], dict[str, str], bool]:
        if self.first_error is not None:
            raise ConfigParseError(self.path, self.first_error[0], self.first_error[1])
        sections, defaults, path = self.sections, self.defaults, self.path
        nested = False
        for options, key, at in self.multis:
            joined = "\n".join(options[key]).rstrip()
            if joined[:1] == "\n" and options is not defaults:
                options[key] = _nested(joined, path, at)
                nested = True
            else:
                options[key] = joined
                # botocore parses (and fails on) a nested [DEFAULT] value only where it leaks.
                if (
                    options is defaults
                    and joined[:1] == "\n"
                    and any(key not in own for own in sections.values())
                ):
                    _nested(joined, path, at)
        return sections, defaults, nested


def _nested(value: str, path: str, lineno: int | None) -> dict[str, str]:
    """botocore's `_parse_nested`: one level of `key = value` lines (keys keep their case)."""
    parsed: dict[str, str] = {}
    for line in value.splitlines():
        line = line.strip()
        if not line:
            continue
        key, sep, val = line.partition("=")
        if not sep:
            raise ConfigParseError(path, lineno, f"nested line without '=': {line!r}")
        parsed[key.strip()] = val.strip()
    return parsed


def section_parts(key: str) -> list[str] | None:
    """`shlex.split(key)` as botocore's `_parse_section` uses it; None when shlex fails."""
    if "'" not in key and '"' not in key and "\\" not in key:
        # shlex with whitespace_split only splits on ' \t\r\n' (\r, \n cannot occur here).
        if "\t" in key:
            key = key.replace("\t", " ")
        return [p for p in key.split(" ") if p]
    import shlex

    try:
        return shlex.split(key)
    except ValueError:
        return None


def section_target(key: str) -> tuple[str, str] | None:
    """Where `build_profile_map` files a raw section: ("profiles"|"sso_sessions"|"services", name),
    ("profiles", "default") for `[default]`, ("", key) for other top-level sections, None when
    botocore silently drops it (e.g. `[profile a b]`, `[profilex]`)."""
    if key.startswith("profile"):
        kind = "profiles"
    elif key.startswith("sso-session"):
        kind = "sso_sessions"
    elif key.startswith("services"):
        kind = "services"
    elif key == "default":
        return ("profiles", "default")
    else:
        return ("", key)
    parts = section_parts(key)
    if parts is None or len(parts) != 2:
        return None
    return (kind, parts[1])


def build_profile_map(raw: dict[str, Section]) -> dict[str, Any]:
    """botocore's `build_profile_map` (without its deepcopy: `raw` is consumed)."""
    profiles: dict[str, Section] = {}
    sso_sessions: dict[str, Section] = {}
    services: dict[str, Section] = {}
    out: dict[str, Any] = {}
    groups = {"profiles": profiles, "sso_sessions": sso_sessions, "services": services}
    # `[profile NAME]` with no quote, backslash or whitespace in NAME (what sync and `aws
    # configure` write) is section_target's ("profiles", NAME), inlined: 10,000 per switch.
    keys = "\0".join(raw)
    plain = not ("'" in keys or '"' in keys or "\\" in keys or "\t" in keys)
    for key, values in raw.items():
        if plain:
            kind, _, name = key.partition(" ")
            if kind == "profile" and name and " " not in name:
                profiles[name] = values
                continue
        target = section_target(key)
        if target is None:
            continue
        kind, name = target
        if kind:
            groups[kind][name] = values
        else:
            out[key] = values
    out["profiles"] = profiles
    out["sso_sessions"] = sso_sessions
    out["services"] = services
    return out


def load_config(path: str, *, expand: bool = True) -> dict[str, Any]:
    """`botocore.configloader.load_config(path)`; a missing file gives empty groups."""
    return build_profile_map(raw_parse(path, expand=expand))
