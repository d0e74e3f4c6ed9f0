"""Spec §12 conformance cases that the engine answers (resolution, parsing, diagnostics).

Each case cites its number and rule ids. Cases answered by the language server (completion,
hover) live with the LSP tests; encoding cases 80–83 are answered by `LineIndex`.
"""

from __future__ import annotations

import pytest

from litnotes.features.linktext import link_text, markdown_link_to, wikilink_to
from litnotes.syntax import LineIndex, parse_note
from litnotes.vault import VaultSettings
from vault_dsl import build_vault, render_diagnostics


def resolve_first(spec: str, src: str = "src.md") -> str | None:
    """Where the first link of `src` leads: `path`, `path#sub` when the subpath resolved, or None."""
    vault, _ = build_vault(spec)
    link = vault.note(src).links[0]
    res = vault.resolve(src, link)
    if res.path is None:
        return None
    if not res.subpath_found:
        return f"{res.path} (subpath missing)"
    return res.path


RESOLUTION = [
    ("01 R-2", "//- src.md\n[[Note]]\n//- Note.md\n", "Note.md"),
    ("02 R-8", "//- src.md\n[[note]]\n//- Note.md\n", "Note.md"),
    ("03 R-2", "//- src.md\n[[Note.md]]\n//- Note.md\n", "Note.md"),
    ("03b R-8", "//- src.md\n[[Note.MD]]\n//- Note.md\n", "Note.md"),
    ("04 R-2", "//- src.md\n[[Figure 1]]\n//- Figure 1.png\n", None),
    ("05 W-5", "//- src.md\n![[Figure 1.png|300]]\n//- Figure 1.png\n", "Figure 1.png"),
    ("06 R-2", "//- src.md\n[[v1.2 notes]]\n//- v1.2 notes.md\n", "v1.2 notes.md"),
    ("07 R-2", "//- src.md\n[[Report.pdf]]\n//- Report.pdf\n//- Report.pdf.md\n", "Report.pdf"),
    ("09 R-7", "//- src.md\n[[Note]]\n//- z/Note.md\n//- a/b/Note.md\n", "z/Note.md"),
    ("10 R-7", "//- src.md\n[[b/Note]]\n//- xb/Note.md\n", "xb/Note.md"),
    ("11 R-5", "//- src.md\n[[/Projects/Plan]]\n//- archive/Projects/Plan.md\n", None),
    ("13 R-2", "//- src.md\n[[Folder]]\n//- Folder/inside.md\n", None),
    ("14 R-9", "//- src.md\n[[Café]]\n//- Cafe\u0301.md\n", "Cafe\u0301.md"),
    ("15 R-8", "//- src.md\n[[Straße]]\n//- STRASSE.md\n", None),
    ("16 R-11", "//- src.md\n[[@bereska2024]]\n//- lit/bereska2024-literature-note.md\n---\naliases: [\"@bereska2024\"]\n---\n", None),
    ("20 W-2", "//- src.md\n[[ Note | Alias ]]\n//- Note.md\n", "Note.md"),
    ("21 W-2", "//- src.md\n[[|x]]\n//- Note.md\n", None),
    ("23 W-3", "//- src.md\n| a | b |\n|---|---|\n| [[Note\\|A]] | b |\n//- Note.md\n", "Note.md"),
    ("26 W-8", "//- src.md\n<mark>[[Note]]</mark>\n//- Note.md\n", "Note.md"),
    ("28 W-12", "//- src.md\n[x](Three%20laws%20of%20motion)\n//- Three laws of motion.md\n", "Three laws of motion.md"),
    ("29 W-12", "//- src.md\n[x](Note%23Sharp.md)\n//- Note#Sharp.md\n", None),
    ("32 H-6", "//- src.md\n[x](Note.md#heading-two)\n//- Note.md\n## Heading Two\n", "Note.md (subpath missing)"),
    ("33 H-2", "//- src.md\n[[Note#heading two]]\n//- Note.md\n## Heading Two\n", "Note.md"),
    ("34 H-2", "//- src.md\n[[Note#2.1 Results part (a)]]\n//- Note.md\n## 2.1 Results: part (a)\n", "Note.md"),
    ("35 H-4", "//- src.md\n[[Note#C# tips]]\n//- Note.md\n## C# tips\n", "Note.md (subpath missing)"),
    ("35b H-2", "//- src.md\n[[Note#C tips]]\n//- Note.md\n## C# tips\n", "Note.md"),
    ("36 H-3", "//- src.md\n[[Note#A#B]]\n//- Note.md\n# A\n# C\n## B\n", "Note.md"),
    ("37 H-1", "//- src.md\n[[Note#Sub]]\n//- Note.md\n> [!note]\n> ## Sub\n", "Note.md (subpath missing)"),
    ("38 H-2", "//- src.md\n![[Highlight Colour Codings#Highlighting colour codes]]\n//- Highlight Colour Codings.md\n## Highlighting Colour Codes\n", "Highlight Colour Codings.md"),
    ("39 B-8", "//- src.md\n[[Note#^ABC]]\n//- Note.md\ntext ^abc\n", "Note.md"),
    ("40 B-2", "//- src.md\n[[Note#^abc]]\n//- Note.md\ntext^abc\n", "Note.md (subpath missing)"),
    ("41 B-2", "//- src.md\n[[Note#^e0c377]]\n//- Note.md\n**Imported: 2024-12-04**^e0c377\n", "Note.md"),
    ("41b B-2", "//- src.md\n[[Note#^fig1]]\n//- Note.md\n![[fig.png]]^fig1\n", "Note.md"),
    ("42 B-2", "//- src.md\n[[Note#^a1]]\n//- Note.md\nline one ^a1\nline two\n", "Note.md (subpath missing)"),
    ("43 B-1", "//- src.md\n[[Note#^my_id]]\n//- Note.md\ntext ^my_id\n", "Note.md (subpath missing)"),
    ("49 B-7", "//- src.md\n[[Note#^dup]]\n//- Note.md\none ^dup\n\ntwo ^dup\n", "Note.md"),
    ("50 B-8", "//- src.md\n[[Note#Heading#^id]]\n//- Note.md\n# Heading\ntext ^id\n", "Note.md (subpath missing)"),
    ("51 W-5", "//- src.md\n![[Document.pdf#page=3]]\n//- Document.pdf\n", "Document.pdf"),
    ("51b W-5", "//- src.md\n![[img.png#outline]]\n//- img.png\n", "img.png"),
    ("79 R-2", "//- src.md\n![[assets/x/zotero-image-undefined-x302-y292.png]]\n//- assets/x/zotero-image-undefined-x302-y292.png\n", "assets/x/zotero-image-undefined-x302-y292.png"),
    ("85 H-1", "//- src.md\n[[Note#one two]]\n//- Note.md\none\ntwo\n===\n", "Note.md (subpath missing)"),
    ("85b H-1", "//- src.md\n[[Note#one]]\n//- Note.md\none\n===\n", "Note.md"),
    ("86 W-1", "//- src.md\n[[ ]]\n", "src.md"),
    ("87 W-4", "//- src.md\n[[Note#]]\n//- Note.md\n", "Note.md"),
    ("88 R-5", "//- src.md\n[x](/Projects/Plan.md)\n//- Projects/Plan.md\n", "Projects/Plan.md"),
]


