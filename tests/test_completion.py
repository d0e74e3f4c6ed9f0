"""Completion (features/completion): each context of the spec's L-7 list, as input vault → offered items.

Items render as `label | kind | new_text | start-end`; the replace range is in code points of the
note being edited, and `new_text` is what goes between `[[` and the end of the link.
"""

from __future__ import annotations

import pytest

from litnotes.bib import parse_bibliography
from litnotes.disk.libraries import library_keys
from litnotes.features.completion import complete, resolve_completion
from litnotes.vault import SetFile, SetLibrary, SetNote, VaultHost, VaultSettings
from vault_dsl import build_vault, parse_fixture

# A literature note shaped like the user's seed (spec Z-2/Z-3), small enough to read in a test.
LIT = """---
aliases:
  - "@bereska2024"
tags:
  - integration/zotero
---
> [!info] Metadata
> **Title**: Mechanistic Interpretability for AI Safety -- A Review
> **Authors**: Leonard Bereska, Efstratios Gavves
> **Cite key**: bereska2024

# Annotations
**Imported: 2024-12-04**^e0c377

>[!quote] <mark style="background: #FFF3A3A6;">Note</mark> | [View in local Zotero: page 1](zotero://open-pdf/library/items/MGFTCTVY?page=1&annotation=29LZ2RML) ^29lz2rml
>“mechanistic interpretability: reverse-engineering the computational mechanisms and representations learned by neural networks”

>[!quote] <mark style="background: #D2B3FFA6;">Important</mark> | [View in local Zotero: page 2](zotero://open-pdf/library/items/MGFTCTVY?page=2&annotation=XV6M4CYU) ^xv6m4cyu
>![[assets/Review/zotero-image-2-x53-y524.png]]
"""


def items(spec: str, limit: int = 100, settings: VaultSettings | None = None, live: str | None = None) -> list[str]:
    """Complete at `$0` of the spec; `live` replaces the edited note's text (the snapshot keeps the spec's)."""
    result = run(spec, limit, settings, live)
    assert result is not None, "expected a completion context at the cursor"
    return [f"{c.label} | {c.kind} | {c.new_text} | {c.start}-{c.end}" for c in result.items]


def run(spec: str, limit: int = 100, settings: VaultSettings | None = None, live: str | None = None):
    vault, fixture = build_vault(spec, settings)
    path, offset = fixture.cursor
    text = fixture.files[path]
    if live is not None:
        offset, text = live.index("$0"), live.replace("$0", "")
    return complete(vault, path, text, offset, limit)


def with_lit(src: str, *more: str) -> str:
    return f"//- src.md\n{src}\n//- lit/bereska2024-literature-note.md\n{LIT}" + "".join(more)


# --- [[ and ![[: notes, aliases, attachments ---------------------------------------------------
def test_names_notes_aliases_and_attachments_shortest_first() -> None:
    spec = "//- src.md\nSee [[$0\n//- Note.md\n//- folder/Other Note.md\n---\naliases: [Other]\n---\n//- img.png\n"
    assert items(spec) == [
        "src | note | src]] | 6-6",
        "Note | note | Note]] | 6-6",
        "Other | alias | Other Note|Other]] | 6-6",
        "img.png | file | img.png]] | 6-6",
        "Other Note | note | Other Note]] | 6-6",
    ]


def test_case_17_R12_literature_alias_inserts_file_link_with_alias() -> None:
    assert items(with_lit("See [[@$0")) == [
        "@bereska2024 | alias | bereska2024-literature-note|@bereska2024]] | 6-7",
    ]


def test_case_18_R12_ambiguous_base_name_inserts_full_path() -> None:
    spec = with_lit("See [[@$0", "//- other/bereska2024-literature-note.md\n")
    assert items(spec) == [
        "@bereska2024 | alias | lit/bereska2024-literature-note|@bereska2024]] | 6-7",
    ]


def test_embed_offers_the_same_items() -> None:
    assert items(with_lit("See ![[@b$0")) == [
        "@bereska2024 | alias | bereska2024-literature-note|@bereska2024]] | 7-9",
    ]


