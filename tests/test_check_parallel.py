"""`litnotes check` on every core prints exactly what one process prints: the paths are cut into
contiguous runs of about equal work, each diagnosed and rendered in a forked child, and a child
that fails costs nothing but time (the parent does its part again)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from litnotes.cli import check as check_module
from litnotes.cli import parallel
from litnotes.cli.check import run_check
from shared_paths import CORPORA, require_shared

DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "demo-vault"


def test_split_by_weight_keeps_order_and_balances_the_work() -> None:
    items = list(range(100))
    runs = parallel.split_by_weight(items, lambda i: 10 if i < 20 else 1, 3)
    assert [i for run in runs for i in run] == items and len(runs) == 3 and all(runs)
    weights = [sum(10 if i < 20 else 1 for i in run) for run in runs]
    assert max(weights) <= 2 * min(weights)  # 280 units in about 93s, not 10 items each way
    assert parallel.split_by_weight(items, len, 1) == [items]
    assert parallel.split_by_weight([], len, 4) == []
    assert parallel.split_by_weight([7], lambda i: 1, 4) == [[7]]


def test_run_parts_forks_and_redoes_the_part_of_a_failed_child(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "SMALL", 0)
    parent = os.getpid()

    def work(part: list[int]) -> tuple[int, list[int]]:
        if part[0] == 3 and os.getpid() != parent:
            raise RuntimeError("a child that fails")
        return os.getpid(), [i * i for i in part]

    results = parallel.run_parts(work, [[1, 2], [3, 4], [5, 6]])
    assert [r[1] for r in results] == [[1, 4], [9, 16], [25, 36]]
    assert results[0][0] != parent and results[1][0] == parent == results[2][0]  # forked; redone; the parent's own


def _outputs(root: Path, cores: int, monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str]]:
    monkeypatch.setattr(check_module, "usable_cores", lambda: cores)
    outputs = []
    for fmt, severity in (("text", "information"), ("text", "hint"), ("json", "hint")):
        out = io.StringIO()
        code = run_check(str(root), fmt, severity, out, use_index=False)
        text = out.getvalue()
        if fmt == "text":  # the summary line ends with the elapsed time
            text = text.rsplit("; ", 1)[0]
        outputs.append((code, text))
    return outputs


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every vault is split, however small; the list counts the children forked."""
    monkeypatch.setattr(parallel, "SMALL", 0)
    made: list[int] = []
    real = parallel._fork

    def counted(work, part, *rest):
        made.append(len(part))
        return real(work, part, *rest)

    monkeypatch.setattr(parallel, "_fork", counted)
    return made


def test_the_demo_vault_checked_on_four_cores_prints_what_one_core_prints(forks, monkeypatch) -> None:
    serial = _outputs(DEMO, 1, monkeypatch)
    assert serial[0][0] == 1 and "link.unresolved" in serial[0][1]  # the demo vault has every kind of problem
    assert not forks
    assert _outputs(DEMO, 4, monkeypatch) == serial
    assert len(forks) == 3 * 3  # three children for each of the three outputs


@pytest.mark.parametrize("name", ["obsidian-hub", "zotero-example-vault", "obsidian-help-en"])
def test_a_corpus_checked_on_two_cores_prints_what_one_core_prints(name: str, forks, monkeypatch) -> None:
    root = require_shared(CORPORA / name)
    assert _outputs(root, 2, monkeypatch) == _outputs(root, 1, monkeypatch)
    assert len(forks) == 3
