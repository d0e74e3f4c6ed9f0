"""Protocol faults: every request gets exactly one answer, the server keeps serving, and it ends promptly.

Raw JSON-RPC (reliability_support.RawServer) sends what no client library would: wrong types,
missing params, negative positions, unknown methods, non-JSON, batches, cancellations of running
and finished requests, documents never opened, `untitled:` and odd URIs, stale versions, edits past
the end. A pytest-lsp client that never answers `workspace/configuration` checks the 2-second
timeout, and a raw one that answers it (and the progress token) after the timeout checks that the
late answers are dropped quietly. On a vault large enough to need worker processes, `shutdown`+`exit`, `exit` alone and
stdin EOF during indexing must each end the process (and its workers) within a few seconds, and a
note renamed while the vault is being indexed must end up where it is on disk.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
import uuid
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from reliability_support import SERVER, RawServer, processes_with_env

EXIT_SECONDS = 5.0  # "promptly": the index of the large vault takes longer than this on its own


def small_vault(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / ".obsidian").mkdir()
    (root / "a.md").write_text("# A\n[[b]] [[Missing]] 😀 text ^blk\n\n- item [[a#A]]\n", encoding="utf-8")
    (root / "b.md").write_text("---\naliases: [\"@bkey\"]\n---\n# B\n[@bkey] [@nobody]\n", encoding="utf-8")
    return root


def env_with(marker: str = "") -> dict:
    return dict(os.environ, LITNOTES_TEST_MARKER=marker or uuid.uuid4().hex)


def test_every_request_gets_exactly_one_answer(tmp_path: Path) -> None:
    root = small_vault(tmp_path / "vault")
    a = (root / "a.md").as_uri()
    server = RawServer(env=env_with())
    try:
        server.initialize(root, general={"positionEncodings": ["utf-16"]})
        server.notify("textDocument/didOpen", {"textDocument": {"uri": a, "languageId": "markdown", "version": 5,
                                                                 "text": (root / "a.md").read_text(encoding="utf-8")}})
        server.notify("textDocument/didOpen", {"textDocument": {"uri": "untitled:Untitled-1", "languageId": "markdown",
                                                                 "version": 1, "text": "[[a]] @bkey #tag"}})
        # Lone surrogates (a broken paste; JSON can carry them, UTF-8 cannot).
        lone = (root / "lone.md").as_uri()
        server.send_bytes(b'{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": "'
                          + lone.encode() + b'", "languageId": "markdown", "version": 1, '
                          b'"text": "# A \\ud800 [[b\\udfff]] @k\\ud83d #t\\udc00x ^\\ud800"}}}')
        pos = {"line": 0, "character": 0}
        # id -> what must come back: an error code, or "result".
        requests = {
            1: ("foo/bar", {}, -32601),
            2: ("textDocument/hover", {"textDocument": 5, "position": "x"}, -32602),
            3: ("textDocument/hover", None, -32602),
            4: ("textDocument/completion", [1, 2], -32602),
            5: ("textDocument/hover", {"textDocument": {"uri": a}, "position": {"line": -1, "character": -5}}, -32602),
            6: ("textDocument/hover", {"textDocument": {"uri": a}, "position": {"line": 0, "character": 10**9}}, "result"),
            7: ("textDocument/completion", {"textDocument": {"uri": a}, "position": {"line": 10**6, "character": 3}}, "result"),
            8: ("textDocument/hover", {"textDocument": {"uri": (root / "never-opened.md").as_uri()}, "position": pos}, "result"),
            9: ("textDocument/hover", {"textDocument": {"uri": "untitled:Untitled-1"}, "position": pos}, "result"),
            10: ("textDocument/completion", {"textDocument": {"uri": "untitled:Untitled-1"}, "position": {"line": 0, "character": 3}}, "result"),
            11: ("textDocument/diagnostic", {"textDocument": {"uri": "untitled:Untitled-1"}}, "result"),
            12: ("textDocument/hover", {"textDocument": {"uri": "::::%%%"}, "position": pos}, "result"),
            13: ("textDocument/definition", {"textDocument": {"uri": "https://example.org/a.md"}, "position": pos}, "result"),
            14: ("completionItem/resolve", {"label": 5, "data": {"uri": 7, "resolve": "x"}}, "result"),
            15: ("textDocument/references", {"textDocument": {"uri": a}, "position": pos, "context": {"includeDeclaration": True}}, "result"),
            16: ("textDocument/documentSymbol", {"textDocument": {"uri": "file:///nonexistent/x.md"}}, "result"),
            17: ("workspace/executeCommand", {"command": "litnotes.nothing", "arguments": [1, {"a": None}]}, "error"),
            18: ("workspace/executeCommand", {"command": "litnotes.applyEdit", "arguments": [{"uri": a, "edits": [["/etc/passwd", 0, 0, "x", 1]]}]}, "any"),
            19: ("textDocument/codeAction", {"textDocument": {"uri": a}, "range": {"start": pos, "end": {"line": 99, "character": 0}},
                                            "context": {"diagnostics": []}}, "result"),
            20: ("textDocument/rename", {"textDocument": {"uri": a}, "position": pos, "newName": ""}, "any"),
            "string-id": ("textDocument/hover", {"textDocument": {"uri": a}, "position": pos}, "result"),
            # References answer with JSON text written by litnotes (robust.JsonResult), for any id.
            "references-id": ("textDocument/references", {"textDocument": {"uri": a}, "position": pos,
                                                          "context": {"includeDeclaration": True}}, "result"),
            23: ("textDocument/diagnostic", {"textDocument": {"uri": lone}}, "result"),
            24: ("textDocument/hover", {"textDocument": {"uri": lone}, "position": {"line": 0, "character": 9}}, "result"),
            25: ("textDocument/completion", {"textDocument": {"uri": lone}, "position": {"line": 0, "character": 14}}, "result"),
            26: ("textDocument/documentSymbol", {"textDocument": {"uri": lone}}, "result"),
        }
        for msg_id, (method, params, _expected) in requests.items():
            message = {"jsonrpc": "2.0", "id": msg_id, "method": method}
            if params is not None:
                message["params"] = params
            server.send(message)
        # Not JSON-RPC 2.0, not JSON, a batch: answered as errors where there is an id to answer.
        server.send({"id": 21, "method": "textDocument/hover", "params": {}})
        server.send([{"jsonrpc": "2.0", "id": 22, "method": "textDocument/hover"}])
        server.send_bytes(b"{this is not json")
        server.send(5)
        # Notifications with bad params, for unknown methods, or for documents never opened: no answer, no harm.
        server.notify("textDocument/didChange", {"textDocument": {"uri": a, "version": "x"}, "contentChanges": "zz"})
        server.notify("textDocument/didChange", {"textDocument": {"uri": (root / "x.md").as_uri(), "version": 2},
                                                 "contentChanges": [{"text": "never opened"}]})
        server.notify("textDocument/didClose", {"textDocument": {"uri": (root / "x.md").as_uri()}})
        server.notify("foo/baz", {"x": 1})
        server.notify("$/cancelRequest", {"id": 999_999})
        server.notify("$/cancelRequest", {"id": {"not": "an id"}})
        server.send({"jsonrpc": "2.0", "id": 777, "result": None})  # a response to nothing
        # Stale versions and edits past the end: applied as given (the editor's order wins).
        server.notify("textDocument/didChange", {"textDocument": {"uri": a, "version": 1}, "contentChanges": [
            {"range": {"start": {"line": 50, "character": 0}, "end": {"line": 60, "character": 9}}, "text": "\n[[b]] tail"},
            {"range": {"start": {"line": 0, "character": 9999}, "end": {"line": 0, "character": 2}}, "text": "X"}]})
        answers = server.responses_within(4.0)
        by_id: dict = {}
        for answer in answers:
            by_id.setdefault(answer.get("id"), []).append(answer)
        for msg_id, (method, _params, expected) in requests.items():
            got = by_id.get(msg_id, [])
            assert len(got) == 1, (msg_id, method, got)
            if expected == "result":
                assert "result" in got[0], (msg_id, got[0])
            elif expected == "error":
                assert "error" in got[0], (msg_id, got[0])
            elif expected != "any":
                assert got[0].get("error", {}).get("code") == expected, (msg_id, got[0])
        refs = by_id[15][0]["result"]
        assert refs == by_id["references-id"][0]["result"] and refs and all(r["uri"] == a for r in refs), refs
        assert [m["error"]["code"] for m in by_id.get(21, [])] == [-32600]
        assert [m["error"]["code"] for m in by_id.get(22, [])] == [-32600]
        assert [m["error"]["code"] for m in by_id.get(None, [])] == [-32700]  # the parse error, with "id": null
        assert set(by_id) == set(requests) | {21, 22, None}  # nothing else was answered
        # Still serving, and the index equals a fresh load from disk plus the open texts.
        verified = server.request("workspace/executeCommand", {"command": "litnotes.verify"})["result"]
        assert verified["ok"], verified
        # A request that is still running when cancelled, one already answered: exactly one answer each.
        server.send({"jsonrpc": "2.0", "id": 30, "method": "workspace/diagnostic", "params": {"previousResultIds": []}})
        server.notify("$/cancelRequest", {"id": 30})
        server.request("textDocument/hover", {"textDocument": {"uri": a}, "position": pos})
        server.notify("$/cancelRequest", {"id": server.next_id})
        late = server.responses_within(1.5)
        assert [m.get("id") for m in late].count(30) == 1  # its result, or -32800 (cancelled)
        assert "result" in server.request("textDocument/hover", {"textDocument": {"uri": a}, "position": pos})
        # After shutdown every request is refused with an error, then exit ends the process at once.
        assert server.request("shutdown")["result"] is None
        assert server.request("textDocument/hover", {"textDocument": {"uri": a}, "position": pos})["error"]["code"] == -32600
        server.notify("exit")
        assert server.exited_within(EXIT_SECONDS) is not None and server.process.returncode == 0
        assert b"Traceback" not in server.stderr or b"withheld" in server.stderr
    finally:
        server.kill()


# --- a client that never answers workspace/configuration --------------------------------------------------


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def silent_client(lsp_client: LanguageClient, tmp_path: Path):
    lsp_client.vault = small_vault(tmp_path / "vault")
    lsp_client.asked = 0
    lsp_client.release = asyncio.Event()

    del lsp_client.protocol.fm._features[types.WORKSPACE_CONFIGURATION]  # pytest-lsp's default answers

    @lsp_client.feature(types.WORKSPACE_CONFIGURATION)
    async def never_answer(params):
        lsp_client.asked += 1
        await lsp_client.release.wait()  # set at teardown: far too late for the server, which gave up after 2 s
        return [None]

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params) -> None:
        return None

    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual_studio_code"), initialization_options={"debounceMs": 0, "paranoid": True},
        workspace_folders=[types.WorkspaceFolder(uri=lsp_client.vault.as_uri(), name="v")]))
    yield
    lsp_client.release.set()
    await lsp_client.shutdown_session()


async def test_a_client_that_never_answers_configuration(silent_client: LanguageClient) -> None:
    client = silent_client
    u = (client.vault / "a.md").as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=u, language_id="markdown", version=1, text=(client.vault / "a.md").read_text(encoding="utf-8"))))
    started = time.monotonic()
    # Requests are answered while the server waits for the configuration it will never get.
    await asyncio.wait_for(client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=u), position=types.Position(line=1, character=3))), 1.5)
    assert time.monotonic() - started < 1.5
    # After the 2-second timeout the vault is indexed with the defaults and diagnostics flow.
    result = await asyncio.wait_for(client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="litnotes.verify")), 30)
    assert result["ok"] and result["vaults"][0]["notes"] == 2
    assert result["checks"] >= 2  # paranoid mode from the initialization options: didOpen and indexing checked
    for _ in range(200):
        if "link.unresolved" in {d.code for d in client.diagnostics.get(u, [])}:
            break
        await asyncio.sleep(0.05)
    assert "link.unresolved" in {d.code for d in client.diagnostics.get(u, [])}
    assert client.asked == 1


# --- ending the process during indexing, and renames during indexing ----------------------------------------


@pytest.fixture(scope="module")
def large_vault(tmp_path_factory) -> Path:
    """Enough notes for worker processes (POOL_THRESHOLD) and an index that takes a few seconds."""
    root = tmp_path_factory.mktemp("large") / "vault"
    (root / ".obsidian").mkdir(parents=True)
    body = "".join(f"Paragraph {{i}} with [[n{{j}}]] and [[n{{j}}#H{{j}}]] and [@k{{j}}] ^b{{i}}x{k}\n\n" for k in range(40))
    for i in range(1_700):
        j = (i * 7 + 1) % 1_700
        (root / f"n{i}.md").write_text(f"---\naliases: [\"@k{i}\"]\n---\n# H{i}\n" + body.format(i=i, j=j), encoding="utf-8")
    return root


def _start_indexing(large_vault: Path, tmp_path: Path, marker: str) -> tuple[RawServer, Path]:
    root = tmp_path / "vault"
    shutil.copytree(large_vault, root)
    server = RawServer("--workers", "2", env=env_with(marker))
    server.initialize(root, window={"workDoneProgress": True})
    return server, root


def _wait_for_progress(server: RawServer, kind: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = server.messages.get(timeout=timeout)
        if message is None:
            raise AssertionError("the server exited")
        if "method" in message and "id" in message:
            server.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
        elif message.get("method") == "$/progress" and message["params"]["value"]["kind"] == kind:
            return
    raise AssertionError(f"no progress {kind!r}")


@pytest.mark.parametrize("how", ["shutdown+exit", "exit", "eof"])
def test_ending_during_indexing_is_prompt(large_vault: Path, tmp_path: Path, how: str) -> None:
    marker = uuid.uuid4().hex
    server, _root = _start_indexing(large_vault, tmp_path, marker)
    try:
        _wait_for_progress(server, "begin")
        time.sleep(0.3)  # workers started, index in full swing
        pending = []
        while not server.messages.empty():
            pending.append(server.messages.get_nowait())
        assert not [m for m in pending if m and m.get("method") == "$/progress" and m["params"]["value"]["kind"] == "end"], \
            "indexing ended before the test could interrupt it: make the vault larger"
        if how == "shutdown+exit":
            assert server.request("shutdown", timeout=EXIT_SECONDS)["result"] is None
            server.notify("exit")
        elif how == "exit":
            server.notify("exit")
        else:
            server.process.stdin.close()
        took = server.exited_within(EXIT_SECONDS)
        assert took is not None, f"still running {EXIT_SECONDS} s after {how}"
        assert server.process.returncode == (0 if how == "shutdown+exit" else 1)
        # Its worker processes are gone too.
        deadline = time.monotonic() + EXIT_SECONDS
        while processes_with_env(marker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert processes_with_env(marker) == []
        print(f"{how}: exited {took:.2f} s after the request")
    finally:
        server.kill()


def test_notes_renamed_and_edited_while_indexing(large_vault: Path, tmp_path: Path) -> None:
    server, root = _start_indexing(large_vault, tmp_path, uuid.uuid4().hex)
    try:
        _wait_for_progress(server, "begin")
        (root / "n5.md").rename(root / "renamed.md")
        (root / "n6.md").unlink()
        (root / "n7.md").write_text("# Rewritten\n[[renamed]]\n", encoding="utf-8")
        (root / "new.md").write_text("# New\n[[n5]]\n", encoding="utf-8")
        uri = lambda name: (root / name).as_uri()  # noqa: E731
        server.notify("workspace/didRenameFiles", {"files": [{"oldUri": uri("n5.md"), "newUri": uri("renamed.md")}]})
        server.notify("workspace/didChangeWatchedFiles", {"changes": [
            {"uri": uri("n6.md"), "type": 3}, {"uri": uri("n7.md"), "type": 2}, {"uri": uri("new.md"), "type": 1}]})
        server.notify("textDocument/didOpen", {"textDocument": {"uri": uri("n8.md"), "languageId": "markdown",
                                                                 "version": 1, "text": "# Edited in the editor\n"}})
        verified = server.request("workspace/executeCommand", {"command": "litnotes.verify"}, timeout=90)["result"]
        assert verified["ok"], verified
        assert verified["vaults"][0]["notes"] == 1_700  # -n5 -n6 +renamed +new
        server.request("shutdown")
        server.notify("exit")
        assert server.exited_within(EXIT_SECONDS) is not None
    finally:
        server.kill()


def test_a_late_answer_to_a_request_the_server_gave_up_on(tmp_path: Path) -> None:
    """The server waits 2 s for `workspace/configuration` and a progress token; an answer that comes
    after that is dropped quietly (pygls would fail on the cancelled future and log an error), and
    the server goes on with its defaults."""
    root = small_vault(tmp_path / "vault")
    server = RawServer("--log-level", "INFO", env=env_with())
    try:
        server.request("initialize", {"processId": os.getpid(), "workspaceFolders": [{"uri": root.as_uri(), "name": "v"}],
                                      "capabilities": {"workspace": {"configuration": True},
                                                       "window": {"workDoneProgress": True}}})
        server.notify("initialized", {})
        asked = []
        deadline = time.monotonic() + 10
        while len(asked) < 2 and time.monotonic() < deadline:  # hold back both answers
            message = server.messages.get(timeout=10)
            if message is not None and message.get("method") in ("workspace/configuration", "window/workDoneProgress/create"):
                asked.append(message)
        assert sorted(m["method"] for m in asked) == ["window/workDoneProgress/create", "workspace/configuration"]
        time.sleep(2.5)  # past the server's 2 s
        for message in asked:
            server.send({"jsonrpc": "2.0", "id": message["id"], "result": [{}] if "configuration" in message["method"] else None})
        a = (root / "a.md").as_uri()
        server.notify("textDocument/didOpen", {"textDocument": {"uri": a, "languageId": "markdown", "version": 1,
                                                                 "text": (root / "a.md").read_text(encoding="utf-8")}})
        symbols = server.request("workspace/symbol", {"query": "B"})["result"]
        assert any(s["name"] == "B" for s in symbols)
        assert server.request("shutdown")["result"] is None
        server.notify("exit")
        assert server.exited_within(EXIT_SECONDS) is not None
        assert b"InvalidStateError" not in server.stderr and b"Unable to handle message" not in server.stderr
        assert server.stderr.count(b"late answer") == 2
    finally:
        server.kill()
