"""Rename (features/rename, features/relink): headings (H-4 link form), block ids (B-8), notes and files
(R-12 link format), cite keys (K-4) and tags, with Zotero persist-region warnings (Z-1). Results
render as the prepared range, then `path:l:c-l:c → new text` edits, file renames and warnings."""

from __future__ import annotations

from litnotes.features import check_vault
from litnotes.features.relink import rename_files
from litnotes.features.rename import prepare_rename, rename
from litnotes.vault import VaultSettings
from nav_support import Spec, apply_change, rendered_edits
from test_completion import LIT


def ren(spec: str, new: str, files: bool = True, settings: VaultSettings | None = None) -> list[str]:
    s = Spec(spec, settings)
    place = prepare_rename(s.vault, s.path, s.text, s.offset, files)
    change = rename(s.vault, s.path, s.text, s.offset, new, s.text_of, files)
    if isinstance(change, str):
        return [f"error {change}"]
    return ([f"prepare {s.span(s.path, place.start, place.end)} {place.placeholder} ({place.what})"]
            + rendered_edits(s, change) + [f"rename {r.old} -> {r.new}" for r in change.renames]
            + [f"warn {w}" for w in change.warnings])


PAPER = """//- notes/Paper.md
# Paper

## Methods
text ^m1

## 2.1 Results: part (a)
//- a.md
[[Paper#Methods]] ![[notes/Paper#methods|shown]] [x](notes/Paper.md#Methods) [[Paper#Paper#Methods]] `[[Paper#Methods]]`
[[Paper#2.1 Results part (a)]] [[Paper#^M1]] [[Paper]] [[Paper|P]] [y](notes/Paper.md) [[Paper.md#^m1]]
"""


def test_H4_heading_rename_writes_the_link_form_in_every_link_but_not_in_code() -> None:
    assert ren(PAPER.replace("## Methods", "## Met$0hods"), "Approach: C# way") == [
        "prepare notes/Paper.md:3:4-3:11 Methods (heading)",
        "a.md:1:9-1:16 → Approach C way",
        "a.md:1:34-1:41 → Approach C way",
        "a.md:1:69-1:76 → Approach%20C%20way",  # Markdown links are percent-encoded (H-6)
        "a.md:1:92-1:99 → Approach C way",  # only the segment of `#Paper#Methods` that names it (H-3)
        "notes/Paper.md:3:4-3:11 → Approach: C# way",
    ]


def test_heading_rename_from_a_link_H2_matched() -> None:
    assert ren(PAPER.replace("[[Paper#2.1 Results", "[[Paper#2.1 Res$0ults"), "Findings") == [
        "prepare a.md:2:9-2:29 2.1 Results: part (a) (heading)",
        "a.md:2:9-2:29 → Findings",
        "notes/Paper.md:6:4-6:25 → Findings",
    ]


def test_B8_block_rename_updates_every_case_of_the_id() -> None:
    assert ren(PAPER.replace("text ^m1", "text ^m$01"), "^new-id") == [
        "prepare notes/Paper.md:4:7-4:9 m1 (block)",
        "a.md:2:41-2:43 → new-id",
        "a.md:2:100-2:102 → new-id",
        "notes/Paper.md:4:7-4:9 → new-id",
    ]


NOTE_RENAME = [
    "a.md:1:3-1:8 → Article", "a.md:1:22-1:33 → Article", "a.md:1:54-1:68 → Article.md", "a.md:1:80-1:85 → Article",
    "a.md:2:3-2:8 → Article", "a.md:2:34-2:39 → Article", "a.md:2:48-2:53 → Article", "a.md:2:58-2:63 → Article",
    "a.md:2:72-2:86 → Article.md", "a.md:2:90-2:98 → Article",
]


def test_R12_note_rename_from_a_link_keeps_display_text_and_subpaths() -> None:
    assert ren(PAPER.replace("[[Paper|P]]", "[[Pa$0per|P]]"), "Article") == [
        "prepare a.md:2:58-2:63 Paper (note)", *NOTE_RENAME, "rename notes/Paper.md -> notes/Article.md",
        "warn the title `# Paper` of `notes/Paper.md` still has the old name"]


