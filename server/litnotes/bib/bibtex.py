"""Read BibTeX/BibLaTeX text (Better BibTeX `.bib`/`.biblatex` exports, hand-written libraries) into records.

Why a small hand-written scanner and not bibtexparser 2.x (measured on the largest corpus file,
`bbt-import/Unabbreviate on import #1436-3.bib`: 7,166 entries, 3.0 MB; CPython 3.11, 2 cores):
- bibtexparser 2.1 `parse_string` alone takes ~0.70 s (median of 5) and gives raw strings with only a
  start *line* per entry: no offsets for the entry or its key, which go-to-definition needs; adding its
  name-splitting and LaTeX-decoding middlewares (pylatexenc) takes ~11 s.
- It moves the second of two entries with the same key into `failed_blocks` (duplicates must be kept so
  the vault can report them) and rejects whole entries with a repeated field (3 entries of one corpus file).
- This scanner (regexes for headers at line starts and for `name = {flat value},`, a brace-matching loop
  for nested values) reads the file into records with offsets, decoded titles and display names in
  ~0.47 s (median of 5, `bench/bib_load.py`), and recovers per entry.

Grammar handled: `@type{key, field = value, ...}` and `@type(key, ...)` with case-insensitive types;
values are `{...}` (nested braces; `\\{` and `\\}` are escaped and do not count, as Better BibTeX writes
literal braces), `"..."`, numbers or `@string` macros, joined with `#`. Headers count only at the start
of a line or right after the previous entry, so `%@article{...}` stays a comment. `@string`
defines macros (month names predefined), `@preamble` and `@comment` define nothing. BibLaTeX
`ids = {a, b}` gives extra keys. Recovery: every entry is scanned only up to the next `@type{` that
starts a line; an entry that does not close before it (unbalanced braces, a missing comma, a key with a
space) becomes a `BibProblem` at the entry and scanning resumes there, so the rest of the file loads.
Duplicate keys are kept. Offsets are code-point offsets into the text.
"""

from __future__ import annotations

import re

from .latex import decode_latex
from .names import display_names
from .records import (
    NO_KEY,
    PARSE_ERROR,
    BibEntry,
    BibProblem,
    Bibliography,
    clean_doi,
    normalise_date,
    year_of,
)

__all__ = ["parse_bibtex"]

# An entry header `@type{` / `@type(`: only where it starts a line (so `%@article{...}` stays a comment),
# or right after the previous entry on the same line.
_HEADER = r"[ \t]*(@)[ \t]*([A-Za-z_][\w:.+-]*)[ \t\r\n]*([{(])"
_LINE_HEADER = re.compile(r"\n" + _HEADER)
_HERE_HEADER = re.compile("\ufeff?" + _HEADER)
_KEY_BRACE = re.compile(r"\s*([^\s,{}]*)\s*")
_KEY_PAREN = re.compile(r"\s*([^\s,{}()]*)\s*")
_FIELD = re.compile(r"\s*([^\s=,{}()\"#%]+)\s*=\s*")
# One field in the common shape `name = {flat value},` (or "...", a number or a macro name) in one match.
_FAST_FIELD = re.compile(
    r'\s*([^\s=,{}()"#%]+)\s*=\s*'  # name =
    r'(?:\{([^{}\\]*(?:\\[^{}][^{}\\]*)*)\}'  # {flat value} (escapes allowed, no braces)
    r'|"([^"{}\\]*(?:\\[^{}][^"{}\\]*)*)"'  # "flat value"
    r'|([^\s,#{}()"=%]+))'  # number or macro name
    r'\s*([,}])')
