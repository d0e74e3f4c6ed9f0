"""The CLI's renderers: JSON written directly is exactly `json.dumps(..., ensure_ascii=False, indent=1)`."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from litnotes.cli.render import render_json
from litnotes.features import Diagnostic, Related
from litnotes.syntax.text import positions

_text = st.text(alphabet=st.sampled_from('ab"\\/\n\r\t\x00\x1f\x7f é😀\u2028\ud800'), max_size=8)


def _reference(diagnostics: list[Diagnostic], texts: dict[str, str]) -> str:
    out = []
    for d in diagnostics:
        at = positions(texts.get(d.path, ""), (d.start, d.end), "utf-16")
        (sl, sc), (el, ec) = at[d.start], at[d.end]
        item = {"path": d.path, "range": {"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}},
                "severity": d.severity, "code": d.code, "message": d.message}
        if d.related:
            item["related"] = [{"path": r.path, "message": r.message} for r in d.related]
        out.append(item)
    return json.dumps(out, ensure_ascii=False, indent=1)


_diagnostic = st.builds(
    Diagnostic, st.sampled_from(["a.md", 'we"ird\\é.md']), st.integers(0, 12), st.integers(0, 12),
    st.sampled_from(["error", "hint"]), _text, _text,
    st.lists(st.builds(Related, _text, st.just(0), st.just(0), _text), max_size=2).map(tuple))


@settings(max_examples=300, deadline=None)
@given(st.lists(_diagnostic, max_size=4), _text)
def test_json_is_json_dumps_with_indent_1(diagnostics, text) -> None:
    texts = {"a.md": text, 'we"ird\\é.md': "😀\n" + text}
    assert render_json(diagnostics, lambda path: texts.get(path, "")) == _reference(diagnostics, texts)


def test_no_diagnostics_is_an_empty_list() -> None:
    assert render_json([], lambda path: "") == json.dumps([], ensure_ascii=False, indent=1) == "[]"


@settings(max_examples=300, deadline=None)
@given(_text)
def test_utf16_columns_count_astral_code_points_twice(text) -> None:
    line = text.replace("\n", "").replace("\r", "")
    assert positions(line, [len(line)], "utf-16")[len(line)] == (0, len(line) + sum(1 for ch in line if ord(ch) > 0xFFFF))
