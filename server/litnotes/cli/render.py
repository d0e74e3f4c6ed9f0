"""Renders diagnostics for people (`path:line:col: severity code message`) and for programs (JSON).

Text positions are 1-based lines and code-point columns; JSON positions are 0-based lines and
UTF-16 characters, exactly as LSP sends them, with vault-relative POSIX paths.
"""

from __future__ import annotations

import json

from ..features import Diagnostic
from ..syntax.text import positions

__all__ = ["render_text", "render_json"]


def _positions(diagnostics: list[Diagnostic], texts: dict[str, str], encoding: str) -> dict[str, dict]:
    """Per path, the positions of the diagnostics' offsets (only those: no line index of whole notes)."""
    wanted: dict[str, set[int]] = {}
    for d in diagnostics:
        wanted.setdefault(d.path, set()).update((d.start, d.end))
    return {path: positions(texts.get(path, ""), offsets, encoding) for path, offsets in wanted.items()}


def render_text(diagnostics: list[Diagnostic], texts: dict[str, str]) -> list[str]:
    at = _positions(diagnostics, texts, "utf-32")
    lines = []
    for d in diagnostics:
        line, col = at[d.path][d.start]
        lines.append(f"{d.path}:{line + 1}:{col + 1}: {d.severity} {d.code} {d.message}")
    return lines


def render_json(diagnostics: list[Diagnostic], texts: dict[str, str]) -> str:
    at = _positions(diagnostics, texts, "utf-16")
    out = []
    for d in diagnostics:
        sl, sc = at[d.path][d.start]
        el, ec = at[d.path][d.end]
        item = {
            "path": d.path,
            "range": {"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}},
            "severity": d.severity,
            "code": d.code,
            "message": d.message,
        }
        if d.related:
            item["related"] = [{"path": r.path, "message": r.message} for r in d.related]
        out.append(item)
    return json.dumps(out, ensure_ascii=False, indent=1)
