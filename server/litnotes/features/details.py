"""Full parses of single notes, for the features that show callouts and Zotero highlights.

The vault keeps most notes in index form (`NoteSyntax.index_form()`: no callouts, no highlights),
which is all that links, diagnostics and vault-wide tables need. Hover, completion of `[[note#^`,
document symbols and code lenses need a note in detail: they get it here, from the snapshot when
it holds the note in detail, else by parsing the note's current text once. The last few parses are
kept (by path, checked against the exact text), so a burst of requests on one note parses it once.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Callable

from ..syntax import NoteSyntax, parse_note
from ..vault import Vault

__all__ = ["live_note", "detailed_note", "parse_count"]

_KEEP = 16
_recent: OrderedDict[str, tuple[str, object, NoteSyntax]] = OrderedDict()
_parses = [0]


def parse_count() -> int:
    """How many notes this module has parsed (tests assert on it)."""
    return _parses[0]


def live_note(vault: Vault, path: str, text: str) -> NoteSyntax:
    """`text` (the note's live text) parsed in detail: the snapshot's record when it is detailed and
    was made from this text, else a parse (reused while the text stays the same)."""
    note = vault.note(path)
    if note is not None and note.detailed and note.length == len(text):
        return note
    options = vault.settings.parse_options
    kept = _recent.get(path)
    if kept is not None and kept[1] == options and (kept[0] is text or kept[0] == text):
        _recent.move_to_end(path)
        return kept[2]
    _parses[0] += 1
    parsed = parse_note(text, options)
    _recent[path] = (text, options, parsed)
    if len(_recent) > _KEEP:
        _recent.popitem(last=False)
    return parsed


def detailed_note(vault: Vault, path: str, text_of: Callable[[str], str | None] | None) -> NoteSyntax | None:
    """Another note in detail: from the snapshot if it holds it so, else parsed from `text_of(path)`;
    the index form when its text cannot be had."""
    note = vault.note(path)
    if note is None or note.detailed or text_of is None:
        return note
    text = text_of(path)
    return note if text is None else live_note(vault, path, text)
