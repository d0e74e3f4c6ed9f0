"""Citation cards (litnotes.bib.card.render_card): exact output."""

from __future__ import annotations

import dataclasses

from litnotes.bib import BibEntry, render_card

ENTRY = BibEntry(
    key="bereska2024", extra_keys=(), entry_type="article",
    authors=("Leonard Bereska", "Efstratios Gavves"), editors=(), year="2024", date="2024-04-22",
    title="Mechanistic Interpretability for AI Safety — A Review",
    container="Transactions on Machine Learning Research", volume="", pages="",
    doi="10.48550/arXiv.2404.14082", url="http://arxiv.org/abs/2404.14082",
    zotero_link="zotero://select/library/items/F3DCV9N9", start=0, end=10, key_start=9, key_end=20,
)


def test_full_card() -> None:
    assert render_card(ENTRY, "Literature/bereska2024.md", "Bereska 2024") == (
        "Leonard Bereska, Efstratios Gavves (2024). *Mechanistic Interpretability for AI Safety — A Review*. "
        "Transactions on Machine Learning Research.\n"
        "\n"
        "DOI: [10.48550/arXiv.2404.14082](https://doi.org/10.48550/arXiv.2404.14082) · "
        "[Open in Zotero](zotero://select/library/items/F3DCV9N9)\n"
        "\n"
        "Literature note: [[Literature/bereska2024|Bereska 2024]]"
    )


def test_card_without_note_doi_or_zotero() -> None:
    entry = dataclasses.replace(ENTRY, doi="", zotero_link="", volume="12", pages="1–50")
    assert render_card(entry) == (
        "Leonard Bereska, Efstratios Gavves (2024). *Mechanistic Interpretability for AI Safety — A Review*. "
        "Transactions on Machine Learning Research, 12, 1–50.\n"
        "\n"
        "URL: [http://arxiv.org/abs/2404.14082](http://arxiv.org/abs/2404.14082)"
    )


def test_more_than_three_authors_and_markdown_escaping() -> None:
    entry = dataclasses.replace(
        ENTRY, authors=("A One", "B Two", "C Three", "D Four"), title="The *star* [draft]", container="",
        doi="", url="", zotero_link="", year="")
    assert render_card(entry, "Literature/x.md") == (
        "A One, B Two, C Three et al. *The \\*star\\* \\[draft\\]*.\n\nLiterature note: [[Literature/x]]"
    )


def test_minimal_entry_falls_back_to_key_and_editors() -> None:
    bare = dataclasses.replace(ENTRY, authors=(), title="", container="", doi="", url="", zotero_link="", year="")
    assert render_card(bare) == "*bereska2024*."
    edited = dataclasses.replace(bare, editors=("Ed Itor",), year="1999")
    assert render_card(edited) == "Ed Itor (ed.) (1999). *bereska2024*."
