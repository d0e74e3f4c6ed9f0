"""Bibliographies as cite-key sources: discovery, caching, and the diagnostics they add (K-4, K-6)."""

from __future__ import annotations

import os
from pathlib import Path

from litnotes.cli import main
from litnotes.disk import LibraryCache, load_vault
from litnotes.features import check_vault
from litnotes.syntax import LineIndex

BIB = """@article{smith2020,
  title = {On Things},
  author = {Smith, Jane},
  date = {2020}
}
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def rendered(root: Path) -> list[str]:
    host, _ = load_vault(root)
    out = []
    for path, diags in check_vault(host.vault).items():
        text = (root / path).read_text(encoding="utf-8") if (root / path).exists() else ""
        for d in diags:
            line, col = LineIndex(text).position(d.start)
            out.append(f"{path}:{line + 1}:{col + 1} {d.severity} {d.code}")
    return out


def test_case_65_citation_resolved_by_library(tmp_path) -> None:
    write(tmp_path, {"refs.bib": BIB, "a.md": "[@smith2020, p. 33]"})
    assert rendered(tmp_path) == []  # cite-key.no-note is opt-in


def test_unknown_key_with_a_library(tmp_path) -> None:
    write(tmp_path, {"refs.bib": BIB, "a.md": "[@smith2020] [@jones2021]"})
    assert rendered(tmp_path) == ["a.md:1:15 warning cite-key.unknown"]


def test_case_72_duplicate_in_one_library_is_an_error(tmp_path) -> None:
    write(tmp_path, {"refs.bib": BIB + BIB})
    assert rendered(tmp_path) == ["refs.bib:6:10 error cite-key.duplicate"]


def test_duplicate_across_libraries_and_case_only(tmp_path) -> None:
    write(tmp_path, {"a.bib": BIB, "b.json": '[{"id": "smith2020", "type": "book"}, {"id": "Smith2020", "type": "book"}]'})
    assert sorted(rendered(tmp_path)) == [
        "a.bib:1:10 warning cite-key.duplicate",
        "a.bib:1:10 warning cite-key.duplicate",
        "b.json:1:10 warning cite-key.duplicate",
        "b.json:1:10 warning cite-key.duplicate",
        "b.json:1:47 warning cite-key.duplicate",
    ]


def test_case_73_citation_differs_only_in_case(tmp_path) -> None:
    write(tmp_path, {"refs.bib": BIB.replace("smith2020", "Smith2020"), "a.md": "[@smith2020]"})
    assert rendered(tmp_path) == ["a.md:1:2 warning cite-key.case"]


def test_cases_75_76_77_csl_bbt_and_string(tmp_path) -> None:
    write(tmp_path, {
        "csl.json": '[{"id": "bereska2024", "type": "article"}]',
        "bbt.json": '{"config": {}, "items": [{"citationKey": "vaswani2017", "itemType": "book"}]}',
        "strings.bib": '@string{x = "y"}\n',
        "package.json": '{"name": "not-a-library", "items": [1]}',
        "a.md": "[@bereska2024] [@vaswani2017] [@x]",
    })
    assert rendered(tmp_path) == ["a.md:1:32 warning cite-key.unknown"]
    host, _ = load_vault(tmp_path)
    assert sorted(host.vault.libraries) == ["bbt.json", "csl.json", "strings.bib"]


def test_stale_export_and_year_disagreement(tmp_path) -> None:
    write(tmp_path, {
        "refs.bib": BIB,
        "lit/smith.md": '---\naliases: ["@smith2020"]\nyear: 2019\n---\n',
        "lit/jones.md": '---\naliases: ["@jones2021"]\n---\n',
    })
    assert sorted(rendered(tmp_path)) == ["lit/jones.md:2:13 warning cite-key.mismatch",
                                          "lit/smith.md:2:13 information cite-key.mismatch"]


def test_unchanged_library_is_not_parsed_again(tmp_path) -> None:
    write(tmp_path, {"refs.bib": BIB, "a.md": "[@smith2020]"})
    cache = LibraryCache()
    load_vault(tmp_path, libraries=cache)
    load_vault(tmp_path, libraries=cache)
    assert cache.parse_count == 1
    path = tmp_path / "refs.bib"
    path.write_text(BIB + BIB.replace("smith2020", "doe2022"), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_mtime_ns + 10_000_000, path.stat().st_mtime_ns + 10_000_000))
    host, _ = load_vault(tmp_path, libraries=cache)
    assert cache.parse_count == 2 and host.vault.library_entries("doe2022")


def test_configured_and_front_matter_libraries_may_live_elsewhere(tmp_path) -> None:
    outside = write(tmp_path / "zotero", {"My Library.bib": BIB})
    vault = write(tmp_path / "vault", {
        ".litnotes.toml": f'bibliography = ["{(outside / "My Library.bib").as_posix()}"]\n',
        "a.md": "[@smith2020]",
        "b/paper.md": "---\nbibliography: refs/local.bib\n---\n[@doe2022]",
        "b/refs/local.bib": BIB.replace("smith2020", "doe2022").replace("@article", "@book"),
    })
    host, _ = load_vault(vault)
    assert rendered(vault) == []
    assert any(p.endswith("My Library.bib") and os.path.isabs(p) for p in host.vault.libraries)


def test_parse_errors_are_diagnostics_on_the_file(tmp_path) -> None:
    write(tmp_path, {"refs.bib": "@article{broken,\n  title = {never closed,\n\n" + BIB})
    assert rendered(tmp_path) == ["refs.bib:1:1 error bibliography.parse-error"]


def test_cite_command_prints_the_card(tmp_path, capsys) -> None:
    write(tmp_path, {"refs.bib": BIB, "lit/smith2020.md": '---\naliases: ["@smith2020"]\n---\n'})
    assert main(["cite", "@smith2020", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Jane Smith (2020). *On Things*.") and "Literature note: [[lit/smith2020" in out
    assert main(["cite", "Smith2020", str(tmp_path)]) == 1
    assert "did you mean `smith2020`" in capsys.readouterr().err
