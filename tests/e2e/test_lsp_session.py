"""Pull diagnostics, client settings, several workspace folders and a lone file, on the real server."""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from lsp_support import DEMO, indexed, open_note, wait_for

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "litnotes", "serve", "--stdio"])


def pull_capabilities() -> types.ClientCapabilities:
    caps = client_capabilities("visual_studio_code")
    caps.text_document.diagnostic = types.DiagnosticClientCapabilities(related_document_support=True)
    caps.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    return caps


@pytest_lsp.fixture(config=SERVER)
async def pull_client(lsp_client: LanguageClient, tmp_path: Path):
    vault = tmp_path / "vault"
    shutil.copytree(DEMO, vault)
    lsp_client.vault = vault
    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params) -> None:
        return None

    result = await lsp_client.initialize_session(types.InitializeParams(
        capabilities=pull_capabilities(), workspace_folders=[types.WorkspaceFolder(uri=vault.as_uri(), name="v")],
        initialization_options={"debounceMs": 0}))
    lsp_client.init_result = result
    yield
    await lsp_client.shutdown_session()


async def test_pull_diagnostics_with_result_ids(pull_client: LanguageClient) -> None:
    assert pull_client.init_result.capabilities.diagnostic_provider is not None
    await indexed(pull_client)
    u = open_note(pull_client, "notes/Reading log.md")
    report = await pull_client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=u)))
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    assert "link.bare-alias" in {d.code for d in report.items}
    again = await pull_client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
        text_document=types.TextDocumentIdentifier(uri=u), previous_result_id=report.result_id))
    assert isinstance(again, types.RelatedUnchangedDocumentDiagnosticReport)
    assert pull_client.diagnostics.get(u) is None  # nothing was pushed


async def test_workspace_diagnostics_and_refresh(pull_client: LanguageClient) -> None:
    await indexed(pull_client)
    report = await pull_client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
    names = {item.uri.rsplit("/", 1)[-1] for item in report.items}
    assert {"Reading%20log.md", "My%20Library.bib"} <= names, names
    target = open_note(pull_client, "Highlight Colour Codings.md")
    open_note(pull_client, "notes/Reading log.md")
    pull_client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=target, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text="# Nothing here\n")]))
    await wait_for(lambda: pull_client.diagnostic_refresh_count > 0)


@pytest_lsp.fixture(config=SERVER)
async def configured(lsp_client: LanguageClient, tmp_path: Path):
    a, b = tmp_path / "a", tmp_path / "b"
    for root, text in ((a, "[[Missing]]\n"), (b, "[[Other]]\n")):
        root.mkdir()
        (root / ".obsidian").mkdir()
        (root / "note.md").write_text(text, encoding="utf-8")
    lsp_client.roots = (a, b)

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params) -> None:
        return None

    lsp_client.messages_seen = []
    lsp_client.set_configuration({"litnotes": {"severity": {"link.unresolved": "error"}, "debounceMs": "soon"}})
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual_studio_code"),
        workspace_folders=[types.WorkspaceFolder(uri=a.as_uri(), name="a"), types.WorkspaceFolder(uri=b.as_uri(), name="b")],
        initialization_options={"debounce-ms": 0}))
    yield
    await lsp_client.shutdown_session()


async def test_settings_and_two_vaults(configured: LanguageClient) -> None:
    a, b = configured.roots
    await wait_for(lambda: sum(1 for v in configured.progress_reports.values()
                               for r in v if isinstance(r, types.WorkDoneProgressEnd)) == 2)
    ua = (a / "note.md").as_uri()
    configured.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=ua, language_id="markdown", version=1, text="[[Missing]]\n")))
    await wait_for(lambda: [d.severity for d in configured.diagnostics.get(ua, [])] == [types.DiagnosticSeverity.Error])
    # The invalid debounceMs was reported to the user, and the server kept working with the default.
    assert any("debounce-ms" in m.message for m in configured.messages)
    (b / "Other.md").write_text("# exists\n", encoding="utf-8")
    ub = (b / "note.md").as_uri()
    configured.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=ub, language_id="markdown", version=1, text="[[Other]] [[note]]\n")))
    configured.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=(b / "Other.md").as_uri(), type=types.FileChangeType.Created)]))
    await wait_for(lambda: ub in configured.diagnostics and len(configured.diagnostics[ub]) == 0)


