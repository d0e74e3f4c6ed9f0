"""House rules that a plain `pytest` enforces: layering, docstrings, file size, the codes contract."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from litnotes.features import CODES

PACKAGE = Path(__file__).resolve().parent.parent / "server" / "litnotes"
README = Path(__file__).resolve().parent.parent / "README.md"

# Which litnotes layers each layer may import (its own layer is always allowed).
# `frozen` (frozen.py, one module) is below every layer: they all build their records with it.
ALLOWED = {
    "frozen": set(),
    "syntax": {"frozen"},
    "bib": {"frozen"},
    "vault": {"frozen", "syntax", "bib"},
    "features": {"frozen", "syntax", "vault", "bib"},
    "disk": {"frozen", "syntax", "vault", "bib"},
    "cli": {"frozen", "syntax", "vault", "features", "disk", "bib"},
    "lsp": {"frozen", "syntax", "vault", "features", "disk", "bib"},
}
EXTERNAL_ONLY_IN = {"pygls": {"lsp"}, "lsprotocol": {"lsp"}, "markdown_it": {"syntax", "features"},
                    "mdit_py_plugins": {"syntax", "features"}, "frontmatter": {"syntax"}, "yaml": {"syntax", "bib"}}


def modules():
    return sorted(p for p in PACKAGE.rglob("*.py"))


def layer_of(path: Path) -> str | None:
    rel = path.relative_to(PACKAGE).parts
    return rel[0] if len(rel) > 1 else (path.stem if path.stem in ALLOWED else None)


def imported(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(("litnotes",) + path.relative_to(PACKAGE).parent.parts)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                yield ".".join(base + ([node.module] if node.module else []))
            elif node.module:
                yield node.module


def test_layers_import_only_downward() -> None:
    bad = []
    for path in modules():
        layer = layer_of(path)
        for name in imported(path):
            parts = name.split(".")
            if parts[0] == "litnotes" and len(parts) > 1 and parts[1] in ALLOWED and layer in ALLOWED:
                target = parts[1]
                if target != layer and target not in ALLOWED[layer]:
                    bad.append(f"{path.relative_to(PACKAGE)} imports {name}")
            allowed = EXTERNAL_ONLY_IN.get(parts[0])
            if allowed is not None and layer not in allowed:
                bad.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert bad == []


def test_every_module_says_what_it_is_for() -> None:
    missing = [str(p.relative_to(PACKAGE)) for p in modules() if not ast.get_docstring(ast.parse(p.read_text()))]
    assert missing == []


def test_no_oversized_modules() -> None:
    big = [(str(p.relative_to(PACKAGE)), n) for p in modules() if (n := len(p.read_text().splitlines())) > 500]
    assert big == []


def test_every_code_is_documented_in_the_readme() -> None:
    readme = README.read_text(encoding="utf-8")
    assert [code for code in CODES if f"| `{code}` |" not in readme] == []


def test_every_emitted_code_is_registered() -> None:
    emitted = set()
    pattern = re.compile(r"""(?:Problem\(|out\.add\([^"]*?|"code":\s*)\s*\n?\s*"([a-z]+(?:-[a-z]+)*\.[a-z]+(?:-[a-z]+)*)\"""")
    for path in modules():
        emitted |= set(pattern.findall(path.read_text(encoding="utf-8")))
    assert emitted, "the pattern found no codes: the test itself is broken"
    assert sorted(emitted - set(CODES)) == []


def test_starting_the_server_imports_no_yaml() -> None:
    """PyYAML (~45 ms to import) is loaded only when a note's front matter or a CSL-YAML library
    needs it: a server start whose notes come from the persistent index never pays for it."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    probe = ("import sys, litnotes.lsp, litnotes.lsp.server, litnotes.disk.load\n"
             "from litnotes.lsp import build_server\nbuild_server()\n"
             "from litnotes.syntax import parse_note\nparse_note('---\\naliases: [a]\\ntags:\\n  - x\\n---\\n# T\\n')\n"
             "print(sorted(m for m in sys.modules if m == 'yaml' or m.startswith(('yaml.', 'frontmatter'))))\n"
             "parse_note('---\\na: {b: 1}\\n---\\n')\nprint('yaml' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[:2] == ["[]", "True"]
