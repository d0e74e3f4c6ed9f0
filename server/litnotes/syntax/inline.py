"""Inline syntax: wikilinks and embeds (W-1 … W-10), Markdown links (W-12), Pandoc citations
(K-2, K-3), tags (T-1 … T-3) and the spans that hide them (code, math, HTML, URLs: P-4).

Every search uses a regex that starts with a literal character, and context (escapes, word
boundaries) is checked in Python afterwards: CPython's `re` is fast only that way (performance
notes §2d). Candidates are accepted left to right, so whichever construct starts first wins,
as in Obsidian's inline tokenizer. The link candidates come from `links.py`, citations from
`citations.py`; this module finds the opaque spans and tags and decides what is accepted.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from operator import itemgetter

from ..frozen import fast
from . import fastpaths
from .citations import citations as _citations
from .links import decode_uri, link_closes, md_link, md_links, md_links_fast, urls, wikilink, wikilink_matches
from .model import Link, Tag
from .spans import MISREADABLE as _MISREADABLE
from .spans import P_OPAQUE as _P_OPAQUE
from .spans import P_WIKI as _P_WIKI
from .spans import Spans as _Spans
from .spans import escaped as _escaped
from .spans import matches_at

__all__ = ["scan_inline", "decode_uri"]

_make_tag = fast(Tag)
_BACKTICKS = re.compile(r"``*")  # not "`+": a leading literal lets `re` search at C speed
_MATH_DISPLAY = re.compile(r"\$\$(?:[^$]|\$(?!\$))+?\$\$")
_MATH_INLINE = re.compile(r"\$(?=[^\s$])(?:\\.|[^$\\\n])*?(?<=[^\s\\])\$(?!\d)")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_HTML_TAG = re.compile(r"<(?:[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?|/[A-Za-z][A-Za-z0-9-]*\s*)>")
# `_HTML_TAG` matches that `_MISREADABLE` finds something in: only an opening tag with attributes
# can hold one, and the match ends at the same `>`.
_HTML_TAG_MISREADABLE = re.compile(r"<[A-Za-z][A-Za-z0-9-]*\s[^<>]*?(?:[#@^$`]|\[\[|\]\(|%%)[^<>]*>")
# Is there a "://" whose URL `_urls` would keep? Only `[#@^$\`]` or `%%` in the URL's characters
# can be misread (its characters exclude brackets), and none of them is trimmed from its end.
# A `%` not followed by another is let through here too: the test only says when `_urls` can be skipped.
_URL_MISREADABLE = re.compile(r"://(?=([^\s<>\]\[#@^$`%]*))\1[#@^$`%]")
_CR_BLANK = re.compile(r"\n[ \t]*(?:\n|\r)")
_CR_BLANK_AT = re.compile(r"\n(?=[ \t]*[\n\r])")  # every start of a _CR_BLANK match, overlapping ones too
_TAG = re.compile(r"#([^\s!\"#$%&'()*+,.:;<=>?@\[\\\]^`{|}~\u2000-\u206f\u2e00-\u2e7f]+)")

_START_PRIORITY = itemgetter(0, 2)


def _code_spans(text: str, out: list) -> None:
    """A run of backticks closes at the next run of the same length, unless a blank line comes first.

    Runs are indexed by length, so an opener finds its closer by bisection instead of walking (and
    slicing the text up to) every later run: a pasted line of backticks stays linear. The first
    blank line after an opener is searched forward from it and kept for the openers before it."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text)
            if not (m.start() and text[m.start() - 1] == "\\" and _escaped(text, m.start()))]
    by_size: dict[int, list[int]] = {}
    for k, (a, b) in enumerate(runs):
        by_size.setdefault(b - a, []).append(k)
    blank_from = blank_at = -1  # the first blank line (a _CR_BLANK_AT match) at or after blank_from is at blank_at
    i = 0
    while i < len(runs):
        start, end = runs[i]
        same = by_size[end - start]
        at = bisect_right(same, i)
        if at < len(same):
            j = same[at]
            if not blank_from <= end <= blank_at:
                blank = _CR_BLANK_AT.search(text, end)
                blank_from, blank_at = end, blank.start() if blank is not None else len(text) + 1
            # The first blank line after the opener is the only one that can end before the closer.
            if blank_at > len(text) or _CR_BLANK.match(text, blank_at).end() > runs[j][0]:
                out.append((start, runs[j][1], _P_OPAQUE, None))
                i = j
        i += 1