def test_existing_closing_brackets_are_not_doubled() -> None:
    assert items(with_lit("See [[@$0]] then")) == [
        "@bereska2024 | alias | bereska2024-literature-note|@bereska2024]] | 6-9",
    ]
    # In the middle of a target the rest of the word and the `]]` are replaced too.
    assert items("//- src.md\n[[No$0te]]\n//- Note.md\n//- Notebook.md\n") == [
        "Note | note | Note]] | 2-8",
        "Notebook | note | Notebook]] | 2-8",
    ]
    # Before a `|display` or `#heading` that stays, only the link text is written.
    assert items("//- src.md\n[[No$0|shown]]\n//- Note.md\n") == ["Note | note | Note | 2-4"]
    assert items("//- src.md\n[[No$0#Part]]\n//- Note.md\n") == ["Note | note | Note | 2-4"]


def test_prefix_then_substring_then_subsequence_case_insensitive() -> None:
    spec = ("//- src.md\n[[APP$0\n//- pineapple.md\n//- a map of pp.md\n//- Application notes.md\n"
            "//- apple.md\n//- zzz.md\n")
    assert [line.split(" | ")[0] for line in items(spec)] == ["apple", "Application notes", "pineapple", "a map of pp"]


def test_capped_list_is_incomplete_and_keeps_order_in_sort_text() -> None:
    spec = "//- src.md\n[[n$0\n" + "".join(f"//- n{i}.md\n" for i in range(1, 6))
    result = run(spec, limit=3)
    assert [c.label for c in result.items] == ["n1", "n2", "n3"] and result.incomplete
    assert [c.sort_text for c in result.items] == ["0000", "0001", "0002"]
    assert not run(spec, limit=10).incomplete


def test_numbering_keeps_every_other_field() -> None:
    """The rank goes into `sort_text` through the fast constructor: every other field is kept (a
    field added to `Completion` and forgotten there fails here)."""
    from dataclasses import fields, replace

    from litnotes.features.completion import _numbered
    from litnotes.features.types import Completion

    values = {f.name: (f"{f.name}-value" if f.type == "str" else 7 if f.type == "int" else ((f.name, "x"),))
              for f in fields(Completion)}
    item = Completion(**values)
    assert _numbered([item, item]) == (replace(item, sort_text="0000"), replace(item, sort_text="0001"))


def test_path_query_matches_folders() -> None:
    spec = "//- src.md\n[[lit/b$0\n//- lit/bereska.md\n//- other/bereska.md\n"
    assert items(spec) == ["bereska | note | lit/bereska]] | 2-7"]


def test_excluded_notes_come_last() -> None:
    spec = "//- src.md\n[[t$0\n//- templates/t.md\n//- tx.md\n"
    assert [line.split(" | ")[0] for line in items(spec, settings=VaultSettings(exclude=("templates/**",)))] == [
        "tx", "t"]


def test_display_text_after_pipe_offers_the_aliases() -> None:
    assert items(with_lit("[[bereska2024-literature-note|$0")) == [
        "@bereska2024 | alias | @bereska2024]] | 30-30",
    ]


def test_display_text_in_a_table_row_after_an_escaped_pipe() -> None:
    assert items(with_lit("| [[bereska2024-literature-note\\|@$0 | x |")) == [
        "@bereska2024 | alias | @bereska2024]] | 33-34",
    ]


def test_no_context_after_a_closed_link_or_escaped_brackets() -> None:
    assert run("//- src.md\n[[a]] $0\n//- a.md\n") is None
    assert run("//- src.md\n\\[[a$0\n//- a.md\n") is None
    assert run("//- src.md\n[[a]$0]\n//- a.md\n") is None


# --- [[note# and [[#: headings (H-4) ------------------------------------------------------------
def test_H4_heading_link_form_of_another_note() -> None:
    spec = "//- src.md\n[[Note#$0\n//- Note.md\n# Title\n## C# tips\n## Results: part (a)\n## C: tips\n"
    assert items(spec) == [
        "Title | heading | Note#Title]] | 2-7",
        "C# tips | heading | Note#C tips]] | 2-7",
        "Results: part (a) | heading | Note#Results part (a)]] | 2-7",
    ]


def test_current_note_headings_come_from_the_live_text() -> None:
    spec = "//- src.md\n# Old\n[[#$0\n"
    assert items(spec, live="# Old\n## Fresh [[x]] here\n[[#fr$0") == [
        "Fresh [[x]] here | heading | #Fresh x here]] | 28-31",
    ]


