"""Split BibTeX name lists (`author`, `editor`) and turn each name into a "Given Family" display string.

Handles the three BibTeX forms ("First von Last", "von Last, First", "von Last, Jr, First"), names
protected as a whole (`{U.S. Bureau of the Census}`), `and others` (→ "et al.") and Better BibTeX's
BibLaTeX extended name format (`family=Doe, given=John, prefix=von, useprefix=true`). Splitting is done
on the raw LaTeX (so `{Barnes and Noble}` stays one name) and each part is decoded afterwards.
"""

from __future__ import annotations

import re

from .latex import decode_latex, needs_decoding

__all__ = ["display_names", "display_name"]

_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_AND_OR_BRACE = re.compile(r"\\[{}\\]|[{}]|\s+and\s+", re.IGNORECASE)
_COMMA_OR_BRACE = re.compile(r"\\[{}\\]|[{},]")
_EXTENDED = re.compile(r"^\s*(?:family|given|prefix|suffix|useprefix)\s*=", re.IGNORECASE)


def _split_top(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Split `text` at matches of `pattern` (which also matches single braces) outside braces."""
    parts, depth, last = [], 0, 0
    for m in pattern.finditer(text):
        token = m.group(0)
        if token[0] == "\\":
            continue
        if token == "{":
            depth += 1
        elif token == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            parts.append(text[last:m.start()])
            last = m.end()
    parts.append(text[last:])
    return parts


def _wholly_braced(text: str) -> bool:
    if not (text.startswith("{") and text.endswith("}")):
        return False
    depth = 0
    for i, c in enumerate(text):
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0 and i != len(text) - 1:
                return False
    return depth == 0


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def _extended(raw: str) -> str:
    values: dict[str, str] = {}
    for part in _split_top(raw, _COMMA_OR_BRACE):
        name, sep, value = part.partition("=")
        if sep:
            values[name.strip().lower()] = decode_latex(value)
    name = _join(values.get("given", ""), values.get("prefix", ""), values.get("family", ""))
    suffix = values.get("suffix", "")
    return f"{name}, {suffix}" if suffix and name else name or suffix


def _collapse(text: str) -> str:
    return " ".join(text.split())


def display_name(raw: str, plain: bool = False) -> str:
    """One BibTeX name (raw LaTeX) as "Given von Family[, Jr]" display text; "" for an empty name.
    `plain`: the caller knows `raw` holds no LaTeX markup (only whitespace is normalised)."""
    decode = _collapse if plain else decode_latex
    raw = raw.strip()
    if not raw:
        return ""
    if raw == "others":
        return "et al."
    if raw[0] == "{" and _wholly_braced(raw):
        return decode_latex(raw)
    if "=" in raw and _EXTENDED.match(raw):
        return _extended(raw)
    if "," not in raw:
        return decode(raw)
    parts = raw.split(",") if "{" not in raw else _split_top(raw, _COMMA_OR_BRACE)
    parts = [decode(p) for p in parts]
    if len(parts) == 1:
        return parts[0]
    family = parts[0]
    if len(parts) == 2:
        return _join(parts[1], family)
    given = _join(*parts[2:])
    suffix = parts[1]
    name = _join(given, family)
    return f"{name}, {suffix}" if suffix and name else name or suffix


def display_names(raw: str) -> tuple[str, ...]:
    """A BibTeX name list (`A and B and others`) as display names, in order."""
    if not raw or raw.isspace():
        return ()
    plain = not needs_decoding(raw)
    if plain and "=" not in raw:
        return _plain_names(raw)
    parts = _AND.split(raw) if "{" not in raw else _split_top(raw, _AND_OR_BRACE)
    names = (display_name(p, plain) for p in parts)
    return tuple(n for n in names if n)


def _plain_names(raw: str) -> tuple[str, ...]:
    """Fast path of `display_names` for lists without any LaTeX (most of a Better BibTeX export)."""
    out = []
    for part in _AND.split(raw):
        family, comma, given = part.partition(",")
        if not comma:
            name = " ".join(part.split())
            if name:
                out.append("et al." if name == "others" else name)
        elif "," in given:
            name = display_name(part, True)
            if name:
                out.append(name)
        else:
            name = f"{given.strip()} {family.strip()}".strip()
            if "  " in name or "\n" in name or "\t" in name:
                name = " ".join(name.split())
            if name:
                out.append(name)
    return tuple(out)
