"""Differential test of the parser's fast paths: with them on (`syntax.fastpaths.ENABLED`) and off,
`parse_note` must give the same `NoteSyntax` (its `extra` too) and `parse_blocks` the same block tree.

It guards the shortcuts that make literature notes cheap to parse: the Zotero highlight callout
read without the generic quote machinery (`syntax/callouts.py`, with its lazily built children
and the `simple` shortcuts in `structure.py`), the standard Zotero link read in one match
(`highlights.py`), one-line YAML lists of words (`yamlfast.py`), and the one-pass scans for common-shape Markdown links, HTML tags and URLs
(`inline.py`), and `parse.index_note`, the parse worker's way to the index form. The texts are built from the pieces those shortcuts must recognise or refuse:
callout lines with `>`, `> `, `>>`, lazy continuation lines, blank and whitespace-only lines,
`^id`s, lists, fences, `$$`, `%%`, HTML, tables, headings, setext underlines, links, cites, tabs,
CR/CRLF line ends and non-ASCII text.
"""

from __future__ import annotations

import pickle
import random

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from litnotes.syntax import fastpaths, index_note, parse_note
from litnotes.syntax.blocks import parse_blocks, split_lines
from shared_paths import SEED, require_shared

TITLES = [
    '>[!quote] <mark style="background: #FFF3A3A6;">Note</mark> | '
    "[View in local Zotero: page 1](zotero://open-pdf/library/items/MGFTCTVY?page=1&annotation=29LZ2RML) ^29lz2rml",
    '> [!quote] <mark style="background: #D2B3FFA6;">Important</mark> | '
    "[View in local Zotero: page 12](zotero://open-pdf/library/items/AB12?page=12&annotation=XY) ^other",
    '>[!quote] <mark class="hltr-red">Red</mark> | [page 3](zotero://open-pdf/library/items/K?page=3&annotation=Q%2B1) ^q',
    ">[!quote] [View: page 2](zotero://open-pdf/library/items/K?annotation=Z) ^z",
    ">[!quote]", "> [!note] Title", "> [!info]- Folded ^a", ">[!a|b]+ T", ">[!]", "> [! ] t", ">  [!x] two spaces",
    ">[!quote] title^glued", ">[!quote] ^only-id", ">[!Quote Me] spaced type", "> [!quote] `code` $x$ #tag @key",
    ">[!quote] <mark style=\"background: #FFF;\">L</mark> | [p](zotero://open-pdf/x?page=1) ^id %%c%%",
]
BODY = [
    ">“quote text”", ">“quote ^id”", "> text ^blk-1", ">text^glued", "> a ^mis placed", ">", "> ", ">  ", ">\t", "> \xa0",
    ">\u2028", ">\x0c", ">>comment", ">> comment", "> > spaced", ">>", ">> ", ">>>deep", ">>[!inner] t", ">> [!inner]",
    ">>- list", ">>> >", "> - list", "> * star", "> 1. one", "> 2) two", "> # heading", "> ```", "> ~~~", "> $$", "> $x$",
    "> <div>", "> <!--", "> | a | b |", "> |---|---|", "> a | b", "> ---", "> ***", "> ===", ">  four", ">    code", ">     five spaces", ">      six", ">>     nested code", ">  \tx",
    ">\tx", ">![[assets/img.png]]", ">![[ spaced.png ]]", ">![[ a.png ]] tail", ">![[a.png]] tail", ">[link](note.md) and [[wiki]]", "> [!nested] title",
    "> [@key, p. 3]", "> @key and #tag", "> %% c %%", "> é ü 日本 😀", "> text\\", "> [x](<a b.md>)", ">>“q” ^id",
    ">[[a|b]]", "> trailing   ", "> `code`", ">‘single’", "> **Title**: T", ">*emph*", "> * item", "> ***", "> **", "> ** x",
    ">**", ">* ", "> *\tx", "> **a", ">***a", "> *-*", "> **\u00a0x", '>"ascii quoted"', '>“mixed"', ">' single '",
    # Quotes of ten words and more: the index form reads their first nine words in the line (highlights._QUOTED_WORDS).
    ">“one two three four five six seven eight nine ten”", "> “one two three four five six seven eight nine ten eleven",
    ">“one two three four five six seven eight nine ”", ">“one two three four five six seven eight nine ”ten",
    ">“one two three four five six seven eight nine\tten”", ">“one two three four five six seven eight\xa0nine ten",
    ">““one two three four five six seven eight nine ten", ">“ one two three four five six seven eight nine ten",
    ">“one  two three four five six seven eight nine ten", ">“one two three four five six seven eight nine “ten”",
]
AFTER = ["", "", " ", "\t", "`", "x `a", "$", "$$", "<!--", "-->", "lazy continuation", "  >indented marker", "\xa0", "- item", "# heading", ">x", "   ", "^standalone",
         "    code", "===", "---", "1. one", "| a | b |", "<div>", "```"]
