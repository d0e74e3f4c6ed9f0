"""The syntax layer: one note's text becomes an immutable `NoteSyntax` with exact ranges.

Architecture invariant: nothing here knows about other notes, the vault, the disk or LSP.
"""

from .model import (
    DEFAULT_CITEKEY_PROPERTIES, BlockId, Callout, Citation, CiteKeyDef, Frontmatter, Heading, Highlight, HighlightDigest,
    Link, NoteSyntax, ParseOptions, Problem, Tag,
)
from .frontmatter import normalise_property
from .parse import DEFAULT_OPTIONS, index_note, parse_note
from .text import ENCODINGS, LineIndex

__all__ = [
    "parse_note", "index_note", "DEFAULT_OPTIONS", "ParseOptions", "NoteSyntax", "Problem", "Frontmatter", "Heading",
    "BlockId", "Link", "Citation", "Tag", "Callout", "Highlight", "HighlightDigest", "CiteKeyDef", "LineIndex", "ENCODINGS",
    "DEFAULT_CITEKEY_PROPERTIES", "normalise_property",
]
