"""`LitnotesServer`: the pygls server object and the state the handlers share.

State: the open documents (our own store, see documents.py), one `Session` per vault, what the
client can do (`ClientInfo`), the editor's settings, and the diagnostics publisher. Handlers live
in the sibling modules; `handlers.register` is the routing table.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Callable, Iterator

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol.language_server import lsp_method

from .. import __version__
from ..disk import TextCache, read_note
from ..disk.libraries import MAX_LIBRARY_BYTES
from ..disk.scan import InsideCheck
from ..vault import Change
from .client import ClientInfo
from .convert import encoding_of
from .documents import DocumentStore
from .robust import RobustProtocol
from .session import Session
from .settings import EditorSettings

__all__ = ["LitnotesServer", "LitnotesProtocol"]

log = logging.getLogger(__name__)
VAULT_MARKERS = (".obsidian", ".litnotes.toml")


class LitnotesProtocol(RobustProtocol):
    """pygls' protocol with document sync left to litnotes' own store (pygls' splits lines wrongly),
    and an answer to every request however malformed (robust.py)."""

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams):
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams):
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams):
        result = yield from super().lsp_initialize(params)
        server: LitnotesServer = self._server
        server.client = ClientInfo.from_capabilities(params.capabilities, encoding_of(result.capabilities.position_encoding))
        if not server.client.pull_diagnostics:
            # Clients that cannot be told to refresh get pushed diagnostics only; offering both
            # makes some (Neovim) show every diagnostic twice.
            result.capabilities.diagnostic_provider = None
        return result


class LitnotesServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("litnotes", __version__, protocol_cls=LitnotesProtocol,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.documents = DocumentStore()
        self.sessions: list[Session] = []
        self.client = ClientInfo()
        self.editor = EditorSettings()
        self.workers: int | None = None
        self.use_index = True  # reuse the persistent index (`litnotes serve --no-index` turns it off)
        self.self_watch: bool | None = None  # does the server watch the vaults itself? (None: not known yet)
        self.note_texts = TextCache()  # closed notes' texts read for navigation, while unchanged on disk
        from .diagnostics import Publisher  # noqa: PLC0415 - the publisher needs the server type

        self.publisher = Publisher(self)
        self.background: set = set()  # running asyncio tasks, kept referenced until done
        self.paranoid_flag = False  # `litnotes serve --paranoid`
        self.paranoid_checks = 0
        self.paranoid_mismatches = 0

    # --- where things are ----------------------------------------------------------------
    def session_for(self, path: Path) -> Session | None:
        best = None
        for s in self.sessions:
            if s.contains(path) and (best is None or len(s.root.parts) > len(best.root.parts)):
                best = s
        return best

    def lone_session(self, path: Path) -> Session:
        """A session for a file opened outside every workspace folder: its vault, or just its folder."""
        from ..vault import VaultHost  # noqa: PLC0415

        for folder in path.parents:
            if any((folder / m).exists() for m in VAULT_MARKERS):
                session = Session(folder, VaultHost())
                break
        else:
            session = Session(path.parent, VaultHost(), index_wanted=False)
        self.sessions.append(session)
        return session

    def open_uris(self, session: Session) -> dict[str, str]:
        """rel path -> uri of the open documents that belong to `session`."""
        from .convert import uri_to_path  # noqa: PLC0415

        result = {}
        for doc in self.documents:
            path = uri_to_path(doc.uri)
            if path is not None and self.session_for(path) is session:
                rel = session.rel(path)
                if rel is not None:
                    result[rel] = doc.uri
        return result

    def text_of(self, session: Session, rel: str) -> str | None:
        """A note's current text: the editor's when open, else the disk's (inside the vault only)."""
        return next(self.texts_of(session, (rel,)))[1]

    def reader(self, session: Session) -> Callable[[str], str | None]:
        """`text_of` for one session: what features that read other notes are given."""
        return lambda rel: self.text_of(session, rel)

    def texts_of(self, session: Session, rels) -> Iterator[tuple[str, str | None]]:
        """(rel, `text_of`) of many notes, one at a time (references into thousands of closed notes):
        the open documents listed once, each folder checked once (dot-folders, symbolic links out)."""
        uris = self.open_uris(session)
        vault = session.host.vault
        inside = InsideCheck(session.root)
        root = os.path.join(os.fspath(session.root), "")  # with its separator: a note's path is root + rel
        folders: dict[str, bool] = {}  # folder -> may its notes be read (no dot-folder on the way)
        for rel in rels:
            uri = uris.get(rel)
            if uri is not None:
                doc = self.documents.get(uri)
                yield rel, doc.text if doc else None
                continue
            limit = vault.settings.max_note_bytes if rel.lower().endswith(".md") else MAX_LIBRARY_BYTES
            if rel.startswith("/"):  # a configured library outside the vault, and nothing else outside it
                yield rel, read_note(Path(rel), limit)[0] if rel in vault.libraries else None
                continue
            folder, _, name = rel.rpartition("/")
            allowed = folders.get(folder) if name not in ("", ".", "..") else None
            if allowed is None:
                allowed = session.contains_rel(rel)
                if name not in ("", ".", ".."):
                    folders[folder] = allowed
            readable, st = inside.checked(rel) if allowed else (False, None)
            yield rel, self.note_texts.read(root + rel, limit, st)[0] if readable else None

    # --- the only writer -------------------------------------------------------------------
    def apply(self, session: Session, changes: list[Change], edited_uri: str | None = None) -> None:
        """Apply changes to a session's vault and schedule diagnostics for the open notes they affect."""
        _vault, affected = session.host.apply(changes)
        if self.paranoid:
            from .paranoid import check  # noqa: PLC0415

            check(self, session, type(changes[0]).__name__ if changes else "nothing")
        if not affected:
            return
        uris = self.open_uris(session)
        touched = {uris[rel] for rel in affected if rel in uris}
        self.publisher.changed(touched, edited_uri)

    def report_server_error(self, error: Exception, source) -> None:
        """Log server errors instead of popping up a message box for each one (a message that is not
        JSON at all gets JSON-RPC's parse error, the only answer it can have)."""
        log.error("litnotes server error (%s): %r", getattr(source, "__name__", source), error, exc_info=error)
        if isinstance(error, ValueError) and source is JsonRpcException:  # json.JSONDecodeError, UnicodeDecodeError
            self.protocol.answer_parse_error()

    def refresh_code_lenses(self, switched: bool = False) -> None:
        """Ask the client to ask for code lenses again, if it can and lenses are on (or were just
        switched on or off): their reference counts read the whole vault."""
        if self.client.code_lens_refresh and (self.editor.code_lens or switched):
            self.workspace_code_lens_refresh(None)

    @property
    def paranoid(self) -> bool:
        """Check the index against a rebuild after every change (`--paranoid` or the `paranoid` setting)."""
        return self.paranoid_flag or self.editor.mapping.get("paranoid") is True

