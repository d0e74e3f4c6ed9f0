"""Document sync and file events: the only handlers that change a vault (sync writers).

didOpen/didChange/didClose/didSave keep litnotes' document store and re-parse that one note;
watched-file events and file operations re-read what changed on disk (a Zotero re-import, a
`git pull`), unless the editor has the note open (the editor's text wins).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from ..disk import CONFIG_NAME, SETTINGS_FILES, load_settings, read_note
from ..disk.libraries import is_library_candidate, library_changes, wanted_libraries
from ..disk.scan import resolves_inside, too_large
from ..vault import Remove, SetFile, SetLibrary, SetNote, SetProblems, SetSettings
from .convert import canonical_uri, uri_to_path
from .settings import merge_settings

if TYPE_CHECKING:
    from .server import LitnotesServer
    from .session import Session

__all__ = ["register", "reload_paths", "apply_settings", "note_changes"]

log = logging.getLogger(__name__)


def _locate(ls: LitnotesServer, uri: str, create: bool = False):
    path = uri_to_path(uri)
    if path is None:
        return None, None
    session = ls.session_for(path)
    if session is None and create:
        session = ls.lone_session(path)
        from .indexing import start_indexing  # noqa: PLC0415

        if session.index_wanted:
            start_indexing(ls, session)
    if session is None:
        return None, None
    return session, session.rel(path)


def apply_settings(ls: LitnotesServer, session: Session) -> None:
    base, file_problems = load_settings(session.root)
    session.base_settings = base
    merged, problems = merge_settings(base, ls.editor)
    for message in problems:
        ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=f"litnotes: {message}"))
    old = session.host.vault.settings
    ls.apply(session, [SetSettings(merged), SetProblems(CONFIG_NAME, tuple(file_problems))])
    if session.indexed and (old.parse_options != merged.parse_options or old.max_note_bytes != merged.max_note_bytes
                            or old.bibliography != merged.bibliography):
        # Notes were parsed (or skipped, or libraries found) under the old settings: index afresh.
        from .indexing import start_indexing  # noqa: PLC0415

        session.indexed = False
        start_indexing(ls, session)


def _too_large(vault, text: str) -> int | None:
    """The UTF-8 size of an editor text over `max-note-bytes`, or None."""
    limit = vault.settings.max_note_bytes
    size = len(text) if len(text) > limit or len(text) * 4 <= limit else len(text.encode("utf-8", "surrogatepass"))
    return size if size > limit else None


def disk_problems(root: Path, rel: str, limit: int) -> tuple:
    """What reading `rel` from disk reports (invalid UTF-8, NUL, size), as indexing would record it."""
    return read_note(root / rel, limit)[1] if _readable(root, rel) else ()


def note_changes(vault, rel: str, text: str, root: Path) -> list:
    """The changes that put a note's editor text into `vault`. A text over `max-note-bytes` is not
    parsed, as when it is read from disk: the note becomes a plain file with `note.unreadable`.
    Otherwise the note is the editor's text, with the problems its file on disk has."""
    size = _too_large(vault, text)
    if size is not None:
        return [Remove(rel), SetFile(rel), SetProblems(rel, (too_large(size, vault.settings.max_note_bytes),))]
    changes: list = [SetNote(rel, text)]
    if any(p.code == "note.unreadable" and "max-note-bytes" in p.message for p in vault.file_problems(rel)):
        # It was too large (in the editor, or on disk): the disk's own problems apply again.
        changes.append(SetProblems(rel, disk_problems(root, rel, vault.settings.max_note_bytes)))
    return changes


def _readable(root, rel: str) -> bool:
    """A regular file (or a link to one) that stays inside the vault, as the scan would list it."""
    try:
        return resolves_inside(root, rel) and (root / rel).is_file()
    except (OSError, ValueError):
        return False


def reload_paths(ls: LitnotesServer, session: Session, rels: set[str]) -> None:
    """Re-read files that changed on disk (not the ones open in the editor).

    A path is read only when it resolves inside the vault (an event can name a symbolic link to
    `/etc/passwd`), and the result matches what indexing from scratch would give (incremental ==
    rebuild): a note that can no longer be read stops being a note."""
    if not session.indexed and session.index_wanted:
        session.pending_paths |= rels
    open_rels = ls.open_uris(session)
    vault = session.host.vault
    changes: list = []
    libraries: list[str] = []
    for rel in sorted(rels):
        path = session.root / rel
        if rel in SETTINGS_FILES:
            apply_settings(ls, session)
            continue
        if rel in open_rels:
            doc = ls.documents.get(open_rels[rel])
            if doc is not None and rel.lower().endswith(".md") and _too_large(vault, doc.text) is None:
                # The editor's text stays; what the file on disk now reports (saved, fixed, broken) is updated.
                changes.append(SetProblems(rel, disk_problems(session.root, rel, vault.settings.max_note_bytes)))
            continue
        if not _readable(session.root, rel):
            changes.append(Remove(rel))
            session.libraries.forget(path)
            continue
        if rel.lower().endswith(".md"):
            text, problems = read_note(path, vault.settings.max_note_bytes)
            if text is not None:
                changes.append(SetNote(rel, text))
            else:
                if rel in vault.notes:
                    changes.append(Remove(rel))  # too large, binary or unreadable now: no longer a note
                changes.append(SetFile(rel))
            changes.append(SetProblems(rel, problems))
        else:
            changes.append(SetFile(rel))
            if is_library_candidate(rel):
                libraries.append(rel)
    if libraries:
        for rel in libraries:  # an event is news: a rewrite within one clock tick keeps (mtime, size)
            session.libraries.forget(session.root / rel)
        found = library_changes(session.root, wanted_libraries(session.root, libraries, ()), [], session.libraries)
        still = {c.path for c in found if isinstance(c, SetLibrary)}
        for rel in libraries:
            if rel in session.host.vault.libraries and rel not in still:
                changes += [Remove(rel), SetFile(rel)]  # no longer a library (or unreadable): drop its keys
        changes += found
    if changes:
        ls.apply(session, changes)