def test_note_rename_from_its_title_renames_the_heading_too() -> None:
    assert ren(PAPER.replace("# Paper\n", "# Pa$0per\n"), "Article") == [
        "prepare notes/Paper.md:1:3-1:8 Paper (note)", *NOTE_RENAME[:4], "a.md:1:86-1:91 → Article", *NOTE_RENAME[4:],
        "notes/Paper.md:1:3-1:8 → Article", "rename notes/Paper.md -> notes/Article.md"]


def test_R12_an_ambiguous_new_name_gets_its_full_path() -> None:
    edits = ren(PAPER.replace("[[Paper|P]]", "[[Pa$0per|P]]") + "//- other/Article.md\n", "Article")
    assert edits[1:4] == ["a.md:1:3-1:8 → notes/Article", "a.md:1:22-1:33 → notes/Article",
                          "a.md:1:54-1:68 → notes/Article.md"]


def test_R12_relative_link_format() -> None:
    edits = ren(PAPER.replace("[[Paper|P]]", "[[Pa$0per|P]]"), "Article", settings=VaultSettings(link_format="relative"))
    assert edits[1] == "a.md:1:3-1:8 → notes/Article"


def test_note_rename_needs_an_editor_that_renames_files() -> None:
    assert ren(PAPER.replace("[[Paper|P]]", "[[Pa$0per|P]]"), "Article", files=False) == [
        "error renaming a note renames its file, which this editor cannot do through the language server; "
        "rename the file in the file explorer: litnotes updates the links"]


def test_refusals() -> None:
    assert ren(PAPER.replace("[[Paper|P]]", "[[Pa$0per|P]]"), "a/b") == [
        "error `a/b` cannot be a file name Obsidian can link to: it contains /"]
    assert ren(PAPER.replace("text ^m1", "text ^m$01"), "my_id") == [
        "error `^my_id` is not a block id: use only Latin letters, digits and dashes (B-1)"]
    assert ren("//- a.md\n[[Miss$0ing]]\n", "x") == ["error `Missing` does not exist: there is nothing to rename"]
    assert ren("//- a.md\n[[Dog$0go]]\n//- dog.md\n---\naliases: [Doggo]\n---\n", "x") == [
        "error `Doggo` is an alias: edit it in the front matter of `dog.md`"]
    assert ren("//- a.md\n# A\ntext ^one\n\nmore ^tw$0o\n", "one") == ["error `^one` is already a block id in `a.md`"]
    assert ren(PAPER.replace("[[Paper|P]]", "[[Pa$0per|P]]") + "//- notes/Article.md\n", "article") == [
        "error `notes/Article.md` already exists"]


LIT_NOTE = "//- lit/bereska2024-literature-note.md\n" + LIT
BIB = "//- refs.bib\n@article{bereska2024,\n  title = {Mechanistic},\n  year = {2024}\n}\n"
CITES = ("//- src.md\n[@bereska2024, p. 3] and @bereska2024 and [[@bereska2024]] and [-@{bereska2024}]\n"
         "[[bereska2024-literature-note|@bereska2024]] `@bereska2024`\n"
         "//- only-a-link.md\nsee [[bereska2024-literature-note|@bereska2024]]\n")


def test_K4_cite_key_rename_updates_definitions_citations_and_links_and_warns_about_zotero() -> None:
    assert ren(CITES.replace("[@bereska2024,", "[@bere$0ska2024,") + LIT_NOTE + BIB, "bereska2024review") == [
        "prepare src.md:1:3-1:14 bereska2024 (citekey)",
        "lit/bereska2024-literature-note.md:3:7-3:18 → bereska2024review",
        "lit/bereska2024-literature-note.md:10:17-10:28 → bereska2024review",
        "only-a-link.md:1:36-1:47 → bereska2024review",
        "src.md:1:3-1:14 → bereska2024review",
        "src.md:1:27-1:38 → bereska2024review",
        "src.md:1:46-1:57 → bereska2024review",
        "src.md:1:68-1:79 → bereska2024review",  # inside the braces of `-@{…}`
        "src.md:2:32-2:43 → bereska2024review",
        "warn Zotero (Better BibTeX) still calls this item `bereska2024`: change its citation key there too, "
        "or the next import or export brings `bereska2024` back",
        "warn `refs.bib` still define `bereska2024` until Better BibTeX exports again",
        "warn `lit/bereska2024-literature-note.md` was made by Zotero Integration and line 3 is outside any "
        "`%% begin … %%` persist region: a re-import from Zotero would overwrite this change",
    ]


