"""Document symbols (a heading tree with callouts and Zotero highlights) and workspace symbols (notes,
aliases, headings, block ids, highlights; substring search, capped, fast at 10k notes)."""

from __future__ import annotations

import time

import pytest

from litnotes.features.symbols import document_symbols, flatten, workspace_symbols
from litnotes.syntax import parse_note
from litnotes.vault import SetNote, VaultHost
from nav_support import Spec
from test_completion import LIT

EXTRA = "\n## Notes\n> [!info] Summary\n> text\n> > [!tip]\n> > inner\n\n# Next\n### Deep\n"


def outline(s: Spec, path: str, symbols, depth: int = 0) -> list[str]:
    out = []
    for x in symbols:
        out.append("  " * depth + f"{x.kind} {x.name} | {s.span(path, x.start, x.end)} "
                   f"sel {s.span(path, x.selection_start, x.selection_end)} | {x.detail}")
        out += outline(s, path, x.children, depth + 1)
    return out


def test_headings_nest_by_level_with_callouts_and_highlights_inside_their_sections() -> None:
    s = Spec("//- lit.md\n" + LIT + EXTRA)
    symbols = document_symbols(s.vault.note("lit.md"), s.files["lit.md"])
    assert outline(s, "lit.md", symbols) == [
        "callout Metadata | lit.md:7:1-10:28 sel lit.md:7:11-7:19 | [!info]",
        "heading Annotations | lit.md:12:1-27:1 sel lit.md:12:1-12:14 | #",
        "  highlight Note · p. 1: mechanistic interpretability: reverse-engineering the computational mechanisms "
        "and representations … | lit.md:15:1-16:129 sel lit.md:15:1-15:171 | ^29lz2rml",
        "  highlight Important · p. 2: image: zotero-image-2-x53-y524.png | lit.md:18:1-19:48 sel lit.md:18:1-18:176 | ^xv6m4cyu",
        "  heading Notes | lit.md:21:1-27:1 sel lit.md:21:1-21:9 | ##",
        "    callout Summary | lit.md:22:1-25:10 sel lit.md:22:11-22:18 | [!info]",
        "      callout Tip | lit.md:24:3-25:10 sel lit.md:24:3-24:11 | [!tip]",
        "heading Next | lit.md:27:1-28:9 sel lit.md:27:1-27:7 | #",
        "  heading Deep | lit.md:28:1-28:9 sel lit.md:28:1-28:9 | ###",
    ]


def test_flat_symbols_name_their_container() -> None:
    s = Spec("//- lit.md\n" + LIT + EXTRA)
    flat = flatten(document_symbols(s.vault.note("lit.md"), s.files["lit.md"]))
    assert [(x.name[:12], x.container) for x in flat] == [
        ("Metadata", ""), ("Annotations", ""), ("Note · p. 1:", "Annotations"), ("Important · ", "Annotations"),
        ("Notes", "Annotations"), ("Summary", "Notes"), ("Tip", "Summary"), ("Next", ""), ("Deep", "Next")]


def test_seed_outline_has_every_highlight(seed_text: str) -> None:
    note = parse_note(seed_text)
    flat = flatten(document_symbols(note, seed_text))
    highlights = [x for x in flat if x.kind == "highlight"]
    assert len(highlights) == len(note.highlights) > 0
    assert all(seed_text[x.selection_start:x.selection_end].startswith(">[!quote]") for x in highlights)
    assert {x.container for x in highlights} <= {x.name for x in flat if x.kind == "heading"}


SPEC = ("//- lit/bereska2024-literature-note.md\n" + LIT
        + "//- Methods of science.md\n# Methods\n## Data methods\ntext ^meth-1\n//- other.md\n---\naliases: [Method man]\n---\n")


def search(query: str, limit: int = 200) -> list[str]:
    s = Spec(SPEC)
    return [f"{x.kind} {x.name} | {s.span(x.path, x.start, x.end)} | {x.container}"
            for x in workspace_symbols(s.vault, query, limit)]


def test_workspace_symbols_prefix_first_then_substring() -> None:
    assert search("meth") == [
        "heading Methods | Methods of science.md:1:1-1:10 | Methods of science",
        "alias Method man | other.md:2:11-2:21 | other",
        "note Methods of science | Methods of science.md:1:1-1:1 | Methods of science",
        "block ^meth-1 | Methods of science.md:3:6-3:13 | Methods of science",
        "heading Data methods | Methods of science.md:2:1-2:16 | Methods of science",
    ]


def test_workspace_symbols_find_highlights_by_quote_and_blocks_by_id() -> None:
    assert search("reverse-engineering") == [
        "highlight Note · p. 1: mechanistic interpretability: reverse-engineering the computational mechanisms and "
        "representations … | lit/bereska2024-literature-note.md:15:1-16:129 | bereska2024-literature-note"]
    assert search("^xv6") == ["block ^xv6m4cyu | lit/bereska2024-literature-note.md:18:167-18:176 | bereska2024-literature-note"]


