"""Inline syntax: wikilinks and embeds (W-1 … W-10), Markdown links (W-12), Pandoc citations
(K-2, K-3), tags (T-1 … T-3) and the spans that hide them (code, math, HTML, URLs: P-4).

Every search uses a regex that starts with a literal character, and context (escapes, word
boundaries) is checked in Python afterwards: CPython's `re` is fast only that way (performance
notes §2d). Candidates are accepted left to right, so whichever construct starts first wins,
as in Obsidian's inline tokenizer.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from operator import itemgetter

from . import fastpaths
from .model import Citation, Link, Tag

__all__ = ["scan_inline", "decode_uri"]

_MD_DEST = re.compile(
    r"[ \t]*(<[^<>\n]*>|(?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))*)"
    r"(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*\)"
)
_MAX_LINK_TEXT = 1000
_DEST_PLAIN = re.compile(r"[ \t]*([^\s()\\<]*)")
_DEST_TAIL = re.compile(r"(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*\)")
_BACKTICKS = re.compile(r"`+")
_MATH_DISPLAY = re.compile(r"\$\$(?:[^$]|\$(?!\$))+?\$\$")
_MATH_INLINE = re.compile(r"\$(?=[^\s$])(?:\\.|[^$\\\n])*?(?<=[^\s\\])\$(?!\d)")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_HTML_TAG = re.compile(r"<(?:[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?|/[A-Za-z][A-Za-z0-9-]*\s*)>")
_URL_REST = re.compile(r"[^\s<>\]\[]*[^\s<>\]\[.,;:!?\"')]")
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-")
_MISREADABLE = re.compile(r"[#@^$`]|\[\[|\]\(|%%")
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
_CITE_KEY = re.compile(r"\{([^{}\s]+)\}|(\w(?:\w|://(?=\w)|[:.#$%&\-+?<>~/](?=\w))*)")
_CUT_SHORT = re.compile(r"[:.#$%&\-+?<>~/]{2,}\w[\w:.#$%&\-+?<>~/]*")
_PERCENT = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_RESERVED = set(";/?:@&=+$,#")

# Priorities when two candidates start at the same offset: links beat the rest.
_P_WIKI, _P_MD, _P_OPAQUE = 0, 1, 2
_START_PRIORITY = itemgetter(0, 2)


def decode_uri(s: str) -> str | None:
    """JavaScript's decodeURI: %XX runs decode as UTF-8 except reserved characters; None if malformed."""
    if "%" not in s:
        return s

    def repl(m: re.Match) -> str:
        raw = m.group()
        data = bytes(int(raw[i + 1 : i + 3], 16) for i in range(0, len(raw), 3))
        out = []
        pos = 0
        decoded = data.decode("utf-8")  # raises on malformed sequences
        for ch in decoded:
            width = len(ch.encode("utf-8"))
            out.append(raw[pos * 3 : (pos + width) * 3] if ch in _RESERVED else ch)
            pos += width
        return "".join(out)

    if re.search(r"%(?![0-9A-Fa-f]{2})", s):
        return None
    try:
        return _PERCENT.sub(repl, s)
    except UnicodeDecodeError:
        return None


def _escaped(text: str, pos: int) -> bool:
    n = 0
    pos -= 1
    while pos >= 0 and text[pos] == "\\":
        n += 1
        pos -= 1
    return n % 2 == 1


class _Spans:
    """Sorted, non-overlapping (start, end) spans with O(log n) membership."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]

    def contains(self, pos: int) -> bool:
        i = bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ends[i]


def _code_spans(text: str, out: list) -> None:
    """A run of backticks closes at the next run of the same length, unless a blank line comes first.

    Runs are indexed by length, so an opener finds its closer by bisection instead of walking (and
    slicing the text up to) every later run: a pasted line of backticks stays linear."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text)
            if not (m.start() and text[m.start() - 1] == "\\" and _escaped(text, m.start()))]
    by_size: dict[int, list[int]] = {}
    for k, (a, b) in enumerate(runs):
        by_size.setdefault(b - a, []).append(k)
    blanks = [m.start() for m in _CR_BLANK_AT.finditer(text)] if "\n" in text else []
    i = 0
    while i < len(runs):
        start, end = runs[i]
        same = by_size[end - start]
        at = bisect_right(same, i)
        if at < len(same):
            j = same[at]
            b = bisect_left(blanks, end)
            # The first blank line after the opener is the only one that can end before the closer.
            if b == len(blanks) or _CR_BLANK.match(text, blanks[b]).end() > runs[j][0]:
                out.append((start, runs[j][1], _P_OPAQUE, None))
                i = j
        i += 1


