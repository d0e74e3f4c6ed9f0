"""Start-up: sessions for the workspace folders, settings from the client, background indexing.

Indexing runs in a worker thread (and, for large vaults, worker processes started with
`forkserver`/`spawn`: forking a threaded process is unsafe) and builds a *new* host; the event
loop keeps answering requests about open notes meanwhile, then swaps the new host in, re-applies
the editor's open texts and the files that changed during indexing, and refreshes diagnostics.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
import threading
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from ..disk import SETTLE_SECONDS, load_vault, save_index
from ..disk.load import threaded_context
from ..vault import VaultHost
from .convert import uri_to_path
from .session import Session
from .settings import EditorSettings, merge_settings

if TYPE_CHECKING:
    from .server import LitnotesServer

__all__ = ["start_indexing", "fetch_configuration", "register", "CONFIG_TIMEOUT"]

log = logging.getLogger(__name__)
CONFIG_TIMEOUT = 2.0  # seconds to wait for workspace/configuration before using defaults
WATCH_GLOBS = ["**/*.md", "**/*.bib", "**/*.biblatex", "**/*.bibtex", "**/*.json", "**/*.yaml", "**/*.yml",
               "**/.litnotes.toml", "**/.obsidian/app.json"]


async def fetch_configuration(ls: LitnotesServer, pushed: object = None) -> None:
    """Settings from `workspace/configuration` (or a didChangeConfiguration payload), never blocking for long."""
    raw = pushed
    if raw is None and ls.client.configuration:
        try:
            answer = await asyncio.wait_for(ls.workspace_configuration_async(types.ConfigurationParams(
                items=[types.ConfigurationItem(section="litnotes")])), CONFIG_TIMEOUT)
            raw = answer[0] if answer else None
        except (asyncio.TimeoutError, Exception) as exc:  # noqa: BLE001 - a client that never answers
            log.warning("no answer to workspace/configuration (%r): using initializationOptions and defaults", exc)
            return
    if raw is None:
        return
    editor = EditorSettings(raw)
    # Keys the client does not send keep the values from initializationOptions.
    merged = EditorSettings()
    merged.mapping = {**ls.editor.mapping, **editor.mapping}
    merged.debounce_ms = editor.debounce_ms if "debounce-ms" in _keys(raw) else ls.editor.debounce_ms
    merged.problems = editor.problems
    ls.editor = merged


def _keys(raw: object) -> set[str]:
    if isinstance(raw, dict):
        inner = raw.get("litnotes") if isinstance(raw.get("litnotes"), dict) else raw
        from .settings import _kebab  # noqa: PLC0415

        return {_kebab(str(k)) for k in inner}
    return set()


async def in_daemon_thread(fn, *args, **kwargs):
    """`asyncio.to_thread` in a daemon thread of its own: `asyncio.run` and the interpreter wait for
    the default executor's threads at exit, so a client that shuts the server down (or just closes
    stdin) while a large vault is indexing would wait for the whole index."""
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def deliver(result, error) -> None:
        if not future.done():
            future.set_exception(error) if error is not None else future.set_result(result)

    def run() -> None:
        try:
            result, error = fn(*args, **kwargs), None
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting task
            result, error = None, exc
        try:
            loop.call_soon_threadsafe(deliver, result, error)
        except RuntimeError:  # the loop is gone: the server is exiting
            pass

    threading.Thread(target=run, name="litnotes-index", daemon=True).start()
    return await future


async def _begin_progress(ls: LitnotesServer, session: Session) -> str | None:
    """A work-done progress for indexing `session`, begun; its token, or None when the client has none."""
    if not ls.client.work_done_progress:
        return None
    token = f"litnotes-index-{uuid.uuid4().hex[:8]}"
    try:
        await asyncio.wait_for(ls.work_done_progress.create_async(token), CONFIG_TIMEOUT)
        ls.work_done_progress.begin(token, types.WorkDoneProgressBegin(
            title="litnotes: indexing", message=str(session.root.name), percentage=0, cancellable=False))
    except Exception:  # noqa: BLE001 - progress is a courtesy
        return None
    return token


def start_indexing(ls: LitnotesServer, session: Session) -> None:
    task = asyncio.get_running_loop().create_task(_index(ls, session))
    ls.background.add(task)
    task.add_done_callback(ls.background.discard)


async def _index(ls: LitnotesServer, session: Session) -> None:
    loop = asyncio.get_running_loop()
    begun: list[str] = []  # the progress token, once the client has taken it and the progress has begun

    def progress(done: int, total: int) -> None:
        if begun:
            loop.call_soon_threadsafe(ls.work_done_progress.report, begun[0], types.WorkDoneProgressReport(
                message=f"{done}/{total} notes", percentage=int(100 * done / max(total, 1))))

    editor = ls.editor

    def adjust(base):
        session.base_settings = base
        return merge_settings(base, editor)[0]

    # The load starts before the progress does: asking the client for a token is a round trip.
    # Reports made before the progress has begun are skipped. The server's own file watcher, if
    # it needs one, starts after the first load and catches up with the load's stamps (watch.py).
    load = loop.create_task(in_daemon_thread(load_vault, session.root, ls.workers, session.libraries,
                                             progress=progress, mp_context=threaded_context(), adjust_settings=adjust,
                                             use_index=ls.use_index,
                                             keep_stamps=ls.self_watch is not False and not session.watched))
    ls.background.add(load)
    load.add_done_callback(ls.background.discard)
    token = await _begin_progress(ls, session)
    if token is not None:
        begun.append(token)
    try:
        host, stats = await load
    except Exception:  # noqa: BLE001 - a failed index leaves the open notes working
        log.exception("indexing %s failed", session.root)
        host, stats = None, None
        if not session.loaded:  # diagnose the open notes with what is known, rather than never
            session.loaded = True
            _refresh_views(ls, session)
    if host is not None:
        _swap(ls, session, host)
        if stats.stamps is not None and ls.self_watch is not False:  # (the client may have said meanwhile that it watches)
            session.stamps, session.changed_from_ns = stats.stamps, stats.started_ns - int(SETTLE_SECONDS * 1e9)
            stats.stamps = None
        if ls.editor is not editor:  # the settings changed while indexing: apply them (re-indexing if need be)
            from .sync import apply_settings  # noqa: PLC0415

            apply_settings(ls, session)
        log.info("indexed %s: %d notes in %.2f s (%d parsed, the rest from the persistent index, %d of them "
                 "re-read: only their mtime had changed)", session.root, stats.notes, stats.seconds, stats.parsed,
                 stats.rehashed)
    if ls.self_watch and session.loaded:
        from .watch import start_watching  # noqa: PLC0415

        start_watching(ls, session, wait=True)
    if token is not None:
        message = f"{stats.notes} notes in {stats.seconds:.1f} s" if stats else "failed (see the log)"
        ls.work_done_progress.end(token, types.WorkDoneProgressEnd(message=message))
    if stats is not None and stats.worth_saving:
        # Notes modified in the last seconds before the load are left out (`save_index`): a same-size
        # rewrite within one clock tick of the stamp would otherwise be reused stale at the next start.
        await asyncio.to_thread(save_index, stats, SETTLE_SECONDS)


def _swap(ls: LitnotesServer, session: Session, host: VaultHost) -> None:
    from .sync import reload_paths  # noqa: PLC0415

    open_uris = ls.open_uris(session)
    host.apply(open_changes(ls, session, host.vault, open_uris))
    session.host = host
    session.indexed = session.loaded = True
    pending, session.pending_paths = session.pending_paths, set()
    if pending:
        reload_paths(ls, session, pending)
    if ls.paranoid:
        from .paranoid import check  # noqa: PLC0415

        check(ls, session, "indexing")
    _refresh_views(ls, session)
    gc.freeze()  # the new index is long-lived: full collections must not rescan it during requests
    _return_free_memory()


def _refresh_views(ls: LitnotesServer, session: Session) -> None:
    """The session's vault is new: its open notes' diagnostics are published again (push) or the
    client is asked to pull again, closed notes too, since workspace reports skipped a vault not yet
    read (pull); code lenses are asked for again (their counts saw only the open notes)."""
    session.published.clear()
    ls.publisher.changed(set(ls.open_uris(session).values()), None)
    if ls.client.pull_diagnostics:
        ls.publisher.schedule_refresh()
    ls.refresh_code_lenses()


def _return_free_memory() -> None:
    """Hand the heap pages indexing freed (worker results, unpickled chunks) back to the system:
    glibc keeps them otherwise (3 MB of RSS at 10k notes). Elsewhere there is nothing to do."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes  # noqa: PLC0415 - only here

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # another C library (musl) or none to load
        pass


