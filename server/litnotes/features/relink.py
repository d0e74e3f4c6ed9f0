"""Moving or renaming files: rewrite every link to them the way Obsidian does (R-12).

`relink(vault, moves, builder)` rewrites the path part of every link, embed and front-matter link
that resolves to a moved file, in the vault's New link format (`shortest`: the bare name when no
other file has it after the move; `relative`; `absolute`), keeping the `#subpath` and the display
text. Markdown links get a percent-encoded path with its `.md`. A moved note's own relative links
(`./x`, `../x`, or every link in a `relative` vault) are rewritten for its new folder.

`rename_files` answers `workspace/willRenameFiles` (files and whole folders); edits refer to the
files at their old paths, because the editor applies them before it moves the files.
"""

from __future__ import annotations

import posixpath
from typing import Callable
from urllib.parse import quote

from ..syntax import Link
from ..vault import Vault, basename, folder_of, name_key
from .at_cursor import link_parts
from .changes import ChangeBuilder, Texts
from .edits import SourceChange
from .references import note_candidates

__all__ = ["relink", "rename_files", "new_linkpath", "expand_moves"]


def _without_md(path: str) -> str:
    return path[:-3] if path.lower().endswith(".md") else path


def new_linkpath(vault: Vault, target: str, source: str, moves: dict[str, str]) -> str:
    """How Obsidian writes a link to `target` from `source` once `moves` (old -> new paths) are done."""
    fmt = vault.settings.link_format
    if fmt == "relative":
        return _without_md(posixpath.relpath(target, folder_of(source) or "."))
    if fmt == "absolute":
        return _without_md(target)
    name = basename(target)
    found = vault.resolve_path(name, source)
    same = set(found.candidates) or ({found.path} if found.path else set())
    same = {p for p in same if p not in moves} | {new for new in moves.values() if name_key(basename(new)) == name_key(name)}
    return _without_md(name) if same <= {target} else _without_md(target)


def _write_path(link: Link, linkpath: str, target: str) -> str:
    if link.kind != "markdown":
        return linkpath
    if target.lower().endswith(".md") and not linkpath.lower().endswith(".md"):
        linkpath += ".md"
    return quote(linkpath, safe="/#^")


def _rewrite(builder: ChangeBuilder, src: str, link: Link, linkpath: str, target: str) -> None:
    text = builder.texts.get(src)
    parts = link_parts(link, text) if text is not None else None
    if parts is None:
        builder.warn(f"`{src}` changed since it was indexed (or cannot be read): its links were not updated")
        return
    new = _write_path(link, linkpath, target)
    if text[parts.path_start:parts.path_end] != new:
        builder.edit(src, parts.path_start, parts.path_end, new)


def relink(vault: Vault, moves: dict[str, str], builder: ChangeBuilder) -> None:
    """Edits for every link to a moved file, and for the moved notes' own relative links."""
    texts: Texts = builder.texts
    for old, new in sorted(moves.items()):
        for src in sorted(note_candidates(vault, old)):
            note = texts.note(src)
            for link in note.links if note is not None else ():
                if not link.path.strip() or vault.resolve(src, link).path != old:
                    continue
                _rewrite(builder, src, link, new_linkpath(vault, new, moves.get(src, src), moves), new)
    for old, new in sorted(moves.items()):
        note = texts.note(old)
        if note is None or folder_of(old) == folder_of(new):
            continue
        for link in note.links:
            path = link.path.strip()
            if not path or not (vault.settings.link_format == "relative" or path.startswith(("./", "../"))):
                continue
            target = vault.resolve(old, link).path
            if target is None or target in moves:
                continue  # broken links stay as written; links to moved files were handled above
            _rewrite(builder, old, link, new_linkpath(vault, target, new, moves), target)


def expand_moves(vault: Vault, pairs: list[tuple[str, str]]) -> dict[str, str]:
    """File moves from (old, new) pairs, where a pair may name a folder (every file below it moves)."""
    moves: dict[str, str] = {}
    for old, new in pairs:
        old, new = old.strip("/"), new.strip("/")
        if old in vault.files:
            moves[old] = new
            continue
        prefix = old + "/"
        for path in vault.files:
            if path.startswith(prefix):
                moves[path] = new + "/" + path[len(prefix):]
    return moves


def rename_files(vault: Vault, pairs: list[tuple[str, str]], text_of: Callable[[str], str | None],
                 path: str = "", text: str = "") -> SourceChange:
    """Link updates for files the editor is about to move or rename (`workspace/willRenameFiles`)."""
    moves = expand_moves(vault, pairs)
    texts = Texts(vault, path, text, text_of) if path else Texts(vault, "", "", text_of)
    builder = ChangeBuilder(texts)
    relink(vault, moves, builder)
    return builder.build()
