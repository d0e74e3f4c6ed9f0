"""Diagnostics to the editor: pushed (debounced, only when a note's list changed) or pulled
(`textDocument/diagnostic`, `workspace/diagnostic` with result ids and `unchanged` reports).

Pull is used when the client supports it *and* can be told to refresh (so a renamed heading in one
note updates the others); otherwise diagnostics are pushed for open notes.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from ..features import diagnose_note
from ..syntax import LineIndex
from .convert import path_to_uri, to_lsp_diagnostic, to_range, uri_to_path

if TYPE_CHECKING:
    from .server import LitnotesServer
    from .session import Session

__all__ = ["Publisher", "document_diagnostics", "register"]

log = logging.getLogger(__name__)


def _file_uri(session: Session, rel: str) -> str:
    return path_to_uri(Path(rel) if rel.startswith("/") else session.root / rel)


def lsp_diagnostics(ls: LitnotesServer, session: Session, rel: str, text: str | None) -> list[types.Diagnostic]:
    vault = session.host.vault
    found = diagnose_note(vault, rel)
    if not found:
        return []
    index = LineIndex(text if text is not None else (ls.text_of(session, rel) or ""))
    texts: dict[str, LineIndex] = {}

    def related(path: str, start: int, end: int):
        if path not in texts:
            texts[path] = LineIndex(ls.text_of(session, path) or "")
        return types.Location(uri=_file_uri(session, path), range=to_range(texts[path], start, end, ls.client.encoding))

    return [to_lsp_diagnostic(d, index, ls.client.encoding, related, ls.client) for d in found]


def _fingerprint(items: list[types.Diagnostic]) -> str:
    digest = hashlib.sha1()
    for d in items:
        r = d.range
        digest.update(f"{r.start.line}:{r.start.character}:{r.end.line}:{r.end.character}|{d.severity}|{d.code}|{d.message}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:16]


class Publisher:
    """Pushes diagnostics of open notes after a short quiet period, only when they changed."""

    def __init__(self, ls: LitnotesServer) -> None:
        self.ls = ls
        self.pending: set[str] = set()
        self.timer: asyncio.TimerHandle | None = None
        self.refresh_timer: asyncio.TimerHandle | None = None

    def changed(self, uris: set[str], edited_uri: str | None = None) -> None:
        if self.ls.client.pull_diagnostics:
            if uris - {edited_uri}:
                self.schedule_refresh()
            return
        self.pending |= uris
        if self.timer is None:
            delay = self.ls.editor.debounce_ms / 1000
            self.timer = asyncio.get_running_loop().call_later(delay, self.flush)

    def flush(self) -> None:
        self.timer = None
        pending, self.pending = self.pending, set()
        for uri in sorted(pending):
            try:
                self.publish(uri)
            except Exception:  # noqa: BLE001 - one note's failure must not stop the others
                log.exception("publishing diagnostics for %s failed", uri)

    def publish(self, uri: str) -> None:
        doc = self.ls.documents.get(uri)
        path = uri_to_path(uri)
        session = self.ls.session_for(path) if path is not None else None
        if doc is None or session is None or (rel := session.rel(path)) is None or session.awaiting_first_index:
            return  # (the end of the first indexing publishes every open note)
        items = lsp_diagnostics(self.ls, session, rel, doc.text)
        key = _fingerprint(items)
        if session.published.get(uri) == key:
            return
        session.published[uri] = key
        self.ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=items, version=doc.version))

    def clear(self, uri: str) -> None:
        self.pending.discard(uri)
        for session in self.ls.sessions:
            session.published.pop(uri, None)
        if not self.ls.client.pull_diagnostics:
            self.ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def schedule_refresh(self) -> None:
        """Ask a pull client to pull again, after a short quiet period."""
        if self.refresh_timer is None:
            delay = self.ls.editor.debounce_ms / 1000
            self.refresh_timer = asyncio.get_running_loop().call_later(delay, self._refresh)

    def _refresh(self) -> None:
        self.refresh_timer = None
        self.ls.workspace_diagnostic_refresh(None)


def document_diagnostics(ls: LitnotesServer, params: types.DocumentDiagnosticParams):
    path = uri_to_path(params.text_document.uri)
    session = ls.session_for(path) if path is not None else None
    rel = session.rel(path) if session is not None else None
    if rel is None or session.awaiting_first_index:  # (the end of the first indexing asks for a refresh)
        return types.RelatedFullDocumentDiagnosticReport(items=[])
    doc = ls.documents.get(params.text_document.uri)
    items = lsp_diagnostics(ls, session, rel, doc.text if doc else None)
    result_id = _fingerprint(items)
    if params.previous_result_id == result_id:
        return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
    return types.RelatedFullDocumentDiagnosticReport(items=items, result_id=result_id)


def _workspace_reports(ls: LitnotesServer, previous: dict[str, str]):
    reports = []
    for session in list(ls.sessions):
        if session.awaiting_first_index:
            continue  # reported after the first indexing, which asks for a refresh
        vault = session.host.vault
        open_uris = ls.open_uris(session)
        paths = set(vault.notes) | set(vault.problem_paths) | set(vault.libraries)
        for rel in sorted(paths):
            uri = open_uris.get(rel) or _file_uri(session, rel)
            doc = ls.documents.get(uri)
            items = lsp_diagnostics(ls, session, rel, doc.text if doc else None)
            if not items and uri not in previous:
                continue
            result_id = _fingerprint(items)
            version = doc.version if doc else None
            if previous.get(uri) == result_id:
                reports.append(types.WorkspaceUnchangedDocumentDiagnosticReport(uri=uri, version=version, result_id=result_id))
            else:
                reports.append(types.WorkspaceFullDocumentDiagnosticReport(uri=uri, version=version, items=items, result_id=result_id))
    return types.WorkspaceDiagnosticReport(items=reports)


def register(server: LitnotesServer) -> None:
    options = types.DiagnosticOptions(identifier="litnotes", inter_file_dependencies=True, workspace_diagnostics=True)

    @server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC, options)
    def on_document_diagnostic(ls: LitnotesServer, params: types.DocumentDiagnosticParams):
        """Snapshot reader: one note's diagnostics, or `unchanged`."""
        return document_diagnostics(ls, params)

    @server.feature(types.WORKSPACE_DIAGNOSTIC)
    async def on_workspace_diagnostic(ls: LitnotesServer, params: types.WorkspaceDiagnosticParams):
        """Threaded reader: every note's diagnostics (snapshots are immutable, so a thread is safe)."""
        previous = {p.uri: p.value for p in params.previous_result_ids or []}
        return await asyncio.to_thread(_workspace_reports, ls, previous)
