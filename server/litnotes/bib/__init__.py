"""The bibliography layer: read Better BibTeX exports (BibTeX/BibLaTeX, CSL-JSON, CSL-YAML, Better
BibTeX JSON) into `BibEntry` records with code-point positions, and render citation cards.

Pure functions over text: no file-system access, no vault or LSP knowledge, and nothing here raises on
any input — a broken entry or file becomes a `BibProblem` and the rest still loads. Problem codes:
`PARSE_ERROR` ("bibliography.parse-error": text that cannot be read) and `NO_KEY` ("bibliography.no-key":
an entry or item that defines no citation key).
"""

from __future__ import annotations

from .card import render_card
from .latex import decode_latex
from .records import NO_KEY, PARSE_ERROR, BibEntry, Bibliography, BibProblem
from .sniff import looks_like_bibliography_path, parse_bibliography

__all__ = [
    "NO_KEY",
    "PARSE_ERROR",
    "BibEntry",
    "BibProblem",
    "Bibliography",
    "decode_latex",
    "looks_like_bibliography_path",
    "parse_bibliography",
    "render_card",
]
