"""Soak: the real server under a long, seeded stream of random edits and file operations.

A VS Code-like client (UTF-16 columns, watched files, file operations) drives `litnotes serve
--paranoid` for `LITNOTES_SOAK_SECONDS` (default 45; `make soak` runs 600) with seed
`LITNOTES_SOAK_SEED`: incremental edits with CRLF, U+2028, emoji and link syntax, opening, closing
and saving notes, notes created, renamed, deleted and rewritten on disk (sometimes as invalid UTF-8
or binary), library rewrites, settings changes that re-index the vault, and hover/completion/
definition/references/symbol requests. The server checks its index against a rebuild after every
change (paranoid mode: a `litnotes/paranoid` notification would fail the test); every few seconds
`litnotes.verify` must find the index equal to a fresh load from disk plus the open texts, and the
open documents' hashes equal to the client's own copies. The server's RSS at the end may exceed its
RSS after the warm-up by at most 10 %.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import time
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from reliability_support import SERVER, rss_kb

SOAK_SECONDS = float(os.environ.get("LITNOTES_SOAK_SECONDS", "45"))
SEED = int(os.environ.get("LITNOTES_SOAK_SEED", "20261126"))
VERIFY_EVERY = float(os.environ.get("LITNOTES_SOAK_VERIFY_EVERY", "4"))  # seconds
MAX_RSS_GROWTH = 0.10
MIN_NOTES, MAX_NOTES = 50, 80

SNIPPETS = ["[[", "]]", "[[n3]]", "[[n5#H5]]", "[[n2#^b2]]", "[[Missing]]", "![[img.png]]", "[[#H1]]", "#tag ", "@k3",
            "[@k7]", "[@lib2; @k1]", "\n", "\r\n", "\n\n", "# Heading\n", "## H5\n", " ^blk1", " ^b2\n", "> [!note] Callout\n> ",
            "- item\n", "| a | b |\n|---|---|\n", "```\ncode [[n1]]\n```\n", "$x$", "😀", "é", "\u2028", "\f", "\t",
            "x", "text ", "", "", "---\naliases: [\"@k99\"]\n---\n", "%%c%%", "<!-- [[n4]] -->", "**Cite key**: k4\n",
            "\ud800"]  # a lone (high) surrogate: a broken paste; never a low one, which JSON would pair with it
LINE_END = re.compile(r"\r\n|\r|\n")


def lsp_position(text: str, offset: int) -> types.Position:
    """The client's own position arithmetic (independent of litnotes'): lines end at \\n, \\r\\n, \\r."""
    before = text[:offset]
    line = len(LINE_END.findall(before))
    last = max(before.rfind("\n"), before.rfind("\r"))
    return types.Position(line=line, character=len(before[last + 1:].encode("utf-16-le", "surrogatepass")) // 2)


def note_text(rng: random.Random, i: int, names: list[str]) -> str:
    links = " ".join(f"[[{rng.choice(names)}]]" for _ in range(rng.randint(0, 4))) if names else ""
    fm = f"---\naliases: [\"@k{i}\"]\n---\n" if rng.random() < 0.6 else ""
    return (fm + f"# H{i}\n\nParagraph {i} {links} [@k{rng.randint(0, 60)}] ^b{i}\n\n## H{i + 1}\n"
            + rng.choice(["", "- item ^li\n", "> [!quote] q\n> text ^q1\n", "text\r\nmore [[n1#H1]]\r\n"]))


def library_text(rng: random.Random) -> str:
    entries = "".join(f"@article{{lib{k},\n  title = {{Title {k}}},\n  year = {{20{k:02d}}},\n}}\n\n"
                      for k in rng.sample(range(20), rng.randint(0, 6)))
    return entries + ("@article{broken, title = {unbalanced\n" if rng.random() < 0.2 else "")


class Soak:
    """The client's model of the vault and of its open documents, and the random operations."""

    def __init__(self, client: LanguageClient, root: Path, rng: random.Random) -> None:
        self.client, self.root, self.rng = client, root, rng
        self.open: dict[str, tuple[str, int]] = {}  # rel -> (text, version)
        self.counter = 1000
        self.counts: dict[str, int] = {}

    # --- helpers ---------------------------------------------------------------------------------------
    def uri(self, rel: str) -> str:
        return (self.root / rel).as_uri()

    def notes(self) -> list[str]:
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*.md"))

    def closed_notes(self) -> list[str]:
        return [n for n in self.notes() if n not in self.open]

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n
        self.history = (getattr(self, "history", []) + [what])[-30:]

    def watched(self, *events: tuple[str, types.FileChangeType]) -> None:
        self.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=self.uri(rel), type=kind) for rel, kind in events]))

    def disk_text(self, rel: str) -> str:
        return (self.root / rel).read_bytes().decode("utf-8", "replace").removeprefix("\ufeff")

    # --- operations ------------------------------------------------------------------------------------
    def open_note(self) -> None:
        closed = self.closed_notes()
        if not closed:
            return
        rel = self.rng.choice(closed)
        text = self.disk_text(rel)
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
            uri=self.uri(rel), language_id="markdown", version=1, text=text)))
        self.open[rel] = (text, 1)
        self.count("opens")

    def close_note(self) -> None:
        if self.open:
            rel = self.rng.choice(sorted(self.open))
            del self.open[rel]
            self.client.text_document_did_close(types.DidCloseTextDocumentParams(
                text_document=types.TextDocumentIdentifier(uri=self.uri(rel))))
            self.count("closes")

    def _offset(self, text: str) -> int:
        offset = self.rng.randint(0, len(text))
        if 0 < offset < len(text) and text[offset - 1] == "\r" and text[offset] == "\n":
            offset -= 1  # no editor puts a cursor inside a CRLF
        return offset

    def edit(self) -> None:
        if not self.open:
            self.open_note()
            return
        rel = self.rng.choice(sorted(self.open))
        text, version = self.open[rel]
        changes = []
        for _ in range(self.rng.choice([1, 1, 1, 2, 3])):
            if self.rng.random() < 0.02:
                text = note_text(self.rng, self.rng.randint(0, 99), self.notes()[:20])
                changes.append(types.TextDocumentContentChangeWholeDocument(text=text))
                continue
            a = self._offset(text)
            b = min(len(text), a + self.rng.choice([0, 0, 1, 2, 5, 20]))
            if 0 < b < len(text) and text[b - 1] == "\r" and text[b] == "\n":
                b += 1
            new = "".join(self.rng.choice(SNIPPETS) for _ in range(self.rng.randint(0, 3)))
            changes.append(types.TextDocumentContentChangePartial(
                range=types.Range(start=lsp_position(text, a), end=lsp_position(text, b)), text=new))
            text = text[:a] + new + text[b:]
        self.open[rel] = (text, version + 1)
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=self.uri(rel), version=version + 1),
            content_changes=changes))
        self.count("edits", len(changes))

    def save(self) -> None:
        if self.open:
            rel = self.rng.choice(sorted(self.open))
            (self.root / rel).write_bytes(self.open[rel][0].encode("utf-8", "replace"))  # what an editor can save
            self.client.text_document_did_save(types.DidSaveTextDocumentParams(
                text_document=types.TextDocumentIdentifier(uri=self.uri(rel))))
            self.watched((rel, types.FileChangeType.Changed))
            self.count("saves")

    def create(self) -> None:
        if len(self.notes()) >= MAX_NOTES:  # keep the vault's size steady, so that its memory is too
            self.delete()
            return
        self.counter += 1
        folder = self.rng.choice(["", "sub/", "sub/deeper/"])
        rel = f"{folder}n{self.counter}.md"
        (self.root / rel).parent.mkdir(parents=True, exist_ok=True)
        (self.root / rel).write_text(note_text(self.rng, self.counter, self.notes()[:30]), encoding="utf-8")
        if self.rng.random() < 0.5:
            self.client.workspace_did_create_files(types.CreateFilesParams(files=[types.FileCreate(uri=self.uri(rel))]))
        else:
            self.watched((rel, types.FileChangeType.Created))
        self.count("creations")

    def rename(self) -> None:
        closed = self.closed_notes()
        if closed:
            old = self.rng.choice(closed)
            self.counter += 1
            new = self.rng.choice(["", "sub/"]) + f"renamed {self.counter}.md"
            (self.root / new).parent.mkdir(parents=True, exist_ok=True)
            (self.root / old).rename(self.root / new)
            self.client.workspace_did_rename_files(types.RenameFilesParams(
                files=[types.FileRename(old_uri=self.uri(old), new_uri=self.uri(new))]))
            if self.rng.random() < 0.5:  # VS Code also reports them as watched-file events
                self.watched((old, types.FileChangeType.Deleted), (new, types.FileChangeType.Created))
            self.count("renames")

    def delete(self) -> None:
        closed = self.closed_notes()
        if len(self.notes()) > MIN_NOTES and closed:
            rel = self.rng.choice(closed)
            (self.root / rel).unlink()
            if self.rng.random() < 0.5:
                self.client.workspace_did_delete_files(types.DeleteFilesParams(files=[types.FileDelete(uri=self.uri(rel))]))
            else:
                self.watched((rel, types.FileChangeType.Deleted))
            self.count("deletions")

    def rewrite_on_disk(self) -> None:
        """A Zotero re-import or a sync client rewriting a note behind the editor's back."""
        closed = self.closed_notes()
        if closed:
            rel = self.rng.choice(closed)
            roll = self.rng.random()
            if roll < 0.1:
                data = b"# Broken\n\xff\xfe invalid UTF-8 [[n1]]\n"
            elif roll < 0.15:
                data = b"\x00\x01binary\x00"
            elif roll < 0.2:
                data = "\ufeff# BOM\r\n[[n2]]\r".encode("utf-8")
            else:
                data = note_text(self.rng, self.rng.randint(0, 99), self.notes()[:30]).encode("utf-8")
            (self.root / rel).write_bytes(data)
            self.watched((rel, types.FileChangeType.Changed))
            self.count("disk rewrites")

    def library(self) -> None:
        rel = "library.bib"
        if (self.root / rel).exists() and self.rng.random() < 0.2:
            (self.root / rel).unlink()
            self.watched((rel, types.FileChangeType.Deleted))
        else:
            (self.root / rel).write_text(library_text(self.rng), encoding="utf-8")
            self.watched((rel, types.FileChangeType.Changed))
        self.count("library rewrites")

    def settings(self) -> None:
        settings = {"exclude": self.rng.choice([[], ["sub/"], ["sub/deeper/**"]]),
                    "severity": {"link.unresolved": self.rng.choice(["information", "warning", "off"])}}
        if self.rng.random() < 0.5:  # these change how notes are read: the server re-indexes
            settings["citekeyProperties"] = self.rng.choice([[], ["zotero-key"]])
            settings["maxNoteBytes"] = self.rng.choice([5_000_000, 400])
        self.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"litnotes": settings}))
        self.count("settings changes")

    async def request(self) -> None:
        if not self.open:
            return
        rel = self.rng.choice(sorted(self.open))
        text = self.open[rel][0]
        doc = types.TextDocumentIdentifier(uri=self.uri(rel))
        position = lsp_position(text, self._offset(text))
        kind = self.rng.randrange(6)
        if kind == 0:
            await self.client.text_document_hover_async(types.HoverParams(text_document=doc, position=position))
        elif kind == 1:
            await self.client.text_document_completion_async(types.CompletionParams(text_document=doc, position=position))
        elif kind == 2:
            await self.client.text_document_definition_async(types.DefinitionParams(text_document=doc, position=position))
        elif kind == 3:
            await self.client.text_document_references_async(types.ReferenceParams(
                text_document=doc, position=position, context=types.ReferenceContext(include_declaration=True)))
        elif kind == 4:
            await self.client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc))
        else:  # a word of the note typed into the workspace symbol picker, one character at a time
            words = text.split() or ["x"]
            word = self.rng.choice(words)[:12]
            for end in range(1, len(word) + 1):
                await self.client.workspace_symbol_async(types.WorkspaceSymbolParams(query=word[:end]))
        self.count("requests")

    async def step(self) -> None:
        roll = self.rng.random()
        for limit, action in ((0.50, self.edit), (0.57, self.open_note), (0.62, self.close_note), (0.65, self.save),
                              (0.72, self.create), (0.76, self.rename), (0.80, self.delete), (0.86, self.rewrite_on_disk),
                              (0.88, self.library), (0.885, self.settings)):
            if roll < limit:
                action()
                return
        await self.request()

    async def verify(self) -> dict:
        result = await self.client.workspace_execute_command_async(types.ExecuteCommandParams(command="litnotes.verify"))
        assert result["ok"], f"{result['vaults']} after {getattr(self, 'history', [])}"
        mine = {self.uri(rel): hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()
                for rel, (text, _v) in self.open.items()}
        assert dict(result["documents"]) == mine, "the server's documents differ from the client's"
        assert result["finished_futures"] == 0, f"{result['finished_futures']} finished handler futures kept: a leak"
        broken = [uri for uri, items in self.client.diagnostics.items() if any(d.code == "note.internal-error" for d in items)]
        assert broken == [], f"the parser failed on {broken}"
        self.count("verifications")
        return result


