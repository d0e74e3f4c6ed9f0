"""Rename: a heading, a block id, a note (or file), a cite key or a tag, with every place that names it.

- heading: the heading text, and the segment of every `[[note#heading]]` (also nested `#A#B`, and
  Markdown `(note.md#heading)`) that resolves through it, written in Obsidian's link form (H-4);
- block id: the `^id` and every `#^id` that resolves to it (B-8);
- note: the file (a `RenameFile`, so the editor must support resource operations) and every link
  to it in the vault's link format (`relink.py`); on the note's title (its first level-1 heading,
  when it spells the file name) the heading is renamed too;
- cite key: the literature note's `@key` alias, cite-key property and `**Cite key**:` line, every
  citation (`[@key]`, `@key`) and `[[@key]]`, and `|@key` display texts; Zotero must be changed too,
  which the change's warnings say;
- tag: every `#tag` and front-matter tag (case-insensitive).

Edits come from parsed records, so nothing inside code, math or HTML is ever touched. Edits
outside the persist regions of a Zotero Integration note come with a warning (`changes.py`).
"""

from __future__ import annotations

import re
from typing import Callable
from urllib.parse import quote

from ..syntax import Heading, Link
from ..syntax.inline import decode_uri
from ..vault import Vault, basename, folder_of, heading_key, name_key, stem
from ..vault.names import heading_keys
from .at_cursor import Subject, heading_name_end, link_parts, names_note, subject_at
from .changes import ChangeBuilder, Texts
from .completion import heading_link_form
from .edits import RenameFile, RenamePlace, SourceChange
from .references import note_candidates, tag_references
from .relink import relink

__all__ = ["prepare_rename", "rename"]

_BLOCK_ID = re.compile(r"[A-Za-z0-9-]+")
_BAD_FILE_CHARS = set('\\/:*?"<>|#^[]')
_BAD_KEY_CHARS = set("\\\"#%'(),={}~@")
_PLAIN_KEY = re.compile(r"\w(?:\w|[:.#$%&\-+?<>~/](?=\w))*")
_TAG = re.compile(r"[^\s!\"#$%&'()*+,.:;<=>?@\[\\\]^`{|}~\u2000-\u206f\u2e00-\u2e7f]+")


def prepare_rename(vault: Vault, path: str, text: str, offset: int, can_rename_files: bool = True) -> RenamePlace | None:
    """What would be renamed at `offset` (range and current name), an error saying why not, or None."""
    subject = subject_at(vault, path, text, offset)
    if subject is None:
        return None
    return _place(vault, path, text, subject, can_rename_files)


def _place(vault: Vault, path: str, text: str, s: Subject, can_rename_files: bool) -> RenamePlace:
    span = (s.name_start, s.name_end)
    if s.kind == "heading" and s.link is None:
        return RenamePlace(*span, text[s.name_start:s.name_end], "heading")
    if s.kind == "heading":
        return RenamePlace(*span, s.heading.text, "heading")
    if s.kind == "block":
        return RenamePlace(*span, s.block.id, "block")
    if s.kind == "citekey":
        return RenamePlace(*span, s.key, "citekey")
    if s.kind == "tag":
        return RenamePlace(*span, text[s.name_start:s.name_end], "tag")
    if s.kind == "note":
        title = s.heading is not None and s.link is None
        if title and (not names_note(s.path, s.heading) or not can_rename_files):
            return RenamePlace(*span, text[s.name_start:s.name_end], "heading")  # the file keeps its name
        if not can_rename_files:
            return RenamePlace(*span, error="renaming a note renames its file, which this editor cannot do through "
                               "the language server; rename the file in the file explorer: litnotes updates the links")
        if not s.path.lower().endswith(".md") and s.link is None:
            return RenamePlace(*span, error="only notes and linked files can be renamed")
        return RenamePlace(*span, stem(s.path) if s.path.lower().endswith(".md") else basename(s.path), "note")
    if s.kind == "alias":
        return RenamePlace(*span, error=f"`{s.key}` is an alias: edit it in the front matter of `{s.path}`")
    return RenamePlace(*span, error=f"`{s.link.path if s.link else s.key}` does not exist: there is nothing to rename")


def rename(vault: Vault, path: str, text: str, offset: int, new_name: str,
           text_of: Callable[[str], str | None] | None, can_rename_files: bool = True) -> SourceChange | str:
    """The change that renames what is at `offset` to `new_name`, or an error message."""
    subject = subject_at(vault, path, text, offset)
    if subject is None:
        return "nothing to rename here"
    place = _place(vault, path, text, subject, can_rename_files)
    if place.error:
        return place.error
    builder = ChangeBuilder(Texts(vault, path, text, text_of))
    new_name = new_name.strip()
    if place.what == "heading":
        error = _rename_heading(vault, subject.path, subject.heading, new_name, builder)
    elif place.what == "block":
        error = _rename_block(vault, subject.path, subject, new_name, builder)
    elif place.what == "citekey":
        error = _rename_citekey(vault, subject.key, new_name, builder)
    elif place.what == "tag":
        error = _rename_tag(vault, subject.key, new_name, builder)
    else:
        error = _rename_note(vault, subject, new_name, builder)
    return error or builder.build()