@pytest.mark.parametrize("case, spec, expected", RESOLUTION, ids=[c[0] for c in RESOLUTION])
def test_resolution(case: str, spec: str, expected: str | None) -> None:
    assert resolve_first(spec) == expected


def test_case_08_R7_same_folder_first_and_ambiguous() -> None:
    spec = "//- a/x.md\n[[Note]]\n//- z/Note.md\n//- a/b/Note.md\n"
    assert resolve_first(spec, "a/x.md") == "a/b/Note.md"
    assert render_diagnostics(spec) == ["a/x.md:1:1 information link.ambiguous"]


def test_case_08b_R6_exact_path_beats_same_folder() -> None:
    spec = "//- a/x.md\n[[Note]]\n//- Note.md\n//- a/b/Note.md\n"
    assert resolve_first(spec, "a/x.md") == "Note.md"


def test_case_12_R4_relative_path() -> None:
    assert resolve_first("//- a/b/x.md\n[[../c/Y]]\n//- a/c/Y.md\n", "a/b/x.md") == "a/c/Y.md"


def test_case_16_R11_bare_alias_diagnostic_and_fix() -> None:
    spec = '//- src.md\n[[@bereska2024]]\n//- lit/bereska2024-literature-note.md\n---\naliases: ["@bereska2024"]\n---\n'
    vault, _ = build_vault(spec)
    from litnotes.features import diagnose_note

    [d] = diagnose_note(vault, "src.md")
    assert d.code == "link.bare-alias"
    assert d.fix == (("replace", "[[bereska2024-literature-note|@bereska2024]]"),)


