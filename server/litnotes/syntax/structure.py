"""What the blocks of a note define: headings (H-1), block ids (B-2 … B-7), callouts (C-1 … C-3).

Input is the block tree from `blocks.py`; output is records with exact ranges plus the regions
where inline syntax is not recognised (code, math, HTML blocks: P-4).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from operator import attrgetter

from ..frozen import fast
from .blocks import Block, Line
from .model import BlockId, Callout, Heading, Problem

__all__ = ["Structure", "analyse"]

_TRAILING_ID = re.compile(r"\^([A-Za-z0-9-]+)$")
_TRAILING_WORD = re.compile(r"(?<=[ \t])\^([\w-]+)$")
_MISPLACED = re.compile(r"[ \t]\^([A-Za-z0-9-]{2,})[ \t]*$")
_MD_LINK_END = re.compile(r"\]\([^()\s]*\)$")
_INLINE_TAG_END = re.compile(r"<[^<>\s][^<>]*>$")
_CLOSING_HASHES = re.compile(r"(?:^|[ \t])#+[ \t]*$")
_make_callout, _make_heading, _make_block_id = fast(Callout), fast(Heading), fast(BlockId)
_BY_START = attrgetter("start")
_ATX_OPEN = re.compile(r" {0,3}#{1,6}")
_NO_IDS = frozenset(("code", "math", "html", "hr", "table"))  # blocks that hold no block id (no children)
_LINE_KINDS = frozenset(("paragraph", "heading", "setext"))  # blocks whose ids are found in their lines
_LEAVES = frozenset(("paragraph", "heading", "setext", "hr"))  # blocks without children or callout


@dataclass
class Structure:
    headings: list[Heading] = field(default_factory=list)
    block_ids: list[BlockId] = field(default_factory=list)
    callouts: list[Callout] = field(default_factory=list)
    callout_blocks: list[tuple[Block, int]] = field(default_factory=list)  # (block, depth) in document order
    zotero_items: list[Block] = field(default_factory=list)  # list items that carry a Zotero PDF link
    excluded: list[tuple[int, int]] = field(default_factory=list)
    tables: list[Block] = field(default_factory=list)
    glued: list[tuple[str, int, int]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    title_ids: dict[int, tuple[str, int, int]] = field(default_factory=dict)  # callout start -> id on its title line
    records: bool = True  # make the `Callout` records (the index form has none: `parse.index_note` goes without)


class _Found:
    __slots__ = ("id", "start", "end")

    def __init__(self, id: str, start: int, end: int) -> None:  # noqa: A002 - the record's field name
        self.id = id
        self.start = start
        self.end = end


def analyse(blocks: list[Block], text_length: int, frontmatter_range: tuple[int, int] | None,
            callouts: bool = True) -> Structure:
    """What the blocks define; without `Callout` records when not `callouts` (`callout_blocks` are kept)."""
    s = Structure(records=callouts)
    _collect(blocks, s, 0)
    _headings(blocks, s, text_length)
    _assign_ids(blocks, s, frontmatter_range)
    s.excluded.sort()
    return s


def _collect(blocks: list[Block], s: Structure, depth: int) -> None:
    """Regions without inline syntax, tables and callouts, anywhere in the tree."""
    callouts, callout_blocks = s.callouts if s.records else None, s.callout_blocks
    for b in blocks:
        kind = b.kind
        if kind in _LEAVES:
            continue
        zotero = b.zotero
        if zotero is not None:  # a standard Zotero callout: its title is at a known place, nothing inside
            if callouts is not None:
                title = b.callout[1]
                t_start = zotero[10]
                last = b.lines[-1]
                callouts.append(_make_callout("quote", title, "", b.lines[0].offset, last.offset + len(last.text), t_start,
                                              t_start + len(title), depth))
            callout_blocks.append((b, depth))
            continue
        if kind in ("code", "math", "html"):
            s.excluded.append((b.start, b.end))
        elif kind == "table":
            s.tables.append(b)
        elif kind == "list-item" and "zotero://open-pdf/" in b.lines[0].text:
            s.zotero_items.append(b)
        if b.callout is not None:
            if callouts is not None:
                kind, title, fold, title_line = b.callout
                rel = title_line.text.find(title) if title else len(title_line.text)
                t_start = title_line.offset + max(rel, 0)
                callouts.append(_make_callout(kind, title, fold, b.lines[0].offset, b.end, t_start, t_start + len(title), depth))
            callout_blocks.append((b, depth))
            if b.simple:
                continue  # only paragraphs and a plain quote inside: nothing to collect
        if b.children:
            _collect(b.children, s, depth + 1 if b.kind in ("quote", "callout") else depth)


def _heading_text(line: Line, setext: bool) -> tuple[str, int, int]:
    text = line.text
    if setext:
        lead = len(text) - len(text.lstrip(" \t"))
        body = text.strip(" \t")
        return body, line.offset + lead, line.offset + lead + len(body)
    m = _ATX_OPEN.match(text)
    rest_at = m.end() if m else 0
    rest = text[rest_at:]
    if rest.rstrip(" \t").endswith("#"):  # the only case _CLOSING_HASHES can match
        closing = _CLOSING_HASHES.search(rest)
        if closing is not None:
            rest = rest[: closing.start()]
    lead = len(rest) - len(rest.lstrip(" \t"))
    body = rest.strip(" \t")
    start = line.offset + rest_at + lead
    return body, start, start + len(body)


def _headings(blocks: list[Block], s: Structure, text_length: int) -> None:
    found = []
    for b in blocks:
        kind = b.kind
        if kind == "heading":
            # _heading_text inlined: the line is ` {0,3}#{level}` then a blank or the end (blocks._ATX).
            line = b.lines[0]
            text = line.text
            rest_at = len(text) - len(text.lstrip(" ")) + b.level
            rest = text[rest_at:]
            if rest.rstrip(" \t").endswith("#"):  # the only case _CLOSING_HASHES can match
                closing = _CLOSING_HASHES.search(rest)
                if closing is not None:
                    rest = rest[: closing.start()]
            body = rest.strip(" \t")
            t_start = line.offset + rest_at + len(rest) - len(rest.lstrip(" \t"))
            found.append((b.level, body, line.offset, line.offset + len(text), t_start, t_start + len(body)))
        elif kind == "setext":
            first, last = b.lines[0], b.lines[-1]
            body, start, end = _heading_text(first, True)
            found.append((b.level, body, first.offset, last.offset + len(last.text), start, end))
    # A section ends at the next heading of the same or a higher level: one pass with a stack of
    # the headings still open (a note of 250,000 headings must not take quadratic time).
    section_ends = [text_length] * len(found)
    open_: list[int] = []
    levels = [f[0] for f in found]
    for i, level in enumerate(levels):
        while open_ and levels[open_[-1]] >= level:
            section_ends[open_.pop()] = found[i][2]
        open_.append(i)
    for (level, body, start, end, t_start, t_end), section_end in zip(found, section_ends):
        s.headings.append(_make_heading(level, body, start, end, t_start, t_end, section_end))


# --- block ids -------------------------------------------------------------------------------


def _closes_inline_element(before: str) -> bool:
    """Does `before` end with the end of an inline element (embed/link, emphasis, code)? (B-2)."""
    if before.endswith(("]]", "**", "__", "`")):
        return True
    if before.endswith(("*", "_")) and len(before) > 1 and not before[-2].isspace():
        return True
    if before.endswith(">"):
        return _INLINE_TAG_END.search(before) is not None
    return before.endswith(")") and _MD_LINK_END.search(before) is not None


def _line_id(line: Line, soft_break_before: bool, s: Structure) -> _Found | None:
    """The block id ending this paragraph line, if Obsidian accepts it; problems for near misses."""
    if "^" not in line.text:
        return None
    text = line.text.rstrip(" \t")
    # Neither an id nor a word holds a `^`, so only the last `^` can start a match: matching there
    # is `search` without trying every position of a long line.
    last = text.rfind("^")
    m = _TRAILING_ID.match(text, last)
    if m is None:
        w = _TRAILING_WORD.match(text, last)
        if w is not None and len(w.group(1)) >= 2 and any(ch.isalnum() for ch in w.group(1)):
            start = line.offset + w.start()
            s.problems.append(Problem(
                "block-id.invalid", start, start + len(w.group(0)),
                f"`^{w.group(1)}` is not a block id: ids may use only Latin letters, digits and dashes"))
        return None
    at = m.start()
    start = line.offset + at
    # Accepted at the start of the line, after a blank, or after the end of an inline element (B-2).
    if not at or text[at - 1] in " \t" or _closes_inline_element(text[:at]):
        return _Found(m.group(1), start, line.offset + m.end())
    token = m.group(1)
    s.glued.append((token, start, line.offset + m.end()))
    if len(token) >= 4 and any(ch.isalpha() for ch in token):
        s.problems.append(Problem(
            "block-id.glued", start, line.offset + m.end(),
            f"`^{token}` is glued to the text before it, so Obsidian does not read it as a block id: add a space before `^`"))
    return None


def _paragraph_ids(b: Block, s: Structure) -> list[_Found]:
    for line in b.lines[:-1]:
        if "^" not in line.text:
            continue
        last = line.text.rfind("^")  # the only `^` a match can hold (see _line_id)
        m = _MISPLACED.match(line.text, last - 1) if last > 0 else None
        if m is not None:
            start = line.offset + m.start() + 1
            s.problems.append(Problem(
                "block-id.misplaced", start, start + 1 + len(m.group(1)),
                f"`^{m.group(1)}` is not at the end of its paragraph, so Obsidian ignores it: "
                "end the paragraph after it or move it to the last line"))
    found = _line_id(b.lines[-1], len(b.lines) > 1, s)
    return [found] if found else []


def _is_standalone(b: Block) -> _Found | None:
    if b.kind != "paragraph" or len(b.lines) != 1:
        return None
    line = b.lines[0]
    stripped = line.text.strip(" \t")
    m = _TRAILING_ID.fullmatch(stripped) if stripped.startswith("^") else None
    if m is None:
        return None
    start = line.offset + line.text.index("^")
    return _Found(m.group(1), start, start + len(stripped))


def _ids_inside(b: Block, s: Structure, skip_lists: bool) -> list[_Found]:
    """Valid ids inside a block in document order; nested lists skipped when `skip_lists`."""
    if b.kind == "paragraph":
        return _paragraph_ids(b, s)
    if b.kind in ("heading", "setext"):
        found = _line_id(b.lines[0], False, s)
        return [found] if found else []
    if b.simple and not b.caret:
        # A fast-path callout with no `^` after its title line: only the title can hold an id.
        zotero = b.zotero
        if zotero is not None:  # a standard Zotero title: its ` ^id` ends the line
            found = _Found(zotero[7], zotero[9] - len(zotero[7]) - 1, zotero[9])
        else:
            found = _line_id(b.callout[3], False, s)
            if found is None:
                return []
        s.title_ids[b.lines[0].offset] = (found.id, found.start, found.end)
        return [found]
    result: list[_Found] = []
    for child in b.children:
        if skip_lists and child.kind == "list":
            continue
        result.extend(_ids_inside(child, s, skip_lists))
    if b.callout is not None and result:
        title_line = b.callout[3]
        for f in result:
            if title_line.offset <= f.start <= title_line.end:
                s.title_ids[b.start] = (f.id, f.start, f.end)
    return result


def _shadowed(found: list[_Found], winner: _Found, s: Structure, what: str) -> None:
    for f in found:
        if f is not winner:
            s.problems.append(Problem(
                "block-id.shadowed", f.start, f.end,
                f"this {what} has more than one block id: only `^{winner.id}` is addressable, `^{f.id}` is not",
                ((winner.start, winner.end, f"`^{winner.id}` is the id Obsidian uses"),)))


def _list_item_ids(list_block: Block, s: Structure) -> None:
    for item in list_block.children:
        found = _ids_inside(item, s, skip_lists=True)
        if found:
            first = found[0]
            s.block_ids.append(_make_block_id(first.id, first.start, first.end, item.start, item.end, "list-item"))
            _shadowed(found, first, s, "list item")
        for child in item.children:
            if child.kind == "list":
                _list_item_ids(child, s)


def _assign_ids(blocks: list[Block], s: Structure, frontmatter_range: tuple[int, int] | None) -> None:
    previous: tuple[int, int, str] | None = (frontmatter_range[0], frontmatter_range[1], "frontmatter") \
        if frontmatter_range else None
    section_ids: dict[tuple[int, int], tuple[str, int, int, str]] = {}  # block span -> (id, start, end, block kind)
    order: list[tuple[int, int]] = []
    title_ids = s.title_ids
    for b in blocks:
        kind = b.kind
        lines = b.lines
        zotero = b.zotero
        if zotero is not None and not b.caret:
            # A standard Zotero highlight: its only id is the title's (what _ids_inside gives).
            start, last = lines[0].offset, lines[-1]
            end = last.offset + len(last.text)
            block_id, id_end = zotero[7], zotero[9]
            id_start = id_end - len(block_id) - 1
            title_ids[start] = (block_id, id_start, id_end)
            key = (start, end)
            order.append(key)
            section_ids[key] = (block_id, id_start, id_end, kind)
            previous = (start, end, kind)
            continue
        if kind in _NO_IDS or (kind in _LINE_KINDS and "^" not in (lines[0].text if len(lines) == 1
                                                                    else "".join([line.text for line in lines]))):
            # No `^` in a paragraph or heading: no id, no standalone id, no problem.
            last = lines[-1]
            previous = (lines[0].offset, last.offset + len(last.text), kind)
            continue
        standalone = _is_standalone(b) if kind == "paragraph" and len(lines) == 1 else None
        if standalone is not None:
            if previous is None:
                s.problems.append(Problem(
                    "block-id.misplaced", standalone.start, standalone.end,
                    f"`^{standalone.id}` stands at the start of the note with no block before it, so Obsidian drops it"))
                continue
            key = (previous[0], previous[1])
            if key in section_ids:
                _shadowed([_Found(*section_ids[key][:3]), standalone], standalone, s, "block")
            else:
                order.append(key)
            section_ids[key] = (standalone.id, standalone.start, standalone.end, previous[2])
            continue
        last = lines[-1]
        start, end = lines[0].offset, last.offset + len(last.text)
        if kind == "list":
            _list_item_ids(b, s)
        else:
            found = _ids_inside(b, s, skip_lists=False)
            if found:
                winner = found[-1]
                key = (start, end)
                order.append(key)
                section_ids[key] = (winner.id, winner.start, winner.end, kind)
                if len(found) > 1:
                    _shadowed(found, winner, s, "callout" if kind == "callout" else "block")
        previous = (start, end, kind)
    make, append = _make_block_id, s.block_ids.append
    for key in order:
        block_id, start, end, kind = section_ids[key]
        append(make(block_id, start, end, key[0], key[1], kind))
    s.block_ids.sort(key=_BY_START)
