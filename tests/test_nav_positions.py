"""Reference positions at the LSP edge. `positions` (a few offsets of a text, no line index) gives
exactly `LineIndex.position`; the server's references into closed notes with accents, CJK, emoji
and CRLF / lone CR line ends are exact in UTF-8, UTF-16 and UTF-32, and cost one read of each
referencing note and no parse (operation counts, no clocks). In-process: the real references
handler on a `LitnotesServer` without a client."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lsprotocol import types

from litnotes.disk import load_vault
from litnotes.disk import texts as texts_module
from litnotes.features.references import references
from litnotes.lsp import build_server
from litnotes.lsp import navigation
from litnotes.lsp.convert import path_to_uri
from litnotes.lsp.robust import JsonResult
from litnotes.lsp.session import Session
from litnotes.syntax import ENCODINGS, LineIndex
from litnotes.syntax.text import positions
from litnotes.vault import SetNote
from call_counts import count_calls

# --- positions == LineIndex.position ----------------------------------------------------------------
PIECES = ["a", "é", "日本", "😀", "\n", "\r", "\r\n", "\n\r", "\u2028", "\x0c", "\x85", " ", "[[T]]", "\ud800"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join), st.lists(st.integers(-3, 80), max_size=12),
       st.sampled_from(ENCODINGS))
def test_positions_equal_the_line_index(text: str, offsets: list[int], encoding: str) -> None:
    index = LineIndex(text)
    assert positions(text, offsets, encoding) == {o: index.position(o, encoding) for o in offsets}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join), st.sampled_from(ENCODINGS))
def test_positions_of_every_offset(text: str, encoding: str) -> None:
    index = LineIndex(text)
    every = range(-1, len(text) + 2)
    assert positions(text, every, encoding) == {o: index.position(o, encoding) for o in every}


# --- the references handler -----------------------------------------------------------------------
TARGET = "Target.md"
NOTES = {
    TARGET: "Plain text here.\n\n## Part ✓\n",
    "crlf 日本.md": "# 見出し\r\n\r\n日本語 😀 [[Target]] and [[Target#Part ✓]]\r\nend ![[Target]]",
    "cr.md": "Café\r😀😀 [[Target]]\r\r[[Target]] ☕",
    "mixed/emoji 🔬.md": "---\ntags: [x]\n---\n🔬📈 é\r\n\n\r[[Target|ü 😀]] [x](Target.md)\n",
    "open.md": "[[Target]]\n",  # open in the editor with other (unsaved) text
    "bom.md": "\ufeff😀 [[Target]]\n",  # the BOM is not part of the text (P-2)
}
OPEN_TEXT = "edited 𝕏\r\n\r\n[[Target]] [[Target]]"


def _read(path: Path) -> str:
    """A note's text as the server sees it: exact line ends, one BOM removed."""
    return path.read_bytes().decode("utf-8").removeprefix("\ufeff")


def _server(root: Path, encoding: str):
    host, _ = load_vault(root, workers=1)
    ls = build_server()
    session = Session(root, host, indexed=True)
    ls.sessions.append(session)
    ls.client = dataclasses.replace(ls.client, encoding=encoding)
    return ls, session


def _open(ls, session, rel: str, text: str) -> str:
    uri = path_to_uri(session.root / rel)
    ls.documents.open(uri, text, 1)
    session.host.apply([SetNote(rel, text)])
    return uri


def _references(ls, uri: str, line: int, character: int) -> list[types.Location]:
    """The handler's answer (JSON text, sent as it is) read as a client reads it."""
    handler = ls.protocol.fm.features[types.TEXT_DOCUMENT_REFERENCES]
    answer = handler(types.ReferenceParams(text_document=types.TextDocumentIdentifier(uri=uri),
                                           position=types.Position(line=line, character=character),
                                           context=types.ReferenceContext(include_declaration=True)))
    assert isinstance(answer, JsonResult) and answer.isascii()
    return ls.protocol._converter.structure(json.loads(answer), list[types.Location])


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    for rel, text in NOTES.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(text.encode("utf-8"))
    return tmp_path


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_references_into_closed_notes_are_exact_in_every_encoding(vault: Path, encoding: str, monkeypatch) -> None:
    ls, session = _server(vault, encoding)
    target_uri = _open(ls, session, TARGET, NOTES[TARGET])
    _open(ls, session, "open.md", OPEN_TEXT)
    reads: list[str] = []
    real_read = texts_module.read_note  # closed notes are read through the server's TextCache
    monkeypatch.setattr(texts_module, "read_note", lambda path, limit: reads.append(str(path)) or real_read(path, limit))
    indexes = []
    monkeypatch.setattr(navigation, "LineIndex", lambda text: indexes.append(text) or LineIndex(text))
    parsed = session.host.parse_count

    found = _references(ls, target_uri, 0, 3)  # plain text: the note's backlinks

    texts = {rel: _read(vault / rel) for rel in NOTES} | {"open.md": OPEN_TEXT}
    expected = []
    for r in references(session.host.vault, TARGET, NOTES[TARGET], 3):
        index = LineIndex(texts[r.path])
        (l1, c1), (l2, c2) = index.position(r.start, encoding), index.position(r.end, encoding)
        expected.append((path_to_uri(vault / r.path), l1, c1, l2, c2))
    assert [(x.uri, x.range.start.line, x.range.start.character, x.range.end.line, x.range.end.character)
            for x in found] == expected
    closed = {"crlf 日本.md", "cr.md", "mixed/emoji 🔬.md", "bom.md"}
    assert {u for u, *_ in expected} == {path_to_uri(vault / p) for p in closed | {"open.md"}}
    assert sorted(Path(p).relative_to(vault).as_posix() for p in reads) == sorted(closed)  # each once, open notes never
    assert indexes == [] and session.host.parse_count == parsed  # no line index of a closed note, no parse


