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

Files (this module; the rest lives in `document.py`, `blocks.py` and `diff.py` and is
re-exported here):
- `edit_config(path, change, *, env=None, dry_run=False, interactive=None) -> EditResult`:
  lock -> read -> refuse if botocore could not parse it -> `change(doc)` -> verify -> atomic
  write (only when the text changed and not `dry_run`). If a program that ignores our lock (the
  AWS CLI) rewrote the file meanwhile, the whole cycle runs again on the new content. The lock
  is `files.lock(path)`, on the folder holding the file, so writers agree whatever their cache
  folders; off a terminal it waits at most 30 s, on one it says what it waits for. Every file
  system failure is a `files.FileFault`: one line naming the file and what to do, nothing
  changed (a read-only or immutable file is refused, not replaced).
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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from awsswitch.config import reader
from awsswitch.config.diff import unified_diff
from awsswitch.config.document import (
    NESTED_INDENT,
    PROFILE,
    RAW,
    SERVICES,
    SSO_SESSION,
    Document,
    SectionView,
    Value,
    header_for,
)
from awsswitch.errors import AwsswitchError

__all__ = [
    "NESTED_INDENT",
    "PROFILE",
    "RAW",
    "SERVICES",
    "SSO_SESSION",
    "Document",
    "EditResult",
    "SectionView",
    "Value",
    "edit_config",
    "header_for",
    "load_document",
    "unified_diff",
]

_MAX_RETRIES = 5
T = TypeVar("T")


@dataclass
class EditResult(Generic[T]):
    path: str  # the file named (maybe a symlink)
    written: str | None  # the file actually replaced (symlink target), None if nothing written
    before: bytes | None  # None: there was no file
    after: bytes
    changed: bool
    result: T


def load_document(path: str) -> Document:
    """Read and parse `path` (no lock): ConfigParseError when botocore could not read it."""
    return Document.parse(reader.read_file(path), path)


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
    interactive: bool | None = None,
) -> EditResult[T]:
    """Lock, read, refuse unparseable, `change(doc)`, verify, write atomically (if changed).

    `interactive`: whether a person waits at a terminal (default: stdin and stderr are
    terminals), who is then told when another process holds the lock.
    """
    from awsswitch import files
    from awsswitch.context import Environment

    ctx = Environment(env)
    if interactive is None:
        interactive = ctx.interactive
    target = files.resolve(path)
    with files.lock(path, interactive=interactive, what=path, say=ctx.say):
        for _attempt in range(_MAX_RETRIES):
            seen = files.identity(target)
            before = reader.read_file(path)  # messages name the file as the user named it
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
