"""References (features/references): what names a note, heading, block, cite key, tag, alias or a
missing note, found through the reverse index and resolved exactly as the resolver does. Results
render as `path:line:col-line:col kind` (+ `unresolved` for links Obsidian does not resolve)."""

from __future__ import annotations

from litnotes.features.references import references
from litnotes.features.symbols import code_lenses
from litnotes.vault import Vault
from nav_support import Spec
from test_completion import LIT


def refs(spec: str, declaration: bool = True) -> list[str]:
    s = Spec(spec)
    return [f"{s.span(r.path, r.start, r.end)} {r.kind}" + ("" if r.resolved else " unresolved")
            for r in references(s.vault, s.path, s.text, s.offset, declaration)]


VAULT = """//- notes/Paper.md
---
aliases: [The paper]
related: "[[Paper#Methods]]"
tags: [Topic]
---
# Paper

## Methods
text and [[#methods]] #topic ^m1

## Results
//- a.md
[[Paper]] and ![[notes/Paper#Methods]] and [x](notes/Paper.md#Results) and [[The paper]]
//- b.md
[[paper#^M1]] [[Paper#2 Nope]] #TOPIC `[[Paper]]`
[[Nothing]] and [[Nothing]]
"""
NOTE_REFS = [
    "a.md:1:1-1:10 link", "a.md:1:15-1:39 embed", "a.md:1:44-1:71 link", "b.md:1:1-1:14 link", "b.md:1:15-1:31 link",
    "notes/Paper.md:3:11-3:28 link", "notes/Paper.md:9:10-9:22 link",
]


def test_note_from_a_link_every_link_embed_and_bare_alias_link() -> None:
    # Any subpath counts (also a broken one); `[[The paper]]` names the note by its alias.
    assert refs("//- x.md\n[[Pa$0per]]\n" + VAULT) == NOTE_REFS[:7] + ["x.md:1:1-1:10 link", "a.md:1:76-1:89 link unresolved"]


def test_note_from_its_title_heading() -> None:
    assert refs(VAULT.replace("# Paper\n", "# Pa$0per\n")) == NOTE_REFS + ["a.md:1:76-1:89 link unresolved"]


def test_heading_references_match_H2_and_include_the_declaration() -> None:
    assert refs(VAULT.replace("## Methods", "## Met$0hods")) == [
        "notes/Paper.md:8:1-8:11 declaration", "a.md:1:15-1:39 embed", "notes/Paper.md:3:11-3:28 link",
        "notes/Paper.md:9:10-9:22 link"]
    assert refs(VAULT.replace("## Methods", "## Met$0hods"), declaration=False)[0] == "a.md:1:15-1:39 embed"


def test_block_references_are_case_insensitive_B8() -> None:
    assert refs(VAULT.replace("^m1", "^m$01")) == ["notes/Paper.md:9:30-9:33 declaration", "b.md:1:1-1:14 link"]


def test_tags_case_insensitive_in_body_and_front_matter() -> None:
    assert refs(VAULT.replace("#topic", "#to$0pic")) == [
        "b.md:1:32-1:38 tag", "notes/Paper.md:4:8-4:13 tag", "notes/Paper.md:9:23-9:29 tag"]


def test_missing_note_every_link_that_names_it() -> None:
    assert refs(VAULT.replace("[[Nothing]] and", "[[Noth$0ing]] and")) == [
        "b.md:2:1-2:12 link unresolved", "b.md:2:17-2:28 link unresolved"]


def test_alias_from_front_matter_or_a_bare_alias_link() -> None:
    expected = ["notes/Paper.md:2:11-2:20 declaration", "a.md:1:76-1:89 link unresolved"]
    assert refs(VAULT.replace("[The paper]", "[The p$0aper]")) == expected
    assert refs(VAULT.replace("[[The paper]]", "[[The p$0aper]]")) == expected


