"""Read CSL-JSON (Better CSL JSON, Zotero's CSL JSON) and CSL-YAML (Better CSL YAML) into records.

CSL-JSON is a top-level array of item objects; `id` is the citation key (Better BibTeX also writes
`citation-key`). CSL-YAML is a document with a `references:` list of items carrying `id:`. A JSON or
YAML file that does not have this shape is not a library and reads as None. Offsets are code-point
offsets: JSON items are walked with the C decoder (`jsonscan`), YAML nodes carry libyaml marks
(`cslyaml.py`, imported only when a CSL-YAML library is read).
"""

from __future__ import annotations

import re
from typing import Any

from .jsonscan import iter_array, skip_ws, value_span
from .records import (
    NO_KEY,
    BibEntry,
    BibProblem,
    Bibliography,
    clean_doi,
    find_zotero_link,
    normalise_date,
    strip_rich_text,
    year_of,
    zotero_select_link,
)

__all__ = ["parse_csl_json", "parse_csl_yaml", "csl_entry", "is_csl_item", "line_end", "no_id_problem", "LOOKS_LIKE_CSL_YAML"]

CSL_TYPES = frozenset(
    "article article-journal article-magazine article-newspaper bill book broadcast chapter classic collection "
    "dataset document entry entry-dictionary entry-encyclopedia event figure graphic hearing interview "
    "legal_case legislation manuscript map motion_picture musical_score pamphlet paper-conference patent "
    "performance periodical personal_communication post post-weblog regulation report review review-book "
    "software song speech standard thesis treaty webpage".split())

_LOOKS_LIKE_CSL_JSON = re.compile(r'\A\ufeff?\s*\[\s*\{[^{}\[\]]{0,400}?"(?:id|citation-key)"\s*:')
LOOKS_LIKE_CSL_YAML = re.compile(r"^references:[ \t]*(?:#.*)?$", re.MULTILINE)


def _text(value: Any) -> str:
    if value is None or isinstance(value, (dict, list, bool)):
        return ""
    return " ".join(str(value).split())


def is_csl_item(item: Any) -> bool:
    """An object that is plausibly a CSL item: an `id` plus a CSL type, `citation-key`, `issued`, CSL
    names, or nothing else at all."""
    if not isinstance(item, dict):
        return False
    key = item.get("id")
    if isinstance(key, bool) or not isinstance(key, (str, int)):
        return False
    authors = item.get("author")
    kind = item.get("type")
    return ((isinstance(kind, str) and kind in CSL_TYPES) or "citation-key" in item or "issued" in item
            or len(item) == 1 or (isinstance(authors, list) and bool(authors) and isinstance(authors[0], dict)))


def _name(value: Any) -> str:
    if isinstance(value, str):
        return " ".join(value.split())
    if not isinstance(value, dict):
        return ""
    if value.get("literal"):
        return _text(value["literal"])
    parts = (_text(value.get(k)) for k in ("given", "dropping-particle", "non-dropping-particle", "family"))
    name = " ".join(p for p in parts if p)
    suffix = _text(value.get("suffix"))
    return f"{name}, {suffix}" if name and suffix else name or suffix


def _names(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(n for n in (_name(v) for v in value) if n)


def _date_from_parts(parts: list[Any]) -> tuple[str, str]:
    year = _text(parts[0]) if parts else ""
    if not year:
        return "", ""
    date = year
    for part, top in zip(parts[1:3], (12, 31)):
        try:
            number = int(str(part).strip())
        except ValueError:
            break
        if not 1 <= number <= top:  # seasons (13-24) and zeros are not calendar months/days
            break
        date += f"-{number:02d}"
    return year_of(year) or year, date


def _csl_date(value: Any) -> tuple[str, str]:
    """(year, date) of a CSL date: `{"date-parts": [[2024, 4, 22]]}`, `{"raw": ...}`, a YAML list of
    `{year, month, day}` (Better CSL YAML) or a plain string."""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        first = value[0]
        return _date_from_parts([first.get("year"), first.get("month"), first.get("day")])
    if isinstance(value, dict):
        parts = value.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            return _date_from_parts(parts[0])
        if "year" in value:
            return _date_from_parts([value.get("year"), value.get("month"), value.get("day")])
        for name in ("raw", "literal"):
            raw = _text(value.get(name))
            if raw:
                return year_of(raw), normalise_date(raw)
        return "", ""
    raw = _text(value)
    return year_of(raw), normalise_date(raw) if raw else ""


_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)\s]*\)")
_MD_MARKS = re.compile(r"(?<![\\\w])(\*\*|\*)(?=\S)(.+?)(?<=\S)\1(?!\w)")
_MD_SCRIPTS = re.compile(r"(?<!\\)([\^~])([^\s^~]+?)(?<!\\)\1")
_MD_ESCAPE = re.compile(r"\\([\[*~^])")


