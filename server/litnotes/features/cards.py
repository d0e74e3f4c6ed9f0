"""Citation cards: what a cite key stands for, as a short Markdown card (hover, completion, `litnotes cite`).

The card comes from the library entry when there is one (authors, year, title, container, DOI or
URL, Zotero link) and names the literature note; a key defined only by a note gets a card built
from that note's metadata.
"""

from __future__ import annotations

from ..bib import render_card
from ..vault import Vault, stem

__all__ = ["citation_card", "literature_notes", "note_title"]


def literature_notes(vault: Vault, key: str) -> list[str]:
    return sorted({s.path for s in vault.cite_sources(key) if s.kind != "bibliography"})


def _note_title(vault: Vault, path: str) -> str:
    return note_title(path, vault.note(path))


def note_title(path: str, note) -> str:
    """A note's title: its `**Title**:` metadata line, else a `title` property, else its file name."""
    if note is not None:
        for label, value in note.metadata:
            if label == "title" and value:
                return value
        for k, v in note.frontmatter.properties if note.frontmatter else ():
            if k.lower() == "title" and v:
                return v
    return stem(path)


def citation_card(vault: Vault, key: str) -> str | None:
    """Markdown describing `key`, or None when nothing in the vault defines it."""
    notes = literature_notes(vault, key)
    entries = vault.library_entries(key)
    if entries:
        lib_path, entry = entries[0]
        card = render_card(entry, notes[0] if notes else None, _note_title(vault, notes[0]) if notes else None)
        return f"{card}\n\n`@{key}` · {lib_path}"
    if notes:
        path = notes[0]
        note = vault.note(path)
        fields = dict(note.metadata) if note else {}
        lines = [f"*{_note_title(vault, path)}*"]
        if fields.get("authors"):
            lines.append(fields["authors"])
        lines.append(f"Literature note: [[{path[:-3] if path.endswith('.md') else path}]]")
        return "\n\n".join(lines) + f"\n\n`@{key}` (not in any bibliography)"
    return None
