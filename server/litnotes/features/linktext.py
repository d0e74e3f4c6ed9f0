"""How Obsidian writes a link to a file from a given note, per its "New link format" (R-12)."""

from __future__ import annotations

import posixpath
from urllib.parse import quote

from ..vault import Vault, folder_of

__all__ = ["link_text", "wikilink_to", "markdown_link_to"]


def _without_md(path: str) -> str:
    return path[:-3] if path.lower().endswith(".md") else path


def link_text(vault: Vault, target: str, source: str) -> str:
    """The link path Obsidian would insert for `target` when writing in `source`."""
    fmt = vault.settings.link_format
    if fmt == "relative":
        rel = posixpath.relpath(target, folder_of(source) or ".")
        return _without_md(rel if rel.startswith("../") else rel)
    if fmt == "absolute":
        return _without_md(target)
    name = _without_md(target.rsplit("/", 1)[-1])
    if vault.resolve_path(name, source).path == target and not vault.resolve_path(name, source).ambiguous:
        return name
    return _without_md(target)


def wikilink_to(vault: Vault, target: str, source: str, display: str | None = None, subpath: str = "") -> str:
    text = link_text(vault, target, source) + (f"#{subpath}" if subpath else "")
    return f"[[{text}|{display}]]" if display else f"[[{text}]]"


def markdown_link_to(vault: Vault, target: str, source: str, display: str) -> str:
    path = link_text(vault, target, source)
    if target.lower().endswith(".md") and not path.lower().endswith(".md"):
        path += ".md"
    return f"[{display}]({quote(path, safe='/#^')})"
