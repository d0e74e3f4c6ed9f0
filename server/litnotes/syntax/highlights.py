"""Zotero Integration highlights: annotation callouts read into colour, label, page, key, quote.

Two layouts exist. The seed's template writes a callout whose title carries a Zotero `open-pdf`
link or a Highlightr-style `<mark>` label (spec Z-2, Z-3); its body holds the quoted text
(`>“…”`), an image embed for image annotations (Z-4) and the comment as a nested quote (`>>…`,
C-4). Other templates write one list item per annotation, the quote inside `<mark>` and the
Zotero link and `^id` at the end of the line.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus

from ..frozen import fast
from . import fastpaths
from .blocks import Block
from .callouts import cut_bodies
from .digests import DIGEST_WORDS, first_words
from .model import BlockId, Highlight, Problem

__all__ = ["read_highlights", "read_item_highlights", "standard_digest", "quoted_words"]

_make_highlight = fast(Highlight)
_COLOR = re.compile(r"background(?:-color)?\s*:\s*(#[0-9A-Fa-f]{3,8})")
_HLTR = re.compile(r"""class=["']?hltr-([\w-]+)""")
_MARK = re.compile(r"<mark\b[^>]*>(.*?)</mark>", re.S)
_PDF_LINK = re.compile(r"\[([^\]]*)\]\((zotero://open-pdf/[^)\s]+)\)")
_PAGE_TEXT = re.compile(r"\bpage\s+(\S+)", re.I)
_EMBED = re.compile(r"!\[\[([^\]|#]+)")
_TAGS = re.compile(r"<[^>]+>")


# The title line Zotero Integration's usual template writes, read in one match (the general path below
# handles every other shape).
_STANDARD_TITLE = re.compile(
    r'<mark style="background: (#[0-9A-Fa-f]{3,8});">([^<]*)</mark> \| \[([^\]]*)\]\((zotero://open-pdf/[^)\s]+)\)')
# Its usual link: (attachment, page, annotation), none of them with anything `unquote_plus` would change.
_ZOTERO_URL = re.compile(r"zotero://open-pdf/library/items/([A-Za-z0-9]+)\?page=([^&#%+?]*)&annotation=([^&#%+]*)\Z")
_PARAMS = {name: re.compile(rf"[?&]{name}=([^&#]*)") for name in ("page", "annotation")}
_TRAILING_ID = re.compile(r"\s*\^[A-Za-z0-9-]+$")
_ATTACHMENT = re.compile(r"/items/([A-Za-z0-9]+)")
_NAMED_COLOUR = re.compile(r"background(?:-color)?\s*:\s*([A-Za-z]+)")
# The digest's words of the usual quote line, read in the body line itself (from after its `>`): an
# opening `“` and no other quote mark or space, then DIGEST_WORDS words with one space between them
# and a space and a tenth word that starts with neither a space nor a quote mark. Then the quote's
# stripping (spaces, quote marks, spaces, at both ends) cannot reach the nine words, and they are
# the quote's first words when they hold no other space (`str.isprintable`: `digests.first_words`).
_QUOTED_WORDS = re.compile(rf'“(?![“”"])([^ ]+(?: [^ ]+){{{DIGEST_WORDS - 1}}}) (?=[^\s“”"])')


def _param(url: str, name: str) -> str:
    m = _PARAMS[name].search(url)
    if m is None:
        return ""
    value = m.group(1)
    return unquote_plus(value) if "%" in value or "+" in value else value


