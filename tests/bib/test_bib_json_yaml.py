"""CSL-JSON, CSL-YAML and Better BibTeX JSON readers, and sniffing of what is (not) a library."""

from __future__ import annotations

import json

import pytest

from litnotes.bib import looks_like_bibliography_path, parse_bibliography

CSL = json.dumps([
    {"id": "bereska2024", "type": "article-journal", "citation-key": "bereska2024",
     "title": "Mechanistic Interpretability for <i>AI</i> Safety", "container-title": "TMLR",
     "author": [{"family": "Bereska", "given": "Leonard"}, {"literal": "OpenAI"}],
     "issued": {"date-parts": [[2024, 4, 22]]}, "DOI": "10.48550/arXiv.2404.14082", "volume": 7, "page": "1-2"},
    {"id": "undated", "type": "book", "issued": {"raw": "Spring 1999"}},
], indent=2)


def test_csl_json_defines_id_spec_case_75() -> None:
    result = parse_bibliography('[{"id":"bereska2024","type":"article-journal"}]', "refs.json")
    assert result is not None and result.format == "csl-json"
    assert [e.key for e in result.entries] == ["bereska2024"]


def test_csl_json_fields_and_positions() -> None:
    result = parse_bibliography(CSL, "My Library.csl.json")
    assert result is not None and result.problems == ()
    first, second = result.entries
    assert (first.key, first.entry_type) == ("bereska2024", "article-journal")
    assert (first.year, first.date) == ("2024", "2024-04-22")
    assert first.authors == ("Leonard Bereska", "OpenAI")
    assert first.title == "Mechanistic Interpretability for AI Safety"
    assert (first.container, first.volume, first.pages) == ("TMLR", "7", "1-2")
    assert first.doi == "10.48550/arXiv.2404.14082"
    assert CSL[first.key_start:first.key_end] == "bereska2024"
    assert CSL[first.key_start - 7:first.key_start] == '"id": "'
    assert CSL[first.start] == "{" and CSL[first.end - 1] == "}"
    assert first.end <= second.start and CSL[second.key_start:second.key_end] == "undated"
    assert (second.year, second.date) == ("1999", "Spring 1999")


def test_bbt_json_defines_citation_key_spec_case_76() -> None:
    text = '{"items":[{"citationKey":"bereska2024"}]}'
    result = parse_bibliography(text, "library.json")
    assert result is not None and result.format == "bbt-json"
    (entry,) = result.entries
    assert entry.key == "bereska2024" and text[entry.key_start:entry.key_end] == "bereska2024"


def test_bbt_json_fields() -> None:
    text = json.dumps({
        "config": {"id": "36a3b0b5-bad0-4a04-b79b-441c7cef77db", "label": "BetterBibTeX JSON"},
        "items": [
            {"itemType": "journalArticle", "citationKey": "king1968", "title": "A <i>dream</i>",
             "creators": [{"creatorType": "author", "firstName": "Martin Luther, Jr.", "lastName": "King"},
                          {"creatorType": "editor", "name": "Some Committee"}],
             "date": "1968-00-00", "publicationTitle": "Journal", "DOI": "https://doi.org/10.1/x",
             "uri": "http://zotero.org/users/1234/items/ABCD2345"},
            {"itemType": "note", "note": "a standalone note"},
            {"itemType": "book", "citekey": "old2001", "extra": ["Original Date: 1900"], "date": "30-Mar-2001",
             "select": "zotero://select/groups/99/items/EFGH6789"},
            {"itemType": "book", "title": "Keyless"},
        ],
    }, indent=2)
    result = parse_bibliography(text, "export.json")
    assert result is not None and result.format == "bbt-json"
    king, old = result.entries
    assert king.authors == ("Martin Luther King, Jr.",) and king.editors == ("Some Committee",)
    assert (king.year, king.date, king.title, king.container) == ("1968", "1968", "A dream", "Journal")
    assert king.doi == "10.1/x" and king.entry_type == "journalarticle"
    assert king.zotero_link == "zotero://select/library/items/ABCD2345"
    assert (old.year, old.date) == ("2001", "30-Mar-2001")
    assert old.key == "old2001" and old.zotero_link == "zotero://select/groups/99/items/EFGH6789"
    assert text[old.key_start:old.key_end] == "old2001"
    (problem,) = result.problems
    assert problem.code == "bibliography.no-key" and "Keyless" in problem.message


