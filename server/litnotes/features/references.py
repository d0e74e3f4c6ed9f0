"""References: every link, embed, citation and `[[@key]]` in the vault that names a target.

Candidate notes come from the vault's reverse index (`Vault.dependents`: the notes whose links
look up a file name, alias or cite key), never from a scan of every note; each candidate's links
are then resolved with `Vault.resolve`, so a reference is exactly what the resolver maps to the
target. Links Obsidian does not resolve are included, marked `resolved=False`, where they still
name the target: `[[alias]]` of a note (R-11), `[[@key]]` of a cite key, the same missing name.

- a note: links and embeds that open it (any subpath), bare-alias links to it and, for a
  literature note, the citations of its cite keys (its backlinks);
- a heading / block: links whose subpath resolves to it (H-2/H-3, B-8);
- a cite key: citations (`[@key]`, `@key`), `[[@key]]`; declarations are the literature notes'
  alias, property and `**Cite key**:` line and the bibliography entries;
- a tag: every `#tag` and front-matter tag, case-insensitively (a per-snapshot index).
"""

from __future__ import annotations

from typing import Callable

from ..syntax import BlockId, Heading, Link, NoteSyntax
from ..vault import LinkResolution, Vault, basename, name_key
from ..vault.resolver import lookup_keys
from .at_cursor import Subject, live_note, subject_at
from .edits import Reference

__all__ = ["references", "references_of", "note_references", "heading_references", "block_references",
           "citekey_references", "tag_references", "alias_references", "missing_references", "reference_counts",
           "tag_users", "note_candidates"]

Match = Callable[[str, Link, LinkResolution], bool]


def _kind(link: Link) -> str:
    return "embed" if link.embed else "link"


def _link_hits(vault: Vault, candidates, match: Match, overrides: dict[str, NoteSyntax] | None = None,
               resolved: bool = True) -> list[Reference]:
    out, overrides = [], overrides or {}
    for src in sorted(candidates):
        note = overrides.get(src) or vault.note(src)
        for link in note.links if note is not None else ():
            if match(src, link, vault.resolve(src, link)):
                out.append(Reference(src, link.start, link.end, _kind(link), resolved))
    return out


def note_candidates(vault: Vault, target: str) -> set[str]:
    return vault.dependents({"n:" + name_key(basename(target))}) | ({target} if vault.note(target) else set())


def note_references(vault: Vault, target: str, overrides: dict[str, NoteSyntax] | None = None) -> list[Reference]:
    """Links to `target` (any subpath), bare-alias links to it, and citations of the keys it defines."""
    found = _link_hits(vault, note_candidates(vault, target), lambda s, l, r: r.path == target, overrides)
    note = vault.note(target)
    for alias in note.aliases if note is not None else ():
        found += alias_references(vault, target, alias, include_display=False, overrides=overrides)
    summary = vault.summary(target)
    for key in sorted({k for k, _kind in summary.cites}) if summary else ():
        found += [r for r in citekey_references(vault, key, False, overrides) if r.kind == "citation"]
    return _unique(found)


def heading_references(vault: Vault, target: str, heading: Heading,
                       overrides: dict[str, NoteSyntax] | None = None) -> list[Reference]:
    def match(src: str, link: Link, res: LinkResolution) -> bool:
        return res.path == target and res.heading is not None and res.heading.start == heading.start
    return _link_hits(vault, note_candidates(vault, target), match, overrides)


def block_references(vault: Vault, target: str, block: BlockId,
                     overrides: dict[str, NoteSyntax] | None = None) -> list[Reference]:
    def match(src: str, link: Link, res: LinkResolution) -> bool:
        return res.path == target and res.block is not None and res.block.start == block.start
    return _link_hits(vault, note_candidates(vault, target), match, overrides)


def citekey_references(vault: Vault, key: str, include_declaration: bool = True,
                       overrides: dict[str, NoteSyntax] | None = None) -> list[Reference]:
    """Citations of `key` (case-sensitive, as Pandoc), `[[@key]]` links, and optionally its definitions."""
    out: list[Reference] = []
    overrides, at_key = overrides or {}, "@" + key
    for src in sorted(vault.dependents({"c:" + key.lower()})):
        note = overrides.get(src) or vault.note(src)
        if note is None:
            continue
        for c in note.citations:
            if c.key == key:
                out.append(Reference(src, c.start, c.end, "citation"))
        for link in note.links:
            if link.path.strip() == at_key:
                res = vault.resolve(src, link)
                out.append(Reference(src, link.start, link.end, _kind(link), res.path is not None))
    if include_declaration:
        for source in vault.cite_sources(key):
            if source.kind == "bibliography":
                continue
            note = vault.note(source.path)
            for d in note.citekey_defs if note is not None else ():
                if d.key == key:
                    out.append(Reference(source.path, d.start, d.end, "declaration"))
        for lib, entry in vault.library_entries(key):
            out.append(Reference(lib, entry.key_start, entry.key_end, "declaration"))
    return _unique(out)


