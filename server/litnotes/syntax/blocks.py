"""Block structure of one note, read line by line the way Obsidian's parser groups lines.

This is a small CommonMark-style container parser (paragraphs, ATX and setext headings, fences,
`$$` math, HTML blocks, indented code, block quotes and callouts, lists and list items, tables,
thematic breaks) with Obsidian's quirks: a setext heading is formed only from a one-line
paragraph (H-1), a callout's title line is a paragraph of its own (B-6), and a table ends at the
first row without a `|` (B-4). It is a plain loop over lines so that a whole vault can be
indexed at start-up; markdown-it-py is far too slow for that (performance notes §2c).

Nesting deeper than `MAX_DEPTH` containers is read as plain paragraph text, so hostile input
cannot exhaust the stack.
"""

from __future__ import annotations

import re

from . import callouts, fastpaths
from .lines import Block, Line, split_lines

__all__ = ["Line", "Block", "parse_blocks", "split_lines", "MAX_DEPTH"]

MAX_DEPTH = 48

_ATX = re.compile(r" {0,3}(#{1,6})(?=[ \t]|$)")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)$")
_LIST = re.compile(r"( {0,3})([-+*]|\d{1,9}[.)])([ \t]+|$)")
_QUOTE = re.compile(r" {0,3}> ?")
_SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*$")
_TABLE_DELIM = re.compile(r" {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
# First characters (after indentation) that may start something other than a table or paragraph;
# digits too (ordered lists), tested separately.
_STARTERS = frozenset(">#`~$<-*_+")
_HTML_1 = re.compile(r" {0,3}<(script|pre|style|textarea)(?:\s|>|$)", re.I)
_HTML_6 = re.compile(
    r" {0,3}</?(?:address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|"
    r"dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|header|hr|html|"
    r"iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|search|section|summary|"
    r"table|tbody|td|tfoot|th|thead|title|tr|track|ul)(?:\s|/?>|$)",
    re.I,
)
_HTML_7 = re.compile(r" {0,3}(?:<[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|</[A-Za-z][A-Za-z0-9-]*\s*>)[ \t]*$")


def _indent(text: str) -> int:
    """Columns of leading indentation (tabs to the next stop of 4), counted at C speed: a pasted
    line can start with a million spaces, and this runs at every nesting level."""
    lead = len(text) - len(text.lstrip(" \t"))
    if not lead or "\t" not in text[:lead]:
        return lead
    return len(text[:lead].expandtabs(4))


def _is_hr(text: str) -> bool:
    """A thematic break: up to 3 spaces, then three or more of one of `-*_` with only blanks between.

    Same as the regex ` {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$` but linear: the regex backtracks over
    the whole of a long `- - - … x` line at every nesting level."""
    stripped = text.lstrip(" ")
    if not stripped or stripped[0] not in "-*_" or len(text) - len(stripped) > 3:
        return False
    c = stripped[0]
    return not stripped.strip(c + " \t") and stripped.count(c) >= 3


def _strip_columns(line: Line, columns: int) -> Line:
    """Remove up to `columns` columns of leading indentation (tabs count to the next stop of 4)."""
    n = i = 0
    text = line.text
    while i < len(text) and n < columns and text[i] in " \t":
        n += 1 if text[i] == " " else 4 - n % 4
        i += 1
    return Line(text[i:], line.offset + i)


def _is_blank(text: str) -> bool:
    return not text.strip()


def _starts_html(text: str, in_paragraph: bool) -> int:
    """HTML block type (1, 2, 6 or 7) starting on this line, or 0."""
    stripped = text.lstrip(" ")
    if not stripped.startswith("<") or len(text) - len(stripped) > 3:
        return 0
    if stripped.startswith("<!--"):
        return 2
    if _HTML_1.match(text):
        return 1
    if _HTML_6.match(text):
        return 6
    if not in_paragraph and _HTML_7.match(text):
        return 7
    return 0


def interrupts_paragraph(text: str) -> bool:
    """Would this line end an open paragraph (so it cannot be a lazy continuation)?"""
    stripped = text.lstrip(" \t")
    if not stripped:
        return True
    if len(stripped) != len(text) and _indent(text) >= 4:
        return False
    c = stripped[0]
    if c not in _STARTERS and not c.isdigit():
        return False  # prose
    if c == "#":
        return _ATX.match(text) is not None
    if c in "`~":
        m = _FENCE.match(text)
        return m is not None and not (m.group(1)[0] == "`" and "`" in m.group(2))
    if c == ">":
        return True
    if c == "$":
        return stripped.startswith("$$")
    if c == "<":
        return _starts_html(text, True) in (1, 2, 6)
    if c in "-*_" and _is_hr(text):
        return True
    m = _LIST.match(text)
    if m is not None and m.group(3):  # a list item with content
        marker = m.group(2)
        return not marker[0].isdigit() or marker[:-1] == "1"
    return False


def parse_blocks(lines: list[Line], depth: int = 0) -> list[Block]:
    """Group lines into blocks; `depth` counts enclosing containers."""
    blocks: list[Block] = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        text = line.text
        if text[:1] in " \t":  # (also true for an empty line) only then is there something to strip
            stripped = text.lstrip(" \t")
            if not stripped:
                i += 1
                continue
        else:
            stripped = text
        if depth >= MAX_DEPTH:
            i = _paragraph(lines, i, blocks)
            continue
        if len(stripped) != len(text) and _indent(text) >= 4:
            i = _indented_code(lines, i, blocks)
            continue
        c = stripped[0]
        if c not in _STARTERS and not c.isdigit():
            # Prose (most lines): only a table or a paragraph can start here.
            if "|" in text and i + 1 < n and "-" in lines[i + 1].text and _TABLE_DELIM.match(lines[i + 1].text) \
                    and ("|" in lines[i + 1].text or text.strip().startswith("|")):
                i = _table(lines, i, blocks)
            else:
                i = _paragraph(lines, i, blocks)
            continue
        if c == ">":
            if fastpaths.ENABLED and depth + 2 < MAX_DEPTH:
                end = callouts.simple_callout(lines, i, blocks)
                if end:
                    i = end
                    continue
            i = _quote(lines, i, depth, blocks)
            continue
        if c == "#":
            m = _ATX.match(text)
            if m is not None:
                blocks.append(Block("heading", [line], level=len(m.group(1))))
                i += 1
                continue
        if c in "`~":
            m = _FENCE.match(text)
            if m and not (m.group(1)[0] == "`" and "`" in m.group(2)):
                i = _fence(lines, i, m.group(1), blocks)
                continue
        if c == "$" and stripped.startswith("$$"):
            i = _math(lines, i, blocks)
            continue
        if c == "<":
            kind = _starts_html(text, False)
            if kind:
                i = _html(lines, i, kind, blocks)
                continue
        if c in "-*_" and _is_hr(text):
            blocks.append(Block("hr", [line]))
            i += 1
            continue
        if _LIST.match(text):
            i = _list(lines, i, depth, blocks)
            continue
        if "|" in text and i + 1 < n and "-" in lines[i + 1].text and _TABLE_DELIM.match(lines[i + 1].text) \
                and ("|" in lines[i + 1].text or text.strip().startswith("|")):
            i = _table(lines, i, blocks)
            continue
        i = _paragraph(lines, i, blocks)
    return blocks


def _paragraph(lines: list[Line], i: int, blocks: list[Block]) -> int:
    start = i
    i += 1
    n = len(lines)
    while i < n:
        text = lines[i].text
        stripped = text.lstrip(" \t")
        if not stripped:
            break  # a blank line (interrupts_paragraph says so too; it is never a setext underline)
        if i == start + 1 and stripped[0] in "=-" and _SETEXT.match(text):
            level = 1 if text.strip()[0] == "=" else 2
            blocks.append(Block("setext", [lines[start], lines[i]], level=level))
            return i + 1
        if interrupts_paragraph(text):
            break
        i += 1
    blocks.append(Block("paragraph", lines[start:i]))
    return i


def _indented_code(lines: list[Line], i: int, blocks: list[Block]) -> int:
    start = last = i
    while i < len(lines) and (_is_blank(lines[i].text) or _indent(lines[i].text) >= 4):
        if not _is_blank(lines[i].text):
            last = i
        i += 1
    blocks.append(Block("code", lines[start : last + 1]))
    return last + 1


def _fence(lines: list[Line], i: int, opener: str, blocks: list[Block]) -> int:
    start = i
    i += 1
    close = re.compile(r" {0,3}" + re.escape(opener[0]) + "{" + str(len(opener)) + r",}[ \t]*$")
    while i < len(lines):
        if close.match(lines[i].text):
            blocks.append(Block("code", lines[start : i + 1]))
            return i + 1
        i += 1
    blocks.append(Block("code", lines[start:]))
    return i


def _math(lines: list[Line], i: int, blocks: list[Block]) -> int:
    start = i
    first = lines[i].text.lstrip(" ")[2:]
    if "$$" in first:
        blocks.append(Block("math", [lines[i]]))
        return i + 1
    i += 1
    while i < len(lines):
        if "$$" in lines[i].text:
            blocks.append(Block("math", lines[start : i + 1]))
            return i + 1
        i += 1
    blocks.append(Block("math", lines[start:]))
    return i


def _html(lines: list[Line], i: int, kind: int, blocks: list[Block]) -> int:
    start = i
    end_marker = {1: re.compile(r"</(?:script|pre|style|textarea)>", re.I), 2: re.compile("-->")}.get(kind)
    while i < len(lines):
        text = lines[i].text
        if end_marker is not None:
            if end_marker.search(text, 4 if i == start and kind == 2 else 0):
                blocks.append(Block("html", lines[start : i + 1]))
                return i + 1
        elif _is_blank(text):
            break
        i += 1
    blocks.append(Block("html", lines[start:i]))
    return i


def _table(lines: list[Line], i: int, blocks: list[Block]) -> int:
    start = i
    i += 2
    while i < len(lines) and "|" in lines[i].text and not _is_blank(lines[i].text):
        i += 1
    blocks.append(Block("table", lines[start:i]))
    return i


def _open_paragraph(text: str) -> bool:
    """Does a line leave a paragraph open, so that the next line may continue it lazily?"""
    return bool(text.strip()) and not interrupts_paragraph(text)


def _opens_fence(text: str) -> bool:
    m = _FENCE.match(text)
    return m is not None and not (m.group(1)[0] == "`" and "`" in m.group(2))


def _quote(lines: list[Line], i: int, depth: int, blocks: list[Block]) -> int:
    """A quote or callout (the caller has tried `callouts.simple_callout` first)."""
    start = i
    inner: list[Line] = []
    in_fence = False
    n = len(lines)
    while i < n:
        line = lines[i]
        text = line.text
        if text[:1] == ">":
            cut = 2 if text[1:2] == " " else 1
        else:
            m = _QUOTE.match(text)
            cut = m.end() if m is not None else 0
        if cut:
            content = text[cut:]
            if content.lstrip(" ")[:3] in ("```", "~~~") and _opens_fence(content):
                in_fence = not in_fence
            inner.append(Line(content, line.offset + cut))
        elif inner and not in_fence and _open_paragraph(inner[-1].text) and not interrupts_paragraph(text):
            # A lazy continuation line of the quote's last paragraph.
            stripped = text.lstrip(" \t")
            inner.append(Line(stripped, line.offset + len(text) - len(stripped)))
        else:
            break
        i += 1
    block = Block("quote", lines[start:i])
    parts = callouts.callout_parts(inner[0].text) if inner else None
    if parts is not None:
        block.kind = "callout"
        block.callout = (parts[0], parts[1], parts[2], inner[0])
        body = _plain_paragraphs(inner[1:])
        block.children = [Block("paragraph", [inner[0]])] + (body if body is not None else parse_blocks(inner[1:], depth + 1))
    else:
        block.children = parse_blocks(inner, depth + 1)
    blocks.append(block)
    return i


_PLAIN_START = re.compile(r"[ ]{0,3}[^\s>#`~$<|*+\-_=\d\[!]")


def _plain_paragraphs(lines: list[Line]) -> list[Block] | None:
    """Blocks of a body made only of plain text lines (the usual highlight quote), or None.

    A shortcut for the common case: every non-blank line starts like ordinary prose, so the lines
    group into paragraphs at blank lines and nothing can nest. Anything else goes to `parse_blocks`.
    """
    blocks: list[Block] = []
    current: list[Line] = []
    for line in lines:
        text = line.text
        if not text.strip():
            if current:
                blocks.append(Block("paragraph", current))
                current = []
            continue
        if _PLAIN_START.match(text) is None or "|" in text:
            return None
        current.append(line)
    if current:
        blocks.append(Block("paragraph", current))
    return blocks


def _list(lines: list[Line], i: int, depth: int, blocks: list[Block]) -> int:
    start = i
    items: list[Block] = []
    n = len(lines)
    while i < n:
        m = _LIST.match(lines[i].text)
        if m is None or _is_hr(lines[i].text):
            break
        item_start = i
        spaces = len(m.group(3).expandtabs(4)) if m.group(3) else 0
        content_col = len(m.group(1)) + len(m.group(2)) + (spaces if 1 <= spaces <= 4 else 1)
        first = lines[i]
        rest_at = min(m.end() if spaces <= 4 else len(m.group(1)) + len(m.group(2)) + 1, len(first.text))
        inner = [Line(first.text[rest_at:], first.offset + rest_at)]
        paragraph_open = bool(inner[0].text.strip()) and not interrupts_paragraph(inner[0].text)
        in_fence = _opens_fence(inner[0].text)
        last_content = i
        i += 1
        while i < n:
            text = lines[i].text
            if _is_blank(text):
                inner.append(Line("", lines[i].offset))
                paragraph_open = False
                i += 1
                continue
            if _indent(text) >= content_col:
                content = _strip_columns(lines[i], content_col)
                if _opens_fence(content.text):
                    in_fence = not in_fence
                paragraph_open = not in_fence and not interrupts_paragraph(content.text)
                inner.append(content)
                last_content = i
                i += 1
                continue
            if _LIST.match(text) and not _is_hr(text):
                break
            if paragraph_open and not interrupts_paragraph(text):
                inner.append(Line(text.lstrip(" \t"), lines[i].offset + len(text) - len(text.lstrip(" \t"))))
                last_content = i
                i += 1
                continue
            break
        used = last_content - item_start + 1
        item = Block("list-item", lines[item_start : last_content + 1], parse_blocks(inner[:used], depth + 1))
        items.append(item)
        i = last_content + 1
        j = i
        while j < n and _is_blank(lines[j].text):
            j += 1
        if j < n and _LIST.match(lines[j].text) and not _is_hr(lines[j].text):
            i = j
            continue
        break
    blocks.append(Block("list", lines[start:i], items))
    return i
