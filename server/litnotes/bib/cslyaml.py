"""Read CSL-YAML (Better CSL YAML) into records: a document with a `references:` list of items
carrying `id:`. Nodes carry libyaml marks, so offsets are exact. Apart from `csl.py` because it
needs PyYAML, which `csl.parse_csl_yaml` imports only when a vault has such a library.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from .csl import LOOKS_LIKE_CSL_YAML, csl_entry, line_end, no_id_problem
from .records import BibEntry, BibProblem, Bibliography

__all__ = ["read_csl_yaml"]

_NODE_BUDGET = 50_000  # nodes converted per item: aliases cannot blow a small file up into a huge one


class _TooBig(Exception):
    pass


def _plain(node: yaml.Node, budget: list[int]) -> Any:
    """A YAML node as plain data with every scalar kept as its source text (so `id: 2019` stays "2019")."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooBig
    if isinstance(node, yaml.ScalarNode):
        return None if node.tag.endswith(":null") else node.value
    if isinstance(node, yaml.SequenceNode):
        return [_plain(child, budget) for child in node.value]
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                out.setdefault(key.value, _plain(value, budget))
        return out
    return None


def _member(node: yaml.MappingNode, name: str) -> yaml.Node | None:
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value == name:
            return value
    return None


def _references(root: Any) -> yaml.SequenceNode | None:
    if not isinstance(root, yaml.MappingNode):
        return None
    refs = _member(root, "references")
    if not isinstance(refs, yaml.SequenceNode):
        return None
    if refs.value:
        first = refs.value[0]
        if not isinstance(first, yaml.MappingNode) or _member(first, "id") is None:
            return None
    return refs


def _yaml_items(text: str, refs: yaml.SequenceNode, offset: int, entries: list[BibEntry],
                problems: list[BibProblem]) -> None:
    for node in refs.value:
        start = node.start_mark.index + offset
        end = node.end_mark.index + offset
        if not isinstance(node, yaml.MappingNode):
            problems.append(no_id_problem(text, start))
            continue
        id_node = _member(node, "id")
        if not isinstance(id_node, yaml.ScalarNode) or id_node.tag.endswith(":null") or not id_node.value:
            problems.append(no_id_problem(text, start))
            continue
        try:
            item = _plain(node, [_NODE_BUDGET])
        except (_TooBig, RecursionError):
            problems.append(BibProblem("CSL item is too large or too deeply nested; it is skipped",
                                       start, line_end(text, start)))
            continue
        key_start, key_end = id_node.start_mark.index + offset, id_node.end_mark.index + offset
        if id_node.style in ("'", '"'):
            key_start, key_end = key_start + 1, key_end - 1
        entries.append(csl_entry(text, item, start, end, (key_start, key_end), markdown=True))


def _compose_first(text: str) -> Any:
    for document in yaml.compose_all(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        return document
    return None


_ITEM_START = re.compile(r"^([ \t]*)- ", re.MULTILINE)
_DOC_END = re.compile(r"^(?:\.\.\.|---)[ \t]*$", re.MULTILINE)


def _salvage(text: str, error: Exception) -> Bibliography | None:
    """Invalid YAML that clearly is a CSL-YAML export: read its `references:` items one by one."""
    head = LOOKS_LIKE_CSL_YAML.search(text)
    if head is None:
        return None
    entries: list[BibEntry] = []
    problems: list[BibProblem] = []
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    at = mark.index if mark is not None else head.start()
    problems.append(BibProblem(f"invalid YAML: {getattr(error, 'problem', None) or error}", at, line_end(text, at)))
    first = _ITEM_START.search(text, head.end())
    if first is None:
        return Bibliography("csl-yaml", (), tuple(problems))
    doc_end = _DOC_END.search(text, first.start())
    stop = doc_end.start() if doc_end is not None else len(text)
    indent = first.group(1)
    starts = [m.start() for m in _ITEM_START.finditer(text, first.start(), stop) if m.group(1) == indent]
    for start, end in zip(starts, [*starts[1:], stop]):
        try:
            refs = _compose_first(text[start:end])
        except (yaml.YAMLError, RecursionError, ValueError):
            problems.append(BibProblem("invalid YAML in this CSL item; it is skipped", start, line_end(text, start)))
            continue
        if isinstance(refs, yaml.SequenceNode):
            _yaml_items(text, refs, start, entries, problems)
    problems.sort(key=lambda p: p.start)
    return Bibliography("csl-yaml", tuple(entries), tuple(problems))


def read_csl_yaml(text: str) -> Bibliography | None:
    """`csl.parse_csl_yaml`: the CSL-YAML library in `text`, or None."""
    try:
        refs = _references(_compose_first(text))
    except (yaml.YAMLError, RecursionError, ValueError) as err:
        return _salvage(text, err)
    if refs is None:
        return None
    entries: list[BibEntry] = []
    problems: list[BibProblem] = []
    _yaml_items(text, refs, 0, entries, problems)
    return Bibliography("csl-yaml", tuple(entries), tuple(problems))
