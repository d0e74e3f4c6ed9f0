"""Renders diagnostics for people (`path:line:col: severity code message`) and for programs (JSON).

Text positions are 1-based lines and code-point columns; JSON positions are 0-based lines and
UTF-16 characters, exactly as LSP sends them, with vault-relative POSIX paths.
"""

from __future__ import annotations

from json.encoder import encode_basestring as _string  # the escaper of json.dumps(ensure_ascii=False)
from typing import Callable

from ..features import Diagnostic
from ..syntax.text import positions

__all__ = ["render_text", "render_json", "json_items", "json_array"]


def _positions(diagnostics: list[Diagnostic], text_of: Callable[[str], str], encoding: str) -> dict[str, dict]:
    """Per path, the positions of the diagnostics' offsets (only those: no line index of whole notes).
    Each note's text is read when its turn comes and dropped after: a 100k-note vault's findings
    are in ~90k notes, a gigabyte of text if they were all held at once."""
    wanted: dict[str, set[int]] = {}
    for d in diagnostics:
        wanted.setdefault(d.path, set()).update((d.start, d.end))
    return {path: positions(text_of(path), offsets, encoding) for path, offsets in wanted.items()}


def render_text(diagnostics: list[Diagnostic], text_of: Callable[[str], str]) -> list[str]:
    """`path:line:col: severity code message` lines; `text_of(path)` gives a note's text."""
    at = _positions(diagnostics, text_of, "utf-32")
    lines = []
    for d in diagnostics:
        line, col = at[d.path][d.start]
        lines.append(f"{d.path}:{line + 1}:{col + 1}: {d.severity} {d.code} {d.message}")
    return lines


def render_json(diagnostics: list[Diagnostic], text_of: Callable[[str], str]) -> str:
    """`json.dumps(items, ensure_ascii=False, indent=1)` of the diagnostics, written directly: with an
    indent, `json` encodes in Python (0.45 s for the 32k diagnostics of the 10k bench vault); here
    only the strings go through its C escaper. Tested equal to `json.dumps`."""
    return json_array(json_items(diagnostics, text_of))


def json_array(items: list[str]) -> str:
    """The JSON array of items made by `json_items` (of one or several runs of diagnostics)."""
    return "[\n" + ",\n".join(items) + "\n]" if items else "[]"


def json_items(diagnostics: list[Diagnostic], text_of: Callable[[str], str]) -> list[str]:
    """Each diagnostic as an item of `render_json`'s array, in order."""
    at = _positions(diagnostics, text_of, "utf-16")
    out = []
    for d in diagnostics:
        sl, sc = at[d.path][d.start]
        el, ec = at[d.path][d.end]
        item = (f' {{\n  "path": {_string(d.path)},\n  "range": {{\n   "start": {{\n    "line": {sl},\n'
                f'    "character": {sc}\n   }},\n   "end": {{\n    "line": {el},\n    "character": {ec}\n   }}\n  }},\n'
                f'  "severity": {_string(d.severity)},\n  "code": {_string(d.code)},\n  "message": {_string(d.message)}')
        if d.related:
            item += ',\n  "related": [\n' + ",\n".join(
                f'   {{\n    "path": {_string(r.path)},\n    "message": {_string(r.message)}\n   }}' for r in d.related) + "\n  ]"
        out.append(item + "\n }")
    return out
