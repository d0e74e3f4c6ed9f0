"""Property tests: the readers never raise, and BibTeX key spans always slice back to the key."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from litnotes.bib import parse_bibliography
from litnotes.bib.bbtjson import parse_bbt_json
from litnotes.bib.bibtex import parse_bibtex
from litnotes.bib.csl import parse_csl_json, parse_csl_yaml
from litnotes.bib.latex import decode_latex

SETTINGS = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EXTENSIONS = [".bib", ".biblatex", ".bibtex", ".json", ".csl.json", ".yaml", ".yml"]

# Text made of the characters that matter to the grammars, so the fuzzing reaches deep into them.
SYNTAX = st.text(alphabet=st.sampled_from(list('@{}()",=#%\\\'~-$ \n\tabkeyid:[]0123456789éß')), max_size=300)
BIB_PIECES = st.sampled_from([
    "@article{", "@book(", "@string{", "@comment{", "@preamble{", "@misc{k}", "key,", "key2 ,", "title = ",
    "{", "}", "(", ")", '"', ",", " # ", "and", "\n", "\\'e", "{\\\"o}", "ids = {a, b}", "jan", "@", "%", "\\}",
])
BIBLIKE = st.lists(st.one_of(BIB_PIECES, st.text(max_size=5)), max_size=40).map("".join)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
CSL_KEYS = st.sampled_from(["id", "type", "author", "issued", "title", "DOI", "page", "citation-key", "editor",
                            "container-title", "URL", "volume"])
BBT_KEYS = st.sampled_from(["citationKey", "citekey", "itemType", "creators", "date", "title", "extra", "uri",
                            "select", "DOI", "publicationTitle"])


@SETTINGS
@given(text=st.one_of(st.text(max_size=300), SYNTAX, BIBLIKE), ext=st.sampled_from(EXTENSIONS))
def test_parse_bibliography_never_raises(text: str, ext: str) -> None:
    result = parse_bibliography(text, "library" + ext)
    if result is None:
        return
    for entry in result.entries:
        assert 0 <= entry.start <= entry.key_start <= entry.key_end <= entry.end <= len(text)
    for problem in result.problems:
        assert 0 <= problem.start <= problem.end <= len(text)


@SETTINGS
@given(text=st.one_of(SYNTAX, BIBLIKE, st.text(max_size=300)))
def test_bibtex_key_spans_slice_back(text: str) -> None:
    result = parse_bibtex(text)  # called directly: parse_bibliography would hide a reader bug
    for entry in result.entries:
        assert text[entry.key_start:entry.key_end] == entry.key
        assert text[entry.start] == "@"


@SETTINGS
@given(text=st.one_of(SYNTAX, BIBLIKE, st.text(max_size=300)))
def test_readers_never_raise_on_text(text: str) -> None:
    parse_csl_json(text)
    parse_bbt_json(text)
    parse_csl_yaml(text)
    decode_latex(text)


@SETTINGS
@given(items=st.lists(st.dictionaries(CSL_KEYS, JSON_VALUES, max_size=6), max_size=4),
       indent=st.sampled_from([None, 2]))
def test_csl_json_reader_never_raises_on_odd_items(items: list[dict], indent: int | None) -> None:
    items = [{"id": "k", "type": "book"}, *items]
    text = json.dumps(items, indent=indent)
    result = parse_csl_json(text)
    assert result is not None and result.entries[0].key == "k"
    for entry in result.entries:
        assert entry.start <= entry.key_start <= entry.key_end <= entry.end


@SETTINGS
@given(items=st.lists(st.dictionaries(BBT_KEYS, JSON_VALUES, max_size=6), max_size=4))
def test_bbt_json_reader_never_raises_on_odd_items(items: list[dict]) -> None:
    text = json.dumps({"config": {"id": "36a3b0b5-bad0-4a04-b79b-441c7cef77db"}, "items": items})
    result = parse_bbt_json(text)
    assert result is not None and result.format == "bbt-json"
