"""Safety: the server never writes into the vault, never reads outside it, runs nothing from it, and
keeps note text out of its log.

The server runs under a Python audit hook that records every file it opens and every folder it lists
(written straight to a file descriptor, so the record survives the server's hard exit). A session
with symbolic links to a secret outside the vault, `bibliography:` values pointing at it, file events
and requests naming it, malformed messages carrying note text, renames and quick fixes (answered
with edits the client does not apply) must leave the vault's tree byte-for-byte unchanged, open
nothing outside the vault, put the secret in no answer, and log (at INFO) no note text. The
persistent index goes to a private folder (0700, files 0600) outside the vault.
"""

from __future__ import annotations

import os
import stat
import sys
import uuid
from pathlib import Path

from litnotes.disk import load_vault
from litnotes.features import check_vault
from reliability_support import RawServer, tree_snapshot

SECRET = "SECRET-OUTSIDE-" + uuid.uuid4().hex
NOTE_TEXT = "DISTINCTIVE-NOTE-TEXT-" + uuid.uuid4().hex

HOOKED_SERVER = r"""
import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
def hook(event, args):
    if event in ("open", "os.listdir", "os.scandir") and args and isinstance(args[0], (str, bytes, os.PathLike)):
        os.write(fd, os.fsencode(os.fspath(args[0])) + b"\n")
sys.addaudithook(hook)
from litnotes.main import main
sys.exit(main(["serve", *sys.argv[2:]]))
"""


def make_vault(tmp_path: Path) -> tuple[Path, Path]:
    root, outside = tmp_path / "vault", tmp_path / "outside"
    (root / ".obsidian").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.md").write_text(f"# {SECRET}\n[@outside2020]\n", encoding="utf-8")
    (outside / "secret.bib").write_text(f"@article{{outside2020, title = {{{SECRET}}}}}\n", encoding="utf-8")
    (root / "Note.md").write_text(f"---\naliases: [\"@mine2020\"]\n---\n# Note\n{NOTE_TEXT} ^blk\n\n"
                                  "[[Outside link]] [[Other#Heading]] [@outside2020] [@mine2020]\n", encoding="utf-8")
    (root / "Other.md").write_text(f"# Heading\n{NOTE_TEXT} [[Note#^blk]] [[Note#Missing]]\n", encoding="utf-8")
    (root / "Escape.md").write_text("---\nbibliography: ../outside/secret.bib\n---\n[@outside2020]\n", encoding="utf-8")
    (root / "Absolute.md").write_text(f"---\nbibliography: {outside / 'secret.bib'}\ntitle: x\n---\n", encoding="utf-8")
    (root / "Home.md").write_text("---\nbibliography: ~/secret.bib\n---\n", encoding="utf-8")
    (root / "Runs.md").write_text(f"---\na: !!python/object/apply:os.system [\"touch {tmp_path / 'pwned'}\"]\n---\n",
                                  encoding="utf-8")
    os.symlink(outside / "secret.md", root / "Outside link.md")
    os.symlink(outside / "secret.bib", root / "Outside.bib")
    os.symlink(outside, root / "outside-folder")
    return root, outside


def test_the_engine_reads_nothing_outside_the_vault(tmp_path: Path) -> None:
    root, outside = make_vault(tmp_path)
    opened: list[str] = []
    active = [True]

    def hook(event, args):
        if active[0] and event in ("open", "os.listdir", "os.scandir") and args and isinstance(args[0], (str, bytes, os.PathLike)):
            opened.append(os.fsdecode(os.fspath(args[0])))

    sys.addaudithook(hook)  # audit hooks cannot be removed: `active` switches this one off
    try:
        host, _ = load_vault(root, workers=1)
        found = check_vault(host.vault)
    finally:
        active[0] = False
    assert not [p for p in opened if os.path.realpath(p).startswith(str(outside))]
    assert "outside2020" not in host.vault.cite_keys
    assert "cite-key.unknown" in {d.code for d in found["Escape.md"]}
    assert not (tmp_path / "pwned").exists()


