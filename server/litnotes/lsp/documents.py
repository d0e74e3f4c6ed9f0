"""Open documents as the editor sees them, with edits applied on litnotes' own line rules.

pygls' `TextDocument` applies incremental edits through `str.splitlines()`, which also breaks
lines at U+2028, form feeds and other characters that LSP does not treat as line ends (spec P-1),
so a pasted PDF quote would misplace every later edit. This store splits only at \\n, \\r\\n, \\r.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..syntax import LineIndex

__all__ = ["Document", "DocumentStore"]


@dataclass
class Document:
    uri: str
    text: str
    version: int | None
    _index: LineIndex | None = field(default=None, repr=False)

    @property
    def index(self) -> LineIndex:
        if self._index is None or self._index.text is not self.text:
            self._index = LineIndex(self.text)
        return self._index

    def apply(self, start: tuple[int, int] | None, end: tuple[int, int] | None, new_text: str, encoding: str) -> None:
        """Apply one content change; `start`/`end` are (line, character) in `encoding`, None for a full change."""
        if start is None or end is None:
            self.text = new_text
            return
        index = self.index
        a = index.offset(start[0], start[1], encoding)
        b = index.offset(end[0], end[1], encoding)
        if b < a:
            a, b = b, a
        self.text = self.text[:a] + new_text + self.text[b:]


class DocumentStore:
    def __init__(self) -> None:
        self._docs: dict[str, Document] = {}

    def open(self, uri: str, text: str, version: int | None) -> Document:
        doc = Document(uri, text, version)
        self._docs[uri] = doc
        return doc

    def get(self, uri: str) -> Document | None:
        return self._docs.get(uri)

    def close(self, uri: str) -> Document | None:
        return self._docs.pop(uri, None)

    def __iter__(self):
        return iter(list(self._docs.values()))

    def __contains__(self, uri: str) -> bool:
        return uri in self._docs
