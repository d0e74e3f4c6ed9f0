"""`litnotes check` reuses the persistent index (unless `--no-index`): a stale index, a note rewritten
just before a check (same size, same modification time) and a cold run all print exactly what a
check without the index prints; the index is written while the diagnostics run."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from litnotes.cli import main
from litnotes.disk import load as load_module

@pytest.fixture
def vault(demo_copy: Path) -> Path:
    _age(demo_copy)
    return demo_copy


def _age(root: Path, seconds: float = 60) -> None:
    """Modification times in the past: notes written just now are not saved (they may change within a clock tick)."""
    past = time.time() - seconds
    for path in root.rglob("*"):
        os.utime(path, (past, past))


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    seen: list[str] = []
    real = load_module.index_note  # what the loader parses notes with

    def counting(text, options):
        seen.append(text)
        return real(text, options)

    monkeypatch.setattr(load_module, "index_note", counting)
    return seen


def check(root: Path, capsys, *args: str) -> tuple[int, list[str]]:
    code = main(["check", str(root), "--severity", "hint", *args])
    lines = capsys.readouterr().out.splitlines()
    return code, lines[:-1] + [lines[-1].rsplit(";", 1)[0]]  # without the elapsed time


def test_second_check_parses_nothing_and_prints_the_same(vault: Path, capsys, parses) -> None:
    first = check(vault, capsys)
    cold = len(parses)
    assert cold > 0 and next((vault.parent / "cache").rglob("index.bin")).is_file()
    assert check(vault, capsys) == first == check(vault, capsys, "--no-index")
    assert len(parses) == 2 * cold  # the second check parsed nothing, the --no-index one everything


def test_a_fresh_checkout_with_the_index_restored_parses_nothing(vault: Path, capsys, parses) -> None:
    """CI restores the cached index into a new clone: same files, every mtime new. The notes are
    read and their digests compared, nothing is parsed, and the output is a fresh check's."""
    first = check(vault, capsys)
    cold = len(parses)
    _age(vault, 30)  # the checkout: every file's mtime changes, no content does
    assert check(vault, capsys) == first
    assert len(parses) == cold
    assert check(vault, capsys) == first == check(vault, capsys, "--no-index")
    assert len(parses) == 2 * cold


def test_no_index_neither_reads_nor_writes_it(vault: Path, capsys) -> None:
    check(vault, capsys, "--no-index")
    assert not (vault.parent / "cache").exists()


def test_a_stale_index_gives_the_diagnostics_of_a_fresh_check(vault: Path, capsys, parses) -> None:
    check(vault, capsys)
    note = vault / "Highlight Colour Codings.md"
    note.write_text(note.read_text(encoding="utf-8") + "\n[[no such note]] [[Zotero Integration Output#^nosuchblock]]\n",
                    encoding="utf-8")
    (vault / "new.md").write_text("[[Highlight Colour Codings]] [@nokey]\n", encoding="utf-8")
    before = len(parses)
    stale = check(vault, capsys)
    assert len(parses) - before == 2  # the edited note and the new one
    assert stale == check(vault, capsys, "--no-index")
    assert any("no such note" in line for line in stale[1])


def test_a_note_rewritten_within_its_clock_tick_is_not_reused(vault: Path, capsys) -> None:
    """Same size and modification time as when it was read: only a note old enough was saved, so the
    rewrite is read again."""
    note = vault / "fresh.md"
    note.write_text("[[aaaa]]\n", encoding="utf-8")
    stamp = note.stat().st_mtime_ns
    check(vault, capsys)
    note.write_text("[[bbbb]]\n", encoding="utf-8")
    os.utime(note, ns=(stamp, stamp))
    rewritten = check(vault, capsys)
    assert rewritten == check(vault, capsys, "--no-index")
    assert any("bbbb" in line for line in rewritten[1]) and not any("aaaa" in line for line in rewritten[1])


def test_without_fork_the_index_is_written_after_the_report(vault: Path, capsys, parses, monkeypatch) -> None:
    from litnotes.cli import parallel

    monkeypatch.setattr(parallel.threading, "active_count", lambda: 2)  # as if another thread ran
    first = check(vault, capsys)
    cold = len(parses)
    assert check(vault, capsys) == first and len(parses) == cold
