"""The persistent index: parsed notes kept between sessions, so a restart re-parses only what changed.

One file per vault in the user's cache directory (`$LITNOTES_CACHE_DIR`, else `$XDG_CACHE_HOME/litnotes`,
`~/Library/Caches/litnotes` or `%LOCALAPPDATA%\\litnotes`), in a folder created private to the user
(0700) and written atomically (temporary file, then rename). A JSON header names the format, the
litnotes version, a fingerprint of the parser's source, the vault and the parse options; any
difference, a truncated or corrupt file, or a failure while reading discards the file and the vault
is indexed from scratch. Each note is reused when its size and modification time are unchanged, or
when only its modification time changed and its content is still the one parsed (the first 16 bytes
of its SHA-256, kept with it): a git checkout in CI, a sync client or a `touch` rewrites the times
of files it leaves as they were, and hashing a note costs ~1/40 of parsing it.

The body is a sequence of pickled chunks of litnotes' own records, ended by a pickled None (a file
cut short never reads as complete); it is only ever read from the user's private cache
folder, which only the user (who could run code anyway) can write.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import sys
import tempfile
import time
from array import array
from functools import lru_cache
from pathlib import Path

from .. import __version__
from ..frozen import fast
from ..vault.index import Summary
from .scan import content_digest, same_content

__all__ = ["IndexCache", "cache_root"]

log = logging.getLogger(__name__)
FORMAT = 7  # 2: chunks ending with None; 3: entries hold the note's summary; 4: its dependency keys in one table; 5: parsed bibliographies; 6: the dependents table; 7: each note's content digest
CHUNK = 250  # notes per pickled chunk: writing one holds the interpreter for ~10 ms, not for the whole index
MAGIC = "litnotes-index"
TEMP_PREFIX = ".index-"  # the file being written, renamed to index.bin when complete
ABANDONED_SECONDS = 600  # a temporary file untouched this long belongs to a save that never finished
SUMMARY_SOURCES = ("index.py", "names.py", "resolver.py")  # the vault modules `summary()` runs


def cache_root() -> Path:
    if os.environ.get("LITNOTES_CACHE_DIR"):
        return Path(os.environ["LITNOTES_CACHE_DIR"])
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "litnotes"
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", Path.home())) / "litnotes"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "litnotes"


@lru_cache(maxsize=1)
def parser_fingerprint() -> str:
    """Changes whenever the code making the cached records changes (the parser, the summaries of
    `vault/index.py` with the name rules they use, and the bibliography readers), so records from
    other code are never reused."""
    digest = hashlib.sha1(__version__.encode())
    package = Path(__file__).resolve().parent.parent
    sources = ([package / "frozen.py"] + sorted((package / "syntax").glob("*.py"))
               + [package / "vault" / name for name in SUMMARY_SOURCES]
               + sorted((package / "bib").glob("*.py")))
    for path in sources:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class IndexCache:
    """The cached records of one vault: `lookup(rel, stat)` and `save(entries)`."""

    def __init__(self, root: Path, options_key: str) -> None:
        self.root = root.resolve()
        self.path = cache_root() / hashlib.sha1(str(self.root).encode()).hexdigest()[:16] / "index.bin"
        self.header = {"magic": MAGIC, "format": FORMAT, "version": __version__, "parser": parser_fingerprint(),
                       "root": str(self.root), "options": options_key}
        self.entries: dict[str, tuple] = {}  # rel -> (stamp, syntax, problems, packed summary, digest), as read
        self.keys: list[str] = []  # the dependency-key table the packed summaries number into
        self.libraries: dict[str, tuple] = {}  # absolute path -> ((mtime_ns, size), Bibliography | None, problems, digest)
        # Who uses each key of `keys`, by entry number (entries are saved sorted by path): its first
        # user, and all of them for a key used by several notes (`dependents`).
        self.first_users = array("i")
        self.users: dict[int, array] = {}
        self.reused = 0
        self.rehashed = 0  # of those, notes whose stamp had changed but not their content

    def load(self) -> bool:
        """Read the cache; False (and the file removed) when it is absent, foreign, old or broken."""
        try:
            with open(self.path, "rb") as f:
                size = int.from_bytes(f.read(4), "big")
                header = json.loads(f.read(size).decode("utf-8")) if 0 < size < 65536 else None
                if header != self.header:
                    raise ValueError("header differs (another version, parser, vault or settings)")
                entries: dict = {}
                keys: list[str] | None = None
                users: tuple | None = None
                libraries: dict | None = None
                while (chunk := pickle.load(f)) is not None:  # a file cut short ends in EOFError, not None
                    if isinstance(chunk, list) and keys is None:
                        keys = chunk  # the dependency-key table, after the entries
                    elif isinstance(chunk, dict) and keys is None:
                        entries.update(chunk)
                    elif isinstance(chunk, tuple) and keys is not None and users is None and chunk[0] == "users":
                        users = chunk[1:]  # then who uses each key
                    elif isinstance(chunk, tuple) and users is not None and libraries is None and chunk[0] == "libraries":
                        libraries = chunk[1]  # last: the parsed bibliographies
                    else:
                        raise ValueError("body is not a sequence of mappings, one key table, its users and the libraries")
                if keys is None or users is None or not isinstance(libraries, dict):
                    raise ValueError("no dependency-key table, no users or no libraries")
                first_users, several = users
                if (not isinstance(first_users, array) or len(first_users) != len(keys) or not isinstance(several, dict)
                        or (keys and not 0 <= min(first_users) <= max(first_users) < len(entries))):
                    raise ValueError("the users of the dependency keys do not match the key table and the notes")
        except FileNotFoundError:
            return False
        except Exception as exc:  # noqa: BLE001 - never trust a cache that does not read back perfectly
            log.info("discarding the persistent index %s: %s", self.path, exc)
            self.discard()
            return False
        self.entries = entries  # summaries still packed: `lookup` unpacks the one it returns
        self.keys = keys
        self.first_users, self.users = first_users, several
        self.libraries = libraries
        return True

    def lookup(self, rel: str, stamp: tuple[int, int]):
        """(syntax, problems, summary, digest) recorded for `rel` when its (mtime_ns, size) is
        unchanged, or when only its mtime changed and its content's digest is the recorded one (the
        file is read then); else None."""
        entry = self.entries.get(rel)
        if entry is None or not same_content(self.root / rel, entry[0], entry[4], stamp):
            return None
        if entry[0] != stamp:
            self.rehashed += 1
        self.reused += 1
        return entry[1], entry[2], _summary(entry[3], self.keys), entry[4]

    def dependents(self, paths: dict[str, str]):
        """`(key, users)` for every dependency key, as `Tables.add_summaries` would make them from
        the saved summaries (the path for one user, a sorted tuple for several), with the vault's
        own path strings (`paths`: rel -> itself); None when a saved note is not among `paths`.

        Only right for a load that reused every saved note and parsed none: the caller checks
        (`all_reused`). At 100k notes this takes ~0.3 s where grouping the summaries took 1.5 s."""
        try:
            rels = list(map(paths.__getitem__, self.entries))  # entry number -> path, shared with the vault
        except KeyError:
            return None
        values: list = list(map(rels.__getitem__, self.first_users))
        for key, numbers in self.users.items():
            values[key] = tuple(map(rels.__getitem__, numbers))
        return zip(self.keys, values)

    @property
    def all_reused(self) -> bool:
        """Was every saved note looked up and reused?"""
        return self.reused == len(self.entries)

    def forget_records(self) -> None:
        """Drop what `load` read once every note has been looked up (at 100k notes the records and
        the key table held ~24 MB that a loaded vault no longer needs)."""
        self.entries, self.keys, self.libraries = {}, [], {}
        self.first_users, self.users = array("i"), {}

    def save(self, entries: dict[str, tuple], libraries: dict[str, tuple] | None = None) -> None:
        """Write `rel -> ((mtime_ns, size), syntax, problems, summary, digest)` and the parsed
        bibliographies (`path -> ((mtime_ns, size), library, problems)`) atomically into a private
        folder. A note parsed now has no digest yet: it is read for one here, after the load, not by
        the parse workers (+4 % of their time, on the way to ready), and kept only while the file
        still has the stamp taken before it was parsed (a same-size rewrite within one clock tick of
        that stamp is not saved at all: `save_index`'s settle time)."""
        try:
            self.path.parent.parent.mkdir(parents=True, exist_ok=True, mode=0o700)  # litnotes' own folder: private when we create it
            self.path.parent.mkdir(exist_ok=True, mode=0o700)
            os.chmod(self.path.parent, 0o700)
            _sweep_abandoned(self.path.parent)
            header = json.dumps(self.header).encode("utf-8")
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=TEMP_PREFIX)
            try:
                self._write(fd, header, entries, libraries)
            except BaseException:
                _unlink(tmp)  # a failed write leaves no partial file behind (a killed process does: `_sweep_abandoned`)
                raise
            os.replace(tmp, self.path)
        except OSError as exc:
            log.warning("could not write the persistent index %s: %s", self.path, exc)

    def _write(self, fd: int, header: bytes, entries: dict[str, tuple], libraries: dict[str, tuple] | None) -> None:
        """The file's header and body, into the open temporary file `fd`."""
        with os.fdopen(fd, "wb") as f:
            f.write(len(header).to_bytes(4, "big") + header)
            items = sorted(entries.items())  # by path: each key's users come out sorted (`dependents`)
            keys: dict[str, int] = {}
            users = _Users()
            for i in range(0, len(items), CHUNK):
                # Chunks, so that the language server's requests get their turn while it saves in a thread.
                chunk = {}
                for number, (rel, (stamp, syntax, problems, made, digest)) in enumerate(items[i:i + CHUNK], i):
                    if digest is None and syntax is not None:
                        digest = content_digest(self.root / rel, stamp)
                    packed = chunk[rel] = (stamp, syntax, problems, _packed(made, keys), digest)
                    if packed[3] is not None:
                        users.add(number, packed[3][2])
                pickle.dump(chunk, f, protocol=pickle.HIGHEST_PROTOCOL)
                time.sleep(0)
            pickle.dump(list(keys), f, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(("users", users.first, users.several), f, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(("libraries", libraries or {}), f, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(None, f, protocol=pickle.HIGHEST_PROTOCOL)

    def discard(self) -> None:
        _unlink(self.path)


def _sweep_abandoned(folder: Path) -> None:
    """Remove the temporary files of saves that never finished: a server killed while it wrote
    the index (an editor quitting, `exit` during the save) leaves one, up to the index's size. A
    file nobody has written to for `ABANDONED_SECONDS` is abandoned; a save in progress writes a
    chunk every few milliseconds."""
    limit = time.time() - ABANDONED_SECONDS
    try:
        with os.scandir(folder) as found:
            stale = [entry.path for entry in found
                     if entry.name.startswith(TEMP_PREFIX) and entry.is_file(follow_symlinks=False)
                     and entry.stat(follow_symlinks=False).st_mtime < limit]
    except OSError:
        return
    for path in stale:
        log.info("removing an unfinished persistent index %s", path)
        _unlink(path)


def _unlink(path: str | Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


class _Users:
    """Who uses each dependency key, by entry number, as `save` numbers the keys (in order of
    first use): `first[key]`, and for a key of several users `several[key]`, all of them."""

    def __init__(self) -> None:
        self.first = array("i")
        self.several: dict[int, array] = {}

    def add(self, number: int, keys: array) -> None:
        first, several = self.first, self.several
        for key in keys:
            if key == len(first):  # a key first used now (numbers are handed out in this order)
                first.append(number)
            elif key in several:
                several[key].append(number)
            else:
                several[key] = array("i", [first[key], number])


def _packed(made: Summary | None, keys: dict[str, int]):
    """A summary as the file keeps it: its dependency keys as numbers into one table for the whole
    vault, so that a load makes each key once (a key used by several notes was a string per note:
    53k extra strings, 4 MB, at 10k notes) and the tables built from them share those strings."""
    if made is None:
        return None
    return made.aliases, made.cites, array("I", [keys.setdefault(k, len(keys)) for k in made.depends])


_make_summary = fast(Summary)  # one per note a restart reuses


def _summary(packed, keys: list[str]) -> Summary | None:
    if packed is None:
        return None
    aliases, cites, numbers = packed
    return _make_summary(aliases, cites, tuple(map(keys.__getitem__, numbers)))
