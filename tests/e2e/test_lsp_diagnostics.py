"""The real server under three editor presets: diagnostics appear with exact ranges, follow edits,
cross notes (a renamed heading), and follow files changed on disk."""

from __future__ import annotations

from lsprotocol import types
from pytest_lsp import LanguageClient

from lsp_support import UNICODE_NOTE, columns, indexed, open_note, wait_for


async def test_initialize_negotiates_the_encoding(client: LanguageClient) -> None:
    assert client.encoding in ("utf-8", "utf-16", "utf-32")
    await indexed(client)


async def test_diagnostics_have_exact_ranges_after_non_ascii_text(client: LanguageClient) -> None:
    u = open_note(client, "notes/Unicode.md")
    await wait_for(lambda: codes_of(client, u) == ["heading.unresolved", "link.unresolved"])
    line = UNICODE_NOTE.splitlines()[2]
    start = line.index("[[Missing note]]")
    by_code = {d.code: d for d in client.diagnostics[u]}
    d = by_code["link.unresolved"]
    assert d.source == "litnotes" and d.severity == types.DiagnosticSeverity.Information
    assert (d.range.start.line, d.range.start.character) == (2, columns(line[:start], client.encoding))
    end = start + len("[[Missing note]]")
    assert (d.range.end.line, d.range.end.character) == (2, columns(line[:end], client.encoding))


def codes_of(client: LanguageClient, u: str) -> list[str]:
    return sorted(str(d.code) for d in client.diagnostics.get(u, []))


async def test_edits_make_diagnostics_appear_and_clear(client: LanguageClient) -> None:
    u = open_note(client, "notes/Unicode.md")
    await wait_for(lambda: "link.unresolved" in codes_of(client, u))
    line = UNICODE_NOTE.splitlines()[2]
    start = line.index("Missing note")
    # Replace "Missing note" with "Highlight Colour Codings" (an existing note), incrementally.
    edit = types.TextDocumentContentChangePartial(
        range=types.Range(start=types.Position(line=2, character=columns(line[:start], client.encoding)),
                          end=types.Position(line=2, character=columns(line[: start + len("Missing note")], client.encoding))),
        text="Highlight Colour Codings")
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=u, version=2), content_changes=[edit]))
    await wait_for(lambda: codes_of(client, u) == ["heading.unresolved"])
    # Now break a block reference on a new line at the end: a warning appears.
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=u, version=3),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=3, character=0), end=types.Position(line=3, character=0)),
            text="[[bereska2024-literature-note#^nope]]\n")]))
    await wait_for(lambda: codes_of(client, u) == ["block-ref.unresolved", "heading.unresolved"])


async def test_renamed_heading_flips_diagnostics_in_another_open_note(client: LanguageClient) -> None:
    await indexed(client)
    target = open_note(client, "Highlight Colour Codings.md")
    log = open_note(client, "notes/Reading log.md")
    await wait_for(lambda: "block-ref.unresolved" in codes_of(client, log))
    before = [d for d in client.diagnostics[log] if d.code == "heading.unresolved"]
    # Rename "## Highlighting Colour Codes" (line 3) to "## Colours".
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=target, version=2),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=2, character=3), end=types.Position(line=2, character=28)),
            text="Colours")]))
    await wait_for(lambda: len([d for d in client.diagnostics[log] if d.code == "heading.unresolved"]) == len(before) + 1)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=target, version=3),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=2, character=3), end=types.Position(line=2, character=10)),
            text="Highlighting Colour Codes")]))
    await wait_for(lambda: len([d for d in client.diagnostics[log] if d.code == "heading.unresolved"]) == len(before))


async def test_a_note_created_on_disk_resolves_links_in_open_notes(client: LanguageClient) -> None:
    await indexed(client)
    u = open_note(client, "notes/Unicode.md")
    await wait_for(lambda: "link.unresolved" in codes_of(client, u))
    created = client.vault / "Missing note.md"
    created.write_text("# A note that now exists\n", encoding="utf-8")
    if client.preset != "neovim":  # clients that watch files tell the server; Neovim's preset cannot, the server watches
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
            types.FileEvent(uri=created.as_uri(), type=types.FileChangeType.Created)]))
    await wait_for(lambda: codes_of(client, u) == ["heading.unresolved"])
    # A Zotero re-import rewrites a literature note: its block ids change on disk.
    log = open_note(client, "notes/Reading log.md")
    await wait_for(lambda: "block-ref.unresolved" in codes_of(client, log))
    count = len([d for d in client.diagnostics[log] if d.code == "block-ref.unresolved"])
    lit = client.vault / "literature notes" / "bereska2024-literature-note.md"
    lit.write_text(lit.read_text(encoding="utf-8").replace("^29lz2rml", "^renamed1"), encoding="utf-8")
    if client.preset != "neovim":
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
            types.FileEvent(uri=lit.as_uri(), type=types.FileChangeType.Changed)]))
    await wait_for(lambda: len([d for d in client.diagnostics[log] if d.code == "block-ref.unresolved"]) == count + 1)


async def test_closing_a_note_clears_its_diagnostics(client: LanguageClient) -> None:
    u = open_note(client, "notes/Unicode.md")
    await wait_for(lambda: codes_of(client, u))
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=u)))
    await wait_for(lambda: u in client.diagnostics and len(client.diagnostics[u]) == 0)
