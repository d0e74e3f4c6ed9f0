"""`parse_note`: one note's text in, one immutable `NoteSyntax` out. It never raises.

The parse runs in a fixed order: front matter (F-1), block structure (blocks.py), what the
blocks define (structure.py), inline syntax outside code (inline.py), Zotero highlights, and the
cite-key metadata line. `index_note` (the index form, what parse workers make) leaves the callouts
inside runs of standard Zotero highlights out of the block structure and makes their records
directly (runs.py). Nothing here knows about other notes, the vault, the disk or LSP.
"""

from __future__ import annotations

import logging
import re
from operator import attrgetter

from ..frozen import fast
from . import fastpaths
from .blocks import parse_blocks, split_lines
from .callouts import title_mask
from .frontmatter import parse_frontmatter
from .highlights import read_highlights, read_item_highlights
from .inline import scan_inline
from .lines import split_spans
from .model import CiteKeyDef, NoteSyntax, ParseOptions, Problem
from .runs import find_runs, middle_records, runs_read_whole, spans_around
from .spans import matches_at
from .structure import analyse

__all__ = ["parse_note", "index_note", "DEFAULT_OPTIONS"]

log = logging.getLogger(__name__)
DEFAULT_OPTIONS = ParseOptions()
_METADATA_KEY = re.compile(r"\*\*(?:cite[ -]?key|citation[ -]?key)\*\*[ \t]*:[ \t]*([^\s*]+)", re.I)
_METADATA_LINE = re.compile(r"\*\*([^*\n]{1,40})\*\*::?[ \t]*([^\n]*)")
_BBT_UNSAFE = set("\\\"#%'(),={}~")
_BBT_BAD = re.compile(r"[\s\\\"#%'(),={}~]")  # a character of _BBT_UNSAFE or a space (str.isspace)
_make_note = fast(NoteSyntax)
_BY_START = attrgetter("start")
_BY_START_CODE = attrgetter("start", "code")


def parse_note(text: str, options: ParseOptions = DEFAULT_OPTIONS) -> NoteSyntax:
    """Parse one note. Any internal failure becomes a `note.internal-error` problem, never an exception."""
    try:
        return _parse(text, options)
    except Exception as exc:  # noqa: BLE001 - a parser bug must not take the server down
        log.exception("parser failed on a note of %d characters", len(text))
        problem = Problem("note.internal-error", 0, 0, f"litnotes could not parse this note ({type(exc).__name__}); please report it")
        return NoteSyntax(len(text), None, (), (), (), (), (), (), (), (), (), (problem,))


def index_note(text: str, options: ParseOptions = DEFAULT_OPTIONS) -> NoteSyntax:
    """`parse_note(text, options).index_form()`, made without the records only a detailed note
    keeps: no `Callout`s, and each Zotero highlight read straight into its digest's fields (what
    a parse worker returns; a literature note has dozens). Never raises either."""
    try:
        return _parse(text, options, False)
    except Exception:  # noqa: BLE001 - a parser bug must not take the server down
        log.exception("index parse failed on a note of %d characters", len(text))
        return parse_note(text, options).index_form()


