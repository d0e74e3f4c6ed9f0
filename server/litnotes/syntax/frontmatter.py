"""Front matter: locate the YAML block exactly as Obsidian does (F-1) and read what Obsidian reads.

python-frontmatter's own splitting strips the text and shifts line numbers, so the block is
located here by hand. Most blocks are read by `yamlfast`; the rest go to python-frontmatter's
YAML handler with a loader that follows YAML 1.2's core schema like Obsidian's JS `yaml` package
(F-2: `yes`, `no` and dates stay strings, duplicate keys are an error), in `yamlfull.py`, imported
only when a note needs it. Every string keeps its position so aliases, tags and cite keys can be
underlined and renamed in place.
"""

from __future__ import annotations

import re

from . import fastpaths
from .model import CiteKeyDef, Frontmatter, Link, Problem
from .yamlfast import InvalidYaml, PosStr, fast_yaml

__all__ = ["parse_frontmatter", "normalise_property"]

_CLOSE = re.compile(r"^---(?:\r?\n|\Z)", re.M)
_SEPARATORS = re.compile(r"[\s_]+")
_CACHE: dict[tuple[str, frozenset[str]], tuple] = {}  # front matter text -> parse_frontmatter's result
_CACHE_SIZE = 512


def normalise_property(name: str) -> str:
    """Property names compared for cite keys: lower case, with "_" and spaces read as "-" (F-6)."""
    return _SEPARATORS.sub("-", name.strip().lower())


def _locate(text: str) -> tuple[int, int, int] | None:
    """(body_start, body_end, end) of the front matter by rule F-1, or None."""
    if text.startswith("---\n"):
        body_start = 4
    elif text.startswith("---\r\n"):
        body_start = 5
    else:
        return None
    m = _CLOSE.search(text, body_start)
    if m is None:
        return None
    return body_start, m.start(), m.start() + 3


def _span(base: int, body: str, value: PosStr) -> tuple[int, int]:
    """Offsets of a scalar's text in the note (quotes excluded)."""
    start, end = value.start, value.end
    if start < len(body) and body[start] in "\"'" and end - start >= 2:
        start, end = start + 1, end - 1
    return base + start, base + end


def parse_frontmatter(text: str, citekey_properties: frozenset[str]):
    """Return (Frontmatter | None, citekey defs, frontmatter links, problems) for a note's text.

    The result depends only on the front matter block (and the line end after it, which a YAML
    error's range may reach) and is immutable, so the last few hundred are kept: a note edited
    below its front matter, or notes made from one template, read it once."""
    located = _locate(text)
    if located is None:
        return None, (), (), ()
    if not fastpaths.ENABLED:  # the differential test compares with what is computed afresh
        return _parse_located(text, located, citekey_properties)
    key = (text[: located[2] + 2], citekey_properties)
    result = _CACHE.get(key)
    if result is None:
        result = _parse_located(text, located, citekey_properties)
        if len(_CACHE) >= _CACHE_SIZE:
            try:
                del _CACHE[next(iter(_CACHE))]  # the oldest
            except (KeyError, RuntimeError, StopIteration):  # another thread got there first
                pass
        _CACHE[key] = result
    return result


def _parse_located(text: str, located: tuple[int, int, int], citekey_properties: frozenset[str]):
    body_start, body_end, end = located
    body = text[body_start:body_end]
    problems: list[Problem] = []
    try:
        data = fast_yaml(body) if body.strip() else {}
        if data is None:
            from .yamlfull import load_yaml  # noqa: PLC0415 - PyYAML is imported only when a note needs it

            data = load_yaml(body)
    except InvalidYaml as exc:
        at = body_start + exc.index
        line_end = text.find("\n", at)
        problems.append(Problem("frontmatter.invalid-yaml", at, line_end if line_end >= 0 else len(text),
                                f"invalid YAML: {exc}; Obsidian reads no properties from this note"))
        return Frontmatter(0, end, body_start, body_end, False), (), (), tuple(problems)
    except RecursionError:
        problems.append(Problem("frontmatter.invalid-yaml", 0, 3, "invalid YAML: nested too deeply"))
        return Frontmatter(0, end, body_start, body_end, False), (), (), tuple(problems)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.append(Problem("frontmatter.invalid-value", 0, 3,
                                "front matter is not a mapping of properties: Obsidian reads none from it"))
        return Frontmatter(0, end, body_start, body_end, False), (), (), tuple(problems)
    return _read_mapping(text, body, body_start, body_end, end, data, citekey_properties, problems)


_TOP_KEY = re.compile(r"^[\"']?([^\s#:\"'-][^:\n\"']*?)[\"']?[ \t]*:", re.M)


def _key_spans(body_start: int, body: str) -> dict[str, tuple[int, int]]:
    """Where each top-level key is written (first occurrence), for underlining it."""
    spans: dict[str, tuple[int, int]] = {}
    for m in _TOP_KEY.finditer(body):
        spans.setdefault(m.group(1), (body_start + m.start(1), body_start + m.end(1)))
    return spans


