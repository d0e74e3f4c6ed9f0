"""Editor settings (initializationOptions, workspace/configuration "litnotes") merged over the vault's files.

Keys are those of `.litnotes.toml` (`exclude`, `severity`, `citekey-properties`, `bibliography`,
`max-note-bytes`) plus `debounce-ms` (delay before diagnostics are pushed) and `code-lens` (true:
reference counts on headings and highlights; editor-only, kept in `mapping` so that merged settings
keep it) and `paranoid` (true: check the index after every change, see paranoid.py). Camel-case spellings (`citekeyProperties`, `debounceMs`, `codeLens`) are accepted too.
Invalid values are reported and defaults used.
"""

from __future__ import annotations

import re

from ..disk import settings_from_mapping
from ..vault import VaultSettings

__all__ = ["EditorSettings", "merge_settings"]

DEFAULT_DEBOUNCE_MS = 150


def _kebab(key: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", key).lower()


class EditorSettings:
    """The client's settings, as one mapping; `debounce_ms` is the server's own knob."""

    def __init__(self, raw: object = None) -> None:
        self.problems: list[str] = []
        self.mapping: dict = {}
        self.debounce_ms = DEFAULT_DEBOUNCE_MS
        if raw is None:
            return
        if not isinstance(raw, dict):
            self.problems.append("litnotes settings must be an object; ignored")
            return
        if isinstance(raw.get("litnotes"), dict):
            raw = raw["litnotes"]
        for key, value in raw.items():
            key = _kebab(str(key))
            if key == "debounce-ms":
                if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 10_000:
                    self.debounce_ms = int(value)
                else:
                    self.problems.append("`debounce-ms` must be a number of milliseconds from 0 to 10000; default kept")
            else:
                self.mapping[key] = value

    @property
    def code_lens(self) -> bool:
        return self.mapping.get("code-lens") is True


def merge_settings(base: VaultSettings, editor: EditorSettings) -> tuple[VaultSettings, list[str]]:
    mapping = {k: v for k, v in editor.mapping.items() if k not in ("code-lens", "paranoid")}
    settings, problems = settings_from_mapping(mapping, base)
    lens = [f"`{k}` must be true or false; off" for k in ("code-lens", "paranoid")
            if not isinstance(editor.mapping.get(k, False), bool)]
    return settings, editor.problems + lens + [p.message for p in problems]
