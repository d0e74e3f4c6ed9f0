"""`VaultHost`: the only mutable object of the engine. It applies changes and publishes snapshots.

Every input arrives as a change (a note's text, a file's presence, a library, settings); the
host re-parses only the notes it is given, patches the lookup tables from range-free summary
diffs, and returns the new `Vault` together with the notes whose diagnostics may have changed.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Iterable, Union

from ..syntax import NoteSyntax, Problem, parse_note
from .index import ShardedMap, Summary, Tables, summary
from .names import basename, name_key
from .settings import VaultSettings
from .snapshot import Vault

# Notes parsed from text (the ones being edited) stay in detail, for hover and completion on them;
# beyond this many the least recently set go to index form (`NoteSyntax.index_form`), as loaded ones are.
KEEP_DETAILED = 32

__all__ = ["VaultHost", "SetNote", "SetFile", "Remove", "SetLibrary", "SetProblems", "SetSettings", "Change"]


@dataclass(frozen=True)
class SetNote:
    """A Markdown note's current text (or an already parsed record, e.g. from a worker process)."""

    path: str
    text: str | None = None
    syntax: NoteSyntax | None = None
    summary: Summary | None = None  # `summary(path, syntax)` made where it was parsed, for a note that is not excluded


@dataclass(frozen=True)
class SetFile:
    """A non-note file exists (attachments are link targets too, R-2)."""

    path: str


@dataclass(frozen=True)
class Remove:
    path: str


@dataclass(frozen=True)
class SetLibrary:
    """A bibliography file's keys (and its parsed form for hover and definition)."""

    path: str
    keys: tuple[str, ...]
    data: object = None


