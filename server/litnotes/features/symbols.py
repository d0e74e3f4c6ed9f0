"""Document and workspace symbols: a note's outline, and a vault-wide search for names.

- `document_symbols(note, text)`: headings as a tree (a heading contains the deeper headings of its
  section, H-3), callouts and Zotero highlights inside the section (or callout) that holds them.
  A highlight is named by its colour label, page and first words (`Note · p. 1: mechanistic
  interpretability …`), a callout by its type and title.
- `code_lenses(vault, path, text)`: how many links point at each heading and highlight (opt-in in
  the editor).
- `workspace_symbols(vault, query)`: notes, aliases, headings, block ids and highlights whose name
  contains `query` (case-insensitive; names starting with it first), at most `limit`. Each note's
  names are kept as one string (reused while the note is unchanged) and searched with `str.find`;
  rows are made only for the notes a query hits, so a query over 10k notes stays in milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter

from ..syntax import HighlightDigest, NoteSyntax
from ..vault import Vault, stem
from .at_cursor import live_note
from .edits import Lens, Symbol
from .hover import highlight_detail, highlight_title
from .references import reference_counts

__all__ = ["document_symbols", "workspace_symbols", "flatten", "code_lenses"]

_START = attrgetter("start")
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
# A row: (lower-cased name, kind, name, path, start, end, detail). Rows are made only for the notes
# a query hits; what is searched is each note's name and its `search_names()` (lower-cased UTF-8
# lines in row order, kept in the note's index form: computed where the note was parsed, in a
# worker, and saved with the persistent index), scanned with `bytes.find`.


def _note_rows(path: str, note: NoteSyntax, wanted: set[int]) -> dict[int, tuple]:
    """The rows numbered in `wanted`, numbered as the note's name and then its `search_names()`
    lines: the note, its aliases, headings, blocks, then highlights.

    A literature note has a row per block and per highlight: making all of them for each of the
    200 notes a common query hits took ~0.5 ms a note (~100 ms a query at 10k notes). The blocks
    are sorted, and the highlights' digests unpacked, only when a row among them is wanted."""
    name = stem(path)
    aliases = note.frontmatter.aliases if note.frontmatter else ()
    headings = note.headings
    block_map = note.block_map()
    first_block = 1 + len(aliases) + len(headings)
    first_highlight = first_block + len(block_map)
    blocks = named = None
    rows: dict[int, tuple] = {}
    for i in sorted(wanted):
        if i == 0:
            rows[i] = (name.lower(), "note", name, path, 0, 0, path)
        elif i < 1 + len(aliases):
            alias, start, end = aliases[i - 1]
            rows[i] = (alias.lower(), "alias", alias, path, start, end, f"alias of {path}")
        elif i < first_block:
            h = headings[i - 1 - len(aliases)]
            rows[i] = (h.text.lower(), "heading", h.text, path, h.start, h.end, f"{name} {'#' * h.level}")
        elif i < first_highlight:
            if blocks is None:
                blocks = sorted(block_map.values(), key=_START)
            b = blocks[i - first_block]
            rows[i] = (f"^{b.key}", "block", f"^{b.id}", path, b.start, b.end, f"{name} · {b.block_kind}")
        else:
            if named is None:
                named = note.named_highlights(None, block_map)
            fields = named[i - first_highlight]
            hl, b = HighlightDigest(*fields), block_map[fields[0].lower()]
            label, title = highlight_detail(hl), highlight_title(hl)
            text = f"{label}: {title}" if label else title
            rows[i] = (text.lower(), "highlight", text, path, b.block_start, b.block_end, f"{name} ^{b.id}")
    return rows


def _table(vault: Vault) -> list[tuple[str, bytes, bytes]]:
    """(path, its name, its other names) for every note, by path, in lower-case UTF-8; once per
    snapshot, from what each note's record already holds (`NoteSyntax.search_names`)."""
    table = vault._cache.get("nav.symbols")
    if table is None:
        notes = vault.notes
        table = vault._cache["nav.symbols"] = [
            (path, stem(path).lower().replace("\n", " ").encode("utf-8", "surrogatepass"), notes[path].search_names())
            for path in sorted(notes)]
    return table


def _find(keys: bytes, wanted: bytes, first_row: int, hits: list) -> None:
    """Append (not a prefix, name length, row) for every line of `keys` containing `wanted`."""
    pos = keys.find(wanted)
    row, counted = first_row, 0  # the row of the line starting at `counted` (lines are counted once, not per hit)
    while pos >= 0 and len(hits) < _MAX_SCANNED:
        line_start = keys.rfind(b"\n", 0, pos) + 1
        line_end = keys.find(b"\n", pos)
        line_end = len(keys) if line_end < 0 else line_end
        if pos + len(wanted) <= line_end:
            length = len(keys[line_start:line_end].decode("utf-8", "surrogatepass"))
            row += keys.count(b"\n", counted, line_start)
            counted = line_start
            hits.append((pos != line_start, length, row))
        pos = keys.find(wanted, line_end + 1) if line_end < len(keys) else -1


def workspace_symbols(vault: Vault, query: str, limit: int = 200) -> list[Symbol]:
    """Symbols whose name contains `query`, best first (prefix, then shorter names), at most `limit`."""
    table = _table(vault)
    q = query.strip().lower()
    if q:  # the names are UTF-8: a byte match is a character match
        hits = sorted(_hits(vault, table, q.encode("utf-8", "surrogatepass")))
    else:
        hits = [(False, 0, n, 0) for n in range(min(limit, len(table)))]  # the notes themselves
    best = hits[:limit]
    rows_wanted: dict[int, set[int]] = {}  # note -> its rows among the best hits
    for _not_prefix, _length, n, i in best:
        rows_wanted.setdefault(n, set()).add(i)
    rows_of = {n: _note_rows(table[n][0], vault.notes[table[n][0]], rows) for n, rows in rows_wanted.items()}
    out = []
    for _not_prefix, _length, n, i in best:
        _key, kind, name, path, start, end, detail = rows_of[n][i]
        out.append(Symbol(name, kind, start, end, start, end, detail, path, stem(path)))
    return out


def _hits(vault: Vault, table: list[tuple[str, bytes, bytes]], wanted: bytes) -> list[tuple[bool, int, int, int]]:
    """(not a prefix, name length, note, row) for the lines holding `wanted`, until _MAX_SCANNED.

    Typing narrows a query: a note that holds the new one held the last one, so when the last
    query of this snapshot was scanned to the end (not cut at _MAX_SCANNED) and is part of the new
    one, only the notes it matched are scanned. A query with few hits costs a full scan once, not
    per keystroke (the names are 18 MB at 10k notes)."""
    last = vault._cache.get("nav.symbols.last")  # (query, the notes that held it)
    candidates = last[1] if last is not None and last[0] in wanted else range(len(table))
    hits: list[tuple[bool, int, int, int]] = []
    matched: list[int] = []
    for n in candidates:
        _path, name, names = table[n]
        found: list[tuple[bool, int, int]] = []
        if wanted in name:
            _find(name, wanted, 0, found)
        if wanted in names:
            _find(names, wanted, 1, found)
        if found:
            matched.append(n)
            hits += [(not_prefix, length, n, row) for not_prefix, length, row in found]
            if len(hits) >= _MAX_SCANNED:
                return hits  # cut short: not a complete list to narrow from
    vault._cache["nav.symbols.last"] = (wanted, matched)
    return hits


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
