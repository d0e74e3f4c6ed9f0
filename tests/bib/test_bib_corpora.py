"""The bibliography readers against Better BibTeX's real corpora (../shared/corpora/bibliographies).

Every file loads without an exception; entry counts match an independent count; and where Better BibTeX
ships one library in several formats, the formats agree on the keys. Skips with a reason when ../shared
is absent.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from shared_paths import CORPORA, require_shared

from litnotes.bib import Bibliography, parse_bibliography

pytestmark = pytest.mark.corpus

BIBS = CORPORA / "bibliographies"
IMPORT = BIBS / "bbt-import"
EXPORT = BIBS / "bbt-export"
LARGEST = IMPORT / "Unabbreviate on import #1436-3.bib"

# Files with entries that define no key, and how many: an EndNote export `@article{` without a key and
# Mendeley's `@article{,`. (`Thi\{'ebaux` in #873 reads fine: `\{` is an escaped brace, as BBT writes it.)
KNOWN_BROKEN = {
    "Endnote should parse.bib": 1,
    "web_page and other mendeley idiocy.bib": 37,
}

_HEADER = re.compile(r"^\s*@(\w+)\s*[{(]", re.MULTILINE)
_SUFFIXES = (".csl.json", ".csl.yml", ".biblatex", ".json")


def _files(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.is_dir() else []


def _ids(paths: list[Path]) -> list[str]:
    return [p.name for p in paths]


def _read(path: Path) -> tuple[str, Bibliography | None]:
    text = require_shared(path).read_text(encoding="utf-8")
    return text, parse_bibliography(text, str(path))


def _line_count(text: str) -> int:
    """Independent count: lines opening a block, minus @string/@comment/@preamble."""
    return sum(1 for m in _HEADER.finditer(text) if m.group(1).lower() not in ("string", "comment", "preamble"))


LIBRARY_FILES = [p for p in _files(IMPORT) + _files(EXPORT) if p.suffix in (".bib", ".biblatex", ".json", ".yml")]


@pytest.mark.parametrize("path", LIBRARY_FILES or [IMPORT / "absent.bib"], ids=_ids(LIBRARY_FILES) or ["absent"])
def test_every_file_loads(path: Path) -> None:
    text, result = _read(path)
    assert result is not None, "every corpus file is a library: BibLaTeX, CSL-JSON/YAML or BBT JSON"
    expected_format = {".bib": "bibtex", ".biblatex": "bibtex", ".yml": "csl-yaml"}.get(path.suffix)
    if path.name.endswith(".csl.json"):
        expected_format = "csl-json"
    elif path.suffix == ".json":
        # Better BibTeX's test inputs: BBT JSON libraries whose config names the BBT JSON translator.
        assert json.loads(text)["config"]["label"] == "BetterBibTeX JSON"
        expected_format = "bbt-json"
    assert result.format == expected_format
    for entry in result.entries:
        assert text[entry.key_start:entry.key_end] == entry.key
        assert entry.start <= entry.key_start < entry.key_end <= entry.end <= len(text)
    if result.format == "bibtex" and path.name not in KNOWN_BROKEN:
        assert result.problems == ()
    if result.format == "bibtex":
        no_key = sum(p.code == "bibliography.no-key" for p in result.problems)
        assert len(result.entries) + len(result.problems) == _line_count(text)
        if path.name in KNOWN_BROKEN:
            assert no_key == KNOWN_BROKEN[path.name] and result.problems


def test_largest_file_has_7166_entries() -> None:
    text, result = _read(LARGEST)
    assert _line_count(text) == 7166
    assert result is not None and len(result.entries) == 7166 and result.problems == ()
    assert len({e.key for e in result.entries}) == 7166
    assert sum(1 for e in result.entries if e.extra_keys) > 0  # BibLaTeX `ids` aliases are read
    entry = next(e for e in result.entries if e.key == "abdollahi_2018")
    assert entry.extra_keys == ("Abdollahi2018",)
    assert entry.authors == ("Amir Abdollahi", "Fabián Vásquez-Sancho", "Gustau Catalan")
    assert text[entry.start:].startswith("@article{abdollahi_2018,")


COUNTED = [
    (IMPORT, "Unabbreviate on import #1436-1.bib"),
    (IMPORT, "Unabbreviate on import #1436-2.bib"),
    (IMPORT, "Unabbreviate on import #1436-3.bib"),
    (IMPORT, "Some bibtex entries quietly discarded on import from bib file #873.bib"),
    (IMPORT, "Maintain the JabRef group and subgroup structure when importing a BibTeX db #97.bib"),
    (IMPORT, "Import error with character '+' in BibTeX field name #2660.bib"),
    (IMPORT, "Issues with round instead of curly braces do not import correctly #871.bib"),
    (IMPORT, "space after citekey creates confusion #716.bib"),
    (IMPORT, "BBT + Zotfile creating duplicate files in the wrong location #2300.bib"),
    (EXPORT, "BraceBalancer.biblatex"),
    (EXPORT, "Pandoc-LaTeX-SCHOMD Citation Export.csl.json"),
    (EXPORT, "Pandoc-LaTeX-SCHOMD Citation Export.csl.yml"),
    (EXPORT, "Season ranges should be exported as pseudo-months (13-16, or 21-24) #860.csl.json"),
    (EXPORT, "(non-)dropping particle handling #313.json"),
]


def _independent_keys(path: Path, text: str) -> list[str]:
    if path.name.endswith(".csl.json"):
        return [str(item["id"]) for item in json.loads(text)]
    if path.name.endswith(".csl.yml"):
        return [str(item["id"]) for item in yaml.safe_load(text)["references"]]
    if path.suffix == ".json":
        return [item["citationKey"] for item in json.loads(text)["items"] if "citationKey" in item]
    return [m.group(1).strip() for m in re.finditer(r"^\s*@(?!string|comment|preamble)\w+\s*[{(]\s*([^,\s]+)\s*,",
                                                       text, re.MULTILINE | re.IGNORECASE)]


@pytest.mark.parametrize(("folder", "name"), COUNTED, ids=[n for _, n in COUNTED])
def test_entry_counts(folder: Path, name: str) -> None:
    path = folder / name
    text, result = _read(path)
    assert result is not None
    expected = _independent_keys(path, text)
    if path.suffix in (".bib", ".biblatex"):
        assert len(expected) == _line_count(text)
    assert len(result.entries) == len(expected) > 0
    assert [e.key for e in result.entries] == expected


def _groups() -> list[tuple[str, dict[str, Path]]]:
    groups: dict[str, dict[str, Path]] = defaultdict(dict)
    for path in _files(EXPORT):
        for suffix in _SUFFIXES:
            if path.name.endswith(suffix):
                groups[path.name[: -len(suffix)]][suffix] = path
                break
    return sorted((base, formats) for base, formats in groups.items() if len(formats) > 1)


GROUPS = _groups()


def test_same_library_groups_exist() -> None:
    require_shared(EXPORT)
    assert len(GROUPS) >= 38  # 32 BibLaTeX+BBT JSON, 3 BibLaTeX+CSL-JSON, 1 CSL-JSON+YAML, 1 of three, ...


@pytest.mark.parametrize(("base", "formats"), GROUPS or [("absent", {})], ids=[b for b, _ in GROUPS] or ["absent"])
def test_formats_agree_on_keys(base: str, formats: dict[str, Path]) -> None:
    if not formats:  # only when ../shared is absent: skip with the reason
        require_shared(EXPORT)
        pytest.fail("no library is shipped in several formats")
    results = {suffix: _read(path)[1] for suffix, path in formats.items()}
    assert all(r is not None for r in results.values())
    exported = {s: sorted(e.key for e in r.entries) for s, r in results.items() if r is not None and s != ".json"}
    values = list(exported.values())
    assert all(v == values[0] for v in values), exported
    if ".json" not in results:
        return
    # The `.json` files are Better BibTeX JSON *inputs* of its export tests. Items that carry a stored
    # `citationKey` keep it on export; the others get a key generated by the citekey formula, which a
    # reader cannot reproduce, so they show up as "no key" problems. So: every stored key is exported,
    # and stored keys + keyless items = exported entries (equality when every item has its key).
    bbt = results[".json"]
    assert bbt is not None
    stored = sorted(e.key for e in bbt.entries)
    keyless = sum(p.code == "bibliography.no-key" for p in bbt.problems)
    assert len(bbt.problems) == keyless
    for keys in values:
        assert set(stored) <= set(keys)
        assert len(stored) + keyless == len(keys)
        if keyless == 0:
            assert stored == keys
