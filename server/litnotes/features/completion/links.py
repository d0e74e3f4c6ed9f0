"""Completion inside `[[…` and `![[…` (spec L-7): names, headings, block ids and display text.

The replace range starts right after `[[`, so every `new_text` is what goes between `[[` and the
end of the link: `bereska2024-literature-note|@bereska2024]]`, `Note#C tips]]`, `#^29lz2rml]]`.
Link text follows the vault's New link format (R-12, `link_text`); heading links use the form
Obsidian writes (H-4). The current note's own headings and blocks come from the live text; another note's highlights
(for `[[note#^`) from its current text (`text_of`), as the index keeps no highlights.
"""

from __future__ import annotations

from typing import Callable

from ...syntax import Highlight, NoteSyntax
from ...vault import Vault, stem
from ..details import detailed_note, live_note
from ..hover import highlight_detail, highlight_markdown, highlight_title
from ..linktext import link_text
from ..types import Completion
from . import tables
from .context import Typing
from .ranking import rank_list

__all__ = ["link_completions"]


class _Link:
    """One `[[…` completion request: where to write and how to close the link."""

    def __init__(self, vault: Vault, path: str, text: str, typing: Typing, limit: int,
                 text_of: Callable[[str], str | None] | None) -> None:
        self.vault, self.path, self.text, self.typing, self.limit = vault, path, text, typing, limit
        self.text_of = text_of
        self._live: NoteSyntax | None = None

    @property
    def closing(self) -> str:
        return "" if self.typing.tail else "]]"

    def live(self) -> NoteSyntax:
        if self._live is None:
            self._live = live_note(self.vault, self.path, self.text)
        return self._live

    def target(self, linkpath: str, detailed: bool = False) -> tuple[str | None, NoteSyntax | None]:
        """The note a typed link path names: the live note for "", else the snapshot's note (in detail,
        with its highlights, when `detailed`)."""
        if not linkpath.strip():
            return self.path, self.live()
        where = self.vault.resolve_path(linkpath, self.path).path
        if where is None:
            return None, None
        return where, detailed_note(self.vault, where, self.text_of) if detailed else self.vault.note(where)

    def item(self, label: str, kind: str, new_text: str, *, detail: str = "", documentation: str | None = None,
             filter_text: str = "") -> Completion:
        return Completion(label, kind, new_text, self.typing.start, self.typing.end, detail, documentation,
                          "", filter_text or label)

    def linktext(self, target: str) -> str:
        return "" if target == self.path else link_text(self.vault, target, self.path)


def link_completions(vault: Vault, path: str, text: str, typing: Typing, limit: int,
                     text_of: Callable[[str], str | None] | None = None) -> tuple[list[Completion], bool]:
    req = _Link(vault, path, text, typing, limit, text_of)
    typed = typing.typed
    if typed.startswith("^^"):
        items, more = _vault_blocks(req, typed[2:])
    elif typed.startswith("##"):
        items, more = _vault_headings(req, typed[2:])
    elif typed.startswith("^"):
        items, more = _blocks(req, "", typed[1:], bare=True)
    elif "|" in typed[1:]:
        bar = typed.index("|", 1)
        items, more = _display(req, typed[:bar], typed[bar + 1:])
    elif "#" in typed:
        linkpath, _, sub = typed.partition("#")
        if sub.startswith("^"):
            items, more = _blocks(req, linkpath, sub[1:], bare=False)
        else:
            items, more = _headings(req, linkpath, sub)
    else:
        items, more = _names(req, typed)
    return items, more


def _names(req: _Link, typed: str) -> tuple[list[Completion], bool]:
    query = typed.strip()
    if "/" in query:
        # A path is matched by prefix or substring only: fuzzy matching long paths finds everything.
        pairs, more = rank_list(tables.name_paths(req.vault), lambda pair: (pair[0],), query, req.limit,
                                document_order=False, fuzzy=False)
        found = [name for _, name in pairs]
    else:
        entries, more = tables.names(req.vault).search(query, req.limit)
        found = [e.item for e in entries]
    items = []
    for name in found:
        target = link_text(req.vault, name.path, req.path)
        if name.kind == "alias":
            display = "" if req.typing.tail else f"|{name.label}"
            items.append(req.item(name.label, "alias", f"{target}{display}{req.closing}",
                                  detail=f"alias of {name.path}", filter_text=name.label))
        else:
            detail = name.path if "/" in name.path else ""
            items.append(req.item(name.label, name.kind, f"{target}{req.closing}", detail=detail,
                                  filter_text=name.path if "/" in query else name.label))
    return items, more