def test_cite_key_rename_braces_a_key_pandoc_would_cut_short() -> None:
    edits = ren("//- src.md\n[@sm$0ith2020]\n//- smith.md\n---\ncitekey: smith2020\n---\n", "smith2020--draft")
    assert edits[1:] == ["smith.md:2:10-2:19 → smith2020--draft", "src.md:1:3-1:12 → {smith2020--draft}",
                         "warn Zotero (Better BibTeX) still calls this item `smith2020`: change its citation key there "
                         "too, or the next import or export brings `smith2020` back"]


def test_tag_rename_in_body_and_front_matter() -> None:
    spec = "//- a.md\n---\ntags: [Topic, other]\n---\ntext #to$0pic and #TOPIC/sub `#topic`\n//- b.md\n#Topic\n"
    assert ren(spec, "#theme") == [
        "prepare a.md:4:7-4:12 topic (tag)", "a.md:2:8-2:13 → theme", "a.md:4:7-4:12 → theme", "b.md:1:2-1:7 → theme"]


def test_Z1_edits_inside_persist_regions_need_no_warning() -> None:
    lit = LIT.replace("# Annotations\n", "%% begin notes %%\n# Annotations\n%% end notes %%\n")
    spec = "//- lit/bereska2024-literature-note.md\n" + lit.replace("# Annotations", "# Annot$0ations")
    assert ren(spec, "Highlights") == ["prepare lit/bereska2024-literature-note.md:13:3-13:14 Annotations (heading)",
                                       "lit/bereska2024-literature-note.md:13:3-13:14 → Highlights"]
    warned = ren("//- lit/bereska2024-literature-note.md\n" + LIT.replace("# Annotations", "# Annot$0ations"), "Highlights")
    assert warned[-1].startswith("warn `lit/bereska2024-literature-note.md` was made by Zotero Integration and line 12")


def test_will_rename_files_moves_a_folder_and_fixes_relative_links() -> None:
    spec = ("//- src.md\n[[Paper]] [[notes/Paper#Methods]] [[notes/sub/Deep]]\n"
            "//- notes/Paper.md\n## Methods\n[[./sub/Deep]] [[../src]]\n//- notes/sub/Deep.md\n[[Paper]]\n")
    s = Spec(spec)
    change = rename_files(s.vault, [("notes", "archive/notes")], s.text_of)
    # Links are rewritten in the vault's format (shortest): the moved note's `./` and `../` links too.
    assert rendered_edits(s, change) == [
        "notes/Paper.md:2:3-2:13 → Deep",
        "notes/Paper.md:2:18-2:24 → src",
        "src.md:1:13-1:24 → Paper",
        "src.md:1:37-1:51 → Deep",
    ]


def test_rename_then_check_finds_no_new_problem_and_every_link_resolves() -> None:
    spec = PAPER.replace("[[Paper|P]]", "[[Pa$0per|P]]").replace("`[[Paper#Methods]]`", "")
    s = Spec(spec)
    before = sorted((d.code, d.message) for ds in check_vault(s.vault).values() for d in ds)
    change = rename(s.vault, s.path, s.text, s.offset, "Article", s.text_of)
    after_files = apply_change(s.files, change)
    after = Spec("".join(f"//- {p}\n{t}\n" for p, t in after_files.items()))
    assert sorted((d.code, d.message) for ds in check_vault(after.vault).values() for d in ds) == before
    links = after.vault.note("a.md").links
    assert all(after.vault.resolve("a.md", link).path == "notes/Article.md" for link in links)


def test_H7_a_heading_with_a_block_id_keeps_the_id() -> None:
    assert ren("//- a.md\n# A\n## Met$0hods ^m1\n//- b.md\n[[a#Methods]] [[a#^m1]]\n", "Approach") == [
        "prepare a.md:2:4-2:11 Methods (heading)", "a.md:2:4-2:11 → Approach", "b.md:1:5-1:12 → Approach"]


def test_title_heading_without_file_renames_is_a_heading_rename() -> None:
    assert ren(PAPER.replace("# Paper\n", "# Pa$0per\n"), "Article", files=False) == [
        "prepare notes/Paper.md:1:3-1:8 Paper (heading)", "a.md:1:86-1:91 → Article", "notes/Paper.md:1:3-1:8 → Article"]