def _parse(text: str, options: ParseOptions, detailed: bool = True, runs_apart: bool = True) -> NoteSyntax:
    """The note in detail, or (not `detailed`) its index form. For the index form the callouts inside
    runs of standard Zotero highlights are read apart from the block parser (`runs.py`); with
    `runs_apart` False they are not (the note is then parsed whole, as when a run's context is in doubt)."""
    fm, fm_defs, fm_links, fm_problems = parse_frontmatter(text, options.citekey_properties)
    body_start = fm.end if fm is not None else 0
    runs = find_runs(text, body_start) if runs_apart and not detailed and fastpaths.ENABLED and "\r" not in text else None
    lines = split_spans(text, spans_around(runs, body_start, len(text))) if runs else split_lines(text, body_start)
    if fm is not None and lines and lines[0].offset == body_start:
        # The rest of the closing --- line is not part of the body.
        lines = lines[1:] if len(lines) > 1 else []
    blocks = parse_blocks(lines)
    if runs and not runs_read_whole(blocks, runs):
        return _parse(text, options, detailed, False)  # something before a run is still open
    structure = analyse(blocks, len(text), (0, fm.end) if fm is not None else None, detailed)
    if runs and structure.zotero_items:  # highlights in list items: the note's highlights are read in full
        return _parse(text, options, detailed, False)
    middle = middle_records(text, runs) if runs else None
    if middle is not None:
        structure.block_ids += middle.block_ids
        structure.block_ids.sort(key=_BY_START)
    excluded = list(structure.excluded)
    if fm is not None:
        excluded.insert(0, (0, fm.end))
    tables = [(t.start, t.end) for t in structure.tables]
    masks = [title_mask(b) for b, _depth in structure.callout_blocks if b.zotero is not None]
    if middle is not None:
        masks = sorted(masks + middle.masks)
    links, citations, tags, comments = scan_inline(text, excluded, tables, masks)
    problems = list(fm_problems) + structure.problems
    # The index form keeps each highlight's digest only; list-item highlights are sorted in among
    # the callouts' by position, so a note with some is read in full.
    digests = not detailed and not structure.zotero_items
    highlights = read_highlights(structure.callout_blocks, structure.block_ids, structure.title_ids, problems, digests,
                                 middle.after if middle is not None else None)
    if middle is not None:
        problems += middle.problems
    if structure.zotero_items:
        highlights += read_item_highlights(structure.zotero_items, structure.block_ids, problems)
        highlights.sort(key=lambda h: h.start)

    for link in links:
        if link.table_pipe:
            bar = text.find("|", link.target_start, link.end)
            problems.append(Problem(
                "table.unescaped-pipe", bar, bar + 1,
                "this `|` inside a link splits the table cell, so Obsidian breaks the link: write `\\|`"))
    defs = list(fm_defs) + _metadata_keys(text, excluded)
    for d in defs:
        bad = _BBT_BAD.search(d.key) and sorted({ch for ch in d.key if ch.isspace() or ch in _BBT_UNSAFE})
        if bad:
            problems.append(Problem("cite-key.malformed", d.start, d.end,
                                    f"cite key {d.key!r} contains {' '.join(repr(c) for c in bad)}: "
                                    "not a valid BibTeX key and Pandoc cannot cite it unbraced"))
    for c in citations:
        if c.intended:
            problems.append(Problem("cite-key.malformed", c.start, c.start + (c.end - c.start) + len(c.intended) - len(c.key),
                                    f"Pandoc reads `@{c.intended}` as `@{c.key}`: write `@{{{c.intended}}}`"))
    problems.sort(key=_BY_START_CODE)
    note = _make_note(
        length=len(text),
        frontmatter=fm,
        headings=tuple(structure.headings),
        block_ids=tuple(structure.block_ids),
        links=tuple(sorted(list(fm_links) + links, key=_BY_START)),
        citations=tuple(citations),
        tags=tuple(tags),
        callouts=tuple(structure.callouts),
        highlights=() if digests else tuple(highlights),
        citekey_defs=tuple(defs),
        glued_ids=tuple(structure.glued),
        problems=tuple(problems),
        metadata=_metadata_lines(text, excluded),
        extra={"comments": tuple(comments)},
    )
    if detailed:
        return note
    return note.index_form(highlights if digests else None)


def _metadata_keys(text: str, excluded: list[tuple[int, int]]) -> list[CiteKeyDef]:
    if "*" not in text or "**" not in text:  # one character is found much faster than two
        return []
    result = []
    for m in matches_at(_METADATA_KEY, text, "*"):
        if _excluded(m.start(), excluded):
            continue
        label = m.group().split("**")[1]
        result.append(CiteKeyDef(m.group(1), "metadata", m.start(1), m.end(1), label))
    return result


def _metadata_lines(text: str, excluded: list[tuple[int, int]]) -> tuple[tuple[str, str], ...]:
    """`**Label**: value` lines (Zotero Integration's metadata callout, Dataview-style `::` too)."""
    if "*" not in text or "**" not in text:
        return ()
    return tuple((m.group(1).strip().lower(), m.group(2).strip()) for m in matches_at(_METADATA_LINE, text, "*")
                 if not _excluded(m.start(), excluded))


def _excluded(pos: int, excluded: list[tuple[int, int]]) -> bool:
    """Is `pos` inside one of the `excluded` spans?"""
    for start, end in excluded:
        if start <= pos < end:
            return True
    return False