def test_cases_17_18_19_R12_alias_link_text() -> None:
    note = '---\naliases: ["@bereska2024"]\n---\n'
    vault, _ = build_vault(f"//- src.md\n\n//- lit/bereska2024-literature-note.md\n{note}")
    target = "lit/bereska2024-literature-note.md"
    assert wikilink_to(vault, target, "src.md", "@bereska2024") == "[[bereska2024-literature-note|@bereska2024]]"
    vault2, _ = build_vault(f"//- src.md\n\n//- lit/bereska2024-literature-note.md\n{note}//- other/bereska2024-literature-note.md\n")
    assert link_text(vault2, target, "src.md") == "lit/bereska2024-literature-note"
    assert markdown_link_to(vault, target, "src.md", "@bereska2024") == "[@bereska2024](bereska2024-literature-note.md)"


def test_case_22_W3_unescaped_pipe_in_table() -> None:
    spec = "//- src.md\n| a | b |\n|---|---|\n| [[Note|A]] | b |\n//- Note.md\n"
    assert render_diagnostics(spec) == ["src.md:3:9 warning table.unescaped-pipe"]


@pytest.mark.parametrize("text", ["`[[Note]]`", "```\n[[Note]]\n```", "$[[Note]]$", "<!-- [[Note]] -->", "    [[Note]]",
                                  "$$\n[[Note]]\n$$", "<div>\n[[Note]]\n</div>"])
def test_case_24_P4_no_links_in_code_math_html(text: str) -> None:
    assert parse_note(text).links == ()


def test_case_25_W10_links_in_comments_are_hints() -> None:
    spec = "//- src.md\n%% [[Missing]] %%\n"
    assert render_diagnostics(spec) == ["src.md:1:4 hint link.unresolved"]


def test_case_27_W11_frontmatter_links() -> None:
    note = parse_note('---\nup: "[[Note]]"\ndown: [[Other]]\n---\n')
    assert [(link.kind, link.path) for link in note.links] == [("frontmatter", "Note")]


def test_case_30_W12_malformed_percent_is_not_internal() -> None:
    assert parse_note("[x](Note%E0%A4)").links == ()


def test_case_31_W12_zotero_links_are_external() -> None:
    assert parse_note("[x](zotero://select/library/items/F3DCV9N9)").links == ()


def test_case_44_B4_id_under_list_names_last_item() -> None:
    note = parse_note("- a\n- b\n^lst\n")
    [b] = note.block_ids
    assert (b.id, b.block_kind, note_text(note, "- a\n- b\n^lst\n", b)) == ("lst", "list-item", "- b\n^lst")


def note_text(note, text, block) -> str:
    return text[block.block_start : block.block_end]


