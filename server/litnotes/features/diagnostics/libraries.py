"""Diagnostics of bibliography files: duplicate keys (`cite-key.duplicate`: an error within one
library, a warning across two, a warning for keys differing only in case) and, when enabled,
entries without a literature note (`cite-key.no-note`). Parse problems come from the reader."""

from __future__ import annotations

from ...vault import Vault
from ..types import Related
from .emit import Emitter

__all__ = ["check_library"]


def check_library(vault: Vault, path: str, out: Emitter) -> None:
    library = vault.libraries[path].data
    seen: dict[str, object] = {}
    for entry in library.entries:
        key = entry.key
        span = (entry.key_start, entry.key_end)
        first = seen.get(key)
        if first is not None:
            out.add(*span, "cite-key.duplicate", f"cite key `{key}` is defined twice in this library",
                    related=(Related(path, first.key_start, first.key_end, "the first definition"),), escalate=True)
            continue
        seen[key] = entry
        others = sorted({p for p, _e in vault.library_entries(key) if p != path})
        if others:
            out.add(*span, "cite-key.duplicate", f"cite key `{key}` is also defined in `{others[0]}`",
                    related=tuple(Related(o, 0, 0, "also defines this key") for o in others))
        variants = [k for k in vault.cite_keys_ignoring_case(key) if k != key and vault.library_entries(k)]
        if variants:
            where = vault.library_entries(variants[0])[0][0]
            out.add(*span, "cite-key.duplicate", f"cite key `{key}` differs only in case from `{variants[0]}` in `{where}`")
        if not any(s.kind != "bibliography" for s in vault.cite_sources(key)):
            out.add(*span, "cite-key.no-note", f"no literature note for `{key}`")
