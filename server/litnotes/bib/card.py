"""Render a bibliography entry as a short Markdown citation card (hover, completion documentation).

Layout (each part only when known; paragraphs separated by blank lines so every client breaks them):

    Leonard Bereska, Efstratios Gavves (2024). *Title*. Container, 12, 1–20.

    DOI: [10.x/y](https://doi.org/10.x/y) · [Open in Zotero](zotero://select/...)

    Literature note: [[Literature/bereska2024|Bereska 2024]]
"""

from __future__ import annotations

import re

from .records import BibEntry

__all__ = ["render_card"]

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _people(entry: BibEntry) -> str:
    names, suffix = entry.authors, ""
    if not names and entry.editors:
        names, suffix = entry.editors, " (ed.)" if len(entry.editors) == 1 else " (eds.)"
    if not names:
        return ""
    shown = ", ".join(_escape(n) for n in names[:3])
    if len(names) > 3 and names[-1] != "et al.":
        shown += " et al."
    return shown + suffix


def _destination(url: str) -> str:
    return f"<{url}>" if any(c in url for c in " ()<>") else url


def render_card(entry: BibEntry, note_path: str | None = None, note_title: str | None = None) -> str:
    """A few lines of Markdown describing `entry`; deterministic for equal inputs."""
    head = _people(entry)
    if entry.year:
        head = f"{head} ({entry.year})." if head else f"({entry.year})."
    elif head and not head.endswith("."):
        head += "."
    title = entry.title or entry.key
    parts = [head, f"*{_escape(title)}*."] if head else [f"*{_escape(title)}*."]
    source = ", ".join(_escape(p) for p in (entry.container, entry.volume, entry.pages) if p)
    if source:
        parts.append(source + ".")
    paragraphs = [" ".join(parts)]
    links = []
    if entry.doi:
        links.append(f"DOI: [{_escape(entry.doi)}]({_destination('https://doi.org/' + entry.doi)})")
    elif entry.url:
        links.append(f"URL: [{_escape(entry.url)}]({_destination(entry.url)})")
    if entry.zotero_link:
        links.append(f"[Open in Zotero]({_destination(entry.zotero_link)})")
    if links:
        paragraphs.append(" · ".join(links))
    if note_path:
        target = note_path[:-3] if note_path.lower().endswith(".md") else note_path
        label = f"{target}|{note_title}" if note_title else target
        paragraphs.append(f"Literature note: [[{label}]]")
    return "\n\n".join(paragraphs)
