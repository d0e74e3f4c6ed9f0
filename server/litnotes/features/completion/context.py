"""What is being typed at the cursor: a wikilink target, a Pandoc cite key or a tag (spec L-7, K-3, T-2).

Everything here reads only the live text around the cursor (the snapshot may be a few keystrokes
old). The code check is deliberately cheap and line based, not a full parse:

- fenced code (```` ``` ```` / `~~~`, also inside `>` quotes and callouts) and display math
  (`$$` lines) are found by one regex pass over the fence-like lines before the cursor;
- inline code spans and inline `$…$` math are paired on the cursor's line only (a code span that
  started on an earlier line of the same paragraph is not seen);
- indented code blocks and HTML blocks are not detected (indentation is ambiguous with list
  continuation without a block parse).

Tags and cite keys are not completed inside the front matter (F-1); links are (W-11 links).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Typing", "typing_at", "in_code", "frontmatter_end"]

_FENCE_LINE = re.compile(r"^[ \t>]*(`{3,}|~{3,}|\$\$)([^\n]*)$", re.M)
_BACKTICKS = re.compile(r"`+")
_INLINE_MATH = re.compile(r"\$(?=[^\s$])(?:\\.|[^$\\\n])*?(?<=[^\s\\])\$(?!\d)")
_FRONTMATTER_CLOSE = re.compile(r"^---[ \t]*(?:\r?\n|\Z)", re.M)
_CITE_CHARS = re.compile(r"[\w:.#$%&\-+?<>~/]")
_CITE_TAIL = re.compile(r"[\w:.#$%&\-+?<>~/]*\}?")
_TAG_CHAR = re.compile(r"[^\s!\"#$%&'()*+,.:;<=>?@\[\\\]^`{|}~\u2000-\u206f\u2e00-\u2e7f]")
_TAG_TAIL = re.compile(r"[^\s!\"#$%&'()*+,.:;<=>?@\[\\\]^`{|}~\u2000-\u206f\u2e00-\u2e7f]*")
_HTML_TAG_OPEN = re.compile(r"<[A-Za-z][A-Za-z0-9-]*\s[^<>]*$")
_TARGET_TAIL = re.compile(r"[^\[\]|#^\r\n]*\]\]")  # the rest of the target word and the closing ]]
_MAX_WORD = 1000  # a cite key or tag being typed is never longer
_TARGET_BEFORE_PART = re.compile(r"[^\[\]|#\r\n]*(?=[|#][^\[\]\r\n]*\]\])")  # … up to a `|display` or `#sub`


@dataclass(frozen=True, slots=True)
class Typing:
    """The construct under the cursor and the range a completion replaces.

    `kind` is "link" (after `[[` / `![[`), "citekey" (after `@`) or "tag" (after `#`). `typed`
    is the text from `start` to the cursor. `end` may lie past the cursor: over an existing `]]`
    (`closed`), over the rest of the word being edited, or up to a `|display`/`#sub` that stays
    (`tail`, the first character of what stays: "|" or "#").
    """

    kind: str
    start: int
    end: int
    typed: str
    embed: bool = False
    closed: bool = False
    tail: str = ""


def _line_bounds(text: str, offset: int) -> tuple[int, int]:
    start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
    ends = [i for i in (text.find("\n", offset), text.find("\r", offset)) if i >= 0]
    return start, min(ends) if ends else len(text)


def _escaped(text: str, pos: int, floor: int) -> bool:
    n = 0
    while pos - 1 - n >= floor and text[pos - 1 - n] == "\\":
        n += 1
    return n % 2 == 1


def frontmatter_end(text: str) -> int:
    """End offset of the front matter block (F-1), 0 when the note has none."""
    if not text.startswith(("---\n", "---\r\n")):
        return 0
    m = _FRONTMATTER_CLOSE.search(text, text.index("\n") + 1)
    return m.end() if m else 0


def in_code(text: str, offset: int) -> bool:
    """True when `offset` lies in fenced code, display math, an inline code span or inline math."""
    line_start, line_end = _line_bounds(text, offset)
    fence: tuple[str, int] | None = None
    math = False
    if "```" in text or "~~~" in text or "$$" in text:
        for m in _FENCE_LINE.finditer(text, 0, line_start):
            marker, rest = m.group(1), m.group(2)
            if math:
                math = marker != "$$" and "$$" not in rest
            elif fence is not None:
                if marker[0] == fence[0] and len(marker) >= fence[1] and not rest.strip():
                    fence = None
            elif marker == "$$":
                math = "$$" not in rest
            elif not (marker[0] == "`" and "`" in rest):
                fence = (marker[0], len(marker))
    if fence is not None or math:
        return True
    line = text[line_start:line_end]
    if "`" in line and _in_code_span(line, offset - line_start):
        return True
    if "$" in line:
        return any(m.start() < offset - line_start < m.end() for m in _INLINE_MATH.finditer(line))
    return False


def _in_code_span(line: str, column: int) -> bool:
    runs = list(_BACKTICKS.finditer(line))
    i = 0
    while i < len(runs):
        opener = runs[i]
        closer = next((r for r in runs[i + 1:] if len(r.group()) == len(opener.group())), None)
        if closer is None:
            i += 1
            continue
        if opener.end() <= column <= closer.start():
            return True
        i = runs.index(closer) + 1
    return False


def typing_at(text: str, offset: int) -> Typing | None:
    """What completion would extend at `offset`, or None (outside any context or inside code)."""
    if offset < 0 or offset > len(text):
        return None
    found = _link(text, offset) or _citekey(text, offset) or _tag(text, offset)
    if found is None or in_code(text, offset):
        return None
    if found.kind != "link" and offset < frontmatter_end(text):
        return None
    return found


def _link(text: str, offset: int) -> Typing | None:
    line_start, line_end = _line_bounds(text, offset)
    before = text[line_start:offset]
    opener = before.rfind("[[")
    if opener < 0 or "]]" in before[opener + 2:] or _escaped(text, line_start + opener, line_start):
        return None
    if before.endswith("]"):  # between the two `]` of a closing `]]`
        return None
    start = line_start + opener + 2
    embed = opener > 0 and before[opener - 1] == "!"
    after = text[offset:line_end]
    if after.startswith("]]"):
        return Typing("link", start, offset + 2, before[opener + 2:], embed, closed=True)
    m = _TARGET_TAIL.match(after)
    if m:
        return Typing("link", start, offset + m.end(), before[opener + 2:], embed, closed=True)
    m = _TARGET_BEFORE_PART.match(after)
    if m:
        return Typing("link", start, offset + m.end(), before[opener + 2:], embed, tail=after[m.end()])
    return Typing("link", start, offset, before[opener + 2:], embed)


def _word_start(text: str, offset: int, line_start: int, chars: re.Pattern) -> int | None:
    """Where the word of `chars` that ends at the cursor starts; None for a word longer than
    `_MAX_WORD` (nothing to complete there, and walking back over a pasted 50 MB line would hang)."""
    stop = max(line_start, offset - _MAX_WORD)
    i = offset
    while i > stop and chars.match(text[i - 1]):
        i -= 1
    if i == stop > line_start and chars.match(text[i - 1]):
        return None
    return i


def _citekey(text: str, offset: int) -> Typing | None:
    line_start, _ = _line_bounds(text, offset)
    i = _word_start(text, offset, line_start, _CITE_CHARS)
    if i is None:
        return None
    if i > line_start and text[i - 1] == "{":
        i -= 1
    at = i - 1
    if at < line_start or text[at] != "@" or _escaped(text, at, line_start):
        return None
    prev = text[at - 1] if at > line_start else " "
    if prev == "-":
        before = text[at - 2] if at - 1 > line_start else " "
        if not (before.isspace() or before in "[;"):
            return None
    elif not (prev.isspace() or prev in "[(;,"):
        return None
    tail = _CITE_TAIL.match(text, offset)
    return Typing("citekey", at + 1, tail.end(), text[at + 1:offset])


def _tag(text: str, offset: int) -> Typing | None:
    line_start, _ = _line_bounds(text, offset)
    i = _word_start(text, offset, line_start, _TAG_CHAR)
    if i is None:
        return None
    at = i - 1
    if at < line_start or text[at] != "#" or _escaped(text, at, line_start):
        return None
    if at > line_start and not text[at - 1].isspace() and text[max(line_start, at - 2):at] not in ("]]", "**"):
        return None
    if _HTML_TAG_OPEN.search(text, line_start, at):  # `<mark style="background: #FFF3A3A6;">` (T-3)
        return None
    tail = _TAG_TAIL.match(text, offset)
    return Typing("tag", at + 1, tail.end(), text[at + 1:offset])