def open_changes(ls: LitnotesServer, session: Session, vault, open_uris: dict[str, str] | None = None) -> list:
    """The editor's texts of the session's open notes, as changes over `vault` (freshly loaded from disk)."""
    from .sync import note_changes  # noqa: PLC0415

    changes: list = []
    for rel, uri in sorted((open_uris if open_uris is not None else ls.open_uris(session)).items()):
        doc = ls.documents.get(uri)
        if doc is not None and rel.lower().endswith(".md"):
            changes += note_changes(vault, rel, doc.text, session.root)
    return changes


async def _register_watchers(ls: LitnotesServer) -> None:
    """Have the client watch the vaults' files, or else watch them ourselves: each vault from the
    end of its first indexing (a watcher running during it costs the load an event for every note
    the workers open, ~5 % of its CPU, and its set-up holds the interpreter 0.35 s at 100k notes)."""
    if ls.client.watched_files_registration:
        options = types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[types.FileSystemWatcher(glob_pattern=g) for g in WATCH_GLOBS])
        try:
            await asyncio.wait_for(ls.client_register_capability_async(types.RegistrationParams(registrations=[
                types.Registration(id="litnotes-watch", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                                   register_options=options)])), CONFIG_TIMEOUT)
            ls.self_watch = False
            for session in ls.sessions:
                session.stamps = None
            return
        except Exception:  # noqa: BLE001 - fall back to watching ourselves
            log.warning("the client refused file watching; litnotes watches the vault itself")
    from .watch import watch_sessions  # noqa: PLC0415

    ls.self_watch = True
    watch_sessions(ls)


