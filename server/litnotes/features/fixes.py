"""Quick fixes for the engine's diagnostics (code actions of kind `quickfix`).

`quick_fixes(vault, path, text, start, end, text_of)` takes the diagnostics of `path` that touch
`[start, end]` and offers, by code:

- `block-id.glued`: add the missing space before `^id` (B-2);
- `link.bare-alias`: write `[[file|alias]]` (the diagnostic's `fix` payload, R-11/R-12);
- `table.unescaped-pipe`: escape the `|` as `\\|` (W-3);
- `heading.unresolved`: each near-miss heading of the target, in link form (H-4);
- `block-ref.unresolved`: each near-miss block id; an id glued to its text in the target note gets
  its space there instead;
- `block-id.duplicate`: a fresh random 6-hex id, unused in the note (L-7);
- `link.unresolved`: link the attachment it probably means (`Figure 1` → `Figure 1.png`), or create
  the note: `<link path>.md` from the vault root when the link has a folder part, else next to the
  linking note (Obsidian's "same folder as current file" location; relative `./`/`../` paths
  resolve from that folder);
- `cite-key.case`: the defined spelling of the key; `cite-key.malformed` (citations): braces.
"""

from __future__ import annotations

import difflib
import posixpath
import random
from typing import Callable
from urllib.parse import quote

from ..syntax import Link, NoteSyntax
from ..vault import Vault, basename, folder_of, name_key
from .at_cursor import link_parts, live_note
from .changes import ChangeBuilder, Texts
from .completion import heading_link_form
from .completion.newblock import fresh_id
from .diagnostics import diagnose_note
from .edits import CreateFile, Fix
from .types import Diagnostic

__all__ = ["quick_fixes", "new_note_path"]


def new_note_path(source: str, linkpath: str) -> str:
    """Where "create note" puts the note a broken link names (see the module docstring)."""
    linkpath = linkpath.strip()
    if linkpath.startswith("/"):
        rel = linkpath.lstrip("/")
    elif linkpath.startswith(("./", "../")):
        rel = posixpath.normpath(posixpath.join(folder_of(source), linkpath))
    elif "/" in linkpath:
        rel = linkpath
    else:
        rel = (f"{folder_of(source)}/" if folder_of(source) else "") + linkpath
    rel = rel.lstrip("/")
    return rel if rel.lower().endswith(".md") else rel + ".md"


class _Fixer:
    def __init__(self, vault: Vault, path: str, text: str, text_of, rng) -> None:
        self.vault, self.path, self.text, self.rng = vault, path, text, rng
        self.text_of = text_of
        self.note = live_note(vault, path, text)
        self.fixes: list[Fix] = []

    def builder(self) -> ChangeBuilder:
        return ChangeBuilder(Texts(self.vault, self.path, self.text, self.text_of))

    def add(self, d: Diagnostic, title: str, builder: ChangeBuilder, preferred: bool = False) -> None:
        self.fixes.append(Fix(title, d.code, d.start, d.end, builder.build(), preferred))

    def replace(self, d: Diagnostic, title: str, start: int, end: int, new: str, preferred: bool = False) -> None:
        b = self.builder()
        b.edit(self.path, start, end, new)
        self.add(d, title, b, preferred)

    def link_at(self, d: Diagnostic) -> Link | None:
        return next((link for link in self.note.links if link.start == d.start), None)


def quick_fixes(vault: Vault, path: str, text: str, start: int, end: int,
                text_of: Callable[[str], str | None] | None = None, rng: random.Random | None = None) -> list[Fix]:
    """Fixes for the diagnostics of `path` that touch `[start, end]`, in diagnostic order."""
    fixer = _Fixer(vault, path, text, text_of, rng)
    for d in diagnose_note(vault, path):
        if d.start <= end and start <= d.end:
            handler = _HANDLERS.get(d.code)
            if handler is not None:
                handler(fixer, d)
    return fixer.fixes


def _glued(f: _Fixer, d: Diagnostic) -> None:
    f.replace(d, "Add a space before the block id", d.start, d.start, " ", preferred=True)


def _payload(f: _Fixer, d: Diagnostic) -> None:
    new = dict(d.fix).get("replace")
    if new:
        f.replace(d, f"Write `{new}`", d.start, d.end, new, preferred=True)


def _pipe(f: _Fixer, d: Diagnostic) -> None:
    f.replace(d, "Escape the `|` as `\\|`", d.start, d.start, "\\", preferred=True)


