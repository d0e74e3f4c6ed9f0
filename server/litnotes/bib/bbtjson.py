"""Read Better BibTeX JSON libraries (`{"config": {...}, "items": [...]}`) into records.

Each item's `citationKey` (older exports: `citekey`; legacy pins: a `Citation Key: x` line in `extra`) is
its key. Creators are `{creatorType, firstName, lastName}` or `{creatorType, name}`; `select` is the
Zotero link (derived from `uri` the way Better BibTeX does when absent). Notes, annotations and
attachments define nothing. A JSON object is a BBT library only if its `config.id` is the BBT JSON
translator's id (or `config.label` says so) or its items carry citation keys; otherwise it reads as None.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .jsonscan import iter_array, object_members, skip_ws, value_span
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

__all__ = ["parse_bbt_json", "BBT_JSON_TRANSLATOR_ID"]

BBT_JSON_TRANSLATOR_ID = "36a3b0b5-bad0-4a04-b79b-441c7cef77db"
_DECODER = json.JSONDecoder()

_NOT_CITABLE = frozenset({"note", "attachment", "annotation"})
_CONTAINERS = ("publicationTitle", "bookTitle", "proceedingsTitle", "encyclopediaTitle", "dictionaryTitle",
               "websiteTitle", "blogTitle", "forumTitle", "programTitle", "reporter", "code", "publisher",
               "university", "institution", "court")
_NOT_AUTHORS = frozenset({"editor", "seriesEditor", "translator", "contributor", "reviewedAuthor", "bookAuthor",
                          "counsel", "commenter", "wordsBy", "guest", "castMember", "producer", "scriptwriter",
                          "attorneyAgent", "cosponsor"})
_EXTRA_KEY = re.compile(r"^\s*(?:citation[ -]key|bibtex)\s*:\s*(\S+)\s*$", re.IGNORECASE | re.MULTILINE)
_EXTRA_DOI = re.compile(r"^\s*DOI\s*:\s*(\S+)\s*$", re.IGNORECASE | re.MULTILINE)
_LOOKS_LIKE_BBT = re.compile(
    r'"(?:citationKey|citekey)"\s*:|' + re.escape(BBT_JSON_TRANSLATOR_ID) + r'|"BetterBibTeX JSON"')


def _text(value: Any) -> str:
    if value is None or isinstance(value, (dict, list, bool)):
        return ""
    return " ".join(str(value).split())


def _extra(item: dict[str, Any]) -> str:
    extra = item.get("extra")
    if isinstance(extra, list):
        return "\n".join(str(line) for line in extra)
    return extra if isinstance(extra, str) else ""


def _creator(creator: dict[str, Any]) -> str:
    """"Given Family", with a Zotero-style suffix in the first name ("Martin Luther, Jr.") put last."""
    if creator.get("name"):
        return _text(creator["name"])
    given, family = _text(creator.get("firstName")), _text(creator.get("lastName"))
    given, comma, suffix = given.partition(", ")
    name = " ".join(p for p in (given, family) if p)
    return f"{name}, {suffix}" if comma and suffix and name else name


def _creators(item: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    listed = item.get("creators")
    creators = [c for c in listed if isinstance(c, dict)] if isinstance(listed, list) else []
    kinds = [c.get("creatorType") if isinstance(c.get("creatorType"), str) else "author" for c in creators]
    authors = [c for c, kind in zip(creators, kinds) if kind == "author"]
    if not authors:
        authors = [c for c, kind in zip(creators, kinds) if kind not in _NOT_AUTHORS]
    editors = [c for c, kind in zip(creators, kinds) if kind == "editor"]
    named = lambda group: tuple(n for n in (_creator(c) for c in group) if n)  # noqa: E731
    return named(authors), named(editors)


def _key(item: dict[str, Any]) -> tuple[str, str]:
    """(key, member it is written in) — member "" when it comes from `extra`."""
    for member in ("citationKey", "citekey"):
        value = item.get(member)
        if isinstance(value, str) and value.strip():
            return value, member
    m = _EXTRA_KEY.search(_extra(item))
    return (m.group(1), "") if m else ("", "")


def _entry(text: str, item: dict[str, Any], key: str, member: str, start: int, end: int) -> BibEntry:
    span = value_span(text, start, end, member, key) if member else None
    if span is None:
        at = text.find(key, start, end)
        span = (at, at + len(key)) if at >= 0 else (start, start)
    extra_keys = tuple(
        k for k in dict.fromkeys(_text(item.get(m)) for m in ("citationKey", "citekey")) if k and k != key)
    authors, editors = _creators(item)
    date = _text(item.get("date"))
    container = ""
    for name in _CONTAINERS:
        container = strip_rich_text(_text(item.get(name)))
        if container:
            break
    doi = _text(item.get("DOI"))
    if not doi:
        m = _EXTRA_DOI.search(_extra(item))
        doi = m.group(1) if m else ""
    link = _text(item.get("select"))
    if not link.startswith("zotero://"):
        link = zotero_select_link(_text(item.get("uri"))) or find_zotero_link(text, start, end)
    return BibEntry(
        key=key, extra_keys=extra_keys, entry_type=_text(item.get("itemType")).lower(),
        authors=authors, editors=editors, year=year_of(date), date=normalise_date(date) if date else "",
        title=strip_rich_text(_text(item.get("title"))), container=container,
        volume=_text(item.get("volume") or item.get("codeVolume") or item.get("reporterVolume")),
        pages=_text(item.get("pages") or item.get("firstPage")), doi=clean_doi(doi), url=_text(item.get("url")),
        zotero_link=link, start=start, end=end, key_start=span[0], key_end=span[1],
    )


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def _is_bbt_config(config: Any) -> bool:
    return isinstance(config, dict) and (
        config.get("id") == BBT_JSON_TRANSLATOR_ID
        or config.get("label") in ("BetterBibTeX JSON", "Better BibTeX JSON"))


def parse_bbt_json(text: str) -> Bibliography | None:
    """The Better BibTeX JSON library in `text`, or None when the text is not one."""
    pos = skip_ws(text, 1 if text.startswith("\ufeff") else 0)
    if not text.startswith("{", pos):
        return None
    entries: list[BibEntry] = []
    problems: list[BibProblem] = []
    state = {"bbt": False}

    def handle(name: str, at: int) -> int | None:
        if name == "config":
            config, end = _DECODER.raw_decode(text, at)
            state["bbt"] = state["bbt"] or _is_bbt_config(config)
            return end
        if name != "items" or not text.startswith("[", at):
            return None
        elements = iter_array(text, at)
        while True:
            try:
                start, end, item = next(elements)
            except StopIteration as stop:
                return stop.value
            if not isinstance(item, dict):
                continue
            key, member = _key(item)
            if member:
                state["bbt"] = True
            if _text(item.get("itemType")) in _NOT_CITABLE:
                continue
            if key:
                entries.append(_entry(text, item, key, member, start, end))
            else:
                title = strip_rich_text(_text(item.get("title")))[:60]
                problems.append(BibProblem(
                    f"Zotero item{f' “{title}”' if title else ''} has no citation key (`citationKey`); "
                    "it defines nothing", start, _line_end(text, start), NO_KEY))

    try:
        after = skip_ws(text, object_members(text, pos, handle))
        if after < len(text):
            problems.append(BibProblem("unexpected text after the JSON object", after, _line_end(text, after)))
    except (ValueError, RecursionError) as err:
        if not (state["bbt"] or _LOOKS_LIKE_BBT.search(text, 0, 20000)):
            return None
        at = min(getattr(err, "pos", pos) or pos, len(text))
        problems.append(BibProblem(f"invalid JSON: {getattr(err, 'msg', err)}; the rest of the file is skipped",
                                   at, _line_end(text, at)))
        state["bbt"] = True
    if not state["bbt"]:
        return None
    return Bibliography("bbt-json", tuple(entries), tuple(problems))