def _events_by_session(ls: LitnotesServer, uris: list[str]) -> dict:
    grouped: dict = {}
    for uri in uris:
        path = uri_to_path(uri)
        session = ls.session_for(path) if path is not None else None
        rel = session.rel(path) if session is not None else None
        if rel is not None:
            grouped.setdefault(id(session), (session, set()))[1].add(rel)
    return grouped


def register(server: LitnotesServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: LitnotesServer, params: types.DidOpenTextDocumentParams) -> None:
        """Sync writer: remember the text and re-parse this note."""
        uri = canonical_uri(params.text_document.uri)
        doc = ls.documents.open(uri, params.text_document.text, params.text_document.version)
        session, rel = _locate(ls, uri, create=True)
        if session is not None and rel is not None and rel.lower().endswith(".md"):
            ls.apply(session, note_changes(session.host.vault, rel, doc.text, session.root), uri)
            ls.publisher.changed({uri}, None)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: LitnotesServer, params: types.DidChangeTextDocumentParams) -> None:
        """Sync writer: apply the edits, re-parse this one note, re-diagnose what depends on it."""
        uri = canonical_uri(params.text_document.uri)
        doc = ls.documents.get(uri)
        if doc is None:
            log.warning("didChange for a document that was never opened: %s", uri)
            return
        for change in params.content_changes:
            rng = getattr(change, "range", None)
            if rng is None:
                doc.apply(None, None, change.text, ls.client.encoding)
            else:
                doc.apply((rng.start.line, rng.start.character), (rng.end.line, rng.end.character), change.text,
                          ls.client.encoding)
        doc.version = params.text_document.version
        session, rel = _locate(ls, uri)
        if session is not None and rel is not None and rel.lower().endswith(".md"):
            ls.apply(session, note_changes(session.host.vault, rel, doc.text, session.root), uri)
            ls.publisher.changed({uri}, None)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: LitnotesServer, params: types.DidCloseTextDocumentParams) -> None:
        """Sync writer: forget the editor's text; the disk's version becomes the truth again."""
        uri = canonical_uri(params.text_document.uri)
        ls.documents.close(uri)
        ls.publisher.clear(uri)
        session, rel = _locate(ls, uri)
        if session is not None and rel is not None:
            reload_paths(ls, session, {rel})

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: LitnotesServer, params: types.DidSaveTextDocumentParams) -> None:
        """Nothing to do: the text was already synced by didChange."""

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: LitnotesServer, params: types.DidChangeWatchedFilesParams) -> None:
        """Sync writer: files changed outside the editor."""
        for session, rels in _events_by_session(ls, [e.uri for e in params.changes]).values():
            reload_paths(ls, session, rels)

    file_filters = types.FileOperationRegistrationOptions(filters=[
        types.FileOperationFilter(pattern=types.FileOperationPattern(glob="**/*"), scheme="file")])

    @server.feature(types.WORKSPACE_DID_CREATE_FILES, file_filters)
    def did_create_files(ls: LitnotesServer, params: types.CreateFilesParams) -> None:
        for session, rels in _events_by_session(ls, [f.uri for f in params.files]).values():
            reload_paths(ls, session, rels)

    @server.feature(types.WORKSPACE_DID_DELETE_FILES, file_filters)
    def did_delete_files(ls: LitnotesServer, params: types.DeleteFilesParams) -> None:
        for session, rels in _events_by_session(ls, [f.uri for f in params.files]).values():
            reload_paths(ls, session, rels)

    @server.feature(types.WORKSPACE_DID_RENAME_FILES, file_filters)
    def did_rename_files(ls: LitnotesServer, params: types.RenameFilesParams) -> None:
        uris = [f.old_uri for f in params.files] + [f.new_uri for f in params.files]
        for session, rels in _events_by_session(ls, uris).values():
            reload_paths(ls, session, rels)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: LitnotesServer, params: types.DidChangeConfigurationParams) -> None:
        """Settings changed in the editor: fetch them (or take them from the notification) and re-check."""
        from .indexing import fetch_configuration  # noqa: PLC0415

        settings = params.settings if params.settings not in (None, {}) else None
        was = ls.editor.code_lens
        await fetch_configuration(ls, settings)
        for session in ls.sessions:
            apply_settings(ls, session)
        if ls.editor.code_lens != was:
            ls.refresh_code_lenses(switched=True)