BIB = "//- refs.bib\n@article{bereska2024,\n  title = {Mechanistic},\n  year = {2024}\n}\n"
LIT_NOTE = "//- lit/bereska2024-literature-note.md\n" + LIT
CITES = ("//- src.md\n[@bereska2024] and @bereska2024 and [[@bereska2024]] and [@Bereska2024] and `@bereska2024`\n"
         "//- other.md\n[[bereska2024-literature-note|@bereska2024]] [-@bereska2024]\n")


def test_cite_key_citations_links_and_declarations() -> None:
    # Pandoc keys are case-sensitive: `[@Bereska2024]` is another key; code is not a citation.
    assert refs(CITES.replace("[@bereska2024]", "[@bere$0ska2024]", 1) + LIT_NOTE + BIB) == [
        "other.md:1:47-1:60 citation", "src.md:1:2-1:14 citation", "src.md:1:20-1:32 citation",
        "src.md:1:37-1:53 link unresolved",
        "lit/bereska2024-literature-note.md:3:7-3:18 declaration",
        "lit/bereska2024-literature-note.md:10:17-10:28 declaration",
        "refs.bib:1:10-1:21 declaration",
    ]


def test_backlinks_of_a_literature_note_include_citations_of_its_key() -> None:
    spec = CITES.replace("[[bereska2024-literature-note|", "[[bereska2024-liter$0ature-note|") + LIT_NOTE + BIB
    # `[[@bereska2024]]` names the note by its alias (unresolved in Obsidian, R-11) and is listed too.
    assert refs(spec) == ["other.md:1:1-1:45 link", "src.md:1:37-1:53 link unresolved", "other.md:1:47-1:60 citation",
                          "src.md:1:2-1:14 citation", "src.md:1:20-1:32 citation"]


def test_seed_like_highlight_references_from_its_title_line() -> None:
    lit = LIT.replace(">[!quote] <mark", ">[!quote] <ma$0rk", 1)
    spec = "//- lit/bereska2024-literature-note.md\n" + lit + "//- src.md\n![[bereska2024-literature-note#^29LZ2RML]]\n"
    assert refs(spec) == ["lit/bereska2024-literature-note.md:15:162-15:171 declaration", "src.md:1:1-1:43 embed"]


def test_only_candidate_notes_are_resolved(monkeypatch) -> None:
    """The reverse index picks the notes to look at: 200 unrelated notes are never resolved."""
    unrelated = "".join(f"//- n{i}.md\n[[Other{i}]] and [[x#y]]\n" for i in range(200))
    s = Spec("//- src.md\n[[Tar$0get]]\n//- Target.md\n# T\n" + unrelated)
    calls: list[str] = []
    original = Vault.resolve
    monkeypatch.setattr(Vault, "resolve", lambda self, src, link: calls.append(src) or original(self, src, link))
    found = references(s.vault, s.path, s.text, s.offset)
    assert [r.path for r in found] == ["src.md"]
    assert set(calls) == {"src.md"}


def test_code_lens_counts_links_to_headings_and_highlights() -> None:
    spec = ("//- lit/bereska2024-literature-note.md\n" + LIT
            + "//- a.md\n[[bereska2024-literature-note#Annotations]] ![[bereska2024-literature-note#^29lz2rml]]\n"
            + "//- b.md\n[[bereska2024-literature-note#^29LZ2RML]]\n")
    s = Spec(spec)
    path = "lit/bereska2024-literature-note.md"
    assert [f"{s.span(path, x.start, x.end)} {x.title}" for x in code_lenses(s.vault, path, s.files[path])] == [
        "lit/bereska2024-literature-note.md:12:1-12:14 1 reference",
        "lit/bereska2024-literature-note.md:15:1-15:171 2 references",
        "lit/bereska2024-literature-note.md:18:1-18:176 0 references",
    ]


def test_on_plain_text_the_backlinks_of_the_note() -> None:
    assert refs(VAULT.replace("\ntext and", "\nte$0xt and")) == NOTE_REFS + ["a.md:1:76-1:89 link unresolved"]
