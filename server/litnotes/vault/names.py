"""How Obsidian compares names: NFC, NBSP as space, JavaScript-style lower case (P-3, R-8, R-9).

Use `str.lower()`, never `casefold()`: "Straße" must not find "STRASSE.md" (spec case 15).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["name_key", "heading_key", "basename", "folder_of", "stem"]

_HEADING_PUNCT = re.compile(r"[!\"#$%&()*+,.:;<=>?@^`{|}~/\[\]\\\r\n]")
_TRAILING_BLOCK_ID = re.compile(r"\s+\^[A-Za-z0-9-]+$")


def name_key(s: str) -> str:
    """Key for file names, paths, link paths and aliases: NFC, NBSP → space, lower case."""
    if not s.isascii():
        s = unicodedata.normalize("NFC", s.replace("\u00a0", " "))
    return s.lower()


def heading_key(s: str) -> str:
    """H-2: punctuation to spaces, whitespace runs collapsed, trimmed, lower-cased."""
    return " ".join(_HEADING_PUNCT.sub(" ", s).split()).lower()


def heading_keys(text: str) -> tuple[str, ...]:
    """Keys a heading answers to: its text, and its text without a trailing `^id` (H-7 is unsure)."""
    key = heading_key(text)
    bare = _TRAILING_BLOCK_ID.sub("", text)
    return (key,) if bare == text else (key, heading_key(bare))


def basename(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def folder_of(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def stem(path: str) -> str:
    """File name without a trailing `.md` (how Obsidian names a note in a link)."""
    name = basename(path)
    return name[:-3] if name.lower().endswith(".md") else name
