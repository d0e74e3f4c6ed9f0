"""Hover: what a link, cite key or highlight reference under the cursor stands for (spec W-5, Z-2, Z-3, K-4).

- A link to a Zotero highlight (`[[note#^29lz2rml]]`) shows the quote or the image, the colour
  label, colour and page, the comment, the `zotero://open-pdf` link and the paper's citation.
  A link to another block shows that block's Markdown; to a heading, the first lines of its
  section; to a note, its title, aliases and first lines; to an attachment, its path (and the
  image). Previews are raw Markdown slices of the target's current text (`text_of`): embeds in
  them are not expanded, so embed cycles (`A` embeds `B` embeds `A`) cannot loop.
- A cite key (`[@key]`, `@key`, `[[@key]]`, a `@key` alias or cite-key property in the front
  matter) shows its citation card and literature notes.
- A broken link says why, with the message of the diagnostic that reports it (`check_links`),
  and what Obsidian does on click.

The current note is parsed from the live `text`; other notes are re-parsed from `text_of` so
that ranges match the text previewed (the snapshot may be a little older).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Callable
from urllib.parse import quote as url_quote

from ..syntax import BlockId, Heading, Highlight, HighlightDigest, Link, NoteSyntax
from ..vault import Vault, VaultSettings, basename, stem
from ..vault.resolver import find_block, find_heading
from .cards import citation_card, literature_notes, note_title
from .details import live_note
from .diagnostics.emit import Emitter
from .diagnostics.links import check_links
from .types import HoverResult

__all__ = ["hover", "highlight_title", "highlight_detail", "highlight_markdown"]

PREVIEW_LINES = 8
BLOCK_LINES = 24
_LINE_END = re.compile(r"\r\n|\r|\n")
_IMAGE = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".bmp")
# Z-3: the colours of the seed's template (and Highlightr class names), as a swatch.
_SWATCH = {"#FF5582": "🟥", "#FFB86C": "🟧", "#FFF3A3": "🟨", "#ADCCFF": "🟦", "#BBFABB": "🟩",
           "#D2B3FF": "🟪", "red": "🟥", "orange": "🟧", "yellow": "🟨", "blue": "🟦", "green": "🟩", "purple": "🟪"}


# --- highlights (shared with completion) ---------------------------------------------------
def highlight_title(h: Highlight | HighlightDigest, words: int = 8) -> str:
    """A highlight in a few words: the start of its quote, or `image: <file>`."""
    if h.image and not h.quote:
        return f"image: {basename(h.image)}"
    parts = h.quote.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "") if parts else f"^{h.block_id or ''}"


def highlight_detail(h: Highlight | HighlightDigest) -> str:
    """Colour label and page: `Note · p. 1`."""
    return " · ".join(p for p in (h.label or h.color, f"p. {h.page}" if h.page else "") if p)


def _swatch(color: str) -> str:
    return _SWATCH.get(color[:7].upper() if color.startswith("#") else color.lower(), "")


def highlight_markdown(h: Highlight, image_path: str | None = None) -> str:
    """Colour label, colour, page, the quote (or image), the comment and the Zotero link, as Markdown."""
    head = [f"**{h.label}**" if h.label else "**Highlight**"]
    if h.color:
        head.append(" ".join(p for p in (_swatch(h.color), f"`{h.color}`") if p))
    if h.page:
        head.append(f"page {h.page}")
    parts = [" · ".join(head)]
    if h.quote:
        parts.append(f"> {h.quote}")
    if h.image:
        target = image_path or h.image
        parts.append(f"![{basename(h.image)}]({url_quote(target)})\n\nImage: `{basename(h.image)}`")
    if h.comment:
        parts.append(f"Comment: {h.comment}")
    if h.zotero_link:
        parts.append(f"[Open in Zotero{f' (page {h.page})' if h.page else ''}]({h.zotero_link})")
    return "\n\n".join(parts)


# --- entry point ------------------------------------------------------------------------------
def hover(vault: Vault, path: str, text: str, offset: int, text_of: Callable[[str], str | None]) -> HoverResult | None:
    """Markdown for the element at `offset` of the live `text` of `path`, or None when there is nothing to say."""
    note = live_note(vault, path, text)
    for link in note.links:
        if link.start <= offset < link.end:
            markdown = _link(vault, path, text, note, link, text_of)
            return HoverResult(markdown, link.start, link.end) if markdown else None
    for c in note.citations:  # the end counts too: a cursor right after `@key` is still on it
        if c.start <= offset <= c.end:
            return HoverResult(_cite(vault, c.key), c.start, c.end)
    fm = note.frontmatter
    for alias, start, end in fm.aliases if fm else ():
        if start <= offset < end and alias.startswith("@") and len(alias) > 1:
            return HoverResult(_cite(vault, alias[1:]), start, end)
    for d in note.citekey_defs:
        if d.start <= offset < d.end:
            return HoverResult(_cite(vault, d.key), d.start, d.end)
    return None


# --- cite keys --------------------------------------------------------------------------------
def _cite(vault: Vault, key: str) -> str:
    card = citation_card(vault, key)
    if card is None:
        message = f"Unknown cite key `@{key}`: no literature note or bibliography defines it."
        others = [k for k in vault.cite_keys_ignoring_case(key) if k != key]
        if others:
            message += f" Did you mean `@{others[0]}`? (Pandoc matches keys case-sensitively.)"
        return message
    notes = literature_notes(vault, key)
    lines = [card] + [f"Literature note: `{p}`" for p in notes if f"[[{p.removesuffix('.md')}" not in card]
    return "\n\n".join(lines)


# --- links ------------------------------------------------------------------------------------
def _link(vault: Vault, path: str, text: str, note: NoteSyntax, link: Link,
          text_of: Callable[[str], str | None]) -> str | None:
    parts = []
    if link.path.startswith("@") and len(link.path) > 1 and (vault.cite_sources(link.path[1:]) or not link.subpath):
        parts.append(_cite(vault, link.path[1:]))
    if link.kind == "markdown" and not link.path and link.subpath is None:
        return None
    if not link.path.strip():
        target, target_text, target_note, candidates = path, text, note, ()
    else:
        where = vault.resolve_path(link.path, path)
        if where.path is None:
            return "\n\n---\n\n".join(parts + [_broken(vault, path, note, link)])
        target, candidates = where.path, where.candidates
        if not target.lower().endswith(".md"):  # never ask for an attachment's text
            return "\n\n---\n\n".join(parts + [_attachment(target)])
        target_text = text_of(target)
        # In detail, parsed once for a burst of hovers (a 40 KB literature note: ~2 ms and 1,400
        # records per parse, which were made again for every hover).
        target_note = live_note(vault, target, target_text) if target_text is not None else vault.note(target)
    body = _subpath(vault, path, note, link, target, target_text, target_note)
    if candidates:
        body += f"\n\n`{link.path}` matches {len(candidates)} files; Obsidian opens `{target}`."
    return "\n\n---\n\n".join(parts + [body])


def _subpath(vault: Vault, path: str, note: NoteSyntax, link: Link, target: str, target_text: str | None,
             target_note: NoteSyntax | None) -> str:
    sub = (link.subpath or "").strip()
    if target_note is None:
        return f"**{stem(target)}** · `{target}`"
    if sub.startswith("^"):
        block = find_block(target_note, sub[1:])
        if block is None:
            return _broken(vault, path, note, link, f"no block `{sub}` in `{target}`")
        return _block(vault, target, target_text, target_note, block)
    if sub and not sub.startswith("[^"):
        heading = find_heading(target_note, sub)
        if heading is None:
            return _broken(vault, path, note, link, f"no heading `{sub}` in `{target}`")
        if isinstance(heading, Heading):
            return _section(target, target_text, heading)
    return _note(target, target_text, target_note)


def _lines(text: str, limit: int) -> str:
    lines = _LINE_END.split(text.strip("\r\n"))
    shown = "\n".join(lines[:limit]).rstrip()
    return shown + ("\n\n…" if len(lines) > limit else "")


def _note(target: str, target_text: str | None, target_note: NoteSyntax) -> str:
    parts = [f"**{note_title(target, target_note)}** · `{target}`"]
    if target_note.aliases:
        parts.append("Aliases: " + ", ".join(f"`{a}`" for a in target_note.aliases))
    if target_text is not None:
        body_start = target_note.frontmatter.end if target_note.frontmatter else 0
        preview = _lines(target_text[body_start:], PREVIEW_LINES)
        if preview:
            parts.append("---\n\n" + preview)
    return "\n\n".join(parts)


def _section(target: str, target_text: str | None, heading: Heading) -> str:
    head = f"**{stem(target)} › {heading.text}** · `{target}`"
    if target_text is None:
        return head
    return head + "\n\n---\n\n" + _lines(target_text[heading.start:heading.section_end], PREVIEW_LINES)


def _block(vault: Vault, target: str, target_text: str | None, target_note: NoteSyntax, block: BlockId) -> str:
    highlight = next((h for h in target_note.highlights
                      if (h.block_id or "").lower() == block.key or (h.start, h.end) == (block.block_start, block.block_end)),
                     None)
    if highlight is not None:
        image = vault.resolve_path(highlight.image, target).path if highlight.image else None
        parts = [highlight_markdown(highlight, image)]
        paper = _paper(vault, target, target_note)
        if paper:
            parts.append("---\n\n" + paper)
        return "\n\n".join(parts)
    head = f"**{stem(target)} › ^{block.id}** · {block.block_kind}"
    if target_text is None:
        return head
    return head + "\n\n---\n\n" + _lines(target_text[block.block_start:block.block_end], BLOCK_LINES)


def _paper(vault: Vault, target: str, target_note: NoteSyntax) -> str:
    """The citation of the paper a literature note is about: its cite key's card, or its metadata."""
    for d in target_note.citekey_defs:
        card = citation_card(vault, d.key)
        if card:
            return card
    fields = dict(target_note.metadata)
    lines = [f"*{note_title(target, target_note)}*"]
    if fields.get("authors"):
        lines.append(fields["authors"])
    keys = sorted({d.key for d in target_note.citekey_defs})
    if keys:
        lines.append(" ".join(f"`@{k}`" for k in keys))
    return "\n\n".join(lines)


def _attachment(target: str) -> str:
    head = f"**{basename(target)}** · `{target}`"
    if target.lower().endswith(_IMAGE):
        return head + f"\n\n![{basename(target)}]({url_quote(target)})"
    return head


def _broken(vault: Vault, path: str, note: NoteSyntax, link: Link, fallback: str = "") -> str:
    """Why `link` is broken, in the words of its diagnostic, and what Obsidian does about it."""
    out = Emitter(path, VaultSettings())
    check_links(vault, path, dataclasses.replace(note, links=(link,)), out)
    messages = [d.message for d in out.items if d.code != "link.ambiguous"]
    message = messages[0] if messages else fallback or f"`{link.target}` does not resolve"
    text = f"**Broken link**: {message}"
    if link.subpath is not None and vault.resolve_path(link.path, path).path is not None:
        text += "\n\nObsidian opens the note at its top."
    elif link.embed and any(d.code == "link.unresolved" for d in out.items):
        text += "\n\nObsidian shows a “could not be found” placeholder instead of the embed."
    return text