def test_references_and_the_old_conversion_agree(vault: Path) -> None:
    """`Places.locations` (batch) gives what `Places.location` (one line index per file) gives."""
    for encoding in ENCODINGS:
        ls, session = _server(vault, encoding)
        _open(ls, session, "open.md", OPEN_TEXT)
        refs = references(session.host.vault, TARGET, NOTES[TARGET], 3)
        spans = [(r.path, r.start, r.end) for r in refs] + [(TARGET, 0, 0), ("cr.md", 10**6, -5), ("gone.md", 3, 4)]
        places = navigation.Places(ls, session)
        one_by_one = [navigation.Places(ls, session).location(*s) for s in spans]
        assert places.locations(spans) == one_by_one


def test_references_answer_as_json_what_lsprotocol_would_send(vault: Path) -> None:
    """`Places.locations_json` (the references answer, JSON text sent as it is) is the JSON that
    lsprotocol's `Location`s become, in every encoding, with non-ASCII paths and open notes."""
    for encoding in ENCODINGS:
        ls, session = _server(vault, encoding)
        _open(ls, session, "open.md", OPEN_TEXT)
        refs = references(session.host.vault, TARGET, NOTES[TARGET], 3)
        spans = [(r.path, r.start, r.end) for r in refs] + [(TARGET, 0, 0), ("mixed/emoji 🔬.md", 0, 0)]
        made = navigation.Places(ls, session).locations_json(spans)
        assert made.isascii()
        assert json.loads(made) == ls.protocol._converter.unstructure(navigation.Places(ls, session).locations(spans))
    assert navigation.Places(ls, session).locations_json([]) == "[]"


# --- scaling (operation counts) -------------------------------------------------------------------
def _cited_by(root: Path, n: int) -> tuple[int, int, int, int]:
    """(interpreter calls, note reads, notes parsed, locations) of the references of a note cited from
    `n` closed notes."""
    root.mkdir()
    (root / TARGET).write_text("Plain text.\n", encoding="utf-8")
    for i in range(n):
        folder = root / f"f{i % 7}"
        folder.mkdir(exist_ok=True)
        body = "".join(f"Line {j} café 😀 [[Target]] and [[Target#x]]\r\n" if j % 5 == 0 else f"Line {j} 日本語 text\n"
                       for j in range(40))
        (folder / f"Note {i}.md").write_bytes(body.encode("utf-8"))
    ls, session = _server(root, "utf-16")
    uri = _open(ls, session, TARGET, "Plain text.\n")
    reads = [0]
    real_read = texts_module.read_note

    def counting(path, limit):
        reads[0] += 1
        return real_read(path, limit)

    parsed = session.host.parse_count
    texts_module.read_note = counting
    try:
        calls, found = count_calls(lambda: _references(ls, uri, 0, 2))
    finally:
        texts_module.read_note = real_read
    return calls, reads[0], session.host.parse_count - parsed, len(found)


def test_references_read_each_citing_note_once_and_grow_linearly(tmp_path: Path) -> None:
    small_calls, small_reads, small_parsed, small_found = _cited_by(tmp_path / "small", 30)
    large_calls, large_reads, large_parsed, large_found = _cited_by(tmp_path / "large", 120)
    assert (small_reads, large_reads) == (30, 120)  # one read per citing note, however many references it holds
    assert small_parsed == large_parsed == 0
    assert (small_found, large_found) == (30 * 16, 120 * 16)
    assert large_calls <= 1.1 * 4 * small_calls, (small_calls, large_calls)


