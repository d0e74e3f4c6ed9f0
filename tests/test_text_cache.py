"""disk.TextCache: closed notes read for navigation are reused while unchanged on disk (issue #7:
references of a note cited 500 times re-read 500 files per request)."""

from __future__ import annotations

import os
from pathlib import Path

from litnotes.disk import TextCache, read_note


def test_a_note_is_read_once_while_unchanged_and_again_after_any_change(tmp_path: Path) -> None:
    note = tmp_path / "a.md"
    note.write_text("café 表現 🔬\r\nline", encoding="utf-8")
    cache = TextCache()
    first = cache.read(str(note), 1000)
    assert first == read_note(note, 1000) and cache.read(str(note), 1000) == first and cache.reads == 1
    note.write_text("changed, longer text", encoding="utf-8")
    assert cache.read(str(note), 1000)[0] == "changed, longer text" and cache.reads == 2
    st = note.stat()
    note.write_text("same size, new text!", encoding="utf-8")  # same length as before
    os.utime(note, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert cache.read(str(note), 1000)[0] == "same size, new text!"
    note.unlink()
    assert cache.read(str(note), 1000)[0] is None and cache.chars == 0


def test_the_cache_stays_within_its_size_and_respects_the_note_limit(tmp_path: Path) -> None:
    cache = TextCache(max_chars=800)
    for i in range(20):
        (tmp_path / f"{i}.md").write_text(str(i) * 90, encoding="utf-8")
        cache.read(str(tmp_path / f"{i}.md"), 1000)
    assert cache.chars <= 800
    assert cache.read(str(tmp_path / "0.md"), 10) == read_note(tmp_path / "0.md", 10)  # too large now: not reused


def test_the_inside_check_hands_over_a_regular_files_stat_and_never_a_links(tmp_path: Path) -> None:
    # References read hundreds of closed notes: the symlink check's lstat doubles as the cache's
    # stat for a regular file; a link is resolved and stat-ed again by the reader.
    from litnotes.disk.scan import InsideCheck

    root = tmp_path / "vault"
    (root / "dir").mkdir(parents=True)
    (root / "dir" / "a.md").write_text("a", encoding="utf-8")
    (tmp_path / "outside.md").write_text("secret", encoding="utf-8")
    os.symlink(tmp_path / "outside.md", root / "dir" / "out.md")
    os.symlink(root / "dir" / "a.md", root / "dir" / "in.md")
    check = InsideCheck(root)
    inside, st = check.checked("dir/a.md")
    assert inside and st is not None and (st.st_ino, st.st_size) == (os.stat(root / "dir" / "a.md").st_ino, 1)
    assert check.checked("dir/out.md") == (False, None) and not check("dir/out.md")
    assert check.checked("dir/in.md") == (True, None)
    assert check.checked("dir/missing.md") == (True, None)
    cache = TextCache()
    assert cache.read(str(root / "dir" / "a.md"), 100, st)[0] == "a"
