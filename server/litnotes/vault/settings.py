"""Per-vault settings that change how notes are read, checked and written (pure data).

They come from `.obsidian/app.json` (link format, excluded files), `.litnotes.toml` and, in the
editor, from the client's configuration; `disk` and `lsp` fill them in, nothing here reads files.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from dataclasses import dataclass, field

from ..syntax import DEFAULT_CITEKEY_PROPERTIES, ParseOptions

__all__ = ["VaultSettings", "SEVERITIES", "glob_to_regex"]

SEVERITIES = ("error", "warning", "information", "hint", "off")


@functools.lru_cache(maxsize=256)
def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """A vault-relative glob (`templates/**`, `*.excalidraw.md`, `Archive/`) as a regex on POSIX paths."""
    pattern = pattern.strip().lstrip("/")
    if pattern.endswith("/"):
        pattern += "**"
    parts = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            parts.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            parts.append(".*")
            i += 2
        elif pattern[i] == "*":
            parts.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            parts.append("[^/]")
            i += 1
        else:
            parts.append(re.escape(pattern[i]))
            i += 1
    body = "".join(parts)
    # A pattern without a slash matches a name at any depth, like .gitignore; a folder pattern covers its contents.
    prefix = "" if "/" in pattern.rstrip("/") else "(?:.*/)?"
    return re.compile(f"^{prefix}{body}(?:/.*)?$")


@dataclass(frozen=True)
class VaultSettings:
    link_format: str = "shortest"  # Obsidian's "New link format": shortest | relative | absolute
    use_markdown_links: bool = False
    exclude: tuple[str, ...] = ()  # globs: notes indexed for resolution but never checked
    obsidian_ignore: tuple[str, ...] = ()  # app.json userIgnoreFilters (plain prefixes or /regex/)
    severity: tuple[tuple[str, str], ...] = ()  # code or "prefix.*" -> severity name
    citekey_properties: frozenset[str] = DEFAULT_CITEKEY_PROPERTIES
    bibliography: tuple[str, ...] = ()
    max_note_bytes: int = 5_000_000
    _compiled: tuple = field(default=(), compare=False, repr=False)

    @property
    def parse_options(self) -> ParseOptions:
        return ParseOptions(self.citekey_properties)

    def is_excluded(self, path: str) -> bool:
        """True for notes that are link targets but whose own problems are not reported."""
        for pattern in self.exclude:
            if glob_to_regex(pattern).match(path):
                return True
        for entry in self.obsidian_ignore:
            if entry.startswith("/") and entry.endswith("/") and len(entry) > 2:
                try:
                    if re.search(entry[1:-1], path):
                        return True
                except re.error:
                    continue
            elif path.startswith(entry) or fnmatch.fnmatch(path, entry):
                return True
        return False

    def severity_of(self, code: str, default: str) -> str:
        """Configured severity for a diagnostic code: exact code first, then the longest `prefix.*`."""
        table = dict(self.severity)
        if code in table:
            return table[code]
        best = None
        for key, value in table.items():
            if key.endswith("*") and code.startswith(key[:-1]) and (best is None or len(key) > len(best[0])):
                best = (key, value)
        return best[1] if best else default
