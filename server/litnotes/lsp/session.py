"""One vault open in the editor: its host, settings, indexing state and diagnostics bookkeeping.

A session exists per workspace folder (and one for a lone file opened without a folder). The
host is only touched from the event-loop thread; background indexing builds a *separate* host
and the loop swaps it in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..disk import LibraryCache
from ..vault import VaultHost, VaultSettings

__all__ = ["Session"]


@dataclass
class Session:
    root: Path
    host: VaultHost
    libraries: LibraryCache = field(default_factory=LibraryCache)
    base_settings: VaultSettings = field(default_factory=VaultSettings)  # from .litnotes.toml / .obsidian
    indexed: bool = False
    index_wanted: bool = True  # False for a lone file outside any vault: only open notes are known
    loaded: bool = False  # the first indexing has ended (a re-index keeps the vault it replaces meanwhile)
    pending_paths: set[str] = field(default_factory=set)  # disk changes seen while indexing
    watched: bool = False  # the server's own file watcher runs for this vault (for clients that watch nothing)
    # The first load's file stamps, kept until the server's own watcher starts after it (or the
    # client turns out to watch files): what that watcher must catch up with (`disk.changed_since`),
    # and the time from which a file counts as changed whatever its stamp.
    stamps: dict[str, tuple[int, int]] | None = None
    changed_from_ns: int = 0
    published: dict[str, tuple] = field(default_factory=dict)  # uri -> last pushed diagnostics (comparable)
    result_ids: dict[str, str] = field(default_factory=dict)  # uri -> last pull result id
    # rel -> file URI of closed files, kept between requests (quoting 500 paths per references
    # request cost ~2 ms); a path's URI never changes, and the dict is emptied past URI_CACHE_SIZE.
    uris: dict[str, str] = field(default_factory=dict)

    @property
    def awaiting_first_index(self) -> bool:
        """Is the vault still being read for the first time? Its host then knows only the notes
        open in the editor, so every link out of them would look broken: diagnostics wait (the
        end of the indexing publishes them, or makes pull clients ask again)."""
        return self.index_wanted and not self.loaded

    def rel(self, path: Path) -> str | None:
        """Vault-relative POSIX path of `path`, or None when it lies outside this vault."""
        try:
            rel = path.relative_to(self.root).as_posix()
        except ValueError:
            return None
        return rel if self.contains_rel(rel) else None

    def contains(self, path: Path) -> bool:
        return self.rel(path) is not None

    @staticmethod
    def contains_rel(rel: str) -> bool:
        """Is the vault-relative `rel` one of the vault's paths: some part, and no folder on the way
        whose name starts with a dot (`.obsidian`, `..`)? The parts are taken as pathlib takes them
        (no empty or `.` part), from the string: references check 149 folders at 10k notes, 1.2 ms
        through pathlib."""
        parts = [p for p in rel.split("/") if p and p != "."]
        return bool(parts) and not any(p.startswith(".") for p in parts[:-1])
