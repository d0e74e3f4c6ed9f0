"""Document and workspace symbols: a note's outline, and a vault-wide search for names.

- `document_symbols(note, text)`: headings as a tree (a heading contains the deeper headings of its
  section, H-3), callouts and Zotero highlights inside the section (or callout) that holds them.
  A highlight is named by its colour label, page and first words (`Note · p. 1: mechanistic
  interpretability …`), a callout by its type and title.
- `code_lenses(vault, path, text)`: how many links point at each heading and highlight (opt-in in
  the editor).
- `workspace_symbols(vault, query)`: notes, aliases, headings, block ids and highlights whose name
  contains `query` (case-insensitive; names starting with it first), at most `limit`. The table is
  built once per snapshot from per-note rows that are reused while a note is unchanged, and searched
  as one string with `str.find`, so a query over 10k notes stays in milliseconds.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from ..syntax import NoteSyntax
from ..vault import Vault, stem
from .at_cursor import live_note
from .edits import Lens, Symbol
from .hover import highlight_detail, highlight_title
from .references import reference_counts

__all__ = ["document_symbols", "workspace_symbols", "flatten", "code_lenses"]

_MAX_SCANNED = 5000  # matches collected before ranking; enough to find the best `limit`


@dataclass
class _Node:
    name: str
    kind: str
    start: int
    end: int
    sel_start: int
    sel_end: int
    detail: str = ""
    children: list = field(default_factory=list)

    def freeze(self) -> Symbol:
        return Symbol(self.name or "(untitled)", self.kind, self.start, self.end, self.sel_start, self.sel_end,
                      self.detail, children=tuple(c.freeze() for c in self.children))


def _line_end(text: str, start: int, limit: int) -> int:
    ends = [i for i in (text.find("\n", start, limit), text.find("\r", start, limit)) if i >= 0]
    return min(ends) if ends else limit


def document_symbols(note: NoteSyntax, text: str) -> list[Symbol]:
    """The outline of one note (parsed from `text`)."""
    nodes: list[_Node] = []
    for h in note.headings:
        nodes.append(_Node(h.text, "heading", h.start, max(h.section_end, h.end), h.start, h.end, "#" * h.level))
    highlights = {h.start: h for h in note.highlights}
    for c in note.callouts:
        hl = highlights.pop(c.start, None)
        first = _line_end(text, c.start, c.end)
        if hl is not None:
            nodes.append(_highlight_node(hl, first))
        else:
            title = c.title.strip() or c.type.replace("-", " ").capitalize()
            sel = (c.title_start, c.title_end) if c.title_end > c.title_start else (c.start, first)
            nodes.append(_Node(title, "callout", c.start, c.end, *sel, f"[!{c.type}]"))
    for hl in highlights.values():  # list-item highlights (not callouts)
        nodes.append(_highlight_node(hl, _line_end(text, hl.start, hl.end)))
    nodes.sort(key=lambda n: (n.start, -n.end))
    roots: list[_Node] = []
    stack: list[_Node] = []
    for node in nodes:
        while stack and not (stack[-1].start <= node.start and node.end <= stack[-1].end):
            stack.pop()
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    return [n.freeze() for n in roots]


def _highlight_node(hl, first_line_end: int) -> _Node:
    label = highlight_detail(hl)
    name = f"{label}: {highlight_title(hl)}" if label else highlight_title(hl)
    return _Node(name, "highlight", hl.start, hl.end, hl.start, max(first_line_end, hl.start),
                 f"^{hl.block_id}" if hl.block_id else "")


def flatten(symbols: list[Symbol], container: str = "") -> list[Symbol]:
    """The tree as a flat list in document order, each symbol naming its parent (`SymbolInformation`)."""
    out: list[Symbol] = []
    for s in symbols:
        out.append(Symbol(s.name, s.kind, s.start, s.end, s.selection_start, s.selection_end, s.detail,
                          s.path, container))
        out += flatten(list(s.children), s.name)
    return out


# --- workspace symbols ---------------------------------------------------------------------------
# A row: (lower-cased name, kind, name, path, start, end, detail). Rows are made per note and kept
# while the note's record is the same object (snapshots share unchanged notes), so a new snapshot
# after an edit re-reads only the edited note; the table itself is one string for `str.find`.
_PER_NOTE: dict[str, tuple[NoteSyntax, list[tuple]]] = {}


def _note_rows(path: str, note: NoteSyntax) -> list[tuple]:
    cached = _PER_NOTE.get(path)
    if cached is not None and cached[0] is note:
        return cached[1]
    name = stem(path)
    rows: list[tuple] = [(name.lower(), "note", name, path, 0, 0, path)]
    for alias, start, end in note.frontmatter.aliases if note.frontmatter else ():
        rows.append((alias.lower(), "alias", alias, path, start, end, f"alias of {path}"))
    for h in note.headings:
        rows.append((h.text.lower(), "heading", h.text, path, h.start, h.end, f"{name} {'#' * h.level}"))
    highlights = {h.block_id.lower(): h for h in note.digests() if h.block_id}
    for b in sorted(note.block_map().values(), key=lambda b: b.start):
        hl = highlights.get(b.key)
        if hl is not None:
            label, title = highlight_detail(hl), highlight_title(hl)
            text = f"{label}: {title}" if label else title
            rows.append((text.lower(), "highlight", text, path, b.block_start, b.block_end, f"{name} ^{b.id}"))
        rows.append((f"^{b.key}", "block", f"^{b.id}", path, b.start, b.end, f"{name} · {b.block_kind}"))
    rows = [(r[0].replace("\n", " "),) + r[1:] if "\n" in r[0] else r for r in rows]  # keys stay one line
    _PER_NOTE[path] = (note, rows)
    return rows


class _Table:
    """Every symbol's lower-cased name in one string (`\\n`-separated) for `str.find` scans."""

    def __init__(self, rows: list[tuple]) -> None:
        self.rows = rows
        self.starts = []
        pos = 0
        for row in rows:
            self.starts.append(pos)
            pos += len(row[0]) + 1
        self.blob = "\n".join(row[0] for row in rows)