# --- reading many notes stays inside the vault ----------------------------------------------------
def test_inside_check_agrees_with_resolves_inside(tmp_path: Path) -> None:
    from litnotes.disk.scan import InsideCheck, resolves_inside

    root, outside = tmp_path / "vault", tmp_path / "outside"
    (root / "a" / "b").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.md").write_text("secret", encoding="utf-8")
    (root / "a" / "note.md").write_text("x", encoding="utf-8")
    (root / "a" / "out.md").symlink_to(outside / "secret.md")
    (root / "a" / "in.md").symlink_to(root / "a" / "note.md")
    (root / "a" / "rel.md").symlink_to("b/../note.md")
    (root / "linked").symlink_to(outside, target_is_directory=True)
    (root / "a" / "b" / "up").symlink_to("../..", target_is_directory=True)
    (root / "a" / "loop.md").symlink_to(root / "a" / "loop.md")
    # Folders resolved from their parents: links to folders inside and outside, at any depth, loops.
    (outside / "deep").mkdir()
    (outside / "deep" / "secret.md").write_text("secret", encoding="utf-8")
    (root / "a" / "b" / "c").mkdir()
    (root / "a" / "b" / "c" / "n.md").write_text("x", encoding="utf-8")
    (root / "alias").symlink_to(root / "a", target_is_directory=True)
    (root / "a" / "b" / "out").symlink_to(outside / "deep", target_is_directory=True)
    (root / "a" / "b" / "rel").symlink_to("../../linked", target_is_directory=True)
    (root / "a" / "b" / "loop").symlink_to(root / "a" / "b" / "loop", target_is_directory=True)
    rels = ["a/note.md", "a/out.md", "a/in.md", "a/rel.md", "linked/secret.md", "linked/x.md", "a/b/up/a/note.md",
            "a/b/up/../outside/secret.md", "a/missing.md", "missing/x.md", "a/../a/note.md", "..", "a/..", ".", "",
            "../outside/secret.md", str(outside / "secret.md"), "/", "a/loop.md", "a/b/", "a//note.md",
            "alias/b/c/n.md", "alias/b/out/secret.md", "a/b/out/secret.md", "a/b/rel/deep/secret.md", "a/b/rel/secret.md",
            "a/b/up/alias/b/c/n.md", "a/b/up/a/b/out/x.md", "a/b/loop/x.md", "missing/deeper/x.md", "missing/../a/note.md",
            "a/b/c/../../b/c/n.md", "a/./b/c/n.md", "alias/b/up/linked/secret.md", "linked/deep/secret.md"]
    check = InsideCheck(root)
    assert [check(r) for r in rels + rels] == [resolves_inside(root, r) for r in rels + rels]
    assert not check("a/out.md") and not check("linked/secret.md") and check("a/in.md")


def test_the_vault_s_paths_have_no_dot_folder_on_the_way(tmp_path: Path) -> None:
    """`Session.contains_rel` (the strings `texts_of` checks) and `Session.contains` (paths from the
    editor, through pathlib, which drops empty and `.` parts) answer alike."""
    from litnotes.lsp.session import Session

    ls, session = _server(tmp_path, "utf-16")
    inside = ["a.md", "a/b.md", "a/b/.c.md", ".a.md", "a//b.md", "a/./b.md", "./a.md", "..", "a/", "a/.b/",
              "...", "a.b/c.md", "ü 😀/日本.md", "a/b/", "a///", "a/..."]
    outside = [".hidden/a.md", "a/.b/c.md", "a/../b.md", "../a.md", ".", "", ".../a.md", ".obsidian/app.json",
               "a/b/c/d/.e/f.md", "//", "./."]
    for rels, expected in ((inside, True), (outside, False)):
        assert [r for r in rels if Session.contains_rel(r) is not expected] == []
        assert [r for r in rels if session.contains(session.root / r) is not expected] == []


def test_texts_of_reads_only_inside_the_vault(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    (root / ".hidden").mkdir(parents=True)
    (tmp_path / "secret.md").write_text("secret", encoding="utf-8")
    (root / "note.md").write_text("note", encoding="utf-8")
    (root / ".hidden" / "h.md").write_text("hidden", encoding="utf-8")
    (root / "out.md").symlink_to(tmp_path / "secret.md")
    ls, session = _server(root, "utf-16")
    rels = ["note.md", "out.md", ".hidden/h.md", "../secret.md", str(tmp_path / "secret.md"), "missing.md", "note.md"]
    assert list(ls.texts_of(session, rels)) == [("note.md", "note"), ("out.md", None), (".hidden/h.md", None),
                                                ("../secret.md", None), (str(tmp_path / "secret.md"), None),
                                                ("missing.md", None), ("note.md", "note")]
    assert [ls.text_of(session, r) for r in rels] == [t for _, t in ls.texts_of(session, rels)]


@pytest.mark.parametrize("root", [Path("/v"), Path("/my vault/ü"), Path("/")])
def test_child_uri_is_path_to_uri(root: Path) -> None:
    from litnotes.lsp.convert import child_uri

    root_uri = path_to_uri(root)
    for rel in ["a.md", "notes/Topic 1.md", "日本/😀 #1?%.md", "a/../b.md", "a//b.md", "./a.md", "a/./b.md", "a/.",
                "a/", "/abs.md", "", ".", "a\\b.md", "100%.md", "x:y@z.md"]:
        assert child_uri(root_uri, rel) in (None, path_to_uri(root / rel)), rel
    assert child_uri(path_to_uri(Path("/v")), "notes/Topic 1.md") == "file:///v/notes/Topic%201.md"
