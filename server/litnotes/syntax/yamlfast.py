"""A fast reader for the front matter most notes have: `key: scalar` lines, `key:` + `- item` lists
and one-line lists of words (`tags: [topic/x, y]`).

PyYAML's C parser still builds Python objects slowly (≈100 µs a note); this reader handles the
simple shape in a few µs and returns None for anything else (flow collections, multi-line or
escaped scalars, anchors, nested mappings, duplicate keys), which then goes to the full YAML
loader. Scalars are typed by the YAML 1.2 core schema, like the full loader.
"""

from __future__ import annotations

import re

from . import fastpaths

__all__ = ["fast_yaml", "yaml_int", "PosStr", "located_str", "InvalidYaml"]


class PosStr(str):
    """A YAML string scalar that remembers where it stands in the block (start, end)."""

    start: int
    end: int


def located_str(text: str, start: int, end: int) -> PosStr:
    value = PosStr(text)
    value.start, value.end = start, end
    return value


class InvalidYaml(ValueError):
    """The front matter is not valid YAML: where (offset in the block); the message says what."""

    def __init__(self, index: int, what: str) -> None:
        super().__init__(what)
        self.index = index


_KEY = re.compile(r"([A-Za-z0-9_][A-Za-z0-9 _.-]*?)[ \t]*:(?:[ \t]+|$)")
_ITEM = re.compile(r"([ \t]*)-(?:[ \t]+|$)")
_NULL = re.compile(r"(?:~|null|Null|NULL)$")
_BOOL = re.compile(r"(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"[-+]?[0-9]+$|0o[0-7]+$|0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$|[-+]?\.(?:inf|Inf|INF)$|\.(?:nan|NaN|NAN)$")
_PLAIN_BAD_START = set("-?:,[]{}#&*!|>'\"%@`")
# One item of a one-line flow list: a word of letters, digits and `_./+-` (not starting with `-`),
# then `,` or the closing `]` at the end of the line. Anything else goes to the full loader.
_FLOW_ITEM = re.compile(r" *([\w./+][\w./+-]*) *(?:(,)|\]\Z)")


_MAX_INT_BITS = 1024  # beyond a double's range: JavaScript (Obsidian) reads such a number as Infinity


def yaml_int(raw: str) -> int | float:
    """A YAML 1.2 core-schema integer: decimal (leading zeros allowed), 0o octal or 0x hex.

    A number too large for a double is Infinity, as in Obsidian (and Python refuses to convert
    decimal strings of more than 4,300 digits, which would make the note unparseable)."""
    if raw[:2] in ("0x", "0o"):
        value = int(raw[2:], 16 if raw[1] == "x" else 8)
    elif len(raw.lstrip("+-0")) > 310:
        return float("-inf") if raw.startswith("-") else float("inf")
    else:
        value = int(raw, 10)
    if value.bit_length() > _MAX_INT_BITS:
        return float("-inf") if value < 0 else float("inf")
    return value


def _scalar(raw: str, start: int):
    """Typed value of one scalar written at `start` (raw has no trailing spaces); None to give up."""
    if not raw:
        return None, True
    first = raw[0]
    if first in "\"'":
        if len(raw) < 2 or raw[-1] != first or first in raw[1:-1] or "\\" in raw:
            return None, False
        return located_str(raw[1:-1], start, start + len(raw)), True
    if first in _PLAIN_BAD_START or ": " in raw or " #" in raw or "\t#" in raw or raw.endswith(":"):
        return None, False
    if _NULL.match(raw):
        return None, True
    if _BOOL.match(raw):
        return raw.lower() == "true", True
    if _INT.match(raw):
        return yaml_int(raw), True
    if _FLOAT.match(raw):
        try:
            return float(raw), True
        except ValueError:  # `.inf`, `.nan`: the full loader keeps the text too (frontmatter._construct_number)
            return raw, True
    return located_str(raw, start, start + len(raw)), True


def _flow_list(rest: str, start: int) -> list | None:
    """The string items of `[a, b, …]` (`rest` starts with `[`, written at `start`), or None."""
    items = []
    pos = 1
    while True:
        m = _FLOW_ITEM.match(rest, pos)
        if m is None:
            return None
        raw = m.group(1)
        if _NULL.match(raw) or _BOOL.match(raw) or _INT.match(raw) or _FLOAT.match(raw):
            return None  # typed items are left to the full loader
        items.append(located_str(raw, start + m.start(1), start + m.end(1)))
        if m.group(2) is None:
            return items
        pos = m.end()


def fast_yaml(body: str):
    """The mapping of a simple front-matter body, or None when the full loader is needed."""
    data: dict = {}
    pos = 0
    list_key = None
    for line in body.split("\n"):
        line_start = pos
        pos += len(line) + 1
        if line.endswith("\r"):
            line = line[:-1]
        content = line.rstrip(" \t")
        if not content or content.lstrip(" \t").startswith("#"):
            continue
        if "\t" in content[: len(content) - len(content.lstrip(" \t"))]:
            return None
        item = _ITEM.match(content)
        if item is not None:
            if list_key is None:
                return None
            value, ok = _scalar(content[item.end():], line_start + item.end())
            if not ok:
                return None
            data[list_key].append(value)
            continue
        if content[0] in " \t":
            return None
        m = _KEY.match(content)
        if m is None:
            return None
        key = m.group(1)
        if key in data or key.isdigit():
            return None
        rest = content[m.end():]
        if not rest:
            data[key] = []
            list_key = key
            continue
        list_key = None
        if rest[0] == "[" and fastpaths.ENABLED:
            items = _flow_list(rest, line_start + m.end())
            if items is None:
                return None
            data[key] = items
            continue
        value, ok = _scalar(rest, line_start + m.end())
        if not ok:
            return None
        data[key] = value
    for key, value in data.items():
        if value == [] and isinstance(value, list):
            data[key] = None
    return data
