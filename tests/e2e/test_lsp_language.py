"""Completion at every trigger and hover on the seed's highlights, through the real server, with exact
`textEdit` ranges after accents, CJK and emoji under each editor's position encoding."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from lsp_support import columns, indexed, open_note, wait_for

PREFIX = "Café ☕ 日本語 😀 "

# (what is typed after the prefix, first item's label, its new text, where the replaced range starts in the typed text)
TRIGGERS = [
    ("[[@ber", "@bereska2024", "bereska2024-literature-note|@bereska2024]]", 2),
    ("![[Highl", "Highlight Colour Codings", "Highlight Colour Codings]]", 3),
    ("[[bereska2024-literature-note#", "Notes", "bereska2024-literature-note#Notes]]", 2),
    ("[[bereska2024-literature-note#^", "^e0c377", "bereska2024-literature-note#^e0c377]]", 2),
    ("[[^^superpos", "Hypothesis: Superposition Neural network", "bereska2024-literature-note#^u2jzjgqp]]", 2),
    ("[@vas", "vaswani2017", "vaswani2017", 2),
    ("#integ", "integration/zotero", "integration/zotero", 1),
]


async def type_line(client: LanguageClient, typed: str) -> tuple[str, int]:
    """Open a scratch note containing PREFIX + typed; return its uri and the cursor column."""
    path = client.vault / "notes" / "Scratch.md"
    path.write_text("", encoding="utf-8")
    u = open_note(client, "notes/Scratch.md")
    line = PREFIX + typed
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=u, version=2),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
            text=line)]))
    return u, columns(line, client.encoding)


@pytest.mark.parametrize("typed, label, new_text, replace_from", TRIGGERS, ids=[t[0] for t in TRIGGERS])
async def test_completion_first_item_and_exact_range(client: LanguageClient, typed, label, new_text, replace_from) -> None:
    await indexed(client)
    u, cursor = await type_line(client, typed)
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=u), position=types.Position(line=0, character=cursor)))
    assert result is not None and result.items, typed
    first = result.items[0]
    assert first.label.startswith(label)
    edit = first.text_edit
    assert edit.new_text == new_text
    start = columns(PREFIX + typed[:replace_from], client.encoding)
    assert (edit.range.start.line, edit.range.start.character, edit.range.end.character) == (0, start, cursor)


async def test_cite_key_documentation_is_resolved_lazily(client: LanguageClient) -> None:
    await indexed(client)
    u, cursor = await type_line(client, "[@bere")
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=u), position=types.Position(line=0, character=cursor)))
    item = result.items[0]
    if item.documentation is None:  # clients that resolve documentation lazily
        item = await client.completion_item_resolve_async(item)
    text = item.documentation.value if hasattr(item.documentation, "value") else str(item.documentation)
    assert "Mechanistic Interpretability" in text and "Bereska" in text


async def test_hover_on_a_seed_highlight_shows_quote_label_and_page(client: LanguageClient) -> None:
    await indexed(client)
    u = open_note(client, "notes/Reading log.md")
    text = (client.vault / "notes" / "Reading log.md").read_text(encoding="utf-8")
    lines = text.split("\n")
    row = next(i for i, line in enumerate(lines) if "#^29lz2rml" in line)
    col = lines[row].index("#^29lz2rml")
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=u),
        position=types.Position(line=row, character=columns(lines[row][:col], client.encoding))))
    value = hover.contents.value
    assert "Note" in value and "#FFF3A3A6" in value
    assert "1" in value and "page" in value.lower() or "p. 1" in value
    assert "reverse-engineering the computational mechanisms" in value
    assert "zotero://open-pdf/library/items/MGFTCTVY" in value


async def test_hover_on_an_image_highlight_and_a_cite_key(client: LanguageClient) -> None:
    await indexed(client)
    u = open_note(client, "notes/Reading log.md")
    lines = (client.vault / "notes" / "Reading log.md").read_text(encoding="utf-8").split("\n")
    row = next(i for i, line in enumerate(lines) if "[@bereska2024, p. 3]" in line)
    col = lines[row].index("@bereska2024")
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=u),
        position=types.Position(line=row, character=columns(lines[row][:col + 2], client.encoding))))
    assert "Mechanistic Interpretability" in hover.contents.value
    await wait_for(lambda: client.diagnostics.get(u))
