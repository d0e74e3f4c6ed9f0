"""What is under the cursor: the subject that definition, references and rename act on.

`subject_at(vault, path, text, offset)` classifies the element at `offset` of the live text of
`path` into one subject:

- a link (wikilink, embed, Markdown or front-matter link): on its path part (or brackets) the
  note or file it opens; on its `#subpath` (or on the display text of a link with a subpath) the
  heading or block it resolves to. An unresolved link names a cite key (`[[@key]]`), an alias
  (`[[alias]]`, which Obsidian does not resolve) or a missing note.
- a citation (`[@key]`, `@key`), an `@key` alias or a cite-key property / `**Cite key**:` line:
  the cite key;
- a heading line: the heading; the note's first level-1 heading stands for the note (its title);
- a `^id`, or the title line of a Zotero highlight callout: that block;
- a tag in the body or front matter: the tag; another front-matter alias: that alias.

`link_parts` finds the exact ranges of a link's path, subpath and display text in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..syntax import BlockId, Heading, Link, NoteSyntax
from ..vault import Vault, heading_key, name_key, stem
from .details import live_note

_TRAILING_ID = re.compile(r"[ \t]+\^[A-Za-z0-9-]+$")

__all__ = ["Subject", "LinkParts", "subject_at", "live_note", "link_parts", "is_title", "names_note",
           "heading_name_end"]


@dataclass(frozen=True, slots=True)
class Subject:
    kind: str  # "note" | "heading" | "block" | "citekey" | "tag" | "alias" | "missing"
    start: int  # the element under the cursor (origin of a definition)
    end: int
    path: str = ""  # the note (or file) the subject belongs to
    heading: Heading | None = None
    block: BlockId | None = None
    key: str = ""  # cite key, lower-cased tag, alias or missing link path
    link: Link | None = None
    name_start: int = 0  # the range of the subject's name at the cursor (what rename replaces there)
    name_end: int = 0


@dataclass(frozen=True, slots=True)
class LinkParts:
    path_start: int
    path_end: int
    sub_start: int  # -1 when the link has no `#`
    sub_end: int
    display_start: int = -1
    display_end: int = -1


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t":
        start += 1
    while end > start and text[end - 1] in " \t":
        end -= 1
    return start, end


def link_parts(link: Link, text: str) -> LinkParts | None:
    """Ranges of `link`'s parts in `text` (None when `text` is not the text the link was parsed from)."""
    ts, te = link.target_start, link.target_end
    if not (0 <= link.start <= ts <= te <= link.end <= len(text)):
        return None
    raw = text[ts:te]
    hash_at = raw.find("#")
    ps, pe = _trimmed(text, ts, ts + hash_at if hash_at >= 0 else te)
    ss, se = (ts + hash_at + 1, te) if hash_at >= 0 else (-1, -1)
    ds = de = -1
    if link.display is not None:
        if link.kind == "markdown":
            ds = link.start + (2 if link.embed else 1)
            de = text.rfind("](", ds, ts)
        else:
            bar = text.find("|", te, link.end)
            if bar >= 0:
                ds, de = bar + 1, link.end - 2
        if ds >= 0 and de >= ds:
            ds, de = _trimmed(text, ds, de)
        else:
            ds = de = -1
    if link.kind != "markdown" and text[ps:pe] != link.path:
        return None
    return LinkParts(ps, pe, ss, se, ds, de)


def heading_name_end(heading: Heading) -> int:
    """End of a heading's name: `## Methods ^m1` ends before its block id (H-7), which a rename keeps."""
    bare = _TRAILING_ID.search(heading.text)
    return heading.text_start + bare.start() if bare else heading.text_end


def is_title(path: str, note: NoteSyntax, heading: Heading) -> bool:
    """Is `heading` the note's title: its first heading, at level 1?"""
    return bool(note.headings) and note.headings[0] == heading and heading.level == 1  # == : a packed note's records are made anew


def names_note(path: str, heading: Heading) -> bool:
    """Does the heading spell the note's file name (a title that renames the file with it)?"""
    return heading_key(heading.text) == heading_key(stem(path))