def test_vault_wide_headings() -> None:
    spec = "//- src.md\n# Mine\n[[##ti$0\n//- Note.md\n## C# tips\n//- Other.md\n# Title\n"
    assert items(spec) == [
        "Title | heading | Other#Title]] | 9-13",
        "C# tips | heading | Note#C tips]] | 9-13",
    ]


# --- [[note#^, [[^ and [[^^: blocks and Zotero highlights (Z-2, Z-3) -------------------------
def test_highlight_blocks_of_a_literature_note() -> None:
    result = run(with_lit("[[bereska2024-literature-note#^$0"))
    assert [f"{c.label} | {c.kind} | {c.new_text} | {c.detail}" for c in result.items] == [
        "^e0c377 | block | bereska2024-literature-note#^e0c377]] | paragraph",
        "mechanistic interpretability: reverse-engineering the computational mechanisms and representations … | highlight | "
        "bereska2024-literature-note#^29lz2rml]] | Note · p. 1",
        "image: zotero-image-2-x53-y524.png | highlight | bereska2024-literature-note#^xv6m4cyu]] | Important · p. 2",
    ]
    doc = result.items[1].documentation
    assert doc.startswith("**Note** · 🟨 `#FFF3A3A6` · page 1\n\n> mechanistic interpretability: reverse-engineering")
    assert "zotero://open-pdf/library/items/MGFTCTVY?page=1&annotation=29LZ2RML" in doc


def test_blocks_filter_by_id_and_quote() -> None:
    assert items(with_lit("[[bereska2024-literature-note#^29$0")) == [
        "mechanistic interpretability: reverse-engineering the computational mechanisms and representations … | highlight | "
        "bereska2024-literature-note#^29lz2rml]] | 2-33",
    ]
    assert [line.split(" | ")[2] for line in items(with_lit("[[bereska2024-literature-note#^representations$0"))] == [
        "bereska2024-literature-note#^29lz2rml]]"]


def test_current_note_blocks_after_bare_caret() -> None:
    assert items("//- src.md\nfirst ^one\n\n- item ^two\n\n[[^$0\n") == [
        "^one | block | #^one]] | 27-28",
        "^two | block | #^two]] | 27-28",
    ]


def test_vault_wide_block_search_by_quote() -> None:
    assert items(with_lit("Text ^here\n\n[[^^mechan$0")) == [
        "mechanistic interpretability: reverse-engineering the computational mechanisms and representations … | highlight | "
        "bereska2024-literature-note#^29lz2rml]] | 14-22",
    ]
    assert items(with_lit("Text ^here\n\n[[^^her$0")) == ["^here | block | #^here]] | 14-19"]


# --- cite keys (K-3) -----------------------------------------------------------------------------
BIB = "@article{bereska2024b,\n  title = {Another Review},\n  author = {Bereska, Leonard},\n  year = {2025}\n}\n"


def vault_with_library(spec: str):
    """The spec's vault plus `refs.bib` (BIB) as a cite-key library."""
    fixture = parse_fixture(spec)
    host = VaultHost()
    host.apply([SetNote(p, t) if p.endswith(".md") else SetFile(p) for p, t in fixture.files.items()])
    library = parse_bibliography(BIB, "refs.bib")
    vault, _ = host.apply([SetLibrary("refs.bib", library_keys(library), library)])
    return vault, fixture


@pytest.mark.parametrize("before, start", [("[@", 2), ("see @", 5), ("[see @a; @", 10), ("[-@", 3), ("(@", 2)])
def test_cite_key_triggers(before: str, start: int) -> None:
    assert items(with_lit(f"{before}b$0")) == [f"bereska2024 | citekey | bereska2024 | {start}-{start + 1}"]


@pytest.mark.parametrize("before", ["jane@", "x-@", "`@"])
def test_no_cite_key_after_a_word(before: str) -> None:
    assert run(with_lit(f"{before}b$0")) is None


