"""Unit tests of the BibTeX/BibLaTeX reader (litnotes.bib.bibtex via parse_bibliography)."""

from __future__ import annotations

import time

import pytest

from litnotes.bib import BibEntry, Bibliography, parse_bibliography
from litnotes.bib.bibtex import parse_bibtex


def bib(text: str) -> Bibliography:
    result = parse_bibliography(text, "library.bib")
    assert result is not None and result.format == "bibtex"
    return result


def keys(text: str) -> list[str]:
    return [e.key for e in bib(text).entries]


def test_string_defines_nothing_spec_case_77() -> None:
    result = bib('@string{x = "y"}\n')
    assert result.entries == () and result.problems == ()


def test_preamble_and_comment_define_nothing() -> None:
    text = '@preamble{ "\\newcommand{\\noop}[1]{}" }\n@comment{jabref-meta: databaseType:bibtex;}\n@Comment this line\n'
    result = bib(text)
    assert result.entries == () and result.problems == ()


def test_basic_entry_fields_and_positions() -> None:
    text = (
        "% exported by Better BibTeX\n"
        "@Article{bereska2024,\n"
        "  title = {Mechanistic Interpretability for {{AI}} Safety -- {A} Review},\n"
        "  author = {Bereska, Leonard and Gavves, Efstratios},\n"
        "  date = {2024-04-22},\n"
        "  journaltitle = {Transactions on Machine Learning Research},\n"
        "  volume = {2024}, pages = {1--50},\n"
        "  doi = {10.48550/arXiv.2404.14082},\n"
        "  url = {http://arxiv.org/abs/2404.14082},\n"
        "  note = {zotero://select/library/items/F3DCV9N9}\n"
        "}\n"
    )
    (entry,) = bib(text).entries
    assert entry == BibEntry(
        key="bereska2024", extra_keys=(), entry_type="article",
        authors=("Leonard Bereska", "Efstratios Gavves"), editors=(), year="2024", date="2024-04-22",
        title="Mechanistic Interpretability for AI Safety – A Review",
        container="Transactions on Machine Learning Research", volume="2024", pages="1–50",
        doi="10.48550/arXiv.2404.14082", url="http://arxiv.org/abs/2404.14082",
        zotero_link="zotero://select/library/items/F3DCV9N9",
        start=text.index("@Article"), end=len(text) - 1,
        key_start=text.index("bereska2024"), key_end=text.index("bereska2024") + len("bereska2024"),
    )
    assert text[entry.start:entry.end].startswith("@Article{") and text[entry.end - 1] == "}"


def test_key_spans_slice_back_to_the_key() -> None:
    text = "@book{ a:1 ,title={x}}\n\n@misc(b-2,\n note = \"y\")\n@online{c_3}\n"
    result = bib(text)
    assert [e.key for e in result.entries] == ["a:1", "b-2", "c_3"]
    for e in result.entries:
        assert text[e.key_start:e.key_end] == e.key


def test_duplicate_keys_are_kept() -> None:
    text = "@article{smith2020, title={One}}\n@book{smith2020, title={Two}}\n@book{Smith2020, title={Three}}\n"
    result = bib(text)
    assert [e.key for e in result.entries] == ["smith2020", "smith2020", "Smith2020"]
    assert [e.title for e in result.entries] == ["One", "Two", "Three"]
    assert result.entries[0].start < result.entries[1].start


def test_ids_are_extra_keys() -> None:
    (entry,) = bib("@article{abdollahi_2018,\n  ids = {Abdollahi2018, abdollahi2018a,},\n  title={T}}\n").entries
    assert entry.key == "abdollahi_2018"
    assert entry.extra_keys == ("Abdollahi2018", "abdollahi2018a")


def test_unbalanced_braces_become_a_problem_and_the_rest_loads() -> None:
    text = (
        "@article{good1, title = {Fine}}\n"
        "@article{broken, title = {Never closed,\n  year = {2020}\n"
        "@book{good2, title = {Also fine}, year = 2021}\n"
        "@misc{good3}\n"
    )
    result = bib(text)
    assert [e.key for e in result.entries] == ["good1", "good2", "good3"]
    (problem,) = result.problems
    assert problem.code == "bibliography.parse-error"
    assert problem.start == text.index("@article{broken")
    assert text[problem.start:problem.end] == "@article{broken, title = {Never closed,"
    assert "broken" in problem.message and "unbalanced braces" in problem.message
    assert result.entries[1].year == "2021"


