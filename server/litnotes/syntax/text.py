"""Line and column arithmetic over a note's text.

Internal offsets everywhere in litnotes are code-point indices into the exact text the client
(or the disk) gave us. Lines end only at "\\n", "\\r\\n" or "\\r" (spec P-1, L-5): never use
`str.splitlines()`, which also splits on U+2028, form feeds and friends and would shift every
later line against the editor.

`LineIndex` converts offsets to (line, column) pairs in code points, UTF-16 units or UTF-8 bytes
(the three LSP position encodings, spec L-2/L-3) and back; `positions` gives the same pairs for a
few offsets of a text without indexing all its lines (references into thousands of closed notes).
"""

from __future__ import annotations

import re
from bisect import bisect_right

__all__ = ["LineIndex", "iter_lines", "positions", "ENCODINGS"]

_LINE_END = re.compile(r"\r\n|\r|\n")
ENCODINGS = ("utf-8", "utf-16", "utf-32")


def iter_lines(text: str):
    """Yield (start, end, next_start) for every line: `text[start:end]` is the line without its ending."""
    pos = 0
    for m in _LINE_END.finditer(text):
        yield pos, m.start(), m.end()
        pos = m.end()
    yield pos, len(text), len(text)


def _units(s: str, encoding: str) -> int:
    if encoding == "utf-32" or s.isascii():
        return len(s)
    if encoding == "utf-16":
        return len(s.encode("utf-16-le", "surrogatepass")) // 2  # a code point above U+FFFF is two units
    if encoding == "utf-8":
        return len(s.encode("utf-8", "surrogatepass"))
    raise ValueError(f"unknown position encoding {encoding!r} (expected one of {ENCODINGS})")


def positions(text: str, offsets, encoding: str = "utf-32") -> dict[int, tuple[int, int]]:
    """`{offset: LineIndex(text).position(offset, encoding)}` for the given offsets, in one pass over
    the text up to the last of them (line ends counted by `str.count` when the text has no "\\r"),
    with columns measured only on the lines asked about."""
    n = len(text)
    cr = "\r" in text
    out: dict[int, tuple[int, int]] = {}
    line = start = pos = 0  # `start`: where the line holding `pos` begins
    for offset in sorted(set(offsets)):
        o = 0 if offset < 0 else n if offset > n else offset
        if o > pos:
            if cr:  # a line ending counts once its end is at or before `o` (a "\r\n" split by `o` does not)
                for m in _LINE_END.finditer(text, pos, o + 1):
                    if m.end() > o:
                        break
                    line += 1
                    start = m.end()
            elif (k := text.count("\n", pos, o)):
                line += k
                start = text.rfind("\n", pos, o) + 1
            pos = o
        end = o - 1 if cr and 0 < o < n and text[o] == "\n" and text[o - 1] == "\r" else o  # inside "\r\n"
        out[offset] = (line, end - start if encoding == "utf-32" else _units(text[start:end], encoding))
    return out


class LineIndex:
    """Maps code-point offsets of one text to line/column positions and back."""

    __slots__ = ("text", "starts", "ends")

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        ends = []
        for m in _LINE_END.finditer(text):
            ends.append(m.start())
            starts.append(m.end())
        ends.append(len(text))
        self.starts = starts
        self.ends = ends

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def line_of(self, offset: int) -> int:
        """0-based line containing `offset` (an offset inside a line ending belongs to that line)."""
        return max(0, bisect_right(self.starts, offset) - 1)

    def position(self, offset: int, encoding: str = "utf-32") -> tuple[int, int]:
        """(line, character) of `offset`, the character counted in `encoding` units."""
        offset = max(0, min(offset, len(self.text)))
        line = self.line_of(offset)
        start = self.starts[line]
        col = min(offset, self.ends[line]) - start
        if encoding == "utf-32":
            return line, col
        return line, _units(self.text[start : start + col], encoding)

    def offset(self, line: int, character: int, encoding: str = "utf-32") -> int:
        """Code-point offset of an editor position; positions past a line's end clamp to that end."""
        if line < 0:
            return 0
        if line >= len(self.starts):
            return len(self.text)
        start, end = self.starts[line], self.ends[line]
        if character <= 0:
            return start
        segment = self.text[start:end]
        if encoding == "utf-32" or segment.isascii():
            if encoding not in ENCODINGS:
                raise ValueError(f"unknown position encoding {encoding!r}")
            return start + min(character, len(segment))
        used = 0
        for i, ch in enumerate(segment):
            width = _units(ch, encoding)
            if used + width > character:
                return start + i
            used += width
        return end

    def line_text(self, line: int) -> str:
        return self.text[self.starts[line] : self.ends[line]]
