"""Packed sequences of records for the index form of a note (`NoteSyntax.index_form`).

A record object with its int objects costs ~230-300 bytes (the 10k-note bench vault holds ~53k
headings, ~53k links and ~150k block ids); packed, a note's records of one kind take a string or
three for their texts and one 32-bit array for their numbers. A packed sequence reads as the tuple
of records it packs (equal, same hash, same iteration); records are made on read (links are kept
for the most recently read notes), so compare them with `==`, never `is`. Notes whose offsets
pass 4 G characters, or whose texts hold a NUL, are not packed.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Mapping, Sequence

from ..frozen import fast
from .model import BlockId, Heading, Link
from .records import KeptByIdentity

__all__ = ["PackedBlockIds", "PackedHeadings", "PackedLinks"]


def _numbers(values: list[int]) -> array | None:
    """`values` as 32-bit unsigned numbers (offsets of notes under 4 G characters), or None."""
    try:
        return array("I", values)
    except OverflowError:
        return None


_make_heading = fast(Heading)
_make_block = fast(BlockId)
_make_link = fast(Link)


class _Packed(Sequence):
    """What the packed sequences share: length, indexing and slicing, equality and hashing as the tuple."""

    __slots__ = ()
    _WIDTH = 1  # numbers per record

    def __len__(self) -> int:
        return len(self._numbers) // self._WIDTH

    def __getitem__(self, index):
        if isinstance(index, int) and 0 <= index < len(self):
            return self._one(index)
        return tuple(self)[index]

    def __eq__(self, other) -> bool:
        if type(other) is type(self):
            return self.__reduce__()[1] == other.__reduce__()[1]
        return isinstance(other, (tuple, list)) and tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(tuple(self))  # equal to the hash of the equal tuple

    def __repr__(self) -> str:
        return f"{type(self).__name__}({tuple(self)!r})"


class PackedBlockIds(_Packed):
    """A note's block ids: ids and kinds in two strings, the four offsets of each in one array,
    instead of a `BlockId` object and four int objects per id (a literature note has one per
    highlight). Reads as a tuple of `BlockId`s."""

    __slots__ = ("_ids", "_kinds", "_numbers")
    _WIDTH = 4

    def __init__(self, ids: str, kinds: str, offsets: array) -> None:
        self._ids, self._kinds, self._numbers = ids, kinds, offsets

    @classmethod
    def pack(cls, blocks: Sequence[BlockId]) -> Sequence[BlockId]:
        """`blocks` packed; as they are when there are none or an id or kind holds a NUL."""
        if not blocks:
            return blocks
        ids, kinds = "\0".join([b.id for b in blocks]), "\0".join([b.block_kind for b in blocks])
        offsets = _numbers([v for b in blocks for v in (b.start, b.end, b.block_start, b.block_end)])
        if offsets is None or ids.count("\0") + kinds.count("\0") != 2 * len(blocks) - 2:
            return blocks
        return cls(ids, kinds, offsets)

    def __iter__(self) -> Iterator[BlockId]:
        make, numbers = _make_block, iter(self._numbers)
        for bid, kind, (start, end, block_start, block_end) in zip(
                self._ids.split("\0"), self._kinds.split("\0"), zip(numbers, numbers, numbers, numbers)):
            yield make(bid, start, end, block_start, block_end, kind)

    def _one(self, i: int) -> BlockId:
        o = self._numbers
        return _make_block(self._ids.split("\0")[i], o[4 * i], o[4 * i + 1], o[4 * i + 2], o[4 * i + 3],
                           self._kinds.split("\0")[i])

    def block_map(self) -> Mapping[str, BlockId]:
        """`NoteSyntax.block_map` of these ids, making a `BlockId` only for the ids looked up."""
        ids, kinds = self._ids.split("\0"), self._kinds.split("\0")
        keys = self._ids.lower().split("\0") if self._ids.isascii() else [i.lower() for i in ids]
        if "list-item" not in kinds:
            return _PackedBlockMap(dict(zip(keys, range(len(keys)))), ids, kinds, self._numbers)
        sections = {k: i for i, (k, kind) in enumerate(zip(keys, kinds)) if kind != "list-item"}
        items = {k: i for i, (k, kind) in enumerate(zip(keys, kinds)) if kind == "list-item"}
        return _PackedBlockMap({**sections, **items}, ids, kinds, self._numbers)

    def keys(self) -> list[str]:
        """The lower-cased ids, in order, without making `BlockId`s."""
        return self._ids.lower().split("\0")

    def __reduce__(self):
        return (PackedBlockIds, (self._ids, self._kinds, self._numbers))


class _PackedBlockMap(Mapping):
    """A packed note's block map (read-only): lower-cased id -> `BlockId`, made when looked up.
    Resolving a link needs one entry of a target's map, not a record for each of its ~50 ids."""

    __slots__ = ("_index", "_ids", "_kinds", "_offsets")

    def __init__(self, index: dict[str, int], ids: list[str], kinds: list[str], offsets: array) -> None:
        self._index, self._ids, self._kinds, self._offsets = index, ids, kinds, offsets

    def __getitem__(self, key: str) -> BlockId:
        i, o = self._index[key], self._offsets
        return _make_block(self._ids[i], o[4 * i], o[4 * i + 1], o[4 * i + 2], o[4 * i + 3], self._kinds[i])

    def get(self, key: str, default=None):
        return self[key] if key in self._index else default

    def __contains__(self, key) -> bool:
        return key in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


