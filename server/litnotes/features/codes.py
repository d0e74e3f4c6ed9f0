"""The diagnostic codes: a public contract. Each has a default severity, a summary and an example.

Codes never change meaning once released; the README documents each one (a test keeps the two
in step), and users override severities per code in `.litnotes.toml` or editor settings.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CodeInfo", "CODES", "default_severity"]


@dataclass(frozen=True, slots=True)
class CodeInfo:
    severity: str
    summary: str
    example: str


CODES: dict[str, CodeInfo] = {
    "link.unresolved": CodeInfo("information", "A link names a note or file that does not exist (Obsidian would create it).", "[[Example]]"),
    "link.ambiguous": CodeInfo("information", "Several files match the link; names the one Obsidian opens.", "[[Note]] with a/Note.md and b/Note.md"),
    "link.bare-alias": CodeInfo("warning", "The link text is only an alias; Obsidian does not resolve aliases and creates an empty note.", "[[@bereska2024]]"),
    "heading.unresolved": CodeInfo("warning", "The note exists but has no such heading (matched as Obsidian does).", "[[Note#Missing heading]]"),
    "block-ref.unresolved": CodeInfo("warning", "The note exists but has no block with that id.", "[[paper#^29lz2rml]]"),
    "block-id.duplicate": CodeInfo("warning", "The same block id twice in one note; Obsidian silently uses one.", "two paragraphs ending ^dup"),
    "block-id.glued": CodeInfo("warning", "`text^id` glued to plain text is not a block id.", "Imported^e0c377"),
    "block-id.invalid": CodeInfo("warning", "A block id with characters Obsidian does not allow.", "text ^my_id"),
    "block-id.misplaced": CodeInfo("warning", "A block id that is not at the end of its paragraph, or with no block before it.", "line one ^a1 / line two"),
    "block-id.shadowed": CodeInfo("warning", "A block with two ids: only the last is addressable.", "a highlight callout whose quote also ends ^mine"),
    "cite-key.unknown": CodeInfo("warning", "A citation of a key no literature note or bibliography defines (in-text @word: hint).", "[@nobody2020]"),
    "cite-key.case": CodeInfo("warning", "A citation that matches a defined key only when case is ignored (Pandoc is case-sensitive).", "[@smith2020] with Smith2020"),
    "cite-key.malformed": CodeInfo("warning", "A key Pandoc would cut short, or a defined key with characters BibTeX cannot take.", "@Foo_bar--baz"),
    "cite-key.duplicate": CodeInfo("warning", "Two literature notes or two libraries claim one key (error: twice in one library; also keys differing only in case).", "two notes with alias @smith2020"),
    "cite-key.mismatch": CodeInfo("warning", "A literature note's alias, property, metadata line or file name disagree, or its key is missing from the library (stale export); title/year differing from the library entry is information.", "alias @bereska2024, **Cite key**: bereska2024a"),
    "cite-key.no-note": CodeInfo("off", "A library entry that no literature note covers (opt-in).", "@article{lee2023, … in My Library.bib"),
    "bibliography.parse-error": CodeInfo("error", "Part of a bibliography file cannot be read; the rest still loads.", "@article{x, title = {unbalanced"),
    "bibliography.no-key": CodeInfo("warning", "A bibliography entry or item without a citation key.", "@article{, title = {x}}"),
    "frontmatter.invalid-yaml": CodeInfo("error", "The front matter is not valid YAML; Obsidian reads no properties.", "aliases: [x"),
    "frontmatter.invalid-value": CodeInfo("warning", "A property Obsidian silently ignores (tags as a YAML comment, non-string alias).", "tags: #zotero #paper"),
    "frontmatter.deprecated": CodeInfo("information", "A property form Obsidian deprecated (alias:, tag:, comma-separated strings).", "alias: Doggo"),
    "table.unescaped-pipe": CodeInfo("warning", "A `|` inside a link in a table splits the cell; write `\\|`.", "| [[Note|A]] | b |"),
    "highlight.annotation-mismatch": CodeInfo("warning", "A highlight's ^id differs from the annotation key in its own Zotero link.", "annotation=29LZ2RML ... ^usmx6iz5"),
    "note.unreadable": CodeInfo("warning", "A file that could not be read as a note (encoding, size, permissions); skipped.", "a note with invalid UTF-8"),
    "note.internal-error": CodeInfo("error", "litnotes failed on this note; please report it.", "(a bug)"),
    "config.invalid": CodeInfo("warning", "An unknown key or invalid value in .litnotes.toml or the editor settings.", "severity = 3"),
}


def default_severity(code: str) -> str:
    info = CODES.get(code)
    return info.severity if info else "warning"
