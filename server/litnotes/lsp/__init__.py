"""The language server: a thin pygls adapter over disk, vault and features.

Architecture invariant: this is the only package that imports pygls or lsprotocol. Handlers
convert positions in, call one feature function and convert results out; `register` below is the
complete routing table.
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys

__all__ = ["build_server", "main"]


def build_server():
    from . import diagnostics, editing, indexing, language, navigation, paranoid, sync
    from .server import LitnotesServer

    server = LitnotesServer()
    indexing.register(server)  # initialize, initialized, shutdown
    sync.register(server)  # didOpen/didChange/didClose/didSave, watched files, file operations, configuration
    diagnostics.register(server)  # textDocument/diagnostic, workspace/diagnostic (pull)
    language.register(server)  # completion, completionItem/resolve, hover
    navigation.register(server)  # definition, references, document/workspace symbols, document links, code lens
    editing.register(server)  # prepareRename, rename, willRenameFiles, code actions (quick fixes), litnotes.applyEdit
    paranoid.register(server)  # litnotes.verify (the index against a rebuild and a fresh load from disk)
    return server


# Collect young objects less often than CPython's default (700 allocations): a request that builds
# thousands of result objects otherwise runs several collections, and a full one rescans every
# object created since the index was frozen (20-60 ms pauses measured at 10k notes).
GC_THRESHOLDS = (20_000, 20, 20)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="litnotes serve", description="Run the litnotes language server.")
    parser.add_argument("--stdio", action="store_true", help="talk over stdin/stdout (the default)")
    parser.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP port instead (for debugging)")
    parser.add_argument("--log-file", help="write the server log to this file")
    parser.add_argument("--log-level", default="WARNING", choices=("DEBUG", "INFO", "WARNING", "ERROR"))
    parser.add_argument("--workers", type=int, help="processes used to index a large vault (default: all cores)")
    parser.add_argument("--no-index", action="store_true", help="do not read or write the persistent index")
    parser.add_argument("--paranoid", action="store_true",
                        help="after every change, check the index against a rebuild (slow; for tests and bug reports)")
    args = parser.parse_args(argv)
    gc.set_threshold(*GC_THRESHOLDS)
    from .codecache import compiled_once, forget_sources  # noqa: PLC0415

    with compiled_once():  # importing pygls: attrs' generated methods come compiled from the last start
        from .robust import hard_exit, redact_logs

        server = build_server()
    forget_sources()  # before the index is loaded, so that it reuses the memory
    handler = logging.FileHandler(args.log_file) if args.log_file else logging.StreamHandler(sys.stderr)
    redact_logs(handler, args.log_level)  # no note text in the log above DEBUG
    logging.basicConfig(level=args.log_level, handlers=[handler], format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("pygls").setLevel(max(logging.WARNING, logging.getLevelName(args.log_level)))  # no note text in logs
    server.workers = args.workers
    server.use_index = not args.no_index
    server.paranoid_flag = args.paranoid
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        server.start_io()
    # The client closed the connection (or sent `exit`): end now, without waiting for indexing threads.
    hard_exit(0 if server.protocol._shutdown else 1)
