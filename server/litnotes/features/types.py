"""Results of features in editor terms, free of LSP types: diagnostics, related places, severities."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Diagnostic", "Related", "SEVERITY_RANK", "Completion", "CompletionResult", "HoverResult"]

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


@dataclass(frozen=True, slots=True)
class Completion:
    """One completion item in editor terms: replace `[start, end)` of the current note with `new_text`."""

    label: str
    kind: str  # "note" | "alias" | "heading" | "block" | "highlight" | "citekey" | "tag" | "file"
    new_text: str
    start: int  # code-point offsets into the current note's text
    end: int
    detail: str = ""
    documentation: str | None = None  # Markdown; None when it is filled lazily by `resolve_completion`
    sort_text: str = ""
    filter_text: str = ""
    resolve: tuple[tuple[str, str], ...] = ()  # what `resolve_completion` needs, e.g. (("citekey", "smith2020"),)
    edits: tuple = ()  # `edits.TextEdit`s to apply with the item (a new block id in the target note)


@dataclass(frozen=True, slots=True)
class CompletionResult:
    items: tuple[Completion, ...]
    incomplete: bool  # True when the list was capped: the editor must ask again as the user types


@dataclass(frozen=True, slots=True)
class HoverResult:
    markdown: str
    start: int  # the hovered element's range in the current note (code points)
    end: int
