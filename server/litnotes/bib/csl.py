"""Read CSL-JSON (Better CSL JSON, Zotero's CSL JSON) and CSL-YAML (Better CSL YAML) into records.

CSL-JSON is a top-level array of item objects; `id` is the citation key (Better BibTeX also writes
`citation-key`). CSL-YAML is a document with a `references:` list of items carrying `id:`. A JSON or
YAML file that does not have this shape is not a library and reads as None. Offsets are code-point
offsets: JSON items are walked with the C decoder (`jsonscan`), YAML nodes carry libyaml marks.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

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

__all__ = ["parse_csl_json", "parse_csl_yaml", "csl_entry", "is_csl_item"]

CSL_TYPES = frozenset(
    "article article-journal article-magazine article-newspaper bill book broadcast chapter classic collection "
    "dataset document entry entry-dictionary entry-encyclopedia event figure graphic hearing interview "
    "legal_case legislation manuscript map motion_picture musical_score pamphlet paper-conference patent "
    "performance periodical personal_communication post post-weblog regulation report review review-book "
    "software song speech standard thesis treaty webpage".split())

_LOOKS_LIKE_CSL_JSON = re.compile(r'\A\ufeff?\s*\[\s*\{[^{}\[\]]{0,400}?"(?:id|citation-key)"\s*:')
_LOOKS_LIKE_CSL_YAML = re.compile(r"^references:[ \t]*(?:#.*)?$", re.MULTILINE)


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


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def _no_id(text: str, start: int) -> BibProblem:
    return BibProblem("CSL item has no `id` (citation key); it is skipped", start, _line_end(text, start), NO_KEY)


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
                    problems.append(BibProblem("unexpected text after the JSON array", after, _line_end(text, after)))
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
                problems.append(_no_id(text, start))
    except (ValueError, RecursionError) as err:
        if seen == 0 and not _LOOKS_LIKE_CSL_JSON.match(text):
            return None
        broken = True
        at = min(getattr(err, "pos", pos) or pos, len(text))
        problems.append(BibProblem(f"invalid JSON: {getattr(err, 'msg', err)}; the rest of the file is skipped",
                                   at, _line_end(text, at)))
    if seen == 0 and not broken and not named_csl:
        return None
    return Bibliography("csl-json", tuple(entries), tuple(problems))


# --- CSL-YAML ---------------------------------------------------------------------------------------

_NODE_BUDGET = 50_000  # nodes converted per item: aliases cannot blow a small file up into a huge one


class _TooBig(Exception):
    pass


def _plain(node: yaml.Node, budget: list[int]) -> Any:
    """A YAML node as plain data with every scalar kept as its source text (so `id: 2019` stays "2019")."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooBig
    if isinstance(node, yaml.ScalarNode):
        return None if node.tag.endswith(":null") else node.value
    if isinstance(node, yaml.SequenceNode):
        return [_plain(child, budget) for child in node.value]
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                out.setdefault(key.value, _plain(value, budget))
        return out
    return None


def _member(node: yaml.MappingNode, name: str) -> yaml.Node | None:
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value == name:
            return value
    return None


def _references(root: Any) -> yaml.SequenceNode | None:
    if not isinstance(root, yaml.MappingNode):
        return None
    refs = _member(root, "references")
    if not isinstance(refs, yaml.SequenceNode):
        return None
    if refs.value:
        first = refs.value[0]
        if not isinstance(first, yaml.MappingNode) or _member(first, "id") is None:
            return None
    return refs


def _yaml_items(text: str, refs: yaml.SequenceNode, offset: int, entries: list[BibEntry],
                problems: list[BibProblem]) -> None:
    for node in refs.value:
        start = node.start_mark.index + offset
        end = node.end_mark.index + offset
        if not isinstance(node, yaml.MappingNode):
            problems.append(_no_id(text, start))
            continue
        id_node = _member(node, "id")
        if not isinstance(id_node, yaml.ScalarNode) or id_node.tag.endswith(":null") or not id_node.value:
            problems.append(_no_id(text, start))
            continue
        try:
            item = _plain(node, [_NODE_BUDGET])
        except (_TooBig, RecursionError):
            problems.append(BibProblem("CSL item is too large or too deeply nested; it is skipped",
                                       start, _line_end(text, start)))
            continue
        key_start, key_end = id_node.start_mark.index + offset, id_node.end_mark.index + offset
        if id_node.style in ("'", '"'):
            key_start, key_end = key_start + 1, key_end - 1
        entries.append(csl_entry(text, item, start, end, (key_start, key_end), markdown=True))


def _compose_first(text: str) -> Any:
    for document in yaml.compose_all(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        return document
    return None


_ITEM_START = re.compile(r"^([ \t]*)- ", re.MULTILINE)
_DOC_END = re.compile(r"^(?:\.\.\.|---)[ \t]*$", re.MULTILINE)


def _salvage(text: str, error: Exception) -> Bibliography | None:
    """Invalid YAML that clearly is a CSL-YAML export: read its `references:` items one by one."""
    head = _LOOKS_LIKE_CSL_YAML.search(text)
    if head is None:
        return None
    entries: list[BibEntry] = []
    problems: list[BibProblem] = []
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    at = mark.index if mark is not None else head.start()
    problems.append(BibProblem(f"invalid YAML: {getattr(error, 'problem', None) or error}", at, _line_end(text, at)))
    first = _ITEM_START.search(text, head.end())
    if first is None:
        return Bibliography("csl-yaml", (), tuple(problems))
    doc_end = _DOC_END.search(text, first.start())
    stop = doc_end.start() if doc_end is not None else len(text)
    indent = first.group(1)
    starts = [m.start() for m in _ITEM_START.finditer(text, first.start(), stop) if m.group(1) == indent]
    for start, end in zip(starts, [*starts[1:], stop]):
        try:
            refs = _compose_first(text[start:end])
        except (yaml.YAMLError, RecursionError, ValueError):
            problems.append(BibProblem("invalid YAML in this CSL item; it is skipped", start, _line_end(text, start)))
            continue
        if isinstance(refs, yaml.SequenceNode):
            _yaml_items(text, refs, start, entries, problems)
    problems.sort(key=lambda p: p.start)
    return Bibliography("csl-yaml", tuple(entries), tuple(problems))


def parse_csl_yaml(text: str) -> Bibliography | None:
    """The CSL-YAML library in `text` (a mapping with a `references:` list of items with `id:`), or None."""
    try:
        refs = _references(_compose_first(text))
    except (yaml.YAMLError, RecursionError, ValueError) as err:
        return _salvage(text, err)
    if refs is None:
        return None
    entries: list[BibEntry] = []
    problems: list[BibProblem] = []
    _yaml_items(text, refs, 0, entries, problems)
    return Bibliography("csl-yaml", tuple(entries), tuple(problems))