def test_workspace_symbols_are_capped() -> None:
    assert len(search("", limit=2)) == 2
    assert len(search("e", limit=3)) == 3


def test_ten_thousand_notes_answer_in_milliseconds() -> None:
    # No links or cite keys: 10k notes sharing one dependency make the host's tables slow to build.
    lit = LIT.split("---\n", 2)[2].replace("**Cite key**: bereska2024", "").replace("![[", "")
    body = "# Title\n\n## Methods\ntext ^abc\n\n## Results\n" + lit
    note = parse_note(body)
    host = VaultHost()
    vault, _ = host.apply([SetNote(f"folder{i % 100}/note {i}.md", syntax=note) for i in range(10_000)])
    workspace_symbols(vault, "warm")  # builds the table once per snapshot
    started = time.perf_counter()
    for query in ("methods", "note 99", "^29l", "nothing like this"):
        found = workspace_symbols(vault, query)
    elapsed = time.perf_counter() - started
    assert found == [] and elapsed < 0.5, elapsed
    edited, _ = host.apply([SetNote("folder1/note 1.md", text=body + "\n## Fresh heading\n")])
    started = time.perf_counter()
    assert [x.path for x in workspace_symbols(edited, "fresh heading")] == ["folder1/note 1.md"]
    assert time.perf_counter() - started < 1.0  # only the edited note's rows are rebuilt


def test_search_keys_line_up_with_rows_in_detail_and_in_index_form() -> None:
    """Workspace search scans one key string per note and makes rows only for hits: key i is row i,
    whether the note is held in detail or in index form (packed highlight digests)."""
    from litnotes.features.symbols import _note_rows  # noqa: PLC0415
    from test_index_form import _seed  # noqa: PLC0415

    full = parse_note(_seed() + "\n- item ^listid\n\n> [!quote] no id\n> “a quote”\n")
    assert full.index_form().search_names() == full.search_names()
    for note in (full, full.index_form()):
        keys = ["lit"] + note.search_names().decode().split("\n")
        numbered = _note_rows("lit.md", note, set(range(len(keys))))
        assert list(numbered) == list(range(len(keys)))
        with pytest.raises(IndexError):  # no row past the last key
            _note_rows("lit.md", note, {len(keys)})
        rows = list(numbered.values())
        assert len(keys) == len(rows) == 1 + 1 + len(note.headings) + len(note.block_map()) + 10
        # A hit's row is made alone (the others are not): the same row.
        assert all(_note_rows("lit.md", note, {i}) == {i: row} for i, row in enumerate(rows))
        assert _note_rows("lit.md", note, {0, len(rows) - 1}) == {0: rows[0], len(rows) - 1: rows[-1]}
        for key, row in zip(keys, rows):
            if row[1] == "highlight":
                label, _, title = row[2].partition(": ")
                words = title.lower().rstrip(" …").removeprefix("image: ")  # an image is found by its file
                assert key.startswith(label.split(" · ")[0].lower()) and words in key
            else:
                assert key == row[0]


def test_typing_on_scans_only_the_notes_the_last_query_matched() -> None:
    """Each keystroke's answer equals a fresh search's, and once a query was scanned to the end, a
    longer query containing it reads only the notes that held it (counted: reads of the search table,
    one per note scanned and two per note listed)."""
    from litnotes.features.symbols import _table  # noqa: PLC0415

    s = Spec(SPEC + "".join(f"//- n{i}.md\n# Topic {i}\ntext\n" for i in range(60)))
    vault = s.vault
    read: list[int] = []

    class Counted(list):
        def __getitem__(self, i):
            read.append(i)
            return super().__getitem__(i)

    vault._cache["nav.symbols"] = Counted(_table(vault))

    def fresh(query: str) -> list:
        last = vault._cache.pop("nav.symbols.last", None)
        try:
            return workspace_symbols(vault, query)
        finally:
            vault._cache["nav.symbols.last"] = last

    every = len(vault._cache["nav.symbols"])
    # (query, how many reads: None for any; "topic 1" is in n1 and n10-n19)
    typed = [("t", None), ("to", None), ("topic", None), ("topic 1", 60 + 2 * 11), ("topic 12", 11 + 2),
             ("topic 1", every + 2 * 11), ("opic 5", every + 2 * 11), ("opic 55", 11 + 2), ("xyz", every), ("xyzw", 0),
             ("meth", None), ("methods", None)]
    for query, reads in typed:
        expected = fresh(query)
        read.clear()
        assert workspace_symbols(vault, query) == expected, query
        if reads is not None:
            assert len(read) == reads, query