def test_a_session_writes_nothing_reads_nothing_outside_and_logs_no_note_text(tmp_path: Path) -> None:
    root, outside = make_vault(tmp_path)
    cache, log_file, opened_file = tmp_path / "cache", tmp_path / "server.log", tmp_path / "opened.txt"
    before = tree_snapshot(root)
    env = dict(os.environ, LITNOTES_CACHE_DIR=str(cache))
    server = RawServer(str(opened_file), "--log-level", "INFO", "--log-file", str(log_file), "--stdio", env=env,
                       command=[sys.executable, "-c", HOOKED_SERVER])
    answers = []
    try:
        caps = {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}, "workspaceEdit": {"documentChanges": True}}}
        server.initialize(root, **caps)
        answers.append(server.request("workspace/executeCommand", {"command": "litnotes.verify"}, timeout=30))
        note, other = (root / "Note.md").as_uri(), (root / "Other.md").as_uri()
        for uri, path in ((note, root / "Note.md"), (other, root / "Other.md")):
            server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1,
                                                                     "text": path.read_text(encoding="utf-8")}})
        server.notify("textDocument/didChange", {"textDocument": {"uri": note, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 4, "character": 0}, "end": {"line": 4, "character": 0}}, "text": f"{NOTE_TEXT} [[Outside"}]})
        # File events naming the links out of the vault, and the secret's own path.
        server.notify("workspace/didChangeWatchedFiles", {"changes": [
            {"uri": (root / "Outside link.md").as_uri(), "type": 2}, {"uri": (root / "Outside.bib").as_uri(), "type": 2},
            {"uri": (root / "outside-folder" / "secret.md").as_uri(), "type": 1},
            {"uri": (outside / "secret.md").as_uri(), "type": 2}, {"uri": (root / ".." / "outside" / "secret.md").as_uri(), "type": 1}]})
        positions = [{"line": line, "character": ch} for line in range(4, 8) for ch in (0, 5, 40, 80)]
        for uri in (note, other):
            for pos in positions:
                doc = {"textDocument": {"uri": uri}, "position": pos}
                for method in ("textDocument/hover", "textDocument/completion", "textDocument/definition"):
                    answers.append(server.request(method, doc))
                answers.append(server.request("textDocument/references", {**doc, "context": {"includeDeclaration": True}}))
                answers.append(server.request("textDocument/rename", {**doc, "newName": "Renamed"}))
            answers.append(server.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": {
                "start": {"line": 0, "character": 0}, "end": {"line": 9, "character": 0}}, "context": {"diagnostics": []}}))
            answers.append(server.request("textDocument/documentLink", {"textDocument": {"uri": uri}}))
        answers.append(server.request("workspace/symbol", {"query": ""}))
        answers.append(server.request("workspace/willRenameFiles", {"files": [
            {"oldUri": (root / "Other.md").as_uri(), "newUri": (root / "Moved.md").as_uri()}]}))
        # Requests naming the secret directly, and malformed messages that carry note text.
        answers.append(server.request("workspace/executeCommand", {"command": "litnotes.applyEdit", "arguments": [
            {"uri": note, "edits": [[str(outside / "secret.md"), 0, 0, "x", 5], ["../outside/secret.md", 0, 0, "x", 5],
                                    [NOTE_TEXT, NOTE_TEXT, 0, "x", 1]]}]}))
        answers.append(server.request("completionItem/resolve", {"label": "x", "data": {"uri": (outside / "secret.md").as_uri(),
                                                                                        "resolve": [["note", "../outside/secret.md"]]}}))
        server.notify("textDocument/didChange", {"textDocument": {"uri": note, "version": NOTE_TEXT},
                                                 "contentChanges": [{"text": NOTE_TEXT}]})
        server.notify("textDocument/didOpen", {"textDocument": {"uri": note, "languageId": "markdown", "version": "x",
                                                                 "text": NOTE_TEXT}})
        server.send({"jsonrpc": "1.0", "id": 99, "method": "textDocument/hover", "params": {"text": NOTE_TEXT}})
        server.send_bytes(f'{{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": "{NOTE_TEXT}'.encode())
        answers.append(server.request("workspace/diagnostic", {"previousResultIds": []}, timeout=30))
        answers.append(server.request("workspace/executeCommand", {"command": "litnotes.verify"}, timeout=30))
        assert answers[-1]["result"]["ok"], answers[-1]
        assert server.request("shutdown")["result"] is None
        server.notify("exit")
        assert server.exited_within(5) is not None
    finally:
        server.kill()
    # Nothing in the vault changed: not a byte, not a mode, not a time stamp, no new file.
    assert tree_snapshot(root) == before
    assert not (tmp_path / "pwned").exists()
    # Nothing outside the vault was opened or listed (the cache is the server's own folder).
    opened = [line for line in opened_file.read_text(encoding="utf-8", errors="replace").splitlines() if line]
    assert opened, "the audit hook recorded nothing: the test is broken"
    assert [p for p in opened if os.path.realpath(os.path.join(root, p)).startswith(str(outside))] == []
    assert SECRET not in "".join(str(a) for a in answers)
    # The log (INFO) holds no note text, and the server's stderr neither.
    log = log_file.read_text(encoding="utf-8", errors="replace")
    assert "INFO" in log and NOTE_TEXT not in log and SECRET not in log
    assert NOTE_TEXT.encode() not in server.stderr
    # The persistent index is private: folders 0700, files 0600, and outside the vault.
    entries = list(cache.rglob("*"))
    assert entries, "the server saved no persistent index"
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    for entry in entries:
        mode = stat.S_IMODE(entry.stat().st_mode)
        assert mode == (0o700 if entry.is_dir() else 0o600), (entry, oct(mode))
