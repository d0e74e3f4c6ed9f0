"""Editor-neutral results of navigation and refactoring: places, references, symbols, edits.

Offsets are code points into a note's text; paths are vault-relative. The LSP adapter turns a
`Target` into a `Location`/`LocationLink`, a `SourceChange` into a `WorkspaceEdit` (with
`documentChanges` or `changes`, as the client supports) and its `warnings` into messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Target", "Reference", "TextEdit", "CreateFile", "RenameFile", "SourceChange", "Symbol", "DocLink",
           "Lens", "Fix", "RenamePlace"]


@dataclass(frozen=True, slots=True)
class Target:
    """Where a definition lives: the whole element `[start, end)` and the part to select (inside it)."""

    path: str
    start: int
    end: int
    selection_start: int
    selection_end: int


@dataclass(frozen=True, slots=True)
class Reference:
    """One place that names a target: a link, embed, citation, `[[@key]]`, tag or the declaration."""

    path: str
    start: int
    end: int
    kind: str  # "link" | "embed" | "citation" | "tag" | "declaration"
    resolved: bool = True  # False for links that name the target but that Obsidian does not resolve


@dataclass(frozen=True, slots=True)
class TextEdit:
    path: str
    start: int
    end: int
    new_text: str


@dataclass(frozen=True, slots=True)
class CreateFile:
    path: str


@dataclass(frozen=True, slots=True)
class RenameFile:
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class SourceChange:
    """A change to the vault: text edits (in the files as they are now), then file operations."""

    edits: tuple[TextEdit, ...] = ()
    creates: tuple[CreateFile, ...] = ()
    renames: tuple[RenameFile, ...] = ()
    warnings: tuple[str, ...] = ()

    def paths(self) -> list[str]:
        return sorted({e.path for e in self.edits})


@dataclass(frozen=True, slots=True)
class RenamePlace:
    """What `prepareRename` answers: the range being renamed and its current name, or why not."""

    start: int = 0
    end: int = 0
    placeholder: str = ""
    what: str = ""  # "heading" | "block" | "note" | "citekey" | "tag"
    error: str = ""


@dataclass(frozen=True, slots=True)
class Symbol:
    """A document symbol: `children` nest inside `[start, end)`; `selection_*` is the name's range."""

    name: str
    kind: str  # "heading" | "callout" | "highlight" | "note" | "alias" | "block"
    start: int
    end: int
    selection_start: int
    selection_end: int
    detail: str = ""
    path: str = ""
    container: str = ""
    children: tuple[Symbol, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class DocLink:
    """A clickable range: `url` for web and Zotero links, `path` for a vault file."""

    start: int
    end: int
    url: str = ""
    path: str = ""
    tooltip: str = ""


@dataclass(frozen=True, slots=True)
class Lens:
    start: int
    end: int
    count: int
    title: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A quick fix for one diagnostic (`code` at `[start, end)` of the note)."""

    title: str
    code: str
    start: int
    end: int
    change: SourceChange
    preferred: bool = False
