"""Hover (features/hover): what the editor shows over links, highlight references and cite keys.

`$0` marks the hovered character; `text_of` serves the spec's files (the editor's current texts).
"""

from __future__ import annotations

from litnotes.features.hover import hover
from test_completion import LIT, vault_with_library
from vault_dsl import build_vault

NOTE = """---
aliases: [N1, Other]
---
# Title
line1
line2

## C# tips
text ^abc

# Next
""" + "".join(f"l{i}\n" for i in range(12))

VAULT = (
    "//- lit/bereska2024-literature-note.md\n" + LIT
    + "//- Note.md\n" + NOTE
    + "//- assets/Review/zotero-image-2-x53-y524.png\n"
    + "//- A.md\nA embeds ![[B]]\n//- B.md\nB embeds ![[A]]\n"
)


def at(src: str, spec: str = VAULT, texts: dict[str, str] | None = None, vault=None):
    """Hover at `$0` in `src.md` holding `src`; returns (markdown, hovered text) or None."""
    built, fixture = build_vault(f"//- src.md\n{src}\n{spec}") if vault is None else (vault, None)
    files = dict(fixture.files) if fixture else {}
    files.update(texts or {})
    offset, text = src.index("$0"), src.replace("$0", "")
    result = hover(built, "src.md", text, offset, files.get)
    return None if result is None else (result.markdown, text[result.start:result.end])


# --- Zotero highlights (Z-2, Z-3) ----------------------------------------------------------------------
def test_highlight_quote_colour_page_zotero_link_and_paper() -> None:
    markdown, hovered = at("See [[bereska2024-literature-note#^29l$0z2rml]] here")
    assert hovered == "[[bereska2024-literature-note#^29lz2rml]]"
    assert markdown == (
        "**Note** · 🟨 `#FFF3A3A6` · page 1\n\n"
        "> mechanistic interpretability: reverse-engineering the computational mechanisms and representations "
        "learned by neural networks\n\n"
        "[Open in Zotero (page 1)](zotero://open-pdf/library/items/MGFTCTVY?page=1&annotation=29LZ2RML)\n\n"
        "---\n\n"
        "*Mechanistic Interpretability for AI Safety -- A Review*\n\n"
        "Leonard Bereska, Efstratios Gavves\n\n"
        "Literature note: [[lit/bereska2024-literature-note]]\n\n"
        "`@bereska2024` (not in any bibliography)"
    )


def test_image_highlight_shows_the_image_and_file_name() -> None:
    markdown, hovered = at("![[bereska2024-literature-note#^XV6M4CYU]]$0".replace("]]$0", "$0]]"))
    assert hovered == "![[bereska2024-literature-note#^XV6M4CYU]]"
    assert markdown.startswith(
        "**Important** · 🟪 `#D2B3FFA6` · page 2\n\n"
        "![zotero-image-2-x53-y524.png](assets/Review/zotero-image-2-x53-y524.png)\n\n"
        "Image: `zotero-image-2-x53-y524.png`\n\n"
        "[Open in Zotero (page 2)](zotero://open-pdf/library/items/MGFTCTVY?page=2&annotation=XV6M4CYU)")


def test_highlight_with_library_entry_shows_the_citation_card() -> None:
    lit = LIT.replace("**Cite key**: bereska2024", "**Cite key**: bereska2024b").replace('"@bereska2024"', '"@bereska2024b"')
    vault, _ = vault_with_library("//- src.md\n\n//- lit/bereska2024-literature-note.md\n" + lit)
    src = "[[bereska2024-literature-note#^29lz2rml$0]]"
    markdown, _ = at(src, vault=vault, texts={"lit/bereska2024-literature-note.md": lit})
    assert "Leonard Bereska (2025). *Another Review*." in markdown and "`@bereska2024b` · refs.bib" in markdown