def scan_inline(text: str, excluded: list[tuple[int, int]], tables: list[tuple[int, int]],
                masks: list[tuple[int, int]] = ()):
    """Return (links, citations, tags, comment spans) found outside `excluded` regions.

    `masks` are the spans of standard Zotero title lines (`callouts.title_mask`, sorted): when the
    note has no code spans, math or HTML comments, the scans for links, tags and URLs read the text
    with them blanked out, which finds and accepts the same (see `title_mask` for why)."""
    blocked = _Spans(excluded)
    candidates: list[tuple[int, int, int, object]] = []
    if "`" in text:
        _code_spans(text, candidates)
    if "$" in text:
        for m in _MATH_DISPLAY.finditer(text):
            if not _escaped(text, m.start()):
                candidates.append((m.start(), m.end(), _P_OPAQUE, None))
        for m in _MATH_INLINE.finditer(text):
            if not _escaped(text, m.start()):
                candidates.append((m.start(), m.end(), _P_OPAQUE, None))
    if "<" in text:
        candidates.extend((m.start(), m.end(), _P_OPAQUE, None) for m in _COMMENT.finditer(text))
    scan = _blank(text, masks) if masks and not candidates and fastpaths.ENABLED else text
    if "<" in scan:
        # A tag only needs hiding when something inside it could be misread (T-3: `background: #FFF3A3A6`).
        if fastpaths.ENABLED:
            candidates.extend((m.start(), m.end(), _P_OPAQUE, None) for m in matches_at(_HTML_TAG_MISREADABLE, scan, "<"))
        else:
            candidates.extend((m.start(), m.end(), _P_OPAQUE, None) for m in _HTML_TAG.finditer(scan)
                              if _MISREADABLE.search(m.group()))
    if ":" in scan and (not fastpaths.ENABLED or _URL_MISREADABLE.search(scan)):
        urls(scan, candidates)
    if "[" in text:
        for m_start, m_end, inner in wikilink_matches(text):
            inner_start = m_start + 2
            nested = inner.rfind("[[")
            if nested >= 0:
                inner_start += nested + 2
                inner = inner[nested + 2 :]
            start = inner_start - 2
            if not inner or (start and text[start - 1] == "\\" and _escaped(text, start)):
                continue
            embed = start > 0 and text[start - 1] == "!" and not _escaped(text, start - 1)
            candidates.append((start - 1 if embed else start, m_end, _P_WIKI, ("wiki", embed, inner_start, inner)))
    closes = link_closes(scan) if "]" in scan else None
    # The one-pass scan reads the whole text; checking each "](" costs a few µs: the scan pays
    # when links are dense.
    if closes and not (fastpaths.ENABLED and len(closes) * 500 > len(scan) and md_links_fast(scan, candidates, closes)):
        md_links(scan, candidates, closes)
    candidates.sort(key=_START_PRIORITY)

    accepted: list[tuple[int, int]] = []
    links: list[Link] = []
    table_spans = _Spans(tables)
    last_end = -1
    b_starts, b_ends = blocked.starts, blocked.ends
    for start, end, _prio, payload in candidates:
        if start < last_end:
            continue
        k = bisect_right(b_starts, start) - 1  # blocked.contains(start), inlined
        if k >= 0 and start < b_ends[k]:
            continue
        if payload is not None:
            link = wikilink(text, start, end, payload, table_spans) if payload[0] == "wiki" else md_link(text, start, end, payload)
            if link is not None:
                links.append(link)
        accepted.append((start, end))
        last_end = end

    opaque = _Spans(_merge(excluded, accepted))
    comments = _comment_spans(text, opaque)
    if comments:
        in_comment = _Spans(comments)
        links = [_with_comment(link) if in_comment.contains(link.start) else link for link in links]
    citations = _citations(text, opaque, comments)
    tags = _tags(scan, opaque)
    return links, citations, tags, comments


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with the (sorted, disjoint) spans replaced by spaces: offsets do not move."""
    parts = []
    pos = 0
    for start, end in spans:
        parts.append(text[pos:start])
        parts.append(" " * (end - start))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def _merge(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in sorted(a + b):
        if merged and s < merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def _with_comment(link: Link) -> Link:
    return Link(link.kind, link.embed, link.start, link.end, link.path, link.subpath, link.display,
                link.target_start, link.target_end, True, link.table_pipe)


def _comment_spans(text: str, opaque: _Spans) -> list[tuple[int, int]]:
    if "%" not in text or "%%" not in text:  # one character is found much faster than two
        return []
    marks = [m.start() for m in re.finditer("%%", text) if not opaque.contains(m.start())]
    spans = []
    for i in range(0, len(marks), 2):
        end = marks[i + 1] + 2 if i + 1 < len(marks) else len(text)
        spans.append((marks[i], end))
    return spans


def _tags(text: str, opaque: _Spans) -> list[Tag]:
    if "#" not in text:
        return []
    result = []
    starts, ends = opaque.starts, opaque.ends
    for m in matches_at(_TAG, text, "#"):
        at = m.start()
        # (After a space, `]]`, `**` or at the start: so never after an escaping backslash.)
        if at and not text[at - 1].isspace() and not text[max(0, at - 2) : at] in ("]]", "**"):
            continue
        k = bisect_right(starts, at) - 1  # opaque.contains(at), inlined
        if k >= 0 and at < ends[k]:
            continue
        name = m.group(1)
        if name.isdigit():
            continue
        result.append(_make_tag(name, at, m.end()))
    return result