def test_missing_closing_brace_of_the_last_entry() -> None:
    result = bib("@article{a, title={x}}\n@article{b, title={y}\n")
    assert [e.key for e in result.entries] == ["a"]
    assert len(result.problems) == 1 and "`b`" in result.problems[0].message


def test_entry_types_are_case_insensitive_and_lower_cased() -> None:
    result = bib("@ARTICLE{a, title={x}}\n@InProceedings{b, booktitle={Proc}}\n@STRING{j = {J}}\n")
    assert [(e.key, e.entry_type) for e in result.entries] == [("a", "article"), ("b", "inproceedings")]
    assert result.entries[1].container == "Proc"


def test_strings_concatenation_and_months() -> None:
    text = (
        '@String{MCDERMOTT = "McDermott, Drew V."}\n'
        "@string(pub = {MIT} # { Press})\n"
        "@techreport(McDermott:72,\nauthor =\tMCDERMOTT # { and Gerald J. Sussman},\nyear =\t{1972},\n"
        "month = May,\npublisher = pub,\ntitle =\t{The {\\sc CONNIVER} Reference Manual}\n)\n"
    )
    (entry,) = bib(text).entries
    assert entry.key == "McDermott:72"
    assert entry.authors == ("Drew V. McDermott", "Gerald J. Sussman")
    assert entry.date == "1972-05" and entry.year == "1972"
    assert entry.container == "MIT Press"
    assert entry.title == "The CONNIVER Reference Manual"


def test_commented_out_entry_is_not_an_entry() -> None:
    text = "%@ARTICLE{old,\n%  TITLE = {x},\n%}\n\n@ARTICLE{new,\n  TITLE = {y}\n}\n"
    assert keys(text) == ["new"]
    assert bib(text).problems == ()


def test_entries_on_one_line() -> None:
    assert keys("@misc{a, title={x}} @misc{b, title={y}}\n") == ["a", "b"]
    many = "".join(f"@misc{{k{i}, title={{T}}}} " for i in range(20000))  # one 600 kB line: must stay linear
    started = time.perf_counter()
    assert len(bib(many + "\n@misc{last}").entries) == 20001
    assert time.perf_counter() - started < 5


def test_no_key_and_key_with_space_are_problems() -> None:
    text = "@article{,\n title = {No key}}\n@article{\n author = {X}}\n@article{my key, title={x}}\n@misc{ok}\n"
    result = bib(text)
    assert [e.key for e in result.entries] == ["ok"]
    assert [p.code for p in result.problems] == ["bibliography.no-key", "bibliography.no-key",
                                                 "bibliography.parse-error"]
    assert "cannot contain spaces" in result.problems[2].message and "`my`" in result.problems[2].message
    missing_comma = bib("@article{key\n  title = {x}}\n").problems[0].message
    assert "`key`" in missing_comma and "expected `,` after the citation key" in missing_comma


def test_escaped_braces_do_not_count() -> None:
    (entry,) = bib("@incollection{sep, title = {Aesthetic {{Judgment}}\\}}, date = {2013}}\n").entries
    assert entry.title == "Aesthetic Judgment}" and entry.year == "2013"


def test_names_and_editors() -> None:
    text = ("@book{k, author = {{U.S. Bureau of the Census} and M{\\\"u}ller, Jr., Karl and Jean de La Fontaine"
            " and others}, editor = {family=Almeida, given=Luís, prefix=d', useprefix=true}}\n")
    (entry,) = bib(text).entries
    assert entry.authors == ("U.S. Bureau of the Census", "Karl Müller, Jr.", "Jean de La Fontaine", "et al.")
    assert entry.editors == ("Luís d' Almeida",)


def test_empty_field_and_percent_comment_lines_are_tolerated() -> None:
    text = "@techreport{TBD,  title = {Report},  , number = {2PTE3},\n  % a comment\n  year = {2023}}\n"
    (entry,) = bib(text).entries
    assert entry.title == "Report" and entry.year == "2023"


def test_garbage_and_empty_input() -> None:
    assert bib("") == Bibliography("bibtex", (), ())
    assert bib("just some text @ with an at sign and {braces}") == Bibliography("bibtex", (), ())
    assert parse_bibtex("\ufeff@misc{bom}").entries[0].key == "bom"


@pytest.mark.parametrize("path", ["refs.bib", "REFS.BIB", "x/y.biblatex", "C:\\lib\\z.bibtex"])
def test_bibtex_extensions(path: str) -> None:
    result = parse_bibliography("@misc{k}", path)
    assert result is not None and [e.key for e in result.entries] == ["k"]
