"""Diagnostics: pure functions from a vault snapshot to findings with stable codes.

`diagnose_note` is what the editor asks for one note; `check_vault` is what `litnotes check`
prints. Both apply the vault's severity settings; codes are listed in `features/codes.py`.
"""

from __future__ import annotations

from ...syntax import NoteSyntax
from ...vault import Vault
from ..types import Diagnostic, Related
from .citations import check_citations, check_definitions
from .emit import Emitter
from .libraries import check_library
from .links import check_links

__all__ = ["diagnose_note", "check_vault", "checked_paths"]


def _syntax_problems(note: NoteSyntax, out: Emitter, path: str) -> None:
    for p in note.problems:
        related = tuple(Related(path, s, e, m) for s, e, m in p.related)
        out.add(p.start, p.end, p.code, p.message, related=related)


def _duplicate_block_ids(note: NoteSyntax, out: Emitter, path: str) -> None:
    keys = note.block_keys()
    if len(set(keys)) == len(keys):
        return
    winners = note.block_map()
    counts: dict[str, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    for b in note.block_ids:
        if counts[b.key] > 1 and winners[b.key].start != b.start:  # by position: a packed note's records are made anew
            w = winners[b.key]
            out.add(b.start, b.end, "block-id.duplicate",
                    f"block id `^{b.id}` is used {counts[b.key]} times in this note; Obsidian resolves links to the last one",
                    related=(Related(path, w.start, w.end, "the block Obsidian links to"),))


def diagnose_note(vault: Vault, path: str) -> list[Diagnostic]:
    """All diagnostics of one note (or of a non-note file with read problems), sorted by position."""
    out = Emitter(path, vault.settings)
    for p in vault.file_problems(path):
        out.add(p.start, p.end, p.code, p.message)
    if path in vault.libraries:
        check_library(vault, path, out)
    note = vault.note(path)
    if note is not None and not vault.settings.is_excluded(path):
        _syntax_problems(note, out, path)
        _duplicate_block_ids(note, out, path)
        check_links(vault, path, note, out)
        check_citations(vault, path, note, out)
        check_definitions(vault, path, note, out)
    out.items.sort(key=lambda d: (d.start, d.end, d.code))
    return out.items



def checked_paths(vault: Vault) -> list[str]:
    """Every path `check_vault` diagnoses, sorted: the notes, files with read problems, libraries."""
    return sorted(set(vault.notes) | set(vault.problem_paths) | set(vault.libraries))


def check_vault(vault: Vault) -> dict[str, list[Diagnostic]]:
    """Diagnostics of every checked note and every file with read problems, keyed by path."""
    result = {}
    for path in checked_paths(vault):
        found = diagnose_note(vault, path)
        if found:
            result[path] = found
    return result