LINES = [
    "", "", "# H1", "## H2 ^hid", "Title", "===", "---", "- item", "- [ ] task ^t1", "  - nested", "1. one", "```", "```py",
    "~~~", "$$", "$$ x $$", "%%", "%% c %%", "<div>", "</div>", "<!--", "-->", "| a | b |", "|---|---|", "| [[a\\|b]] | x |",
    "text [[link]] and ![[embed.png]] [x](y.md#h) [@key] @key #tag", "**Cite key**: k1", "**Imported: 2024-12-04**^e0c377",
    "^standalone", "para ^pid", "    indented", "\tcode", "> plain quote", ">", "> > nested", "https://x.org/a#b `c`",
    "<mark style=\"background: #FFF3A3A6;\">x</mark>", "[a](b \"t](c)\")", "[x](zotero://open-pdf/library/items/A?page=1)^x",
    "a `b", "`", "$", "$$ a", "<!-- c", "c -->",
]

# Pieces of inline syntax, glued at random into lines: links with escapes, titles and odd
# destinations, URLs with misreadable characters, HTML tags with attributes.
INLINE = [
    "[", "]", "](", "(", ")", "\\", "!", "[x](y.md)", "[x](y z)", "[x](<a b.md>)", "[x](y \"t](u)\")", "[x](y 'q')",
    "[x](a(b)c)", "\\[x](y)", "[x\\](y)", "[a [b](c)", "[[w]]", "[[", "]]", "https://x.org/a", "zotero://open-pdf/a?b=1",
    "http://x/#f", "ftp://h/%%c", "://", "%", "%%", "#", "@k", "^", "$", "`", "<!--", "-->", "<b x='#'>", "<a href=\"](x)\">",
    "<i\n#>", "<mark style=\"background: #FFF3A3A6;\">", "</mark>", "<br>", "<x [[y]]>", "<a x=\"[t](y.md)\">", "[a\nb](c.md)", "[a\n\nb](c)", " ", " ", "t", "word", "\"", "'",
    "<", ">", "\n", ":", "é", "日本",
]


# Labels, link texts and URL parts that each hold something the standard-title shortcuts must refuse.
TRICKY = ["", "Note", "View in local Zotero: page 7", "a %%b%% c", "x @key", "[@key]", "x #tag", "`c`", "$x$", "[[w]]", "[l](n.md)", "a]b", "a[b", "<b>",
          "<i x='#'>", "a\\", "**b**:", "a|b", "^x", "https://x.org/#a", "a -->", "a*b"]
KEYS = ["1", "", "iv", "a^b", "1%2B", "a+b", "1&x=2", "1?annotation=Z", "#3", "a@b", "2`", "3$", "a%%b"]


def standard_title(label: str = "Note", link: str = "View", page: str = "1", key: str = "AB12", block_id: str = "k1",
                   prefix: str = ">", tail: str = "") -> str:
    return (f'{prefix}[!quote] <mark style="background: #FFF3A3A6;">{label}</mark> | '
            f"[{link}](zotero://open-pdf/library/items/AB12?page={page}&annotation={key}) ^{block_id}{tail}")