def make_vault(root: Path, rng: random.Random) -> None:
    (root / ".obsidian").mkdir(parents=True)
    names = [f"n{i}" for i in range(60)]
    for i, name in enumerate(names):
        (root / f"{name}.md").write_text(note_text(rng, i, names), encoding="utf-8")
    (root / "img.png").write_bytes(b"\x89PNG\r\n")
    (root / "library.bib").write_text(library_text(rng), encoding="utf-8")


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[*SERVER, "--paranoid"]))
async def soak_client(lsp_client: LanguageClient, tmp_path: Path):
    lsp_client.rng = random.Random(SEED)
    lsp_client.vault = tmp_path / "vault"
    make_vault(lsp_client.vault, lsp_client.rng)
    lsp_client.paranoid = []

    @lsp_client.feature("litnotes/paranoid")
    def on_paranoid(params) -> None:
        lsp_client.paranoid.append(params)

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params) -> None:
        return None  # the client watches files: the server does not start its own watcher

    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual_studio_code"), initialization_options={"debounceMs": 20},
        workspace_folders=[types.WorkspaceFolder(uri=lsp_client.vault.as_uri(), name="soak")]))
    yield
    await lsp_client.shutdown_session()


async def test_soak(soak_client: LanguageClient) -> None:
    client = soak_client
    soak = Soak(client, client.vault, client.rng)
    pid = client._server.pid
    await soak.verify()  # indexed
    started = time.monotonic()
    warm_until = started + max(3.0, SOAK_SECONDS * 0.25)
    warm_rss = None
    last_verify = started
    steps = 0
    while time.monotonic() - started < SOAK_SECONDS:
        await soak.step()
        steps += 1
        if steps % 25 == 0:
            await soak.request()  # a round trip keeps the client and the server in step
        now = time.monotonic()
        if now - last_verify > VERIFY_EVERY:
            await soak.verify()
            assert client.paranoid == []
            last_verify = time.monotonic()
            if warm_rss is None and last_verify > warm_until:
                warm_rss = rss_kb(pid)
    result = await soak.verify()
    assert client.paranoid == [], client.paranoid[:3]
    end_rss = rss_kb(pid)
    growth = (end_rss - warm_rss) / warm_rss if warm_rss else 0.0
    total = sum(v for k, v in soak.counts.items() if k not in ("verifications",))
    print(f"soak: {SOAK_SECONDS:.0f} s, seed {SEED}, {steps} steps, {total} operations {dict(sorted(soak.counts.items()))}, "
          f"{result['checks']} paranoid checks, RSS {warm_rss} kB after warm-up -> {end_rss} kB ({growth:+.1%})")
    assert result["checks"] >= soak.counts.get("edits", 0) // 3  # paranoid mode really ran
    assert growth <= MAX_RSS_GROWTH, f"RSS grew {growth:.1%} ({warm_rss} -> {end_rss} kB)"
