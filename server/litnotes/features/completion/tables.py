"""Vault-wide completion tables, derived once per snapshot and cached in `vault._cache`.

A `Vault` never changes after it is published, so each table is computed on the first request
that needs it and shared by every later keystroke on the same snapshot. Each edit publishes a new
snapshot, so a table is also carried over from the previous build when what it reads is unchanged:
one identity pass over the notes (unchanged notes are the same objects) plus a comparison of the
few notes that changed, instead of a rebuild on every keystroke.

- `names`: notes (by stem), aliases (as written) and attachments (file name with extension),
  as a `SortedIndex` for prefix bisection; excluded notes are demoted (R-10); `name_paths`
  the same keyed by path, for queries with a `/`;
- `tags`: each tag once, keyed by `str.lower()`, with its first-seen casing (T-4, notes in path
  order, front matter before body) and the notes that use it;
- `cite_keys`: every key of `vault.cite_keys` (literature notes and libraries);
- `headings` / `blocks`: every heading and every block id of every note, for `[[##` and `[[^^`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Mapping, NamedTuple

from ...syntax import BlockId, Heading, Highlight, HighlightDigest, NoteSyntax
from ...vault import Vault, basename, name_key, stem
from ...vault.index import ShardedMap
from .ranking import Entry, SortedIndex

__all__ = ["Name", "TagInfo", "BlockRef", "HeadingRef", "names", "name_paths", "tags", "cite_keys", "headings",
           "blocks", "blocks_of", "headings_of", "heading_link_form"]

_H4 = re.compile(r"%%|\[\[|\]\]|[:#|^\\\r\n]")


def heading_link_form(heading: str) -> str:
    """How Obsidian writes a heading into a link (H-4): `C# tips` → `C tips`."""
    return " ".join(_H4.sub(" ", heading).split())


@dataclass(frozen=True, slots=True)
class Name:
    """A link completion target: a note, one of its aliases, or an attachment."""

    kind: str  # "note" | "alias" | "file"
    label: str
    path: str


class TagInfo(NamedTuple):
    name: str  # first-seen casing, without "#"
    only_in: str | None  # the one note that uses the tag, None when several do


@dataclass(frozen=True, slots=True)
class BlockRef:
    """A linkable block of a note, with its Zotero highlight when it is one."""

    path: str
    block: BlockId
    highlight: Highlight | HighlightDigest | None
    search: tuple[str, ...]  # lower-cased id and quote, what `[[^^text` matches


@dataclass(frozen=True, slots=True)
class HeadingRef:
    """A heading as a link target: its H-4 link form, once per note (the first of equal forms wins, H-5)."""

    path: str
    heading: Heading
    form: str
    key: str  # the form lower-cased


@dataclass(frozen=True, slots=True)
class _Built:
    """A table and what it was built from, to carry it over to the next snapshot when that is unchanged."""

    inputs: tuple
    notes: Mapping[str, NoteSyntax]
    table: object


_LAST_BUILT: dict[str, _Built] = {}  # per table: the most recent build (a cache; results never depend on it)


_MAX_PATCHED = 64  # more changed notes than this: rebuild rather than patch


def _changed(old: _Built, inputs: tuple, vault: Vault,
             reads: Callable[[NoteSyntax], object] | None) -> list[str] | None:
    """The notes whose `reads` differ from `old`'s, or None when the table must be rebuilt (other
    inputs changed, notes came or went). One identity pass: unchanged notes are the same objects."""
    if old.inputs != inputs:
        return None
    if reads is None:
        return []
    before, notes = old.notes, vault.notes
    if len(before) != len(notes):
        return None
    if isinstance(notes, ShardedMap) and isinstance(before, ShardedMap):
        pairs = ((path, was, note) for path, was, note in notes.differing(before))  # only the copied shards
    else:
        pairs = ((path, before.get(path), note) for path, note in notes.items() if before.get(path) is not note)
    changed = []
    for path, was, note in pairs:
        if was is None or note is None:
            return None
        if reads(was) != reads(note):
            changed.append(path)
    return changed


def _vault_inputs(vault: Vault) -> tuple:
    return (vault.files, vault.settings, frozenset(vault.libraries))


def _cached(vault: Vault, key: str, build: Callable[[Vault], object], reads: Callable[[NoteSyntax], object] | None,
            inputs_of: Callable[[Vault], tuple] = _vault_inputs, patch: Callable | None = None):
    """The table `key` of this snapshot: built once, or carried over from the previous snapshot when
    nothing it `reads` changed (typing in a note rarely changes aliases, headings or block ids), or
    patched with the few notes that did (`patch(table, notes before, vault, changed paths)`)."""
    table = vault._cache.get(key)
    if table is None:
        inputs = inputs_of(vault)
        old = _LAST_BUILT.get(key)
        changed = _changed(old, inputs, vault, reads) if old is not None else None
        if changed == []:
            table = old.table
        elif changed and patch is not None and len(changed) <= _MAX_PATCHED:
            table = patch(old.table, old.notes, vault, changed)
        else:
            table = build(vault)
        vault._cache[key] = table
        _LAST_BUILT[key] = _Built(inputs, vault.notes if reads is not None else {}, table)
    return table


def _reads_aliases(note: NoteSyntax) -> object:
    return note.aliases


def _tag_names(note: NoteSyntax) -> list[str]:
    """A note's tags in reading order: front matter first, then the body."""
    found = [t for t, _, _ in note.frontmatter.tags] if note.frontmatter else []
    return found + [t.name for t in note.tags]