@st.composite
def zotero_title(draw) -> str:
    """Title lines in and just out of the standard Zotero shape (`callouts.ZOTERO_TITLE`)."""
    if draw(st.booleans()):
        return standard_title(draw(st.sampled_from(TRICKY)), draw(st.sampled_from(TRICKY)))
    return standard_title(draw(st.sampled_from(TRICKY)), draw(st.sampled_from(TRICKY)), draw(st.sampled_from(KEYS)),
                          draw(st.sampled_from(KEYS)), draw(st.sampled_from(["k1", "a-b", "a^b", ""])),
                          draw(st.sampled_from([">", "> ", ">  "])), draw(st.sampled_from(["", " ", "x", "`", "$"])))


@st.composite
def callout(draw) -> str:
    lines = [draw(st.one_of(st.sampled_from(TITLES), zotero_title()))]
    lines += draw(st.lists(st.sampled_from(BODY), max_size=5))
    lines.append(draw(st.sampled_from(AFTER)))
    return "\n".join(lines)


inline = st.lists(st.sampled_from(INLINE), max_size=16).map("".join)
pieces = st.one_of(callout(), callout(), st.sampled_from(LINES), inline, st.text(max_size=6))
FLOW_ITEMS = ["a", "topic/x", "é", "日本", "1", "0x1F", ".5", ".inf", "null", "true", "a b", "", "-a", "+", "a.b", "a_b", "#c",
              "'q'", '"q"', "a:b", "\t", " ", "[b]", "٣", "a\x07"]
flow_list = st.lists(st.sampled_from(FLOW_ITEMS), max_size=4).map(lambda items: "[" + ", ".join(items) + "]")
frontmatter = st.one_of(
    st.sampled_from(["", "---\naliases:\n  - \"@k\"\n---\n"]),
    st.tuples(flow_list, st.sampled_from(["", " ", "  # c", ",", "]"])).map(lambda t: f"---\ntags: {t[0]}{t[1]}\nx: 1\n---\n"),
)
texts = st.tuples(
    frontmatter,
    st.lists(pieces, max_size=14),
    st.sampled_from(["\n", "\n", "\n", "\r\n", "\r"]),
).map(lambda t: t[0] + t[2].join(t[1]))


def both(fn, *args):
    fastpaths.ENABLED = False
    try:
        generic = fn(*args)
    finally:
        fastpaths.ENABLED = True
    return fn(*args), generic


def tree(blocks) -> list:
    """A block tree as plain values (touching every lazily built child)."""
    return [(b.kind, b.level, [(line.text, line.offset) for line in b.lines],
             None if b.callout is None else b.callout[:3] + ((b.callout[3].text, b.callout[3].offset),),
             tree(b.children)) for b in blocks]


def check(text: str) -> None:
    fast, generic = both(parse_note, text)
    assert fast == generic
    assert fast.extra == generic.extra
    # The worker's shortcut to the index form (no callouts, digests made directly) gives it exactly.
    quick, quick_generic = both(index_note, text)
    assert pickle.dumps(quick) == pickle.dumps(fast.index_form())
    assert quick_generic == generic.index_form() == quick
    assert not [p for p in fast.problems if p.code == "note.internal-error"]
    fast_tree, generic_tree = both(lambda: tree(parse_blocks(split_lines(text))))
    assert fast_tree == generic_tree


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
@example(TITLES[0] + "\n>“q”\n>>c\nlazy")  # a lazy line after the nested quote
@example(TITLES[0] + "\n>“q”\n>>c\n>after the comment")  # the nested quote continues lazily
@example(TITLES[0] + "\n>“q”\n\xa0")  # not blank to the quote: a lazy continuation
@example(TITLES[0] + "\n>\xa0\n>x")  # blank to one reader, text to the other
@example(TITLES[0] + "\n>>[!inner] t\n>>x")  # a nested callout
@example(TITLES[0] + "\n>>\xa0")
@example("- item\n  " + TITLES[0] + "\n  >“q”")  # a callout inside a list item
@example("> " + TITLES[0] + "\n> >“q” ^x")  # a callout inside a quote
def test_fast_paths_change_nothing(text: str) -> None:
    check(text)


