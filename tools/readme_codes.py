"""Rewrites the diagnostics table in README.md from `litnotes.features.codes` (run after adding a code)."""

import re
from pathlib import Path

from litnotes.features.codes import CODES

README = Path(__file__).resolve().parent.parent / "README.md"


def table() -> str:
    rows = ["| code | default | what it means | example |", "|---|---|---|---|"]
    for code, info in CODES.items():
        rows.append(f"| `{code}` | {info.severity} | {info.summary.replace('|', chr(92) + '|')} | "
                    f"`{info.example.replace('|', chr(92) + '|')}` |")
    return "\n".join(rows)


text = README.read_text(encoding="utf-8")
text = re.sub(r"\| code \| default \|.*?\n(?=\n)", table() + "\n", text, count=1, flags=re.S)
README.write_text(text, encoding="utf-8")