def subject_at(vault: Vault, path: str, text: str, offset: int) -> Subject | None:
    """The subject of the element at `offset` in the live `text` of `path`, or None."""
    note = live_note(vault, path, text)
    for link in note.links:
        if link.start <= offset < link.end:
            return _link_subject(vault, path, text, link, offset)
    for c in note.citations:
        if c.start <= offset <= c.end:
            key_start = c.end - len(c.key) - (1 if text[c.end - 1:c.end] == "}" else 0)
            return Subject("citekey", c.start, c.end, key=c.key, name_start=key_start, name_end=key_start + len(c.key))
    fm = note.frontmatter
    for alias, start, end in fm.aliases if fm else ():
        if start <= offset <= end:
            if alias.startswith("@") and len(alias) > 1:
                return Subject("citekey", start, end, path=path, key=alias[1:], name_start=start + 1, name_end=end)
            return Subject("alias", start, end, path=path, key=alias, name_start=start, name_end=end)
    for d in note.citekey_defs:
        if d.start <= offset <= d.end:
            return Subject("citekey", d.start, d.end, path=path, key=d.key, name_start=d.start, name_end=d.end)
    for tag, start, end in fm.tags if fm else ():
        if start <= offset <= end:
            return Subject("tag", start, end, key=tag.lower(), name_start=end - len(tag), name_end=end)
    for t in note.tags:
        if t.start <= offset <= t.end:
            return Subject("tag", t.start, t.end, key=t.name.lower(), name_start=t.start + 1, name_end=t.end)
    for b in note.block_ids:
        if b.start <= offset <= b.end:
            return Subject("block", b.start, b.end, path=path, block=b, name_start=b.start + 1, name_end=b.end)
    for h in note.headings:
        if h.start <= offset <= h.end:
            kind = "note" if is_title(path, note, h) else "heading"
            return Subject(kind, h.start, h.end, path=path, heading=h, name_start=h.text_start,
                           name_end=heading_name_end(h))
    for hl in note.highlights:
        first_line_end = text.find("\n", hl.start)
        first_line_end = hl.end if first_line_end < 0 else min(first_line_end, hl.end)
        if hl.block_id and hl.start <= offset <= first_line_end:
            block = note.block_map().get(hl.block_id.lower())
            if block is not None:
                return Subject("block", hl.start, first_line_end, path=path, block=block,
                               name_start=block.start + 1, name_end=block.end)
    return None


def _link_subject(vault: Vault, path: str, text: str, link: Link, offset: int) -> Subject | None:
    parts = link_parts(link, text)
    res = vault.resolve(path, link)
    on_sub = parts is not None and parts.sub_start >= 0 and (
        offset >= parts.sub_start or (parts.display_start >= 0 and offset >= parts.display_start))
    ps, pe = (parts.path_start, parts.path_end) if parts else (link.target_start, link.target_end)
    if res.path is not None:
        if on_sub and res.heading is not None:
            return Subject("heading", link.start, link.end, path=res.path, heading=res.heading, link=link,
                           name_start=parts.sub_start, name_end=parts.sub_end)
        if on_sub and res.block is not None:
            caret = text.find("^", parts.sub_start, parts.sub_end)
            return Subject("block", link.start, link.end, path=res.path, block=res.block, link=link,
                           name_start=caret + 1, name_end=_trimmed(text, caret + 1, parts.sub_end)[1])
        return Subject("note", link.start, link.end, path=res.path, link=link, name_start=ps, name_end=pe)
    linkpath = link.path.strip()
    if linkpath.startswith("@") and len(linkpath) > 1 and vault.cite_sources(linkpath[1:]):
        return Subject("citekey", link.start, link.end, key=linkpath[1:], link=link, name_start=ps + 1, name_end=pe)
    owners = vault.notes_with_alias(linkpath) if linkpath else ()
    if owners:
        return Subject("alias", link.start, link.end, path=owners[0], key=linkpath, link=link, name_start=ps, name_end=pe)
    if linkpath.startswith("@") and len(linkpath) > 1:
        return Subject("citekey", link.start, link.end, key=linkpath[1:], link=link, name_start=ps + 1, name_end=pe)
    if not linkpath:
        return None
    return Subject("missing", link.start, link.end, key=name_key(linkpath), link=link, name_start=ps, name_end=pe)