# Brace counting skips `\{` and `\}` (Better BibTeX writes a literal brace so, e.g. `{Judgment}\}}`).
_FLAT_BRACED = re.compile(r"\{([^{}\\]*(?:\\[^{}][^{}\\]*)*)\}")
_FLAT_QUOTED = re.compile(r'"([^"{}\\]*(?:\\[^{}][^"{}\\]*)*)"')
_BRACES = re.compile(r"\\[{}\\\"]|[{}]")
_QUOTE_OR_BRACE = re.compile(r'\\[{}\\"]|[{}"]')
_BARE = re.compile(r"[^\s,#{}()\"=%]+")
_CONCAT = re.compile(r"\s*#\s*")
_WS = re.compile(r"\s*")
_COMMENT_LINE = re.compile(r"\s*%[^\n]*")
_URL_IN = re.compile(r"\\url\{([^{}]*)\}")
_UNESCAPE = re.compile(r"\\([_%&#$~])")

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_MONTH_NUMBER = {name[:3]: i + 1 for i, name in enumerate(_MONTHS)}
_PREDEFINED = {name[:3]: name.capitalize() for name in _MONTHS}

_CONTAINER_FIELDS = ("journaltitle", "journal", "booktitle", "maintitle", "publisher", "institution", "school",
                     "organization")
_LINK_FIELDS = ("zotero", "select", "uri", "url", "howpublished", "note", "file", "annote", "annotation")


_NO_KEY_REASON = "the entry has no citation key"


