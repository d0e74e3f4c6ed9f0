"""Watching the vault from the server, for clients that cannot watch files for us.

Uses `watchfiles` (Rust notify under the hood); events outside a session's root or inside
dot-folders are ignored, and everything goes through the same path as the client's events.

A vault is watched from the end of its first indexing, not during it: a watcher would get an
event for every note the parse workers open (~5 % of the load's CPU). Setting it up holds the
interpreter (45 ms at 10k notes, 0.25 s at 100k) and its catch-up walks the vault (below), so
it waits for a pause (no message in or out for half a second, counted from the end of the
indexing; at most ten seconds), not to slow the requests an editor sends when a vault has been
read or while the user types. What changed on disk meanwhile is found by
comparing the files' stamps with those the load took (`disk.changed_since`), once the watcher is
in place.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ..disk import SETTINGS_FILES, changed_since
from ..disk.scan import ScanResult, walk_vault

if TYPE_CHECKING:
    from .server import LitnotesServer
    from .session import Session

__all__ = ["watch_sessions", "start_watching"]

log = logging.getLogger(__name__)
WATCH_QUIET = 0.5  # seconds without a message in or out before a vault's watcher is set up
WATCH_LATEST = 10.0  # seconds after its first indexing by which it is set up anyway
SLICE_SECONDS = 0.001  # how long the catch-up's walk of the vault holds the event loop at a time, and pauses


def watch_sessions(ls: LitnotesServer) -> None:
    """Watch the vaults whose first indexing has ended (the others start when theirs ends)."""
    for session in ls.sessions:
        if session.loaded:
            start_watching(ls, session)


def start_watching(ls: LitnotesServer, session: Session, wait: bool = False) -> None:
    """Watch `session`'s vault (once), then catch up with what changed since its load's stamps;
    with `wait`, once the client pauses."""
    if session.watched or not session.index_wanted:
        return
    session.watched = True
    _background(ls, _start(ls, session, wait))


async def _start(ls: LitnotesServer, session: Session, wait: bool) -> None:
    if wait:  # until the exchange with the client pauses (WATCH_QUIET from now on), at most WATCH_LATEST
        # From now: a client that waited for an answer during the indexing (the load held the
        # interpreter) was quiet, but is about to send what it held back.
        since = time.monotonic()
        latest = since + WATCH_LATEST
        while (quiet := time.monotonic() - max(ls.protocol.last_activity, since)) < WATCH_QUIET and time.monotonic() < latest:
            await asyncio.sleep(WATCH_QUIET - quiet)
    try:
        import watchfiles  # noqa: F401, PLC0415
    except ImportError:
        log.warning("watchfiles is not installed: changes made outside the editor are seen only on reopen")
    else:
        # Tasks take their first step in the order they were made: the watcher's first step sets up
        # its watches, so anything the catch-up's scan misses comes as an event.
        _background(ls, _watch(ls, session))
    _background(ls, _catch_up(ls, session))


def _background(ls: LitnotesServer, job) -> None:
    task = asyncio.get_running_loop().create_task(job)
    ls.background.add(task)
    task.add_done_callback(ls.background.discard)


async def _catch_up(ls: LitnotesServer, session: Session) -> None:
    """Re-read the files that changed between the load's stamps and the watcher's start.

    The vault is walked on the event loop a slice at a time, with pauses as long between them in
    which requests are read and answered: in a thread it took the interpreter from them for as
    long as the walk lasted (10k notes: 40 ms, a completion's p95 10 → 13–17 ms; 100k: 0.4 s)."""
    from .sync import reload_paths  # noqa: PLC0415

    stamps, session.stamps = session.stamps, None
    if stamps is None:
        return
    loop = asyncio.get_running_loop()
    try:
        scan = ScanResult(session.root)
        until = loop.time() + SLICE_SECONDS
        for _ in walk_vault(scan, stamps=True, file_stamps=True):
            if loop.time() > until:
                # A real pause, not `sleep(0)`: the loop then waits in `select` without the
                # interpreter lock, and pygls' reader thread can take it to hand in a request
                # (otherwise it waits for the 5 ms switch interval at every step of reading one).
                await asyncio.sleep(SLICE_SECONDS)
                until = loop.time() + SLICE_SECONDS
        changed = changed_since(session.root, stamps, session.changed_from_ns, scan)
    except Exception:  # noqa: BLE001 - a failed comparison leaves the watcher's events
        log.exception("could not compare %s with the files its indexing read", session.root)
        return
    if changed:
        log.info("%d files changed while %s was indexed: reading them again", len(changed), session.root)
        reload_paths(ls, session, changed)


async def _watch(ls: LitnotesServer, session: Session) -> None:
    from watchfiles import awatch  # noqa: PLC0415

    from .sync import reload_paths  # noqa: PLC0415

    def wanted(path: str) -> str | None:
        """The vault-relative path of a file the vault is made of (its notes, files and settings)."""
        rel = session.rel(Path(path))
        if rel is not None:
            return rel
        try:
            rel = Path(path).relative_to(session.root).as_posix()
        except ValueError:
            return None
        return rel if rel in SETTINGS_FILES else None

    try:
        async for changes in awatch(session.root, recursive=True, debounce=200, step=50,
                                    watch_filter=lambda _change, path: wanted(path) is not None):
            rels = {rel for _change, path in changes if (rel := wanted(path)) is not None}
            if rels:
                reload_paths(ls, session, rels)
    except asyncio.CancelledError:
        raise
    except Exception:  # noqa: BLE001 - a dead watcher must not kill the server
        log.exception("watching %s stopped", session.root)
