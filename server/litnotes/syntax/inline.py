"""Inline syntax: wikilinks and embeds (W-1 … W-10), Markdown links (W-12), Pandoc citations
(K-2, K-3), tags (T-1 … T-3) and the spans that hide them (code, math, HTML, URLs: P-4).

Every search uses a regex that starts with a literal character, and context (escapes, word
boundaries) is checked in Python afterwards: CPython's `re` is fast only that way (performance
notes §2d). Candidates are accepted left to right, so whichever construct starts first wins,
as in Obsidian's inline tokenizer.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from .model import Citation, Link, Tag

__all__ = ["scan_inline", "decode_uri"]

_WIKILINK = re.compile(r"\[\[(.*?)\]\]")
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
_CR_BLANK = re.compile(r"\n[ \t]*(?:\n|\r)")
_TAG = re.compile(r"#([^\s!\"#$%&'()*+,.:;<=>?@\[\\\]^`{|}~\u2000-\u206f\u2e00-\u2e7f]+)")
_CITE_KEY = re.compile(r"\{([^{}\s]+)\}|(\w(?:\w|://(?=\w)|[:.#$%&\-+?<>~/](?=\w))*)")
_CUT_SHORT = re.compile(r"[:.#$%&\-+?<>~/]{2,}\w[\w:.#$%&\-+?<>~/]*")
_PERCENT = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_RESERVED = set(";/?:@&=+$,#")

# Priorities when two candidates start at the same offset: links beat the rest.
_P_WIKI, _P_MD, _P_OPAQUE = 0, 1, 2


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
    runs = [m for m in _BACKTICKS.finditer(text) if not (m.start() and text[m.start() - 1] == "\\" and _escaped(text, m.start()))]
    i = 0
    while i < len(runs):
        opener = runs[i]
        size = len(opener.group())
        for j in range(i + 1, len(runs)):
            closer = runs[j]
            between = text[opener.end() : closer.start()]
            if "\n" in between and _CR_BLANK.search(between):
                break
            if len(closer.group()) == size:
                out.append((opener.start(), closer.end(), _P_OPAQUE, None))
                i = j
                break
        i += 1


def _open_bracket(text: str, close: int) -> int:
    """Index of the `[` that the `]` at `close` ends (one nesting level, same line), or -1."""
    line_start = text.rfind("\n", 0, close) + 1
    quick = text.rfind("[", max(line_start, close - _MAX_LINK_TEXT), close)
    if quick < 0:
        return -1
    if "]" not in text[quick + 1 : close] and not (quick and text[quick - 1] == "\\"):
        return quick
    depth = 0
    i = close - 1
    stop = max(-1, close - _MAX_LINK_TEXT)
    while i > stop:
        ch = text[i]
        if ch == "\n":
            return -1
        if ch == "]" and not (i and text[i - 1] == "\\"):
            depth += 1
        elif ch == "[" and not (i and text[i - 1] == "\\"):
            if depth == 0:
                return i
            depth -= 1
        i -= 1
    return -1


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
    pos = text.find("](")
    while pos >= 0:
        if not (pos and text[pos - 1] == "\\"):
            start = _open_bracket(text, pos)
            dest = _destination(text, pos + 2) if start >= 0 else None
            # A link cannot contain a link: text holding a wikilink is not link text.
            if dest is not None and not _escaped(text, start) and "[[" not in text[start:pos]:
                embed = start > 0 and text[start - 1] == "!"
                payload = ("md", embed, text[start + 1 : pos], dest[0], dest[1])
                out.append((start - 1 if embed else start, dest[2], _P_MD, payload))
        pos = text.find("](", pos + 2)


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


def scan_inline(text: str, excluded: list[tuple[int, int]], tables: list[tuple[int, int]]):
    """Return (links, citations, tags, comment spans) found outside `excluded` regions."""
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
        # A tag only needs hiding when something inside it could be misread (T-3: `background: #FFF3A3A6`).
        candidates.extend((m.start(), m.end(), _P_OPAQUE, None) for m in _HTML_TAG.finditer(text)
                          if _MISREADABLE.search(m.group()))
    if "://" in text:
        _urls(text, candidates)
    if "[[" in text:
        for m in _WIKILINK.finditer(text):
            inner_start = m.start() + 2
            inner = m.group(1)
            nested = inner.rfind("[[")
            if nested >= 0:
                inner_start += nested + 2
                inner = inner[nested + 2 :]
            start = inner_start - 2
            if not inner or _escaped(text, start):
                continue
            embed = start > 0 and text[start - 1] == "!" and not _escaped(text, start - 1)
            candidates.append((start - 1 if embed else start, m.end(), _P_WIKI, ("wiki", embed, inner_start, inner)))
    if "](" in text:
        _md_links(text, candidates)
    candidates.sort(key=lambda c: (c[0], c[2]))

    accepted: list[tuple[int, int]] = []
    links: list[Link] = []
    table_spans = _Spans(tables)
    last_end = -1
    for start, end, _prio, payload in candidates:
        if start < last_end or blocked.contains(start):
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
    tags = _tags(text, opaque)
    return links, citations, tags, comments


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
    if "%%" not in text:
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
        result.append(Citation(key, start, end, _bracketed(text, start, end), suppress,
                               bool(in_comment and in_comment.contains(at)), intended))
    return result


def _bracketed(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    open_at = text.rfind("[", line_start, start)
    if open_at < 0 or text.find("]", open_at, start) >= 0:
        return False
    line_end = text.find("\n", end)
    close = text.find("]", end, len(text) if line_end < 0 else line_end)
    return close >= 0


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
