"""The only place where litnotes' offsets meet LSP positions, URIs and lsprotocol types.

Offsets inside litnotes are code points; the client negotiated UTF-8, UTF-16 or UTF-32 columns
(spec L-2). URIs are canonicalised (percent-decoding, NFC) before they are used as keys (L-6).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

from lsprotocol import types

from ..features import Diagnostic
from ..syntax import LineIndex

__all__ = ["encoding_of", "to_range", "to_position", "offset_of", "uri_to_path", "path_to_uri", "child_uri",
           "canonical_uri", "to_lsp_diagnostic", "README_URL", "SEVERITY"]

def _readme_url() -> str | None:
    """The README's diagnostics section, when litnotes runs from a checkout (editable install)."""
    readme = Path(__file__).resolve().parents[3] / "README.md"
    return path_to_uri(readme) + "#diagnostics" if readme.is_file() else None


SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}


def encoding_of(kind) -> str:
    """The negotiated `PositionEncodingKind` (enum or string) as "utf-8", "utf-16" or "utf-32"."""
    value = str(getattr(kind, "value", kind) or "utf-16").lower()
    return value if value in ("utf-8", "utf-16", "utf-32") else "utf-16"


def to_position(index: LineIndex, offset: int, encoding: str) -> types.Position:
    line, character = index.position(offset, encoding)
    return types.Position(line=line, character=character)


def to_range(index: LineIndex, start: int, end: int, encoding: str) -> types.Range:
    return types.Range(start=to_position(index, start, encoding), end=to_position(index, end, encoding))


def offset_of(index: LineIndex, position: types.Position, encoding: str) -> int:
    return index.offset(position.line, position.character, encoding)


def uri_to_path(uri: str) -> Path | None:
    """The file-system path of a `file:` URI (None for `untitled:` and other schemes)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if len(path) >= 3 and path[0] == "/" and path[2] == ":":  # file:///C:/… on Windows
        path = path[1:]
    return Path(unicodedata.normalize("NFC", path))


def path_to_uri(path: Path) -> str:
    return "file://" + quote(path.as_posix(), safe="/:@")


def child_uri(root_uri: str, rel: str) -> str | None:
    """`path_to_uri(root / rel)` from `root_uri = path_to_uri(root)` without a `Path` (thousands of
    references): only for a plain relative POSIX path (no empty, "." or absolute part), else None."""
    if (not rel or rel[0] == "/" or rel[-1] == "/" or "//" in rel or "\\" in rel or root_uri[-1] == "/"
            or rel == "." or rel.startswith("./") or rel.endswith("/.") or "/./" in rel):
        return None
    return root_uri + "/" + quote(rel, safe="/:@")


def canonical_uri(uri: str) -> str:
    path = uri_to_path(uri)
    return path_to_uri(path) if path is not None else uri


def to_lsp_diagnostic(d: Diagnostic, index: LineIndex, encoding: str, related_location, caps) -> types.Diagnostic:
    """`related_location(path, start, end)` gives a Location in another file (or None); `caps` = client support."""
    related = None
    if d.related and caps.related_information:
        related = [types.DiagnosticRelatedInformation(location=loc, message=r.message)
                   for r in d.related if (loc := related_location(r.path, r.start, r.end)) is not None] or None
    return types.Diagnostic(
        range=to_range(index, d.start, d.end, encoding),
        message=d.message,
        severity=SEVERITY[d.severity],
        code=d.code,
        code_description=types.CodeDescription(href=README_URL) if caps.code_description and README_URL else None,
        source="litnotes",
        related_information=related,
    )


README_URL = _readme_url()
