"""Loads a whole vault from disk into a `VaultHost`: settings, scan, read, parse.

Parsing runs in worker processes for large vaults (each worker reads its own files and returns
compact records: each note's index form, without callouts and highlights), on all cores the
machine has; small vaults are parsed in-process.
"""

from __future__ import annotations

import gc
import json
import logging
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..syntax import ParseOptions, index_note
from ..vault import Change, SetFile, SetNote, SetProblems, VaultHost, VaultSettings
from ..vault.index import summary
from .cache import IndexCache
from .config import CONFIG_NAME, load_settings, settings_stamps
from .libraries import LibraryCache, is_library_candidate, library_changes, wanted_libraries
from .scan import ScanResult, read_note, scan_vault

__all__ = ["load_vault", "LoadStats", "POOL_THRESHOLD", "save_index", "SETTLE_SECONDS", "threaded_context", "usable_cores",
           "changed_since"]

log = logging.getLogger(__name__)
POOL_THRESHOLD = 1500  # below this many notes a process pool costs more than it saves
SETTLE_SECONDS = 2.0  # what the server and check pass to `save_index`: notes modified this shortly before a load are not saved


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, which a container or `taskset` may
    narrow), not all the machine has: more workers than that only take turns."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def threaded_context():
    """The multiprocessing context for parse workers of a process that runs threads (the server):
    `forkserver`, or `spawn` where there is none (forking a threaded process is unsafe)."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods and sys.platform != "darwin" else "spawn")


@dataclass
class LoadStats:
    notes: int
    files: int
    skipped: list[tuple[str, str]]
    seconds: float
    workers: int
    parsed: int = 0  # notes parsed now; the others came from the persistent index
    index: IndexCache | None = None  # call `save_index(stats)` to write it (e.g. in the background)
    entries: dict | None = None
    started_ns: int = 0  # wall clock (time.time_ns) when the load began, to compare with files' mtimes
    libraries: LibraryCache | None = None  # the libraries the load used, parsed or from the persistent index
    libraries_parsed: int = 0  # of those, parsed now
    # With `keep_stamps`: (mtime_ns, size) of every file the load saw, settings files included, as
    # it saw them (see `changed_since`).
    stamps: dict[str, tuple[int, int]] | None = None

    @property
    def rehashed(self) -> int:
        """Of the notes taken from the persistent index, those whose mtime had changed but not their
        content (read and hashed)."""
        return self.index.rehashed if self.index is not None else 0

    @property
    def worth_saving(self) -> bool:
        """Did the load parse anything the persistent index could have spared it, or find notes whose
        new stamps it should record? (The records to save are made only then.)"""
        return self.entries is not None


def save_index(stats: LoadStats, settle_seconds: float = 0.0) -> None:
    """Write the persistent index of a finished load (the records it parsed or reused).

    With `settle_seconds`, notes modified less than that long before the load are left out: a note
    rewritten with the same size within the same clock tick as its stamp would otherwise be reused
    stale (as git's "racily clean" entries; `litnotes check` has no file watcher to catch it)."""
    if stats.index is None or stats.entries is None:
        return
    entries = stats.entries
    limit = None
    if settle_seconds > 0:
        limit = stats.started_ns - int(settle_seconds * 1e9)
        entries = {rel: entry for rel, entry in entries.items() if entry[0][0] < limit}
    stats.index.save(entries, stats.libraries.stored(limit) if stats.libraries is not None else None)


def changed_since(root: Path, stamps: dict[str, tuple[int, int]], since_ns: int, scan: ScanResult) -> set[str]:
    """The files of the vault at `root` (settings files included) that a load which took `stamps`
    would now read differently: created or removed since, with another (mtime_ns, size), or
    modified at or after `since_ns` (a load's start less `SETTLE_SECONDS`), since a same-size
    rewrite within one clock tick of its stamp keeps the stamp. What a file watcher started after
    the load must catch up with. `scan` is a scan of the vault made now, with every file's stamp
    (`walk_vault(..., stamps=True, file_stamps=True)`)."""
    now = {**scan.stamps, **settings_stamps(root)}
    changed = now.keys() ^ stamps.keys()
    changed.update(rel for rel, stamp in now.items() if stamp[0] >= since_ns or stamps.get(rel) != stamp)
    return changed


def _read_and_parse(batch: list[tuple[str, str]], max_bytes: int, options: ParseOptions):
    gc.disable()  # parsing allocates many small records and no cycles: the cyclic collector only costs time
    out = []
    for absolute, rel in batch:
        text, problems = read_note(absolute, max_bytes)  # a str path: a `Path` per note costs time
        if text is None:
            out.append((rel, None, problems, None, None))
            continue
        syntax = index_note(text, options)  # = parse_note(text, options).index_form()
        # The note's contribution to the vault's tables, made here rather than in the main process.
        # Its content digest is made only if the persistent index is saved (`IndexCache.save`).
        out.append((rel, syntax, problems, summary(rel, syntax), None))
    return out


def _parsed(root: Path, scan: ScanResult, settings: VaultSettings, workers: int, progress, mp_context,
            index: IndexCache | None, meanwhile: Callable[[], None]):
    """(rel, syntax, problems, summary, content digest or None) for every note, reusing the persistent
    index where a note is unchanged (its stamp, taken by the scan when there is an index, is the
    recorded one, or only its mtime differs and its content is the recorded one); and how many notes
    were parsed. `meanwhile` runs while worker processes parse, if any do."""
    results: list = []
    items = []
    base = str(root) + os.sep
    for rel in scan.notes:
        stamp = scan.stamps.get(rel)
        hit = index.lookup(rel, stamp) if index is not None and stamp is not None else None
        if hit is not None:
            results.append((rel, *hit))
        else:
            items.append((base + rel, rel))
    results += _parse_items(items, settings, workers, progress, mp_context, len(results), meanwhile)
    return results, len(items)


def _parse_items(items, settings: VaultSettings, workers: int, progress, mp_context, done_before: int,
                 meanwhile: Callable[[], None]):
    total = len(items) + done_before
    pooled = workers > 1 and len(items) >= POOL_THRESHOLD
    size = max(20, min(200, len(items) // (workers * 8) or 1)) if pooled else 500
    batches = [items[i : i + size] for i in range(0, len(items), size)]
    results: list = []
    if not pooled:
        for batch in batches:
            results.extend(_read_and_parse(batch, settings.max_note_bytes, settings.parse_options))
            if progress:
                progress(done_before + len(results), total)
        return results
    with ProcessPoolExecutor(max_workers=workers, mp_context=mp_context) as pool:
        parts = pool.map(_read_and_parse, batches, [settings.max_note_bytes] * len(batches),
                         [settings.parse_options] * len(batches))
        # The workers take a few tenths of a second to start (a fork server, its imports) and then
        # keep the cores busy; this process would only wait for them (reading the 100k bench
        # vault's 30,000-entry library: 0.56 s).
        meanwhile()
        for part in parts:
            results.extend(part)
            if progress:
                progress(done_before + len(results), total)
    return results


def load_vault(root: Path, workers: int | None = None, libraries: LibraryCache | None = None, *,
               progress: Callable[[int, int], None] | None = None, mp_context=None,
               adjust_settings: Callable[[VaultSettings], VaultSettings] | None = None,
               use_index: bool = False, keep_stamps: bool = False) -> tuple[VaultHost, LoadStats]:
    """Index the vault at `root` from scratch.

    `progress(done, total)` is called as notes are parsed; `mp_context` chooses how worker processes
    start (a threaded caller such as the language server must not fork); `adjust_settings` merges
    the editor's settings over the vault's files; `use_index` reuses the persistent index for
    unchanged notes (and returns what `save_index` writes); `keep_stamps` returns the stamps of the
    files as read (`LoadStats.stamps`, for `changed_since`)."""
    started = time.perf_counter()
    started_ns = time.time_ns()
    root = Path(root)
    enabled = gc.isenabled()
    gc.disable()
    try:
        host, stats = _load(root, workers, started, libraries or LibraryCache(), progress, mp_context, adjust_settings,
                            use_index, keep_stamps)
        stats.started_ns = started_ns
        return host, stats
    finally:
        gc.freeze()  # the loaded index is long-lived: keep it out of future collections
        if enabled:
            gc.enable()


def _load(root: Path, workers: int | None, started: float, libraries: LibraryCache, progress, mp_context,
          adjust_settings, use_index: bool, keep_stamps: bool) -> tuple[VaultHost, LoadStats]:
    kept = settings_stamps(root) if keep_stamps else None  # before they are read
    settings, config_problems = load_settings(root)
    if adjust_settings is not None:
        settings = adjust_settings(settings)
    index = None
    if use_index:
        options = json.dumps([sorted(settings.citekey_properties), settings.max_note_bytes])
        index = IndexCache(root, options)
        if index.load():
            libraries.restore(index.libraries)
    # After reading the index, so that a note's stamp is taken just before it is looked up.
    scan = scan_vault(root, stamps=use_index or keep_stamps, file_stamps=keep_stamps)
    if kept is not None:
        kept.update(scan.stamps)
    for path, reason in scan.skipped:
        log.info("skipped %s: %s", path, reason)
    workers = workers if workers is not None else usable_cores()
    host = VaultHost(settings)
    changes: list[Change] = [SetFile(p) for p in scan.files]
    named: list[tuple[str, str]] = []  # (note, value of its `bibliography:` property)
    parse_count = libraries.parse_count
    # The libraries known without the notes (vault files that sniff as one, configured paths) are
    # read while worker processes parse the notes; those named by a note's `bibliography:` after.
    known = wanted_libraries(root, [p for p in scan.files if is_library_candidate(p)], settings.bibliography)

    def read_known_libraries() -> None:
        for display, path in known.items():
            libraries.load(path, display)

    parsed_notes, parsed = _parsed(root, scan, settings, workers, progress, mp_context, index, read_known_libraries)
    dependents = None
    if index is not None:
        if not parsed and index.all_reused:  # the vault's notes are exactly the saved ones: so is its dependents table
            dependents = index.dependents({rel: rel for rel in scan.notes})
        index.forget_records()  # every lookup is done: the notes hold what the file's records had
    for rel, syntax, problems, made, _digest in parsed_notes:
        if syntax is not None:
            changes.append(SetNote(rel, syntax=syntax, summary=made))
            if syntax.frontmatter is not None:
                named += [(rel, v) for k, v in syntax.frontmatter.properties if k.lower() == "bibliography"]
        else:
            changes.append(SetFile(rel))
        if problems:
            changes.append(SetProblems(rel, problems))
    if config_problems:
        changes.append(SetProblems(CONFIG_NAME, tuple(config_problems)))
    changes += library_changes(root, known, named, libraries)
    libraries_parsed = libraries.parse_count - parse_count
    entries = None
    # What `save_index` writes, made only if worth it: something was parsed, or notes were reused by
    # their content and their new stamps are worth recording (else each start would read them again).
    if index is not None and (parsed or libraries_parsed or index.rehashed):
        stamps = scan.stamps
        entries = {rel: (stamps[rel], syntax, problems, made, digest) for rel, syntax, problems, made, digest in parsed_notes
                   if rel in stamps}
    del parsed_notes
    host.apply(changes, dependents)
    used = workers if parsed >= POOL_THRESHOLD else 1
    return host, LoadStats(len(scan.notes), len(scan.files), scan.skipped, time.perf_counter() - started, used,
                           parsed, index, entries, libraries=libraries, libraries_parsed=libraries_parsed, stamps=kept)