def _target(f: _Fixer, link: Link) -> tuple[str | None, NoteSyntax | None]:
    res = f.vault.resolve(f.path, link)
    note = f.note if res.path == f.path else f.vault.note(res.path) if res.path else None
    return res.path, note


def _heading(f: _Fixer, d: Diagnostic) -> None:
    link = f.link_at(d)
    parts = link_parts(link, f.text) if link else None
    if parts is None or parts.sub_start < 0:
        return
    target, note = _target(f, link)
    if note is None:
        return
    wanted = (link.subpath or "").split("#")[-1]
    forms = {heading_link_form(h.text): h for h in note.headings}
    close = difflib.get_close_matches(wanted, list(forms), n=3, cutoff=0.6)
    for i, form in enumerate(close):
        new = form if link.kind != "markdown" else quote(form, safe="")
        f.replace(d, f"Link to heading `{forms[form].text}`", parts.sub_start, parts.sub_end, new, preferred=i == 0)


def _block_ref(f: _Fixer, d: Diagnostic) -> None:
    link = f.link_at(d)
    parts = link_parts(link, f.text) if link else None
    if parts is None or parts.sub_start < 0:
        return
    caret = f.text.find("^", parts.sub_start, parts.sub_end)
    target, note = _target(f, link)
    if note is None or caret < 0:
        return
    wanted = f.text[caret + 1:parts.sub_end].strip()
    for token, start, _end in note.glued_ids:
        if token.lower() == wanted.lower():
            b = f.builder()
            b.edit(target, start, start, " ")
            f.add(d, f"Add a space before `^{token}` in `{target}` so that it becomes a block id", b, preferred=True)
            return
    close = difflib.get_close_matches(wanted.lower(), list(note.block_map()), n=3, cutoff=0.7)
    for i, key in enumerate(close):
        block = note.block_map()[key]
        f.replace(d, f"Link to block `^{block.id}`", caret + 1, caret + 1 + len(f.text[caret + 1:parts.sub_end].rstrip()),
                  block.id, preferred=i == 0)


def _duplicate(f: _Fixer, d: Diagnostic) -> None:
    new = fresh_id({b.key for b in f.note.block_ids}, f.rng)
    f.replace(d, f"Give this block a new id `^{new}`", d.start + 1, d.end, new, preferred=True)


def _unresolved(f: _Fixer, d: Diagnostic) -> None:
    link = f.link_at(d)
    if link is None or not link.path.strip():
        return
    parts = link_parts(link, f.text)
    name = basename(link.path.strip())
    guesses = f.vault.attachment_names_by_stem().get(name_key(name), ()) if "." not in name else ()
    if guesses and parts is not None:
        written = link.path.strip()[: len(link.path.strip()) - len(name)] + guesses[0]
        f.replace(d, f"Link to `{guesses[0]}`", parts.path_start, parts.path_end,
                  written.replace(" ", "%20") if link.kind == "markdown" else written, preferred=True)
    if "." in name and not name.lower().endswith(".md"):
        return  # an attachment: nothing to create
    new_path = new_note_path(f.path, link.path)
    if new_path in f.vault.files:
        return
    b = f.builder()
    b.creates.append(CreateFile(new_path))
    f.add(d, f"Create note `{new_path}`", b, preferred=not guesses)


def _case(f: _Fixer, d: Diagnostic) -> None:
    new = dict(d.fix).get("replace")
    cite = next((c for c in f.note.citations if c.start == d.start), None)
    if new and cite is not None:
        f.replace(d, f"Cite `{new}`", cite.end - len(cite.key), cite.end, new.removeprefix("@"), preferred=True)


def _malformed(f: _Fixer, d: Diagnostic) -> None:
    cite = next((c for c in f.note.citations if c.start == d.start and c.intended), None)
    if cite is not None:
        at = f.text.index("@", cite.start)
        f.replace(d, f"Write `@{{{cite.intended}}}`", at, d.end, f"@{{{cite.intended}}}", preferred=True)


_HANDLERS: dict[str, Callable[[_Fixer, Diagnostic], None]] = {
    "block-id.glued": _glued,
    "link.bare-alias": _payload,
    "table.unescaped-pipe": _pipe,
    "heading.unresolved": _heading,
    "block-ref.unresolved": _block_ref,
    "block-id.duplicate": _duplicate,
    "link.unresolved": _unresolved,
    "cite-key.case": _case,
    "cite-key.malformed": _malformed,
}