def test_case_78_seed_highlight(seed_text: str) -> None:
    spec = "//- lit/bereska2024-literature-note.md\n" + seed_text + "\n"
    markdown, _ = at("[[bereska2024-literature-note#^29lz2rml$0]]", spec)
    assert markdown.startswith("**Note** · 🟨 `#FFF3A3A6` · page 1\n\n> mechanistic interpretability: reverse-engineering")
    assert "[Open in Zotero (page 1)](zotero://open-pdf/library/items/MGFTCTVY?page=1&annotation=29LZ2RML)" in markdown
    assert "*Mechanistic Interpretability for AI Safety -- A Review*" in markdown
    # Inside the seed itself, `[[#^29lz2rml]]` reads the live text.
    vault, _ = build_vault(spec)
    live = seed_text + "\nSee [[#^29lz2rml]]\n"
    result = hover(vault, "lit/bereska2024-literature-note.md", live, live.index("[[#^29"), lambda p: None)
    assert result.markdown.startswith("**Note** · 🟨 `#FFF3A3A6` · page 1\n\n> mechanistic")
    assert live[result.start:result.end] == "[[#^29lz2rml]]"
    image = hover(vault, "lit/bereska2024-literature-note.md", live + "![[#^ddam3efv]]", len(live) + 3, lambda p: None)
    assert image.markdown.startswith("**Note** · 🟨 `#FFF3A3A6` · page 6\n\n![zotero-image-6-x67-y429.png](")


# --- other blocks, notes, headings, attachments ---------------------------------------------------------
def test_a_burst_of_hovers_parses_the_target_note_once(monkeypatch) -> None:
    """The literature note behind an embed is read in detail once for repeated hovers (features/
    details.py keeps recent parses while the text is unchanged), and again once its text changes."""
    from litnotes.syntax import parse

    parses: list[int] = []
    real = parse._parse
    monkeypatch.setattr(parse, "_parse", lambda text, options, detailed=True: parses.append(len(text)) or real(text, options, detailed))
    built, fixture = build_vault(f"//- src.md\nSee ![[bereska2024-literature-note#^29lz2rml]]\n{VAULT}")
    files = dict(fixture.files)
    src, lit = files["src.md"], "lit/bereska2024-literature-note.md"
    first = hover(built, "src.md", src, 6, files.get)
    parses.clear()
    assert [hover(built, "src.md", src, 6, files.get) for _ in range(5)] == [first] * 5
    assert len(files[lit]) not in parses
    files[lit] += "\nmore\n"
    assert hover(built, "src.md", src, 6, files.get) == first
    assert parses.count(len(files[lit])) == 1


def test_plain_block_shows_its_markdown_from_the_current_text() -> None:
    assert at("[[Note#^ab$0c]]") == ("**Note › ^abc** · paragraph\n\n---\n\ntext ^abc", "[[Note#^abc]]")
    edited = NOTE.replace("text ^abc", "edited text ^abc")
    assert at("[[Note#^ab$0c]]", texts={"Note.md": edited})[0].endswith("\n\nedited text ^abc")


def test_note_preview_title_aliases_and_first_lines() -> None:
    markdown, _ = at("[[No$0te]]")
    assert markdown == (
        "**Note** · `Note.md`\n\nAliases: `N1`, `Other`\n\n---\n\n"
        "# Title\nline1\nline2\n\n## C# tips\ntext ^abc\n\n# Next\n\n…")


def test_metadata_title_names_the_note() -> None:
    markdown, _ = at("[[bereska2024-literature-note$0]]")
    assert markdown.startswith("**Mechanistic Interpretability for AI Safety -- A Review** · "
                               "`lit/bereska2024-literature-note.md`\n\nAliases: `@bereska2024`")


def test_heading_section_preview() -> None:
    assert at("[[Note#C tips$0]]") == ("**Note › C# tips** · `Note.md`\n\n---\n\n## C# tips\ntext ^abc", "[[Note#C tips]]")
    markdown, _ = at("[[Note#Next$0]]")
    assert markdown == "**Note › Next** · `Note.md`\n\n---\n\n# Next\nl0\nl1\nl2\nl3\nl4\nl5\nl6\n\n…"


def test_same_note_heading_uses_the_live_text() -> None:
    assert at("# Fresh\nbody\n[[#Fresh$0]]") == ("**src › Fresh** · `src.md`\n\n---\n\n# Fresh\nbody\n[[#Fresh]]",
                                                "[[#Fresh]]")


def test_embed_cycle_does_not_loop() -> None:
    markdown, _ = at("![[A$0]]")
    assert markdown == "**A** · `A.md`\n\n---\n\nA embeds ![[B]]"


