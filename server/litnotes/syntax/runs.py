"""Runs of standard Zotero highlight callouts, read without the block parser (the index form only).

Most of a literature note is one run of the callouts Zotero Integration writes, one per annotation,
a blank line or two between them:

    >[!quote] <mark style="background: #FFF3A3A6;">Note</mark> | [View in local Zotero: page 3](zotero://open-pdf/…) ^key
    >“the quoted text”
    >>a comment

Splitting such callouts into lines and reading them through the block parser, the structure pass
and the highlight reader costs ~15 µs each; what they define is already in their text. So
`find_runs` looks for runs of at least three callouts in the strictest shape, each matched whole
by one expression: `callouts.ZOTERO_TITLE`'s title line, then body lines the block parser's fast
path (`callouts.simple_callout`) accepts and reads as plain text (a first character that cannot start
a block and is not `[`, no `|`, no `^`), any comment lines (`>>…`) last, then blank lines, the
next callout right after. `parse.index_note` gives the block parser each run's first and last callout and only
leaves out the ones between (`split_spans`), and `middle_records` makes what those define: the block id of
the title line (B-6), the span the inline scan blanks out of the title (`callouts.title_mask`), the
highlight digest and the annotation-key problem (`highlights.standard_digest`, the same code the
highlight reader runs for such a callout).

Why leaving them out changes nothing: the parser reads a note line by line and looks ahead at most
to the next non-blank line, so it reads everything up to a run's first callout as it would in the
whole note. `index_note` checks that it read that callout as a top-level standard highlight with
exactly the matched lines (anything still open before it, such as a fence, an HTML block or a list
item, fails the check, and the note is then parsed whole). After it, at the top level and after a
blank line, each callout of the run is read the same way whatever came before it, and none of them
leaves anything open or gives an id to the block after it; the run's last callout, which the parser
reads too, is the block before whatever follows the run. Inline syntax is scanned in the whole text
as before. `tests/test_parser_fastpath.py` compares the result with the general parser's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..frozen import fast
from .callouts import TITLE_AT, TITLE_PATTERN
from .highlights import quoted_words, standard_digest
from .lines import Block
from .model import BlockId, Problem

__all__ = ["find_runs", "spans_around", "runs_read_whole", "middle_records", "Middle"]

_make_block_id = fast(BlockId)
# A body line's first character (after `>` or `> `): what `callouts._PLAIN` accepts at once, as
# one character, but no `^` and no `[`. Without the `[` a callout's body lines could run on through
# the next callouts' titles when no blank line parts them, and every title would be matched to the
# end of them all: quadratic in the number of callouts (2,000 such callouts: 1 s). A comment line's
# `[` would also start a nested `[!callout]`.
# The rest of the line is anything but a line end (`find_runs` is given no `\r`): the `|` and `^` a
# body line must not hold are looked for in all of them at once, far faster than a class excluding them.
_FIRST = r"[^\s>#`~$<|*+\-_=\d^\[]"
_ITEM = re.compile(
    r"> ?" + TITLE_PATTERN.replace("{x}", r"\n") + r"\n"
    rf"((?:> ?{_FIRST}[^\n]*\n)*(?:> ?> ?{_FIRST}[^\n]*\n)*)"
    r"(?:[ \t]*\n)+"
)
MIN_RUN = 3  # with fewer callouts, none is left out


def find_runs(text: str, start: int) -> list[list[re.Match]]:
    """The runs of at least `MIN_RUN` standard callouts, one after another, from `start` on (a
    text without `\\r`): each callout's match, its title's groups first, then its body lines."""
    runs = []
    pos = start
    while True:
        at = text.find("[!quote] <mark", pos)
        if at < 0:
            return runs
        line = at - 1 if text[at - 1 : at] == ">" else at - 2
        run = []
        if line > start and text[line] == ">" and text[line - 1] == "\n":
            m = _ITEM.match(text, line)
            while m is not None:
                body = m.group(9)
                if "|" in body or "^" in body:
                    break
                run.append(m)
                m = _ITEM.match(text, m.end())
        if len(run) >= MIN_RUN:
            runs.append(run)
        pos = run[-1].end() if run else at + 1


def spans_around(runs: list[list[re.Match]], start: int, length: int) -> list[tuple[int, int]]:
    """The parts of the text from `start` on that the block parser reads: all but the callouts
    between each run's first and last."""
    spans = []
    for run in runs:
        spans.append((start, run[0].end()))
        start = run[-1].start()
    spans.append((start, length))
    return spans


def runs_read_whole(blocks: list[Block], runs: list[list[re.Match]]) -> bool:
    """Did the block parser read each run's first and last callout as a top-level standard Zotero
    highlight (no `^` after its title) of exactly the matched lines?"""
    top = {b.lines[0].offset: b for b in blocks if b.zotero is not None and not b.caret}
    for run in runs:
        for m in (run[0], run[-1]):
            b = top.get(m.start())
            if b is None or b.lines[-1].end != m.end(9) - 1:
                return False
    return True


@dataclass
class Middle:
    """What the callouts left out of the block parser define."""

    block_ids: list[BlockId] = field(default_factory=list)
    masks: list[tuple[int, int]] = field(default_factory=list)  # `callouts.title_mask` of each
    after: dict[int, list[list[str]]] = field(default_factory=dict)  # first callout's start -> digests of the rest
    problems: list[Problem] = field(default_factory=list)


def middle_records(text: str, runs: list[list[re.Match]]) -> Middle:
    """What the callouts between each run's first and last define, made from their matches as the
    block parser, `structure.py` and the highlight reader would make it (`parse.index_note`
    merges it with what they made of the rest)."""
    middle = Middle()
    ids, masks, problems = middle.block_ids, middle.masks, middle.problems
    for run in runs:
        digests = middle.after[run[0].start()] = []
        for m in run[1:-1]:
            start = m.start()
            id_start, id_end = m.span(8)
            body_start, body_end = m.span(9)
            block_id = text[id_start:id_end]
            title_id = (block_id, id_start - 1, id_end)
            ids.append(_make_block_id(block_id, id_start - 1, id_end, start, body_end - 1, "callout"))
            # The title's span `callouts.title_mask` gives: from `<mark` to after the link's `)`.
            masks.append((start + (2 if text[start + 1] == " " else 1) + TITLE_AT, m.end(4) + 1))
            # The body lines are not cut out of the text (a quote with emoji is 4 bytes a character)
            # unless the usual quote's words cannot be read in place.
            words = bodies = None
            if text.find("\n", body_start, body_end) == body_end - 1:  # one body line
                words = quoted_words(text, body_start + (2 if text[body_start + 1] == " " else 1), body_end - 1)
            if words is None:
                bodies = text[body_start : body_end - 1].split("\n") if body_end > body_start else []
            digests.append(standard_digest(m.group(1, 2, 3, 4, 5, 6, 7), title_id, block_id, bodies, problems, words))
    return middle
