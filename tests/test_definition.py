"""Go to definition (features/definition): links to notes, sections (H-3) and blocks (B-5, B-8), cite
keys to literature notes and bibliography entries (K-4). Results render as `origin` then
`target range sel selection range` (`path:line:col-line:col`, 1-based, code points)."""

from __future__ import annotations

import pytest

from litnotes.features.definition import definition
from nav_support import Spec
from test_completion import LIT


def defs(spec: str) -> list[str] | None:
    s = Spec(spec)
    found = definition(s.vault, s.path, s.text, s.offset)
    if found is None:
        return None
    start, end, targets = found
    return [s.span(s.path, start, end)] + [
        f"{s.span(t.path, t.start, t.end)} sel {s.span(t.path, t.selection_start, t.selection_end)}" for t in targets]


PAPER = """//- notes/Paper.md
# Paper

## Methods
text

### Data
more ^data1

- item a
- item b

^list1

# Other
"""
BIB = "//- refs.bib\n@article{bereska2024,\n  title = {Mechanistic},\n  year = {2024}\n}\n"
LIT_NOTE = "//- lit/bereska2024-literature-note.md\n" + LIT


def test_link_to_a_note_opens_its_top() -> None:
    assert defs("//- src.md\nSee [[Pap$0er]] now\n" + PAPER) == [
        "src.md:1:5-1:14", "notes/Paper.md:1:1-1:1 sel notes/Paper.md:1:1-1:1"]


def test_H3_heading_link_targets_its_section_with_the_heading_selected() -> None:
    assert defs("//- src.md\nSee [[Paper#Met$0hods]] now\n" + PAPER) == [
        "src.md:1:5-1:22", "notes/Paper.md:3:1-14:1 sel notes/Paper.md:3:1-3:11"]


def test_H3_nested_heading_path() -> None:
    assert defs("//- src.md\nSee [[Paper#Methods#Da$0ta]] now\n" + PAPER) == [
        "src.md:1:5-1:27", "notes/Paper.md:6:1-14:1 sel notes/Paper.md:6:1-6:9"]


def test_B8_block_link_is_case_insensitive_and_selects_the_id() -> None:
    assert defs("//- src.md\nSee [[Paper#^DATA1$0]] now\n" + PAPER) == [
        "src.md:1:5-1:21", "notes/Paper.md:7:1-7:12 sel notes/Paper.md:7:6-7:12"]


def test_B3_standalone_id_names_the_list_before_it() -> None:
    assert defs("//- src.md\nSee ![[Paper#^list1$0]] now\n" + PAPER) == [
        "src.md:1:5-1:22", "notes/Paper.md:9:1-10:9 sel notes/Paper.md:9:1-10:9"]


def test_H6_markdown_link_with_a_fragment() -> None:
    assert defs("//- src.md\nSee [x](notes/Paper.md#M$0ethods) now\n" + PAPER) == [
        "src.md:1:5-1:32", "notes/Paper.md:3:1-14:1 sel notes/Paper.md:3:1-3:11"]


def test_same_note_heading() -> None:
    assert defs("//- src.md\nSee [[#Lo$0cal]]\n# Local\n") == ["src.md:1:5-1:15", "src.md:2:1-2:8 sel src.md:2:1-2:8"]


@pytest.mark.parametrize("src", ["See [[Mis$0sing]]", "See [Zotero](zotero://sel$0ect/library/items/ABC)",
                                 "plain te$0xt", "`[[Pa$0per]]` in code"])
def test_nothing_to_go_to(src: str) -> None:
    assert defs(f"//- src.md\n{src}\n" + PAPER) is None


@pytest.mark.parametrize("src, origin", [
    ("Cited [@bere$0ska2024, p. 3]", "src.md:1:8-1:20"),
    ("Cited [[@bere$0ska2024]]", "src.md:1:7-1:23"),
    ("In text @bereska2024$0 says", "src.md:1:9-1:21"),
])
def test_K4_cite_key_leads_to_literature_note_and_bibliography_entry(src: str, origin: str) -> None:
    assert defs(f"//- src.md\n{src}\n" + LIT_NOTE + BIB) == [
        origin,
        "lit/bereska2024-literature-note.md:3:7-3:18 sel lit/bereska2024-literature-note.md:3:7-3:18",
        "refs.bib:1:1-4:2 sel refs.bib:1:10-1:21",
    ]


def test_from_the_alias_definition_only_the_library_entry() -> None:
    lit = LIT.replace('"@bereska2024"', '"@bere$0ska2024"')
    assert defs("//- lit/bereska2024-literature-note.md\n" + lit + BIB) == [
        "lit/bereska2024-literature-note.md:3:6-3:18", "refs.bib:1:1-4:2 sel refs.bib:1:10-1:21"]


def test_bare_alias_link_leads_to_the_note_with_the_alias() -> None:
    assert defs("//- src.md\nSee [[Doggo$0]]\n//- dog.md\n---\naliases: [Doggo]\n---\n") == [
        "src.md:1:5-1:14", "dog.md:1:1-1:1 sel dog.md:1:1-1:1"]


def test_seed_like_highlight_callout_is_the_block() -> None:
    # The id sits on the callout's title line (B-6): the whole callout is the block.
    assert defs("//- src.md\n![[bereska2024-literature-note#^29lz2rml$0]]\n" + LIT_NOTE) == [
        "src.md:1:1-1:43",
        "lit/bereska2024-literature-note.md:15:1-16:129 sel lit/bereska2024-literature-note.md:15:162-15:171"]


def test_seed_highlight(seed_text: str) -> None:
    s = Spec("//- src.md\n[[bereska2024-literature-note#^u2jzjgqp$0]]\n//- bereska2024-literature-note.md\n" + seed_text + "\n")
    _start, _end, (target,) = definition(s.vault, s.path, s.text, s.offset)
    seed = s.files["bereska2024-literature-note.md"]
    assert seed[target.start:target.end].startswith(">[!quote]")
    assert "Hypothesis: Superposition" in seed[target.start:target.end]
    assert seed[target.selection_start:target.selection_end] == "^u2jzjgqp"
