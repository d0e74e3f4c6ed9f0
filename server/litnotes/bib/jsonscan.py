"""Positions in JSON text: walk arrays and objects with the C decoder (`raw_decode`) so every element's
start/end offset is known, and find where a member's value is written (for go-to-definition).

Offsets are code-point offsets into the text. Decoding errors surface as `json.JSONDecodeError`
(a `ValueError` carrying `.pos`) and `RecursionError` for absurd nesting; callers turn them into problems.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["skip_ws", "iter_array", "object_members", "value_span", "JSONDecodeError"]

JSONDecodeError = json.JSONDecodeError
_DECODER = json.JSONDecoder()
_WS = re.compile(r"[ \t\n\r]*")


def skip_ws(text: str, pos: int) -> int:
    return _WS.match(text, pos).end()


def _fail(message: str, text: str, pos: int) -> JSONDecodeError:
    return JSONDecodeError(message, text, min(pos, len(text)))


def iter_array(text: str, pos: int) -> Iterator[tuple[int, int, Any]]:
    """Elements of the JSON array whose `[` is at `pos`, as (start, end, value); the generator's return
    value (StopIteration.value) is the offset after the closing `]`."""
    pos = skip_ws(text, pos + 1)
    if text.startswith("]", pos):
        return pos + 1
    while True:
        value, end = _DECODER.raw_decode(text, pos)
        yield pos, end, value
        pos = skip_ws(text, end)
        c = text[pos:pos + 1]
        if c == ",":
            pos = skip_ws(text, pos + 1)
        elif c == "]":
            return pos + 1
        else:
            raise _fail("Expecting ',' or ']'", text, pos)


def object_members(text: str, pos: int, handle: Callable[[str, int], int | None]) -> int:
    """Walk the members of the JSON object whose `{` is at `pos`, calling `handle(name, value_offset)` for
    each; `handle` returns the offset after the value if it consumed it, or None to have it skipped.
    Returns the offset after the closing `}`."""
    pos = skip_ws(text, pos + 1)
    if text.startswith("}", pos):
        return pos + 1
    while True:
        if not text.startswith('"', pos):
            raise _fail("Expecting property name enclosed in double quotes", text, pos)
        name, pos = _DECODER.raw_decode(text, pos)
        pos = skip_ws(text, pos)
        if not text.startswith(":", pos):
            raise _fail("Expecting ':' delimiter", text, pos)
        pos = skip_ws(text, pos + 1)
        end = handle(name, pos)
        if end is None:
            _, end = _DECODER.raw_decode(text, pos)
        pos = skip_ws(text, end)
        c = text[pos:pos + 1]
        if c == ",":
            pos = skip_ws(text, pos + 1)
        elif c == "}":
            return pos + 1
        else:
            raise _fail("Expecting ',' or '}'", text, pos)


def value_span(text: str, start: int, end: int, member: str, expected: str) -> tuple[int, int] | None:
    """The span of the value of `"member": <value>` inside text[start:end] whose value equals `expected`
    (compared as text); the quotes of a string value are excluded. None when it is not found."""
    pattern = re.compile(r'"' + re.escape(member) + r'"\s*:\s*')
    for m in pattern.finditer(text, start, end):
        at = m.end()
        try:
            value, value_end = _DECODER.raw_decode(text, at)
        except (ValueError, RecursionError):
            continue
        if isinstance(value, bool) or not isinstance(value, (str, int, float)) or str(value) != expected:
            continue
        if isinstance(value, str):
            return at + 1, value_end - 1
        return at, value_end
    return None