def test_cite_keys_from_libraries_with_lazy_card() -> None:
    vault, fixture = vault_with_library(with_lit("[@bere$0ska] more"))
    path, offset = fixture.cursor
    result = complete(vault, path, fixture.files[path], offset)
    assert [(c.label, c.new_text, c.start, c.end, c.documentation, c.resolve) for c in result.items] == [
        ("bereska2024", "bereska2024", 2, 9, None, (("citekey", "bereska2024"),)),
        ("bereska2024b", "bereska2024b", 2, 9, None, (("citekey", "bereska2024b"),)),
    ]
    assert result.items[1].detail == "refs.bib"
    card = resolve_completion(vault, result.items[1].resolve)
    assert card.startswith("Leonard Bereska (2025). *Another Review*.")
    assert "Mechanistic Interpretability" in resolve_completion(vault, result.items[0].resolve)
    assert resolve_completion(vault, (("nothing", "x"),)) is None


def test_braced_cite_key() -> None:
    assert items(with_lit("[@{be$0")) == ["bereska2024 | citekey | {bereska2024} | 2-5"]


# --- tags (T-4) ------------------------------------------------------------------------------------
def test_tags_first_seen_casing_once_prefix_filtered() -> None:
    spec = ("//- a.md\n---\ntags: [Reading]\n---\nSome #Tag and #tag/sub\n//- b.md\n#TAG #reading #other\n"
            "//- src.md\nNow #$0\n")
    assert items(spec) == [
        "Tag | tag | Tag | 5-5", "other | tag | other | 5-5", "Reading | tag | Reading | 5-5",
        "tag/sub | tag | tag/sub | 5-5"]
    assert [line.split(" | ")[0] for line in items(spec.replace("#$0", "#t$0"))] == ["Tag", "tag/sub"]


def test_half_typed_tag_in_the_snapshot_is_not_offered() -> None:
    spec = "//- src.md\n#rea$0\n//- a.md\n#reading\n"
    assert items(spec) == ["reading | tag | reading | 1-4"]
    # The snapshot still holds `#rea` for src.md, but the live text is already `#read`.
    assert items(spec, live="#read$0") == ["reading | tag | reading | 1-5"]


@pytest.mark.parametrize("line", ["# $0", "C#$0", "x#t$0", "[x](#t$0)", "## $0", '<mark style="background: #FF$0'])
def test_no_tag_completion_outside_tag_positions(line: str) -> None:
    assert run(f"//- src.md\n{line}\n//- a.md\n#tag\n") is None


def test_no_tag_completion_in_front_matter() -> None:
    assert run("//- src.md\n---\ntitle: x #$0\n---\n//- a.md\n#tag\n") is None


# --- code (W-7, P-4) -----------------------------------------------------------------------------
@pytest.mark.parametrize("src", [
    "```\n[[$0\n```",
    "~~~md\ntext\n[[$0\n~~~",
    "> ```\n> [[$0\n> ```",
    "$$\n[@$0\n$$",
    "a `code [[$0` b",
    "a ``x ` [[$0`` b",
    "inline $x [@$0 y$ math",
])
def test_no_completion_inside_code_or_math(src: str) -> None:
    assert run(f"//- src.md\n{src}\n//- Note.md\n") is None


@pytest.mark.parametrize("src", ["```\ncode\n```\n[[N$0", "a `code` then [[N$0", "```js\nx\n```\n$$\nm\n$$\n[[N$0"])
def test_completion_after_closed_code(src: str) -> None:
    assert [line.split(" | ")[0] for line in items(f"//- src.md\n{src}\n//- Note.md\n")] == ["Note"]


# --- offsets in code points ------------------------------------------------------------------------
def test_non_ascii_before_the_cursor_gives_exact_code_point_offsets() -> None:
    src = "Café e\u0301 日本語 🔥👩\u200d💻 [[@$0"
    start = len("Café e\u0301 日本語 🔥👩\u200d💻 [[")
    assert start == 19
    assert items(with_lit(src)) == [f"@bereska2024 | alias | bereska2024-literature-note|@bereska2024]] | {start}-{start + 1}"]
    assert items(with_lit("🔥 [@b$0")) == ["bereska2024 | citekey | bereska2024 | 4-5"]
    assert items("//- src.md\n日本 #t$0\n//- a.md\n#tëst #日本\n") == ["tëst | tag | tëst | 4-5"]


