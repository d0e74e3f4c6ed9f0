"""Completion of Pandoc cite keys after `@` (K-3) and of tags after `#` (T-2, T-4).

Cite keys come from `vault.cite_keys` (literature notes and libraries), prefix-filtered; their
documentation is the citation card, filled lazily by `resolve_completion` from the item's
`resolve=(("citekey", key),)`. Tags are each offered once, in their first-seen casing.
"""

from __future__ import annotations

import re

from ...vault import Vault, basename
from ..types import Completion
from . import tables
from .context import Typing

__all__ = ["citekey_completions", "tag_completions"]

_SIMPLE_KEY = re.compile(r"\w(?:\w|://(?=\w)|[:.#$%&\-+?<>~/](?=\w))*")


def _written(key: str, braced: bool) -> str:
    """How to write `key` after `@`: bare when Pandoc reads it whole (K-2), else `{key}`."""
    return f"{{{key}}}" if braced or not _SIMPLE_KEY.fullmatch(key) else key


def citekey_completions(vault: Vault, typing: Typing, limit: int) -> tuple[list[Completion], bool]:
    braced = typing.typed.startswith("{")
    query = typing.typed[1:] if braced else typing.typed
    entries, more = tables.cite_keys(vault).search(query.rstrip("}"), limit, fuzzy=False)
    items = []
    for entry in entries:
        key = entry.item
        sources = vault.cite_sources(key)
        detail = ", ".join(sorted({basename(s.path) for s in sources}))
        items.append(Completion(key, "citekey", _written(key, braced), typing.start, typing.end, detail, None, "",
                                _written(key, braced) if braced else key, (("citekey", key),)))
    return items, more


def _only_here_and_stale(info: tables.TagInfo, path: str, text: str, typing: Typing) -> bool:
    """A tag that only the current note has in the snapshot and the live text no longer holds
    (typically the half-typed tag itself, indexed a few keystrokes ago)."""
    if info.only_in != path:
        return False
    pattern = re.compile(r"(?<![^\s>\-\"'\[,])#?" + re.escape(info.name) + r"(?![\w/-])", re.I)
    return not any(not (typing.start - 1 <= m.start() <= typing.end) for m in pattern.finditer(text))


def tag_completions(vault: Vault, path: str, text: str, typing: Typing, limit: int) -> tuple[list[Completion], bool]:
    index = tables.tags(vault)
    slack = 32  # room for the current note's stale tags, which are dropped below
    entries, more = index.search(typing.typed, limit + slack, fuzzy=False)
    fresh = [e.item for e in entries if not _only_here_and_stale(e.item, path, text, typing)]
    if more and len(fresh) <= limit:
        entries, _ = index.search(typing.typed, len(index), fuzzy=False)
        fresh = [e.item for e in entries if not _only_here_and_stale(e.item, path, text, typing)]
    return [Completion(t.name, "tag", t.name, typing.start, typing.end, "", None, "", t.name)
            for t in fresh[:limit]], len(fresh) > limit