def strip_markdown(text: str) -> str:
    """Undo the Pandoc Markdown Better CSL YAML writes for rich text (`*i*`, `**b**`, `^sup^`, `~sub~`,
    `[text](href)`, `\\*` escapes), for display."""
    if not any(c in text for c in "*^~[\\"):
        return text
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_SCRIPTS.sub(r"\2", _MD_MARKS.sub(r"\2", _MD_MARKS.sub(r"\2", text)))
    return _MD_ESCAPE.sub(r"\1", text)


def csl_entry(text: str, item: dict[str, Any], start: int, end: int, key_span: tuple[int, int] | None,
              markdown: bool = False) -> BibEntry:
    """A record for one CSL item found at text[start:end]; `key_span` locates its `id` value.
    `markdown`: rich text is written as Pandoc Markdown (Better CSL YAML) rather than HTML."""
    key = item["id"] if isinstance(item.get("id"), str) else _text(item.get("id"))
    alias = item.get("citation-key")
    extra = (alias,) if isinstance(alias, str) and alias and alias != key else ()
    year, date = _csl_date(item.get("issued"))
    link = ""
    for name in ("zotero-uri", "select", "uri", "id"):
        value = item.get(name)
        if isinstance(value, str) and (link := zotero_select_link(value)):
            break
    link = link or find_zotero_link(text, start, end)
    container = strip_rich_text(_text(item.get("container-title"))) or _text(item.get("publisher"))
    title = strip_rich_text(_text(item.get("title")))
    if markdown:
        title, container = strip_markdown(title), strip_markdown(container)
    key_start, key_end = key_span if key_span is not None else (start, start)
    return BibEntry(
        key=key, extra_keys=extra, entry_type=_text(item.get("type")).lower(),
        authors=_names(item.get("author")), editors=_names(item.get("editor")),
        year=year, date=date, title=title, container=container,
        volume=_text(item.get("volume")), pages=_text(item.get("page")),
        doi=clean_doi(_text(item.get("DOI") or item.get("doi"))), url=_text(item.get("URL") or item.get("url")),
        zotero_link=link, start=start, end=end, key_start=key_start, key_end=key_end,
    )


def line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def no_id_problem(text: str, start: int) -> BibProblem:
    return BibProblem("CSL item has no `id` (citation key); it is skipped", start, line_end(text, start), NO_KEY)


def parse_csl_json(text: str, named_csl: bool = False) -> Bibliography | None:
    """The CSL-JSON library in `text`, or None when the text is not one. `named_csl`: the file is called
    `*.csl.json`, so an empty array is an (empty) library too."""
    pos = skip_ws(text, 1 if text.startswith("\ufeff") else 0)
    if not text.startswith("[", pos):
        return None
    entries: list[BibEntry] = []
    problems: list[BibProblem] = []
    seen = 0
    broken = False
    elements = iter_array(text, pos)
    try:
        while True:
            try:
                start, end, item = next(elements)
            except StopIteration as stop:
                after = skip_ws(text, stop.value)
                if after < len(text):
                    problems.append(BibProblem("unexpected text after the JSON array", after, line_end(text, after)))
                break
            if seen == 0 and not is_csl_item(item):
                return None
            seen += 1
            key = item.get("id") if isinstance(item, dict) else None
            if isinstance(key, int) and not isinstance(key, bool):
                key = str(key)
            if isinstance(key, str) and key.strip():
                entries.append(csl_entry(text, item, start, end, value_span(text, start, end, "id", key)))
            else:
                problems.append(no_id_problem(text, start))
    except (ValueError, RecursionError) as err:
        if seen == 0 and not _LOOKS_LIKE_CSL_JSON.match(text):
            return None
        broken = True
        at = min(getattr(err, "pos", pos) or pos, len(text))
        problems.append(BibProblem(f"invalid JSON: {getattr(err, 'msg', err)}; the rest of the file is skipped",
                                   at, line_end(text, at)))
    if seen == 0 and not broken and not named_csl:
        return None
    return Bibliography("csl-json", tuple(entries), tuple(problems))


def parse_csl_yaml(text: str) -> Bibliography | None:
    """The CSL-YAML library in `text` (a mapping with a `references:` list of items with `id:`), or None.

    The reader lives in `cslyaml.py`, imported on first use: importing PyYAML costs ~45 ms, which
    every server start would pay although few vaults hold a CSL-YAML library."""
    from .cslyaml import read_csl_yaml  # noqa: PLC0415

    return read_csl_yaml(text)
