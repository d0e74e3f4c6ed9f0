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


class Tables:
    """The mutable tables behind a Vault; the host copies them before patching (copy-on-write)."""

    __slots__ = ("by_name", "lower_paths", "aliases", "cites", "dependents")

    def __init__(self) -> None:
        self.by_name: dict[str, tuple[str, ...]] = {}
        self.lower_paths: dict[str, str] = {}
        self.aliases: dict[str, tuple[str, ...]] = {}
        self.cites: dict[str, tuple[CiteSource, ...]] = {}
        self.dependents: dict[str, frozenset[str]] = {}

    def copy(self) -> Tables:
        t = Tables()
        t.by_name, t.lower_paths = dict(self.by_name), dict(self.lower_paths)
        t.aliases, t.cites, t.dependents = dict(self.aliases), dict(self.cites), dict(self.dependents)
        return t

    # File names (every vault file, Markdown or not: R-2).
    def add_file(self, path: str) -> None:
        key = name_key(basename(path))
        self.lower_paths[path] = name_key(path)
        self.by_name[key] = tuple(sorted(self.by_name.get(key, ()) + (path,)))

    def remove_file(self, path: str) -> None:
        key = name_key(basename(path))
        rest = tuple(p for p in self.by_name.get(key, ()) if p != path)
        if rest:
            self.by_name[key] = rest
        else:
            self.by_name.pop(key, None)
        self.lower_paths.pop(path, None)

    # A note's range-free contribution.
    def add_summary(self, path: str, s: Summary) -> None:
        for alias in s.aliases:
            self.aliases[alias] = tuple(sorted(set(self.aliases.get(alias, ())) | {path}))
        for key, kind in s.cites:
            self.cites[key] = _sorted(self.cites.get(key, ()) + (CiteSource(key, path, kind),))
        for dep in s.depends:
            self.dependents[dep] = self.dependents.get(dep, frozenset()) | {path}

    def remove_summary(self, path: str, s: Summary) -> None:
        for alias in s.aliases:
            _drop(self.aliases, alias, tuple(p for p in self.aliases.get(alias, ()) if p != path))
        for key, _kind in s.cites:
            _drop(self.cites, key, tuple(c for c in self.cites.get(key, ()) if c.path != path))
        for dep in s.depends:
            _drop(self.dependents, dep, self.dependents.get(dep, frozenset()) - {path})

    def add_library(self, path: str, keys) -> None:
        for key in keys:
            self.cites[key] = _sorted(self.cites.get(key, ()) + (CiteSource(key, path, "bibliography"),))

    def remove_library(self, path: str, keys) -> None:
        for key in set(keys):
            _drop(self.cites, key, tuple(c for c in self.cites.get(key, ()) if c.path != path))


def _drop(table: dict, key, value) -> None:
    if value:
        table[key] = value
    else:
        table.pop(key, None)


def _sorted(sources: tuple[CiteSource, ...]) -> tuple[CiteSource, ...]:
    return tuple(sorted(sources, key=lambda c: (c.path, c.kind)))
