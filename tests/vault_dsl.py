"""A whole vault in one string, and compact renderings of what litnotes says about it.

    //- notes/a.md
    Some text [[b]] $0 more
    //- b.md
    # Heading

`//- path` starts a file; `$0` marks the cursor (removed from the text). Lines of a file keep
their exact endings, so tests can use CRLF or U+2028 inside a file. Files not ending in `.md`
are attachments or settings files.
"""

from __future__ import annotations

from dataclasses import dataclass

from litnotes.features import check_vault
from litnotes.syntax import LineIndex
from litnotes.vault import SetFile, SetNote, VaultHost, VaultSettings

CURSOR = "$0"


@dataclass
class Fixture:
    files: dict[str, str]
    cursor: tuple[str, int] | None  # (path, offset)


def parse_fixture(spec: str) -> Fixture:
    files: dict[str, str] = {}
    cursor = None
    current = None
    chunks: list[str] = []
    for raw in spec.splitlines(keepends=True) if "\n" in spec else [spec]:
        if raw.startswith("//- "):
            if current is not None:
                files[current] = "".join(chunks)
            current, chunks = raw[4:].strip(), []
        elif current is not None:
            chunks.append(raw)
    if current is not None:
        files[current] = "".join(chunks)
    for path, text in files.items():
        if text.endswith("\n") and not text.endswith("\n\n"):
            text = text[:-1]
        if CURSOR in text:
            cursor = (path, text.index(CURSOR))
            text = text.replace(CURSOR, "", 1)
        files[path] = text
    return Fixture(files, cursor)


def build_vault(spec: str | Fixture, settings: VaultSettings | None = None):
    fixture = parse_fixture(spec) if isinstance(spec, str) else spec
    host = VaultHost(settings)
    changes = [SetNote(p, t) if p.endswith(".md") else SetFile(p) for p, t in fixture.files.items()]
    host.apply(changes)
    return host.vault, fixture


def render_diagnostics(spec: str, settings: VaultSettings | None = None, with_message: bool = False,
                       min_severity: str = "hint") -> list[str]:
    """`path:line:col severity code` (1-based, code points) for every diagnostic of the vault."""
    from litnotes.features import SEVERITY_RANK

    vault, fixture = build_vault(spec, settings)
    out = []
    for path, diags in check_vault(vault).items():
        index = LineIndex(fixture.files.get(path, ""))
        for d in diags:
            if SEVERITY_RANK[d.severity] > SEVERITY_RANK[min_severity]:
                continue
            line, col = index.position(d.start)
            out.append(f"{path}:{line + 1}:{col + 1} {d.severity} {d.code}" + (f" {d.message}" if with_message else ""))
    return out
