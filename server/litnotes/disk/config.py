"""Reads the settings files of a vault: `.litnotes.toml`, `.obsidian/app.json`, `.obsidian/templates.json`.

A broken or unknown setting becomes a `config.invalid` problem on that file and the default is
used; it is never fatal.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from dataclasses import replace
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

from ..syntax import Problem, normalise_property
from ..vault import SEVERITIES, VaultSettings

__all__ = ["load_settings", "settings_from_mapping", "settings_stamps", "CONFIG_NAME", "SETTINGS_FILES"]

log = logging.getLogger(__name__)
CONFIG_NAME = ".litnotes.toml"
SETTINGS_FILES = (CONFIG_NAME, ".obsidian/app.json", ".obsidian/templates.json")  # what `load_settings` reads
_KNOWN = {"exclude", "severity", "citekey-properties", "bibliography", "max-note-bytes"}


def _key_span(text: str, key: str) -> tuple[int, int]:
    m = re.search(rf"^[ \t]*\"?{re.escape(key)}\"?[ \t]*=", text, re.M) or re.search(rf"^\[{re.escape(key)}\]", text, re.M)
    return (m.start(), m.end()) if m else (0, 0)


def settings_from_mapping(data: dict, base: VaultSettings, text: str = "") -> tuple[VaultSettings, list[Problem]]:
    """Merge a settings mapping (TOML table or editor configuration) over `base`, reporting bad entries."""
    problems: list[Problem] = []
    settings = base

    def bad(key: str, message: str) -> None:
        start, end = _key_span(text, key)
        problems.append(Problem("config.invalid", start, end, message))

    for key, value in data.items():
        if key not in _KNOWN:
            bad(key, f"unknown setting `{key}` (known: {', '.join(sorted(_KNOWN))}); ignored")
        elif key == "exclude":
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                settings = replace(settings, exclude=settings.exclude + tuple(value))
            else:
                bad(key, "`exclude` must be a list of glob strings; ignored")
        elif key == "severity":
            if not isinstance(value, dict):
                bad(key, "`severity` must be a table of code = \"error|warning|information|hint|off\"; ignored")
                continue
            table = dict(settings.severity)
            for code, level in value.items():
                if isinstance(level, str) and level.lower() in SEVERITIES:
                    table[code] = level.lower()
                else:
                    bad(code, f"severity of `{code}` must be one of {', '.join(SEVERITIES)}; default kept")
            settings = replace(settings, severity=tuple(sorted(table.items())))
        elif key == "citekey-properties":
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                extra = frozenset(normalise_property(v) for v in value)
                settings = replace(settings, citekey_properties=settings.citekey_properties | extra)
            else:
                bad(key, "`citekey-properties` must be a list of property names; ignored")
        elif key == "bibliography":
            if isinstance(value, str):
                value = [value]
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                settings = replace(settings, bibliography=settings.bibliography + tuple(value))
            else:
                bad(key, "`bibliography` must be a path or a list of paths; ignored")
        elif key == "max-note-bytes":
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                settings = replace(settings, max_note_bytes=value)
            else:
                bad(key, "`max-note-bytes` must be a positive integer; default kept")
    return settings, problems


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        if path.exists():
            log.warning("ignoring unreadable %s: %s", path, exc)
        return {}
    return data if isinstance(data, dict) else {}


def settings_stamps(root: Path) -> dict[str, tuple[int, int]]:
    """(mtime_ns, size) of each settings file that exists (the vault scan skips dot-files and
    dot-folders, so it never stamps them)."""
    stamps = {}
    for rel in SETTINGS_FILES:
        try:
            info = (root / rel).stat()
        except OSError:
            continue
        stamps[rel] = info.st_mtime_ns, info.st_size
    return stamps


def load_settings(root: Path) -> tuple[VaultSettings, list[Problem]]:
    """Settings of the vault at `root`; problems belong to `.litnotes.toml`."""
    settings = VaultSettings()
    app = _read_json(root / ".obsidian" / "app.json")
    fmt = app.get("newLinkFormat")
    if fmt in ("shortest", "relative", "absolute"):
        settings = replace(settings, link_format=fmt)
    if isinstance(app.get("useMarkdownLinks"), bool):
        settings = replace(settings, use_markdown_links=app["useMarkdownLinks"])
    filters = app.get("userIgnoreFilters")
    if isinstance(filters, list):
        settings = replace(settings, obsidian_ignore=tuple(f for f in filters if isinstance(f, str) and f))
    templates = _read_json(root / ".obsidian" / "templates.json").get("folder")
    if isinstance(templates, str) and templates.strip("/"):
        settings = replace(settings, exclude=settings.exclude + (templates.strip("/") + "/",))

    config = root / CONFIG_NAME
    if not config.is_file():
        return settings, []
    try:
        text = config.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        return settings, [Problem("config.invalid", 0, 0, f"cannot read {CONFIG_NAME}: {exc}; defaults used")]
    except tomllib.TOMLDecodeError as exc:
        at = _toml_error_offset(text, exc)
        return settings, [Problem("config.invalid", at, at, f"invalid TOML: {exc}; defaults used")]
    return settings_from_mapping(data, settings, text)


def _toml_error_offset(text: str, exc: Exception) -> int:
    m = re.search(r"line (\d+), column (\d+)", str(exc))
    if not m:
        return 0
    line, col = int(m.group(1)) - 1, int(m.group(2)) - 1
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    return min(starts[min(line, len(starts) - 1)] + col, len(text))
