"""Quick fixes (features/fixes) for the engine's diagnostics, and document links (features/doclinks).

Fixes render as `code | title | edits` (edits as `path:l:c-l:c → text`, creates as `+ path`); each
fix is also applied and the vault re-checked: the diagnostic it fixes is gone.
"""

from __future__ import annotations

import random

import pytest

from litnotes.features import check_vault
from litnotes.features.doclinks import document_links
from litnotes.features.fixes import new_note_path, quick_fixes
from nav_support import Spec, apply_change, rendered_edits
from test_completion import LIT


def fixes(spec: str) -> list[str]:
    s = Spec(spec)
    out = []
    for f in quick_fixes(s.vault, s.path, s.text, s.offset, s.offset, s.text_of, random.Random(7)):
        parts = rendered_edits(s, f.change) + [f"+ {c.path}" for c in f.change.creates]
        out.append(f"{f.code} | {f.title}{' (preferred)' if f.preferred else ''} | {'; '.join(parts)}")
    return out


def fixed_codes(spec: str, index: int = 0) -> list[str]:
    """Codes of the cursor note's diagnostics after applying fix number `index`."""
    s = Spec(spec)
    fix = quick_fixes(s.vault, s.path, s.text, s.offset, s.offset, s.text_of, random.Random(7))[index]
    files = apply_change(s.files, fix.change)
    after = Spec("".join(f"//- {p}\n{t}\n" for p, t in files.items()))
    return sorted(d.code for d in check_vault(after.vault).get(s.path, []))


LIT_NOTE = "//- lit/bereska2024-literature-note.md\n" + LIT

