"""Helpers for the navigation and refactoring tests: a DSL vault with libraries, compact spans,
and an applier for `SourceChange`s.

Spans render as `path:line:col-line:col` (1-based, code points). Files of the spec ending in
`.bib` or `.json` are loaded as bibliographies (cite-key libraries).
"""

from __future__ import annotations

from litnotes.bib import parse_bibliography
from litnotes.disk.libraries import library_keys
from litnotes.features.edits import SourceChange
from litnotes.syntax import LineIndex
from litnotes.vault import SetFile, SetLibrary, SetNote, VaultHost, VaultSettings
from vault_dsl import parse_fixture


class Spec:
    """A vault built from a DSL spec, with the cursor's note, text and offset."""

    def __init__(self, spec: str, settings: VaultSettings | None = None) -> None:
        fixture = parse_fixture(spec)
        self.files = dict(fixture.files)
        self.host = VaultHost(settings)
        changes: list = [SetNote(p, t) if p.endswith(".md") else SetFile(p) for p, t in self.files.items()]
        for p, t in self.files.items():
            if p.endswith((".bib", ".json")):
                library = parse_bibliography(t, p)
                changes.append(SetLibrary(p, library_keys(library), library))
        self.vault, _ = self.host.apply(changes)
        self.path, self.offset = fixture.cursor if fixture.cursor else (None, 0)

    @property
    def text(self) -> str:
        return self.files[self.path]

    def text_of(self, path: str) -> str | None:
        return self.files.get(path)

    def span(self, path: str, start: int, end: int) -> str:
        index = LineIndex(self.files.get(path, ""))
        (l1, c1), (l2, c2) = index.position(start), index.position(end)
        return f"{path}:{l1 + 1}:{c1 + 1}-{l2 + 1}:{c2 + 1}"


def apply_change(files: dict[str, str], change: SourceChange) -> dict[str, str]:
    """The files after the change: text edits (back to front per file), then creates and renames."""
    out = dict(files)
    by_path: dict[str, list] = {}
    for e in change.edits:
        by_path.setdefault(e.path, []).append(e)
    for path, edits in by_path.items():
        text = out[path]
        for e in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
            text = text[:e.start] + e.new_text + text[e.end:]
        out[path] = text
    for c in change.creates:
        out.setdefault(c.path, "")
    for r in change.renames:
        out[r.new] = out.pop(r.old)
    return out


def rendered_edits(spec: Spec, change: SourceChange) -> list[str]:
    """`path:l:c-l:c → new text` for each edit (positions in the files before the change)."""
    return [f"{spec.span(e.path, e.start, e.end)} → {e.new_text}" for e in change.edits]
