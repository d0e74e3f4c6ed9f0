"""Property tests: the parser never raises, and every range maps back to its source text."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import pytest

from litnotes.syntax import LineIndex, parse_note

# Fragments that exercise every construct, mixed with arbitrary text.
FRAGMENTS = [
    "[[", "]]", "![[", "|", "\\|", "#", "^", "^abc", " ^id-1", "@", "[@", "-@", "@{x}", "`", "```", "~~~", "$", "$$",
    "<!--", "-->", "<div>", "<mark>", "%%", "> ", ">[!quote] ", "> [!info]- ", "- ", "1. ", "    ", "\t", "---", "===",
    "| a | b |", "|---|---|", "\n", "\r\n", "\r", "\u2028", "\f", "\ufeff", "é", "e\u0301", "日本", "😀", "👩‍💻",
    "[x](y)", "[x](<a b.md#^c>)", "](", "**", "_", "#tag", "**Cite key**: k", "aliases:", "  - \"@k\"", "\x00",
    "zotero://open-pdf/library/items/AB?page=1&annotation=CD", "https://x.org/a#b",
]
texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=60).map("".join)
with_frontmatter = st.tuples(st.sampled_from(["", "---\n", "---\r\n"]), texts, st.sampled_from(["", "\n---\n"]), texts).map("".join)


def check_ranges(text: str) -> None:
    note = parse_note(text)
    assert not [p for p in note.problems if p.code == "note.internal-error"], note.problems
    n = len(text)
    for link in note.links:
        src = text[link.start : link.end]
        if link.kind == "wikilink":
            assert src.startswith("![[" if link.embed else "[[") and src.endswith("]]"), src
        elif link.kind == "markdown":
            assert src.startswith("![" if link.embed else "[") and src.endswith(")"), src
        assert 0 <= link.start <= link.target_start <= link.target_end <= link.end <= n
    for b in note.block_ids:
        assert text[b.start : b.end] == "^" + b.id
        # An id inside its block, or a standalone `^id` line after the block it names (B-3).
        assert b.block_start <= b.start and (b.end <= b.block_end or b.start >= b.block_end)
    for c in note.citations:
        assert text[c.start : c.end] in ("@" + c.key, "-@" + c.key, "@{" + c.key + "}", "-@{" + c.key + "}")
    for t in note.tags:
        assert text[t.start : t.end] == "#" + t.name
    for h in note.headings:
        assert text[h.text_start : h.text_end] == h.text
    for d in note.citekey_defs:
        assert text[d.start : d.end] == d.key
    if note.frontmatter:
        for alias, s, e in note.frontmatter.aliases:
            assert text[s:e] == alias
    for p in note.problems:
        assert 0 <= p.start <= p.end <= n
    index = LineIndex(text)
    for link in note.links:
        for enc in ("utf-8", "utf-16", "utf-32"):
            line, col = index.position(link.start, enc)
            assert index.offset(line, col, enc) == link.start


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_parser_never_raises_and_ranges_are_exact(text: str) -> None:
    check_ranges(text)


@settings(max_examples=200, deadline=None)
@given(with_frontmatter)
def test_frontmatter_variants(text: str) -> None:
    check_ranges(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_unicode(text: str) -> None:
    check_ranges(text)


def test_deep_nesting_does_not_recurse_forever() -> None:
    check_ranges("> " * 10_000 + "[[x]]")
    check_ranges("".join("  " * i + "- item\n" for i in range(2_000)))


# Lone surrogates: a broken paste arrives through JSON ("\ud800") although UTF-8 cannot hold it.
with_surrogates = st.lists(st.one_of(st.sampled_from(FRAGMENTS + ["\ud800", "\udfff", "\ud83d", "---\naliases: [", "]\n---\n"]),
                                     st.text(alphabet=st.characters(blacklist_categories=()), max_size=5)),
                           max_size=40).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(with_surrogates)
@example("---\naliases: [a\ud800, \"@k\udfff\"]\ntitle: {x: \ud83d}\n---\n[[b\ud800]] @k\ud800")
def test_lone_surrogates_never_break_the_parser(text: str) -> None:
    note = parse_note(text)
    assert not [p for p in note.problems if p.code == "note.internal-error"], note.problems
    index = LineIndex(text)
    for link in note.links:
        for enc in ("utf-8", "utf-16", "utf-32"):
            assert index.offset(*index.position(link.start, enc), enc) == link.start


@pytest.mark.parametrize("value", [".inf", "-.inf", "+.INF", ".nan", ".NaN", "1e400", "-2.5e-3"])
def test_yaml_special_floats_read_the_same_by_both_loaders(value: str) -> None:
    """YAML 1.2 `.inf`/`.nan` (Python's float() refuses them) made the note an internal error in the
    simple front-matter reader; both readers now agree (`y` sends the second to the full loader)."""
    simple = parse_note(f"---\nx: {value}\n---\nbody\n")
    full = parse_note(f"---\nx: {value}\ny: {{a: 1}}\n---\nbody\n")
    assert not any(p.code == "note.internal-error" for p in simple.problems + full.problems)
    assert simple.frontmatter.properties[:1] == full.frontmatter.properties[:1]
