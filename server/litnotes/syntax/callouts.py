"""The block parser's fast path for the callouts Zotero Integration writes, one per annotation:

    >[!quote] <mark …>Label</mark> | [View in local Zotero: page 3](zotero://open-pdf/…) ^key
    >“the quoted text”
    >>a comment

`simple_callout` reads such a callout straight into the same `Block` tree that the generic
`blocks._quote` builds (a title paragraph, plain paragraphs, at most one plain nested quote at the
end), without the generic per-line machinery. It accepts only lines that cannot start or end
anything else: every line starts with `>`, the body lines start like prose (nothing that could
open a heading, list, fence, math, HTML, table, setext underline or deeper quote) and a blank
line or the end of the note follows. For anything else it returns 0 and the generic parser
reads the callout. `tests/test_parser_fastpath.py` checks that both give the same `NoteSyntax`.

A title line in the standard shape (`ZOTERO_TITLE`) is read once, here: `structure.py` takes the
callout's block id, `highlights.py` the colour, label, page and keys from `Block.zotero`, and the
inline scan blanks the line's tag and link out (`title_mask`). The body lines are kept as written
in `SimpleCallout.bodies` for `highlights.py` (`SimpleCallout.contents` cuts their `>` off).
"""

from __future__ import annotations

import re

from .lines import Block, Line

__all__ = ["CALLOUT", "ZOTERO_TITLE", "TITLE_PATTERN", "TITLE_AT", "SimpleCallout", "callout_parts", "cut_bodies",
           "simple_callout", "title_mask"]

CALLOUT = re.compile(r"\[!([^\]]+)\]([+-]?)(?:[ \t]+|$)")
# A line that can only be paragraph text: at most 3 spaces, then nothing that could start a block
# or end a paragraph (`[` and `!` cannot start a block either; `|` is excluded by a separate test).
# `*` or `**` right before a word (`**Title**: …`) is emphasis: a list marker needs a blank after
# it and a thematic break has only `*`s and blanks.
_PLAIN = re.compile(r"[ ]{0,3}(?:[^\s>#`~$<|*+\-_=\d]|\*\*?[^\s*])")
# The title line Zotero Integration's usual template writes (after the `>`), in the narrowest form:
# the label and link text hold nothing inline syntax or `highlights._param` could act on, the
# page and annotation key are letters and digits, and the line ends with the ` ^id`. Groups:
# colour, label, link text, URL, attachment key, page, annotation key, block id.
# `{x}` stands for more characters the label and link text exclude: none in a line, line ends where
# `runs.py` reads the same title in a whole note.
TITLE_PATTERN = (
    r'\[!quote\] <mark style="background: (#[0-9A-Fa-f]{3,8});">([^<>\[\]\\%@#$`^*|{x}]*)</mark> \| '
    r"\[([^<>\[\]\\%@#$`^*|{x}]*)\]\((zotero://open-pdf/library/items/([A-Za-z0-9]+)\?page=([A-Za-z0-9]*)"
    r"&annotation=([A-Za-z0-9]*))\) \^([A-Za-z0-9-]+)"
)
ZOTERO_TITLE = re.compile(TITLE_PATTERN.replace("{x}", "") + r"\Z")
TITLE_AT = _TITLE_AT = len("[!quote] ")  # where the title (`<mark …`) starts in the line


def callout_parts(head: str) -> tuple[str, str, str] | None:
    """(type, title, fold) of a quote whose first line (without `>`) is `head`, or None (C-1, C-2)."""
    title = CALLOUT.match(head) if head.startswith("[!") else None
    if title is None or not title.group(1).strip():
        return None
    kind = "-".join(title.group(1).split("|", 1)[0].split()).lower()
    return kind, head[title.end() :].strip(), title.group(2)


class SimpleCallout(Block):
    """A callout read by the fast path. Its children are built only when something asks for them
    (the parse itself does not: `Block.simple` lets structure and highlights skip them)."""

    __slots__ = ("_kids", "_nested", "bodies", "_callout")

    def __init__(self, lines: list[Line], callout: tuple[str, str, str, Line] | None, caret: bool, nested: int,
                 bodies: list[str]) -> None:
        self.kind = "callout"
        self.lines = lines
        self.level = 0
        self._callout = callout  # None for a standard Zotero title: made when asked (`callout`)
        self.simple = True
        self.caret = caret
        self.zotero = None
        self._kids: list[Block] | None = None
        self._nested = nested  # index in `lines` of the first line of the nested quote, 0 if none
        self.bodies = bodies  # the body lines' texts, each starting with `>` (not cut: see `contents`)

    @property
    def contents(self) -> list[str]:
        """The body lines without their `>` or `> ` (cut when asked: the index form's digest of the
        usual highlight reads its quote's first words in the line itself, `highlights._QUOTED_WORDS`)."""
        return cut_bodies(self.bodies)

    @property  # type: ignore[override]
    def callout(self) -> tuple[str, str, str, Line]:
        """(type, title, fold, title line), as for any callout. Of a standard Zotero title it is
        made only when asked: the parse reads such a title from `Block.zotero`, and the index form
        (`parse.index_note`) never asks."""
        callout = self._callout
        if callout is None:
            first = self.lines[0]
            cut = 2 if first.text[1:2] == " " else 1
            head = first.text[cut:]
            callout = self._callout = ("quote", head[_TITLE_AT:], "", Line(head, first.offset + cut))
        return callout

    @callout.setter
    def callout(self, value: tuple[str, str, str, Line]) -> None:
        self._callout = value

    @property  # type: ignore[override]
    def children(self) -> list[Block]:
        if self._kids is None:
            self._kids = _children(self.lines, self.callout[3], self._nested)
        return self._kids

    @children.setter
    def children(self, value: list[Block]) -> None:
        self._kids = value


