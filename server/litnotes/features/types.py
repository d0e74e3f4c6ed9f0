"""Results of features in editor terms, free of LSP types: diagnostics, related places, severities."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Diagnostic", "Related", "SEVERITY_RANK"]

SEVERITY_RANK = {"error": 1, "warning": 2, "information": 3, "hint": 4}


@dataclass(frozen=True, slots=True)
class Related:
    path: str
    start: int
    end: int
    message: str


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding: code-point offsets into the note `path`; `fix` carries what a quick fix needs."""

    path: str
    start: int
    end: int
    severity: str
    code: str
    message: str
    related: tuple[Related, ...] = ()
    fix: tuple[tuple[str, str], ...] = ()  # (kind, value) pairs, e.g. ("replace", "[[note|alias]]")
