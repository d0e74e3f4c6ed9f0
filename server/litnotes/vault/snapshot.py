"""`Vault`: an immutable snapshot of every note, file and library, with read-only queries.

Snapshot contract: a `Vault` is never mutated after `VaultHost` publishes it. Readers keep one
for the length of a request; a newer revision may exist meanwhile, the old one stays consistent.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

from ..syntax import BlockId, Heading, Link, NoteSyntax, Problem
from .index import CiteSource, Summary, Tables
from .names import name_key
from .resolver import PathResolution, find_block, find_heading, resolve_linkpath
from .settings import VaultSettings

__all__ = ["Vault", "LinkResolution"]


@dataclass(frozen=True, slots=True)
class LinkResolution:
    """What a link means in this vault: the file it opens and, inside a note, the heading or block."""

    path: str | None
    candidates: tuple[str, ...] = ()
    subpath_kind: str = ""  # "" (none), "heading", "block", "footnote", "unchecked" (non-Markdown target)
    heading: Heading | None = None
    block: BlockId | None = None
    subpath_found: bool = True

    @property
    def resolved(self) -> bool:
        return self.path is not None and self.subpath_found


class Vault:
    """The whole vault at one revision. Only `VaultHost` constructs it."""

    __slots__ = ("revision", "settings", "_notes", "_files", "_tables", "_summaries", "_problems", "_libraries", "_cache",
                 "_derived")

    def __init__(self, revision: int, settings: VaultSettings, notes: Mapping[str, NoteSyntax], files: frozenset[str],
                 tables: Tables, summaries: Mapping[str, Summary], problems: dict[str, tuple[Problem, ...]],
                 libraries: dict[str, object], derived: dict | None = None) -> None:
        self.revision = revision
        self.settings = settings
        self._notes = notes
        self._files = files
        self._tables = tables
        self._summaries = summaries
        self._problems = problems
        self._libraries = libraries
        self._cache: dict[str, object] = {}  # derived lookups, computed on first use (the snapshot never changes)
        # Lookups derived from one table, shared with the host's other snapshots and reused while
        # that table is the same object (tables are copied on write): name -> (table, value).
        self._derived: dict[str, tuple[object, object]] = derived if derived is not None else {}

    # --- contents -------------------------------------------------------------------------
    @property
    def notes(self) -> Mapping[str, NoteSyntax]:
        return self._notes  # a read-only Mapping (the host's copy-on-write ShardedMap)

    @property
    def files(self) -> frozenset[str]:
        return self._files

    @property
    def libraries(self) -> Mapping[str, object]:
        """Bibliography path -> the library change that set it (`.keys`, `.data`)."""
        return MappingProxyType(self._libraries)

    def note(self, path: str) -> NoteSyntax | None:
        return self._notes.get(path)

    def file_problems(self, path: str) -> tuple[Problem, ...]:
        """Problems found while reading a file (encoding, size, settings), not by parsing it."""
        return self._problems.get(path, ())

    @property
    def problem_paths(self) -> tuple[str, ...]:
        return tuple(self._problems)

    def is_checked(self, path: str) -> bool:
        return path in self._notes and not self.settings.is_excluded(path)

    # --- resolution -----------------------------------------------------------------------
    def resolve_path(self, linkpath: str, source: str) -> PathResolution:
        return resolve_linkpath(linkpath, source, self._tables.by_name, self._tables.lower_paths)

    def resolve(self, source: str, link: Link) -> LinkResolution:
        where = self.resolve_path(link.path, source)
        if where.path is None:
            return LinkResolution(None)
        sub = link.subpath
        if sub is None or not sub.strip():
            return LinkResolution(where.path, where.candidates)
        target = self._notes.get(where.path)
        if target is None or not where.path.lower().endswith(".md"):
            return LinkResolution(where.path, where.candidates, "unchecked")
        sub = sub.strip()
        if sub.startswith("[^"):
            return LinkResolution(where.path, where.candidates, "footnote")
        if sub.startswith("^"):
            block = find_block(target, sub[1:])
            return LinkResolution(where.path, where.candidates, "block", block=block, subpath_found=block is not None)
        heading = find_heading(target, sub)
        if heading is True:
            return LinkResolution(where.path, where.candidates)
        return LinkResolution(where.path, where.candidates, "heading", heading=heading, subpath_found=heading is not None)

    def attachment_names_by_stem(self) -> Mapping[str, tuple[str, ...]]:
        """Lower-cased stem -> names of non-note files with that stem (`Figure 1` -> `Figure 1.png`)."""
        by_name = self._tables.by_name

        def build() -> dict:
            stems: dict[str, list[str]] = {}
            for name_lower, paths in by_name.items():
                if not name_lower.endswith(".md") and "." in name_lower:
                    stems.setdefault(name_lower.rsplit(".", 1)[0], []).extend(p.rsplit("/", 1)[-1] for p in paths)
            return {k: tuple(sorted(v)) for k, v in stems.items()}
        return self._derived_from("stems", by_name, build)

    def _derived_from(self, name: str, source: object, build):
        """`build()`'s value, reused from an earlier snapshot whose `source` table is this very object."""
        kept = self._derived.get(name)
        if kept is not None and kept[0] is source:
            return kept[1]
        value = build()
        self._derived[name] = (source, value)
        return value

    def library_entries(self, key: str) -> list[tuple[str, object]]:
        """(library path, BibEntry) for every library entry that defines `key` (its key or a BibLaTeX `ids`)."""
        libraries = self._libraries

        def build() -> dict:
            table: dict = {}
            for path, lib in sorted(libraries.items()):
                for entry in getattr(lib.data, "entries", ()):
                    for k in (entry.key, *entry.extra_keys):
                        table.setdefault(k, []).append((path, entry))
            return table
        return self._derived_from("entries", libraries, build).get(key, [])

    # --- names, aliases and cite keys ------------------------------------------------------
    def notes_with_alias(self, alias: str) -> tuple[str, ...]:
        return self._tables.aliases.get(name_key(alias.strip()), ())

    def cite_sources(self, key: str) -> tuple[CiteSource, ...]:
        return self._tables.cites.get(key, ())

    @property
    def cite_keys(self) -> Mapping[str, tuple[CiteSource, ...]]:
        return MappingProxyType(self._tables.cites)

    def cite_keys_ignoring_case(self, key: str) -> tuple[str, ...]:
        return self._tables.cites_lower.get(key.lower(), ())

    def dependents(self, dependency_keys) -> set[str]:
        """Notes whose links or citations name any of these dependency keys."""
        result: set[str] = set()
        for key in dependency_keys:
            users = self._tables.dependents.get(key)
            if isinstance(users, str):
                result.add(users)
            elif users:
                result.update(users)
        return result

    def summary(self, path: str) -> Summary | None:
        return self._summaries.get(path)

    def structure(self) -> tuple:
        """Every table, for comparing an incrementally updated vault with a rebuild (paranoid mode)."""
        t = self._tables
        return (sorted(self._notes), sorted(self._files), t.by_name, t.lower_paths, t.aliases, t.cites,
                t.dependents.to_dict(), self._summaries.to_dict(), self._problems, sorted(self._libraries), t.cites_lower)
