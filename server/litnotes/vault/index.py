"""Vault-wide lookup tables and how one note contributes to them.

A note's contribution is range-free (file name, aliases, cite-key definitions, the names and
keys its links depend on), so an edit that only shifts text changes no table: `summary()` is
compared before anything is patched (marksman's summary diff, model-codebases §3).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..syntax import NoteSyntax
from .names import basename, name_key, stem
from .resolver import lookup_keys

__all__ = ["CiteSource", "Summary", "summary", "Tables"]


@dataclass(frozen=True, slots=True)
class CiteSource:
    """Where a cite key is defined: a note (by alias, property, metadata line or file name) or a library."""

    key: str
    path: str
    kind: str  # "alias" | "property" | "metadata" | "filename" | "bibliography"


@dataclass(frozen=True, slots=True)
class Summary:
    aliases: tuple[str, ...]
    cites: tuple[tuple[str, str], ...]  # (key, kind)
    depends: frozenset[str]  # dependency keys: "n:<file name>", "a:<alias>", "c:<lower cite key>"


def note_cite_defs(path: str, note: NoteSyntax) -> list[tuple[str, str]]:
    defs = [(d.key, d.source) for d in note.citekey_defs]
    name = stem(path)
    if name.startswith("@") and len(name) > 1:
        defs.append((name[1:], "filename"))
    return defs


def summary(path: str, note: NoteSyntax, defines_keys: bool = True) -> Summary:
    depends: set[str] = set()
    for link in note.links:
        if link.path:
            depends.update("n:" + k for k in lookup_keys(link.path))
            depends.add("a:" + name_key(link.path))
            if link.path.startswith("@"):
                depends.add("c:" + link.path[1:].lower())
    for c in note.citations:
        depends.add("c:" + c.key.lower())
    return Summary(
        tuple(name_key(a) for a in note.aliases),
        tuple(note_cite_defs(path, note)) if defines_keys else (),
        frozenset(depends),
    )


class ShardedMap:
    """A dict split into 256 shards: a copy shares the shards, and a write copies only its shard.

    An edit changes a handful of dependency keys in a table of ~10 keys per note, so copying the
    whole table per keystroke would cost milliseconds at 10k notes; copying one shard costs microseconds.
    """

    __slots__ = ("_shards", "_owned")
    _N = 256

    def __init__(self, shards: list[dict] | None = None) -> None:
        self._shards = shards if shards is not None else [{} for _ in range(self._N)]
        self._owned: set[int] = set(range(self._N)) if shards is None else set()

    def get(self, key, default=None):
        return self._shards[hash(key) & 255].get(key, default)

    def set(self, key, value) -> None:
        i = hash(key) & 255
        if i not in self._owned:
            self._shards[i] = dict(self._shards[i])
            self._owned.add(i)
        if value:
            self._shards[i][key] = value
        else:
            self._shards[i].pop(key, None)

    def copy(self) -> ShardedMap:
        return ShardedMap(list(self._shards))

    def to_dict(self) -> dict:
        merged: dict = {}
        for shard in self._shards:
            merged.update(shard)
        return merged

    def __len__(self) -> int:
        return sum(len(s) for s in self._shards)


class Tables:
    """The mutable tables behind a Vault. `copy()` shares every table; the first write to a table
    in the copy copies that table (copy-on-write), so a snapshot never sees later changes."""

    __slots__ = ("by_name", "lower_paths", "aliases", "cites", "dependents", "_owned")

    def __init__(self) -> None:
        self.by_name: dict[str, tuple[str, ...]] = {}
        self.lower_paths: dict[str, str] = {}
        self.aliases: dict[str, tuple[str, ...]] = {}
        self.cites: dict[str, tuple[CiteSource, ...]] = {}
        self.dependents = ShardedMap()  # dependency key -> frozenset of note paths
        self._owned: set[str] = {"by_name", "lower_paths", "aliases", "cites"}

    def copy(self) -> Tables:
        t = Tables.__new__(Tables)
        t.by_name, t.lower_paths, t.aliases, t.cites = self.by_name, self.lower_paths, self.aliases, self.cites
        t.dependents = self.dependents.copy()
        t._owned = set()
        return t

    def _mut(self, name: str) -> dict:
        if name not in self._owned:
            setattr(self, name, dict(getattr(self, name)))
            self._owned.add(name)
        return getattr(self, name)

    # File names (every vault file, Markdown or not: R-2).
    def add_file(self, path: str) -> None:
        key = name_key(basename(path))
        self._mut("lower_paths")[path] = name_key(path)
        by_name = self._mut("by_name")
        by_name[key] = tuple(sorted(by_name.get(key, ()) + (path,)))

    def remove_file(self, path: str) -> None:
        key = name_key(basename(path))
        by_name = self._mut("by_name")
        _drop(by_name, key, tuple(p for p in by_name.get(key, ()) if p != path))
        self._mut("lower_paths").pop(path, None)

    # A note's range-free contribution.
    def add_summary(self, path: str, s: Summary) -> None:
        if s.aliases:
            aliases = self._mut("aliases")
            for alias in s.aliases:
                aliases[alias] = tuple(sorted(set(aliases.get(alias, ())) | {path}))
        if s.cites:
            cites = self._mut("cites")
            for key, kind in s.cites:
                cites[key] = _sorted(cites.get(key, ()) + (CiteSource(key, path, kind),))
        for dep in s.depends:
            self.dependents.set(dep, self.dependents.get(dep, frozenset()) | {path})

    def remove_summary(self, path: str, s: Summary) -> None:
        if s.aliases:
            aliases = self._mut("aliases")
            for alias in s.aliases:
                _drop(aliases, alias, tuple(p for p in aliases.get(alias, ()) if p != path))
        if s.cites:
            cites = self._mut("cites")
            for key, _kind in s.cites:
                _drop(cites, key, tuple(c for c in cites.get(key, ()) if c.path != path))
        for dep in s.depends:
            self.dependents.set(dep, self.dependents.get(dep, frozenset()) - {path})

    def add_library(self, path: str, keys) -> None:
        cites = self._mut("cites")
        for key in keys:
            cites[key] = _sorted(cites.get(key, ()) + (CiteSource(key, path, "bibliography"),))

    def remove_library(self, path: str, keys) -> None:
        cites = self._mut("cites")
        for key in set(keys):
            _drop(cites, key, tuple(c for c in cites.get(key, ()) if c.path != path))


def _drop(table: dict, key, value) -> None:
    if value:
        table[key] = value
    else:
        table.pop(key, None)


def _sorted(sources: tuple[CiteSource, ...]) -> tuple[CiteSource, ...]:
    return tuple(sorted(sources, key=lambda c: (c.path, c.kind)))
