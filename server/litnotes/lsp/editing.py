"""Editing handlers: prepareRename, rename, willRenameFiles, quick fixes, and the applyEdit command.

Features return a `SourceChange` (offsets into the files as they are now); `workspace_edit` turns
it into a `WorkspaceEdit`: `documentChanges` with the open documents' versions (null for closed
files) and `CreateFile`/`RenameFile` operations when the client supports them, else `changes`.
Warnings of a change (Zotero must be changed too, an edit outside a Zotero persist region) go to
the user as `window/showMessage`. Refusals (why something cannot be renamed) too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from ..features.edits import SourceChange, TextEdit
from .convert import path_to_uri, to_range, uri_to_path
from .navigation import Places, located

if TYPE_CHECKING:
    from .server import LitnotesServer
    from .session import Session

__all__ = ["register", "workspace_edit", "completion_command", "APPLY_EDIT_COMMAND"]

APPLY_EDIT_COMMAND = "litnotes.applyEdit"


def workspace_edit(ls: LitnotesServer, session: Session, change: SourceChange) -> types.WorkspaceEdit:
    """The change as the client can take it (resource operations are dropped when it cannot)."""
    places = Places(ls, session)
    caps = ls.client
    by_path: dict[str, list[types.TextEdit]] = {}
    # Positions in one batch: each closed note read once, only the edited offsets positioned (a cite
    # key used in thousands of notes would otherwise index every line of each).
    located = places.locations((e.path, e.start, e.end) for e in change.edits)
    for e, where in zip(change.edits, located):
        by_path.setdefault(e.path, []).append(types.TextEdit(range=where.range, new_text=e.new_text))
    if not caps.document_changes:
        return types.WorkspaceEdit(changes={places.uri(p): edits for p, edits in by_path.items()})
    ops: list = [types.TextDocumentEdit(
        text_document=types.OptionalVersionedTextDocumentIdentifier(uri=places.uri(p), version=places.version(p)),
        edits=edits) for p, edits in by_path.items()]
    if caps.create_files:
        ops += [types.CreateFile(uri=path_to_uri(session.root / c.path),
                                 options=types.CreateFileOptions(overwrite=False, ignore_if_exists=True))
                for c in change.creates]
    if caps.rename_files:
        ops += [types.RenameFile(old_uri=places.uri(r.old), new_uri=path_to_uri(session.root / r.new),
                                 options=types.RenameFileOptions(overwrite=False, ignore_if_exists=False))
                for r in change.renames]
    return types.WorkspaceEdit(document_changes=ops)


def _tell(ls: LitnotesServer, message: str, kind: types.MessageType = types.MessageType.Warning) -> None:
    ls.window_show_message(types.ShowMessageParams(type=kind, message=f"litnotes: {message}"))


def _can_rename_files(ls: LitnotesServer) -> bool:
    caps = ls.client
    return caps.document_changes and caps.rename_files


def _client_diagnostics(params: types.CodeActionParams, code: str, rng: types.Range) -> list[types.Diagnostic]:
    return [d for d in params.context.diagnostics if str(d.code) == code and d.range == rng]


def register(server: LitnotesServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    def on_prepare_rename(ls: LitnotesServer, params: types.PrepareRenameParams):
        """Snapshot reader: the range and current name of what would be renamed, or why not."""
        where = located(ls, params.text_document.uri, params.position)
        if where is None:
            return None
        session, rel, doc, offset = where
        from ..features.rename import prepare_rename  # noqa: PLC0415 - loaded on first use

        place = prepare_rename(session.host.vault, rel, doc.text, offset, _can_rename_files(ls))
        if place is None:
            return None
        if place.error:
            _tell(ls, place.error)
            return None
        return types.PrepareRenamePlaceholder(range=to_range(doc.index, place.start, place.end, ls.client.encoding),
                                              placeholder=place.placeholder)

    @server.feature(types.TEXT_DOCUMENT_RENAME)
    def on_rename(ls: LitnotesServer, params: types.RenameParams):
        """Snapshot reader: the edits (and file rename) for a heading, block id, note, cite key or tag."""
        where = located(ls, params.text_document.uri, params.position)
        if where is None:
            return None
        session, rel, doc, offset = where
        from ..features.rename import rename  # noqa: PLC0415

        change = rename(session.host.vault, rel, doc.text, offset, params.new_name, ls.reader(session),
                        _can_rename_files(ls))
        if isinstance(change, str):
            _tell(ls, f"cannot rename: {change}")
            return None
        for warning in change.warnings:
            _tell(ls, warning)
        return workspace_edit(ls, session, change)

    file_filters = types.FileOperationRegistrationOptions(filters=[
        types.FileOperationFilter(pattern=types.FileOperationPattern(glob="**/*"), scheme="file")])

    @server.feature(types.WORKSPACE_WILL_RENAME_FILES, file_filters)
    def on_will_rename_files(ls: LitnotesServer, params: types.RenameFilesParams):
        """Snapshot reader: link updates for files and folders the editor is about to move."""
        from ..features.relink import rename_files  # noqa: PLC0415

        grouped: dict[int, tuple] = {}
        for f in params.files:
            old, new = uri_to_path(f.old_uri), uri_to_path(f.new_uri)
            session = ls.session_for(old) if old is not None else None
            if session is None or new is None or session.rel(new) is None:
                continue
            grouped.setdefault(id(session), (session, []))[1].append((session.rel(old), session.rel(new)))
        edits: list = []
        changes: dict = {}
        for session, pairs in grouped.values():
            change = rename_files(session.host.vault, pairs, ls.reader(session))
            for warning in change.warnings:
                _tell(ls, warning)
            edit = workspace_edit(ls, session, change)
            edits += edit.document_changes or []
            changes.update(edit.changes or {})
        if not edits and not changes:
            return None
        return types.WorkspaceEdit(document_changes=edits) if edits else types.WorkspaceEdit(changes=changes)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix], resolve_provider=False))
    def on_code_action(ls: LitnotesServer, params: types.CodeActionParams):
        """Snapshot reader: quick fixes for litnotes' diagnostics in the range."""
        only = params.context.only
        kinds = [str(getattr(k, "value", k)) for k in only or ()]
        if kinds and not any(k in ("quickfix", "") for k in kinds):
            return None
        where = located(ls, params.text_document.uri, params.range.start)
        if where is None:
            return None
        session, rel, doc, start = where
        end = doc.index.offset(params.range.end.line, params.range.end.character, ls.client.encoding)
        from ..features.fixes import quick_fixes  # noqa: PLC0415

        caps = ls.client
        actions = []
        for fix in quick_fixes(session.host.vault, rel, doc.text, start, end, ls.reader(session)):
            if fix.change.creates and not caps.create_files:
                continue  # the client cannot create files through a workspace edit
            rng = to_range(doc.index, fix.start, fix.end, ls.client.encoding)
            actions.append(types.CodeAction(
                title=fix.title, kind=types.CodeActionKind.QuickFix,
                diagnostics=_client_diagnostics(params, fix.code, rng) or None,
                is_preferred=True if fix.preferred and caps.is_preferred else None,
                edit=workspace_edit(ls, session, fix.change)))
        return actions

    @server.command(APPLY_EDIT_COMMAND)
    async def on_apply_edit(ls, *args):
        """Apply edits a completion item carries for another note (a new block id): `workspace/applyEdit`."""
        data = args[0] if args and isinstance(args[0], dict) else {}
        path = uri_to_path(str(data.get("uri", "")))
        session = ls.session_for(path) if path is not None else None
        if session is None:
            return None
        edits = []
        for item in data.get("edits", []):
            rel, start, end, new_text, length = item
            text = ls.text_of(session, rel)
            if text is None or len(text) != length:
                _tell(ls, f"`{rel}` changed meanwhile: the new block id was not added")
                return None
            edits.append(TextEdit(rel, int(start), int(end), str(new_text)))
        edit = workspace_edit(ls, session, SourceChange(tuple(edits)))
        result = await ls.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit=edit, label="litnotes: new block id"))
        return {"applied": bool(result and result.applied)}


def completion_command(ls: LitnotesServer, session: Session, uri: str, edits) -> types.Command:
    """The command that a completion item runs to apply its edits in other notes."""
    items = [[e.path, e.start, e.end, e.new_text, len(ls.text_of(session, e.path) or "")] for e in edits]
    return types.Command(title="add the block id", command=APPLY_EDIT_COMMAND, arguments=[{"uri": uri, "edits": items}])
