"""Diagnostics of cite keys: `cite-key.unknown`, `cite-key.case` for citations; `cite-key.duplicate`
and `cite-key.mismatch` for the keys a literature note defines (K-4, K-6).

Bracketed citations (`[@key]`) are real Pandoc citations; a bare in-text `@word` is more often a
handle or a mention, so an unknown one is at most a hint (obsidian-hub has thousands of them).
"""

from __future__ import annotations

import re

from ...syntax import NoteSyntax
from ...vault import Vault
from ..types import Related
from .emit import Emitter

__all__ = ["check_citations", "check_definitions"]


def check_citations(vault: Vault, path: str, note: NoteSyntax, out: Emitter) -> None:
    for cite in note.citations:
        if vault.cite_sources(cite.key):
            continue
        others = tuple(k for k in vault.cite_keys_ignoring_case(cite.key) if k != cite.key)
        soft = not cite.bracketed or cite.in_comment
        if others:
            out.add(cite.start, cite.end, "cite-key.case",
                    f"`@{cite.key}` is not defined, but `{others[0]}` is: Pandoc keys are case-sensitive",
                    fix=(("replace", "@" + others[0]),), hint=soft)
        elif cite.bracketed and not vault.cite_keys:
            out.add(cite.start, cite.end, "cite-key.unknown",
                    f"cite key `{cite.key}` cannot be checked: this vault has no literature notes with cite keys "
                    "and no bibliography", hint=True)
        elif cite.bracketed:
            out.add(cite.start, cite.end, "cite-key.unknown",
                    f"cite key `{cite.key}` is defined by no literature note or bibliography", hint=cite.in_comment)
        else:
            out.add(cite.start, cite.end, "cite-key.unknown",
                    f"`@{cite.key}` is not a known cite key (an in-text citation, or a handle?)", hint=True)


def _def_range(note: NoteSyntax, key: str, kind: str) -> tuple[int, int]:
    for d in note.citekey_defs:
        if d.key == key and d.source == kind:
            return d.start, d.end
    return 0, 0


def _describe(kind: str) -> str:
    return {"alias": "alias", "property": "property", "metadata": "Cite key line", "filename": "file name"}.get(kind, kind)


def check_definitions(vault: Vault, path: str, note: NoteSyntax, out: Emitter) -> None:
    summary = vault.summary(path)
    if summary is None or not summary.cites:
        return
    defs = summary.cites
    by_kind: dict[str, set[str]] = {}
    for key, kind in defs:
        by_kind.setdefault(kind, set()).add(key)
    if len(by_kind) > 1 and not set.intersection(*by_kind.values()):
        first_key, first_kind = defs[0]
        f_start, f_end = _def_range(note, first_key, first_kind)
        for key, kind in defs:
            if kind != first_kind and key not in by_kind[first_kind]:
                start, end = _def_range(note, key, kind)
                out.add(start, end, "cite-key.mismatch",
                        f"this note's {_describe(kind)} says `{key}` but its {_describe(first_kind)} says `{first_key}`",
                        related=(Related(path, f_start, f_end, f"the {_describe(first_kind)}"),))
    _against_libraries(vault, path, note, defs, out)
    seen: set[str] = set()
    for key, kind in defs:
        if key in seen:
            continue
        seen.add(key)
        start, end = _def_range(note, key, kind)
        rivals = sorted({s.path for s in vault.cite_sources(key) if s.kind != "bibliography" and s.path != path})
        if rivals:
            out.add(start, end, "cite-key.duplicate",
                    f"cite key `{key}` is also claimed by `{rivals[0]}`" + (f" and {len(rivals) - 1} more" if len(rivals) > 1 else ""),
                    related=tuple(Related(r, 0, 0, "also defines this key") for r in rivals))
        for other in vault.cite_keys_ignoring_case(key):
            if other == key:
                continue
            claimants = sorted({s.path for s in vault.cite_sources(other) if s.kind != "bibliography" and s.path != path})
            if claimants:
                out.add(start, end, "cite-key.duplicate",
                        f"cite key `{key}` differs only in case from `{other}` in `{claimants[0]}`",
                        related=(Related(claimants[0], 0, 0, "defines the other spelling"),))


def _note_field(note: NoteSyntax, name: str) -> str:
    fm = note.frontmatter
    for key, value in fm.properties if fm else ():
        if key.lower() == name:
            return value.strip()
    for label, value in note.metadata:
        if label == name:
            return value.strip()
    return ""


def _words(s: str) -> set[str]:
    return {w for w in re.findall(r"\w+", s.lower()) if len(w) > 2}


def _against_libraries(vault: Vault, path: str, note: NoteSyntax, defs, out: Emitter) -> None:
    """A literature note's key should be in the library (if there is one) and describe the same work."""
    if not vault.libraries:
        return
    compared = False
    for key in sorted({k for k, _ in defs}):
        start, end = next((_def_range(note, k, kind) for k, kind in defs if k == key), (0, 0))
        entries = vault.library_entries(key)
        if not entries:
            libs = ", ".join(f"`{p}`" for p in sorted(vault.libraries))
            out.add(start, end, "cite-key.mismatch",
                    f"cite key `{key}` is not in the bibliography ({libs}): a stale Better BibTeX export, or a renamed key?")
            continue
        if compared:
            continue
        compared = True
        lib_path, entry = entries[0]
        year = _note_field(note, "year") or _note_field(note, "date")[:4]
        if year and entry.year and year[:4] != entry.year[:4]:
            out.add(start, end, "cite-key.mismatch",
                    f"this note says year {year[:4]}, the library entry for `{key}` says {entry.year}", cap="information",
                    related=(Related(lib_path, entry.key_start, entry.key_end, "the library entry"),))
        title = _note_field(note, "title")
        if title and entry.title:
            a, b = _words(title), _words(entry.title)
            if a and b and len(a & b) / len(a | b) < 0.3:
                out.add(start, end, "cite-key.mismatch",
                        f"this note's title differs from the library entry for `{key}`: “{entry.title}”", cap="information",
                        related=(Related(lib_path, entry.key_start, entry.key_end, "the library entry"),))