def read_highlights(callout_blocks, block_ids: list[BlockId], title_ids, problems: list[Problem],
                    digests: bool = False, after: dict[int, list] | None = None) -> list:
    """The highlights of the callouts; with `digests`, each as its digest's fields (`NoteSyntax.digest_records`)
    instead of a `Highlight` (what the index form keeps: `parse.index_note`). `after` maps the start
    of a standard Zotero highlight to digests that follow it in the note (the callouts `runs.py`
    read without the block parser); they are put right after its own."""
    after = after or {}
    by_block = {(b.block_start, b.block_end): b for b in block_ids}
    fast = fastpaths.ENABLED
    result = []
    append = result.append
    for block, _depth in callout_blocks:
        zotero = block.zotero
        title_id = title_ids.get(block.lines[0].offset) if zotero is not None else None
        if title_id is not None and not block.caret:
            # A standard Zotero highlight with its id on the title line and no `^` in its body: the
            # general code below, for this case only (its digest: `standard_digest`, which `runs.py` uses too).
            lines = block.lines
            last = lines[-1]
            start, end = lines[0].offset, last.offset + len(last.text)
            assigned = by_block.get((start, end))
            if digests:
                append(standard_digest(zotero, title_id, assigned.id if assigned else "", block.bodies, problems))
                more = after.get(start)
                if more:
                    result += more
                continue
            color, label, link_text, url, attachment, page, annotation = zotero[:7]
            page = page or _page_in(link_text)
            quote, comment, image = _standard_body(block.bodies)
            _check_key(title_id, annotation, problems)
            append(_make_highlight(start, end, assigned.id if assigned else None, color, label.strip(), page,
                                   annotation, attachment, url, quote, comment, image))
            continue
        title = block.callout[1]
        standard = _STANDARD_TITLE.search(title) if zotero is None else None
        parts = None
        if zotero is not None:  # read by callouts.ZOTERO_TITLE already
            color, label, link_text, url, attachment, page, annotation = zotero[:7]
            label = label.strip()
        elif standard is not None:
            color, label, link_text, url = standard.groups()
            label = label.strip()
            parts = _ZOTERO_URL.match(url) if fast else None
        else:
            link = _PDF_LINK.search(title)
            if link is None and "<mark" not in title and "hltr-" not in title:
                continue
            color_m = _COLOR.search(title) or _HLTR.search(title)
            color = color_m.group(1) if color_m else ""
            label_m = _MARK.search(title)
            label = label_m.group(1).strip() if label_m else ""
            if "<" in label:
                label = _TAGS.sub("", label).strip()
            url, link_text = (link.group(2), link.group(1)) if link else ("", "")
        if parts is not None:
            # The usual `…/items/KEY?page=N&annotation=KEY` with nothing to decode: what _param and
            # _ATTACHMENT would find, in one match.
            attachment, page, annotation = parts.groups()
        elif zotero is None:
            page = _param(url, "page")
            annotation = _param(url, "annotation")
            attachment_m = _ATTACHMENT.search(url)
            attachment = attachment_m.group(1) if attachment_m else ""
        page = page or _page_in(link_text)
        lines = block.lines
        quote, comment, image = _body(block.contents if block.simple else _body_lines(block))
        last = lines[-1]
        start = lines[0].offset
        assigned = by_block.get((start, last.offset + len(last.text)))
        title_id = title_ids.get(start)
        compare = title_id[0] if title_id else (assigned.id if assigned else None)
        if annotation and compare and compare.lower() != annotation.lower():
            at = title_id[1:] if title_id else (assigned.start, assigned.end)
            problems.append(_mismatch(compare, annotation, at[0], at[1]))
        if digests:
            append([assigned.id if assigned else "", color, label, page, image, first_words(quote)])
        else:
            append(_make_highlight(start, last.offset + len(last.text), assigned.id if assigned else None,
                                   color, label, page, annotation, attachment, url, quote, comment, image))
    return result


def read_item_highlights(items: list[Block], block_ids: list[BlockId], problems: list[Problem]) -> list[Highlight]:
    """Highlights written as list items: `- "<mark …>quote</mark>" … [page 3](zotero://open-pdf/…) ^KEY`."""
    by_block = {(b.block_start, b.block_end): b for b in block_ids if b.block_kind == "list-item"}
    result = []
    for item in items:
        text = " ".join(line.text for line in item.lines)
        link = _PDF_LINK.search(text)
        if link is None:
            continue
        url = link.group(2)
        mark = _MARK.search(text)
        color_m = _COLOR.search(text) or _HLTR.search(text) or _NAMED_COLOUR.search(text)
        inner = _TAGS.sub("", mark.group(1)).strip() if mark else ""
        embed = _EMBED.search(text)
        page = _param(url, "page") or _page_in(link.group(1))
        annotation = _param(url, "annotation")
        assigned = by_block.get((item.start, item.end))
        if annotation and assigned and assigned.id.lower() != annotation.lower():
            problems.append(_mismatch(assigned.id, annotation, assigned.start, assigned.end))
        attachment_m = _ATTACHMENT.search(url)
        result.append(_make_highlight(
            item.start, item.end, assigned.id if assigned else None, color_m.group(1) if color_m else "", "",
            page, annotation, attachment_m.group(1) if attachment_m else "", url, inner.strip("“”\""), "",
            embed.group(1).strip() if embed else "",
        ))
    return result


