"""`KeptByIdentity`, the bounded cache of values derived from one immutable record (a note's block
map, a packed note's link records). The records' fast constructors are `litnotes.frozen.fast`.
"""

from __future__ import annotations

__all__ = ["KeptByIdentity"]


class KeptByIdentity:
    """Values derived from immutable objects, kept for the last `size` objects asked about, by
    identity (the objects need not be hashable, and an equal object made later is another entry).
    Holding the object itself keeps its id from being reused while the entry lives."""

    __slots__ = ("size", "_kept")

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: dict[int, tuple[object, object]] = {}  # id -> (object, value), oldest first

    def get(self, owner: object):
        kept = self._kept.get(id(owner))
        return kept[1] if kept is not None and kept[0] is owner else None

    def keep(self, owner: object, value):
        if len(self._kept) >= self.size:
            self._kept.pop(next(iter(self._kept)), None)
        self._kept[id(owner)] = (owner, value)
        return value

    def owners(self) -> list[object]:
        return [owner for owner, _ in self._kept.values()]

    def clear(self) -> None:
        self._kept.clear()
