"""Document links: the clickable parts of a note.

- `zotero://` links (`[View in local Zotero: page 1](zotero://open-pdf/…)`, `zotero://select/…`)
  and web links (`[x](https://…)` or a bare `https://…`), outside code;
- wikilinks, embeds, Markdown and front-matter links that resolve to a vault file (the target is
  the file; the editor opens it). Broken links are not clickable here: Obsidian would create the
  note, which is what the quick fix "Create note" does.
"""

from __future__ import annotations

import re

from ..vault import Vault
from .at_cursor import live_note
from .completion.context import in_code
from .edits import DocLink

__all__ = ["document_links"]

_SCHEMES = r"(?:zotero|https?)://"
_MD_URL = re.compile(r"\[([^\]\n]*)\]\(\s*<?(" + _SCHEMES + r"[^\s()<>]+)>?(?:\s+\"[^\"\n]*\")?\s*\)")
_BARE_URL = re.compile(r"(?<![\w/])" + _SCHEMES + r"[^\s<>\[\]()\"'`]+")
_TRAILING = ".,;:!?*_~"


def _tooltip(url: str) -> str:
    if url.startswith("zotero://open-pdf/"):
        page = re.search(r"[?&]page=([^&]+)", url)
        return "Open the PDF in Zotero" + (f" at page {page.group(1)}" if page else "")
    if url.startswith("zotero://"):
        return "Show the item in Zotero"
    return url


def document_links(vault: Vault, path: str, text: str) -> list[DocLink]:
    """Clickable links of the live `text` of `path`, in document order."""
    note = live_note(vault, path, text)
    out: list[DocLink] = []
    taken: list[tuple[int, int]] = []
    for link in note.links:
        res = vault.resolve(path, link)
        if res.path is not None:
            out.append(DocLink(link.start, link.end, path=res.path, tooltip=res.path))
        taken.append((link.start, link.end))
    if "://" in text:
        for m in _MD_URL.finditer(text):
            if not _inside(taken, m.start()) and not in_code(text, m.start()):
                url = m.group(2)
                out.append(DocLink(m.start(), m.end(), url=url, tooltip=_tooltip(url)))
                taken.append((m.start(), m.end()))
        for m in _BARE_URL.finditer(text):
            if _inside(taken, m.start()) or in_code(text, m.start()):
                continue
            url = m.group().rstrip(_TRAILING)
            if url.count("://") == 1 and not url.endswith("://"):
                out.append(DocLink(m.start(), m.start() + len(url), url=url, tooltip=_tooltip(url)))
    out.sort(key=lambda d: d.start)
    return out


def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
    return any(s <= pos < e for s, e in spans)