def _reads_tags(note: NoteSyntax) -> object:
    return _tag_names(note)


def _reads_headings(note: NoteSyntax) -> object:
    return tuple(note.outline())


def _reads_blocks(note: NoteSyntax) -> object:
    return (tuple((b.id, b.block_kind) for b in note.block_ids), note.digests())


def _build_names(vault: Vault) -> SortedIndex[Name]:
    entries: list[Entry] = []
    for path in sorted(vault.files):
        if any(part.startswith(".") for part in path.split("/")):
            continue
        penalty = 1 if vault.settings.is_excluded(path) else 0
        note = vault.note(path)
        if note is not None or path.lower().endswith(".md"):
            label = stem(path)
            entries.append(Entry(name_key(label), penalty, Name("note", label, path)))
            for alias in note.aliases if note is not None else ():
                entries.append(Entry(name_key(alias), penalty, Name("alias", alias, path)))
        elif path not in vault.libraries:
            label = basename(path)
            entries.append(Entry(name_key(label), penalty, Name("file", label, path)))
    return SortedIndex(entries)


@dataclass(frozen=True, slots=True)
class _TagTable:
    index: SortedIndex[TagInfo]
    users: dict[str, tuple[str, ...]]  # lower-cased tag -> the notes that use it, sorted
    entries: dict[str, Entry]


def _tag_entry(key: str, users: tuple[str, ...], vault: Vault) -> Entry:
    name = next(n for n in _tag_names(vault.notes[users[0]]) if n.lower() == key)
    return Entry(key, 0, TagInfo(name, users[0] if len(users) == 1 else None))


def _build_tags(vault: Vault) -> _TagTable:
    first: dict[str, str] = {}
    users: dict[str, list[str]] = {}
    for path in sorted(vault.notes):
        for name in _tag_names(vault.notes[path]):
            key = name.lower()
            if key not in first:
                first[key], users[key] = name, [path]
            elif users[key][-1] != path:
                users[key].append(path)
    entries = {key: Entry(key, 0, TagInfo(name, users[key][0] if len(users[key]) == 1 else None))
               for key, name in first.items()}
    return _TagTable(SortedIndex(entries.values()), {k: tuple(v) for k, v in users.items()}, entries)


