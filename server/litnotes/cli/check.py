"""`litnotes check VAULT`: index a vault, print every diagnostic, exit 1 on any error.

It uses `disk`, `vault` and `features` exactly as the server does, so the CLI and the editor
always report the same codes and messages.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from ..disk import CONFIG_NAME, SETTLE_SECONDS, LoadStats, load_vault, read_note, save_index
from ..features import SEVERITY_RANK, checked_paths, diagnose_note
from ..features.cards import citation_card
from .parallel import can_fork, fork_call, run_parts, split_by_weight, usable_cores
from .render import json_array, json_items, render_text

__all__ = ["run_check", "run_cite"]


def run_check(vault_dir: str, fmt: str, min_severity: str, out=None, use_index: bool = True) -> int:
    out = out or sys.stdout
    root = Path(vault_dir)
    if not root.is_dir():
        print(f"litnotes: {vault_dir}: not a folder (give the path of an Obsidian vault)", file=sys.stderr)
        return 2
    started = time.perf_counter()
    host, stats = load_vault(root, use_index=use_index)
    saving = _start_saving(stats, out) if stats.worth_saving else None
    try:
        return _report(root, host.vault, fmt, min_severity, out, started)
    finally:
        _finish_saving(stats, saving)


def _start_saving(stats: LoadStats, out) -> int | bool | None:
    """Write the persistent index while the diagnostics run: in a forked child where the platform
    forks and nothing but this thread runs (the parent is single-threaded CPU work, the child uses
    another core), else (True) after the report."""
    if stats.index is None:
        return None
    if not can_fork():
        return True
    pid = fork_call(lambda: save_index(stats, SETTLE_SECONDS), (out,))
    return True if pid is None else pid


def _finish_saving(stats: LoadStats, saving: int | bool | None) -> None:
    if saving is True:
        save_index(stats, SETTLE_SECONDS)
    elif saving:
        os.waitpid(saving, 0)


def _report(root: Path, vault, fmt: str, min_severity: str, out, started: float) -> int:
    limit = SEVERITY_RANK[min_severity]

    def text_of(path: str) -> str:
        if path == CONFIG_NAME:
            return (root / CONFIG_NAME).read_text(encoding="utf-8", errors="replace")
        return read_note(root / path, 1 << 62)[0] or ""

    def weight(path: str) -> int:  # about what diagnosing and rendering the path costs
        note = vault.notes.get(path)
        return len(note.links) + len(note.citations) + 2 if note is not None else 20

    def part(paths: list[str]) -> tuple[list[str], dict[str, int]]:
        """The rendered diagnostics of some paths (in order) and the count of each severity."""
        counts = {s: 0 for s in SEVERITY_RANK}
        shown = []
        for path in paths:
            for d in diagnose_note(vault, path):
                counts[d.severity] += 1
                if SEVERITY_RANK[d.severity] <= limit:
                    shown.append(d)
        return (json_items(shown, text_of) if fmt == "json" else render_text(shown, text_of)), counts

    parts = split_by_weight(checked_paths(vault), weight, usable_cores())
    results = run_parts(part, parts, (out,))
    counts = {s: sum(c[s] for _, c in results) for s in SEVERITY_RANK}
    elapsed = time.perf_counter() - started
    if fmt == "json":
        print(json_array([item for rendered, _ in results for item in rendered]), file=out)
    else:
        for rendered, _ in results:
            for line in rendered:
                print(line, file=out)
        notes = vault.notes.values()
        hidden = sum(n for s, n in counts.items() if SEVERITY_RANK[s] > limit)
        print(
            f"{len(vault.notes)} notes, {sum(len(n.links) for n in notes)} links, "
            f"{sum(n.highlight_count for n in notes)} highlights, {len(vault.cite_keys)} cite keys; "
            f"{_count(counts['error'], 'error')}, {_count(counts['warning'], 'warning')}, "
            f"{counts['information']} information, {_count(counts['hint'], 'hint')}" + (f" ({hidden} below --severity {min_severity} not shown)" if hidden else "")
            + f"; {elapsed:.2f} s",
            file=out,
        )
    return 1 if counts["error"] else 0


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def run_cite(key: str, vault_dir: str) -> int:
    """`litnotes cite KEY [VAULT]`: print the citation card, exit 1 when the key is unknown."""
    root = Path(vault_dir)
    if not root.is_dir():
        print(f"litnotes: {vault_dir}: not a folder", file=sys.stderr)
        return 2
    host, _ = load_vault(root)
    key = key[1:] if key.startswith("@") else key
    card = citation_card(host.vault, key)
    if card is None:
        close = host.vault.cite_keys_ignoring_case(key)
        hint = f" (did you mean `{close[0]}`?)" if close else ""
        print(f"litnotes: no literature note or bibliography in {vault_dir} defines `{key}`{hint}", file=sys.stderr)
        return 1
    print(card)
    return 0