CASES = {
    "glued": ("//- a.md\nthe key result^abcd$01234\n", [
        "block-id.glued | Add a space before the block id (preferred) | a.md:1:15-1:15 →  "]),
    "bare alias": ("//- a.md\n[[@bere$0ska2024]]\n" + LIT_NOTE, [
        "link.bare-alias | Write `[[bereska2024-literature-note|@bereska2024]]` (preferred) | "
        "a.md:1:1-1:17 → [[bereska2024-literature-note|@bereska2024]]"]),
    "table pipe": ("//- a.md\n| Paper | Note |\n|---|---|\n| x | [[bereska2024-literature-note$0|the review]] |\n" + LIT_NOTE, [
        "table.unescaped-pipe | Escape the `|` as `\\|` (preferred) | a.md:3:36-3:36 → \\"]),
    "heading": ("//- a.md\n[[bereska2024-literature-note#Annotation$0]]\n" + LIT_NOTE, [
        "heading.unresolved | Link to heading `Annotations` (preferred) | a.md:1:31-1:41 → Annotations"]),
    "block": ("//- a.md\n[[bereska2024-literature-note#^29lz2r$0m]]\n" + LIT_NOTE, [
        "block-ref.unresolved | Link to block `^29lz2rml` (preferred) | a.md:1:32-1:39 → 29lz2rml"]),
    "glued target": ("//- a.md\n[[bereska2024-literature-note#^e0c3$077]]\n"
                     + LIT_NOTE.replace("**Imported: 2024-12-04**^e0c377", "Imported^e0c377"), [
        "block-ref.unresolved | Add a space before `^e0c377` in `lit/bereska2024-literature-note.md` so that it "
        "becomes a block id (preferred) | lit/bereska2024-literature-note.md:13:9-13:9 →  "]),
    "duplicate": ("//- a.md\nA duplicate ^d$0up\n\nAnother duplicate ^dup\n", [
        "block-id.duplicate | Give this block a new id `^a5cd68` (preferred) | a.md:1:14-1:17 → a5cd68"]),
    "unresolved": ("//- notes/a.md\n[[Exam$0ple]] and [[Figure 1]]\n//- Figure 1.png\n", [
        "link.unresolved | Create note `notes/Example.md` (preferred) | + notes/Example.md"]),
    "attachment": ("//- notes/a.md\n[[Example]] and [[Figu$0re 1]]\n//- Figure 1.png\n", [
        "link.unresolved | Link to `Figure 1.png` (preferred) | notes/a.md:1:19-1:27 → Figure 1.png",
        "link.unresolved | Create note `notes/Figure 1.md` | + notes/Figure 1.md"]),
    "case": ("//- a.md\n[@Vas$0wani2017]\n//- v.md\n---\ncitekey: vaswani2017\n---\n", [
        "cite-key.case | Cite `@vaswani2017` (preferred) | a.md:1:3-1:14 → vaswani2017"]),
    "malformed": ("//- a.md\n[@vaswani2017--dr$0aft]\n//- v.md\n---\ncitekey: vaswani2017\n---\n", [
        "cite-key.malformed | Write `@{vaswani2017--draft}` (preferred) | a.md:1:2-1:21 → @{vaswani2017--draft}"]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_quick_fix(name: str) -> None:
    spec, expected = CASES[name]
    assert fixes(spec) == expected


@pytest.mark.parametrize("name, gone", [("glued", "block-id.glued"), ("bare alias", "link.bare-alias"),
                                        ("table pipe", "table.unescaped-pipe"), ("heading", "heading.unresolved"),
                                        ("block", "block-ref.unresolved"), ("glued target", "block-ref.unresolved"),
                                        ("duplicate", "block-id.duplicate"), ("unresolved", "link.unresolved"),
                                        ("case", "cite-key.case"), ("malformed", "cite-key.malformed")])
def test_applying_the_fix_removes_the_diagnostic(name: str, gone: str) -> None:
    spec, _ = CASES[name]
    s = Spec(spec)
    before = [d for d in check_vault(s.vault).get(s.path, []) if d.start <= s.offset <= d.end and d.code == gone]
    assert before
    after = fixed_codes(spec)
    assert after.count(gone) == sum(1 for d in check_vault(s.vault).get(s.path, []) if d.code == gone) - 1


def test_duplicate_id_is_fresh_six_hex_digits() -> None:
    s = Spec("//- a.md\nA ^d$0up\n\nB ^dup\n\nC ^A5CD68\n")  # the first random id is taken
    (fix,) = quick_fixes(s.vault, s.path, s.text, s.offset, s.offset, s.text_of, random.Random(7))
    (edit,) = fix.change.edits
    assert len(edit.new_text) == 6 and int(edit.new_text, 16) >= 0 and edit.new_text != "a5cd68"


@pytest.mark.parametrize("source, link, path", [
    ("notes/a.md", "Example", "notes/Example.md"), ("a.md", "Example", "Example.md"),
    ("notes/a.md", "ideas/Example", "ideas/Example.md"), ("notes/a.md", "../Example", "Example.md"),
    ("notes/a.md", "/top/Example", "top/Example.md"), ("notes/a.md", "Example.md", "notes/Example.md"),
])
def test_where_a_created_note_goes(source: str, link: str, path: str) -> None:
    assert new_note_path(source, link) == path


def test_seed_like_note_zotero_web_and_file_links_but_nothing_in_code() -> None:
    s = Spec("//- src.md\nSee [[bereska2024-literature-note#^29lz2rml]], [[Missing]], https://arxiv.org/abs/2404.14082.\n"
             "`https://in.code/x` and [Zotero](zotero://select/library/items/F3DCV9N9)\n" + LIT_NOTE)
    found = [f"{s.span('src.md', d.start, d.end)} {d.url or d.path} | {d.tooltip}"
             for d in document_links(s.vault, "src.md", s.files["src.md"])]
    assert found == [
        "src.md:1:5-1:46 lit/bereska2024-literature-note.md | lit/bereska2024-literature-note.md",
        "src.md:1:61-1:93 https://arxiv.org/abs/2404.14082 | https://arxiv.org/abs/2404.14082",
        "src.md:2:25-2:73 zotero://select/library/items/F3DCV9N9 | Show the item in Zotero",
    ]
    lit = s.files["lit/bereska2024-literature-note.md"]
    links = document_links(s.vault, "lit/bereska2024-literature-note.md", lit)
    assert [d.url for d in links if d.url.startswith("zotero://open-pdf")] == [
        "zotero://open-pdf/library/items/MGFTCTVY?page=1&annotation=29LZ2RML",
        "zotero://open-pdf/library/items/MGFTCTVY?page=2&annotation=XV6M4CYU"]
    assert [d.tooltip for d in links if "page=2" in d.url] == ["Open the PDF in Zotero at page 2"]


def test_seed_zotero_links(seed_text: str) -> None:
    s = Spec("//- bereska2024-literature-note.md\n" + seed_text + "\n")
    urls = [d.url for d in document_links(s.vault, "bereska2024-literature-note.md", s.files["bereska2024-literature-note.md"])]
    assert sum(u.startswith("zotero://open-pdf/") for u in urls) >= 10
    assert "zotero://select/library/items/F3DCV9N9" in urls
