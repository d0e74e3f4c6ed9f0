"""References into notes that are not open in the editor, through the real server under the Neovim
(UTF-8), VS Code (UTF-16) and Emacs (UTF-32) presets: lines with accents, CJK and emoji before the
links, CRLF and lone-CR line ends, a BOM. Expected positions come from the files' bytes: lines split
at "\\r\\n", "\\r" and "\\n" only, columns counted in the preset's encoding (`columns`)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from lsp_support import DEMO, UNICODE_NOTE, columns, indexed, open_note

TARGET = "notes/Positions target.md"
CLOSED = {
    "notes/crlf 日本.md": "# 見出し\r\n\r\n日本語 😀 [[Positions target]] and [[Positions target#Part]]\r\nend ![[Positions target]]",
    "notes/cr.md": "Café\r😀😀 [[Positions target]]\r\r[[Positions target]] ☕",
    "emoji 🔬/mixed.md": "🔬📈 é\r\n\n\r[[Positions target|ü 😀]] [x](../notes/Positions%20target.md)\n",
    "notes/bom.md": "\ufeff𝕏 ☕ [[Positions target]]\n",
}
LINK = re.compile(r"!?\[\[Positions target[^\]]*\]\]|\[x\]\([^)]*\)")


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """The demo vault plus notes that cite the target with exotic text and line ends (bytes as given)."""
    root = tmp_path / "vault"
    shutil.copytree(DEMO, root)
    (root / "notes" / "Unicode.md").write_text(UNICODE_NOTE, encoding="utf-8")
    (root / TARGET).write_text("Plain text here.\n\n## Part\n", encoding="utf-8")
    for rel, text in CLOSED.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(text.encode("utf-8"))
    return root


def expected_span(text: str, start: int, end: int, encoding: str) -> tuple[int, int, int, int]:
    def position(offset: int) -> tuple[int, int]:
        ends = [m.end() for m in re.finditer(r"\r\n|\r|\n", text[:offset])]
        line_start = ends[-1] if ends else 0
        return len(ends), columns(text[line_start:offset], encoding)
    return (*position(start), *position(end))


async def test_references_into_closed_notes_are_exact(client: LanguageClient) -> None:
    await indexed(client)
    uri = open_note(client, TARGET)
    found = await client.text_document_references_async(types.ReferenceParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=0, character=3),
        context=types.ReferenceContext(include_declaration=False)))
    got = sorted((Path(unquote(urlparse(x.uri).path)).relative_to(client.vault).as_posix(),
                  x.range.start.line, x.range.start.character, x.range.end.line, x.range.end.character) for x in found)
    expected = []
    for rel, raw in CLOSED.items():
        text = raw.removeprefix("\ufeff")  # the BOM is not part of the note (P-2)
        expected += [(rel, *expected_span(text, m.start(), m.end(), client.encoding)) for m in LINK.finditer(text)]
    assert got == sorted(expected)
