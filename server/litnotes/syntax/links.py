"""Link candidates for the inline scan: wikilinks and embeds (W-1 … W-10), Markdown links (W-12)
and bare URLs (opaque where something in them could be misread, P-4), and the `Link` records the
accepted candidates become. `inline.scan_inline` decides which candidates are accepted.

Markdown links are found from the literal "](" and checked both ways (`md_links`), or, when every
"](" of the text is in a link of the common shape, by one regex pass (`md_links_fast`).
"""

from __future__ import annotations

import re

from ..frozen import fast
from .model import Link
from .spans import MISREADABLE, P_MD, P_OPAQUE, Spans, escaped

__all__ = ["decode_uri", "wikilink_matches", "link_closes", "md_links", "md_links_fast", "urls", "wikilink", "md_link"]

_make_link = fast(Link)
_WIKI_OPEN = re.compile(r"\[\[")
_MD_CLOSE = re.compile(r"\]\(")
_MD_DEST = re.compile(
    r"[ \t]*(<[^<>\n]*>|(?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))*)"
    r"(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*\)"
)
_MAX_LINK_TEXT = 1000
_DEST_PLAIN = re.compile(r"[ \t]*([^\s()\\<]*)")
_DEST_TAIL = re.compile(r"(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*\)")
_URL_REST = re.compile(r"[^\s<>\]\[]*[^\s<>\]\[.,;:!?\"')]")
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-")
_PERCENT = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_RESERVED = set(";/?:@&=+$,#")
# `[label](destination "title")` in its common shape, read in one match: a label without brackets or
# line ends (so its `[` is the one `_open_bracket` finds at once), a plain destination, an optional
# title. The lookahead and backreference make the destination atomic, as `_DEST_PLAIN.match` is.
_MD_FAST = re.compile(
    r"\[([^\[\]\n]{0,999})\]\((?=([ \t]*([^\s()\\<]*)))\2(?![(\\<])"
    r"(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*\)"
)


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


def wikilink_matches(text: str):
    """(start, end, inner) of what `re.finditer(r"\\[\\[(.*?)\\]\\]", text)` finds, in linear time.

    The regex retries from every `[[` of a line without `]]` and rescans the rest of the line each
    time: quadratic on a pasted line of brackets. Here a `[[` without a `]]` later on its line skips
    to the next line, since no later `[[` of that line can close either."""
    pos, n = 0, len(text)
    line_end = -1
    while True:
        found = _WIKI_OPEN.search(text, pos)  # re finds two characters faster than str.find in UCS-2 text
        if found is None:
            return
        start = found.start()
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


def link_closes(text: str) -> list[int]:
    """Where every "](" of the text stands (re finds two characters faster than str.find in UCS-2 text)."""
    return [m.start() for m in _MD_CLOSE.finditer(text)]


def md_links(text: str, out: list, closes: list[int]) -> None:
    """`[text](dest)` and `![alt](dest)`: found from the literal "](" (at `closes`) and checked both ways."""
    pairs: list = []
    for pos in closes:
        if not (pos and text[pos - 1] == "\\"):
            start = _open_bracket(text, pos, pairs)
            dest = _destination(text, pos + 2) if start >= 0 else None
            # A link cannot contain a link: text holding a wikilink is not link text.
            if dest is not None and not escaped(text, start) and "[[" not in text[start:pos]:
                embed = start > 0 and text[start - 1] == "!"
                payload = ("md", embed, text[start + 1 : pos], dest[0], dest[1])
                out.append((start - 1 if embed else start, dest[2], P_MD, payload))


def md_links_fast(text: str, out: list, closes: list[int]) -> bool:
    """The candidates of `md_links` when every "](" of the text (`closes`) ends the label of a
    common-shape link (one regex pass, no per-link search); False, adding nothing, when
    `md_links` must do it."""
    matches = list(_MD_FAST.finditer(text))
    if [m.end(1) for m in matches] != closes:
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
        found.append((start - 1 if embed else start, m.end(), P_MD, payload))
    out.extend(found)
    return True


def urls(text: str, out: list) -> None:
    """Bare URLs (`scheme://…`): found from the literal "://" and extended both ways."""
    pos = text.find("://")
    while pos >= 0:
        start = pos
        while start > 0 and text[start - 1] in _SCHEME_CHARS:
            start -= 1
        rest = _URL_REST.match(text, pos + 3)
        if start < pos and rest is not None:
            if MISREADABLE.search(text, pos, rest.end()):
                out.append((start, rest.end(), P_OPAQUE, None))
            pos = text.find("://", rest.end())
        else:
            pos = text.find("://", pos + 3)


def _split_target(raw: str, raw_start: int) -> tuple[str, str | None, int, int]:
    """(path, subpath, target_start, target_end) of a link target, trimmed, trailing `\\` dropped (W-3)."""
    lead = len(raw) - len(raw.lstrip())
    target = raw.strip()
    if target.endswith("\\"):
        target = target[:-1].rstrip()
    t_start = raw_start + lead
    path, hash_, sub = target.partition("#")
    return path.strip(), (sub if hash_ else None), t_start, t_start + len(target)


def wikilink(text, start, end, payload, tables: Spans) -> Link:
    _, embed, inner_start, inner = payload
    bar = inner.find("|", 1)
    raw = inner[:bar] if bar > 0 else inner
    display = inner[bar + 1 :].strip() if bar > 0 else None
    path, sub, t_start, t_end = _split_target(raw, inner_start)
    table_pipe = bar > 0 and inner[bar - 1] != "\\" and tables.contains(start)
    return _make_link("wikilink", embed, start, end, path, sub, display, t_start, t_end, False, table_pipe)


def md_link(text, start, end, payload) -> Link | None:
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
    return _make_link("markdown", embed, start, end, path.strip(), sub if hash_ else None, label,
                dest_start, dest_start + len(dest))
