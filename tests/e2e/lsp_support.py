"""Helpers for the end-to-end tests: vault contents, column arithmetic, waiting and opening notes."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "fixtures" / "demo-vault"
PRESETS = ["neovim", "visual_studio_code", "emacs"]
ENCODING = {"neovim": "utf-8", "visual_studio_code": "utf-16", "emacs": "utf-32"}

UNICODE_NOTE = "# Überblick\n\nCafé ☕ 日本語 😀 [[Missing note]] and [[Highlight Colour Codings#Nope]]\n"


def columns(text: str, encoding: str) -> int:
    """How many `encoding` units `text` spans (the LSP column after it)."""
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-16":
        return len(text.encode("utf-16-le")) // 2
    return len(text)


async def wait_for(predicate, timeout: float = 15.0):
    """Poll until `predicate()` is truthy; fail with the last value otherwise."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting; last value: {value!r}")
        await asyncio.sleep(0.05)


def open_note(client: LanguageClient, rel: str) -> str:
    path = client.vault / rel
    u = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=u, language_id="markdown", version=1, text=path.read_text(encoding="utf-8"))))
    return u


def codes(client: LanguageClient, u: str) -> list[str]:
    return sorted(str(d.code) for d in client.diagnostics.get(u, []))


async def indexed(client: LanguageClient) -> None:
    """Indexing has finished when the server reported the end of its progress."""
    def ended():
        return any(isinstance(v, types.WorkDoneProgressEnd) for reports in client.progress_reports.values() for v in reports)
    await wait_for(ended)
