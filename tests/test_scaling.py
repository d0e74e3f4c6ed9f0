"""Scaling (issue #7): work grows linearly with the vault, and an edit costs the same in any vault.

No clocks: the tests count the interpreter's function calls (Python and C, through
`sys.setprofile`), which are deterministic. A hidden quadratic step (say, scanning every cite key
once per citation while loading, as litnotes once did) makes 4x the notes cost 16x the calls; a
per-keystroke step that walks the vault makes an edit in a 4x vault cost 4x the calls.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from litnotes.disk.load import load_vault
from litnotes.features import diagnose_note
from litnotes.vault import SetNote, VaultHost
from call_counts import count_calls
from shared_paths import bench_generator

SMALL, LARGE = 60, 240


@pytest.fixture(scope="module")
def vaults(tmp_path_factory) -> dict[int, Path]:
    generate = bench_generator().generate
    return {n: generate(n, tmp_path_factory.mktemp(f"v{n}")) for n in (SMALL, LARGE)}


def _size(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*.md"))


def test_indexing_grows_linearly_with_the_vault(vaults) -> None:
    small, (small_host, _) = count_calls(lambda: load_vault(vaults[SMALL], workers=1))
    large, (large_host, stats) = count_calls(lambda: load_vault(vaults[LARGE], workers=1))
    assert stats.notes == LARGE and large_host.parse_count == 0  # parsed by the loader, not again by the host
    bytes_ratio = _size(vaults[LARGE]) / _size(vaults[SMALL])
    assert large / small <= 1.3 * bytes_ratio, (small, large, bytes_ratio)
    # The lookup tables alone (no parsing), where a quadratic step would stand out most.
    small, _ = count_calls(lambda: VaultHost.rebuild(small_host.vault))
    large, _ = count_calls(lambda: VaultHost.rebuild(large_host.vault))
    assert large / small <= 1.1 * LARGE / SMALL, (small, large)  # 4x the notes: 4.05x the calls (a quadratic cite-key scan made it 4.5x)


EDITED = "# Reading\n\nSee [[@hot0000]], [@hot0000, p. 3] and [[Topic 1#Heading]] {}.\n"


def _edit_calls(root: Path) -> int:
    host, _ = load_vault(root, workers=1)
    path = "notes/00/Topic 0.md"
    host.apply([SetNote(path, EDITED.format("first"))])  # the same note text in both vaults

    def edit():
        vault, affected = host.apply([SetNote(path, EDITED.format("typed"))])
        return [diagnose_note(vault, p) for p in sorted(affected)]

    before = host.parse_count
    calls, _ = count_calls(edit)
    assert host.parse_count == before + 1  # one edit re-parses exactly one note
    return calls


def test_an_edit_costs_the_same_in_a_four_times_larger_vault(vaults) -> None:
    small, large = _edit_calls(vaults[SMALL]), _edit_calls(vaults[LARGE])
    assert large <= 1.25 * small, (small, large)


def test_an_edit_copies_no_vault_wide_table(vaults) -> None:
    """Copy-on-write: an edit that changes no file name, alias or cite key shares every name table
    with the snapshot before it, and copies only the dependents' shards its links' keys fall in.
    (Copying a table is one C call, invisible to the call counts above: an unguarded copy of the
    files' lower-cased paths once cost each keystroke 1 ms at 100k notes, and as much again to
    free it with the snapshot.)"""
    host, _ = load_vault(vaults[LARGE], workers=1)
    path = "notes/00/Topic 0.md"
    host.apply([SetNote(path, EDITED.format("first"))])
    before, old_keys = host.vault._tables, set(host.vault.summary(path).depends)
    vault, _ = host.apply([SetNote(path, EDITED.format("first") + "[[A new link]] [@hot0001]\n")])
    after, new_keys = vault._tables, set(vault.summary(path).depends) - old_keys
    for name in ("by_name", "lower_paths", "aliases", "cites", "cites_lower"):
        assert getattr(after, name) is getattr(before, name), name
    copied = {i for i, (mine, theirs) in enumerate(zip(after.dependents._shards, before.dependents._shards))
              if mine is not theirs}
    assert new_keys and copied == {hash(key) & 255 for key in new_keys}


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="CPU affinity is Linux-only")
def test_a_load_uses_the_cores_the_process_may_run_on(tmp_path) -> None:
    """"Use all cores a user has": the ones its affinity allows (a container or `taskset` narrows
    them), not every core of the machine, which would only make workers take turns."""
    (tmp_path / "a.md").write_text("# A\n", encoding="utf-8")
    script = ("import os, sys; from pathlib import Path; from litnotes.disk import load_vault\n"
              "os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})\n"
              "print(load_vault(Path(sys.argv[1]))[1].workers)\n")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "1"
