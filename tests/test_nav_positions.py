"""Reference positions at the LSP edge: `positions` (a few offsets of a text, no line index) gives
exactly `LineIndex.position`."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from litnotes.syntax import ENCODINGS, LineIndex
from litnotes.syntax.text import positions

# --- positions == LineIndex.position ----------------------------------------------------------------
PIECES = ["a", "é", "日本", "😀", "\n", "\r", "\r\n", "\n\r", "\u2028", "\x0c", "\x85", " ", "[[T]]", "\ud800"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join), st.lists(st.integers(-3, 80), max_size=12),
       st.sampled_from(ENCODINGS))
def test_positions_equal_the_line_index(text: str, offsets: list[int], encoding: str) -> None:
    index = LineIndex(text)
    assert positions(text, offsets, encoding) == {o: index.position(o, encoding) for o in offsets}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join), st.sampled_from(ENCODINGS))
def test_positions_of_every_offset(text: str, encoding: str) -> None:
    index = LineIndex(text)
    every = range(-1, len(text) + 2)
    assert positions(text, every, encoding) == {o: index.position(o, encoding) for o in every}
