"""The user's own literature note (shared/seed): everything must work on it first."""

from __future__ import annotations

from litnotes.features import diagnose_note
from litnotes.syntax import parse_note
from vault_dsl import build_vault, parse_fixture

IDS = ["e0c377", "29lz2rml", "usmx6iz5", "bf8m7ibi", "xv6m4cyu", "4k3tiv95", "fp7mx26b", "u2jzjgqp", "i4hvc47b",
       "ddam3efv", "i4in3np3"]


def test_seed_block_ids_highlights_and_cite_key(seed_text: str) -> None:
    note = parse_note(seed_text)
    assert [b.id for b in note.block_ids] == IDS
    assert note.aliases == ("@bereska2024",)
    assert {(d.key, d.source) for d in note.citekey_defs} == {("bereska2024", "alias"), ("bereska2024", "metadata")}
    first = note.highlights[0]
    assert (first.block_id, first.color, first.label, first.page, first.annotation_key) == (
        "29lz2rml", "#FFF3A3A6", "Note", "1", "29LZ2RML")
    assert first.quote.startswith("mechanistic interpretability: reverse-engineering")
    image = note.highlights[3]
    assert image.image.endswith("zotero-image-2-x53-y524.png") and image.label == "Important"
    assert [h.label for h in note.highlights].count("External Insight") == 2
    assert note.problems == ()
    assert [h.text for h in note.headings] == ["Notes", "From Zotero", "From Obsidian", "Annotations", "From Zotero"]


def test_seed_in_a_vault_links_and_cites(seed_text: str) -> None:
    spec = (
        "//- lit/bereska2024-literature-note.md\n" + seed_text + "\n"
        "//- Highlight Colour Codings.md\n## Highlighting Colour Codes\n"
        "//- literature notes/papers/Mechanistic Interpretability for AI Safety -- A Review.md\n"
        "//- assets/Mechanistic Interpretability for AI Safety -- A Review/zotero-image-2-x53-y524.png\n"
        "//- assets/Mechanistic Interpretability for AI Safety -- A Review/zotero-image-3-x67-y588.png\n"
        "//- assets/Mechanistic Interpretability for AI Safety -- A Review/zotero-image-6-x67-y429.png\n"
        "//- reading.md\n[[bereska2024-literature-note#^29lz2rml]] ![[bereska2024-literature-note#^E0C377]] "
        "[@bereska2024, p. 3] [[bereska2024-literature-note|@bereska2024]] [[bereska2024-literature-note#^nope]]\n"
    )
    fixture = parse_fixture(spec)
    vault, _ = build_vault(fixture)
    assert diagnose_note(vault, "lit/bereska2024-literature-note.md") == []
    assert [d.code for d in diagnose_note(vault, "reading.md")] == ["block-ref.unresolved"]