# --- headings --------------------------------------------------------------------------------
def _segments(raw: str, start: int) -> list[tuple[int, int, str]]:
    """(start, end, text) of each `#`-separated segment of a raw subpath at `start`, trimmed."""
    out, pos = [], start
    for part in raw.split("#"):
        lead = len(part) - len(part.lstrip(" \t"))
        body = part.strip(" \t")
        out.append((pos + lead, pos + lead + len(body), body))
        pos += len(part) + 1
    return out


def _walk(headings: tuple[Heading, ...], keys: list[str]) -> list[Heading]:
    """The heading each non-empty segment key matched, as `find_heading` walks them (H-3)."""
    matched, level = [], 0
    for h in headings:
        if len(matched) == len(keys):
            break
        if keys[len(matched)] in heading_keys(h.text) and (not matched or h.level > level):
            matched.append(h)
            level = h.level
    return matched


def _rename_heading(vault: Vault, target: str, heading: Heading, new: str, b: ChangeBuilder) -> str | None:
    if not new or "\n" in new or "\r" in new:
        return "a heading needs a one-line, non-empty text"
    form = heading_link_form(new)
    if not form:
        return f"`{new}` leaves nothing a link can use once `# | ^ : %% [[ ]]` are removed (H-4)"
    target_note = b.texts.note(target)
    b.edit(target, heading.text_start, heading_name_end(heading), new)
    for h in target_note.headings if target_note else ():
        if h.start < heading.start and heading_key(form) in heading_keys(h.text):
            b.warn(f"the earlier heading `{h.text}` in `{target}` also answers to `#{form}`: links will open it first (H-5)")
            break
    for src in sorted(note_candidates(vault, target)):
        note = b.texts.note(src)
        for link in note.links if note is not None else ():
            res = vault.resolve(src, link)
            if res.path != target or res.subpath_kind != "heading" or res.heading is None:
                continue
            _rewrite_segment(b, src, link, target_note.headings, heading, form)
    return None


def _rewrite_segment(b: ChangeBuilder, src: str, link: Link, headings, heading: Heading, form: str) -> None:
    text = b.texts.get(src)
    parts = link_parts(link, text) if text is not None else None
    if parts is None or parts.sub_start < 0:
        b.warn(f"`{src}` changed since it was indexed (or cannot be read): its links were not updated")
        return
    segs = _segments(text[parts.sub_start:parts.sub_end], parts.sub_start)
    decoded = [(s, e, (decode_uri(t) or t) if link.kind == "markdown" else t) for s, e, t in segs]
    named = [(s, e, heading_key(t)) for s, e, t in decoded if heading_key(t)]
    for (s, e, _key), h in zip(named, _walk(headings, [k for _s, _e, k in named])):
        if h.start == heading.start:
            b.edit(src, s, e, quote(form, safe="") if link.kind == "markdown" else form)


# --- block ids -------------------------------------------------------------------------------
def _rename_block(vault: Vault, target: str, s: Subject, new: str, b: ChangeBuilder) -> str | None:
    new = new.removeprefix("^")
    if not _BLOCK_ID.fullmatch(new):
        return f"`^{new}` is not a block id: use only Latin letters, digits and dashes (B-1)"
    block = s.block
    note = b.texts.note(target)
    winner = note.block_map().get(block.key) if note else None
    if winner is None or winner.start != block.start:
        return f"`^{block.id}` is not the block Obsidian links to (a later duplicate wins, B-7): rename that one"
    if new.lower() != block.key and new.lower() in note.block_map():
        return f"`^{new}` is already a block id in `{target}`"
    b.edit(target, block.start + 1, block.end, new)
    for src in sorted(note_candidates(vault, target)):
        src_note = b.texts.note(src)
        for link in src_note.links if src_note is not None else ():
            res = vault.resolve(src, link)
            if res.path != target or res.block is None or res.block.start != block.start:
                continue
            text = b.texts.get(src)
            parts = link_parts(link, text) if text is not None else None
            caret = text.find("^", parts.sub_start, parts.sub_end) if parts and parts.sub_start >= 0 else -1
            if caret < 0:
                b.warn(f"`{src}` changed since it was indexed (or cannot be read): its links were not updated")
                continue
            end = parts.sub_end
            while end > caret + 1 and text[end - 1] in " \t":
                end -= 1
            b.edit(src, caret + 1, end, new)
    return None


