"""The server's start-up cache of attrs' compiled methods (`lsp/codecache.py`): it must hand out
exactly what `compile` would, be used by the installed attrs, and ignore any file it cannot trust."""

from __future__ import annotations

import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest

from litnotes.lsp.codecache import CodeCache, _patchable, compiled_once

SOURCES = [("def __init__(self, a):\n    self.a = a\n", "<attrs generated init x.A>"),
           ("def __eq__(self, other):\n    return self.a == other.a\n", "<attrs generated eq x.A>"),
           ("def f():\n    return 'é 漢 😀'\n", "<attrs generated methods x.B>")]


def _fill(path: Path) -> None:
    cache = CodeCache.read(path)
    for source, name in SOURCES:
        cache.compile(source, name, "exec")
    assert cache.save()


def test_stored_code_is_what_compile_makes(tmp_path):
    path = tmp_path / "attrs-code.bin"
    _fill(path)
    again = CodeCache.read(path)
    for source, name in SOURCES:
        assert again.compile(source, name, "exec") == compile(source, name, "exec")
    assert (again.hits, again.misses) == (len(SOURCES), 0)
    assert not again.save()  # nothing new: the file is not rewritten
    # The same source under another name, or another source, is a miss, never a wrong hit.
    assert again.compile(SOURCES[0][0], "<other>", "exec").co_filename == "<other>"
    assert again.misses == 1


def test_other_modes_and_arguments_go_to_the_builtin(tmp_path):
    cache = CodeCache.read(tmp_path / "none.bin")
    assert cache.compile("1 + 1", "<x>", "eval") == compile("1 + 1", "<x>", "eval")
    assert cache.compile(b"x = 1\n", "<x>", "exec") == compile(b"x = 1\n", "<x>", "exec")
    assert (cache.hits, cache.misses) == (0, 0)


def test_unused_entries_are_dropped_when_rewritten(tmp_path):
    path = tmp_path / "attrs-code.bin"
    _fill(path)
    cache = CodeCache.read(path)
    cache.compile("x = 1\n", "<a>", "exec")
    cache.compile("x = 2\n", "<b>", "exec")  # two misses, no hit: an upgrade
    assert cache.save()
    assert len(CodeCache.read(path).stored) == 2


@pytest.mark.parametrize("damage", ["truncated", "garbage", "other python", "not a dict"])
def test_a_broken_or_foreign_file_is_ignored(tmp_path, damage):
    path = tmp_path / "attrs-code.bin"
    _fill(path)
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        path.write_bytes(b"\x00\xffnot marshal")
    elif damage == "other python":
        magic, _version, bytecode, codes = marshal.loads(data)
        path.write_bytes(marshal.dumps((magic, "2.7.18", bytecode, codes)))
    else:
        magic, version, bytecode, _codes = marshal.loads(data)
        path.write_bytes(marshal.dumps((magic, version, bytecode, [1, 2])))
    assert CodeCache.read(path).stored == {}


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_file_others_could_write_is_ignored(tmp_path):
    path = tmp_path / "attrs-code.bin"
    _fill(path)
    os.chmod(path, 0o666)
    assert CodeCache.read(path).stored == {}
    os.chmod(path, 0o600)
    os.chmod(tmp_path, 0o777)
    try:
        assert CodeCache.read(path).stored == {}
    finally:
        os.chmod(tmp_path, 0o700)
    assert CodeCache.read(path).stored != {}


def test_the_installed_attrs_is_served():
    """If attrs stops looking `compile` up as a global, the cache silently does nothing: fail here instead."""
    assert _patchable() is not None


def test_a_second_start_compiles_almost_nothing(tmp_path):
    """Two fresh interpreters import the server as `litnotes serve` does: the second takes every
    lsprotocol method from the file (attrs' per-process hash makes one frozen class differ)."""
    script = ("import sys; from pathlib import Path; from litnotes.lsp.codecache import compiled_once\n"
              "with compiled_once(Path(sys.argv[1])) as c:\n"
              "    from litnotes.lsp import build_server; build_server()\n"
              "print(c.hits, c.misses)\n")
    path = tmp_path / "attrs-code.bin"
    runs = [subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True)
            for _ in range(2)]
    (hits1, misses1), (hits2, misses2) = [map(int, r.stdout.split()) for r in runs]
    assert hits1 == 0 and misses1 > 300
    assert misses2 <= 5 and hits2 >= misses1 - 5


def test_without_attrs_layout_the_import_runs_plainly(tmp_path, monkeypatch):
    import litnotes.lsp.codecache as codecache

    monkeypatch.setattr(codecache, "_patchable", lambda: None)
    with compiled_once(tmp_path / "x.bin") as cache:
        assert cache is None
    assert not (tmp_path / "x.bin").exists()


def test_without_a_cache_folder_the_import_runs_plainly(monkeypatch):
    import litnotes.lsp.codecache as codecache

    def no_home():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(codecache, "cache_file", no_home)
    with compiled_once() as cache:
        assert cache is None


def test_the_sources_attrs_keeps_for_debuggers_are_dropped_after_the_import():
    script = ("import linecache; from litnotes.lsp import build_server; from litnotes.lsp.codecache import forget_sources\n"
              "build_server(); linecache.cache['ours.py'] = (1, None, ['x\\n'], 'ours.py')\n"
              "dropped = forget_sources()\n"
              "left = [n for n in linecache.cache if str(n).startswith('<attrs generated')]\n"
              "print(dropped, len(left), 'ours.py' in linecache.cache)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    dropped, left, ours = done.stdout.split()
    assert int(dropped) > 300 and left == "0" and ours == "True"