@pytest_lsp.fixture(config=SERVER)
async def folderless(lsp_client: LanguageClient, tmp_path: Path):
    vault = tmp_path / "vault"
    shutil.copytree(DEMO, vault)
    lsp_client.vault = vault
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("neovim"), initialization_options={"debounce-ms": 0}))
    yield
    await lsp_client.shutdown_session()


async def test_a_lone_file_finds_its_vault(folderless: LanguageClient) -> None:
    u = open_note(folderless, "notes/Reading log.md")
    await wait_for(lambda: "link.bare-alias" in {d.code for d in folderless.diagnostics.get(u, [])})
    await indexed(folderless)
    await wait_for(lambda: "block-ref.unresolved" in {d.code for d in folderless.diagnostics.get(u, [])})


@pytest_lsp.fixture(config=SERVER)
async def slow_progress_client(lsp_client: LanguageClient, tmp_path: Path):
    """A client that takes its time to accept a progress token, over a vault of 1,200 linked notes (parsed
    in batches of 500, each reported)."""
    vault = linked_vault(tmp_path, 1200)

    async def create(params: types.WorkDoneProgressCreateParams) -> None:
        await asyncio.sleep(1.5)  # under the server's 2 s limit for an answer
        lsp_client.progress_reports.setdefault(params.token, [])

    # pytest-lsp registers its own handler, and pygls refuses a second one: replace it in place.
    lsp_client.protocol.fm._features[types.WINDOW_WORK_DONE_PROGRESS_CREATE] = create

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params) -> None:
        return None

    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual_studio_code"),
        workspace_folders=[types.WorkspaceFolder(uri=vault.as_uri(), name="v")]))
    yield
    await lsp_client.shutdown_session()


async def test_indexing_does_not_wait_for_the_client_to_accept_its_progress(slow_progress_client: LanguageClient) -> None:
    # The load does not wait for the client to accept the token: parsing the 1,200 small notes
    # (~0.2 s) is over before the client answers, so no report falls inside the progress (waiting
    # first, as before, gave three). The progress still begins first and ends with the whole vault.
    client = slow_progress_client
    await wait_for(lambda: any(isinstance(r, types.WorkDoneProgressEnd) for v in client.progress_reports.values() for r in v),
                   timeout=60)
    (values,) = client.progress_reports.values()
    assert isinstance(values[0], types.WorkDoneProgressBegin)
    assert isinstance(values[-1], types.WorkDoneProgressEnd) and values[-1].message.startswith("1200 notes")
    assert len(values) == 2
    found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="Note 1199"))
    assert [s.name for s in found] == ["Note 1199"]


def linked_vault(tmp_path: Path, n: int = 3000) -> Path:
    """`n` notes, each linking the next one and a heading of the one after: every link resolves once
    the vault is read (reading 3,000 notes takes a worker pool, ~0.5 s or more); `n0000` also
    links to a note that does not exist."""
    vault = tmp_path / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    for i in range(n):
        extra = " and [[Nowhere]]" if i == 0 else ""
        (vault / f"n{i:04}.md").write_text(
            f"# Note {i}\n[[n{(i + 1) % n:04}]] and [[n{(i + 2) % n:04}#Note {(i + 2) % n}]]{extra}\n", encoding="utf-8")
    return vault


async def start_on(client: LanguageClient, vault: Path, capabilities: types.ClientCapabilities, **options) -> None:
    client.vault = vault
    client.published = []  # (uri, codes) of every publishDiagnostics, in order
    client.code_lens_refreshes = 0

    @client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def code_lens_refresh(params: None) -> None:
        client.code_lens_refreshes += 1

    def record(params: types.PublishDiagnosticsParams) -> None:
        client.published.append((params.uri, sorted(str(d.code) for d in params.diagnostics)))
        client.diagnostics[params.uri] = params.diagnostics

    # pytest-lsp registers its own handler, and pygls refuses a second one: replace it in place.
    client.protocol.fm._features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = record

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params) -> None:
        return None

    await client.initialize_session(types.InitializeParams(
        capabilities=capabilities, workspace_folders=[types.WorkspaceFolder(uri=vault.as_uri(), name="v")],
        initialization_options={"debounce-ms": 0, **options}))


