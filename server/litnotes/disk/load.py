"""Loads a whole vault from disk into a `VaultHost`: settings, scan, read, parse.

Parsing runs in worker processes for large vaults (each worker reads its own files and returns
compact records), on all cores the machine has; small vaults are parsed in-process.
"""

from __future__ import annotations

import gc
import logging
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..syntax import ParseOptions, parse_note
from ..vault import Change, SetFile, SetNote, SetProblems, VaultHost, VaultSettings
from .config import CONFIG_NAME, load_settings
from .libraries import LibraryCache, is_library_candidate, library_changes
from .scan import ScanResult, read_note, scan_vault

__all__ = ["load_vault", "LoadStats", "POOL_THRESHOLD"]

log = logging.getLogger(__name__)
POOL_THRESHOLD = 1500  # below this many notes a process pool costs more than it saves


@dataclass
class LoadStats:
    notes: int
    files: int
    skipped: list[tuple[str, str]]
    seconds: float
    workers: int


def _read_and_parse(batch: list[tuple[str, str]], max_bytes: int, options: ParseOptions):
    gc.disable()  # parsing allocates many small records and no cycles: the cyclic collector only costs time
    out = []
    for absolute, rel in batch:
        text, problems = read_note(Path(absolute), max_bytes)
        out.append((rel, parse_note(text, options) if text is not None else None, problems))
    return out


def _parsed(root: Path, scan: ScanResult, settings: VaultSettings, workers: int, progress, mp_context):
    items = [(str(root / rel), rel) for rel in scan.notes]
    total = len(items)
    pooled = workers > 1 and total >= POOL_THRESHOLD
    size = max(20, min(200, total // (workers * 8) or 1)) if pooled else 500
    batches = [items[i : i + size] for i in range(0, total, size)]
    results: list = []
    if not pooled:
        for batch in batches:
            results.extend(_read_and_parse(batch, settings.max_note_bytes, settings.parse_options))
            if progress:
                progress(len(results), total)
        return results
    with ProcessPoolExecutor(max_workers=workers, mp_context=mp_context) as pool:
        for part in pool.map(_read_and_parse, batches, [settings.max_note_bytes] * len(batches),
                             [settings.parse_options] * len(batches)):
            results.extend(part)
            if progress:
                progress(len(results), total)
    return results


def load_vault(root: Path, workers: int | None = None, libraries: LibraryCache | None = None, *,
               progress: Callable[[int, int], None] | None = None, mp_context=None,
               adjust_settings: Callable[[VaultSettings], VaultSettings] | None = None) -> tuple[VaultHost, LoadStats]:
    """Index the vault at `root` from scratch.

    `progress(done, total)` is called as notes are parsed; `mp_context` chooses how worker processes
    start (a threaded caller such as the language server must not fork); `adjust_settings` merges
    the editor's settings over the vault's files."""
    started = time.perf_counter()
    root = Path(root)
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load(root, workers, started, libraries or LibraryCache(), progress, mp_context, adjust_settings)
    finally:
        gc.freeze()  # the loaded index is long-lived: keep it out of future collections
        if enabled:
            gc.enable()


def _load(root: Path, workers: int | None, started: float, libraries: LibraryCache, progress, mp_context,
          adjust_settings) -> tuple[VaultHost, LoadStats]:
    settings, config_problems = load_settings(root)
    if adjust_settings is not None:
        settings = adjust_settings(settings)
    scan = scan_vault(root)
    for path, reason in scan.skipped:
        log.info("skipped %s: %s", path, reason)
    workers = workers if workers is not None else (os.cpu_count() or 1)
    host = VaultHost(settings)
    changes: list[Change] = [SetFile(p) for p in scan.files]
    named: list[tuple[str, str]] = []  # (note, value of its `bibliography:` property)
    for rel, syntax, problems in _parsed(root, scan, settings, workers, progress, mp_context):
        if syntax is not None:
            changes.append(SetNote(rel, syntax=syntax))
            if syntax.frontmatter is not None:
                named += [(rel, v) for k, v in syntax.frontmatter.properties if k.lower() == "bibliography"]
        else:
            changes.append(SetFile(rel))
        if problems:
            changes.append(SetProblems(rel, problems))
    if config_problems:
        changes.append(SetProblems(CONFIG_NAME, tuple(config_problems)))
    changes += library_changes(root, [p for p in scan.files if is_library_candidate(p)], settings.bibliography,
                               named, libraries)
    host.apply(changes)
    used = workers if len(scan.notes) >= POOL_THRESHOLD else 1
    return host, LoadStats(len(scan.notes), len(scan.files), scan.skipped, time.perf_counter() - started, used)
