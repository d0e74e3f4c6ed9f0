"""Immutable records that describe one parsed note.

Every record is a frozen, slotted dataclass holding plain values and tuples, so a parsed note can
be shared between snapshots, pickled to worker processes and compared for equality. Ranges are
half-open code-point spans `[start, end)` into the note's text, and the text under a range is
the element's source exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from ..frozen import FastPickled, fast
from .digests import FIELD_SEP, RECORD_SEP, first_words, pack_digests, unpack_digests
from .records import KeptByIdentity

__all__ = [
    "Problem", "Frontmatter", "Heading", "BlockId", "Link", "Citation", "Tag", "Callout",
    "Highlight", "HighlightDigest", "CiteKeyDef", "NoteSyntax", "ParseOptions", "DEFAULT_CITEKEY_PROPERTIES",
]


_START = attrgetter("start")


# Every record is `FastPickled`: it pickles as (class, field values) and loads through `frozen.fast`,
# far faster than the dataclass default for worker processes and the persistent index.


@dataclass(frozen=True, slots=True)
class Problem(FastPickled):
    """Something wrong inside one note that needs no other note to be judged."""

    code: str
    start: int
    end: int
    message: str
    related: tuple[tuple[int, int, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Frontmatter(FastPickled):
    """The YAML block located by Obsidian's rule F-1 and what Obsidian reads from it."""

    start: int  # offset of the opening ---
    end: int  # offset just after the closing --- line's text
    body_start: int
    body_end: int
    valid: bool
    aliases: tuple[tuple[str, int, int], ...] = ()  # (alias, start, end) of the scalar in the text
    tags: tuple[tuple[str, int, int], ...] = ()
    properties: tuple[tuple[str, str], ...] = ()  # (key, string value); a list of strings gives one pair per item


@dataclass(frozen=True, slots=True)
class Heading(FastPickled):
    level: int
    text: str  # raw inline Markdown, trimmed, closing #s removed (H-1)
    start: int  # start of the heading line
    end: int  # end of the heading line's text
    text_start: int
    text_end: int
    section_end: int  # end of the section: next heading of the same or higher level, or EOF (H-3)


@dataclass(frozen=True, slots=True)
class BlockId(FastPickled):
    id: str  # as written
    start: int  # range of "^id"
    end: int
    block_start: int  # range of the block the id names (B-5)
    block_end: int
    block_kind: str  # paragraph, callout, quote, list, list-item, table, heading, code, ...

    @property
    def key(self) -> str:
        return self.id.lower()


@dataclass(frozen=True, slots=True)
class Link(FastPickled):
    """An outgoing link: wikilink, embed, Markdown link or front-matter link."""

    kind: str  # "wikilink" | "markdown" | "frontmatter"
    embed: bool
    start: int  # whole source, including the "!" of an embed
    end: int
    path: str  # the linkpath: what names the file, before the first "#"; "" for same-note links
    subpath: str | None  # after the first "#", None when there is no "#"
    display: str | None
    target_start: int  # range of the raw target (path plus "#subpath") in the text
    target_end: int
    in_comment: bool = False  # inside %% … %% (W-10)
    table_pipe: bool = False  # an unescaped | inside a table row broke this link (W-3)

    @property
    def target(self) -> str:
        return self.path if self.subpath is None else f"{self.path}#{self.subpath}"


@dataclass(frozen=True, slots=True)
class Citation(FastPickled):
    """A Pandoc citation `@key` (bracketed `[@key, p. 3]` or in-text `@key`)."""

    key: str
    start: int  # range of "@key" / "@{key}" (and the "-" of "-@key")
    end: int
    bracketed: bool
    suppress_author: bool = False
    in_comment: bool = False
    intended: str | None = None  # what the author probably meant when pandoc cuts the key short (K-2)


@dataclass(frozen=True, slots=True)
class Tag(FastPickled):
    name: str  # without "#"
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Callout(FastPickled):
    type: str  # lower-cased, inner whitespace -> "-" (C-2)
    title: str
    fold: str  # "", "+" or "-"
    start: int
    end: int
    title_start: int
    title_end: int
    depth: int  # 0 for a top-level callout


@dataclass(frozen=True, slots=True)
class Highlight(FastPickled):
    """A Zotero Integration annotation callout (spec Z-2 … Z-6)."""

    start: int
    end: int
    block_id: str | None
    color: str  # "#RRGGBBAA" or a colour name from class="hltr-…"; "" when absent
    label: str
    page: str
    annotation_key: str
    attachment_key: str
    zotero_link: str
    quote: str
    comment: str
    image: str  # link target of an image annotation's embed, "" when none