def quoted_words(text: str, at: int, end: int) -> str | None:
    """The digest's words of a highlight whose only body line is `text[at - 1 or 2 : end]` (its
    content starting at `at`, after `>` or `> `), when it is the usual quote and they can be read
    in the line itself (`_QUOTED_WORDS`); else None."""
    quoted = _QUOTED_WORDS.match(text, at, end)
    return quoted.group(1) if quoted is not None and quoted.group(1).isprintable() else None


def standard_digest(zotero: tuple, title_id: tuple[str, int, int], block_id: str, bodies: list[str] | None,
                    problems: list[Problem], words: str | None = None) -> list[str]:
    """The digest fields of a standard Zotero highlight: a callout whose title `callouts.ZOTERO_TITLE`
    read (`zotero`, its first seven groups first), with its id on the title line (`title_id`: id,
    start, end) and no `^` in its `bodies` (the body lines, each starting with `>`); `block_id` is
    the id its block has. `words`, when given, are what `quoted_words` read in its one body line,
    and `bodies` are not needed. The annotation-key check's problem goes to `problems`."""
    color, label, link_text, _url, _attachment, page, annotation = zotero[:7]
    if words is None and len(bodies) == 1:
        text = bodies[0]
        words = quoted_words(text, 2 if text[1:2] == " " else 1, len(text))
    if words is None:
        quote, _comment, image = _standard_body(bodies)
    else:
        quote, image = "", ""
    _check_key(title_id, annotation, problems)
    return [block_id, color, label.strip(), page or _page_in(link_text), image, first_words(quote) if words is None else words]


def _standard_body(bodies: list[str]) -> tuple[str, str, str]:
    """(quote, comment, image) of a standard Zotero highlight's body lines (each starting with `>`)."""
    if len(bodies) == 1:  # the usual highlight: its quote or its image
        text = bodies[0]
        return _one_line(text[2 if text[1:2] == " " else 1 :])  # after `>` or `> `
    return _body(cut_bodies(bodies))


def _check_key(title_id: tuple[str, int, int], annotation: str, problems: list[Problem]) -> None:
    """The problem of a highlight whose title id (id, start, end) is not its Zotero annotation key."""
    if annotation and title_id[0].lower() != annotation.lower():
        problems.append(_mismatch(title_id[0], annotation, title_id[1], title_id[2]))


def _page_in(link_text: str) -> str:
    """The page a Zotero link's text names (`View in local Zotero: page 3`), or ""."""
    found = _PAGE_TEXT.search(link_text) if link_text else None
    return found.group(1) if found else ""


def _mismatch(block_id: str, annotation: str, start: int, end: int) -> Problem:
    return Problem("highlight.annotation-mismatch", start, end,
                   f"block id `^{block_id}` differs from the annotation key {annotation} in this highlight's Zotero link; "
                   "a copy-paste slip? links to this highlight will not match Zotero")


def _one_line(content: str) -> tuple[str, str, str]:
    """`_body([content])` for a body line without `^` (the usual highlight: its quote or image)."""
    quote = content.strip()
    if quote.startswith(">"):
        return "", quote.lstrip("> ").strip(), ""
    if quote.startswith("!"):
        embed = _EMBED.search(quote)
        if embed:
            return "", "", embed.group(1).strip()
    return quote.strip().strip("“”\"").strip(), "", ""


def _body(texts) -> tuple[str, str, str]:
    """(quote, comment, image) of a highlight callout's body lines (one level of `>` removed)."""
    quote_parts, comment_parts, image = [], [], ""
    for text in texts:
        stripped = text.strip()
        if stripped.startswith(">"):
            comment_parts.append(stripped.lstrip("> ").strip())
            continue
        if stripped.startswith("!") and not image:
            embed = _EMBED.search(stripped)
            if embed:
                image = embed.group(1).strip()
                continue
        if stripped:
            quote_parts.append(stripped)
    quote = " ".join(quote_parts)
    if "^" in quote:
        quote = _TRAILING_ID.sub("", quote)
    return quote.strip().strip("“”\"").strip(), " ".join(comment_parts).strip(), image


def _body_lines(block: Block):
    """The callout's body lines (after the title line) with one level of `>` removed."""
    for line in block.lines[1:]:
        text = line.text.lstrip(" ")
        if text.startswith(">"):
            text = text[1:]
            if text.startswith(" "):
                text = text[1:]
        yield text
