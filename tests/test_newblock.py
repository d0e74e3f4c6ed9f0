"""Completing a link to a block without an id (spec L-7): the id Obsidian would write, placed per B-2/B-3.

Each offered item inserts the link; its edit adds ` ^id` to a paragraph or list item, or `^id` on its
own line after a blank line for a table, quote or callout. Applying both makes the link resolve.
"""

from __future__ import annotations

import random

from litnotes.features.completion import complete
from litnotes.features.completion.newblock import new_block_completions, unlabelled_blocks
from litnotes.features.completion.context import typing_at
from litnotes.vault import SetNote, VaultHost
from nav_support import Spec, apply_change
from litnotes.features.edits import SourceChange, TextEdit

TARGET = """# T

The quick brown fox.

- item one quick brown
- item two ^has-id

| a | b |
|---|---|
| quick brown | x |
> quote quick brown
> more

Para quick brown with id ^abc

> [!note] Callout
> quick brown inside"""


def placed(text: str) -> list[str]:
    return [f"{u.kind} | {u.words} | {text[:u.insert_at][-12:]!r} + {u.template!r}" for u in unlabelled_blocks(text)]


def test_B2_B3_where_the_new_id_goes() -> None:
    assert placed(TARGET) == [
        "paragraph | The quick brown fox. | 'k brown fox.' + ' ^{id}'",
        "list-item | item one quick brown | ' quick brown' + ' ^{id}'",
        "table | a b quick brown x | ' brown | x |' + '\\n\\n^{id}\\n'",  # a quote follows at once: end the id line
        "quote | quote quick brown more | 'brown\\n> more' + '\\n\\n^{id}'",
        "callout | Callout quick brown inside | 'brown inside' + '\\n\\n^{id}'",
    ]


def test_crlf_notes_get_crlf() -> None:
    text = "| a |\r\n|---|\r\n| b |\r\n\r\nafter\r\n"
    assert [u.template for u in unlabelled_blocks(text)] == ["\r\n\r\n^{id}", " ^{id}"]


def offered(src: str, target: str = TARGET) -> tuple[Spec, list]:
    s = Spec(f"//- src.md\n{src}\n//- other.md\n{target}\n")
    result = complete(s.vault, s.path, s.text, s.offset, text_of=s.text_of)
    return s, [c for c in result.items if c.edits]


def test_items_insert_the_link_and_carry_the_id_edit() -> None:
    s, items = offered("See [[other#^quick bro$0")
    assert [(c.label, c.detail.split(" in ")[1]) for c in items] == [
        ("The quick brown fox.", "other (paragraph)"), ("item one quick brown", "other (list-item)"),
        ("a b quick brown x", "other (table)"), ("quote quick brown more", "other (quote)"),
        ("Callout quick brown inside", "other (callout)")]
    new_id = items[0].new_text.split("#^")[1].removesuffix("]]")
    assert items[0].new_text == f"other#^{new_id}]]" and len(new_id) == 6
    assert [(e.path, e.new_text) for e in items[0].edits] == [("other.md", f" ^{new_id}")]


def test_typing_the_words_parses_the_target_note_once(monkeypatch) -> None:
    """Each keystroke of `[[other#^quick bro` asks again; the target note is parsed in detail once
    while its text is unchanged (features/details.py)."""
    from litnotes.syntax import parse

    parses: list[int] = []
    real = parse._parse
    monkeypatch.setattr(parse, "_parse", lambda text, options, detailed=True: parses.append(len(text)) or real(text, options, detailed))
    s = Spec("//- src.md\nSee [[other#^q$0\n//- other.md\n" + TARGET + "\n")
    complete(s.vault, s.path, s.text, s.offset, text_of=s.text_of)
    parses.clear()
    for typed in ("qu", "qui", "quick", "quick b", "quick bro"):
        text = s.text.replace("#^q", "#^" + typed)
        result = complete(s.vault, s.path, text, text.index(typed) + len(typed), text_of=s.text_of)
        assert [c.label for c in result.items if c.edits][:1] == ["The quick brown fox."]
    target = len(s.text_of("other.md"))
    assert target not in parses


def test_applying_item_and_edit_makes_the_link_resolve() -> None:
    s, items = offered("See [[other#^quote more$0")
    (item,) = items
    link_edit = SourceChange((TextEdit("src.md", item.start, item.end, item.new_text),) + item.edits)
    files = apply_change(s.files, link_edit)
    host = VaultHost()
    vault, _ = host.apply([SetNote(p, t) for p, t in files.items()])
    (link,) = vault.note("src.md").links
    res = vault.resolve("src.md", link)
    assert res.block is not None and res.block.block_kind == "quote"
    assert files["other.md"][res.block.block_start:res.block.block_end] == "> quote quick brown\n> more"


def test_blocks_with_ids_and_words_that_do_not_match_are_not_offered() -> None:
    _, items = offered("See [[other#^with id$0")
    assert items == []
    _, items = offered("See [[other#^zebra$0")
    assert items == []


def test_same_note_block_uses_additional_edits_in_this_note_not_the_paragraph_being_typed() -> None:
    spec = "//- src.md\nA paragraph about zebras.\n\nSee [[^zebra$0\n"
    s = Spec(spec)
    typing = typing_at(s.text, s.offset)
    items, _ = new_block_completions(s.vault, s.path, s.text, typing, s.text_of, rng=random.Random(1))
    assert [(c.label, c.new_text, [(e.path, e.start, e.new_text) for e in c.edits]) for c in items] == [
        ("A paragraph about zebras.", "#^44cb63]]", [("src.md", 25, " ^44cb63")])]


def test_without_text_of_no_new_ids_are_offered() -> None:
    s = Spec(f"//- src.md\nSee [[other#^quick$0\n//- other.md\n{TARGET}\n")
    assert [c for c in complete(s.vault, s.path, s.text, s.offset).items if c.edits] == []
