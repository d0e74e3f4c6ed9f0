"""The single home of Obsidian's link resolution (spec §3 R-1 … R-9, §4 H-2/H-3, §5 B-8).

`resolve_linkpath` is `getFirstLinkpathDest`: only file names are consulted, never aliases
(R-11). `find_heading` and `find_block` resolve a subpath inside the chosen Markdown note.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from ..syntax import BlockId, Heading, NoteSyntax
from .names import folder_of, heading_key, heading_keys, name_key

__all__ = ["PathResolution", "resolve_linkpath", "find_heading", "find_block", "lookup_keys"]


@dataclass(frozen=True, slots=True)
class PathResolution:
    path: str | None  # the file Obsidian opens, None when unresolved
    candidates: tuple[str, ...] = ()  # all suffix matches when more than one qualified

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


def lookup_keys(linkpath: str) -> tuple[str, ...]:
    """The file-name keys a link path may look up (R-2); used to know which names a link depends on."""
    lp = name_key(linkpath.strip())
    seg = lp.rsplit("/", 1)[-1]
    return (seg, seg + ".md") if "." in seg else (seg + ".md",)


def resolve_linkpath(linkpath: str, source: str, by_name: dict[str, tuple[str, ...]],
                     lower_paths: dict[str, str]) -> PathResolution:
    """Which file `linkpath` written in `source` opens; `by_name` maps lower-cased file names to paths."""
    lp = name_key(linkpath.strip())
    if not lp:
        return PathResolution(source)
    if lp.startswith("/"):
        return _absolute(lp.lstrip("/"), by_name, lower_paths)
    if lp.startswith(("./", "../")):
        joined = posixpath.normpath(posixpath.join(name_key(folder_of(source)), lp))
        exact = _exact(joined, by_name, lower_paths)
        if exact is not None:
            return PathResolution(exact)
        lp = joined
    seg = lp.rsplit("/", 1)[-1]
    full = lp
    candidates = by_name.get(seg, ()) if "." in seg else ()
    if not candidates:
        candidates = by_name.get(seg + ".md", ())
        full = lp + ".md"
    if not candidates:
        return PathResolution(None)
    if "/" not in lp and len(candidates) == 1:
        return PathResolution(candidates[0])
    for c in candidates:
        if lower_paths[c] == full:
            return PathResolution(c)
    matches = [c for c in candidates if lower_paths[c].endswith(full)]
    if not matches:
        return PathResolution(None)
    prefix = name_key(folder_of(source))
    # Stable sort: same-folder prefix first, then by path length; ties keep index order.
    ordered = sorted(matches, key=lambda c: (not lower_paths[c].startswith(prefix), len(c)))
    return PathResolution(ordered[0], tuple(ordered) if len(ordered) > 1 else ())


def _exact(lp: str, by_name, lower_paths) -> str | None:
    seg = lp.rsplit("/", 1)[-1]
    for key, full in ((seg, lp), (seg + ".md", lp + ".md")):
        for c in by_name.get(key, ()):
            if lower_paths[c] == full:
                return c
    return None


def _absolute(lp: str, by_name, lower_paths) -> PathResolution:
    return PathResolution(_exact("/".join(p for p in lp.split("/") if p), by_name, lower_paths))


def find_heading(note: NoteSyntax, subpath: str) -> Heading | None | bool:
    """The heading a `#A#B` subpath names (H-3), or None. True when the subpath names no heading."""
    segments = [heading_key(s) for s in subpath.split("#")]
    segments = [s for s in segments if s]
    if not segments:
        return True
    i, level = 0, 0
    for n, (h_level, text) in enumerate(note.outline()):  # only the heading found is made (a packed note's)
        if segments[i] in heading_keys(text) and (i == 0 or h_level > level):
            level = h_level
            i += 1
            if i == len(segments):
                return note.headings[n]
    return None


def find_block(note: NoteSyntax, block_id: str) -> BlockId | None:
    """B-8: case-insensitive lookup in the note's block map (last definition wins, B-7)."""
    return note.block_map().get(block_id.lower())