class PackedHeadings(_Packed):
    """A note's headings: their texts in one string, level and five offsets of each in one array.
    Reads as a tuple of `Heading`s; `outline()` gives (level, text) pairs without making them."""

    __slots__ = ("_texts", "_numbers")
    _WIDTH = 6

    def __init__(self, texts: str, numbers: array) -> None:
        self._texts, self._numbers = texts, numbers

    @classmethod
    def pack(cls, headings: Sequence[Heading]) -> Sequence[Heading]:
        """`headings` packed; as they are when there are none or a text holds a NUL."""
        if not headings:
            return headings
        texts = "\0".join([h.text for h in headings])
        numbers = _numbers([v for h in headings for v in (h.level, h.start, h.end, h.text_start, h.text_end, h.section_end)])
        if numbers is None or texts.count("\0") != len(headings) - 1:
            return headings
        return cls(texts, numbers)

    def __iter__(self) -> Iterator[Heading]:
        make, numbers = _make_heading, iter(self._numbers)
        for text, (level, start, end, text_start, text_end, section_end) in zip(
                self._texts.split("\0"), zip(numbers, numbers, numbers, numbers, numbers, numbers)):
            yield make(level, text, start, end, text_start, text_end, section_end)

    def _one(self, i: int) -> Heading:
        n, j = self._numbers, 6 * i
        return _make_heading(n[j], self._texts.split("\0")[i], n[j + 1], n[j + 2], n[j + 3], n[j + 4], n[j + 5])

    def outline(self) -> list[tuple[int, str]]:
        """(level, text) of each heading, in order."""
        return list(zip(self._numbers[::6], self._texts.split("\0")))

    def __reduce__(self):
        return (PackedHeadings, (self._texts, self._numbers))


_KINDS = ("wikilink", "markdown", "frontmatter")
_KIND_CODES = {kind: code for code, kind in enumerate(_KINDS)}
_EMBED, _IN_COMMENT, _TABLE_PIPE, _HAS_SUBPATH, _HAS_DISPLAY = 4, 8, 16, 32, 64  # flag bits above the kind's code
_MADE = KeptByIdentity(1024)  # packed links -> their records


class PackedLinks(_Packed):
    """A note's links: paths, subpaths and display texts in three strings, four offsets and the
    flags (kind, embed, in a comment, broken by a table pipe, has a subpath, has a display text)
    of each in one array. Reads as a tuple of `Link`s; `paths()` gives the link paths without
    making them. The records of the 1024 most recently read notes are kept (references read the
    links of the same ~500 notes on every request)."""

    __slots__ = ("_paths", "_subpaths", "_displays", "_numbers")
    _WIDTH = 5

    def __init__(self, paths: str, subpaths: str, displays: str, numbers: array) -> None:
        self._paths, self._subpaths, self._displays, self._numbers = paths, subpaths, displays, numbers

    @classmethod
    def pack(cls, links: Sequence[Link]) -> Sequence[Link]:
        """`links` packed; as they are when there are none, a kind is unknown or a text holds a NUL."""
        if not links:
            return links
        codes = _KIND_CODES
        try:
            flags = [codes[k.kind] | (k.embed and _EMBED) | (k.in_comment and _IN_COMMENT) | (k.table_pipe and _TABLE_PIPE)
                     | (k.subpath is not None and _HAS_SUBPATH) | (k.display is not None and _HAS_DISPLAY) for k in links]
        except KeyError:
            return links
        paths = "\0".join([k.path for k in links])
        subpaths = "\0".join([k.subpath or "" for k in links])
        displays = "\0".join([k.display or "" for k in links])
        numbers = _numbers([v for k, f in zip(links, flags) for v in (k.start, k.end, k.target_start, k.target_end, f)])
        n = len(links) - 1
        if numbers is None or paths.count("\0") != n or subpaths.count("\0") != n or displays.count("\0") != n:
            return links
        return cls(paths, subpaths, displays, numbers)

    def _records(self) -> tuple[Link, ...]:
        kept = _MADE.get(self)
        if kept is not None:
            return kept
        make, kinds, numbers = _make_link, _KINDS, iter(self._numbers)
        made = tuple(
            make(kinds[f & 3], bool(f & _EMBED), start, end, path, sub if f & _HAS_SUBPATH else None,
                 shown if f & _HAS_DISPLAY else None, target_start, target_end, bool(f & _IN_COMMENT), bool(f & _TABLE_PIPE))
            for path, sub, shown, (start, end, target_start, target_end, f) in zip(
                self._paths.split("\0"), self._subpaths.split("\0"), self._displays.split("\0"),
                zip(numbers, numbers, numbers, numbers, numbers)))
        return _MADE.keep(self, made)

    def __iter__(self) -> Iterator[Link]:
        return iter(self._records())

    def _one(self, i: int) -> Link:
        return self._records()[i]

    def paths(self) -> list[str]:
        """The link paths, in order."""
        return self._paths.split("\0")

    def __reduce__(self):
        return (PackedLinks, (self._paths, self._subpaths, self._displays, self._numbers))
