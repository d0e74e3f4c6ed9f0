"""Building a `SourceChange`: the notes' texts, non-overlapping edits, and Zotero persist warnings.

- `Texts` serves the text of every note an edit touches: the live text of the note being edited,
  else `text_of` (the editor's buffer or the disk), checked against the snapshot so that offsets
  from the snapshot are never applied to a different text.
- `ChangeBuilder` collects edits per file (identical edits once, an overlapping one dropped with a
  warning) and, on `build()`, warns about edits outside the persist regions of Zotero Integration
  notes (spec Z-1): text between `%% begin name %%` and `%% end name %%` survives a re-import,
  everything else in a note with Zotero highlights or `zotero://` links is rewritten by it.
"""

from __future__ import annotations

import re
from typing import Callable

from ..syntax import NoteSyntax
from ..vault import Vault
from .at_cursor import live_note
from .edits import CreateFile, RenameFile, SourceChange, TextEdit

__all__ = ["Texts", "ChangeBuilder", "persist_regions", "is_zotero_note"]

_BEGIN = re.compile(r"%%[ \t]*begin[ \t]+(.+?)[ \t]*%%")
_END = re.compile(r"%%[ \t]*end[ \t]+(.+?)[ \t]*%%")


def persist_regions(text: str) -> list[tuple[int, int]]:
    """The user-owned regions of a Zotero Integration note: between `%% begin x %%` and `%% end x %%`."""
    if "%%" not in text:
        return []
    regions = []
    for begin in _BEGIN.finditer(text):
        for end in _END.finditer(text, begin.end()):
            if end.group(1) == begin.group(1):
                regions.append((begin.end(), end.start()))
                break
    return regions


def is_zotero_note(note: NoteSyntax | None, text: str) -> bool:
    """A note made by Zotero Integration: it has highlight callouts or `zotero://` links."""
    return bool(note is not None and note.highlight_count) or "zotero://" in text


class Texts:
    """Texts of notes by path, consistent with the snapshot's offsets (None when they are not)."""

    def __init__(self, vault: Vault, path: str, text: str, text_of: Callable[[str], str | None] | None) -> None:
        self.vault = vault
        self._texts: dict[str, str | None] = {path: text}
        self._notes: dict[str, NoteSyntax] = {path: live_note(vault, path, text)}
        self.text_of = text_of

    def get(self, path: str) -> str | None:
        if path not in self._texts:
            text = self.text_of(path) if self.text_of is not None else None
            note = self.vault.note(path)
            if text is not None and note is not None and note.length != len(text):
                text = None  # changed since the snapshot: its offsets would be wrong
            self._texts[path] = text
        return self._texts[path]

    def note(self, path: str) -> NoteSyntax | None:
        return self._notes.get(path) or self.vault.note(path)

    @property
    def overrides(self) -> dict[str, NoteSyntax]:
        return dict(self._notes)


class ChangeBuilder:
    def __init__(self, texts: Texts) -> None:
        self.texts = texts
        self.edits: dict[str, list[TextEdit]] = {}
        self.creates: list[CreateFile] = []
        self.renames: list[RenameFile] = []
        self.warnings: list[str] = []

    def edit(self, path: str, start: int, end: int, new_text: str) -> None:
        mine = self.edits.setdefault(path, [])
        edit = TextEdit(path, start, end, new_text)
        if edit in mine:
            return
        for other in mine:
            if start < other.end and other.start < end or (start == end == other.start == other.end):
                self.warn(f"two edits overlap in `{path}`; only the first is kept")
                return
        mine.append(edit)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def build(self) -> SourceChange:
        for path in sorted(self.edits):
            self._check_persist(path, self.edits[path])
        edits = tuple(e for path in sorted(self.edits) for e in sorted(self.edits[path], key=lambda e: (e.start, e.end)))
        return SourceChange(edits, tuple(self.creates), tuple(self.renames), tuple(self.warnings))

    def _check_persist(self, path: str, edits: list[TextEdit]) -> None:
        text = self.texts.get(path)
        if text is None or not is_zotero_note(self.texts.note(path), text):
            return
        regions = persist_regions(text)
        outside = [e for e in edits if not any(s <= e.start and e.end <= t for s, t in regions)]
        if outside:
            line = text.count("\n", 0, outside[0].start) + 1
            where = "its `%% begin … %%` persist regions" if regions else "any `%% begin … %%` persist region"
            self.warn(f"`{path}` was made by Zotero Integration and line {line} is outside {where}: "
                      "a re-import from Zotero would overwrite this change")
