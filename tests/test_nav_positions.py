"""Reference positions at the LSP edge: `positions` (a few offsets of a text, no line index) gives
exactly `LineIndex.position`; the server reads many closed notes (`texts_of`) only inside the vault."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from litnotes.disk import load_vault
from litnotes.lsp import build_server
from litnotes.lsp.session import Session
from litnotes.syntax import ENCODINGS, LineIndex
from litnotes.syntax.text import positions

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


def _server(root: Path, encoding: str):
    host, _ = load_vault(root, workers=1)
    ls = build_server()
    session = Session(root, host, indexed=True)
    ls.sessions.append(session)
    ls.client = dataclasses.replace(ls.client, encoding=encoding)
    return ls, session


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
    rels = ["a/note.md", "a/out.md", "a/in.md", "a/rel.md", "linked/secret.md", "linked/x.md", "a/b/up/a/note.md",
            "a/b/up/../outside/secret.md", "a/missing.md", "missing/x.md", "a/../a/note.md", "..", "a/..", ".", "",
            "../outside/secret.md", str(outside / "secret.md"), "/", "a/loop.md", "a/b/", "a//note.md"]
    check = InsideCheck(root)
    assert [check(r) for r in rels + rels] == [resolves_inside(root, r) for r in rels + rels]
    assert not check("a/out.md") and not check("linked/secret.md") and check("a/in.md")


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