def register(server: LitnotesServer) -> None:
    @server.feature(types.INITIALIZE)
    def on_initialize(ls: LitnotesServer, params: types.InitializeParams) -> None:
        """Read initializationOptions and create one session per workspace folder."""
        ls.editor = EditorSettings(params.initialization_options)
        folders = [uri_to_path(f.uri) for f in params.workspace_folders or []]
        if not folders and params.root_uri:
            folders = [uri_to_path(params.root_uri)]
        for folder in folders:
            if folder is not None and folder.is_dir():
                ls.sessions.append(Session(Path(folder), VaultHost()))

    @server.feature(types.INITIALIZED)
    async def on_initialized(ls: LitnotesServer, params: types.InitializedParams) -> None:
        """Fetch settings, then index every vault in the background and start watching files."""
        await fetch_configuration(ls)
        for message in ls.editor.problems:
            ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=f"litnotes: {message}"))
        for session in list(ls.sessions):
            if session.index_wanted and not session.indexed:
                start_indexing(ls, session)
        await _register_watchers(ls)

    @server.feature(types.SHUTDOWN)
    def on_shutdown(ls: LitnotesServer, params: None) -> None:
        for task in list(ls.background):
            task.cancel()

    @server.feature(types.EXIT)
    def on_exit(ls: LitnotesServer, params: None) -> None:
        """End the process now: an index still being built in a thread or worker process is not waited for."""
        from .robust import hard_exit  # noqa: PLC0415

        hard_exit(0 if ls.protocol._shutdown else 1)