def test_case_45_B3_standalone_id_names_whole_list() -> None:
    text = "- a\n- b\n\n^lst\n"
    [b] = parse_note(text).block_ids
    assert (b.block_kind, text[b.block_start : b.block_end]) == ("list", "- a\n- b")


def test_case_46_B4_id_after_table_names_table() -> None:
    text = "| a | b |\n|---|---|\n| 1 | 2 |\n^tbl\n"
    [b] = parse_note(text).block_ids
    assert (b.id, b.block_kind) == ("tbl", "table")


SEED_CALLOUT = (">[!quote] <mark style=\"background: #FFF3A3A6;\">Note</mark> | [View in local Zotero: page 1]"
                "(zotero://open-pdf/library/items/MGFTCTVY?page=1&annotation=29LZ2RML) ^29lz2rml\n>“quote”\n")


def test_case_47_B6_title_line_id_names_callout() -> None:
    spec = f"//- src.md\n[[Note#^29lz2rml]]\n//- Note.md\n{SEED_CALLOUT}"
    assert resolve_first(spec) == "Note.md"
    vault, _ = build_vault(spec)
    assert vault.note("Note.md").block_ids[0].block_kind == "callout"


def test_case_48_B5_second_id_shadows_title_id() -> None:
    body = SEED_CALLOUT.replace(">“quote”", ">“quote” ^mine")
    spec = f"//- src.md\n[[Note#^mine]] [[Note#^29lz2rml]]\n//- Note.md\n{body}"
    assert render_diagnostics(spec) == ["Note.md:1:162 warning block-id.shadowed", "src.md:1:16 warning block-ref.unresolved"]


def test_case_49_B7_duplicate_warning() -> None:
    assert render_diagnostics("//- Note.md\none ^dup\n\ntwo ^dup\n") == ["Note.md:1:5 warning block-id.duplicate"]


def test_cases_52_53_C1_callout_recognition() -> None:
    assert parse_note("> [!quote]Title\n> body").callouts == ()
    kinds = [(c.type, c.fold) for c in parse_note(">[!Cite]\n> x\n\n> [!faq]- Q?\n> a").callouts]
    assert kinds == [("cite", ""), ("faq", "-")]


def test_cases_54_55_56_57_84_T1_tags() -> None:
    names = [t.name for t in parse_note("#tag #1984 #y1984 foo#bar (#x) #a.b #185–187").tags]
    assert names == ["tag", "y1984", "a"]
    assert parse_note('<mark style="background: #FFF3A3A6;">Note</mark>').tags == ()
    assert [t.name for t in parse_note("colour #FFF3A3A6 here").tags] == ["FFF3A3A6"]


def test_case_58_F3_tags_as_yaml_comment() -> None:
    assert render_diagnostics("//- n.md\n---\ntags: #zotero #lit\n---\n") == ["n.md:2:1 warning frontmatter.invalid-value"]


def test_case_59_F4_comma_alias_is_one_alias() -> None:
    note = parse_note("---\naliases: A, B\n---\n")
    assert note.aliases == ("A, B",)
    assert [p.code for p in note.problems] == ["frontmatter.deprecated"]


def test_case_60_F4_alias_key_deprecated() -> None:
    assert render_diagnostics("//- n.md\n---\nalias: X\n---\n") == ["n.md:2:1 information frontmatter.deprecated"]


def test_case_61_F3_unquoted_at_is_yaml_error() -> None:
    note = parse_note("---\naliases:\n  - @key\n---\n[[x]]")
    assert [p.code for p in note.problems] == ["frontmatter.invalid-yaml"]
    assert note.aliases == () and len(note.links) == 1
    assert render_diagnostics("//- n.md\n---\naliases:\n  - @key\n---\n") == ["n.md:3:5 error frontmatter.invalid-yaml"]