def _wikilink_matches(text: str):
    """(start, end, inner) of what `re.finditer(r"\\[\\[(.*?)\\]\\]", text)` finds, in linear time.

    The regex retries from every `[[` of a line without `]]` and rescans the rest of the line each
    time: quadratic on a pasted line of brackets. Here a `[[` without a `]]` later on its line skips
    to the next line, since no later `[[` of that line can close either."""
    pos, n = 0, len(text)
    line_end = -1
    while True:
        start = text.find("[[", pos)
        if start < 0:
            return
        if start >= line_end:
            line_end = text.find("\n", start)
            if line_end < 0:
                line_end = n
        close = text.find("]]", start + 2, line_end)
        if close < 0:
            pos = line_end + 1
            continue
        yield start, close + 2, text[start + 2 : close]
        pos = close + 2


def _open_bracket(text: str, close: int, pairs: list | None = None) -> int:
    """Index of the `[` that the `]` at `close` ends (nested brackets, same line, at most
    `_MAX_LINK_TEXT` back), or -1. The nested case is answered by `_bracket_pairs`, computed once
    per note into `pairs` (a one-element cache)."""
    line_start = text.rfind("\n", max(0, close - _MAX_LINK_TEXT), close) + 1  # bounded: lines can be 1M long
    quick = text.rfind("[", max(line_start, close - _MAX_LINK_TEXT), close)
    if quick < 0:
        return -1
    if "]" not in text[quick + 1 : close] and not (quick and text[quick - 1] == "\\"):
        return quick
    if pairs is None:
        pairs = []
    if not pairs:
        pairs.append(_bracket_pairs(text))
    start = pairs[0].get(close, -1)
    return start if start > close - _MAX_LINK_TEXT else -1