def _patch_tags(old: _TagTable, before: Mapping[str, NoteSyntax], vault: Vault, changed: list[str]) -> _TagTable:
    """The previous tag table with the changed notes' tags replaced (typing `#tag` changes one note per keystroke)."""
    users, entries = dict(old.users), dict(old.entries)
    affected: set[str] = set()
    for path in changed:
        was = {n.lower() for n in _tag_names(before[path])}
        now = {n.lower() for n in _tag_names(vault.notes[path])}
        affected |= was | now
        for key in was - now:
            users[key] = tuple(p for p in users[key] if p != path)
        for key in now - was:
            users[key] = tuple(sorted(users.get(key, ()) + (path,)))
    removed, added = [], []
    for key in affected:
        entry = _tag_entry(key, users[key], vault) if users.get(key) else None
        if entry is None:
            users.pop(key, None)
        if entry != entries.get(key):
            if key in entries:
                removed.append(entries.pop(key))
            if entry is not None:
                entries[key] = entry
                added.append(entry)
    return _TagTable(old.index.patched(removed, added), users, entries)


def _build_cite_keys(vault: Vault) -> SortedIndex[str]:
    return SortedIndex(Entry(key.lower(), 0, key) for key in vault.cite_keys)


def headings_of(path: str, note: NoteSyntax) -> list[HeadingRef]:
    refs, seen = [], set()
    for h in note.headings:
        form = heading_link_form(h.text)
        if form and form.lower() not in seen:
            seen.add(form.lower())
            refs.append(HeadingRef(path, h, form, form.lower()))
    return refs


def _build_headings(vault: Vault) -> list[HeadingRef]:
    return [ref for path in sorted(vault.notes) for ref in headings_of(path, vault.notes[path])]


def blocks_of(path: str, note: NoteSyntax, whole: bool = False) -> list[BlockRef]:
    """The ids Obsidian's block map holds for `note` (B-5, B-7), in document order, with highlights:
    their digests (the first words of each quote, what the vault-wide table keeps), or with `whole`
    and a note in detail the highlights themselves (whole quotes to search and show)."""
    by_id = {h.block_id.lower(): h for h in (note.highlights if whole and note.detailed else note.digests())
             if h.block_id}
    refs = []
    for block in sorted(note.block_map().values(), key=lambda b: b.block_start):
        highlight = by_id.get(block.key)
        quote = (highlight.quote or basename(highlight.image)).lower() if highlight else ""
        refs.append(BlockRef(path, block, highlight, (block.key, quote) if quote else (block.key,)))
    return refs


def _build_blocks(vault: Vault) -> list[BlockRef]:
    return [ref for path in sorted(vault.notes) for ref in blocks_of(path, vault.notes[path])]


def names(vault: Vault) -> SortedIndex[Name]:
    return _cached(vault, "completion.names", _build_names, _reads_aliases)


def name_paths(vault: Vault) -> list[tuple[str, Name]]:
    """(lower-cased path without `.md`, name) for queries that contain a `/`."""
    def build(v: Vault) -> list[tuple[str, Name]]:
        every, _ = names(v).search("", len(names(v)))
        return [(e.item.path.lower().removesuffix(".md"), e.item) for e in every]
    return _cached(vault, "completion.name_paths", build, _reads_aliases)


def tags(vault: Vault) -> SortedIndex[TagInfo]:
    return _cached(vault, "completion.tags", _build_tags, _reads_tags, patch=_patch_tags).index


def cite_keys(vault: Vault) -> SortedIndex[str]:
    return _cached(vault, "completion.cite_keys", _build_cite_keys, None, lambda v: (frozenset(v.cite_keys),))


def headings(vault: Vault) -> list[HeadingRef]:
    return _cached(vault, "completion.headings", _build_headings, _reads_headings)


def blocks(vault: Vault) -> list[BlockRef]:
    return _cached(vault, "completion.blocks", _build_blocks, _reads_blocks)
