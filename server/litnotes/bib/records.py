"""Record types of the bibliography layer, plus small helpers shared by the format readers.

`BibEntry` is one citable item read from a Better BibTeX export (BibTeX/BibLaTeX, CSL-JSON,
CSL-YAML or Better BibTeX JSON); `BibProblem` is a broken part of such a file; `Bibliography` is
the result of reading one file. All offsets are code-point offsets (Python `str` indices) into the
text that was parsed. Everything here is pure: no I/O, no knowledge of the vault or of LSP.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..frozen import FastPickled

__all__ = [
    "BibEntry",
    "BibProblem",
    "Bibliography",
    "PARSE_ERROR",
    "NO_KEY",
    "year_of",
    "normalise_date",
    "zotero_select_link",
    "find_zotero_link",
    "strip_rich_text",
    "clean_doi",
]

PARSE_ERROR = "bibliography.parse-error"
NO_KEY = "bibliography.no-key"


@dataclass(frozen=True, slots=True)
class BibEntry(FastPickled):
    key: str
    extra_keys: tuple[str, ...]
    entry_type: str
    authors: tuple[str, ...]
    editors: tuple[str, ...]
    year: str
    date: str
    title: str
    container: str
    volume: str
    pages: str
    doi: str
    url: str
    zotero_link: str
    start: int
    end: int
    key_start: int
    key_end: int


@dataclass(frozen=True, slots=True)
class BibProblem(FastPickled):
    message: str
    start: int
    end: int
    code: str = PARSE_ERROR


@dataclass(frozen=True, slots=True)
class Bibliography(FastPickled):
    format: str
    entries: tuple[BibEntry, ...]
    problems: tuple[BibProblem, ...]


_YEAR = re.compile(r"(?<![0-9])([0-9]{4})(?![0-9])")
_ISO = re.compile(r"^\s*(-?[0-9]{4})(?:([-/])([0-9]{1,2})(?:\2([0-9]{1,2}))?)?")


_SIGNED_YEAR = re.compile(r"\s*(-[0-9]{4})(?![0-9])")


def year_of(text: str) -> str:
    """The first four-digit year in `text` ("2013-05-12" → "2013", "Spring 1999" → "1999", EDTF/BibLaTeX
    "-0333" → "-0333"), else ""."""
    m = _SIGNED_YEAR.match(text) or _YEAR.search(text)
    return m.group(1) if m else ""


def normalise_date(text: str) -> str:
    """ISO-like dates become `YYYY[-MM[-DD]]` (zero months/days dropped); other dates stay as written."""
    text = " ".join(text.split())
    m = _ISO.match(text)
    if not m or text[m.end():m.end() + 1].isdigit():
        return text
    rest = text[m.end():].strip()
    if rest and not rest.startswith(("T", "/")):
        return text
    parts = [m.group(1)]
    for group, top in ((m.group(3), 12), (m.group(4), 31)):
        if not group or not 1 <= int(group) <= top:  # 00 = unknown; 13-24 are seasons, not months
            break
        parts.append(group.zfill(2))
    return "-".join(parts)


_ZOTERO_LINK = re.compile(r"zotero://select/[^\s{}\"'<>\\,\]\)]+")
_ZOTERO_URI = re.compile(r"^https?://zotero\.org/(users|groups)/((?:local/)?[^/]+)/items/([^/?#\s]+)")


def zotero_select_link(uri: str) -> str:
    """`zotero://select/...` for a Zotero item URI (`http://zotero.org/users/1/items/KEY`), as Better
    BibTeX's `select` field is built; "" when `uri` is no Zotero item URI."""
    if uri.startswith("zotero://select/"):
        return uri.strip()
    m = _ZOTERO_URI.match(uri.strip())
    if not m:
        return ""
    kind, library, key = m.groups()
    if kind == "users":
        return f"zotero://select/library/items/{key}"
    return f"zotero://select/groups/{library}/items/{key}"


def find_zotero_link(text: str, start: int = 0, end: int | None = None) -> str:
    """The first `zotero://select/...` link in text[start:end], else ""."""
    m = _ZOTERO_LINK.search(text, start, len(text) if end is None else end)
    return m.group(0) if m else ""


_RICH_TAG = re.compile(r"</?(?:i|b|em|strong|sup|sub|sc|span)(?:\s[^<>]*)?>", re.IGNORECASE)


def strip_rich_text(text: str) -> str:
    """Drop Zotero/CSL rich-text tags (`<i>`, `<b>`, `<sup>`, `<span class="nocase">`, ...) and
    collapse whitespace, for display."""
    if "<" in text:
        text = _RICH_TAG.sub("", text)
    return " ".join(text.split())


_DOI_PREFIX = re.compile(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def clean_doi(text: str) -> str:
    """A bare DOI ("10.1086/504343") from a DOI field that may carry a resolver prefix."""
    return _DOI_PREFIX.sub("", text).strip()
