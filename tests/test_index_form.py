"""The index form of a note (what the vault keeps of notes it does not need in detail, issue #7).

A loaded vault holds each note without its callouts and Zotero highlights (the bulk of a
literature note's text), keeping only a digest of each highlight for vault-wide search; features
that show a whole highlight re-parse that one note. These tests pin down what is kept and that
nothing a feature shows is lost.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from litnotes.disk.load import load_vault
from litnotes.features import details
from litnotes.features.completion import complete
from litnotes.features.hover import hover
from litnotes.syntax import parse_note
from litnotes.vault import SetNote, VaultHost
from litnotes.vault.host import KEEP_DETAILED
from shared_paths import CORPORA, SEED, require_shared


def _seed() -> str:
    return require_shared(SEED).read_text(encoding="utf-8")


def test_index_form_keeps_what_other_notes_see_and_a_digest_of_each_highlight() -> None:
    note = parse_note(_seed())
    slim = note.index_form()
    assert not slim.detailed and slim.highlights == () and slim.callouts == ()
    for field in ("length", "frontmatter", "headings", "block_ids", "links", "citations", "tags", "citekey_defs",
                  "glued_ids", "problems", "metadata"):
        assert getattr(slim, field) == getattr(note, field), field
    assert slim.highlight_count == len(note.highlights) == 10
    assert slim.digests() == note.digests()
    assert slim.digests()[0].block_id == "29lz2rml" and slim.digests()[0].label == "Note"
    assert len(slim.digests()[0].quote.split()) == 9  # first words only
    assert slim.index_form() is slim
    assert len(pickle.dumps(slim)) < 0.7 * len(pickle.dumps(note))  # the seed's quotes are short; 2.6x on the bench vault


def test_digests_survive_packing_on_every_corpus_literature_note() -> None:
    root = require_shared(CORPORA)
    checked = 0
    for path in sorted(root.rglob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace")
        if "[!quote]" not in text and "zotero://" not in text:
            continue
        note = parse_note(text)
        assert note.index_form().digests() == note.digests(), path
        checked += bool(note.highlights)
    assert checked >= 3


def test_loaded_notes_are_in_index_form_and_hover_still_shows_the_whole_quote(tmp_path: Path) -> None:
    seed = _seed()
    (tmp_path / "bereska2024-literature-note.md").write_text(seed, encoding="utf-8")
    (tmp_path / "reading.md").write_text("See ![[bereska2024-literature-note#^29lz2rml]]\n", encoding="utf-8")
    host, _ = load_vault(tmp_path, workers=1)
    vault = host.vault
    assert not vault.note("bereska2024-literature-note.md").detailed
    text = (tmp_path / "reading.md").read_text(encoding="utf-8")
    found = hover(vault, "reading.md", text, text.index("29lz"), lambda p: (tmp_path / p).read_text(encoding="utf-8"))
    quote = parse_note(seed).highlights[0].quote
    assert found is not None and quote in found.markdown  # the whole quote, read from the note's text


def test_block_completion_into_a_closed_literature_note_shows_its_highlights(tmp_path: Path) -> None:
    seed = _seed()
    (tmp_path / "bereska2024-literature-note.md").write_text(seed, encoding="utf-8")
    (tmp_path / "reading.md").write_text("", encoding="utf-8")
    host, _ = load_vault(tmp_path, workers=1)
    text = "[[bereska2024-literature-note#^"
    result = complete(host.vault, "reading.md", text, len(text),
                      text_of=lambda p: (tmp_path / p).read_text(encoding="utf-8"))
    shown = [i for i in result.items if i.kind == "highlight"]
    assert len(shown) == 10 and all("Open in Zotero" in (i.documentation or "") for i in shown)


def test_vault_wide_block_search_uses_the_digests_of_closed_notes(tmp_path: Path) -> None:
    (tmp_path / "bereska2024-literature-note.md").write_text(_seed(), encoding="utf-8")
    (tmp_path / "reading.md").write_text("", encoding="utf-8")
    host, _ = load_vault(tmp_path, workers=1)
    text = "[[^^reverse-engineering"
    result = complete(host.vault, "reading.md", text, len(text))
    assert [i.new_text for i in result.items] == ["bereska2024-literature-note#^29lz2rml]]"]


def test_only_the_most_recently_edited_notes_stay_in_detail() -> None:
    host = VaultHost()
    seed = _seed()
    for i in range(KEEP_DETAILED + 8):
        host.apply([SetNote(f"n{i}.md", seed)])
    detailed = [p for p, n in host.vault.notes.items() if n.detailed]
    assert sorted(detailed) == sorted(f"n{i}.md" for i in range(8, KEEP_DETAILED + 8))
    host.apply([SetNote("n0.md", seed + "\nmore")])  # edited again: back in detail
    assert host.vault.note("n0.md").detailed and not host.vault.note("n8.md").detailed


def test_repeated_requests_on_one_note_parse_it_once() -> None:
    host = VaultHost()
    host.apply([SetNote("a.md", "x")])
    vault = host.vault
    text = _seed()
    before = details.parse_count()
    for _ in range(5):
        details.live_note(vault, "a.md", text)
    assert details.parse_count() - before == 1


def test_packed_block_ids_read_as_the_tuple_they_pack() -> None:
    note = parse_note(_seed() + "\n- item ^Listid\n\n| a |\n|---|\n| b |\n\n^tableid\n")
    packed = note.index_form().block_ids
    assert type(packed).__name__ == "PackedBlockIds" and len(packed) == len(note.block_ids) == 13
    assert tuple(packed) == note.block_ids and packed == note.block_ids and packed == list(note.block_ids)
    assert hash(packed) == hash(note.block_ids) and packed[-1] == note.block_ids[-1] and packed[1:3] == note.block_ids[1:3]
    assert pickle.loads(pickle.dumps(packed)) == packed
    assert note.index_form().block_map() == note.block_map()
    assert parse_note("no ids").index_form().block_ids == ()


def test_packed_block_map_is_the_detailed_one() -> None:
    """B-7 and B-8 on packed ids: list items win over sections, the last of equal ids wins, ids
    compare lower-cased (non-ASCII too); a `BlockId` is made only for the ids looked up."""
    for text in ("para ^Dup\n\npara ^dup\n\n- item ^DUP\n- other ^x\n\nÉté ^Été\n\nΣ ^ΑΣ\n",
                 "one ^a\n\ntwo ^b\n\nthree ^A\n", "- a ^i\n- b ^i\n\npara ^i\n"):
        note = parse_note(text)
        packed = note.index_form()
        assert type(packed.block_ids).__name__ == "PackedBlockIds"
        detailed, lazy = note.block_map(), packed.block_map()
        assert list(lazy) == list(detailed) and dict(lazy.items()) == detailed and len(lazy) == len(detailed)
        for key in list(detailed) + ["missing"]:
            assert lazy.get(key) == detailed.get(key) and (key in lazy) == (key in detailed)


def test_duplicate_block_ids_are_reported_the_same_in_detail_and_in_index_form() -> None:
    """B-7: the last of two equal ids wins; only the other is reported (records of a packed note are
    made anew on every read, so the winner is found by position, not by identity)."""
    from litnotes.features import diagnose_note  # noqa: PLC0415

    text = "first ^dup\n\nsecond ^DUP\n\nthird ^other\n"
    found = []
    for note in (parse_note(text), parse_note(text).index_form()):
        host = VaultHost()
        host.apply([SetNote("a.md", syntax=note)])
        found.append([(d.start, d.code) for d in diagnose_note(host.vault, "a.md")])
    assert found[0] == found[1] == [(6, "block-id.duplicate")]
    assert parse_note(text).index_form().block_keys() == parse_note(text).block_keys() == ["dup", "dup", "other"]


def test_separators_and_line_breaks_inside_fields_do_not_shift_records() -> None:
    # A label holding the digest's own field/record separators (pasted control characters) and an
    # alias holding a line break: each record keeps six fields and each name one search line.
    text = ('---\naliases: ["two\\nlines"]\n---\n'
            '>[!quote] <mark style="background: #ffd400;">A\x1fB\x1eC</mark> | '
            '[page 3](zotero://open-pdf/library/items/AAAA?page=3&annotation=KEY1) ^KEY1\n'
            '>“a quote”\n\n'
            '>[!quote] <mark style="background: #ffd400;">Plain</mark> | '
            '[page 4](zotero://open-pdf/library/items/AAAA?page=4&annotation=KEY2) ^KEY2\n>“another”\n')
    note = parse_note(text)
    slim = note.index_form()
    assert [r[:3] for r in slim.digest_records()] == [["KEY1", "#ffd400", "A B C"], ["KEY2", "#ffd400", "Plain"]]
    assert slim.search_names() == note.search_names()
    assert slim.search_names().decode().splitlines()[0] == "two lines"


def test_every_record_pickles_to_an_equal_record_of_its_class() -> None:
    note = parse_note(_seed())
    for form in (note, note.index_form()):
        back = pickle.loads(pickle.dumps(form, protocol=pickle.HIGHEST_PROTOCOL))
        assert back == form and type(back) is type(form)
        for name in ("headings", "links", "citations", "tags", "callouts", "highlights", "citekey_defs", "problems"):
            assert [type(r) for r in getattr(back, name)] == [type(r) for r in getattr(form, name)], name
        assert back.frontmatter == form.frontmatter and back.extra == form.extra


_HIGHLIGHT = ('>[!quote] <mark style="background: #FFF3A3A6;">{label}</mark> | [View in local Zotero: page {page}]'
              '(zotero://open-pdf/library/items/MGFTCTVY?page={page}&annotation=K{n}) {block}\n>“{quote}”\n\n')
DIGEST_CASES = {  # name -> (quotes, with block ids, text before): how the digests are compressed differs
    "named, with search names as the dictionary": (["the first quote goes on and on past nine words", "short"], True, "# Notes\n"),
    "unnamed, no search names at all": (["no block id here", "nor here"], False, ""),
    "emoji, CJK and a lone surrogate": (["🔬 表現 causalité \ud800 fin", "📈 学習"], True, ""),
    "front matter and a heading": (["one", "two words"], True, "---\naliases: [Alias]\n---\n# Über\n"),
    "more than a 32 KB dictionary": ([f"quote number {i} " + "word " * 30 for i in range(400)], True, "# H\n" * 50),
}


@pytest.mark.parametrize("quotes, named, extra", DIGEST_CASES.values(), ids=DIGEST_CASES.keys())
def test_compressed_digests_read_back_as_the_detailed_notes_digests(quotes: list[str], named: bool, extra: str) -> None:
    text = extra + "".join(_HIGHLIGHT.format(label=f"Label {i % 3}", quote=q, page=i + 1, n=i,
                                             block=f"^b{i}" if named else "") for i, q in enumerate(quotes))
    note = parse_note(text)
    slim = note.index_form()
    assert slim.digests() == note.digests() and [d.quote[:5] for d in note.digests()] == [q[:5] for q in quotes]
    assert slim.digest_records() == note.digest_records() and slim.named_highlights() == note.named_highlights()
    assert slim.search_names() == note.search_names()
    again = pickle.loads(pickle.dumps(slim))
    assert again.digests() == note.digests() and again.highlight_digest == slim.highlight_digest
    if len(quotes) > 100:
        assert len(slim.highlight_digest) < len(text) / 20


def assert_reads_as(packed, records: tuple) -> None:
    """A packed sequence reads as the tuple of records it packs: iterated, compared, hashed,
    indexed, sliced and pickled."""
    assert tuple(packed) == records and packed == records and list(packed) == list(records)
    assert [type(r) for r in packed] == [type(r) for r in records]
    assert len(packed) == len(records) and hash(packed) == hash(records)
    assert [packed[i] for i in range(len(packed))] == list(records) and packed[1:] == records[1:]
    assert pickle.loads(pickle.dumps(packed)) == packed


HEADING_CASES = {  # name -> note text: what the packed headings must read back as
    "levels, closing hashes, setext and a section": "# Title\n\ntext\n\n## Methods ##\n\nbody\n\nSetext\n===\n\n### Deep\n",
    "empty heading texts": "#\n\n## \n\n# last\n",
    "unicode and a block id in a heading": "# Über 🔬 表現\n\n## Methods ^m1\n\n#### \ud800 lone\n",
    "inside a literature note": None,  # the seed
    "no headings (not packed)": "just text\n",
}


@pytest.mark.parametrize("text", HEADING_CASES.values(), ids=HEADING_CASES.keys())
def test_packed_headings_read_as_the_tuple_they_pack(text: str | None) -> None:
    note = parse_note(_seed() if text is None else text)
    packed = note.index_form().headings
    assert type(packed).__name__ == ("PackedHeadings" if note.headings else "tuple")
    assert_reads_as(packed, note.headings)
    assert note.index_form().outline() == note.outline() == [(h.level, h.text) for h in note.headings]
    slim = note.index_form()
    assert pickle.loads(pickle.dumps(slim)) == slim
    assert slim.search_names() == note.search_names() and slim.index_form() is slim


def test_headings_with_a_nul_stay_records() -> None:
    note = parse_note("# a\0b\n\n## c\n")
    assert note.index_form().headings == note.headings and type(note.index_form().headings) is tuple


LINK_CASES = {  # name -> note text: every field of `Link` the packed links must read back
    "wikilinks, embeds, subpaths, display texts": "[[a]] ![[b#H]] [[c#^id|shown]] [[d|]] [[#own heading]] ![[e#]]\n",
    "markdown links and a front-matter link": '---\nup: "[[fm target]]"\n---\n[text](f.md#Sec) ![img](p%20q.png) [](g.md)\n',
    "in a comment and a table pipe": "%% [[hidden]] %%\n\n| a | [[x|y]] |\n|---|---|\n| [[z]] | b |\n",
    "unicode and a lone surrogate": "[[Über 🔬|表現]] [[\ud800 odd]]\n",
    "inside a literature note": None,  # the seed
    "no links (not packed)": "just text\n",
}


@pytest.mark.parametrize("text", LINK_CASES.values(), ids=LINK_CASES.keys())
def test_packed_links_read_as_the_tuple_they_pack(text: str | None) -> None:
    note = parse_note(_seed() if text is None else text)
    slim = note.index_form()
    packed = slim.links
    assert type(packed).__name__ == ("PackedLinks" if note.links else "tuple")
    assert_reads_as(packed, note.links)
    assert [(link.subpath, link.display, link.embed, link.in_comment, link.table_pipe) for link in packed] == [
        (link.subpath, link.display, link.embed, link.in_comment, link.table_pipe) for link in note.links]
    assert slim.link_paths() == note.link_paths() == [link.path for link in note.links]
    assert pickle.loads(pickle.dumps(slim)) == slim


def test_packed_links_keep_their_records_for_repeated_reads() -> None:
    packed = parse_note("[[a]] [[b#c|d]]\n").index_form().links
    assert next(iter(packed)) is next(iter(packed))  # references read the same ~500 notes per request


def test_making_the_index_form_keeps_no_detailed_note_alive() -> None:
    # A worker parses thousands of notes and keeps only their index forms: the block-map cache must
    # not hold the detailed notes (it did: ~100 MB per worker).
    from litnotes.syntax import model

    note = parse_note(_seed())
    slim = note.index_form()
    assert slim.search_names() == note.search_names()  # (this asks the detailed note's block map: cached)
    model._BLOCK_MAPS.clear()
    parse_note(_seed()).index_form()
    assert all(kept.detailed is False for kept in model._BLOCK_MAPS.owners())


def test_values_kept_by_identity_are_bounded_and_never_served_to_an_equal_object() -> None:
    from litnotes.syntax.records import KeptByIdentity

    kept = KeptByIdentity(2)
    a, b, c, a_again = ("a",), ("b",), ("c",), tuple(["a"])
    assert kept.keep(a, 1) == 1 and kept.get(a) == 1 and kept.get(a_again) is None  # equal, not the same object
    kept.keep(b, 2)
    kept.keep(c, 3)  # the oldest, a, goes
    assert kept.get(a) is None and (kept.get(b), kept.get(c)) == (2, 3) and kept.owners() == [b, c]


_SPACES = [" ", " ", " ", "  ", "\u200b", "\ufeff"] + [chr(c) for c in range(0x110000) if chr(c).isspace()]
_WORDS = ["a", "word", "é", "😀", "“q”", "x-y", "^id", "#t", "\x00", "\u0300"]


def test_first_words_is_the_first_words_split_and_joined() -> None:
    """`digests.first_words` (one match for single-spaced quotes) equals `" ".join(q.split(None, 9)[:9])`
    for every kind of space (`str.isspace`), leading and trailing ones, unprintable characters, and any number of words."""
    import random

    from litnotes.syntax.digests import DIGEST_WORDS, first_words

    rng = random.Random(5)
    for _ in range(20000):
        quote = "".join(rng.choice(_WORDS if rng.random() < 0.6 else _SPACES) for _ in range(rng.randrange(24)))
        assert first_words(quote) == " ".join(quote.split(None, DIGEST_WORDS)[:DIGEST_WORDS]), repr(quote)