class _Broken(Exception):
    """An entry that cannot be read: `where` is the offset the scanner stopped at."""

    def __init__(self, reason: str, where: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.where = where


def _match_brace(text: str, pos: int, limit: int) -> int:
    """Offset of the `}` closing the `{` at `pos`, searching below `limit`."""
    depth = 0
    for m in _BRACES.finditer(text, pos, limit):
        c = text[m.start()]
        if c == "\\":
            continue
        if c == "{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return m.start()
    raise _Broken("unbalanced braces: a `{` is not closed before the next entry", pos)


def _match_quote(text: str, pos: int, limit: int) -> int:
    depth = 0
    for m in _QUOTE_OR_BRACE.finditer(text, pos + 1, limit):
        c = text[m.start()]
        if c == "\\":
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                raise _Broken("unbalanced braces inside a quoted value", m.start())
        elif depth == 0:
            return m.start()
    raise _Broken('a `"` value is not closed before the next entry', pos)


def _value(text: str, pos: int, limit: int, macros: dict[str, str]) -> tuple[str, int]:
    """Read one field value starting at `pos`; return the raw (LaTeX) text and the offset after it."""
    parts: list[str] = []
    while True:
        c = text[pos] if pos < limit else ""
        if c == "{":
            m = _FLAT_BRACED.match(text, pos, limit)
            if m is not None:
                parts.append(m.group(1))
                pos = m.end()
            else:
                end = _match_brace(text, pos, limit)
                parts.append(text[pos + 1:end])
                pos = end + 1
        elif c == '"':
            m = _FLAT_QUOTED.match(text, pos, limit)
            if m is not None:
                parts.append(m.group(1))
                pos = m.end()
            else:
                end = _match_quote(text, pos, limit)
                parts.append(text[pos + 1:end])
                pos = end + 1
        else:
            m = _BARE.match(text, pos, limit)
            if m is None:
                raise _Broken("expected a value (`{...}`, `\"...\"`, a number or a @string name)", pos)
            token = m.group(0)
            parts.append(token if token.isdigit() else macros.get(token.lower(), token))
            pos = m.end()
        m = _CONCAT.match(text, pos, limit)
        if m is None:
            return "".join(parts), pos
        pos = m.end()


def _fields(text: str, pos: int, limit: int, closer: str, macros: dict[str, str]) -> tuple[dict[str, str], int]:
    """Read `name = value` pairs up to the entry's closing delimiter; return them and the offset after it."""
    fields: dict[str, str] = {}
    fast = _FAST_FIELD.match if closer == "}" else None
    while True:
        if fast is not None:
            m = fast(text, pos, limit)
            if m is not None:
                name, braced, quoted, bare, end = m.groups()
                name = name.lower()
                if name not in fields:
                    if braced is not None:
                        fields[name] = braced
                    elif quoted is not None:
                        fields[name] = quoted
                    else:
                        fields[name] = bare if bare.isdigit() else macros.get(bare.lower(), bare)
                pos = m.end()
                if end == "}":
                    return fields, pos
                continue
        m = _FIELD.match(text, pos, limit)
        if m is None:
            pos = _WS.match(text, pos, limit).end()
            if pos < limit and text[pos] == closer:
                return fields, pos + 1
            if pos < limit and text[pos] == "%":
                pos = _COMMENT_LINE.match(text, pos, limit).end()
                continue
            if pos < limit and text[pos] == ",":  # an empty field (`title = {x},, year = ...`): harmless
                pos += 1
                continue
            if pos >= limit:
                raise _Broken(f"the entry is not closed with `{closer}` before the next entry", pos)
            raise _Broken(f"expected a field name or `{closer}`, found `{text[pos]}`", pos)
        name = m.group(1).lower()
        value, pos = _value(text, m.end(), limit, macros)
        if name not in fields:
            fields[name] = value
        pos = _WS.match(text, pos, limit).end()
        c = text[pos] if pos < limit else ""
        if c == ",":
            pos += 1
        elif c == closer:
            return fields, pos + 1
        elif not c:
            raise _Broken(f"the entry is not closed with `{closer}` before the next entry", pos)
        else:
            raise _Broken(f"expected `,` or `{closer}` after field `{name}`, found `{c}`", pos)


def _skip_balanced(text: str, pos: int, limit: int, opener: str) -> int:
    if opener == "{":
        return _match_brace(text, pos, limit) + 1
    depth = 0
    for i in range(pos, limit):
        c = text[i]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    raise _Broken("unbalanced parentheses", pos)


def _month(raw: str) -> int:
    raw = decode_latex(raw).strip().lower().rstrip(".")
    if raw.isdigit():
        number = int(raw)
        return number if 1 <= number <= 12 else 0
    return _MONTH_NUMBER.get(raw[:3], 0)


def _plain(raw: str) -> str:
    """A verbatim field (DOI, URL): whitespace trimmed, LaTeX escapes of URL characters undone."""
    raw = raw.strip()
    if "\\" in raw:
        raw = _UNESCAPE.sub(r"\1", raw)
    return raw.replace("{", "").replace("}", "") if "{" in raw else raw


def _entry(text: str, entry_type: str, key: str, fields: dict[str, str], start: int, end: int,
           key_start: int) -> BibEntry:
    get = fields.get
    title = decode_latex(get("title", ""))
    subtitle = get("subtitle")
    if subtitle:
        title = f"{title}: {decode_latex(subtitle)}" if title else decode_latex(subtitle)
    raw_date = get("date", "")
    year = year_of(decode_latex(get("year", ""))) or year_of(raw_date)
    if raw_date:
        date = normalise_date(decode_latex(raw_date))
    elif year:
        month = _month(get("month", ""))
        day = get("day", "").strip()
        date = year
        if month:
            date += f"-{month:02d}"
            if day.isdigit() and 1 <= int(day) <= 31:
                date += f"-{int(day):02d}"
    else:
        date = ""
    container = ""
    for name in _CONTAINER_FIELDS:
        value = get(name)
        if value:
            container = decode_latex(value)
            if container:
                break
    url = _plain(get("url", ""))
    if not url and "\\url{" in get("howpublished", ""):
        m = _URL_IN.search(get("howpublished", ""))
        url = m.group(1).strip() if m else ""
    extra = tuple(k for k in (part.strip() for part in _plain(get("ids", "")).split(",")) if k and k != key)
    link = ""
    if text.find("zotero://select/", start, end) >= 0:
        for name in (*_LINK_FIELDS, *fields):
            value = get(name, "")
            at = value.find("zotero://select/")
            if at >= 0:
                link = re.split(r"[\s{}\"'<>\\,\]\)]", value[at:], maxsplit=1)[0]
                break
    return BibEntry(
        key=key, extra_keys=extra, entry_type=entry_type,
        authors=display_names(get("author", "")), editors=display_names(get("editor", "")),
        year=year, date=date, title=title, container=container,
        volume=decode_latex(get("volume", "")), pages=decode_latex(get("pages", "")),
        doi=clean_doi(_plain(get("doi", ""))), url=url, zotero_link=link,
        start=start, end=end, key_start=key_start, key_end=key_start + len(key),
    )


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    end = len(text) if end < 0 else end
    return len(text[pos:end].rstrip()) + pos


def _one(text: str, m: re.Match[str], limit: int, macros: dict[str, str],
         entries: list[BibEntry]) -> int:
    """Read the block whose header is `m`; return the offset after it. Raises `_Broken`."""
    entry_type = m.group(2).lower()
    opener = m.group(3)
    closer = "}" if opener == "{" else ")"
    if entry_type == "comment":
        try:
            return _skip_balanced(text, m.end() - 1, limit, opener)
        except _Broken:
            return m.end()
    if entry_type == "preamble":
        return _skip_balanced(text, m.end() - 1, limit, opener)
    if entry_type == "string":
        defined, pos = _fields(text, m.end(), limit, closer, macros)
        macros.update(defined)
        return pos
    km = (_KEY_BRACE if opener == "{" else _KEY_PAREN).match(text, m.end(), limit)
    key, key_start = km.group(1), km.start(1)
    after = text[km.end()] if km.end() < limit else ""
    if not key or after == "=":
        raise _Broken(_NO_KEY_REASON, m.end() - 1)
    if after == ",":
        fields, pos = _fields(text, km.end() + 1, limit, closer, macros)
    elif after == closer:
        fields, pos = {}, km.end() + 1
    elif after and "\n" in text[km.end(1):km.end()]:
        raise _Broken("expected `,` after the citation key", km.end(1))
    elif after:
        raise _Broken(f"expected `,` after the citation key, found `{after}` (a key cannot contain spaces)", km.end())
    else:
        raise _Broken(f"the entry is not closed with `{closer}` before the next entry", km.end())
    entries.append(_entry(text, entry_type, key, fields, m.start(1), pos, key_start))
    return pos


def parse_bibtex(text: str) -> Bibliography:
    """All entries and problems of a BibTeX/BibLaTeX text, in file order. Never raises."""
    entries: list[BibEntry] = []
    problems: list[BibProblem] = []
    macros = dict(_PREDEFINED)
    n = len(text)
    m = _HERE_HEADER.match(text) or _LINE_HEADER.search(text)
    counted, line = 0, 1  # line numbers for messages, counted incrementally (problems come in file order)
    following, searched = None, False
    while m is not None:
        # The block is scanned only up to the next header that starts a line: a block that does not end
        # before it is broken, and scanning resumes there. (Searched again only once passed, so that many
        # entries on one line stay linear.)
        if not searched or (following is not None and following.start() < m.end()):
            following, searched = _LINE_HEADER.search(text, m.end()), True
        limit = following.start() + 1 if following is not None else n
        try:
            pos = _one(text, m, limit, macros, entries)
        except _Broken as broken:
            at = m.start(1)
            no_key = broken.reason == _NO_KEY_REASON
            key = "" if no_key else _KEY_BRACE.match(text, m.end(), limit).group(1)
            what = f"`@{m.group(2)}` entry" + (f" `{key}`" if key else "")
            if broken.where >= counted:
                line += text.count("\n", counted, broken.where)
                counted = broken.where
            else:
                line, counted = text.count("\n", 0, broken.where) + 1, broken.where
            problems.append(BibProblem(
                message=f"{what} cannot be read: {broken.reason} (line {line}); it is skipped",
                start=at, end=_line_end(text, at),
                code=NO_KEY if no_key else PARSE_ERROR))
            m = following
            continue
        # The next block is `following` (no line starts a header in between), unless one follows on this line.
        m = _HERE_HEADER.match(text, pos) or following
    return Bibliography("bibtex", tuple(entries), tuple(problems))