def _headings(req: _Link, linkpath: str, query: str) -> tuple[list[Completion], bool]:
    where, note = req.target(linkpath)
    if where is None or note is None:
        return [], False
    refs = tables.headings_of(where, note)
    found, more = rank_list(refs, lambda r: (r.key, r.heading.text.lower()), query.strip(), req.limit,
                            document_order=True)
    items = [req.item(r.heading.text, "heading", f"{linkpath}#{r.form}{req.closing}",
                      detail="#" * r.heading.level, filter_text=f"{linkpath}#{r.form}") for r in found]
    return items, more


def _vault_headings(req: _Link, query: str) -> tuple[list[Completion], bool]:
    refs = [r for r in tables.headings(req.vault) if r.path != req.path] + tables.headings_of(req.path, req.live())
    found, more = rank_list(refs, lambda r: (r.key,), query.strip(), req.limit, document_order=False, fuzzy=False)
    items = [req.item(r.heading.text, "heading", f"{req.linktext(r.path)}#{r.form}{req.closing}",
                      detail=f"{stem(r.path)} {'#' * r.heading.level}", filter_text=f"##{r.form}") for r in found]
    return items, more


def _block_item(req: _Link, ref: tables.BlockRef, before: str, filter_prefix: str,
                detail_prefix: str = "") -> Completion:
    block, highlight = ref.block, ref.highlight
    new_text = f"{before}#^{block.id}{req.closing}"
    words = " ".join(ref.search[1:])
    if highlight is not None:
        documentation = highlight_markdown(highlight) if isinstance(highlight, Highlight) else None  # not a digest
        return req.item(highlight_title(highlight), "highlight", new_text,
                        detail=detail_prefix + highlight_detail(highlight), documentation=documentation,
                        filter_text=f"{filter_prefix}{block.id} {words}".rstrip())
    return req.item(f"^{block.id}", "block", new_text, detail=detail_prefix + block.block_kind,
                    filter_text=f"{filter_prefix}{block.id}")


def _blocks(req: _Link, linkpath: str, query: str, bare: bool) -> tuple[list[Completion], bool]:
    where, note = req.target(linkpath, detailed=True)
    if where is None or note is None:
        return [], False
    refs = tables.blocks_of(where, note, whole=True)
    found, more = rank_list(refs, lambda r: r.search, query.strip(), req.limit, document_order=True, fuzzy=False)
    prefix = "^" if bare else f"{linkpath}#^"
    return [_block_item(req, ref, linkpath, prefix) for ref in found], more


def _vault_blocks(req: _Link, query: str) -> tuple[list[Completion], bool]:
    refs = [r for r in tables.blocks(req.vault) if r.path != req.path] + tables.blocks_of(req.path, req.live(), whole=True)
    found, more = rank_list(refs, lambda r: r.search, query.strip(), req.limit, document_order=True, fuzzy=False)
    return [_block_item(req, ref, req.linktext(ref.path), "^^", f"{stem(ref.path)} · ") for ref in found], more


def _display(req: _Link, linkpath: str, query: str) -> tuple[list[Completion], bool]:
    """After `|`: the target note's aliases as display text (L-7)."""
    where, note = req.target(linkpath.removesuffix("\\"))  # `[[Note\|` in a table row (W-3)
    if where is None or note is None:
        return [], False
    start = req.typing.start + len(linkpath) + 1
    found, more = rank_list(list(note.aliases), lambda a: (a.lower(),), query.strip(), req.limit, document_order=True)
    items = [Completion(a, "alias", f"{a}{req.closing}", start, req.typing.end, f"alias of {where}", None, "", a)
             for a in found]
    return items, more