def _table(vault: Vault) -> _Table:
    table = vault._cache.get("nav.symbols")
    if table is None:
        rows: list[tuple] = []
        for path in sorted(vault.notes):
            rows += _note_rows(path, vault.notes[path])
        for gone in [p for p in _PER_NOTE if p not in vault.notes]:
            del _PER_NOTE[gone]
        table = vault._cache["nav.symbols"] = _Table(rows)
    return table


def workspace_symbols(vault: Vault, query: str, limit: int = 200) -> list[Symbol]:
    """Symbols whose name contains `query`, best first (prefix, then shorter names), at most `limit`."""
    table = _table(vault)
    q = query.strip().lower()
    if not q:
        hits = [i for i, row in enumerate(table.rows) if row[1] == "note"][:limit]
    else:
        hits = []
        blob, starts, rows = table.blob, table.starts, table.rows
        pos = blob.find(q)
        while pos >= 0 and len(hits) < _MAX_SCANNED:
            i = bisect_right(starts, pos) - 1
            if pos + len(q) <= starts[i] + len(rows[i][0]):
                hits.append(i)
            pos = blob.find(q, starts[i + 1] if i + 1 < len(starts) else len(blob))
        hits.sort(key=lambda i: (not rows[i][0].startswith(q), len(rows[i][0]), i))
    out = []
    for i in hits[:limit]:
        _key, kind, name, path, start, end, detail = table.rows[i]
        out.append(Symbol(name, kind, start, end, start, end, detail, path, stem(path)))
    return out


def code_lenses(vault: Vault, path: str, text: str) -> list[Lens]:
    """A reference count on every heading line and every highlight's title line, in document order."""
    note = live_note(vault, path, text)
    counts = reference_counts(vault, path)
    lenses = [Lens(h.start, h.end, counts.get(("heading", h.start), 0), "") for h in note.headings]
    for hl in note.highlights:
        if hl.block_id:
            lenses.append(Lens(hl.start, _line_end(text, hl.start, hl.end), counts.get(("block", hl.block_id.lower()), 0), ""))
    lenses.sort(key=lambda lens: lens.start)
    return [Lens(x.start, x.end, x.count, f"{x.count} reference{'' if x.count == 1 else 's'}") for x in lenses]
