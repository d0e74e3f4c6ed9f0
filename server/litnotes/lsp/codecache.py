"""Server start-up: the methods attrs generates for lsprotocol's classes, compiled once per installation.

Importing pygls defines ~560 attrs classes (`lsprotocol.types`), and attrs writes each class's
`__init__`, `__eq__`, `__repr__`, … as source text and compiles it: `compile` takes ~0.15 s of the
~0.6 s CPU the server spends importing pygls and lsprotocol, on every start. A code object depends
only on its source text, its file name and the Python version, so `compiled_once` keeps them in a
marshal file in litnotes' cache folder and hands attrs the stored object for the same source and
name. A wrong or stale entry cannot be used: entries are found by a hash of the exact source and
name, and the file is thrown away when Python's bytecode version differs, when it cannot be read or
when someone other than the user could have written it (marshal data is trusted like a `.pyc`).

attrs also keeps every generated method's source in `linecache` (1.6 MB of text for lsprotocol,
so that a debugger can show it); the server drops those entries after the import (`forget_sources`),
which leaves tracebacks through generated methods without their source line and the index that
is loaded next the freed memory (RSS at ready 1.4 MiB lower on the 10k bench vault).

attrs is reached through one name: `attr._make` looks up `compile` as a global, so a module global
of that name is used instead of the builtin while the server imports. Where that is not so (another
attrs release), nothing is patched and the import runs as usual.
"""

from __future__ import annotations

import builtins
import hashlib
import importlib.util
import linecache
import logging
import marshal
import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import CodeType

__all__ = ["CodeCache", "compiled_once", "cache_file", "forget_sources"]

log = logging.getLogger(__name__)
MAGIC = "litnotes-code-1"


def cache_file() -> Path:
    from ..disk.cache import cache_root  # noqa: PLC0415 - the disk layer owns litnotes' cache folder

    return cache_root() / "attrs-code.bin"


def _key(source: str, filename: str) -> bytes:
    return hashlib.blake2b(f"{filename}\0{source}".encode("utf-8", "surrogatepass"), digest_size=16).digest()


class CodeCache:
    """Code objects by (source, file name); `compile` is a drop-in for the builtin."""

    def __init__(self, path: Path, stored: dict[bytes, CodeType]) -> None:
        self.path = path
        self.stored = stored
        self.used: dict[bytes, CodeType] = {}
        self.hits = 0
        self.misses = 0

    @classmethod
    def read(cls, path: Path) -> CodeCache:
        return cls(path, _read(path))

    def compile(self, source, filename, mode, *args, **kwargs):
        if mode != "exec" or args or kwargs or not isinstance(source, str) or not isinstance(filename, str):
            return builtins.compile(source, filename, mode, *args, **kwargs)
        key = _key(source, filename)
        code = self.stored.get(key)
        if code is None:
            code = builtins.compile(source, filename, mode)
            self.misses += 1
        else:
            self.hits += 1
        self.used[key] = code
        return code

    def save(self) -> bool:
        """Write the code used this time when most of it was missing (a first start, another attrs,
        lsprotocol or Python); False when there was nothing worth writing or the write failed.
        Entries not used this time are dropped, so the file never grows across upgrades. attrs
        puts a per-process hash into frozen classes' `__hash__`, so one miss per start is normal."""
        if self.misses <= self.hits:
            return False
        data = marshal.dumps((MAGIC, sys.version, importlib.util.MAGIC_NUMBER, self.used))
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(temporary, self.path)
        except OSError as exc:
            log.info("could not save compiled attrs methods to %s: %s", self.path, exc)
            temporary.unlink(missing_ok=True)
            return False
        return True


def _read(path: Path) -> dict[bytes, CodeType]:
    try:
        with open(path, "rb") as f:
            info = os.fstat(f.fileno())
            if not _private(info) or not _private(os.stat(path.parent)):
                log.warning("ignoring %s: another user could have written it", path)
                return {}
            magic, version, bytecode, codes = marshal.loads(f.read())
    except FileNotFoundError:
        return {}
    except (OSError, EOFError, ValueError, TypeError) as exc:
        log.info("ignoring unreadable %s: %s", path, exc)
        return {}
    if (magic, version, bytecode) != (MAGIC, sys.version, importlib.util.MAGIC_NUMBER) or not isinstance(codes, dict):
        return {}
    return codes


def _private(info: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else."""
    owner_ok = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return owner_ok and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def forget_sources() -> int:
    """Drop the source text attrs keeps in `linecache` for each method it generated; how many."""
    names = [name for name in linecache.cache if isinstance(name, str) and name.startswith("<attrs generated")]
    for name in names:
        del linecache.cache[name]
    return len(names)


def _patchable():
    """attrs' code-generating module, if it looks up `compile` as a global; None otherwise."""
    try:
        from attr import _make  # noqa: PLC0415
    except ImportError:
        return None
    runner = getattr(_make, "_compile_and_eval", None)
    code = getattr(runner, "__code__", None)
    if code is None or "compile" not in code.co_names or "compile" in vars(_make):
        return None
    return _make


@contextmanager
def compiled_once(path: Path | None = None) -> Iterator[CodeCache | None]:
    """Within the block, attrs compiles through a `CodeCache` read from `path` (litnotes' cache
    folder by default), saved afterwards when it was mostly missing; yields None when attrs
    cannot be served this way."""
    module = _patchable()
    if module is None:
        log.info("attrs compiles its methods itself (unknown attrs layout)")
        yield None
        return
    try:
        cache = CodeCache.read(path or cache_file())
    except (RuntimeError, KeyError, OSError) as exc:  # no home folder to find the cache folder in
        log.info("attrs compiles its methods itself: %s", exc)
        yield None
        return
    module.compile = cache.compile
    try:
        yield cache
    finally:
        del module.compile
        cache.save()
        log.debug("attrs methods: %d compiled, %d from %s", cache.misses, cache.hits, cache.path)