# --- cite keys -------------------------------------------------------------------------------
def _rename_citekey(vault: Vault, key: str, new: str, b: ChangeBuilder) -> str | None:
    new = new.removeprefix("@")
    bad = sorted({ch for ch in new if ch.isspace() or ch in _BAD_KEY_CHARS})
    if not new or bad:
        return f"`{new}` cannot be a cite key" + (f": it contains {' '.join(repr(c) for c in bad)}" if bad else "")
    if new != key and vault.cite_sources(new):
        return f"`{new}` is already a cite key (defined by `{vault.cite_sources(new)[0].path}`)"
    written = new if _PLAIN_KEY.fullmatch(new) else "{" + new + "}"
    for source in vault.cite_sources(key):
        if source.kind == "filename":
            b.warn(f"`{source.path}` defines `@{key}` by its file name, which was not renamed: rename the file too")
        elif source.kind != "bibliography":
            note = b.texts.note(source.path)
            for d in note.citekey_defs if note is not None else ():
                if d.key == key:
                    b.edit(source.path, d.start, d.end, new)
    candidates = vault.dependents({"c:" + key.lower()})  # citations and `[[@key]]`
    for source in vault.cite_sources(key):
        candidates |= note_candidates(vault, source.path)  # `[[literature note|@key]]`
    for src in sorted(candidates):
        note = b.texts.note(src)
        text = b.texts.get(src)
        if note is None or text is None:
            b.warn(f"`{src}` changed since it was indexed (or cannot be read): its citations were not updated")
            continue
        for c in note.citations:
            if c.key == key:
                braced = text[c.end - 1:c.end] == "}"
                end = c.end - 1 if braced else c.end
                b.edit(src, end - len(key), end, new if braced else written)
        for link in note.links:
            parts = link_parts(link, text)
            if parts is None:
                continue
            if link.path.strip() == "@" + key:
                b.edit(src, parts.path_start + 1, parts.path_end, new)
            if (link.display or "").strip() == "@" + key and parts.display_start >= 0:
                b.edit(src, parts.display_start + 1, parts.display_end, new)
    b.warn(f"Zotero (Better BibTeX) still calls this item `{key}`: change its citation key there too, "
           f"or the next import or export brings `{key}` back")
    libraries = sorted({lib for lib, _entry in vault.library_entries(key)})
    if libraries:
        b.warn(f"{', '.join(f'`{p}`' for p in libraries)} still define `{key}` until Better BibTeX exports again")
    return None


# --- tags --------------------------------------------------------------------------------------
def _rename_tag(vault: Vault, key: str, new: str, b: ChangeBuilder) -> str | None:
    new = new.removeprefix("#")
    if not all(_TAG.fullmatch(part) for part in new.split("/")) or new.replace("/", "").isdigit():
        return f"`#{new}` is not a tag: no spaces or punctuation, and not only digits (T-1)"
    for ref in tag_references(vault, key, b.texts.overrides):
        text = b.texts.get(ref.path)
        if text is None:
            b.warn(f"`{ref.path}` changed since it was indexed (or cannot be read): its tags were not updated")
            continue
        raw = text[ref.start:ref.end]
        start = ref.start + (len(raw) - len(raw.lstrip("#")))
        b.edit(ref.path, start, ref.end, new)
    return None


# --- notes -------------------------------------------------------------------------------------
def _rename_note(vault: Vault, s: Subject, new: str, b: ChangeBuilder) -> str | None:
    old = s.path
    is_note = old.lower().endswith(".md")
    if is_note and new.lower().endswith(".md"):
        new = new[:-3]
    bad = sorted({ch for ch in new if ch in _BAD_FILE_CHARS})
    if not new or bad or new.strip(". ") == "":
        return f"`{new}` cannot be a file name" + (f" Obsidian can link to: it contains {' '.join(bad)}" if bad else "")
    new_path = (f"{folder_of(old)}/" if folder_of(old) else "") + new + (".md" if is_note else "")
    if new_path == old:
        return "the name is unchanged"
    clash = vault.resolve_path("/" + new_path, old).path
    if clash is not None and clash != old:
        return f"`{clash}` already exists"
    if s.heading is not None and s.link is None:  # the title heading that spells the file name
        _rename_heading(vault, old, s.heading, new, b)
    elif is_note:
        note = b.texts.note(old)
        title = note.headings[0] if note and note.headings and note.headings[0].level == 1 else None
        if title is not None and names_note(old, title) and name_key(stem(old)) != name_key(new):
            b.warn(f"the title `# {title.text}` of `{old}` still has the old name")
    relink(vault, {old: new_path}, b)
    b.renames.append(RenameFile(old, new_path))
    return None
