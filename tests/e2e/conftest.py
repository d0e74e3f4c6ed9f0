"""End-to-end fixtures: the real `litnotes serve` process, driven by pytest-lsp with real editor presets.

Each test gets its own copy of the demo vault (tests write to it) plus notes with accents, CJK and
emoji before links, and a client initialised with the Neovim 0.11 (UTF-8), VS Code (UTF-16) or
Emacs 29 (UTF-32) capabilities.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from lsp_support import DEMO, ENCODING, PRESETS, UNICODE_NOTE


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    shutil.copytree(DEMO, root)
    (root / "notes" / "Unicode.md").write_text(UNICODE_NOTE, encoding="utf-8")
    return root



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

    lsp_client.code_lens_refreshes = 0

    @lsp_client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def code_lens_refresh(params: None) -> None:
        """Real VS Code asks for the lenses again; count the requests."""
        lsp_client.code_lens_refreshes += 1

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