@dataclass(frozen=True, slots=True)
class HighlightDigest:
    """What vault-wide search shows of a highlight: its id, colour, label, page, image and the
    first words of its quote (`quote`: at most `DIGEST_WORDS` words, so a title of fewer words
    still knows whether the quote goes on)."""

    block_id: str
    color: str
    label: str
    page: str
    image: str
    quote: str

    @classmethod
    def of(cls, h: Highlight) -> HighlightDigest:
        return cls(h.block_id or "", h.color, h.label, h.page, h.image, first_words(h.quote))

    def fields(self) -> tuple[str, ...]:
        return (self.block_id, self.color, self.label, self.page, self.image, self.quote)


@dataclass(frozen=True, slots=True)
class CiteKeyDef(FastPickled):
    key: str
    source: str  # "alias" | "property" | "metadata"
    start: int
    end: int
    label: str = ""  # the property name or "Cite key" line label


_BLOCK_MAPS = KeptByIdentity(1024)  # note -> its block map
_NO_EXTRA: dict[str, Any] = {}  # shared by every index form; never mutated

DEFAULT_CITEKEY_PROPERTIES = frozenset({"citekey", "cite-key", "citation-key", "citationkey"})


@dataclass(frozen=True, slots=True)
class ParseOptions:
    """Per-vault knobs the parser needs; normalised property names (lower case, -/_/space equal)."""

    citekey_properties: frozenset[str] = DEFAULT_CITEKEY_PROPERTIES


