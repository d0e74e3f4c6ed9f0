"""Navigation handlers: definition, references, document and workspace symbols, document links, code lens.

Each handler converts the position in, calls one pure feature (`features/definition.py`,
`references.py`, `symbols.py`, `doclinks.py`) and converts the result out, as the client declared
it can take it: `LocationLink` or `Location`, `DocumentSymbol` tree or flat `SymbolInformation`,
link tooltips only when supported. `Places` turns a vault path and code-point offsets into a URI
and a range, reading a closed note's text once (`text_of`); references convert all their offsets
in one batch (`Places.locations`: each closed note read once, only the asked positions computed)
and answer with the JSON text of their locations (`Places.locations_json`, a `JsonResult`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from ..syntax import LineIndex
from ..syntax.text import positions
from .convert import canonical_uri, child_uri, offset_of, path_to_uri, to_range, uri_to_path
from .robust import JsonResult

if TYPE_CHECKING:
    from .server import LitnotesServer
    from .session import Session

__all__ = ["register", "Places", "located", "SYMBOL_KINDS"]

# Kinds from the initial protocol (File … Array), which every client accepts without a value set.
SYMBOL_KINDS = {
    "note": types.SymbolKind.File,
    "alias": types.SymbolKind.Constant,
    "heading": types.SymbolKind.String,
    "callout": types.SymbolKind.Namespace,
    "highlight": types.SymbolKind.Property,
    "block": types.SymbolKind.Field,
}


_LOCATION_JSON = '{"uri":%s,"range":{"start":{"line":%d,"character":%d},"end":{"line":%d,"character":%d}}}'
URI_CACHE_SIZE = 20_000  # file URIs a session keeps between requests (about 2 MB)

class Places:
    """URIs and ranges of one session's files. `range` uses a file's line index (computed once);
    `locations` converts a batch (references into thousands of closed notes) reading each closed
    file once, without indexing it, and computing only the positions the batch needs."""

    def __init__(self, ls: LitnotesServer, session: Session) -> None:
        self.ls, self.session = ls, session
        self.open = ls.open_uris(session)
        self._indexes: dict[str, LineIndex] = {}
        self._uris = session.uris
        self._root_uri = path_to_uri(session.root)

    def uri(self, rel: str) -> str:
        if rel in self.open:
            return self.open[rel]
        uri = self._uris.get(rel)
        if uri is None:
            uri = child_uri(self._root_uri, rel) or path_to_uri(Path(rel) if rel.startswith("/") else self.session.root / rel)
            if len(self._uris) >= URI_CACHE_SIZE:
                self._uris.clear()
            self._uris[rel] = uri
        return uri

    def index(self, rel: str) -> LineIndex:
        if rel not in self._indexes:
            doc = self.ls.documents.get(self.open[rel]) if rel in self.open else None
            self._indexes[rel] = doc.index if doc else LineIndex(self.ls.text_of(self.session, rel) or "")
        return self._indexes[rel]

    def range(self, rel: str, start: int, end: int) -> types.Range:
        if start == end == 0:
            return types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))
        return to_range(self.index(rel), start, end, self.ls.client.encoding)

    def location(self, rel: str, start: int, end: int) -> types.Location:
        return types.Location(uri=self.uri(rel), range=self.range(rel, start, end))

    def locations(self, spans) -> list[types.Location]:
        """`location` of each (path, start, end), in order."""
        return [types.Location(uri=self.uri(rel), range=types.Range(
            start=types.Position(line=a[0], character=a[1]), end=types.Position(line=b[0], character=b[1])))
            for rel, a, b in self._positioned(spans)]

    def locations_json(self, spans) -> JsonResult:
        """`locations` as the JSON text of the `Location` array, made directly (a long answer:
        lsprotocol objects that cattrs takes apart again cost 3 ms for 500 references)."""
        quoted: dict[str, str] = {}  # rel -> its URI as a JSON string
        parts = []
        for rel, a, b in self._positioned(spans):
            uri = quoted.get(rel)
            if uri is None:
                uri = quoted[rel] = json.dumps(self.uri(rel))
            parts.append(_LOCATION_JSON % (uri, a[0], a[1], b[0], b[1]))
        return JsonResult("[" + ",".join(parts) + "]")

    def _positioned(self, spans) -> list[tuple[str, tuple[int, int], tuple[int, int]]]:
        """(path, start position, end position) of each (path, start, end), in order."""
        spans = list(spans)
        wanted: dict[str, set[int]] = {}
        for rel, start, end in spans:
            if not start == end == 0:
                wanted.setdefault(rel, set()).update((start, end))
        encoding = self.ls.client.encoding
        found: dict[str, dict[int, tuple[int, int]]] = {}
        closed = []
        for rel, offsets in wanted.items():
            if rel in self._indexes or rel in self.open:
                index = self.index(rel)
                found[rel] = {o: index.position(o, encoding) for o in offsets}
            else:
                closed.append(rel)
        for rel, text in self.ls.texts_of(self.session, closed):
            found[rel] = positions(text or "", wanted[rel], encoding)
        origin = (0, 0)
        return [(rel, origin, origin) if start == end == 0 else (rel, found[rel][start], found[rel][end])
                for rel, start, end in spans]

    def version(self, rel: str) -> int | None:
        doc = self.ls.documents.get(self.open[rel]) if rel in self.open else None
        return doc.version if doc else None


def located(ls: LitnotesServer, uri: str, position: types.Position | None = None):
    """(session, rel, document, offset) of an open note, or None."""
    uri = canonical_uri(uri)
    doc = ls.documents.get(uri)
    path = uri_to_path(uri)
    session = ls.session_for(path) if path is not None else None
    rel = session.rel(path) if session is not None else None
    if doc is None or rel is None or len(doc.text) > session.host.vault.settings.max_note_bytes:
        return None  # a note over max-note-bytes is not indexed: nothing to look up (and no 50 MB re-parse)
    offset = offset_of(doc.index, position, ls.client.encoding) if position is not None else 0
    return session, rel, doc, offset


def _document_symbol(places: Places, rel: str, s) -> types.DocumentSymbol:
    return types.DocumentSymbol(
        name=s.name, kind=SYMBOL_KINDS.get(s.kind, types.SymbolKind.String), detail=s.detail or None,
        range=places.range(rel, s.start, s.end), selection_range=places.range(rel, s.selection_start, s.selection_end),
        children=[_document_symbol(places, rel, c) for c in s.children] or None)


def register(server: LitnotesServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def on_definition(ls: LitnotesServer, params: types.DefinitionParams):
        """Snapshot reader: the note, heading section, block, literature note or bibliography entry."""
        where = located(ls, params.text_document.uri, params.position)
        if where is None:
            return None
        session, rel, doc, offset = where
        from ..features.definition import definition  # noqa: PLC0415 - loaded on first use

        found = definition(session.host.vault, rel, doc.text, offset)
        if found is None:
            return None
        start, end, targets = found
        places = Places(ls, session)
        if ls.client.link_support:
            origin = to_range(doc.index, start, end, ls.client.encoding)
            return [types.LocationLink(target_uri=places.uri(t.path), target_range=places.range(t.path, t.start, t.end),
                                       target_selection_range=places.range(t.path, t.selection_start, t.selection_end),
                                       origin_selection_range=origin) for t in targets]
        return [places.location(t.path, t.selection_start, t.selection_end) for t in targets]

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    def on_references(ls: LitnotesServer, params: types.ReferenceParams):
        """Snapshot reader: links, embeds, citations and tags that name what is under the cursor."""
        where = located(ls, params.text_document.uri, params.position)
        if where is None:
            return None
        session, rel, doc, offset = where
        from ..features.references import references  # noqa: PLC0415

        found = references(session.host.vault, rel, doc.text, offset, params.context.include_declaration)
        return Places(ls, session).locations_json((r.path, r.start, r.end) for r in found)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def on_document_symbol(ls: LitnotesServer, params: types.DocumentSymbolParams):
        """Snapshot reader: headings as a tree, callouts and Zotero highlights."""
        where = located(ls, params.text_document.uri)
        if where is None:
            return None
        session, rel, doc, _ = where
        from ..features.at_cursor import live_note  # noqa: PLC0415
        from ..features.symbols import document_symbols, flatten  # noqa: PLC0415

        symbols = document_symbols(live_note(session.host.vault, rel, doc.text), doc.text)
        places = Places(ls, session)
        if ls.client.hierarchical_symbols:
            return [_document_symbol(places, rel, s) for s in symbols]
        return [types.SymbolInformation(name=s.name, kind=SYMBOL_KINDS.get(s.kind, types.SymbolKind.String),
                                        location=places.location(rel, s.start, s.end), container_name=s.container or None)
                for s in flatten(symbols)]

    @server.feature(types.WORKSPACE_SYMBOL)
    def on_workspace_symbol(ls: LitnotesServer, params: types.WorkspaceSymbolParams):
        """Snapshot reader: notes, aliases, headings, block ids and highlights matching the query."""
        from ..features.symbols import workspace_symbols  # noqa: PLC0415

        out, limit = [], 200
        for session in list(ls.sessions):
            places = Places(ls, session)
            found = workspace_symbols(session.host.vault, params.query, limit - len(out))
            # One batch: each closed note is read once and only the offsets asked for are converted.
            for s, location in zip(found, places.locations((s.path, s.start, s.end) for s in found)):
                out.append(types.SymbolInformation(
                    name=s.name, kind=SYMBOL_KINDS.get(s.kind, types.SymbolKind.String),
                    location=location, container_name=s.container or None))
            if len(out) >= limit:
                break
        return out

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_LINK, types.DocumentLinkOptions(resolve_provider=False))
    def on_document_link(ls: LitnotesServer, params: types.DocumentLinkParams):
        """Snapshot reader: zotero:// and web links, and links that resolve to a vault file."""
        where = located(ls, params.text_document.uri)
        if where is None:
            return None
        session, rel, doc, _ = where
        from ..features.doclinks import document_links  # noqa: PLC0415

        places = Places(ls, session)
        tooltip = ls.client.tooltip
        return [types.DocumentLink(range=to_range(doc.index, d.start, d.end, ls.client.encoding),
                                   target=d.url or places.uri(d.path), tooltip=(d.tooltip or None) if tooltip else None)
                for d in document_links(session.host.vault, rel, doc.text)]

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))
    def on_code_lens(ls: LitnotesServer, params: types.CodeLensParams):
        """Snapshot reader (opt-in, setting `code-lens`): how many links point at each heading and highlight."""
        if not ls.editor.code_lens:
            return None
        where = located(ls, params.text_document.uri)
        if where is None:
            return None
        session, rel, doc, _ = where
        from ..features.symbols import code_lenses  # noqa: PLC0415

        return [types.CodeLens(range=to_range(doc.index, lens.start, lens.end, ls.client.encoding),
                               command=types.Command(title=lens.title, command="litnotes.showReferences",
                                                     arguments=[doc.uri, lens.start]))
                for lens in code_lenses(session.host.vault, rel, doc.text)]

    @server.command("litnotes.showReferences")
    def on_show_references(ls, *args):
        """The code lens command: nothing to do on the server (the lens title is the information)."""
        return None