def simple_callout(lines: list[Line], i: int, blocks: list[Block]) -> int:
    """Read the callout starting at `lines[i]` into `blocks` and return the index after it and the
    blank lines that follow, or return 0 (and add nothing) when the generic parser must read it. The caller guarantees two
    more container levels below `MAX_DEPTH`."""
    first = lines[i]
    text = first.text
    if text.startswith(">[!"):
        cut = 1
    elif text.startswith("> [!"):
        cut = 2
    else:
        return 0
    zotero = ZOTERO_TITLE.match(text, cut)  # (positions in the line, from the `>`)
    if zotero is None:
        head = text[cut:]
        parts = callout_parts(head)
        if parts is None:
            return 0
    nested = 0
    caret = False
    bodies = []  # the body lines' texts
    n = len(lines)
    j = i + 1
    while j < n:
        text = lines[j].text
        if text[:1] != ">":
            if text.lstrip(" \t"):
                return 0  # maybe a lazy continuation line, or a quote marker after spaces
            break
        at = 2 if text[1:2] == " " else 1  # the content (what the loop tests) starts after `>` or `> `
        if nested or text[at : at + 1] == ">":
            content = text[at:]
            if not nested:
                nested = j
            elif content[:1] != ">":
                return 0  # body after a nested quote: lazy continuations are possible
            inner = content[2:] if content[1:2] == " " else content[1:]
            if inner.strip(" \t") and ("|" in inner or _PLAIN.match(inner) is None or (j == nested and inner[:2] == "[!")):
                return 0  # a deeper quote or anything else that is not plain text, or a nested callout
        elif ("|" in text or _PLAIN.match(text, at) is None) and text[at:].strip(" \t"):
            return 0  # (the `>` holds no `|` or `^`; a blank line has no `|`, and most lines are text: test the blank last)
        if "^" in text:
            caret = True
        bodies.append(text)
        j += 1
    if zotero is None:
        callout = parts + (Line(head, first.offset + cut),)
    else:
        callout = None  # made when asked (SimpleCallout.callout)
    block = SimpleCallout(lines[i:j], callout, caret, nested - i if nested else 0, bodies)
    if zotero is not None:
        # What the title says (ZOTERO_TITLE's groups), where its link ends, where the line ends
        # and where the title starts.
        line_start = first.offset
        block.zotero = zotero.groups() + (line_start + zotero.end(4) + 1, line_start + len(first.text),
                                          line_start + cut + _TITLE_AT)
    blocks.append(block)
    # The blank lines after it start nothing: skip them here rather than in the caller's loop.
    while j < n and not lines[j].text.lstrip(" \t"):
        j += 1
    return j


def cut_bodies(bodies: list[str]) -> list[str]:
    """Callout body lines without their `>` or `> `."""
    return [text[2:] if text[1:2] == " " else text[1:] for text in bodies]


def title_mask(block: Block) -> tuple[int, int]:
    """The span of a standard Zotero title line from `<mark` to the link's `)`.

    Inline syntax finds only two things in it, the `<mark …>` tag (opaque because of the `#` of
    its colour) and the Markdown link to Zotero (not a link to a note), and neither can overlap
    anything else: the label and link text hold no inline syntax, a tag opened on an earlier line
    ends at the callout's `>` at the latest, and nothing on the line before `<mark` can start a
    link. So when the note has no code spans, math or HTML comments (which can span lines), the
    inline scan may blank the span out and skip both (`inline.scan_inline`'s `masks`)."""
    return block.zotero[10], block.zotero[8]


def _children(lines: list[Line], title_line: Line, nested: int) -> list[Block]:
    """The children `blocks._quote` gives the callout `simple_callout` accepted: the title
    paragraph, the body's paragraphs and, from `lines[nested]` on, a plain nested quote."""
    children = [Block("paragraph", [title_line])]
    inner = [_cut(line) for line in lines[1 : nested or len(lines)]]
    children += _paragraphs(inner)
    if nested:
        quoted = [_cut(line) for line in lines[nested:]]
        children.append(Block("quote", quoted, _paragraphs([_cut(line) for line in quoted])))
    return children


def _cut(line: Line) -> Line:
    """The line without its `>` or `> ` (the line starts with `>`)."""
    c = 2 if line.text[1:2] == " " else 1
    return Line(line.text[c:], line.offset + c)


def _paragraphs(lines: list[Line]) -> list[Block]:
    """Plain lines grouped into paragraphs at blank lines."""
    blocks: list[Block] = []
    para: list[Line] | None = None
    for line in lines:
        if not line.text.strip(" \t"):
            para = None
        elif para is None:
            para = [line]
            blocks.append(Block("paragraph", para))
        else:
            para.append(line)
    return blocks
