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

from ..syntax import HighlightDigest, NoteSyntax
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
# A row: (lower-cased name, kind, name, path, start, end, detail). What is kept between queries is,
# per note, only one string of its rows' lower-cased search keys joined by "\n" (reused while the
# note's record is the same object: snapshots share unchanged notes, so after an edit only that note
# is redone); a query scans those strings with `str.find` and makes rows only for the notes it hits.
# At 10k literature notes that is ~60 MB and 0.4 s to build instead of ~250 MB and 1.1 s of rows.
_KEYS: dict[str, tuple[NoteSyntax, bytes]] = {}


def _highlight_fields(note: NoteSyntax, block_map: dict) -> list[list[str]]:
    """The fields (`HighlightDigest.fields()`) of the highlights that name a block of the note, in
    document order, one per block. Read from the packed digests without making objects."""
    named, seen = [], set()
    for fields in note.digest_records():
        key = fields[0].lower()
        if key and key in block_map and key not in seen:
            seen.add(key)
            named.append(fields)
    return named


def _note_rows(path: str, note: NoteSyntax) -> list[tuple]:
    """Rows in a fixed order: the note, its aliases, headings, blocks, then highlights (as `_note_keys`)."""
    name = stem(path)
    rows: list[tuple] = [(name.lower(), "note", name, path, 0, 0, path)]
    for alias, start, end in note.frontmatter.aliases if note.frontmatter else ():
        rows.append((alias.lower(), "alias", alias, path, start, end, f"alias of {path}"))
    for h in note.headings:
        rows.append((h.text.lower(), "heading", h.text, path, h.start, h.end, f"{name} {'#' * h.level}"))
    block_map = note.block_map()
    for b in sorted(block_map.values(), key=lambda b: b.start):
        rows.append((f"^{b.key}", "block", f"^{b.id}", path, b.start, b.end, f"{name} · {b.block_kind}"))
    for fields in _highlight_fields(note, block_map):
        hl, b = HighlightDigest(*fields), block_map[fields[0].lower()]
        label, title = highlight_detail(hl), highlight_title(hl)
        text = f"{label}: {title}" if label else title
        rows.append((text.lower(), "highlight", text, path, b.block_start, b.block_end, f"{name} ^{b.id}"))
    return rows


def _note_keys(path: str, note: NoteSyntax) -> bytes:
    """The note's symbols' lower-cased search keys, one per row of `_note_rows`, joined by "\\n", in UTF-8.

    Built without making rows: a highlight is found by its label, colour, page, first words and
    image (`Note #fff3a3a6 · p. 4: hypothesis: superposition …`), not only by its row's name."""
    cached = _KEYS.get(path)
    if cached is not None and cached[0] is note:
        return cached[1]
    keys = [stem(path)]
    keys += [alias for alias, _, _ in note.frontmatter.aliases] if note.frontmatter else []
    keys += [h.text for h in note.headings]
    if note.block_ids:
        block_map = note.block_map()
        keys += ["^" + key for key, _ in sorted(block_map.items(), key=lambda item: item[1].start)]
        keys += [f"{f[2]} {f[1]} · p. {f[3]}: {f[5]} {f[4]}" for f in _highlight_fields(note, block_map)]
    keys_text = "\n".join(k.replace("\n", " ") if "\n" in k else k for k in keys).lower()
    packed = keys_text.encode("utf-8", "surrogatepass")  # UTF-8: an emoji in a quote would make a str 4x larger
    _KEYS[path] = (note, packed)
    return packed


def _table(vault: Vault) -> list[tuple[str, bytes]]:
    """(path, its symbols' names) for every note, by path; once per snapshot."""
    table = vault._cache.get("nav.symbols")
    if table is None:
        notes = vault.notes
        table = vault._cache["nav.symbols"] = [(path, _note_keys(path, notes[path])) for path in sorted(notes)]
        for gone in [p for p in _KEYS if p not in notes]:
            del _KEYS[gone]
    return table


def workspace_symbols(vault: Vault, query: str, limit: int = 200) -> list[Symbol]:
    """Symbols whose name contains `query`, best first (prefix, then shorter names), at most `limit`."""
    table = _table(vault)
    q = query.strip().lower()
    hits: list[tuple[bool, int, int, int, int]] = []  # (not a prefix, name length, note, row, 0)
    if not q:
        hits = [(False, 0, n, 0, 0) for n in range(min(limit, len(table)))]  # the notes themselves
    wanted = q.encode("utf-8", "surrogatepass")  # the keys are UTF-8: a byte match is a character match
    for n, (path, keys) in enumerate(table if q else ()):
        pos = keys.find(wanted)
        while pos >= 0 and len(hits) < _MAX_SCANNED:
            line_start = keys.rfind(b"\n", 0, pos) + 1
            line_end = keys.find(b"\n", pos)
            line_end = len(keys) if line_end < 0 else line_end
            if pos + len(wanted) <= line_end:
                length = len(keys[line_start:line_end].decode("utf-8", "surrogatepass"))
                hits.append((pos != line_start, length, n, keys.count(b"\n", 0, line_start), 0))
            pos = keys.find(wanted, line_end + 1) if line_end < len(keys) else -1
        if len(hits) >= _MAX_SCANNED:
            break
    hits.sort()
    out = []
    rows_of: dict[int, list[tuple]] = {}
    for _not_prefix, _length, n, i, _ in hits[:limit]:
        if n not in rows_of:
            path = table[n][0]
            rows_of[n] = _note_rows(path, vault.notes[path])
        _key, kind, name, path, start, end, detail = rows_of[n][i]
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
