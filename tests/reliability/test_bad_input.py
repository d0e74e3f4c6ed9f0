"""Bad input: every hostile file becomes a diagnostic or a logged skip, and the rest of the vault works.

One generated corpus (reliability_support.build_bad_vault) goes through the command line, through
`load_vault` + `check_vault`, and through the real server (pytest-lsp), which opens every bad note
and asks for diagnostics, hover and completion at awkward positions. Files that vanish, turn into
a FIFO or a folder, or are renamed between listing and reading are simulated by changing the disk
right after the scan. Hostile 1M-character lines are timed: every one of them was quadratic once.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from litnotes.cli import main as cli_main
from litnotes.disk import load_vault, scan_vault
from litnotes.disk import load as load_module
from litnotes.features import check_vault
from litnotes.syntax import index_note, parse_note
from reliability_support import MILLION, NOT_INDEXED, SERVER, YAML_CASES, build_bad_vault

OUTSIDE_KEY = "outside2020"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict[str, set[str]]]:
    base = tmp_path_factory.mktemp("bad")
    return base / "vault", build_bad_vault(base / "vault", base / "outside")


def test_engine_turns_every_bad_file_into_a_diagnostic(corpus) -> None:
    root, expected = corpus
    started = time.perf_counter()
    host, stats = load_vault(root, workers=1)
    found = check_vault(host.vault)
    elapsed = time.perf_counter() - started
    codes = {path: {d.code for d in diags} for path, diags in found.items()}
    missing = {p: sorted(c - codes.get(p, set())) for p, c in expected.items() if not c <= codes.get(p, set())}
    assert missing == {}
    assert not [p for p, c in codes.items() if "note.internal-error" in c]
    # The healthy notes are exactly as healthy as they were: the bad ones did not leak into them.
    assert codes.get("Linker.md", set()) == set() and codes["Good.md"] == {"link.unresolved", "cite-key.unknown"}
    # Links out of the vault, loops, dangling links and a FIFO are skipped (and logged), never indexed.
    skipped = {path for path, _reason in stats.skipped}
    assert {"Outside link.md", "library/Outside.bib", "outside-folder", "notes/loop", "Dangling.md", "Pipe.md"} <= skipped
    assert not set(NOT_INDEXED) & (set(host.vault.files) | set(host.vault.notes))
    assert OUTSIDE_KEY not in host.vault.cite_keys  # nor read through a `bibliography:` value
    assert {"good2020", "after2022"} <= set(host.vault.cite_keys)  # the broken .bib still gave its other entries
    assert "notes/Huge.md" in host.vault.files and "notes/Huge.md" not in host.vault.notes
    assert elapsed < 30, f"indexing the bad corpus took {elapsed:.1f} s"


def test_cli_check_reports_the_corpus(corpus, capsys) -> None:
    root, expected = corpus
    status = cli_main(["check", str(root), "--format", "json", "--severity", "hint"])
    items = json.loads(capsys.readouterr().out)
    assert status == 1  # invalid YAML and a broken .bib are errors
    codes: dict[str, set[str]] = {}
    for item in items:
        codes.setdefault(item["path"], set()).add(item["code"])
        assert item["range"]["start"]["line"] >= 0
    assert {p: c for p, c in expected.items() if not c <= codes.get(p, set())} == {}
    assert "note.internal-error" not in {c for cs in codes.values() for c in cs}


def test_configured_size_limit(corpus, tmp_path) -> None:
    root = tmp_path / "small"
    root.mkdir()
    (root / ".litnotes.toml").write_text("max-note-bytes = 100\n", encoding="utf-8")
    (root / "big.md").write_text("x" * 101, encoding="utf-8")
    (root / "fits.md").write_text("[[big]]" + "x" * 90, encoding="utf-8")
    host, _ = load_vault(root, workers=1)
    found = check_vault(host.vault)
    assert [d.code for d in found["big.md"]] == ["note.unreadable"]
    assert "note is 101 bytes, over the 100 bytes limit (setting max-note-bytes)" in found["big.md"][0].message
    assert "fits.md" in host.vault.notes and "fits.md" not in found  # the link to the skipped note resolves


# Each of these was quadratic (or worse) before: 1M characters took from 10 s to hours.
STANDARD_TITLE_LINE = ('>[!quote] <mark style="background: #FFF3A3A6;">Note</mark> | '
                "[View](zotero://open-pdf/library/items/AB12?page=1&annotation=K1) ^k1\n")
HOSTILE_LINES = {
    "[[ never closed": "[[" * (MILLION // 2),
    "](": "](" * (MILLION // 2),
    "[]](": "[]](" * (MILLION // 4),
    "[@a; citations": "[@a; " * (MILLION // 5),
    " @handles": " @a" * (MILLION // 3),
    "``x` code runs": "``x`" * (MILLION // 4),
    "- - - nested list on one line": "- " * (MILLION // 2) + "x",
    "mixed constructs": None,  # reliability_support.LONG_LINE
    "62,500 headings": "# h\n" * (MILLION // 16),
    "10,000 headings of falling level": "".join(f"{'#' * (6 - i % 6)} h\n" for i in range(10_000)),
    "700-deep tab-indented list": "".join("\t" * i + "- item\n" for i in range(700)),
    # The index form's runs of Zotero highlights (syntax/runs.py): with no blank line between the
    # callouts every title was matched to the end of all the others.
    "6,600 callouts, no blank line between": "x\n" + (STANDARD_TITLE_LINE + ">“q”\n") * (MILLION // 150),
    "6,600 callouts in one run": "x\n" + (STANDARD_TITLE_LINE + ">“q”\n\n") * (MILLION // 150),
    "7,600 callout titles": "x\n" + STANDARD_TITLE_LINE * (MILLION // 130),
}


def test_hostile_lines_parse_in_linear_time() -> None:
    from reliability_support import LONG_LINE

    timings = {}
    for name, text in HOSTILE_LINES.items():
        text = text if text is not None else LONG_LINE
        for parse in (parse_note, index_note):  # in detail (open notes) and in index form (parse workers)
            started = time.perf_counter()
            note = parse(text)
            timings[f"{name} ({parse.__name__})"] = time.perf_counter() - started
            assert not [p for p in note.problems if p.code == "note.internal-error"], name
    slow = {name: round(t, 2) for name, t in timings.items() if t > 10}
    assert slow == {}, f"hostile lines too slow (seconds): {slow}"
    print("hostile-line parse seconds:", {k: round(v, 2) for k, v in timings.items()})


@pytest.mark.parametrize("name", sorted(YAML_CASES))
def test_broken_front_matter_is_a_diagnostic_not_a_crash(name: str) -> None:
    body, codes = YAML_CASES[name]
    started = time.perf_counter()
    note = parse_note(f"---\n{body}---\n# Body\n[[Good]]\n")
    assert time.perf_counter() - started < 2, "YAML must not expand aliases or recurse without bound"
    assert codes <= {p.code for p in note.problems}
    assert "note.internal-error" not in {p.code for p in note.problems}
    assert [link.path for link in note.links] == ["Good"]  # links in the body still work (F-3)


def test_files_that_change_between_listing_and_reading(tmp_path, monkeypatch) -> None:
    """Deleted, renamed, turned into a FIFO or a folder, or unreadable right after the scan."""
    root = tmp_path / "vault"
    root.mkdir()
    names = ["deleted", "renamed", "fifo", "folder", "denied", "healthy"]
    for name in names:
        (root / f"{name}.md").write_text(f"# {name}\n[[healthy]]\n", encoding="utf-8")
    real_scan, real_open = scan_vault, os.open

    def scan_then_change(path, stamps=False, file_stamps=False):
        listing = real_scan(path, stamps, file_stamps)
        (root / "deleted.md").unlink()
        (root / "renamed.md").rename(root / "renamed later.md")
        (root / "fifo.md").unlink()
        os.mkfifo(root / "fifo.md")  # reading it would block for ever
        (root / "folder.md").unlink()
        (root / "folder.md").mkdir()
        return listing

    def open_denying(path, flags, *args, **kwargs):
        if str(path).endswith("denied.md"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(load_module, "scan_vault", scan_then_change)
    monkeypatch.setattr("litnotes.disk.scan.os.open", open_denying)
    started = time.perf_counter()
    host, _ = load_vault(root, workers=1)
    assert time.perf_counter() - started < 10
    found = check_vault(host.vault)
    for name in ("deleted", "renamed", "fifo", "folder", "denied"):
        assert [d.code for d in found[f"{name}.md"]] == ["note.unreadable"], name
        assert f"{name}.md" not in host.vault.notes
    assert "Permission denied" in found["denied.md"][0].message
    assert "not a regular file" in found["fifo.md"][0].message
    assert "healthy.md" in host.vault.notes and "healthy.md" not in found


# --- the server over the same corpus -----------------------------------------------------------------------


def pull_capabilities() -> types.ClientCapabilities:
    caps = client_capabilities("visual_studio_code")
    caps.text_document.diagnostic = types.DiagnosticClientCapabilities(related_document_support=True)
    caps.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    return caps


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def bad_client(lsp_client: LanguageClient, tmp_path: Path):
    lsp_client.expected = build_bad_vault(tmp_path / "vault", tmp_path / "outside")
    lsp_client.vault = tmp_path / "vault"

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params) -> None:
        return None

    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=pull_capabilities(), initialization_options={"debounceMs": 0},
        workspace_folders=[types.WorkspaceFolder(uri=lsp_client.vault.as_uri(), name="bad")]))
    yield
    await lsp_client.shutdown_session()


def _positions(text: str) -> list[types.Position]:
    """Start, middle, end, past the end of the last line, and far past the end of the file (UTF-16)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    middle = len(lines) // 2
    return [types.Position(line=0, character=0), types.Position(line=middle, character=len(lines[middle]) // 2),
            types.Position(line=len(lines) - 1, character=10**6), types.Position(line=10**6, character=3)]


async def test_server_survives_every_bad_note(bad_client: LanguageClient) -> None:
    client = bad_client
    result = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="litnotes.verify"))
    assert result["ok"], result  # waits for indexing, then compares with a fresh load from disk
    requests = 0
    for rel, codes in sorted(client.expected.items()):
        path = client.vault / rel
        uri = path.as_uri()
        text = path.read_bytes().decode("utf-8", "replace")  # what an editor shows for undecodable bytes
        if rel.endswith(".md"):
            client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
                uri=uri, language_id="markdown", version=1, text=text)))
        report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))
        got = {str(d.code) for d in report.items}
        assert codes <= got, (rel, got)
        assert "note.internal-error" not in got, rel
        for position in _positions(text) if rel.endswith(".md") else []:
            doc = types.TextDocumentIdentifier(uri=uri)
            await client.text_document_hover_async(types.HoverParams(text_document=doc, position=position))
            await client.text_document_completion_async(types.CompletionParams(text_document=doc, position=position))
            requests += 2
        requests += 1
    # Files that are not part of the vault answer as nothing, not as an error.
    for rel in NOT_INDEXED:
        report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=(client.vault / rel).as_uri())))
        assert list(report.items) == []
    # Still alive, and the live index (with every bad note open) equals a fresh load from disk.
    result = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="litnotes.verify"))
    assert result["ok"], result
    assert len(result["documents"]) == sum(1 for rel in client.expected if rel.endswith(".md"))
    print(f"bad-input corpus: {len(client.expected)} files opened, {requests} requests answered")
