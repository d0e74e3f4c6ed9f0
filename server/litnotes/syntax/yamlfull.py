"""The full YAML loader for front matter that `yamlfast` cannot read: PyYAML's C parser through
python-frontmatter's YAML handler, with YAML 1.2's core schema like Obsidian's JS `yaml` package
(F-2: `yes`, `no` and dates stay strings) and duplicate keys as errors.

Apart from `frontmatter.py` because importing PyYAML and building this loader costs ~45 ms, which
a server start (whose notes come from the persistent index or have simple front matter) need
not pay: `frontmatter.py` imports this module when a note first needs it.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from .yamlfast import InvalidYaml, located_str, yaml_int

__all__ = ["load_yaml"]

_SURROGATE = re.compile("[\ud800-\udfff]")
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Yaml12Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader with the YAML 1.2 core schema's implicit types and duplicate-key errors."""

    yaml_implicit_resolvers: dict = {}


for _tag, _regexp, _first in (
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+.0123456789"),
    ),
):
    _Yaml12Loader.add_implicit_resolver(_tag, re.compile(_regexp), _first)


def _construct_str(loader, node):
    return located_str(loader.construct_scalar(node), node.start_mark.index, node.end_mark.index)


def _construct_number(loader, node):
    raw = loader.construct_scalar(node)
    try:
        return yaml_int(raw) if node.tag.endswith("int") else float(raw)
    except ValueError:
        return raw


def _construct_mapping(loader, node):
    loader.flatten_mapping(node)
    seen: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, (list, dict, set)):  # unhashable (`? !!set {a}`): not a property name
            raise yaml.constructor.ConstructorError(None, None, "a mapping key must be a scalar", key_node.start_mark)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {str(key)!r} (Obsidian rejects the whole block)", key_node.start_mark
            )
        seen[key] = loader.construct_object(value_node, deep=True)
    return seen


_Yaml12Loader.add_constructor("tag:yaml.org,2002:str", _construct_str)
_Yaml12Loader.add_constructor("tag:yaml.org,2002:int", _construct_number)
_Yaml12Loader.add_constructor("tag:yaml.org,2002:float", _construct_number)
_Yaml12Loader.add_constructor("tag:yaml.org,2002:bool", lambda loader, node: loader.construct_scalar(node).lower() == "true")
_Yaml12Loader.add_constructor("tag:yaml.org,2002:null", lambda loader, node: None)
_Yaml12Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)

_HANDLER = YAMLHandler()


def load_yaml(body: str) -> Any:
    """The front matter's data (strings as `PosStr`); `InvalidYaml` where PyYAML finds an error.
    RecursionError passes through (nesting too deep for the constructor)."""
    try:
        # libyaml reads UTF-8: a lone surrogate (a broken paste) becomes U+FFFD, one code point for one.
        return _HANDLER.load(_SURROGATE.sub("\ufffd", body), Loader=_Yaml12Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if getattr(exc, "context", None):
            what = f"{what} ({exc.context})"
        raise InvalidYaml(mark.index if mark is not None else 0, what) from exc
