"""Reads bibliography files (Better BibTeX exports) and keeps them parsed until they change.

A library is re-read only when its content changes (`LibraryCache`: its size and modification time,
or its digest when only the time changed), so an unchanged 7,000-entry export costs one `stat` per
check. The parsed libraries are kept in the persistent index too (`stored`/`restore`), so a restart
unpickles that export (53 ms) instead of parsing it again (0.5 s). Explicitly configured libraries
may lie outside the vault (the user named them); nothing else outside the vault is ever read.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from ..bib import Bibliography, looks_like_bibliography_path, parse_bibliography
from ..syntax import Problem
from ..vault import SetLibrary, SetProblems
from .scan import digest_of, read_regular, resolves_inside, same_content

__all__ = ["LibraryCache", "library_changes", "wanted_libraries", "MAX_LIBRARY_BYTES", "is_library_candidate"]

log = logging.getLogger(__name__)
MAX_LIBRARY_BYTES = 200_000_000


def is_library_candidate(rel: str) -> bool:
    return looks_like_bibliography_path(rel)


@dataclass
class _Cached:
    stamp: tuple[int, int]
    library: Bibliography | None
    problems: tuple[Problem, ...]
    digest: bytes | None = None  # `scan.digest_of` the bytes parsed


class LibraryCache:
    """Parsed libraries by absolute path, refreshed only when their content changes: their
    (mtime, size), or their digest when only the mtime changed.

    The key is the absolute path however the vault was named (`litnotes check .`, a server's
    `rootUri`): the persistent index is one per vault, and a key spelt relative to the current
    folder matched none of the libraries a server had saved there, so each such check parsed them
    all again (the 10k bench library: 0.18 s)."""

    def __init__(self) -> None:
        self.parse_count = 0
        self._items: dict[str, _Cached] = {}

    def load(self, path: Path, display: str) -> tuple[Bibliography | None, tuple[Problem, ...]]:
        key = os.path.abspath(path)
        try:
            st = path.stat()
        except OSError as exc:
            self._items.pop(key, None)
            return None, (Problem("note.unreadable", 0, 0, f"cannot read bibliography: {exc.strerror or exc}"),)
        stamp = (st.st_mtime_ns, st.st_size)
        cached = self._items.get(key)
        if cached is not None and same_content(path, cached.stamp, cached.digest, stamp):
            if cached.stamp != stamp:  # only its mtime changed
                cached = self._items[key] = _Cached(stamp, cached.library, cached.problems, cached.digest)
            return cached.library, cached.problems
        self._items[key] = self._read(path, display, stamp)
        return self._items[key].library, self._items[key].problems

    def restore(self, stored: dict[str, tuple]) -> None:
        """Take parsed libraries from the persistent index (`stored()` of an earlier session); each is
        used while its file keeps the recorded (mtime, size) or, with a new mtime, its content, like
        one parsed now."""
        for key, (stamp, library, problems, digest) in stored.items():
            self._items.setdefault(key, _Cached(tuple(stamp), library, tuple(problems), digest))

    def stored(self, modified_before_ns: int | None = None) -> dict[str, tuple]:
        """The parsed libraries, for the persistent index: those modified before `modified_before_ns`
        (a file rewritten with the same size within one clock tick of its stamp would be reused stale)."""
        return {key: (c.stamp, c.library, c.problems, c.digest) for key, c in self._items.items()
                if modified_before_ns is None or c.stamp[0] < modified_before_ns}

    def forget(self, path: Path) -> None:
        """Drop a library that was deleted or renamed (a long session must not keep every one ever seen)."""
        self._items.pop(os.path.abspath(path), None)

    def _read(self, path: Path, display: str, stamp: tuple[int, int]) -> _Cached:
        data, size, reason = read_regular(path, MAX_LIBRARY_BYTES)
        if data is None:
            if reason == "too large":
                return _Cached(stamp, None, (Problem("note.unreadable", 0, 0, f"bibliography is {size / 1e6:.0f} MB: not read"),))
            return _Cached(stamp, None, (Problem("note.unreadable", 0, 0, f"bibliography: {reason}"),))
        text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
        self.parse_count += 1
        library = parse_bibliography(text, display)
        if library is None:
            return _Cached(stamp, None, (), digest_of(data))
        problems = tuple(Problem(p.code, p.start, p.end, p.message) for p in library.problems)
        return _Cached(stamp, library, problems, digest_of(data))


def library_keys(library: Bibliography) -> tuple[str, ...]:
    keys: list[str] = []
    for entry in library.entries:
        keys.append(entry.key)
        keys.extend(entry.extra_keys)
    return tuple(keys)


def wanted_libraries(root: Path, candidates: list[str], configured: tuple[str, ...]) -> dict[str, Path]:
    """The libraries known before any note is read: vault files that sniff as libraries and the
    configured paths, by display name."""
    wanted: dict[str, Path] = {rel: root / rel for rel in candidates}
    for entry in configured:
        _add_named(root, "", entry, wanted, configured=True)
    return wanted


def library_changes(root: Path, known: dict[str, Path], note_paths: list[tuple[str, str]], cache: LibraryCache) -> list:
    """Changes for every library: the `known` ones (`wanted_libraries`) and those named by notes' `bibliography:`."""
    wanted = dict(known)
    for note, value in note_paths:
        _add_named(root, note.rsplit("/", 1)[0] if "/" in note else "", value, wanted, configured=False)
    changes: list = []
    for display, path in sorted(wanted.items()):
        library, problems = cache.load(path, display)
        if library is not None:
            changes.append(SetLibrary(display, library_keys(library), library))
        if problems or library is not None:
            changes.append(SetProblems(display, problems))
    return changes


def _add_named(root: Path, folder: str, value: str, wanted: dict[str, Path], configured: bool) -> None:
    """A library named in settings or front matter: relative to the note's folder, then the vault, or absolute.

    Only the user's own settings may name a library outside the vault. A note's `bibliography:`
    value is vault content (a note can come from anyone: a shared vault, a Zotero import), so it
    must resolve, symbolic links followed, to a file inside the vault: `../../etc/passwd`, `/etc/…`
    and `~/…` are never opened, nor even looked at."""
    raw = value.strip()
    if configured:
        raw = os.path.expanduser(raw)
    if not raw:
        return
    candidates = [Path(raw)] if os.path.isabs(raw) else [root / folder / raw, root / raw]
    for path in candidates:
        try:
            if not configured and not resolves_inside(root, str(path)):
                log.info("a note's bibliography: value names a file outside the vault: not read")
                continue
            if not path.is_file():
                continue
        except (OSError, ValueError):  # a NUL byte (YAML "\0"), a name too long, a loop of links
            continue
        try:
            display = path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            display = str(path.resolve())
        wanted.setdefault(display, path)
        return
    if configured:
        log.warning("configured bibliography %s not found", value)
