"""Completion, completion resolve and hover: convert in, call one feature function, convert out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from .convert import to_range, uri_to_path
from .navigation import located

if TYPE_CHECKING:
    from .server import LitnotesServer

__all__ = ["register", "TRIGGER_CHARACTERS"]

TRIGGER_CHARACTERS = ["[", "#", "^", "@", "|"]
_KINDS = {
    "note": types.CompletionItemKind.File,
    "alias": types.CompletionItemKind.Reference,
    "heading": types.CompletionItemKind.Struct,
    "block": types.CompletionItemKind.Field,
    "highlight": types.CompletionItemKind.Text,
    "citekey": types.CompletionItemKind.Reference,
    "tag": types.CompletionItemKind.Keyword,
    "file": types.CompletionItemKind.File,
}


def _documentation(ls: LitnotesServer, text: str | None):
    """Markdown when the client renders it in completion items, else the plain text."""
    if not text:
        return None
    if ls.client.markdown_completion:
        return types.MarkupContent(kind=types.MarkupKind.Markdown, value=text)
    return text


def register(server: LitnotesServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_COMPLETION,
                    types.CompletionOptions(trigger_characters=TRIGGER_CHARACTERS, resolve_provider=True))
    def on_completion(ls: LitnotesServer, params: types.CompletionParams):
        """Snapshot reader: links, headings, blocks, highlights, cite keys and tags at the cursor."""
        where = located(ls, params.text_document.uri, params.position)
        if where is None:
            return None
        session, rel, doc, offset = where
        from ..features.completion import complete, resolve_completion  # noqa: PLC0415 - loaded on first use
        from .editing import completion_command  # noqa: PLC0415

        result = complete(session.host.vault, rel, doc.text, offset, text_of=ls.reader(session))
        if result is None:
            return None
        items = []
        ranges: dict[tuple[int, int], types.Range] = {}  # most items replace the same typed word
        for i, c in enumerate(result.items):
            documentation = c.documentation
            if documentation is None and c.resolve and not ls.client.completion_resolve:
                documentation = resolve_completion(session.host.vault, c.resolve)
            here = [types.TextEdit(range=to_range(doc.index, e.start, e.end, ls.client.encoding), new_text=e.new_text)
                    for e in c.edits if e.path == rel]  # a new block id in this note
            elsewhere = [e for e in c.edits if e.path != rel]  # … or in another: applied by a command
            if (c.start, c.end) not in ranges:
                ranges[c.start, c.end] = to_range(doc.index, c.start, c.end, ls.client.encoding)
            items.append(types.CompletionItem(
                label=c.label,
                kind=_KINDS.get(c.kind, types.CompletionItemKind.Text),
                detail=c.detail or None,
                documentation=_documentation(ls, documentation),
                sort_text=c.sort_text or f"{i:05d}",
                filter_text=c.filter_text or None,
                text_edit=types.TextEdit(range=ranges[c.start, c.end], new_text=c.new_text),
                data={"uri": doc.uri, "resolve": [list(pair) for pair in c.resolve]} if c.resolve else None,
                additional_text_edits=here or None,
                command=completion_command(ls, session, doc.uri, elsewhere) if elsewhere else None,
            ))
        # While the vault is first read, the lists lack most notes: the client asks again as the user types.
        return types.CompletionList(is_incomplete=result.incomplete or session.awaiting_first_index, items=items)

    @server.feature(types.COMPLETION_ITEM_RESOLVE)
    def on_completion_resolve(ls: LitnotesServer, item: types.CompletionItem) -> types.CompletionItem:
        """Snapshot reader: fill the documentation (a citation card) from the data carried in the item."""
        data = item.data if isinstance(item.data, dict) else None
        if not data or item.documentation:
            return item
        path = uri_to_path(str(data.get("uri", "")))
        session = ls.session_for(path) if path is not None else None
        pairs = tuple(tuple(p) for p in data.get("resolve", []) if isinstance(p, (list, tuple)) and len(p) == 2)
        if session is not None and pairs:
            from ..features.completion import resolve_completion  # noqa: PLC0415

            text = resolve_completion(session.host.vault, pairs)
            if text:
                item.documentation = _documentation(ls, text)
        return item

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: LitnotesServer, params: types.HoverParams):
        """Snapshot reader: highlight, block, note, heading and citation previews."""
        where = located(ls, params.text_document.uri, params.position)
        if where is None:
            return None
        session, rel, doc, offset = where
        from ..features.hover import hover  # noqa: PLC0415 - loaded on first use

        result = hover(session.host.vault, rel, doc.text, offset, ls.reader(session))
        if result is None:
            return None
        kind = types.MarkupKind.Markdown if ls.client.markdown_hover else types.MarkupKind.PlainText
        return types.Hover(contents=types.MarkupContent(kind=kind, value=result.markdown),
                           range=to_range(doc.index, result.start, result.end, ls.client.encoding))