@pytest.mark.parametrize("text", [
    '{"name": "x"}', "[1,2]", '[{"a":1}]', "[]", "{}", '"just a string"', "null", "", "not json",
    '{"items": [{"title": "no keys here"}]}', '[{"id": 1, "name": "a todo"}]',
    '{"main": "main.js", "version": "1.0.0"}', '["file-explorer", "global-search"]',
    '{"items": [{"type": "file", "ctime": 1, "path": "a.md"}]}', "{broken json", "[{broken", "[] trailing",
])
def test_arbitrary_json_is_not_a_library(text: str) -> None:
    assert parse_bibliography(text, "data.json") is None


def test_truncated_library_keeps_the_complete_items() -> None:
    text = '[{"id": "a", "type": "book"}, {"id": "b", "type": "book"}, {"id": "c", "ty'
    result = parse_bibliography(text, "refs.json")
    assert result is not None and [e.key for e in result.entries] == ["a", "b"]
    assert len(result.problems) == 1 and result.problems[0].start > text.index('"b"')


def test_items_without_id_are_problems() -> None:
    result = parse_bibliography('[{"id": "a", "type": "book"}, {"id": "", "type": "book"}, 7, {"id": 12}]', "r.json")
    assert result is not None and [e.key for e in result.entries] == ["a", "12"]
    assert [p.code for p in result.problems] == ["bibliography.no-key", "bibliography.no-key"]


def test_empty_array_named_csl_json_is_an_empty_library() -> None:
    assert parse_bibliography("[]", "refs.csl.json") is not None
    assert parse_bibliography("[]", "refs.json") is None


def test_csl_yaml() -> None:
    text = ("---\nreferences:\n- id: Adams2001\n  author:\n  - family: Adams\n    given: Nancy K\n"
            "  issued:\n  - year: 2014\n    month: 12\n  title: Volcanology\n  type: article-journal\n"
            "- id: '2019'\n  title: Quoted numeric id\n...\n")
    result = parse_bibliography(text, "refs.yaml")
    assert result is not None and result.format == "csl-yaml" and result.problems == ()
    first, second = result.entries
    assert (first.key, first.authors, first.year, first.date) == ("Adams2001", ("Nancy K Adams",), "2014", "2014-12")
    assert second.key == "2019"
    for e in result.entries:
        assert text[e.key_start:e.key_end] == e.key
        assert e.start <= e.key_start < e.key_end <= e.end


@pytest.mark.parametrize("text", ["a: 1\n", "- id: x\n", "references: 3\n", "references:\n- just text\n",
                                  "title: My note\ntags: [a]\n", "{{{", "key: [unclosed\n"])
def test_other_yaml_is_not_a_library(text: str) -> None:
    assert parse_bibliography(text, "config.yml") is None


def test_csl_yaml_rich_text_is_shown_plain() -> None:
    text = "references:\n- id: a\n  title: The **Huaynaputina** eruption of H~2~O in *Peru* \\*not\\*\n"
    result = parse_bibliography(text, "refs.yml")
    assert result is not None and result.entries[0].title == "The Huaynaputina eruption of H2O in Peru *not*"


def test_broken_csl_yaml_keeps_the_good_items() -> None:
    text = "references:\n- id: a\n  title: [unclosed\n- id: b\n  title: ok\n"
    result = parse_bibliography(text, "refs.yml")
    assert result is not None and [e.key for e in result.entries] == ["b"]
    assert result.problems and all(p.code == "bibliography.parse-error" for p in result.problems)


@pytest.mark.parametrize(("path", "expected"), [
    ("refs.bib", True), ("a/b.BIBLATEX", True), ("x.bibtex", True), ("lib.json", True), ("lib.csl.json", True),
    ("refs.yaml", True), ("refs.yml", True), ("note.md", False), ("bib", False), ("x.bib.bak", False),
    ("image.png", False),
])
def test_looks_like_bibliography_path(path: str, expected: bool) -> None:
    assert looks_like_bibliography_path(path) is expected


def test_json_library_saved_as_bib_is_read_as_json() -> None:
    result = parse_bibliography('[{"id": "k", "type": "book"}]', "refs.bib")
    assert result is not None and result.format == "csl-json" and result.entries[0].key == "k"
    result = parse_bibliography("{not json, not bibtex}", "refs.bib")
    assert result is not None and result.format == "bibtex" and result.entries == ()


def test_other_extensions_are_not_read() -> None:
    assert parse_bibliography("@misc{k}", "notes.md") is None
    assert parse_bibliography('[{"id": "k", "type": "book"}]', "refs.txt") is None
