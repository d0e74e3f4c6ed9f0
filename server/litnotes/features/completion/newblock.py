"""Completing a link to a block that has no id yet: `[[note#^words` (spec L-7, B-2, B-3).

Obsidian offers every block of the target note after `#^`; choosing one without an id writes a
random 6-hex id onto it. Here the blocks without an id whose text contains every typed word are
offered after the existing ids; each item inserts the link and carries the edit that adds the id
to the target note, placed as Obsidian requires:

- a paragraph or a list item: ` ^id` at the end of its (first) paragraph (B-2);
- a table, quote or callout: `^id` on its own line after a blank line, followed by a blank line
  or the end of the note (B-3).

`unlabelled_blocks(text)` is the pure part: the blocks of a note's text that have no id, with
where their id would go.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Callable

from ...syntax import NoteSyntax, ParseOptions, parse_note
from ...syntax.blocks import Block, parse_blocks, split_lines
from ...vault import Vault, stem
from ..details import live_note
from ..edits import TextEdit
from ..types import Completion
from .context import Typing

__all__ = ["Unlabelled", "unlabelled_blocks", "new_block_completions", "fresh_id"]

_MARKERS = re.compile(r"^(?:[ \t]*(?:>[ \t]?)*)(?:\[![^\]]*\][+-]?[ \t]*)?(?:[-+*][ \t]+|\d{1,9}[.)][ \t]+)?")
_STANDALONE_KINDS = ("table", "quote", "callout")
_DELIMITER = re.compile(r"[ \t|:-]*")


@dataclass(frozen=True, slots=True)
class Unlabelled:
    kind: str  # "paragraph" | "list-item" | "table" | "quote" | "callout"
    start: int
    end: int
    words: str  # the block's text, markers removed, whitespace collapsed
    insert_at: int
    template: str  # the text to insert, with `{id}` for the new id


def fresh_id(used: set[str], rng: random.Random | None = None) -> str:
    """A random 6-hex-digit block id not in `used` (lower-cased ids), as Obsidian makes them (L-7)."""
    rng = rng or random.Random()
    while True:
        candidate = f"{rng.randrange(16 ** 6):06x}"
        if candidate not in used:
            return candidate


def _words(text: str, start: int, end: int, table: bool = False) -> str:
    lines = re.split(r"\r\n|\r|\n", text[start:end])
    if table:
        lines = [line.replace("|", " ") for line in lines if not _DELIMITER.fullmatch(line)]
    return " ".join(" ".join(_MARKERS.sub("", line, count=1) for line in lines).split())


def _inline_at(text: str, block: Block) -> int:
    line = block.lines[-1]
    return line.offset + len(line.text.rstrip(" \t"))


def _standalone(text: str, block: Block, newline: str) -> tuple[int, str]:
    at = block.end
    rest = text[at:]
    m = re.match(r"(\r\n|\r|\n)([ \t]*)(\r\n|\r|\n|$)", rest)
    followed = rest == "" or m is not None
    return at, newline + newline + "^{id}" + ("" if followed else newline)


def unlabelled_blocks(text: str, note: NoteSyntax | None = None, options: ParseOptions | None = None) -> list[Unlabelled]:
    """The blocks of `text` that have no block id, in document order, with where an id would go."""
    note = note or parse_note(text, options or ParseOptions())
    labelled = {b.block_start for b in note.block_ids}
    body = note.frontmatter.end if note.frontmatter else 0
    lines = split_lines(text, body)
    if note.frontmatter is not None and lines and lines[0].offset == body:
        lines = lines[1:]
    newline = "\r\n" if "\r\n" in text else "\n"
    out: list[Unlabelled] = []

    def visit(blocks: list[Block], top: bool) -> None:
        for b in blocks:
            if b.kind == "list":
                for item in b.children:
                    first = item.children[0] if item.children else None
                    if item.start not in labelled and first is not None and first.kind == "paragraph":
                        out.append(Unlabelled("list-item", item.start, first.end, _words(text, item.start, first.end),
                                              _inline_at(text, first), " ^{id}"))
                    visit([c for c in item.children if c.kind == "list"], False)
            elif not top or b.start in labelled:
                continue
            elif b.kind == "paragraph":
                out.append(Unlabelled("paragraph", b.start, b.end, _words(text, b.start, b.end),
                                      _inline_at(text, b), " ^{id}"))
            elif b.kind in _STANDALONE_KINDS:
                at, template = _standalone(text, b, newline)
                out.append(Unlabelled(b.kind, b.start, b.end, _words(text, b.start, b.end, b.kind == "table"), at, template))

    visit(parse_blocks(lines), True)
    return [u for u in out if u.words]


def new_block_completions(vault: Vault, path: str, text: str, typing: Typing,
                          text_of: Callable[[str], str | None], limit: int = 20,
                          rng: random.Random | None = None) -> tuple[list[Completion], bool]:
    """Items for `[[note#^words` / `[[^words` naming blocks without an id (see the module docstring)."""
    typed = typing.typed
    if typed.startswith("^") and not typed.startswith("^^"):
        linkpath, query = "", typed[1:]
    elif "#^" in typed and "|" not in typed:
        linkpath, _, query = typed.partition("#^")
    else:
        return [], False
    words = query.lower().split()
    if not words:
        return [], False
    if linkpath.strip():
        target = vault.resolve_path(linkpath, path).path
        if target is None or not target.lower().endswith(".md"):
            return [], False
        target_text = text if target == path else text_of(target)
    else:
        target, target_text = path, text
    if target_text is None:
        return [], False
    note = live_note(vault, target, target_text)  # parsed once while the user types the words
    used = {b.key for b in note.block_ids}
    closing = "" if typing.tail else "]]"
    items: list[Completion] = []
    more = False
    for block in unlabelled_blocks(target_text, note):
        if target == path and block.start <= typing.start <= max(block.end, block.insert_at):
            continue  # the paragraph being typed in
        haystack = block.words.lower()
        if not all(w in haystack for w in words):
            continue
        if len(items) == limit:
            more = True
            break
        new_id = fresh_id(used, rng)
        used.add(new_id)
        label = block.words if len(block.words) <= 60 else block.words[:59].rstrip() + "…"
        edit = TextEdit(target, block.insert_at, block.insert_at, block.template.format(id=new_id))
        items.append(Completion(label, "block", f"{linkpath}#^{new_id}{closing}", typing.start, typing.end,
                                f"new id ^{new_id} in {stem(target)} ({block.kind})", block.words, "", typed,
                                edits=(edit,)))
    return items, more
