"""The two records the block parser works on: `Line` (one line's text at some container depth and
where it starts) and `Block` (a leaf or container block), and `split_lines`, which cuts a note into
lines only at \\n, \\r\\n and \\r (P-1).

They live apart from `blocks.py` so that the block parser's fast paths (`callouts.py`) can build
the same records without importing the parser.
"""

from __future__ import annotations

import re
from itertools import accumulate, count
from operator import add

__all__ = ["Line", "Block", "split_lines", "split_spans"]

_LINE_END = re.compile(r"\r\n|\r|\n")


class Line:
    """One line's text at some container depth (prefixes like `> ` removed) and where it starts."""

    __slots__ = ("text", "offset")

    def __init__(self, text: str, offset: int) -> None:
        self.text = text
        self.offset = offset

    @property
    def end(self) -> int:
        return self.offset + len(self.text)


class Block:
    """A block: leaf blocks keep their lines; containers (quote, list, item) keep children too.

    `simple` marks a callout read by the fast path in `callouts.py`: its children are only
    paragraphs and at most one plain quote of paragraphs at the end, so `structure.py` need not
    walk them; `caret` then says whether a `^` stands anywhere after the title line, and `zotero`
    holds what a standard Zotero title line says (`callouts.ZOTERO_TITLE`'s eight groups, the end
    of its link, the end of the line and where the title, `<mark …`, starts) when it is one.
    """

    __slots__ = ("kind", "lines", "children", "level", "callout", "simple", "caret", "zotero")

    def __init__(self, kind: str, lines: list[Line], children: list[Block] | None = None, level: int = 0) -> None:
        self.kind = kind
        self.lines = lines
        self.children = children or []
        self.level = level
        self.callout: tuple[str, str, str, Line] | None = None  # (type, title, fold, title line)
        self.simple = False
        self.caret = True
        self.zotero: tuple | None = None

    @property
    def start(self) -> int:
        return self.lines[0].offset

    @property
    def end(self) -> int:
        return self.lines[-1].end

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Block({self.kind}, {self.start}-{self.end}, {len(self.children)} children)"


def split_lines(text: str, start: int = 0) -> list[Line]:
    """The note's lines from `start` on, split only at \\n, \\r\\n and \\r (P-1)."""
    if "\r" not in text:
        return split_spans(text, [(start, len(text))])
    lines = []
    pos = start
    for m in _LINE_END.finditer(text, start):
        lines.append(Line(text[pos : m.start()], pos))
        pos = m.end()
    lines.append(Line(text[pos:], pos))
    return lines


def split_spans(text: str, spans: list[tuple[int, int]]) -> list[Line]:
    """The lines of the parts `spans` of a text without `\r`, in order: each span starts at a line
    start and ends at one (after a `\n`) or at the end of the text. What `split_lines` gives for
    the whole text, without the lines outside the spans."""
    lines: list[Line] = []
    for start, end in spans:
        parts = text[start:end].split("\n")
        if end < len(text):
            parts.pop()  # the empty "line" after the span's last `\n`: the next line is not in the span
        # The offset of line k is start + k + the lengths of the lines before it (all at C speed).
        lines += map(Line, parts, map(add, accumulate(map(len, parts), initial=start), count()))
    return lines