@pytest_lsp.fixture(config=SERVER)
async def starting_push(lsp_client: LanguageClient, tmp_path: Path):
    await start_on(lsp_client, linked_vault(tmp_path), client_capabilities("neovim"))
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=SERVER)
async def starting_pull(lsp_client: LanguageClient, tmp_path: Path):
    await start_on(lsp_client, linked_vault(tmp_path), pull_capabilities())
    yield
    await lsp_client.shutdown_session()


async def test_no_link_looks_broken_while_the_vault_is_first_read(starting_push: LanguageClient) -> None:
    """A note opened at start-up is diagnosed once the vault is read, not against the open notes
    alone (where every link out of it looked broken until indexing ended)."""
    client = starting_push
    u = open_note(client, "n0000.md")
    at_start = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=u), position=types.Position(line=1, character=3)))
    read_by_then = any(isinstance(v, types.WorkDoneProgressEnd) for r in client.progress_reports.values() for v in r)
    assert at_start.is_incomplete or read_by_then  # a list made from the open notes alone is asked for again
    await indexed(client)
    done = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=u), position=types.Position(line=1, character=3)))
    assert len(done.items) > len(at_start.items)  # (a list of 3,000 notes is capped, and says so too)
    await wait_for(lambda: any(uri == u for uri, _ in client.published))
    await asyncio.sleep(0.2)  # nothing else comes
    assert [found for uri, found in client.published if uri == u] == [["link.unresolved"]]
    assert "Nowhere" in client.diagnostics[u][0].message


async def test_files_changed_while_the_vault_is_first_read_are_read_again(starting_push: LanguageClient) -> None:
    """The server watches the files itself for this client (Neovim's preset watches nothing), from
    the end of the first indexing on; what changed on disk during it is found from the files'
    stamps. Here the files change once the load has begun (its progress is the sign): after its
    scan, before the watcher."""
    client = starting_push
    u = open_note(client, "n0000.md")
    await wait_for(lambda: client.progress_reports, timeout=30)
    (client.vault / "Nowhere.md").write_text("# Somewhere\n", encoding="utf-8")  # [[Nowhere]] resolves
    renamed = client.vault / "n0002.md"  # n0000 links [[n0002#Note 2]]
    renamed.write_text(renamed.read_text(encoding="utf-8").replace("# Note 2", "# Renamed"), encoding="utf-8")
    await indexed(client)
    await wait_for(lambda: client.published and client.published[-1] == (u, ["heading.unresolved"]))
    found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="Somewhere"))
    assert [s.name for s in found] == ["Somewhere"]


async def test_pull_clients_are_told_to_pull_again_once_the_vault_is_read(starting_pull: LanguageClient) -> None:
    client = starting_pull
    u = open_note(client, "n0000.md")
    doc = types.TextDocumentIdentifier(uri=u)
    early = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(text_document=doc))
    early_space = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
    await indexed(client)
    await wait_for(lambda: client.diagnostic_refresh_count > 0)
    late = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(text_document=doc))
    assert [(str(d.code), "Nowhere" in d.message) for d in late.items] == [("link.unresolved", True)]
    # Asked while the vault was being read: nothing, or (on a machine that read it first) the same.
    assert [str(d.code) for d in early.items] in ([], ["link.unresolved"])
    assert all(not item.items or [str(d.code) for d in item.items] == ["link.unresolved"] for item in early_space.items)
    assert client.diagnostics.get(u) is None  # nothing was pushed


@pytest_lsp.fixture(config=SERVER)
async def starting_with_lenses(lsp_client: LanguageClient, tmp_path: Path):
    await start_on(lsp_client, linked_vault(tmp_path), client_capabilities("visual_studio_code"), codeLens=True)
    yield
    await lsp_client.shutdown_session()


async def test_code_lenses_are_asked_again_once_the_vault_is_read(starting_with_lenses: LanguageClient) -> None:
    """Lenses made at start-up counted the links of the open notes only."""
    client = starting_with_lenses
    u = open_note(client, "n0001.md")
    early = await client.text_document_code_lens_async(types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=u)))
    await indexed(client)
    await wait_for(lambda: client.code_lens_refreshes == 1)
    late = await client.text_document_code_lens_async(types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=u)))
    assert [x.command.title for x in late] == ["1 reference"]  # `# Note 1`: n2999 links `[[n0001#Note 1]]`
    assert [x.command.title for x in early] in (["0 references"], ["1 reference"])
