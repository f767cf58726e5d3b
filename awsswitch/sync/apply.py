"""Carrying a sync plan out through the round-trip editor (`awsswitch.config.editor`).

This module never opens the config file for writing itself: `editor.edit_config` locks,
re-reads, lets us re-plan on what the file holds now, verifies that the result reads back as
intended, and writes atomically. Comments and unrelated sections stay byte-identical.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from awsswitch import paths
from awsswitch.config import editor, reader
from awsswitch.sync.plan import ADD, REMOVE, UPDATE, Existing, Plan


def load(path: str) -> editor.Document:
    """The config as a round-trip document (no lock: for planning and --dry-run)."""
    return editor.load_document(path)


def existing_profiles(doc: editor.Document, env: Mapping[str, str]) -> list[Existing]:
    """Every profile botocore would see, in file order; credentials-file-only ones last."""
    out = [
        Existing(s.name, s.values)
        for s in doc.sections()
        if s.kind == editor.PROFILE and s.effective
    ]
    seen = {e.name for e in out}
    credentials = reader.raw_parse(paths.credentials_file(env), expand=False)  # already expanded
    # A profile defined in the credentials file is the user's, even if the config marks it.
    out = [Existing(e.name, e.values, in_config=e.name not in credentials) for e in out]
    out += [Existing(name, {}, in_config=False) for name in credentials if name not in seen]
    return out


def apply_plan(doc: editor.Document, plan: Plan) -> None:
    """Removals first (they free names), then renames and updates in place, then new sections
    appended. A rename rewrites only the section's header line (then any managed key that
    differs), so comments, hand-added keys and nested blocks stay, where they were."""
    for change in plan.of(REMOVE):
        if change.renamed_to is None:  # the old name of a rename goes with the rename below
            doc.remove_section(editor.PROFILE, change.name)
    for change in plan.of(UPDATE):
        if change.renamed_from is not None:
            doc.rename_section(editor.PROFILE, change.renamed_from, change.name)
        doc.update(editor.PROFILE, change.name, dict(change.values), create=False)
    for change in plan.of(ADD):
        doc.update(editor.PROFILE, change.name, dict(change.values))


def preview(doc: editor.Document, plan: Plan) -> str:
    """The unified diff `plan` would make to `doc` ('' when it changes nothing)."""
    apply_plan(doc, plan)
    return doc.diff(doc.path)


def write(path: str, replan: Callable[[editor.Document], Plan], env: Mapping[str, str]) -> Plan:
    """Lock, re-read, re-plan on the current content, apply, verify, write atomically."""

    def change(doc: editor.Document) -> Plan:
        plan = replan(doc)
        apply_plan(doc, plan)
        return plan

    return editor.edit_config(path, change, env=env).result
