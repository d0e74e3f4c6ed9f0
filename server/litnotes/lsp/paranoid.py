"""Paranoid mode: the server checks its own index while it runs.

With `litnotes serve --paranoid` (or `"paranoid": true` in the initialization options) every change
the server applies is followed by a comparison of the incrementally updated index with one rebuilt
from scratch from the same notes (`VaultHost.rebuild`). A difference is logged as an error and sent
to the client as a `litnotes/paranoid` notification `{ok: false, vault, revision, after, tables}`, so
a soak test (or a user chasing a stale diagnostic) sees it at once. It costs a rebuild per change:
a debugging aid, off by default.

The `litnotes.verify` command (always available) goes further: it loads each vault afresh from disk,
applies the editor's open texts as indexing does, and compares that with the live index. It answers
`{ok, checks, mismatches, vaults: [{root, notes, rebuild, disk, tables, keys}], documents: {uri: sha1},
finished_futures}`: `tables` names the tables that differ and `keys` the paths or names whose entries differ
(the log gets only the table names); `documents` hashes each open text, so a client can check that its
edits arrived as made; `finished_futures` counts handler futures kept after they finished (a leak).
It blocks the server for one
load of the vault, so it is meant for tests and bug reports, not for every keystroke.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from typing import TYPE_CHECKING

from ..disk import LibraryCache, load_vault
from ..vault import VaultHost
from .settings import merge_settings

if TYPE_CHECKING:
    from .server import LitnotesServer
    from .session import Session

__all__ = ["check", "verify", "register", "PARANOID_NOTIFICATION", "VERIFY_COMMAND"]

log = logging.getLogger(__name__)
PARANOID_NOTIFICATION = "litnotes/paranoid"
VERIFY_COMMAND = "litnotes.verify"
TABLES = ("notes", "files", "by_name", "lower_paths", "aliases", "cites", "dependents", "summaries", "problems",
          "libraries", "cites_lower")


def differing_tables(a: tuple, b: tuple) -> list[str]:
    return [name for name, x, y in zip(TABLES, a, b) if x != y]


def differing_keys(a: tuple, b: tuple, limit: int = 20) -> dict[str, list[str]]:
    """For each differing table, the keys (paths, names) whose entries differ: for the client, not the log."""
    found = {}
    for name, x, y in zip(TABLES, a, b):
        if x != y:
            if isinstance(x, dict) and isinstance(y, dict):
                keys = {k for k in x.keys() | y.keys() if x.get(k) != y.get(k)}
            else:
                keys = set(x) ^ set(y)
            found[name] = sorted(str(k) for k in keys)[:limit]
    return found


def check(ls: LitnotesServer, session: Session, after: str) -> bool:
    """Compare the session's index with a rebuild from its own contents; report a difference."""
    vault = session.host.vault
    differ = differing_tables(vault.structure(), VaultHost.rebuild(vault).vault.structure())
    ls.paranoid_checks += 1
    if not differ:
        return True
    ls.paranoid_mismatches += 1
    log.error("paranoid: the index of a vault differs from a rebuild after %s (tables: %s)", after, ", ".join(differ))
    ls.protocol.notify(PARANOID_NOTIFICATION, {"ok": False, "vault": str(session.root), "revision": vault.revision,
                                               "after": after, "tables": differ})
    return False


def verify(ls: LitnotesServer) -> dict:
    """Each indexed vault against a rebuild and against a fresh load from disk plus the open texts."""
    from .indexing import open_changes  # noqa: PLC0415

    vaults = []
    for session in list(ls.sessions):
        if not session.index_wanted:
            continue
        if not session.indexed:
            vaults.append({"root": str(session.root), "indexed": False, "rebuild": False, "disk": False, "tables": []})
            continue
        live = session.host.vault.structure()
        rebuilt = differing_tables(live, VaultHost.rebuild(session.host.vault).vault.structure())
        host, _stats = load_vault(session.root, 1, LibraryCache(),
                                  adjust_settings=lambda base: merge_settings(base, ls.editor)[0])
        host.apply(open_changes(ls, session, host.vault))
        fresh = host.vault.structure()
        from_disk = differing_tables(live, fresh)
        if rebuilt or from_disk:
            log.error("verify: the index of a vault differs (rebuild: %s; disk: %s)", rebuilt, from_disk)
        vaults.append({"root": str(session.root), "indexed": True, "notes": len(session.host.vault.notes),
                       "rebuild": not rebuilt, "disk": not from_disk, "tables": sorted(set(rebuilt) | set(from_disk)),
                       "keys": differing_keys(live, fresh)})
    documents = {doc.uri: hashlib.sha1(doc.text.encode("utf-8", "surrogatepass")).hexdigest() for doc in ls.documents}
    return {"ok": all(v["rebuild"] and v["disk"] for v in vaults), "checks": ls.paranoid_checks,
            "mismatches": ls.paranoid_mismatches, "vaults": vaults, "documents": documents,
            "finished_futures": sum(1 for f in list(ls.protocol._request_futures.values()) if f.done())}


def register(server: LitnotesServer) -> None:
    @server.command(VERIFY_COMMAND)
    async def on_verify(ls: LitnotesServer, *args) -> dict:
        """Does every live index equal a rebuild and a fresh load from disk? (tests and bug reports)

        Waits (up to a minute) for vaults still indexing; `documents` gives the SHA-1 of each open
        document's text, so a client can check that its edits arrived as it made them."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 60
        while any(s.index_wanted and not s.indexed for s in ls.sessions) and loop.time() < deadline:
            await asyncio.sleep(0.05)
        return verify(ls)
