"""Recently read note texts, reused while their file is unchanged.

Navigation reads closed notes to turn offsets into positions: references of a note cited 500 times
read 500 notes. A text is kept after it is read and reused while the file's (mtime, size, inode)
are the same; the cache holds at most `max_chars` characters, least recently used go first.
Like the persistent index, it would miss a rewrite of the same size within one clock tick; the
server's file watching re-reads changed files anyway.
"""

from __future__ import annotations

import os
from collections import OrderedDict

from ..syntax import Problem
from .scan import read_note

__all__ = ["TextCache"]


class TextCache:
    def __init__(self, max_chars: int = 8_000_000) -> None:
        self.max_chars = max_chars
        self.chars = 0
        self.reads = 0  # files actually read (tests assert on it)
        self._kept: OrderedDict[str, tuple[tuple[int, int, int], str, tuple[Problem, ...]]] = OrderedDict()

    def read(self, path: str, max_bytes: int, st: os.stat_result | None = None) -> tuple[str | None, tuple[Problem, ...]]:
        """`read_note(path, max_bytes)`, from the cache when the file has not changed since (`st`:
        the file's `os.stat(path)` if the caller has it)."""
        if st is None:
            try:
                st = os.stat(path)
            except OSError:
                self._drop(path)
                return read_note(path, max_bytes)
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        kept = self._kept.get(path)
        if kept is not None and kept[0] == stamp and st.st_size <= max_bytes:
            self._kept.move_to_end(path)
            return kept[1], kept[2]
        self._drop(path)
        self.reads += 1
        text, problems = read_note(path, max_bytes)
        if text is not None and len(text) <= self.max_chars // 8:
            self._kept[path] = (stamp, text, problems)
            self.chars += len(text)
            while self.chars > self.max_chars:
                _, (_, old, _) = self._kept.popitem(last=False)
                self.chars -= len(old)
        return text, problems

    def _drop(self, path: str) -> None:
        kept = self._kept.pop(path, None)
        if kept is not None:
            self.chars -= len(kept[1])
