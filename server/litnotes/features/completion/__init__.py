"""Completion: what to offer at the cursor of a note being edited (spec L-7, R-11/R-12, H-4, K-3, T-4).

`complete(vault, path, text, offset)` reads the construct under the cursor from the live `text`
(`context.py`), then asks the matching producer: links (`links.py`: names and aliases, headings,
block ids and highlights, display text) or words (`words.py`: cite keys, tags). Vault-wide
tables are derived once per snapshot (`tables.py`); matching and ordering live in `ranking.py`.
Items carry `sort_text` in ranked order; a list cut at `limit` is marked `incomplete`.

`resolve_completion` fills the documentation that is too costly to compute for every item
(the citation card of a cite key).
"""

from __future__ import annotations

from typing import Callable

from ...frozen import fast
from ...vault import Vault
from ..cards import citation_card
from ..types import Completion, CompletionResult
from .context import Typing, typing_at
from .links import link_completions
from .newblock import new_block_completions
from .tables import heading_link_form
from .words import citekey_completions, tag_completions

__all__ = ["complete", "resolve_completion", "heading_link_form", "typing_at", "Typing"]


def complete(vault: Vault, path: str, text: str, offset: int, limit: int = 100,
             text_of: Callable[[str], str | None] | None = None) -> CompletionResult | None:
    """Completions at `offset` (code points into `text`), or None when the cursor is in no completion context.

    With `text_of` (other notes' current texts), `[[note#^words` also offers blocks without an id
    (`newblock.py`): those items carry the edit that writes the new id into the target note."""
    typing = typing_at(text, offset)
    if typing is None:
        return None
    limit = max(1, limit)
    if typing.kind == "link":
        found, more = link_completions(vault, path, text, typing, limit, text_of)
        if text_of is not None and len(found) < limit:
            fresh, more_fresh = new_block_completions(vault, path, text, typing, text_of, min(20, limit - len(found)))
            found, more = found + fresh, more or more_fresh
    elif typing.kind == "citekey":
        found, more = citekey_completions(vault, typing, limit)
    else:
        found, more = tag_completions(vault, path, text, typing, limit)
    return CompletionResult(_numbered(found), more)


_make_completion = fast(Completion)


def _numbered(items: list[Completion]) -> tuple[Completion, ...]:
    """The items with their rank as sort text (the editor keeps the order). Made through the fast
    constructor: `dataclasses.replace` took 0.9 ms of a 100-item list."""
    width = max(4, len(str(len(items))))
    return tuple(_make_completion(c.label, c.kind, c.new_text, c.start, c.end, c.detail, c.documentation,
                                  str(i).zfill(width), c.filter_text, c.resolve, c.edits) for i, c in enumerate(items))


def resolve_completion(vault: Vault, resolve: tuple[tuple[str, str], ...]) -> str | None:
    """The Markdown documentation of an item whose `resolve` names what to look up, or None."""
    wanted = dict(resolve)
    key = wanted.get("citekey")
    if key:
        return citation_card(vault, key)
    return None