def _read_mapping(text, body, body_start, body_end, end, data, citekey_properties, problems):
    aliases: list[tuple[str, int, int]] = []
    tags: list[tuple[str, int, int]] = []
    defs: list[CiteKeyDef] = []
    links: list[Link] = []
    properties: list[tuple[str, str]] = []

    key_spans = _key_spans(body_start, body)
    for key, value in data.items():
        name = str(key)
        lower = name.lower()
        key_start, key_end = key_spans.get(name, (0, 3))
        if isinstance(value, str):
            properties.append((name, str(value)))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            properties.append((name, str(value)))
        elif isinstance(value, list):
            properties.extend((name, str(v)) for v in value if isinstance(v, str))
        if lower in ("aliases", "alias"):
            if lower == "alias":
                problems.append(Problem("frontmatter.deprecated", key_start, key_end,
                                        "`alias` is deprecated since Obsidian 1.4 and ignored since 1.9: use `aliases:` as a list"))
            _read_aliases(body, body_start, value, aliases, problems, key_start, key_end)
        elif lower in ("tags", "tag"):
            _read_tags(text, body, body_start, value, tags, problems, key_start, key_end, lower)
        if normalise_property(name) in citekey_properties and isinstance(value, str) and value.strip():
            start, stop = _span(body_start, body, value)
            defs.append(CiteKeyDef(str(value).strip(), "property", start, stop, name))
        for item_index, item in enumerate(value if isinstance(value, list) else [value]):
            if isinstance(item, PosStr) and item.startswith("[[") and item.endswith("]]") and len(item) > 4:
                start, stop = _span(body_start, body, item)
                inner = str(item)[2:-2]
                links.append(_frontmatter_link(inner, start, stop))
    for alias, start, stop in aliases:
        if alias.startswith("@") and len(alias) > 1:
            defs.append(CiteKeyDef(alias[1:], "alias", start + 1, stop, "aliases"))
    fm = Frontmatter(0, end, body_start, body_end, True, tuple(aliases), tuple(tags), tuple(properties))
    return fm, tuple(defs), tuple(links), tuple(problems)


def _frontmatter_link(inner: str, start: int, stop: int) -> Link:
    target, display = inner, None
    bar = inner.find("|", 1)
    if bar > 0:
        target, display = inner[:bar], inner[bar + 1 :].strip()
    if target.endswith("\\"):
        target = target[:-1]
    target = target.strip()
    path, _, sub = target.partition("#")
    return Link("frontmatter", False, start, stop, path.strip(), sub if "#" in target else None, display,
                start + 2, start + 2 + len(inner.split("|", 1)[0]) if bar > 0 else stop - 2)


def _read_aliases(body, body_start, value, aliases, problems, key_start, key_end):
    if isinstance(value, str):
        if "," in value:
            problems.append(Problem("frontmatter.deprecated", key_start, key_end,
                                    f"Obsidian treats {str(value).strip()!r} as ONE alias: write aliases as a YAML list"))
        items = [value]
    elif isinstance(value, list):
        items = value
    else:
        items = []
    for item in items:
        if isinstance(item, PosStr):
            alias = str(item).strip()
            if alias:
                start, stop = _span(body_start, body, item)
                lead = len(str(item)) - len(str(item).lstrip())
                aliases.append((alias, start + lead, start + lead + len(alias)))
        elif item is not None:
            problems.append(Problem("frontmatter.invalid-value", key_start, key_end,
                                    f"alias {_describe(item)} is not a string: Obsidian ignores it; quote it"))


def _describe(value) -> str:
    """A short description of a YAML value for a message. Never the repr of a collection: YAML
    aliases share one object many times over (`&a [*b, *b, …]`), so a ten-line "billion laughs"
    block has a repr of billions of characters."""
    if isinstance(value, (list, tuple, set)):
        return "(a list)"
    if isinstance(value, dict):
        return "(a mapping)"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _read_tags(text, body, body_start, value, tags, problems, key_start, key_end, lower):
    if lower == "tag":
        problems.append(Problem("frontmatter.deprecated", key_start, key_end,
                                "`tag` is deprecated since Obsidian 1.4: use `tags:` as a list"))
    if value is None:
        line_end = text.find("\n", key_end)
        rest = text[key_end: line_end if line_end >= 0 else len(text)]
        if "#" in rest:
            problems.append(Problem("frontmatter.invalid-value", key_start, key_end,
                                    "YAML reads `#…` after a space as a comment, so this note has no tags: "
                                    "write `tags: [zotero, literature-note]`"))
        return
    if isinstance(value, PosStr):
        problems.append(Problem("frontmatter.deprecated", key_start, key_end,
                                "tags as one string are deprecated since Obsidian 1.4: write them as a YAML list"))
        start, _ = _span(body_start, body, value)
        for m in re.finditer(r"[^\s,]+", str(value)):
            name = m.group().lstrip("#")
            if name:
                tags.append((name, start + m.start(), start + m.end()))
        return
    if isinstance(value, list):
        for item in value:
            if isinstance(item, PosStr):
                name = str(item).strip()
                if name and " " not in name:
                    start, stop = _span(body_start, body, item)
                    tags.append((name.lstrip("#"), start, stop))
