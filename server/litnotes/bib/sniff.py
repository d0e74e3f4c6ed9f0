"""Decide what a bibliography file is (by name and content) and read it with the matching reader.

`.bib`/`.biblatex`/`.bibtex` are BibTeX/BibLaTeX (unless the content is a JSON library). A `.json` file is CSL-JSON when it is an array of CSL
items with `id`, Better BibTeX JSON when it is an object whose `config` names the BBT JSON translator or
whose `items` carry `citationKey`; any other JSON (package.json, `.obsidian/*.json`, plugin data) is not
a library (None). A `.yaml`/`.yml` file is CSL-YAML when it holds a `references:` list of items with `id:`.
`parse_bibliography` never raises.
"""

from __future__ import annotations

from .bbtjson import parse_bbt_json
from .bibtex import parse_bibtex
from .csl import parse_csl_json, parse_csl_yaml
from .records import BibProblem, Bibliography

__all__ = ["looks_like_bibliography_path", "parse_bibliography", "BIBTEX_SUFFIXES", "BIBLIOGRAPHY_SUFFIXES"]

BIBTEX_SUFFIXES = (".bib", ".biblatex", ".bibtex")
BIBLIOGRAPHY_SUFFIXES = (*BIBTEX_SUFFIXES, ".json", ".yaml", ".yml")


def _name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1].lower()


def looks_like_bibliography_path(path: str) -> bool:
    """Cheap pre-filter by file name only: could this file be a bibliography export?"""
    return _name(path).endswith(BIBLIOGRAPHY_SUFFIXES)


def parse_bibliography(text: str, path: str) -> Bibliography | None:
    """Read the bibliography in `text` (the contents of the file at `path`); None when it is not one."""
    name = _name(path)
    if name.endswith(BIBTEX_SUFFIXES):
        try:
            first = text.lstrip("\ufeff \t\r\n")[:1]
            if first in ("[", "{"):  # a CSL-JSON / BBT JSON export saved as .bib (BibTeX text starts elsewhere)
                as_json = parse_csl_json(text) if first == "[" else parse_bbt_json(text)
                if as_json is not None:
                    return as_json
            return parse_bibtex(text)
        except Exception as err:  # a bug in the reader must not take the server down: report it instead
            return Bibliography("bibtex", (), (BibProblem(f"internal error while reading this file: {err!r}", 0, 0),))
    try:
        if name.endswith(".json"):
            first = text.lstrip("\ufeff \t\r\n")[:1]
            if first == "[":
                return parse_csl_json(text, named_csl=name.endswith(".csl.json"))
            if first == "{":
                return parse_bbt_json(text)
            return None
        if name.endswith((".yaml", ".yml")):
            return parse_csl_yaml(text)
    except Exception:  # JSON/YAML that trips a reader bug: treat it as "not a library" rather than raise
        return None
    return None