def test_case_62_P2_bom_is_stripped_on_disk(tmp_path) -> None:
    from litnotes.disk import read_note

    (tmp_path / "n.md").write_bytes(b"\xef\xbb\xbf---\naliases: [x]\n---\n")
    text, problems = read_note(tmp_path / "n.md", 10**6)
    assert parse_note(text).aliases == ("x",) and problems == ()


def test_case_63_F1_leading_blank_line_means_no_frontmatter() -> None:
    assert parse_note("\n---\naliases: [x]\n---\n").frontmatter is None


def test_case_64_P1_crlf_frontmatter_and_positions() -> None:
    text = "---\r\naliases: [x]\r\n---\r\n\r\n[[Missing]]\r\n"
    assert parse_note(text).aliases == ("x",)
    assert render_diagnostics(f"//- n.md\n{text}") == ["n.md:5:1 information link.unresolved"]


def test_cases_66_67_K3_citations() -> None:
    note = parse_note("[see @a; @b] and [-@smith2020]")
    assert [(c.key, c.bracketed, c.suppress_author) for c in note.citations] == [
        ("a", True, False), ("b", True, False), ("smith2020", True, True)]
    spec = "//- a.md\n---\naliases: ['@a']\n---\n//- src.md\n[see @a; @b]\n"
    assert render_diagnostics(spec) == ["src.md:1:10 warning cite-key.unknown"]


def test_case_68_K3_not_citations() -> None:
    assert parse_note("jane@example.com `@key` https://x.com/@user").citations == ()


def test_cases_69_70_71_K2_key_grammar() -> None:
    assert [c.key for c in parse_note("@Foo_bar.baz.").citations] == ["Foo_bar.baz"]
    note = parse_note("@Foo_bar--baz")
    assert [c.key for c in note.citations] == ["Foo_bar"] and [p.code for p in note.problems] == ["cite-key.malformed"]
    braced = parse_note("[@{https://example.com/bib?name=foobar&date=2000}, p. 33]").citations
    assert [c.key for c in braced] == ["https://example.com/bib?name=foobar&date=2000"]


def test_case_74_K6_metadata_line_mismatch() -> None:
    spec = '//- lit.md\n---\naliases: ["@bereska2024"]\n---\n**Cite key**: bereska2024a\n'
    assert render_diagnostics(spec) == ["lit.md:4:15 warning cite-key.mismatch"]


@pytest.mark.parametrize("encoding, column", [("utf-16", 3), ("utf-8", 5), ("utf-32", 2)])
def test_cases_80_81_L3_columns_by_encoding(encoding: str, column: int) -> None:
    text = "😀 [[Note]]"
    [link] = parse_note(text).links
    assert LineIndex(text).position(link.start, encoding) == (0, column)


def test_case_82_P1_u2028_is_not_a_line_end() -> None:
    text = "a\u2028b [[Note]]\nnext"
    [link] = parse_note(text).links
    assert LineIndex(text).position(link.start)[0] == 0


def test_case_83_L4_nfd_counts_two_units() -> None:
    text = "e\u0301 [[Note]]"
    [link] = parse_note(text).links
    assert LineIndex(text).position(link.start, "utf-16") == (0, 3)


def test_case_89_W5_caption_and_width() -> None:
    [link] = parse_note("![[fig.png|Caption|200]]").links
    assert (link.path, link.display) == ("fig.png", "Caption|200")


def test_case_90_F4_aliases_key_case_insensitive() -> None:
    assert parse_note('---\nAliases: ["@k"]\n---\n').aliases == ("@k",)


def test_settings_severity_override_and_off() -> None:
    spec = "//- src.md\n[[Missing]]\n"
    assert render_diagnostics(spec, VaultSettings(severity=(("link.unresolved", "error"),))) == [
        "src.md:1:1 error link.unresolved"]
    assert render_diagnostics(spec, VaultSettings(severity=(("link.*", "off"),))) == []
