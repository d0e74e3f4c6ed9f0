"""Go to definition: where the link, embed or cite key under the cursor leads.

- A link or embed (wikilink, Markdown, front matter) leads to what Obsidian opens: the note or
  file, the heading's section (`Heading.start` … `section_end`, the heading line selected) or the
  block (`block_start` … `block_end`, its `^id` selected when the id lies inside the block).
- A cite key (`[@key]`, `@key`, `[[@key]]`, an `@key` alias or cite-key property) leads to every
  literature note that defines it (its definition selected) and to every bibliography entry (the
  whole entry, its key selected); from a definition itself, to the other places only.
- A bare-alias link (`[[@alias]]` that Obsidian does not resolve) leads to the alias's note.
- `zotero://` and web links have no definition: they are document links (`doclinks.py`).
"""

from __future__ import annotations

from ..vault import LinkResolution, Vault
from .at_cursor import subject_at
from .edits import Target

__all__ = ["definition", "citekey_targets", "target_of"]


def target_of(vault: Vault, res: LinkResolution) -> Target:
    """The place a resolved link opens."""
    if res.heading is not None:
        h = res.heading
        return Target(res.path, h.start, h.section_end, h.start, h.end)
    if res.block is not None:
        b = res.block
        inside = b.block_start <= b.start and b.end <= b.block_end
        sel = (b.start, b.end) if inside else (b.block_start, b.block_end)
        return Target(res.path, b.block_start, b.block_end, *sel)
    return Target(res.path, 0, 0, 0, 0)


def citekey_targets(vault: Vault, key: str, skip: str | None = None) -> list[Target]:
    """The literature notes that define `key` (except `skip`), then its bibliography entries."""
    out = []
    for path in sorted({s.path for s in vault.cite_sources(key) if s.kind != "bibliography"}):
        if path == skip:
            continue
        note = vault.note(path)
        d = next((d for d in note.citekey_defs if d.key == key), None) if note is not None else None
        out.append(Target(path, d.start, d.end, d.start, d.end) if d else Target(path, 0, 0, 0, 0))
    for lib, entry in vault.library_entries(key):
        out.append(Target(lib, entry.start, entry.end, entry.key_start, entry.key_end))
    return out


def definition(vault: Vault, path: str, text: str, offset: int) -> tuple[int, int, list[Target]] | None:
    """(origin start, origin end, targets) for the element at `offset` of the live `text`, or None."""
    subject = subject_at(vault, path, text, offset)
    if subject is None:
        return None
    origin = (subject.start, subject.end)
    link = subject.link
    if link is not None:
        res = vault.resolve(path, link)
        targets = [target_of(vault, res)] if res.path is not None else []
        if subject.kind == "citekey" or (link.path.startswith("@") and vault.cite_sources(link.path.strip()[1:])):
            key = link.path.strip()[1:]
            targets += [t for t in citekey_targets(vault, key) if t.path != res.path]
        elif subject.kind == "alias" and not targets:
            targets = [Target(subject.path, 0, 0, 0, 0)]
        return (*origin, targets) if targets else None
    if subject.kind == "citekey":
        on_definition = subject.path == path  # an alias, property or Cite key line of this note
        targets = citekey_targets(vault, subject.key, skip=path if on_definition else None)
        return (*origin, targets) if targets else None
    return None