@pytest.mark.parametrize("body", BODY)
def test_standard_highlights_with_every_body_line(body: str) -> None:
    """A standard Zotero title with each body line alone, before a comment and after a quote."""
    for lines in ([body], [body, ">>a comment"], [">“quote”", body], [body, body]):
        for after in ("", "\n", "\nlazy", "\n^standalone"):
            check("\n".join([standard_title(), *lines]) + "\n" + after)


@pytest.mark.parametrize("tricky", TRICKY + KEYS)
def test_standard_titles_with_odd_parts(tricky: str) -> None:
    """Every field of the standard Zotero title holding something inline syntax acts on, alone and
    next to code spans, math and comments that may span lines."""
    for title in (standard_title(label=tricky), standard_title(link=tricky), standard_title(page=tricky),
                  standard_title(key=tricky), standard_title(block_id=tricky), standard_title(page="", link=tricky)):
        for before, after in (("", ""), ("x `a\n", "\n>b`"), ("$$\n", "\n>$$"), ("<!--\n", "\n-->"), ("%%\n", "\n%%")):
            check(f"{before}{title}\n>“quote”{after}\n\nAfter [[x]] #t @k [l](m.md) <b x='#'>")


@pytest.mark.parametrize("depth", [44, 45, 46, 47, 48, 49])
def test_fast_paths_near_the_nesting_limit(depth: int) -> None:
    prefix = "> " * depth
    check("\n".join(prefix + line for line in (TITLES[0], ">“q”", ">>c", "")) + "\n" + "- " * depth + TITLES[0])


def test_the_seed_note() -> None:
    check(require_shared(SEED).read_text(encoding="utf-8"))


def test_a_generated_literature_note_with_every_variation() -> None:
    """The benchmark generator's shape, with the optional comment and image lines."""
    rng = random.Random(3)
    parts = ["---\naliases:\n  - \"@k\"\n---\n> [!info] Metadata\n> **Cite key**: k\n\n# Annotations\n"]
    for i in range(60):
        parts.append(rng.choice(TITLES[:4]).replace("^", f"^n{i}x"))
        parts.append(rng.choice([">“words words”", ">![[assets/k/img.png]]", "> “spaced”"]))
        if rng.random() < 0.3:
            parts.append(rng.choice([">>a comment", ">> comment", "> > c"]))
        parts.append(rng.choice(["\n", "\n\n", "\n^standalone\n"]))
    check("\n".join(parts))


def test_fast_record_constructors_build_the_same_records() -> None:
    """`records.fast` builds what the dataclass constructor builds: same type, equal, same hash,
    the same values in every slot, pickled alike; defaults and default factories apply."""
    import dataclasses
    import pickle

    from litnotes.syntax import model
    from litnotes.frozen import fast

    for cls in (model.Callout, model.BlockId, model.Highlight, model.Link, model.Heading, model.Citation, model.Tag,
                model.Problem, model.NoteSyntax):
        required = [f for f in dataclasses.fields(cls)
                    if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
        args = [(i, f"v{i}") if "tuple" in str(f.type) else i + 1 for i, f in enumerate(required)]
        slow, quick = cls(*args), fast(cls)(*args)
        assert type(quick) is cls and quick == slow and pickle.loads(pickle.dumps(quick)) == slow
        assert [getattr(quick, name) for name in cls.__slots__] == [getattr(slow, name) for name in cls.__slots__]
        if cls is not model.NoteSyntax:
            assert hash(quick) == hash(slow)
    assert fast(model.NoteSyntax)(1, None, (), (), (), (), (), (), (), (), (), ()).extra == {}

    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        x: int

        def __post_init__(self) -> None:
            assert self.x > 0

    assert fast(Checked) is Checked
