"""Runs of standard Zotero highlights read apart from the block parser (`syntax/runs.py`).

`parse.index_note` gives the block parser only the first and last callout of each run of at least
three and makes what the ones between define directly. These tests check that the result is the
general parser's (`test_parser_fastpath.check`) wherever a run stands: after anything that may
still be open (fences, HTML, math, lists, quotes, indented code, comments that span lines), with
body lines the shortcut must take or refuse, with and without blank lines between the callouts,
before a standalone `^id`, and that the shortcut is really taken (or refused) where it should be.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import litnotes.syntax.parse as parse_module
from litnotes.syntax import index_note
from litnotes.syntax import runs as runs_module
from shared_paths import SEED, bench_generator, require_shared
from test_parser_fastpath import AFTER, LINES, check, frontmatter, pieces, standard_title

# Body lines: the usual quote, image and comment, and lines the shortcut must refuse (a `|` or `^`,
# a first character that may start a block, a nested callout, a quote after a comment, blanks).
RUN_BODIES = [
    ">“one two three four five six seven eight nine ten”", ">“short quote”", "> “spaced”", ">plain words: p. 3 (x)",
    ">![[assets/k/zotero-image-2-x1-y2.png]]", ">>comment", ">> comment", "> > c", ">>[!inner] t", ">>- list",
    ">“a | b”", ">“x ^id”", ">“x”^glued", ">", "> ", ">  two spaces", ">- list", ">1. one", "># h", ">```", ">\xa0x",
    ">“é 日本 😀 [[w]] @key #tag `c` $m$ <b x='#'> https://x.org/#a”", ">“%%”", ">“$$”", ">“<!--”", ">\tx",
    ">“one two three four five six seven eight nine”",
]
BETWEEN = ["\n\n", "\n\n\n", "\n \n", "\n\t\n\n", "\n", "\nlazy\n\n", "\n^standalone\n\n"]


@st.composite
def run_of_highlights(draw) -> str:
    """Three to seven callouts with standard titles, bodies and separators drawn from the lists above."""
    parts = []
    for i in range(draw(st.integers(3, 7))):
        title = standard_title(key=f"K{i}", block_id=draw(st.sampled_from([f"k{i}", "dup", "other-id"])),
                               prefix=draw(st.sampled_from([">", ">", "> "])))
        body = draw(st.lists(st.sampled_from(RUN_BODIES[:6]) | st.sampled_from(RUN_BODIES), max_size=3))
        parts.append("\n".join([title, *body]) + draw(st.sampled_from(BETWEEN[:2]) | st.sampled_from(BETWEEN)))
    return "".join(parts)


context = st.lists(st.sampled_from(LINES) | st.sampled_from(AFTER) | pieces, max_size=4).map("\n".join)
texts_with_runs = st.tuples(frontmatter, context, run_of_highlights(), context, st.lists(run_of_highlights(), max_size=1)) \
    .map(lambda t: t[0] + t[1] + "\n" + t[2] + t[3] + "\n" + "".join(t[4]))


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts_with_runs)
@example("```\n" + (standard_title() + "\n>“q”\n\n") * 4)  # an open fence swallows the run
@example("- item\n\n" + (standard_title() + "\n>“q”\n\n") * 4)  # a list before it ends at the run
@example("    code\n\n" + (standard_title() + "\n>“q”\n\n") * 4 + "^standalone")  # the id names the last callout
@example("%%\n" + (standard_title() + "\n>“q”\n\n") * 4 + "%%")  # a comment around the run
@example("<div>\n" + (standard_title() + "\n>“q”\n\n") * 4)  # an HTML block ends at the blank line
@example("<!--\n\n" + (standard_title() + "\n>“q”\n\n") * 4 + "-->")  # an HTML comment spans the run
def test_runs_give_what_the_block_parser_gives(text: str) -> None:
    check(text)


def _parsed_offsets(monkeypatch) -> set[int]:
    """Record the offset of every line the block parser is given."""
    seen: set[int] = set()
    real = parse_module.parse_blocks

    def recording(lines, depth=0):
        seen.update(line.offset for line in lines)
        return real(lines, depth)

    monkeypatch.setattr(parse_module, "parse_blocks", recording)
    return seen


def test_the_callouts_between_the_first_and_last_skip_the_block_parser(monkeypatch) -> None:
    text = "# Annotations\n\n" + "".join(standard_title(block_id=f"k{i}", key=f"K{i}") + f"\n>“quote {i}”\n\n\n"
                                         for i in range(6)) + "After ^standalone\n"
    seen = _parsed_offsets(monkeypatch)
    index_note(text)
    titles = [i for i in range(len(text)) if text.startswith(">[!quote]", i)]
    assert [t in seen for t in titles] == [True, False, False, False, False, True]
    check(text)


def test_the_seed_notes_run(monkeypatch) -> None:
    text = require_shared(SEED).read_text(encoding="utf-8")
    runs = runs_module.find_runs(text, 0)
    assert [len(run) for run in runs] == [10]  # its ten highlights, one after another
    seen = _parsed_offsets(monkeypatch)
    index_note(text)
    assert [m.start() in seen for m in runs[0]] == [True] + [False] * 8 + [True]
    check(text)


@pytest.mark.parametrize("before", ["```\n", "~~~\n", "$$\n", "<!--\n\n", "<script>\n\n", "> quote\n"])
def test_a_run_inside_something_still_open_is_parsed_whole(before: str, monkeypatch) -> None:
    """The first callout is not a top-level highlight of exactly its lines: the whole note goes
    through the block parser."""
    text = before + "".join(standard_title(block_id=f"k{i}", key=f"K{i}") + "\n>“q”\n\n" for i in range(5))
    seen = _parsed_offsets(monkeypatch)
    index_note(text)
    assert all(m.start() in seen for m in runs_module.find_runs(text, 0)[0])
    check(text)


def test_runs_need_three_callouts_and_no_carriage_returns() -> None:
    two = (standard_title() + "\n>“q”\n\n") * 2
    assert runs_module.find_runs(two, 0) == []
    assert [len(r) for r in runs_module.find_runs("\n" + two + two, 0)] == [4]
    crlf = ("\n" + two * 2).replace("\n", "\r\n")
    assert runs_module.find_runs(crlf, 0) == []  # (index_note does not even look for them)
    check(crlf)


def test_the_benchmark_generators_literature_notes(monkeypatch) -> None:
    """The notes `make bench` measures: each run is one run, all but its first and last callout
    left out of the block parser, and the index form the general parser's."""
    import random

    generate = bench_generator()
    rng = random.Random(11)
    seen = _parsed_offsets(monkeypatch)
    for i in range(12):
        text, ids = generate.literature_note(rng, f"key{i}", f"Title {i}")
        runs = runs_module.find_runs(text, 0)
        assert [len(run) for run in runs] == [len(ids)]
        seen.clear()
        index_note(text)
        assert sum(m.start() in seen for m in runs[0]) == 2
        check(text)