@dataclass(frozen=True, slots=True)
class NoteSyntax(FastPickled):
    """Everything litnotes knows about one note's text; never refers to other notes."""

    length: int
    frontmatter: Frontmatter | None
    headings: tuple[Heading, ...]  # index form: a `PackedHeadings`
    block_ids: tuple[BlockId, ...]  # in document order, duplicates kept (index form: a `PackedBlockIds`)
    links: tuple[Link, ...]  # index form: a `PackedLinks`
    citations: tuple[Citation, ...]
    tags: tuple[Tag, ...]
    callouts: tuple[Callout, ...]
    highlights: tuple[Highlight, ...]
    citekey_defs: tuple[CiteKeyDef, ...]
    glued_ids: tuple[tuple[str, int, int], ...]  # "text^abc": not an id (B-2), kept to explain broken refs
    problems: tuple[Problem, ...]
    metadata: tuple[tuple[str, str], ...] = ()  # `**Title**: …` lines: (label lower-cased, value), in order
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    # False for the index form (`index_form()`): no callouts, no highlights, only their count.
    detailed: bool = True
    highlight_total: int = -1  # highlights in the note; -1: count `highlights`

    # Index form: the highlights' `HighlightDigest`s packed in one UTF-8 string (quotes with emoji
    # would make a `str` 4 bytes per character), compressed (`pack_digests`).
    highlight_digest: bytes = b""
    search_packed: bytes = b""  # index form: `search_names()`, computed once where the note was parsed

    def index_form(self, digests: list[list[str]] | None = None) -> NoteSyntax:
        """What the vault index keeps of a note it does not need in detail: everything other notes
        can see (front matter, headings, block ids, links, citations, tags, cite-key definitions,
        problems), without the callouts and Zotero highlights, which hold most of a literature
        note's text (9x smaller pickled); of each highlight only its digest (id, colour, label,
        page, image, first words). Features that show a whole highlight re-parse that one note.

        `digests` are the note's highlights as digest fields, for a note made without `Highlight`
        records (`parse.index_note` reads them straight into these); by default, its highlights'."""
        if not self.detailed:
            return self
        # The digests are computed once: the packed digests and the search names share them.
        records = self.digest_records() if digests is None else digests
        # The block map is made, not kept: the detailed note is dropped now (a worker would otherwise
        # hold its last 1,024 detailed notes, ~100 MB, through the block-map cache).
        search = self._search_names(records, self._make_block_map())
        from . import packed  # noqa: PLC0415 - packed builds this module's records

        return _make_note(self.length, self.frontmatter, packed.PackedHeadings.pack(self.headings),
                          packed.PackedBlockIds.pack(self.block_ids), packed.PackedLinks.pack(self.links), self.citations,
                          self.tags, (), (), self.citekey_defs, self.glued_ids, self.problems, self.metadata,
                          _NO_EXTRA, False, len(records), pack_digests(records, search), search)

    def named_highlights(self, records: list[list[str]] | None = None,
                         block_map: Mapping[str, BlockId] | None = None) -> list[list[str]]:
        """The digest fields of the highlights that name a block of the note's block map, in
        document order, one per block (what workspace search lists as highlights)."""
        block_map = self.block_map() if block_map is None else block_map
        named, seen = [], set()
        for fields in self.digest_records() if records is None else records:
            key = fields[0].lower()
            if key and key in block_map and key not in seen:
                seen.add(key)
                named.append(fields)
        return named

    def search_names(self) -> bytes:
        """The lower-cased names a note defines, one per line, in UTF-8 (a `str` with one emoji
        would take 4 bytes per character): aliases, headings, `^id`s of its block map by position,
        then the highlights that name a block (`label colour · p. N: first words image`).
        Workspace search scans these; the index form keeps them, so a restart does not redo them."""
        if not self.detailed:
            return self.search_packed
        return self._search_names(None, self.block_map())

    def _search_names(self, records: list[list[str]] | None, block_map: Mapping[str, BlockId]) -> bytes:
        names = [alias for alias, _, _ in self.frontmatter.aliases] if self.frontmatter else []
        names += [h.text for h in self.headings]
        if self.block_ids:
            # By position; no two ids start at the same offset, so the keys never decide the order.
            names += ["^" + key for _, key in sorted(zip(map(_START, block_map.values()), block_map))]
            names += [f"{f[2]} {f[1]} · p. {f[3]}: {f[5]} {f[4]}" for f in self.named_highlights(records, block_map)]
        text = "\n".join(names)
        if text.count("\n") != len(names) - 1 and names:  # a name holds a line break: one line per name
            text = "\n".join(n.replace("\n", " ") for n in names)
        text = text.lower()
        return text.encode("utf-8", "surrogatepass")

    def digests(self) -> tuple[HighlightDigest, ...]:
        """Every highlight's digest, in document order (from the highlights, or unpacked)."""
        if self.detailed:
            return tuple(HighlightDigest.of(h) for h in self.highlights)
        return tuple(HighlightDigest(*record) for record in self.digest_records())

    def digest_records(self) -> list[list[str]]:
        """The index form's packed digests as field lists (`HighlightDigest.fields()` order)."""
        if self.detailed:
            # `HighlightDigest.of(h).fields()` without making the digests: a literature note has dozens.
            return [[h.block_id or "", h.color, h.label, h.page, h.image, first_words(h.quote)] for h in self.highlights]
        if not self.highlight_digest:
            return []
        packed = unpack_digests(self.highlight_digest, self.search_packed)
        return [record.split(FIELD_SEP) for record in packed.split(RECORD_SEP)]

    @property
    def highlight_count(self) -> int:
        return len(self.highlights) if self.highlight_total < 0 else self.highlight_total

    @property
    def aliases(self) -> tuple[str, ...]:
        return tuple(a for a, _, _ in self.frontmatter.aliases) if self.frontmatter else ()

    def block_keys(self) -> list[str]:
        """Every block id, lower-cased, in document order (duplicates kept)."""
        ids = self.block_ids
        return [b.key for b in ids] if isinstance(ids, tuple) else ids.keys()

    def link_paths(self) -> list[str]:
        """The path of every link, in order (of a packed note, without making `Link`s)."""
        links = self.links
        return [link.path for link in links] if isinstance(links, tuple) else links.paths()

    def outline(self) -> list[tuple[int, str]]:
        """(level, text) of every heading, in order (of a packed note, without making `Heading`s)."""
        headings = self.headings
        return [(h.level, h.text) for h in headings] if isinstance(headings, tuple) else headings.outline()

    def block_map(self) -> Mapping[str, BlockId]:
        """Obsidian's block map: lower-cased id -> the block a link resolves to (B-5, B-7).

        Kept for the most recently asked notes (resolving a vault's block links asks the same few
        targets thousands of times); callers must not change the dict."""
        kept = _BLOCK_MAPS.get(self)
        return kept if kept is not None else _BLOCK_MAPS.keep(self, self._make_block_map())

    def _make_block_map(self) -> Mapping[str, BlockId]:
        if not isinstance(self.block_ids, tuple):  # a `PackedBlockIds`
            return self.block_ids.block_map()
        sections: dict[str, BlockId] = {}
        items: dict[str, BlockId] = {}
        for b in self.block_ids:
            (items if b.block_kind == "list-item" else sections)[b.id.lower()] = b
        return {**sections, **items} if items else sections


_make_note = fast(NoteSyntax)
