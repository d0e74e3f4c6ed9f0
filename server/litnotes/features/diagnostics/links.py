"""Diagnostics of links: `link.unresolved`, `link.ambiguous`, `link.bare-alias`,
`heading.unresolved`, `block-ref.unresolved`, and `cite-key.unknown` for `[[@key]]`.

Resolution is Obsidian's (vault.resolve); these rules only explain its outcome. Broken links
inside `%% … %%` comments are reported as hints (W-10), and a link broken by an unescaped pipe
in a table is reported once, by `table.unescaped-pipe`.
"""

from __future__ import annotations

from ...syntax import Link, NoteSyntax
from ...vault import Vault, basename, name_key
from ..linktext import markdown_link_to, wikilink_to
from ..types import Related
from .emit import Emitter
from .similar import close_matches

__all__ = ["check_links"]


def _show(link: Link) -> str:
    return f"[[{link.target}]]" if link.kind != "markdown" else f"({link.target})"


def check_links(vault: Vault, path: str, note: NoteSyntax, out: Emitter) -> None:
    for link in note.links:
        if link.table_pipe:
            continue
        hint = link.in_comment
        res = vault.resolve(path, link)
        if res.path is None:
            _unresolved(vault, path, link, out, hint)
            continue
        if res.candidates:
            others = tuple(Related(c, 0, 0, "also matches") for c in res.candidates if c != res.path)
            out.add(link.start, link.end, "link.ambiguous",
                    f"`{link.path}` matches {len(res.candidates)} files; Obsidian opens `{res.path}`",
                    related=(Related(res.path, 0, 0, "the file Obsidian opens"),) + others)
        if res.subpath_found:
            continue
        target = vault.note(res.path)
        if res.subpath_kind == "block":
            wanted = (link.subpath or "").strip()[1:]
            out.add(link.start, link.end, "block-ref.unresolved",
                    f"no block `^{wanted}` in `{res.path}`" + _block_hint(target, wanted), hint=hint)
        elif res.subpath_kind == "heading":
            out.add(link.start, link.end, "heading.unresolved",
                    f"no heading `{link.subpath}` in `{res.path}`" + _heading_hint(target, link.subpath or ""), hint=hint)


def _unresolved(vault: Vault, path: str, link: Link, out: Emitter, hint: bool) -> None:
    owners = vault.notes_with_alias(link.path)
    if owners:
        owner = owners[0]
        display = link.display or link.path
        fixed = markdown_link_to(vault, owner, path, display) if link.kind == "markdown" else \
            wikilink_to(vault, owner, path, display, link.subpath or "")
        out.add(link.start, link.end, "link.bare-alias",
                f"`{link.path}` is an alias of `{owner}`, but Obsidian resolves only file names: "
                f"clicking creates an empty note; write `{fixed}`",
                related=(Related(owner, 0, 0, "the note with this alias"),), fix=(("replace", fixed),), hint=hint)
        return
    if link.path.startswith("@") and len(link.path) > 1:
        key = link.path[1:]
        if not vault.cite_sources(key):
            out.add(link.start, link.end, "cite-key.unknown",
                    f"`{link.path}`: cite key `{key}` is defined by no literature note or bibliography", hint=hint)
            return
    name = basename(link.path) or link.path
    message = f"no note or file `{name if '.' in name else name + '.md'}` in the vault"
    guess = _with_extension(vault, link.path) if "." not in name else None
    if guess:
        message += f"; files other than notes need their extension: `{guess}`?"
    elif not link.embed:
        message += " (Obsidian creates it when the link is clicked)"
    out.add(link.start, link.end, "link.unresolved", message, hint=hint, fix=(("create", link.path),))


def _with_extension(vault: Vault, linkpath: str) -> str | None:
    names = vault.attachment_names_by_stem().get(name_key(basename(linkpath)))
    return names[0] if names else None


def _heading_hint(target: NoteSyntax | None, wanted: str) -> str:
    if target is None or not target.headings:
        return ""
    last = wanted.split("#")[-1]
    names = [text for _level, text in target.outline()]
    close = close_matches(last, names, n=1, cutoff=0.6)
    return f"; did you mean `{close[0]}`?" if close else ""


def _block_hint(target: NoteSyntax | None, wanted: str) -> str:
    if target is None:
        return ""
    for token, _start, _end in target.glued_ids:
        if token.lower() == wanted.lower():
            return f"; `^{token}` there is glued to the text before it, so it is not an id (add a space before `^`)"
    close = close_matches(wanted.lower(), list(target.block_map()), n=1, cutoff=0.7)
    return f"; did you mean `^{close[0]}`?" if close else ""
