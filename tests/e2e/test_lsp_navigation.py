"""Navigation and refactoring through the real server under the Neovim, VS Code and Emacs presets:
definition, references, symbols, document links, code lens, rename (applied to the files and
re-checked), willRenameFiles, quick fixes and a new block id written by a completion's command.

Results render as `path:line:col-line:col` with 0-based LSP positions; expected columns are computed
from the files' text in each preset's encoding (`columns`), so a line with accents, CJK and emoji
before a link checks the conversion too.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from litnotes.disk import load_vault
from litnotes.features import check_vault
from litnotes.syntax import LineIndex
from lsp_support import DEMO, columns, indexed, open_note, wait_for

LOG = "notes/Reading log.md"
LIT = "literature notes/bereska2024-literature-note.md"
PAPER = "literature notes/papers/Mechanistic Interpretability for AI Safety -- A Review.md"
CODINGS = "Highlight Colour Codings.md"


# --- helpers ---------------------------------------------------------------------------------------
def rel(client: LanguageClient, uri: str) -> str:
    return Path(unquote(urlparse(uri).path)).relative_to(client.vault).as_posix()


def text(client: LanguageClient, path: str) -> str:
    return (client.vault / path).read_text(encoding="utf-8")


def position(client: LanguageClient, path: str, offset: int) -> types.Position:
    t = text(client, path)
    line = t.count("\n", 0, offset)
    start = t.rfind("\n", 0, offset) + 1
    return types.Position(line=line, character=columns(t[start:offset], client.encoding))


def span(client: LanguageClient, path: str, start: int, end: int) -> str:
    a, b = position(client, path, start), position(client, path, end)
    return f"{path}:{a.line}:{a.character}-{b.line}:{b.character}"


def shown(client: LanguageClient, uri: str, rng: types.Range) -> str:
    return f"{rel(client, uri)}:{rng.start.line}:{rng.start.character}-{rng.end.line}:{rng.end.character}"


def find(client: LanguageClient, path: str, needle: str, plus: int = 0) -> int:
    return text(client, path).index(needle) + plus


def doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


async def opened(client: LanguageClient, path: str) -> str:
    await indexed(client)
    return open_note(client, path)


def apply_edit(client: LanguageClient, edit: types.WorkspaceEdit) -> None:
    """Apply a WorkspaceEdit to the files on disk, as an editor would (text edits back to front)."""
    def edit_file(uri: str, edits) -> None:
        path = Path(unquote(urlparse(uri).path))
        t = path.read_text(encoding="utf-8")
        index = LineIndex(t)
        spans = [(index.offset(e.range.start.line, e.range.start.character, client.encoding),
                  index.offset(e.range.end.line, e.range.end.character, client.encoding), e.new_text) for e in edits]
        for start, end, new in sorted(spans, reverse=True):
            t = t[:start] + new + t[end:]
        path.write_text(t, encoding="utf-8")

    for uri, edits in (edit.changes or {}).items():
        edit_file(uri, edits)
    for change in edit.document_changes or []:
        if isinstance(change, types.TextDocumentEdit):
            edit_file(change.text_document.uri, change.edits)
        elif isinstance(change, types.CreateFile):
            Path(unquote(urlparse(change.uri).path)).touch()
        elif isinstance(change, types.RenameFile):
            Path(unquote(urlparse(change.old_uri).path)).rename(Path(unquote(urlparse(change.new_uri).path)))


def checked(client: LanguageClient) -> list[tuple[str, str]]:
    host, _stats = load_vault(client.vault, 1)
    return sorted((path, d.code) for path, found in check_vault(host.vault).items() for d in found)


# --- definition and references -------------------------------------------------------------------
async def test_definition_of_a_heading_link_after_non_ascii_text(client: LanguageClient) -> None:
    u = await opened(client, LOG)
    at = find(client, LOG, "[[Highlight Colour Codings#Highlighting", 30)
    result = await client.text_document_definition_async(types.DefinitionParams(
        text_document=doc(u), position=position(client, LOG, at)))
    (link,) = result
    assert isinstance(link, types.LocationLink)  # every preset declares linkSupport
    heading = find(client, CODINGS, "## Highlighting Colour Codes")
    link_start = find(client, LOG, "[[Highlight Colour Codings#Highlighting")
    assert shown(client, u, link.origin_selection_range) == span(client, LOG, link_start, text(client, LOG).index("]]", link_start) + 2)
    assert shown(client, link.target_uri, link.target_range) == span(client, CODINGS, heading, len(text(client, CODINGS)))
    assert shown(client, link.target_uri, link.target_selection_range) == span(
        client, CODINGS, heading, heading + len("## Highlighting Colour Codes"))


async def test_definition_of_a_cite_key_lists_notes_and_bibliography_entries(client: LanguageClient) -> None:
    u = await opened(client, LOG)
    result = await client.text_document_definition_async(types.DefinitionParams(
        text_document=doc(u), position=position(client, LOG, find(client, LOG, "[@bereska2024, p. 3]", 3))))
    assert [shown(client, x.target_uri, x.target_selection_range) for x in result] == [
        span(client, LIT, find(client, LIT, '"@bereska2024"', 2), find(client, LIT, '"@bereska2024"', 13)),
        span(client, "literature notes/smith2020.md", find(client, "literature notes/smith2020.md", '"@bereska2024"', 2),
             find(client, "literature notes/smith2020.md", '"@bereska2024"', 13)),
        span(client, "My Library.bib", 9, 20),
        span(client, "references.json", find(client, "references.json", '"bereska2024"', 1),
             find(client, "references.json", '"bereska2024"', 12)),
    ]


async def test_references_of_a_highlight_block(client: LanguageClient) -> None:
    u = await opened(client, LOG)
    at = find(client, LOG, "#^29lz2rml", 3)
    result = await client.text_document_references_async(types.ReferenceParams(
        text_document=doc(u), position=position(client, LOG, at), context=types.ReferenceContext(include_declaration=True)))
    embed = find(client, PAPER, "![[bereska2024-literature-note#^29lz2rml]]")
    link = find(client, LOG, "[[bereska2024-literature-note#^29lz2rml]]")
    assert sorted(shown(client, x.uri, x.range) for x in result) == sorted([
        span(client, LIT, find(client, LIT, "^29lz2rml"), find(client, LIT, "^29lz2rml", 9)),
        span(client, PAPER, embed, embed + len("![[bereska2024-literature-note#^29lz2rml]]")),
        span(client, LOG, link, link + len("[[bereska2024-literature-note#^29lz2rml]]")),
    ])


# --- symbols, links, lenses ------------------------------------------------------------------------
async def test_document_symbols_are_a_heading_tree_with_highlights(client: LanguageClient) -> None:
    u = await opened(client, LIT)
    result = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc(u)))
    assert all(isinstance(s, types.DocumentSymbol) for s in result)
    names = [s.name for s in result]
    assert names[:4] == ["Cite", "Metadata", "Links", "Abstract"] and names[4:] == ["Notes", "Annotations"]
    annotations = result[-1]
    from_zotero = next(c for c in annotations.children if c.name == "From Zotero")
    first = from_zotero.children[0]
    assert first.name.startswith("Note · p. 1: mechanistic interpretability")
    quote_end = find(client, LIT, "causal understanding.”", len("causal understanding.”"))
    callout = find(client, LIT, ">[!quote] <mark style=\"background: #FFF3A3A6;\">Note</mark> | [View in local Zotero: page 1]")
    assert shown(client, u, first.range) == span(client, LIT, callout, quote_end)


async def test_workspace_symbols_find_a_highlight_by_its_words(client: LanguageClient) -> None:
    await indexed(client)
    result = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="superposition"))
    assert [(s.name, rel(client, s.location.uri), s.container_name) for s in result] == [
        ("Note · p. 4: Hypothesis: Superposition Neural networks represent more features than …", LIT,
         "bereska2024-literature-note")]


async def test_workspace_symbol_ranges_in_a_closed_note_are_in_the_client_encoding(client: LanguageClient) -> None:
    """The ranges come from the note's text read from disk (it is not open), converted in one batch
    with the preset's encoding: the highlight's last line holds curly quotes (3 bytes in UTF-8)."""
    await indexed(client)
    result = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="superposition"))
    from litnotes.syntax import parse_note  # noqa: PLC0415

    (hl,) = [h for h in parse_note(text(client, LIT)).highlights if h.quote.startswith("Hypothesis: Superposition")]
    assert not text(client, LIT)[hl.start:hl.end].isascii()
    assert [shown(client, s.location.uri, s.location.range) for s in result] == [span(client, LIT, hl.start, hl.end)]


async def test_document_links_zotero_web_and_files(client: LanguageClient) -> None:
    u = await opened(client, LIT)
    result = await client.text_document_document_link_async(types.DocumentLinkParams(text_document=doc(u)))
    targets = [x.target for x in result]
    assert "zotero://select/library/items/F3DCV9N9" in targets and "http://arxiv.org/abs/2404.14082" in targets
    assert sum(t.startswith("zotero://open-pdf/") for t in targets) == 10
    files = [rel(client, t) for t in targets if t.startswith("file:")]
    assert PAPER in files and CODINGS in files
    assert all(x.tooltip is None for x in result) or client.preset == "visual_studio_code"


async def test_code_lens_is_opt_in(client: LanguageClient) -> None:
    u = await opened(client, LIT)
    assert not await client.text_document_code_lens_async(types.CodeLensParams(text_document=doc(u)))
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"litnotes": {"codeLens": True}}))
    # Only VS Code declares refreshSupport: switching lenses on asks it to ask again, and no other client.
    refreshes = 1 if client.preset == "visual_studio_code" else 0
    await wait_for(lambda: client.code_lens_refreshes == refreshes)

    async def lenses():
        return await client.text_document_code_lens_async(types.CodeLensParams(text_document=doc(u)))
    found = []
    for _ in range(100):
        found = await lenses()
        if found:
            break
    titles = {(x.range.start.line, x.command.title) for x in found}
    annotations = text(client, LIT)[:find(client, LIT, "# Annotations")].count("\n")
    highlight = text(client, LIT)[:find(client, LIT, "^29lz2rml")].count("\n")
    assert (annotations, "1 reference") in titles and (highlight, "2 references") in titles
    assert client.code_lens_refreshes == refreshes


# --- rename ----------------------------------------------------------------------------------------
async def test_heading_rename_applied_and_rechecked(client: LanguageClient) -> None:
    before = checked(client)
    u = await opened(client, LOG)
    at = position(client, LOG, find(client, LOG, "#Highlighting colour codes", 3))
    prepared = await client.text_document_prepare_rename_async(types.PrepareRenameParams(text_document=doc(u), position=at))
    assert prepared.placeholder == "Highlighting Colour Codes"
    edit = await client.text_document_rename_async(types.RenameParams(text_document=doc(u), position=at,
                                                                      new_name="Colour meanings: a key"))
    if client.preset == "neovim":
        assert edit.changes and not edit.document_changes  # no documentChanges support
    else:
        versions = {rel(client, c.text_document.uri): c.text_document.version for c in edit.document_changes}
        assert versions == {LOG: 1, CODINGS: None, LIT: None}  # the open note's version, null for closed files
    apply_edit(client, edit)
    assert "## Colour meanings: a key" in text(client, CODINGS)
    assert "[[Highlight Colour Codings#Colour meanings a key]]" in text(client, LOG)
    assert checked(client) == before
    assert any("Zotero Integration" in m.message for m in client.messages)  # the literature note is imported


async def test_note_rename_renames_the_file_when_the_client_can(client: LanguageClient) -> None:
    before = checked(client)
    u = await opened(client, LOG)
    at = position(client, LOG, find(client, LOG, "[[Highlight Colour Codings#Highlighting", 4))
    edit = await client.text_document_rename_async(types.RenameParams(text_document=doc(u), position=at, new_name="Colour key"))
    if client.preset != "visual_studio_code":  # no RenameFile resource operation
        assert edit is None
        await wait_for(lambda: any("rename the file in the file explorer" in m.message for m in client.messages))
        return
    assert isinstance(edit.document_changes[-1], types.RenameFile)
    apply_edit(client, edit)
    assert not (client.vault / CODINGS).exists() and (client.vault / "Colour key.md").exists()
    assert "[[Colour key#Highlighting colour codes]]" in text(client, LOG)
    assert checked(client) == [(p.replace(CODINGS, "Colour key.md"), c) for p, c in before]


async def test_cite_key_rename_warns_that_zotero_must_change_too(client: LanguageClient) -> None:
    u = await opened(client, LOG)
    at = position(client, LOG, find(client, LOG, "@vaswani2017 says", 3))
    edit = await client.text_document_rename_async(types.RenameParams(text_document=doc(u), position=at,
                                                                      new_name="vaswani2017attn"))
    assert edit is not None
    await wait_for(lambda: any("Zotero (Better BibTeX) still calls this item `vaswani2017`" in m.message
                               for m in client.messages))


async def test_will_rename_files_updates_links(client: LanguageClient) -> None:
    # Only VS Code sends willRenameFiles, but the answer must hold in every preset's position encoding.
    await indexed(client)
    old, new = client.vault / CODINGS, client.vault / "archive" / CODINGS
    edit = await client.workspace_will_rename_files_async(types.RenameFilesParams(
        files=[types.FileRename(old_uri=old.as_uri(), new_uri=new.as_uri())]))
    assert edit is None  # moved into a folder, the name stays unique: shortest links stay as they are
    edit = await client.workspace_will_rename_files_async(types.RenameFilesParams(
        files=[types.FileRename(old_uri=old.as_uri(), new_uri=(client.vault / "Colours.md").as_uri())]))
    apply_edit(client, edit)
    assert "[[Colours#Highlighting colour codes]]" in text(client, LOG)


# --- quick fixes and new block ids ---------------------------------------------------------------
async def test_quick_fixes_for_diagnostics(client: LanguageClient) -> None:
    u = await opened(client, LOG)
    await wait_for(lambda: client.diagnostics.get(u))
    glued = next(d for d in client.diagnostics[u] if d.code == "block-id.glued")
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=doc(u), range=glued.range, context=types.CodeActionContext(diagnostics=[glued])))
    (fix,) = actions
    assert fix.kind == types.CodeActionKind.QuickFix.value and list(fix.diagnostics) == [glued] and fix.is_preferred
    apply_edit(client, fix.edit)
    assert "the key result ^abcd1234" in text(client, LOG)
    missing = next(d for d in client.diagnostics[u] if d.code == "link.unresolved" and "Example" in d.message)
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=doc(u), range=missing.range, context=types.CodeActionContext(diagnostics=[missing])))
    titles = [a.title for a in actions]
    if client.preset == "visual_studio_code":  # documentChanges with resource operations
        assert titles == ["Create note `notes/Example.md`"]
        assert isinstance(actions[0].edit.document_changes[0], types.CreateFile)
    else:
        assert titles == []


async def test_completing_a_block_without_id_adds_one_through_apply_edit(client: LanguageClient) -> None:
    applied: list[types.WorkspaceEdit] = []

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def on_apply(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        applied.append(params.edit)
        return types.ApplyWorkspaceEditResult(applied=True)

    await indexed(client)
    scratch = client.vault / "notes" / "Scratch.md"
    line = "Café 😀 [[Mechanistic Interpretability for AI Safety -- A Review#^own summ"
    scratch.write_text(line, encoding="utf-8")
    u = open_note(client, "notes/Scratch.md")
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=doc(u), position=types.Position(line=0, character=columns(line, client.encoding))))
    (item,) = [i for i in result.items if i.command is not None]
    assert item.label.startswith("My own summary of")
    new_id = item.text_edit.new_text.split("#^")[1].removesuffix("]]")
    await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command=item.command.command, arguments=item.command.arguments))
    (edit,) = applied
    apply_edit(client, edit)
    assert f"![[bereska2024-literature-note#^29lz2rml]]. ^{new_id}" in text(client, PAPER)


# --- a client without LocationLink, hierarchical symbols or documentChanges ------------------------
def plain_capabilities() -> types.ClientCapabilities:
    caps = client_capabilities("neovim")
    caps.text_document.definition = types.DefinitionClientCapabilities(link_support=False)
    caps.text_document.document_symbol = types.DocumentSymbolClientCapabilities(hierarchical_document_symbol_support=False)
    caps.workspace.workspace_edit = None
    return caps


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "litnotes", "serve", "--stdio"]))
async def plain_client(lsp_client: LanguageClient, tmp_path: Path):
    vault = tmp_path / "vault"
    shutil.copytree(DEMO, vault)
    lsp_client.vault, lsp_client.encoding, lsp_client.preset = vault, "utf-8", "plain"

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params) -> None:
        return None

    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=plain_capabilities(), workspace_folders=[types.WorkspaceFolder(uri=vault.as_uri(), name="v")],
        initialization_options={"debounceMs": 0}))
    yield
    await lsp_client.shutdown_session()


async def test_plain_client_gets_locations_flat_symbols_and_changes(plain_client: LanguageClient) -> None:
    client = plain_client
    u = await opened(client, LOG)
    at = position(client, LOG, find(client, LOG, "[[bereska2024-literature-note#^29lz2rml]]", 35))
    (location,) = await client.text_document_definition_async(types.DefinitionParams(text_document=doc(u), position=at))
    assert isinstance(location, types.Location)
    assert shown(client, location.uri, location.range) == span(client, LIT, find(client, LIT, "^29lz2rml"),
                                                              find(client, LIT, "^29lz2rml", 9))
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc(u)))
    assert all(isinstance(x, types.SymbolInformation) for x in symbols)
    assert [(x.name, x.container_name) for x in symbols[:3]] == [
        ("Reading log", None), ("Correct links", "Reading log"), ("Broken links", "Reading log")]
    edit = await client.text_document_rename_async(types.RenameParams(text_document=doc(u), position=at, new_name="key-quote"))
    assert edit.document_changes is None and sorted(rel(client, k) for k in edit.changes) == [LIT, PAPER, LOG]