def _bracket_pairs(text: str) -> dict[int, int]:
    """`]` position -> its `[` (-1 if none), matched per line left to right; a bracket after a
    backslash does not count. The same answer as walking back from each `]` counting depth, in
    one pass: the walk is quadratic on a long line of `[]](`."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for m in re.finditer(r"[\[\]\n]", text):
        at = m.start()
        ch = m.group()
        if ch == "\n":
            stack.clear()
        elif at and text[at - 1] == "\\":
            continue
        elif ch == "[":
            stack.append(at)
        else:
            pairs[at] = stack.pop() if stack else -1
    return pairs


def _destination(text: str, pos: int) -> tuple[str, int, int] | None:
    """(destination, its start, end of the link) for the text after "](", or None."""
    plain = _DEST_PLAIN.match(text, pos)
    end = plain.end()
    if end < len(text) and text[end] in "(\\<":
        full = _MD_DEST.match(text, pos)  # rare shapes: <…>, balanced parentheses, escapes
        return (full.group(1), full.start(1), full.end()) if full else None
    tail = _DEST_TAIL.match(text, end)
    return (plain.group(1), plain.start(1), tail.end()) if tail else None


def _md_links(text: str, out: list) -> None:
    """`[text](dest)` and `![alt](dest)`: found from the literal "](" and checked both ways."""
    pairs: list = []
    pos = text.find("](")
    while pos >= 0:
        if not (pos and text[pos - 1] == "\\"):
            start = _open_bracket(text, pos, pairs)
            dest = _destination(text, pos + 2) if start >= 0 else None
            # A link cannot contain a link: text holding a wikilink is not link text.
            if dest is not None and not _escaped(text, start) and "[[" not in text[start:pos]:
                embed = start > 0 and text[start - 1] == "!"
                payload = ("md", embed, text[start + 1 : pos], dest[0], dest[1])
                out.append((start - 1 if embed else start, dest[2], _P_MD, payload))
        pos = text.find("](", pos + 2)


# `[label](destination "title")` in its common shape, read in one match: a label without brackets or
# line ends (so its `[` is the one `_open_bracket` finds at once), a plain destination, an optional
# title. The lookahead and backreference make the destination atomic, as `_DEST_PLAIN.match` is.
_MD_FAST = re.compile(
    r"\[([^\[\]\n]{0,999})\]\((?=([ \t]*([^\s()\\<]*)))\2(?![(\\<])"
    r"(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*\)"
)


def _md_links_fast(text: str, out: list) -> bool:
    """The candidates of `_md_links` when every "](" of the text is in a common-shape link (one
    regex pass, no per-link search); False, adding nothing, when `_md_links` must do it."""
    matches = list(_MD_FAST.finditer(text))
    # Every "](" is in a match: no "(" outside the matches (a cheap one-character count) or, if
    # there are, as many "](" as matches.
    if text.count("(") != len(matches) and text.count("](") != len(matches):
        return False
    found = []
    for m in matches:
        start, label, dest = m.start(), m.group(1), m.group(3)
        if label.endswith("\\") or (start and text[start - 1] == "\\"):
            return False  # an escaped bracket: `_md_links` decides
        embed = start > 0 and text[start - 1] == "!"
        # A destination `_md_link` rejects (a URL) makes no link, but the span is still opaque.
        link = bool(dest) and (":" not in dest or dest.startswith(("./", "../")))
        payload = ("md", embed, label, dest, m.start(3)) if link else None
        found.append((start - 1 if embed else start, m.end(), _P_MD, payload))
    out.extend(found)
    return True


def _urls(text: str, out: list) -> None:
    """Bare URLs (`scheme://…`): found from the literal "://" and extended both ways."""
    pos = text.find("://")
    while pos >= 0:
        start = pos
        while start > 0 and text[start - 1] in _SCHEME_CHARS:
            start -= 1
        rest = _URL_REST.match(text, pos + 3)
        if start < pos and rest is not None:
            if _MISREADABLE.search(text, pos, rest.end()):
                out.append((start, rest.end(), _P_OPAQUE, None))
            pos = text.find("://", rest.end())
        else:
            pos = text.find("://", pos + 3)


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
            candidates.extend((m.start(), m.end(), _P_OPAQUE, None) for m in _HTML_TAG_MISREADABLE.finditer(scan))
        else:
            candidates.extend((m.start(), m.end(), _P_OPAQUE, None) for m in _HTML_TAG.finditer(scan)
                              if _MISREADABLE.search(m.group()))
    if ":" in scan and (not fastpaths.ENABLED or _URL_MISREADABLE.search(scan)):
        _urls(scan, candidates)
    if "[[" in text:
        for m_start, m_end, inner in _wikilink_matches(text):
            inner_start = m_start + 2
            nested = inner.rfind("[[")
            if nested >= 0:
                inner_start += nested + 2
                inner = inner[nested + 2 :]
            start = inner_start - 2
            if not inner or _escaped(text, start):
                continue
            embed = start > 0 and text[start - 1] == "!" and not _escaped(text, start - 1)
            candidates.append((start - 1 if embed else start, m_end, _P_WIKI, ("wiki", embed, inner_start, inner)))
    if "](" in scan and not (fastpaths.ENABLED and _md_links_fast(scan, candidates)):
        _md_links(scan, candidates)
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
            link = _wikilink(text, start, end, payload, table_spans) if payload[0] == "wiki" else _md_link(text, start, end, payload)
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


def _split_target(raw: str, raw_start: int) -> tuple[str, str | None, int, int]:
    """(path, subpath, target_start, target_end) of a link target, trimmed, trailing `\\` dropped (W-3)."""
    lead = len(raw) - len(raw.lstrip())
    target = raw.strip()
    if target.endswith("\\"):
        target = target[:-1].rstrip()
    t_start = raw_start + lead
    path, hash_, sub = target.partition("#")
    return path.strip(), (sub if hash_ else None), t_start, t_start + len(target)


def _wikilink(text, start, end, payload, tables: _Spans) -> Link:
    _, embed, inner_start, inner = payload
    bar = inner.find("|", 1)
    raw = inner[:bar] if bar > 0 else inner
    display = inner[bar + 1 :].strip() if bar > 0 else None
    path, sub, t_start, t_end = _split_target(raw, inner_start)
    table_pipe = bar > 0 and inner[bar - 1] != "\\" and tables.contains(start)
    return Link("wikilink", embed, start, end, path, sub, display, t_start, t_end, False, table_pipe)


def _md_link(text, start, end, payload) -> Link | None:
    _, embed, label, dest, dest_start = payload
    if dest.startswith("<"):
        dest, dest_start = dest[1:-1], dest_start + 1
    if not dest:
        return None
    if not (dest.startswith(("./", "../")) or ":" not in dest):
        return None
    decoded = decode_uri(dest)
    if decoded is None:
        return None
    path, hash_, sub = decoded.partition("#")
    return Link("markdown", embed, start, end, path.strip(), sub if hash_ else None, label,
                dest_start, dest_start + len(dest))


def _comment_spans(text: str, opaque: _Spans) -> list[tuple[int, int]]:
    if "%" not in text or "%%" not in text:  # one character is found much faster than two
        return []
    marks = [m.start() for m in re.finditer("%%", text) if not opaque.contains(m.start())]
    spans = []
    for i in range(0, len(marks), 2):
        end = marks[i + 1] + 2 if i + 1 < len(marks) else len(text)
        spans.append((marks[i], end))
    return spans


def _citations(text: str, opaque: _Spans, comments) -> list[Citation]:
    if "@" not in text:
        return []
    in_comment = _Spans(comments) if comments else None
    bracketed = None
    result = []
    for m in re.finditer("@", text):
        at = m.start()
        if opaque.contains(at) or _escaped(text, at):
            continue
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
        result.append(Citation(key, start, end, bracketed(start, end), suppress,
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


def _tags(text: str, opaque: _Spans) -> list[Tag]:
    if "#" not in text:
        return []
    result = []
    for m in _TAG.finditer(text):
        at = m.start()
        if at and not text[at - 1].isspace() and not text[max(0, at - 2) : at] in ("]]", "**"):
            continue
        if opaque.contains(at) or _escaped(text, at):
            continue
        name = m.group(1)
        if name.isdigit():
            continue
        result.append(Tag(name, at, m.end()))
    return result
