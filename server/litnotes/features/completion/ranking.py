"""How completion candidates are matched against what the user typed, ordered and capped.

Matching is case-insensitive on `str.lower()` keys (the vault's name rule, never `casefold`).
A candidate matches in one of three tiers: 0 = some key starts with the query, 1 = some key
contains it, 2 = the query's characters appear in order in some key (fuzzy). Within a tier,
names sort by (penalty, shorter key, alphabetical); lists that belong to one note (headings,
blocks) keep document order instead.

`SortedIndex` serves the big vault-wide lists (names, tags, cite keys): it is built once per
snapshot and finds the prefix tier by bisection, scanning the whole list only when the prefix
tier alone does not fill the page.
"""

from __future__ import annotations

import heapq
import re
from itertools import chain
from bisect import bisect_left, bisect_right
from operator import itemgetter
from typing import Any, Callable, Generic, Iterable, NamedTuple, Sequence, TypeVar

__all__ = ["Entry", "SortedIndex", "rank_list"]

T = TypeVar("T")
_LAST = "\U0010ffff"


class Entry(NamedTuple):
    """One candidate of a `SortedIndex`: its lower-cased key, a demotion penalty and the payload.

    A named tuple, not a dataclass: tables hold tens of thousands and are built on a keystroke.
    """

    key: str
    penalty: int
    item: Any


def _order(e: Entry) -> tuple[int, int, str]:
    return (e.penalty, len(e.key), e.key)


def _fuzzy(query: str) -> re.Pattern[str]:
    return re.compile(".*?".join(re.escape(ch) for ch in query), re.S)


def rank_list(items: Sequence[T], keys: Callable[[T], tuple[str, ...]], query: str, limit: int, *,
              document_order: bool, fuzzy: bool = True) -> tuple[list[T], bool]:
    """Linear ranking of a list; returns (at most `limit` items, whether more matched).

    The fuzzy tier is only searched when the prefix and substring tiers leave room on the page."""
    query = query.lower()
    scored, unmatched = [], []

    def score(tier: int, index: int, ks: tuple[str, ...]) -> tuple:
        first = ks[0] if ks else ""
        return (tier, index) if document_order else (tier, len(first), first, index)

    for index, item in enumerate(items):
        ks = keys(item)
        if not query or any(k.startswith(query) for k in ks):
            scored.append((score(0, index, ks), item))
        elif any(query in k for k in ks):
            scored.append((score(1, index, ks), item))
        elif fuzzy:
            unmatched.append((index, item, ks))
    if fuzzy and query and len(scored) <= limit:
        pattern = _fuzzy(query)
        scored += [(score(2, index, ks), item) for index, item, ks in unmatched if any(pattern.search(k) for k in ks)]
    scored.sort(key=lambda pair: pair[0])
    return [item for _, item in scored[:limit]], len(scored) > limit


class SortedIndex(Generic[T]):
    """Entries sorted by key (for prefix bisection) and by (penalty, length, key) (for an empty query)."""

    __slots__ = ("_entries", "_keys", "_by_order")

    def __init__(self, entries: Iterable[Entry]) -> None:
        self._entries = sorted(entries, key=itemgetter(0, 1))
        self._keys = [e.key for e in self._entries]
        self._by_order = sorted(self._entries, key=_order)

    def __len__(self) -> int:
        return len(self._entries)

    def patched(self, removed: Iterable[Entry], added: Iterable[Entry]) -> SortedIndex[T]:
        """A new index without `removed` and with `added` (each list copied once, entries moved by bisection)."""
        new = SortedIndex.__new__(SortedIndex)
        new._entries, new._keys, new._by_order = list(self._entries), list(self._keys), list(self._by_order)
        for e in removed:
            at = bisect_left(new._entries, (e.key, e.penalty), key=itemgetter(0, 1))
            while new._entries[at] != e:
                at += 1
            del new._entries[at], new._keys[at]
            at = bisect_left(new._by_order, _order(e), key=_order)
            while new._by_order[at] != e:
                at += 1
            del new._by_order[at]
        for e in added:
            at = bisect_right(new._entries, (e.key, e.penalty), key=itemgetter(0, 1))
            new._entries.insert(at, e)
            new._keys.insert(at, e.key)
            new._by_order.insert(bisect_right(new._by_order, _order(e), key=_order), e)
        return new

    def search(self, query: str, limit: int, fuzzy: bool = True) -> tuple[list[Entry], bool]:
        """The best `limit` entries for `query` (lower-cased inside) and whether more matched."""
        query = query.lower()
        if not query:
            return self._by_order[:limit], len(self._by_order) > limit
        lo = bisect_left(self._keys, query)
        hi = bisect_left(self._keys, query + _LAST, lo)
        prefix = heapq.nsmallest(limit + 1, self._entries[lo:hi], key=_order)
        if len(prefix) > limit or not fuzzy:
            return prefix[:limit], len(prefix) > limit
        pattern = _fuzzy(query)
        contains, scattered = [], []
        for e in chain(self._entries[:lo], self._entries[hi:]):
            if query in e.key:
                contains.append(e)
            elif pattern.search(e.key):
                scattered.append(e)
        room = limit - len(prefix)
        rest = sorted(contains, key=_order) + sorted(scattered, key=_order)
        return prefix + rest[:room], len(rest) > room