def test_non_ascii_note_names() -> None:
    assert items("//- src.md\n[[caf$0\n//- Café.md\n//- 日本.md\n") == ["Café | note | Café]] | 2-5"]


# --- the user's seed -------------------------------------------------------------------------------
def test_seed_alias_and_highlights(seed_text: str) -> None:
    spec = f"//- src.md\n[[@$0\n//- lit/bereska2024-literature-note.md\n{seed_text}\n"
    assert items(spec) == ["@bereska2024 | alias | bereska2024-literature-note|@bereska2024]] | 2-3"]
    result = run(spec, live="[[bereska2024-literature-note#^$0")
    assert len(result.items) == 11
    assert [c.detail for c in result.items[1:4]] == ["Note · p. 1", "Important · p. 1", "Note · p. 1"]
    assert result.items[4].label == "image: zotero-image-2-x53-y524.png"
    headings = run(spec, live="[[bereska2024-literature-note#$0")
    assert [c.new_text for c in headings.items] == [
        "bereska2024-literature-note#Notes]]", "bereska2024-literature-note#From Zotero]]",
        "bereska2024-literature-note#From Obsidian]]", "bereska2024-literature-note#Annotations]]"]


def test_seed_note_completes_its_own_blocks_from_live_text(seed_text: str) -> None:
    live = seed_text + "\n\nSee [[#^mech$0"
    spec = f"//- lit/bereska2024-literature-note.md\n{seed_text}\n"
    vault, _ = build_vault(spec)
    result = complete(vault, "lit/bereska2024-literature-note.md", live.replace("$0", ""), live.index("$0"))
    assert [c.new_text for c in result.items] == ["#^29lz2rml]]"]


# --- per-snapshot tables -----------------------------------------------------------------------------
def test_vault_tables_are_built_once_per_snapshot_and_carried_over_while_unchanged() -> None:
    fixture = parse_fixture(with_lit("[[@$0"))
    host = VaultHost()
    vault, _ = host.apply([SetNote(p, t) for p, t in fixture.files.items()])
    path, offset = fixture.cursor
    complete(vault, path, fixture.files[path], offset)
    names = vault._cache["completion.names"]
    complete(vault, path, fixture.files[path] + "b", offset + 1)
    assert vault._cache["completion.names"] is names
    # Typing (a new snapshot whose aliases did not change) keeps the table ...
    vault, _ = host.apply([SetNote(path, "[[@b")])
    assert [c.label for c in complete(vault, path, "[[@b", 4).items] == ["@bereska2024"]
    assert vault._cache["completion.names"] is names
    # ... and a new alias rebuilds it.
    vault, _ = host.apply([SetNote("x.md", "---\naliases: ['@brand-new']\n---\n")])
    assert [c.label for c in complete(vault, path, "[[@b", 4).items] == ["@brand-new", "@bereska2024"]
    assert vault._cache["completion.names"] is not names


def test_patched_tag_table_equals_a_rebuild(monkeypatch: pytest.MonkeyPatch) -> None:
    import random

    from litnotes.features.completion import tables

    patches = []
    real_patch = tables._patch_tags
    monkeypatch.setattr(tables, "_patch_tags", lambda *args: patches.append(1) or real_patch(*args))
    rng = random.Random(7)
    words = ["Tag", "tag", "TAG", "idea", "Idea", "x/y", "zotero", "Zotero", "new"]
    host = VaultHost()
    vault, _ = host.apply([SetNote(f"n{i}.md", f"#{rng.choice(words)}") for i in range(6)])
    for _ in range(150):
        path = f"n{rng.randrange(8)}.md"
        body = " ".join(f"#{rng.choice(words)}" for _ in range(rng.randrange(3)))
        front = f"---\ntags: [{rng.choice(words)}]\n---\n" if rng.random() < 0.3 else ""
        vault, _ = host.apply([SetNote(path, front + body)])
        got = tables.tags(vault)
        want = tables._build_tags(vault).index
        assert got.search("", 1000) == want.search("", 1000)
        assert got.search("t", 1000) == want.search("t", 1000)
    assert len(patches) > 100


def test_fixture_cursor_is_where_the_spec_says() -> None:
    fixture = parse_fixture("//- src.md\nab$0c\n")
    assert fixture.cursor == ("src.md", 2)
