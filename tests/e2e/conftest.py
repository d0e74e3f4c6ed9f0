"""End-to-end fixtures: the real `litnotes serve` process, driven by pytest-lsp with real editor presets.

Each test gets its own copy of the demo vault (tests write to it) plus notes with accents, CJK and
emoji before links, and a client initialised with the Neovim 0.11 (UTF-8), VS Code (UTF-16) or
Emacs 29 (UTF-32) capabilities.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

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


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    shutil.copytree(DEMO, root)
    (root / "notes" / "Unicode.md").write_text(UNICODE_NOTE, encoding="utf-8")
    return root


def uri(root: Path, rel: str) -> str:
    return (root / rel).as_uri()


@pytest_lsp.fixture(
    params=PRESETS,
    config=ClientServerConfig(server_command=[sys.executable, "-m", "litnotes", "serve", "--stdio"]),
)
async def client(request, lsp_client: LanguageClient, vault: Path):
    lsp_client.registrations = []

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: types.RegistrationParams) -> None:
        """Real VS Code and Emacs accept dynamic registrations; record them."""
        lsp_client.registrations.extend(params.registrations)

    lsp_client.preset = request.param
    lsp_client.encoding = ENCODING[request.param]
    lsp_client.vault = vault
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities(request.param),
        workspace_folders=[types.WorkspaceFolder(uri=vault.as_uri(), name="vault")],
        initialization_options={"debounce-ms": 0},
    ))
    yield
    await lsp_client.shutdown_session()


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
