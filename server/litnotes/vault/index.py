"""Vault-wide lookup tables and how one note contributes to them.

A note's contribution is range-free (file name, aliases, cite-key definitions, the names and
keys its links depend on), so an edit that only shifts text changes no table: `summary()` is
compared before anything is patched (marksman's summary diff, model-codebases §3).
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass

from ..frozen import FastPickled, fast
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
class Summary(FastPickled):
    aliases: tuple[str, ...]
    cites: tuple[tuple[str, str], ...]  # (key, kind)
    depends: tuple[str, ...]  # sorted dependency keys: "n:<file name>", "a:<alias>", "c:<lower cite key>"


_make_summary = fast(Summary)  # every loaded note gets one (a parse worker makes them)


def note_cite_defs(path: str, note: NoteSyntax) -> list[tuple[str, str]]:
    defs = [(d.key, d.source) for d in note.citekey_defs]
    name = stem(path)
    if name.startswith("@") and len(name) > 1:
        defs.append((name[1:], "filename"))
    return defs


def summary(path: str, note: NoteSyntax, defines_keys: bool = True) -> Summary:
    depends: set[str] = set()
    for linkpath in set(note.link_paths()):  # many links share a path: each once
        if linkpath:
            depends.update(["n:" + k for k in lookup_keys(linkpath)])
            depends.add("a:" + name_key(linkpath))
            if linkpath.startswith("@"):
                depends.add("c:" + linkpath[1:].lower())
    depends.update({"c:" + c.key.lower() for c in note.citations})
    return _make_summary(
        tuple([name_key(a) for a in note.aliases]),
        tuple(note_cite_defs(path, note)) if defines_keys else (),
        tuple(sorted(depends)),  # a tuple: a frozenset of ~8 keys takes 5x the memory
    )


class ShardedMap(Mapping):
    """A dict split into 256 shards: a copy shares the shards, and a write copies only its shard.

    An edit changes a handful of dependency keys in a table of ~10 keys per note, and one entry of
    the tables of notes and summaries, so copying whole tables per keystroke would cost
    milliseconds (10 ms at 100k notes); copying one shard costs microseconds. Reads as a Mapping.
    """

    __slots__ = ("_shards", "_owned")
    _N = 256

    def __init__(self, shards: list[dict] | None = None) -> None:
        self._shards = shards if shards is not None else [{} for _ in range(self._N)]
        self._owned: set[int] = set(range(self._N)) if shards is None else set()

    @classmethod
    def of(cls, items) -> ShardedMap:
        made = cls()
        shards = made._shards
        for key, value in items:
            shards[hash(key) & 255][key] = value
        return made

    @classmethod
    def grouped(cls, items, several) -> ShardedMap:
        """key -> its one user, or `several(users)` for two or more, from `(user, keys)` pairs whose
        users are distinct: built straight into the shards, one pass over the keys (a first load's
        dependents: 1.4M keys at 100k notes)."""
        made = cls()
        shards = made._shards
        lists: list[tuple[dict, object]] = []  # (shard, key) whose users are a list until `several`
        for user, keys in items:
            for key in keys:
                shard = shards[hash(key) & 255]
                users = shard.get(key)
                if users is None:
                    shard[key] = user
                elif users.__class__ is list:
                    users.append(user)
                else:
                    shard[key] = [users, user]
                    lists.append((shard, key))
        for shard, key in lists:
            shard[key] = several(shard[key])
        return made

    def get(self, key, default=None):
        return self._shards[hash(key) & 255].get(key, default)

    def __getitem__(self, key):
        return self._shards[hash(key) & 255][key]

    def __contains__(self, key) -> bool:
        return key in self._shards[hash(key) & 255]

    def __iter__(self):
        for shard in self._shards:
            yield from shard

    def differing(self, older: ShardedMap):
        """(key, older value or None, value or None) for every key whose value is not the same
        object in `older`, a map this one was copied from: only the shards copied since are read."""
        for mine, theirs in zip(self._shards, older._shards):
            if mine is not theirs:
                for key in mine.keys() | theirs.keys():
                    now, was = mine.get(key), theirs.get(key)
                    if now is not was:
                        yield key, was, now

    def set(self, key, value) -> None:
        """Store `value` under `key` (None removes it), copying the key's shard on first write."""
        i = hash(key) & 255
        if i not in self._owned:
            self._shards[i] = dict(self._shards[i])
            self._owned.add(i)
        if value is None:
            self._shards[i].pop(key, None)
        else:
            self._shards[i][key] = value

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

    __slots__ = ("by_name", "lower_paths", "aliases", "cites", "cites_lower", "dependents", "_owned", "_owned_values")

    def __init__(self) -> None:
        self.by_name: dict[str, tuple[str, ...]] = {}
        self.lower_paths: dict[str, str] = {}
        self.aliases: dict[str, tuple[str, ...]] = {}
        self.cites: dict[str, tuple[CiteSource, ...]] = {}
        self.cites_lower: dict[str, tuple[str, ...]] = {}  # lower-cased cite key -> the keys in `cites` spelt so
        self.dependents = ShardedMap()  # dependency key -> the note path using it, or a sorted tuple of 2+ (`seal`)
        self._owned: set[str] = {"by_name", "lower_paths", "aliases", "cites", "cites_lower"}
        # (table, key) pairs whose value this copy created: updated in place, so adding n notes that share
        # one key costs O(n), not O(n²). The next copy owns nothing, so published values never change.
        self._owned_values: set[tuple[str, object]] = set()

    def copy(self) -> Tables:
        t = Tables.__new__(Tables)
        t.by_name, t.lower_paths, t.aliases, t.cites = self.by_name, self.lower_paths, self.aliases, self.cites
        t.cites_lower = self.cites_lower
        t.dependents = self.dependents.copy()
        t._owned = set()
        t._owned_values = set()
        return t

    def _value(self, table: str, key, make):
        """The value of `key` in `table` (by_name, aliases) that this copy may mutate (copied on first use)."""
        if (table, key) in self._owned_values:
            return getattr(self, table)[key]
        fresh = make(getattr(self, table).get(key) or ())
        self._mut(table)[key] = fresh
        self._owned_values.add((table, key))
        return fresh

    def _shrink(self, table: str, key, value) -> None:
        if not value:
            self._owned_values.discard((table, key))
            self._mut(table).pop(key, None)

    def _mut(self, name: str) -> dict:
        if name not in self._owned:
            setattr(self, name, dict(getattr(self, name)))
            self._owned.add(name)
        return getattr(self, name)

    # File names (every vault file, Markdown or not: R-2).
    def add_file(self, path: str) -> None:
        self.add_files([path])

    def add_files(self, paths: list[str]) -> None:
        """Add files to the name tables; each name's new paths are gathered first and merged once
        (a first load: each name's paths sorted once, not inserted one by one)."""
        if not paths:
            return  # no write, no copy of the table (`VaultHost.apply` ends every apply with this call)
        lower_paths = self._mut("lower_paths")
        named: dict[str, list[str]] = {}
        for path in paths:
            lower_paths[path] = name_key(path)
            key = name_key(basename(path))
            same = named.get(key)
            if same is None:
                named[key] = [path]
            else:
                same.append(path)
        for key, same in named.items():
            _merge_sorted(self._value("by_name", key, list), same)

    def remove_file(self, path: str) -> None:
        key = name_key(basename(path))
        if key in self.by_name:
            paths = self._value("by_name", key, list)
            if path in paths:
                paths.remove(path)
            self._shrink("by_name", key, paths)
        self._mut("lower_paths").pop(path, None)

    # A note's range-free contribution.
    def add_summary(self, path: str, s: Summary) -> None:
        if s.aliases or s.cites:
            self._add_definitions([(path, s)])
        for dep in s.depends:
            self._add_dependent(dep, path)

    def add_summaries(self, items: list[tuple[str, Summary]], dependents=None) -> None:
        """`add_summary` for many notes at once (a vault's first load): a dependency key used by one
        of them is stored once, without the per-call bookkeeping (3x faster at 10k notes); into an
        empty table in one pass (`ShardedMap.grouped`). A caller that already has the `(key, users)`
        these summaries give an empty table (the persistent index keeps them) passes them as
        `dependents`; with a table that is not empty they are ignored."""
        self._add_definitions(items)
        if dependents is not None and not len(self.dependents):
            self.dependents = ShardedMap.of(dependents)
            return
        if len(self.dependents):
            for path, s in items:
                for dep in s.depends:
                    self._add_dependent(dep, path)
            return
        # The values `_add_dependent` and `seal` make: the path for one user, a sorted tuple for several.
        self.dependents = ShardedMap.grouped(((path, s.depends) for path, s in items), _users)

    def _add_definitions(self, items: list[tuple[str, Summary]]) -> None:
        """The aliases and cite keys of notes' summaries: each alias's and key's new owners gathered
        first and merged once (owners sorted; a key's sources by path and kind, ties in order)."""
        aliases: dict[str, list[str]] = {}
        cites: dict[str, list[CiteSource]] = {}
        for path, s in items:
            for alias in s.aliases:
                owners = aliases.get(alias)
                if owners is None:
                    aliases[alias] = [path]
                else:
                    owners.append(path)
            for key, kind in s.cites:
                sources = cites.get(key)
                if sources is None:
                    cites[key] = [_make_source(key, path, kind)]
                else:
                    sources.append(_make_source(key, path, kind))
        for alias, paths in aliases.items():
            _merge_sorted(self._value("aliases", alias, list), paths)
        if cites:
            self._add_sources(cites)

    def _add_sources(self, cites: dict[str, list[CiteSource]]) -> None:
        """Add each key's new sources (kept sorted by path and kind, ties in order), keeping
        `cites_lower` in step."""
        known = self._mut("cites")
        lower = self._mut("cites_lower")
        for key, sources in cites.items():
            if key not in known:
                spelt = key.lower()
                lower[spelt] = tuple(sorted(lower.get(spelt, ()) + (key,)))
            known[key] = _sorted(known.get(key, ()) + tuple(sources))

    def replace_summary(self, path: str, old: Summary, new: Summary) -> None:
        """Patch only what differs between a note's old and new summary (typing a link changes its
        dependencies, rarely its aliases or cite keys)."""
        if (old.aliases, old.cites) != (new.aliases, new.cites):
            self.remove_summary(path, Summary(old.aliases, old.cites, frozenset()))
            self.add_summary(path, Summary(new.aliases, new.cites, frozenset()))
        before, after = set(old.depends), set(new.depends)
        self.remove_summary(path, Summary((), (), tuple(before - after)))
        self.add_summary(path, Summary((), (), tuple(after - before)))

    def remove_summary(self, path: str, s: Summary) -> None:
        for alias in s.aliases:
            if alias in self.aliases:
                owners = self._value("aliases", alias, list)
                if path in owners:
                    owners.remove(path)
                self._shrink("aliases", alias, owners)
        for key, _kind in s.cites:
            self._remove_sources(key, path)
        for dep in s.depends:
            self._remove_dependent(dep, path)

    # Dependents: a key used by one note maps to that note's path (most keys), by several to a sorted
    # tuple of them (a set of 2-9 paths takes 216-728 bytes, the tuple 72-128). The copy that adds
    # users to a key keeps them in a list it mutates in place (adding n users costs O(n log n), not
    # O(n²)); `seal()` turns those lists into tuples before the tables are published.
    def _add_dependent(self, dep: str, path: str) -> None:
        users = self.dependents.get(dep)
        if users is None:
            self.dependents.set(dep, path)
        elif isinstance(users, str):
            if users != path:
                self.dependents.set(dep, [users, path] if users < path else [path, users])
                self._owned_values.add(("dependents", dep))
        elif ("dependents", dep) in self._owned_values:
            i = bisect.bisect_left(users, path)
            if i == len(users) or users[i] != path:
                users.insert(i, path)
        else:
            i = bisect.bisect_left(users, path)
            if i == len(users) or users[i] != path:
                users = list(users)
                users.insert(i, path)
                self.dependents.set(dep, users)
                self._owned_values.add(("dependents", dep))

    def _remove_dependent(self, dep: str, path: str) -> None:
        users = self.dependents.get(dep)
        if users is None or (users != path if isinstance(users, str) else path not in users):
            return
        rest = [] if isinstance(users, str) else [u for u in users if u != path]
        if len(rest) <= 1:
            self.dependents.set(dep, rest[0] if rest else None)
            self._owned_values.discard(("dependents", dep))
        elif ("dependents", dep) in self._owned_values:
            users.remove(path)
        else:
            self.dependents.set(dep, rest)
            self._owned_values.add(("dependents", dep))

    def seal(self) -> None:
        """Freeze the dependents this copy changed (lists while it builds them) into tuples; call
        once the copy is complete, before a snapshot publishes it."""
        for table, key in self._owned_values:
            if table == "dependents":
                users = self.dependents.get(key)
                if isinstance(users, list):
                    self.dependents.set(key, tuple(users))
        self._owned_values = {k for k in self._owned_values if k[0] != "dependents"}

    def add_library(self, path: str, keys) -> None:
        cites: dict[str, list[CiteSource]] = {}
        for key in keys:
            cites.setdefault(key, []).append(_make_source(key, path, "bibliography"))
        if cites:
            self._add_sources(cites)

    def remove_library(self, path: str, keys) -> None:
        for key in set(keys):
            self._remove_sources(key, path)

    def _remove_sources(self, key: str, path: str) -> None:
        """Drop the sources `path` gives cite key `key`; the key itself (and its `cites_lower`
        spelling) when none remain."""
        if key not in self.cites:
            return
        sources = tuple(c for c in self.cites[key] if c.path != path)
        cites = self._mut("cites")
        if sources:
            cites[key] = sources
            return
        del cites[key]
        lower = self._mut("cites_lower")
        rest = tuple(k for k in lower.get(key.lower(), ()) if k != key)
        if rest:
            lower[key.lower()] = rest
        else:
            lower.pop(key.lower(), None)


def _merge_sorted(owners: list[str], new: list[str]) -> None:
    """Put `new` paths into the sorted, duplicate-free list `owners` (in place)."""
    if len(new) == 1:
        i = bisect.bisect_left(owners, new[0])
        if i == len(owners) or owners[i] != new[0]:
            owners.insert(i, new[0])
    else:
        owners[:] = sorted(set(owners).union(new))


def _users(paths: list[str]) -> str | tuple[str, ...]:
    """The dependents value of several paths: a sorted tuple (the path itself when they are one)."""
    unique = sorted(set(paths))
    return unique[0] if len(unique) == 1 else tuple(unique)


_make_source = fast(CiteSource)


def _sorted(sources: tuple[CiteSource, ...]) -> tuple[CiteSource, ...]:
    return tuple(sorted(sources, key=lambda c: (c.path, c.kind)))
