"""`litnotes check`: output format, JSON positions, severity filter and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from litnotes.cli import main

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "fixtures" / "demo-vault"


def write_vault(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_clean_vault_exits_0_and_prints_summary(tmp_path, capsys) -> None:
    write_vault(tmp_path, {"a.md": "[[b]]", "b.md": "# B"})
    assert main(["check", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1].startswith("2 notes, 1 links, 0 highlights, 0 cite keys; 0 errors, 0 warnings, 0 information, 0 hints;")


def test_error_exits_1_and_lines_are_sorted(tmp_path, capsys) -> None:
    write_vault(tmp_path, {"z.md": "---\naliases: [x\n---\n", "a.md": "[[missing]]\n[@nokey]"})
    assert main(["check", str(tmp_path), "--severity", "hint"]) == 1
    lines = capsys.readouterr().out.splitlines()[:-1]
    assert [line.split(": ")[0] for line in lines] == ["a.md:1:1", "a.md:2:2", "z.md:3:1"]
    assert lines[0] == "a.md:1:1: information link.unresolved no note or file `missing.md` in the vault (Obsidian creates it when the link is clicked)"


def test_json_uses_utf16_positions(tmp_path, capsys) -> None:
    write_vault(tmp_path, {"a.md": "😀 é [[missing]]"})
    assert main(["check", str(tmp_path), "--format", "json"]) == 0
    [item] = json.loads(capsys.readouterr().out)
    assert item == {
        "path": "a.md",
        "range": {"start": {"line": 0, "character": 5}, "end": {"line": 0, "character": 16}},
        "severity": "information",
        "code": "link.unresolved",
        "message": item["message"],
    }


def test_severity_filter_hides_information(tmp_path, capsys) -> None:
    write_vault(tmp_path, {"a.md": "[[missing]]"})
    main(["check", str(tmp_path), "--severity", "warning"])
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and "(1 below --severity warning not shown)" in out[0]


def test_usage_errors_exit_2(tmp_path, capsys) -> None:
    assert main(["check", str(tmp_path / "nope")]) == 2
    assert "not a folder" in capsys.readouterr().err
    assert main(["frobnicate"]) == 2


def test_config_problems_are_reported_on_the_config_file(tmp_path, capsys) -> None:
    write_vault(tmp_path, {".litnotes.toml": "colour = 1\n[severity]\n\"link.unresolved\" = \"loud\"\n", "a.md": "x"})
    main(["check", str(tmp_path)])
    out = capsys.readouterr().out
    assert ".litnotes.toml:1:1: warning config.invalid unknown setting `colour`" in out
    assert ".litnotes.toml:3:1: warning config.invalid severity of `link.unresolved` must be one of" in out


def test_demo_vault_shows_every_diagnostic_code() -> None:
    """`make run` must show each kind of problem; the demo vault is built for that."""
    from litnotes.features import CODES

    proc = subprocess.run([sys.executable, "-m", "litnotes", "check", str(DEMO), "--severity", "hint", "--format", "json"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 1, proc.stderr
    shown = {item["code"] for item in json.loads(proc.stdout)}
    internal = {"note.internal-error", "note.unreadable", "config.invalid"}  # never in a healthy demo vault
    opt_in = {code for code, info in CODES.items() if info.severity == "off"}
    assert set(CODES) - internal - opt_in - shown == set()
