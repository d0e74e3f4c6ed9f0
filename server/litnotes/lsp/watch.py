"""Watching the vault from the server, for clients that cannot watch files for us.

Uses `watchfiles` (Rust notify under the hood); events outside a session's root or inside
dot-folders are ignored, and everything goes through the same path as the client's events.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .server import LitnotesServer

__all__ = ["watch_sessions"]

log = logging.getLogger(__name__)


def watch_sessions(ls: LitnotesServer) -> None:
    try:
        import watchfiles  # noqa: F401, PLC0415
    except ImportError:
        log.warning("watchfiles is not installed: changes made outside the editor are seen only on reopen")
        return
    for session in ls.sessions:
        if session.index_wanted:
            task = asyncio.get_running_loop().create_task(_watch(ls, session))
            ls.background.add(task)
            task.add_done_callback(ls.background.discard)


async def _watch(ls: LitnotesServer, session) -> None:
    from watchfiles import awatch  # noqa: PLC0415

    from .sync import reload_paths  # noqa: PLC0415

    try:
        async for changes in awatch(session.root, recursive=True, debounce=200, step=50,
                                    watch_filter=lambda _change, path: session.rel(Path(path)) is not None
                                    or path.endswith((".litnotes.toml", "app.json"))):
            rels = set()
            for _change, path in changes:
                rel = session.rel(Path(path))
                if rel is None:
                    try:
                        rel = Path(path).relative_to(session.root).as_posix()
                    except ValueError:
                        continue
                rels.add(rel)
            if rels:
                reload_paths(ls, session, rels)
    except asyncio.CancelledError:
        raise
    except Exception:  # noqa: BLE001 - a dead watcher must not kill the server
        log.exception("watching %s stopped", session.root)
