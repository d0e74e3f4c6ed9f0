"""The engine on real vaults by other people (../shared/corpora): what a correct checker reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared_paths import CORPORA, require_shared
from litnotes.disk import load_vault
from litnotes.features import check_vault
from litnotes.syntax import LineIndex


def diagnostics_of(vault_dir: Path):
    host, _ = load_vault(require_shared(vault_dir))
    found = check_vault(host.vault)
    return host.vault, [d for diags in found.values() for d in diags]


def test_obsidian_help_reports_exactly_the_six_demo_links() -> None:
    root = CORPORA / "obsidian-help-en"
    vault, diags = diagnostics_of(root)
    unresolved = [d for d in diags if d.code == "link.unresolved"]
    text = (root / "Linking notes and files/Internal links.md").read_text(encoding="utf-8")
    shown = sorted(text[d.start : d.end] for d in unresolved)
    assert shown == sorted([
        "[[Example]]", "[[Example|Custom name]]", "[[Example#Details]]", "[[Example#Details|Section name]]",
        "[Custom name](Example.md)", "[Section name](Example.md#Details)",
    ])
    assert {d.path for d in unresolved} == {"Linking notes and files/Internal links.md"}
    assert [d for d in diags if d.severity in ("error", "warning")] == []


def test_obsidian_help_heading_links_that_need_h2_normalisation_resolve() -> None:
    vault, diags = diagnostics_of(CORPORA / "obsidian-help-en")
    assert not [d for d in diags if d.code == "heading.unresolved"]
    targets = [link.target for note in vault.notes.values() for link in note.links if link.subpath]
    assert any("#hasTag" in t for t in targets)
    assert any(t.rstrip().endswith("?") for t in targets)


def test_obsidian_hub_has_no_cite_key_warnings() -> None:
    vault, diags = diagnostics_of(CORPORA / "obsidian-hub")
    assert len(vault.notes) > 6500
    cite = [d for d in diags if d.code.startswith("cite-key") and d.severity in ("error", "warning")]
    assert cite == []
    unresolved = [d for d in diags if d.code == "link.unresolved"]
    links = sum(len(n.links) for n in vault.notes.values())
    assert len(unresolved) / links < 0.01  # README: about 0.3 %


def test_zotero_example_vault_reads_literature_notes() -> None:
    root = CORPORA / "zotero-example-vault"
    vault, diags = diagnostics_of(root)
    papers = [p for p in vault.notes if p.startswith("papers/")]
    assert len(papers) == 3
    ids = [b.id for p in papers for b in vault.note(p).block_ids]
    assert any(i.isupper() and len(i) == 8 for i in ids)  # upper-case annotation keys such as ^9YGA8Y3R
    assert sum(vault.note(p).highlight_count for p in papers) > 0
    assert not [d for d in diags if d.path.startswith("templates/")]  # userIgnoreFilters: templates/
    assert [d for d in diags if d.severity == "error"] == []


@pytest.mark.parametrize("name", ["obsidian-help-en", "zotero-example-vault"])
def test_corpus_positions_round_trip(name: str) -> None:
    root = require_shared(CORPORA / name)
    host, _ = load_vault(root)
    for path, note in host.vault.notes.items():
        text = (root / path).read_text(encoding="utf-8").lstrip("\ufeff")
        index = LineIndex(text)
        for link in note.links:
            line, col = index.position(link.start, "utf-16")
            assert index.offset(line, col, "utf-16") == link.start
