"""Renders diagnostics for people (`path:line:col: severity code message`) and for programs (JSON).

Text positions are 1-based lines and code-point columns; JSON positions are 0-based lines and
UTF-16 characters, exactly as LSP sends them, with vault-relative POSIX paths.
"""

from __future__ import annotations

import json

from ..features import Diagnostic
from ..syntax import LineIndex

__all__ = ["render_text", "render_json"]


def _index_for(path: str, texts: dict[str, str], cache: dict[str, LineIndex]) -> LineIndex:
    if path not in cache:
        cache[path] = LineIndex(texts.get(path, ""))
    return cache[path]


def render_text(diagnostics: list[Diagnostic], texts: dict[str, str]) -> list[str]:
    cache: dict[str, LineIndex] = {}
    lines = []
    for d in diagnostics:
        line, col = _index_for(d.path, texts, cache).position(d.start)
        lines.append(f"{d.path}:{line + 1}:{col + 1}: {d.severity} {d.code} {d.message}")
    return lines


def render_json(diagnostics: list[Diagnostic], texts: dict[str, str]) -> str:
    cache: dict[str, LineIndex] = {}
    out = []
    for d in diagnostics:
        index = _index_for(d.path, texts, cache)
        sl, sc = index.position(d.start, "utf-16")
        el, ec = index.position(d.end, "utf-16")
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
