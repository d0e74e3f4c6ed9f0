"""Pandoc citations in a note's text (K-2, K-3): `[@key, p. 3]`, `[-@key]`, in-text `@key` and
`@{key}`, each with whether it stands inside brackets and what Pandoc would cut a key short to.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ..frozen import fast
from .model import Citation
from .spans import Spans

__all__ = ["citations"]

_make_citation = fast(Citation)
_CITE_KEY = re.compile(r"\{([^{}\s]+)\}|(\w(?:\w|://(?=\w)|[:.#$%&\-+?<>~/](?=\w))*)")
_CUT_SHORT = re.compile(r"[:.#$%&\-+?<>~/]{2,}\w[\w:.#$%&\-+?<>~/]*")


def citations(text: str, opaque: Spans, comments) -> list[Citation]:
    if "@" not in text:
        return []
    in_comment = Spans(comments) if comments else None
    bracketed = None
    result = []
    starts, ends = opaque.starts, opaque.ends
    find = text.find
    at = -1
    while True:
        at = find("@", at + 1)
        if at < 0:
            break
        k = bisect_right(starts, at) - 1  # opaque.contains(at), inlined
        if k >= 0 and at < ends[k]:
            continue
        # (An escaping backslash before the `@` is not among the characters accepted below.)
        prev = text[at - 1] if at else "\n"
        suppress = False
        start = at
        if prev == "-":
            before = text[at - 2] if at >= 2 else "\n"
            if not (before.isspace() or before in "[;"):
                continue
            suppress, start = True, at - 1
        elif not (prev.isspace() or prev in "[(;,"):
            continue
        key_m = _CITE_KEY.match(text, at + 1)
        if key_m is None:
            continue
        key = key_m.group(1) if key_m.group(1) is not None else key_m.group(2)
        end = key_m.end()
        intended = None
        if key_m.group(2) is not None:
            cut = _CUT_SHORT.match(text, end)
            if cut is not None:
                intended = key + cut.group()
        if bracketed is None:
            bracketed = _Brackets(text)
        result.append(_make_citation(key, start, end, bracketed(start, end), suppress,
                               bool(in_comment and in_comment.contains(at)), intended))
    return result


class _Brackets:
    """Is a citation inside `[ … ]` on its line? Citations are asked in document order, so the
    text is searched forward once: the last `[`, `]` or line end before each citation, and the
    next `]` and line end after it (searching back and forth from every citation is quadratic on a
    long pasted line of `@` handles)."""

    _NONE = 1 << 62

    def __init__(self, text: str) -> None:
        self.text = text
        self.scanned = 0  # text[:scanned] has been searched backwards …
        self.last = ""  # … and this is the last `[`, `]` or "\n" in it ("" if none)
        self.close_from = self.close_at = -1  # the first `]` at or after close_from is at close_at
        self.newline_from = self.newline_at = -1

    def __call__(self, start: int, end: int) -> bool:
        text = self.text
        # The nearest bracket or line end before the citation must be a `[` …
        lo = self.scanned if start >= self.scanned else 0
        at = max(text.rfind("[", lo, start), text.rfind("]", lo, start), text.rfind("\n", lo, start))
        last = text[at] if at >= 0 else (self.last if lo else "")
        if start >= self.scanned:
            self.scanned, self.last = start, last
        if last != "[":
            return False
        # … and a `]` must follow it on the same line.
        if not self.close_from <= end <= self.close_at:
            found = text.find("]", end)
            self.close_from, self.close_at = end, found if found >= 0 else self._NONE
        if self.close_at == self._NONE:
            return False
        if not self.newline_from <= end <= self.newline_at:
            found = text.find("\n", end)
            self.newline_from, self.newline_at = end, found if found >= 0 else self._NONE
        return self.close_at < self.newline_at
