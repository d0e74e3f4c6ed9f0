"""The bibliography records and the small helpers shared by the readers (litnotes.bib.records):
pickling, dates, years, links, rich text."""

from __future__ import annotations

import pickle

import pytest

from litnotes.bib import parse_bibliography
from litnotes.bib.records import clean_doi, normalise_date, strip_rich_text, year_of, zotero_select_link
from litnotes.frozen import FastPickled


def test_a_library_pickles_field_by_field_and_loads_back_equal() -> None:
    """The persistent index keeps parsed libraries: each record pickles as (class, field values),
    not through the dataclass `__setstate__`, and loads back equal, field for field."""
    text = ("@article{smith2020,\n  title = {Caf\\'e {DNA} and 表現 🔬},\n  author = {Smith, Ann and Doe, Bo},\n"
            "  year = {2020},\n  doi = {10.1/x}\n}\n@book{broken,\n  title = {no end\n")
    library = parse_bibliography(text, "My Library.bib")
    assert library is not None and library.entries and library.problems
    for record in (library, library.entries[0], library.problems[0]):
        assert isinstance(record, FastPickled)
        maker, (cls, values) = record.__reduce__()
        assert cls is type(record) and values == tuple(getattr(record, name) for name in cls.__slots__)
        assert maker(cls, values) == record
    loaded = pickle.loads(pickle.dumps(library, protocol=pickle.HIGHEST_PROTOCOL))
    assert loaded == library and type(loaded.entries[0]) is type(library.entries[0])
    assert [e.title for e in loaded.entries] == [e.title for e in library.entries]
    assert hash(loaded.entries[0]) == hash(library.entries[0])


@pytest.mark.parametrize(("raw", "date", "year"), [
    ("2024-04-22", "2024-04-22", "2024"),
    ("2024-04-22T10:00:00Z", "2024-04-22", "2024"),
    ("2013/5/12", "2013-05-12", "2013"),
    ("1993-00-00", "1993", "1993"),  # ADS: unknown month and day
    ("2017-22/2017-23", "2017", "2017"),  # EDTF seasons are not months
    ("2014-12-31/2015-01-01", "2014-12-31", "2014"),
    ("-0333", "-0333", "-0333"),
    ("30-Mar-2020", "30-Mar-2020", "2020"),
    ("Spring  1999", "Spring 1999", "1999"),
    ("forthcoming", "forthcoming", ""),
])
def test_dates(raw: str, date: str, year: str) -> None:
    assert normalise_date(raw) == date
    assert year_of(raw) == year


@pytest.mark.parametrize(("uri", "link"), [
    ("http://zotero.org/users/1234/items/ABCD2345", "zotero://select/library/items/ABCD2345"),
    ("http://zotero.org/users/local/xyz/items/ABCD2345", "zotero://select/library/items/ABCD2345"),
    ("https://zotero.org/groups/99/items/EFGH6789", "zotero://select/groups/99/items/EFGH6789"),
    ("zotero://select/library/items/F3DCV9N9", "zotero://select/library/items/F3DCV9N9"),
    ("https://example.org/items/X", ""),
])
def test_zotero_select_link(uri: str, link: str) -> None:
    assert zotero_select_link(uri) == link


def test_doi_and_rich_text() -> None:
    assert clean_doi(" https://doi.org/10.1086/504343 ") == "10.1086/504343"
    assert clean_doi("doi:10.1/x") == "10.1/x"
    assert strip_rich_text('A <i>b</i> <span class="nocase">C</span>  d<sup>2</sup>') == "A b C d2"