def test_attachment_link_never_asks_for_the_file_text() -> None:
    vault, _ = build_vault(VAULT)
    asked = []
    src = "![[assets/Review/zotero-image-2-x53-y524.png]]"
    hover(vault, "src.md", src, 5, lambda p: asked.append(p))
    assert asked == []
    markdown, _ = at("![[assets/Review/zotero-image-2-x53-y524.png$0]]")
    assert markdown == ("**zotero-image-2-x53-y524.png** · `assets/Review/zotero-image-2-x53-y524.png`\n\n"
                        "![zotero-image-2-x53-y524.png](assets/Review/zotero-image-2-x53-y524.png)")


def test_markdown_link_to_a_note() -> None:
    markdown, hovered = at("[see](Note.md#C%20tips$0)")
    assert hovered == "[see](Note.md#C%20tips)" and markdown.startswith("**Note › C# tips**")


# --- cite keys (K-3, K-4) ---------------------------------------------------------------------------------
CARD = ("*Mechanistic Interpretability for AI Safety -- A Review*\n\nLeonard Bereska, Efstratios Gavves\n\n"
        "Literature note: [[lit/bereska2024-literature-note]]\n\n`@bereska2024` (not in any bibliography)")


def test_cite_key_card_bracketed_and_in_text() -> None:
    assert at("As [@bere$0ska2024, p. 3] says") == (CARD, "@bereska2024")
    assert at("As @bereska2024$0 says") == (CARD, "@bereska2024")


def test_cite_key_card_from_library_names_the_literature_note_path() -> None:
    vault, _ = vault_with_library("//- src.md\n\n//- lit/bereska2024-literature-note.md\n" + LIT)
    markdown, _ = at("[@bereska2024b$0]", vault=vault)
    assert markdown == "Leonard Bereska (2025). *Another Review*.\n\n`@bereska2024b` · refs.bib"
    markdown, _ = at("[@b$0ereska2024]", vault=vault)
    assert markdown == CARD


def test_unknown_cite_key_and_case_variant() -> None:
    assert at("[@nobody$0]")[0] == "Unknown cite key `@nobody`: no literature note or bibliography defines it."
    assert at("[@Bereska2024$0]")[0].endswith("Did you mean `@bereska2024`? (Pandoc matches keys case-sensitively.)")


def test_front_matter_alias_and_metadata_line_show_the_card() -> None:
    vault, _ = build_vault(VAULT)
    path = "lit/bereska2024-literature-note.md"
    alias = hover(vault, path, LIT, LIT.index("@bereska2024") + 3, lambda p: None)
    assert (alias.markdown, LIT[alias.start:alias.end]) == (CARD, "@bereska2024")
    line = hover(vault, path, LIT, LIT.index("bereska2024\n\n#"), lambda p: None)
    assert (line.markdown, LIT[line.start:line.end]) == (CARD, "bereska2024")


# --- broken links (R-11, R-13) ----------------------------------------------------------------------------
def test_broken_link_says_obsidian_creates_the_note() -> None:
    assert at("[[Nope$0]]") == (
        "**Broken link**: no note or file `Nope.md` in the vault (Obsidian creates it when the link is clicked)", "[[Nope]]")
    assert at("![[nope$0]]")[0] == ("**Broken link**: no note or file `nope.md` in the vault\n\n"
                                    "Obsidian shows a “could not be found” placeholder instead of the embed.")


def test_bare_alias_link_explains_and_shows_the_card() -> None:
    markdown, hovered = at("[[@bereska$02024]]")
    assert hovered == "[[@bereska2024]]"
    assert markdown == CARD + (
        "\n\n---\n\n**Broken link**: `@bereska2024` is an alias of `lit/bereska2024-literature-note.md`, but Obsidian "
        "resolves only file names: clicking creates an empty note; write `[[bereska2024-literature-note|@bereska2024]]`")
    other, _ = at("[[N1$0]]")
    assert other.startswith("**Broken link**: `N1` is an alias of `Note.md`")


def test_missing_heading_and_block() -> None:
    assert at("[[Note#Nxt$0]]")[0] == ("**Broken link**: no heading `Nxt` in `Note.md`; did you mean `Next`?\n\n"
                                       "Obsidian opens the note at its top.")
    assert at("[[Note#^abd$0]]")[0] == "**Broken link**: no block `^abd` in `Note.md`\n\nObsidian opens the note at its top."
    assert at("text ^one\n\n[[#^two$0]]")[0].startswith("**Broken link**: no block `^two` in `src.md`")


def test_nothing_to_say() -> None:
    assert at("plain $0text") is None
    assert at("`[[Note$0]]`") is None