def tag_users(vault: Vault) -> dict[str, tuple[str, ...]]:
    """Lower-cased tag -> the notes that use it (front matter or body); built once per snapshot."""
    table = vault._cache.get("nav.tags")
    if table is None:
        users: dict[str, list[str]] = {}
        for path in sorted(vault.notes):
            note = vault.notes[path]
            names = {t.lower() for t, _s, _e in note.frontmatter.tags} if note.frontmatter else set()
            names |= {t.name.lower() for t in note.tags}
            for name in names:
                users.setdefault(name, []).append(path)
        table = vault._cache["nav.tags"] = {k: tuple(v) for k, v in users.items()}
    return table


def tag_references(vault: Vault, key: str, overrides: dict[str, NoteSyntax] | None = None) -> list[Reference]:
    key = key.lower()
    paths = set(tag_users(vault).get(key, ())) | set(overrides or ())
    out = []
    for path in sorted(paths):
        note = (overrides or {}).get(path) or vault.note(path)
        if note is None:
            continue
        for tag, start, end in note.frontmatter.tags if note.frontmatter else ():
            if tag.lower() == key:
                out.append(Reference(path, start, end, "tag"))
        out += [Reference(path, t.start, t.end, "tag") for t in note.tags if t.name.lower() == key]
    return out


def alias_references(vault: Vault, owner: str, alias: str, include_display: bool = True,
                     overrides: dict[str, NoteSyntax] | None = None) -> list[Reference]:
    """`[[alias]]` links (unresolved: Obsidian does not resolve aliases) and, optionally, links to
    `owner` that show the alias as their display text."""
    key = name_key(alias.strip())
    found = _link_hits(vault, vault.dependents({"a:" + key}),
                       lambda s, l, r: r.path is None and name_key(l.path.strip()) == key, overrides, resolved=False)
    if include_display:
        found += _link_hits(vault, note_candidates(vault, owner),
                            lambda s, l, r: r.path == owner and (l.display or "").strip() == alias, overrides)
    return found


def missing_references(vault: Vault, key: str, overrides: dict[str, NoteSyntax] | None = None) -> list[Reference]:
    """Unresolved links that name the same missing note (`[[Example]]` everywhere)."""
    deps = {"n:" + k for k in lookup_keys(key)}
    return _link_hits(vault, vault.dependents(deps),
                      lambda s, l, r: r.path is None and name_key(l.path.strip()) == key, overrides, resolved=False)


def references_of(vault: Vault, subject: Subject, include_declaration: bool = True,
                  overrides: dict[str, NoteSyntax] | None = None) -> list[Reference]:
    """The references of a subject found by `subject_at`."""
    kind = subject.kind
    if kind == "note":
        return note_references(vault, subject.path, overrides)
    if kind == "heading":
        found = heading_references(vault, subject.path, subject.heading, overrides)
        h = subject.heading
        return ([Reference(subject.path, h.start, h.end, "declaration")] if include_declaration else []) + found
    if kind == "block":
        found = block_references(vault, subject.path, subject.block, overrides)
        b = subject.block
        return ([Reference(subject.path, b.start, b.end, "declaration")] if include_declaration else []) + found
    if kind == "citekey":
        return citekey_references(vault, subject.key, include_declaration, overrides)
    if kind == "tag":
        return tag_references(vault, subject.key, overrides)
    if kind == "alias":
        found = alias_references(vault, subject.path, subject.key, True, overrides)
        note = vault.note(subject.path)
        decl = [Reference(subject.path, s, e, "declaration") for a, s, e in
                (note.frontmatter.aliases if note is not None and note.frontmatter else ()) if a == subject.key]
        return (decl if include_declaration else []) + found
    if kind == "missing":
        return missing_references(vault, subject.key, overrides)
    return []


def references(vault: Vault, path: str, text: str, offset: int, include_declaration: bool = True) -> list[Reference]:
    """References of whatever is at `offset` of the live `text` of `path`; on plain text, of the note itself."""
    subject = subject_at(vault, path, text, offset) or Subject("note", 0, 0, path=path)  # elsewhere: backlinks
    overrides = {path: live_note(vault, path, text)}
    return references_of(vault, subject, include_declaration, overrides)


def reference_counts(vault: Vault, path: str) -> dict[tuple[str, object], int]:
    """How many links point at each heading (`("heading", start)`) and block (`("block", key)`) of `path`."""
    counts: dict[tuple[str, object], int] = {}
    for src in sorted(note_candidates(vault, path)):
        for link in vault.note(src).links:
            if link.subpath is None:
                continue
            res = vault.resolve(src, link)
            if res.path != path:
                continue
            if res.heading is not None:
                key = ("heading", res.heading.start)
            elif res.block is not None:
                key = ("block", res.block.key)
            else:
                continue
            counts[key] = counts.get(key, 0) + 1
    return counts


def _unique(refs: list[Reference]) -> list[Reference]:
    seen, out = set(), []
    for r in refs:
        if (r.path, r.start, r.end) not in seen:
            seen.add((r.path, r.start, r.end))
            out.append(r)
    return out