@dataclass(frozen=True)
class SetProblems:
    """Problems found while reading a file: encoding, size, settings syntax. Empty clears them."""

    path: str
    problems: tuple[Problem, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class SetSettings:
    settings: VaultSettings


Change = Union[SetNote, SetFile, Remove, SetLibrary, SetProblems, SetSettings]


def _shape(note: NoteSyntax | None) -> tuple:
    """What other notes can see of a note besides its summary: headings and block ids."""
    if note is None:
        return ()
    return (tuple(note.outline()), tuple(sorted(note.block_map())))


class VaultHost:
    """Owns the current `Vault`; `apply` is the single writer. Not thread-safe: call it from one thread."""

    def __init__(self, settings: VaultSettings | None = None) -> None:
        self.parse_count = 0  # how many notes this host has parsed (tests assert on it)
        self._settings = settings or VaultSettings()
        self._notes: ShardedMap = ShardedMap()  # path -> NoteSyntax, copied per shard on write
        self._files: frozenset[str] = frozenset()
        self._tables = Tables()
        self._summaries: ShardedMap = ShardedMap()  # path -> Summary
        self._problems: dict[str, tuple[Problem, ...]] = {}
        self._libraries: dict[str, SetLibrary] = {}
        self._revision = 0
        self._detailed: OrderedDict[str, None] = OrderedDict()  # paths held in detail, least recent first
        self._derived: dict = {}  # lookups derived from unchanged tables, shared by this host's snapshots
        self._vault = self._publish()

    @property
    def vault(self) -> Vault:
        return self._vault

    def parse(self, text: str) -> NoteSyntax:
        self.parse_count += 1
        return parse_note(text, self._settings.parse_options)

    def apply(self, changes: Iterable[Change], dependents=None) -> tuple[Vault, set[str]]:
        """Apply changes in order; return the new snapshot and the notes to re-diagnose.

        `dependents`, for a first load only: the `(key, users)` pairs the summaries of its notes give
        (`Tables.add_summaries`), when the caller has them already."""
        notes = self._notes.copy()
        files: frozenset[str] | set[str] = self._files  # a set once this apply adds or removes a file
        tables = self._tables.copy()
        summaries = self._summaries.copy()
        problems = dict(self._problems)
        libraries = self._libraries  # copied on the first change only: snapshots share it while unchanged
        libraries_copied = False
        affected: set[str] = set()
        deps: set[str] = set()
        library_paths_changed = False
        had_keys = bool(self._vault.cite_keys)
        # A first load (no file known yet): every note it sets is affected, so no dependency key is
        # tracked, and the notes' summaries go into the tables in one go (`Tables.add_summaries`).
        initial = not files
        pending: list[tuple[str, Summary]] = []
        new_files: list[str] = []  # a first load's files, added to the tables in one go (`Tables.add_files`)
        for change in changes:
            if (pending or new_files) and (isinstance(change, (Remove, SetSettings))
                                           or (isinstance(change, SetNote) and change.path in summaries)):
                # What follows reads or replaces those files' and summaries' table entries.
                tables.add_files(new_files)
                if pending:
                    tables.add_summaries(pending)
                pending, new_files = [], []
            if isinstance(change, SetSettings):
                self._settings = change.settings
                tables, summaries = self._retable(notes, files, libraries)
                affected |= set(notes)
            elif isinstance(change, SetNote):
                syntax = change.syntax if change.syntax is not None else self.parse(change.text or "")
                path = change.path
                if path not in files:
                    files = files if isinstance(files, set) else set(files)
                    files.add(path)
                    if initial:
                        new_files.append(path)
                    else:
                        tables.add_file(path)
                        deps.add("n:" + name_key(basename(path)))
                old_summary = summaries.get(path)
                new_summary = self._summary(change, syntax)
                if old_summary is None or old_summary != new_summary:
                    if old_summary is None and initial:
                        pending.append((path, new_summary))
                    elif old_summary is None:
                        tables.add_summary(path, new_summary)
                        deps |= _defined_keys(new_summary)
                    else:
                        tables.replace_summary(path, old_summary, new_summary)
                        if (old_summary.aliases, old_summary.cites) != (new_summary.aliases, new_summary.cites):
                            # What the note defines changed: the notes using its old or new names.
                            deps |= _defined_keys(old_summary) | _defined_keys(new_summary)
                    summaries.set(path, new_summary)
                old_note = notes.get(path)
                if not initial and (old_note is None or _shape(old_note) != _shape(syntax)):
                    deps.add("n:" + name_key(basename(path)))
                notes.set(path, syntax)
                self._detailed.pop(path, None)
                if syntax.detailed:
                    self._detailed[path] = None
                affected.add(path)
            elif isinstance(change, SetFile):
                if change.path not in files:
                    files = files if isinstance(files, set) else set(files)
                    files.add(change.path)
                    if initial:
                        new_files.append(change.path)
                    else:
                        tables.add_file(change.path)
                        deps.add("n:" + name_key(basename(change.path)))
            elif isinstance(change, Remove):
                path = change.path
                if path in files:
                    files = files if isinstance(files, set) else set(files)
                    files.discard(path)
                    tables.remove_file(path)
                    deps.add("n:" + name_key(basename(path)))
                if path in notes:
                    old_summary = summaries[path]
                    summaries.set(path, None)
                    tables.remove_summary(path, old_summary)
                    deps |= _defined_keys(old_summary)
                    notes.set(path, None)
                    self._detailed.pop(path, None)
                if path in libraries:
                    if not libraries_copied:
                        libraries, libraries_copied = dict(libraries), True
                    removed = libraries.pop(path)
                    tables.remove_library(path, removed.keys)
                    deps |= {"c:" + k.lower() for k in removed.keys}
                    library_paths_changed = True
                problems.pop(path, None)
            elif isinstance(change, SetLibrary):
                old = libraries.get(change.path)
                if old is not None:
                    tables.remove_library(change.path, old.keys)
                    deps |= {"c:" + k.lower() for k in old.keys}
                else:
                    library_paths_changed = True
                tables.add_library(change.path, change.keys)
                deps |= {"c:" + k.lower() for k in change.keys}
                if not libraries_copied:
                    libraries, libraries_copied = dict(libraries), True
                libraries[change.path] = change
            elif isinstance(change, SetProblems):
                if problems.get(change.path, ()) != tuple(change.problems):
                    affected.add(change.path)  # read problems are among the note's own diagnostics
                if change.problems:
                    problems[change.path] = tuple(change.problems)
                else:
                    problems.pop(change.path, None)
        tables.add_files(new_files)
        if pending:
            tables.add_summaries(pending, dependents if initial else None)
        while len(self._detailed) > KEEP_DETAILED:
            old, _ = self._detailed.popitem(last=False)
            if old in notes:
                notes.set(old, notes[old].index_form())
        tables.seal()
        self._notes, self._files, self._tables = notes, frozenset(files) if isinstance(files, set) else files, tables
        self._summaries, self._problems, self._libraries = summaries, problems, libraries
        self._vault = self._publish()
        if initial:
            return self._vault, set(notes)  # the old code's answer too: every note was set in this apply
        for name in [k[2:] for k in deps if k.startswith("n:")]:
            # A file name appearing or going changes how the notes of that name are linked to (the
            # shortest link text, R-12), which `link.bare-alias` spells out: their aliases' users too.
            for owner in tables.by_name.get(name, ()):
                if owner in summaries:
                    deps |= {"a:" + alias for alias in summaries[owner].aliases}
        affected |= self._vault.dependents(deps)
        if bool(self._vault.cite_keys) != had_keys:
            # A vault without any cite-key source reports unknown citations as hints: all citing notes change.
            affected |= {p for p, note in notes.items() if note.citations}
        if library_paths_changed:
            # Whether there is a library at all, and which, is part of every literature note's check
            # ("not in the bibliography (`refs.bib`)"): all notes that define a cite key.
            affected |= {s.path for sources in self._vault.cite_keys.values() for s in sources}
        if any(k.startswith("c:") for k in deps):
            # Cite-key duplicates and mismatches are judged on the defining notes themselves.
            for key in (k[2:] for k in deps if k.startswith("c:")):
                affected |= {s.path for exact in self._vault.cite_keys_ignoring_case(key)
                             for s in self._vault.cite_sources(exact)}
        return self._vault, {p for p in affected if p in notes}

    def _summary(self, change: SetNote, syntax: NoteSyntax) -> Summary:
        defines_keys = not self._settings.is_excluded(change.path)
        if change.summary is not None and change.syntax is syntax:
            # An excluded note defines no cite keys; what it depends on is the same (and its strings
            # are the ones the dependents table shares).
            return change.summary if defines_keys else Summary(change.summary.aliases, (), change.summary.depends)
        return summary(change.path, syntax, defines_keys)

    def _retable(self, notes, files, libraries) -> tuple[Tables, ShardedMap]:
        tables = Tables()
        summaries: dict[str, Summary] = {}
        for path in sorted(files):
            tables.add_file(path)
        for path in sorted(notes):
            summaries[path] = summary(path, notes[path], not self._settings.is_excluded(path))
            tables.add_summary(path, summaries[path])
        for path in sorted(libraries):
            tables.add_library(path, libraries[path].keys)
        tables.seal()
        return tables, ShardedMap.of(summaries.items())

    def _publish(self) -> Vault:
        self._revision += 1
        return Vault(self._revision, self._settings, self._notes, self._files, self._tables,
                     self._summaries, self._problems, self._libraries, self._derived)

    @classmethod
    def rebuild(cls, vault: Vault) -> VaultHost:
        """A fresh host built from scratch from a snapshot's contents (the paranoid check's reference)."""
        host = cls(vault.settings)
        changes: list[Change] = [SetFile(p) for p in sorted(vault.files) if p not in vault.notes]
        changes += [SetNote(p, syntax=vault.notes[p]) for p in sorted(vault.notes)]
        changes += [SetProblems(p, vault.file_problems(p)) for p in vault.problem_paths]
        changes += [SetLibrary(p, lib.keys, lib.data) for p, lib in sorted(vault.libraries.items())]
        host.apply(changes)
        return host


def _defined_keys(s: Summary) -> set[str]:
    return {"a:" + a for a in s.aliases} | {"c:" + k.lower() for k, _ in s.cites}
