"""Command line: `litnotes check VAULT` (batch checker for people and CI).

Architecture invariant: the CLI never imports pygls; it shares disk, vault and features with the server.
"""

from __future__ import annotations

import argparse
import logging
import sys

from .. import __version__
from ..features import SEVERITY_RANK

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="litnotes", description="Checker and language server for Obsidian research vaults.")
    parser.add_argument("--version", action="version", version=f"litnotes {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="run the language server over stdio (see `litnotes serve --help`)")
    check = sub.add_parser("check", help="report broken links, block references, cite keys and front matter in a vault")
    check.add_argument("vault", help="path of the vault (the folder that holds .obsidian)")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--severity", choices=tuple(SEVERITY_RANK), default="information",
                       help="show diagnostics of this severity and worse (default: information)")
    check.add_argument("--no-index", action="store_true",
                       help="parse every note; neither read nor write the persistent index (parsed notes kept "
                            "between runs and reused while a note's content is unchanged: its size and modification time, or "
                            "its digest when only the time changed)")
    check.add_argument("-v", "--verbose", action="store_true", help="log skipped files")
    cite = sub.add_parser("cite", help="print the citation card of a cite key")
    cite.add_argument("key", help="the cite key, with or without @")
    cite.add_argument("vault", nargs="?", default=".", help="path of the vault (default: current folder)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) if exc.code in (0, None) else 2
    if args.command == "check":
        logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="litnotes: %(message)s")
        from .check import run_check

        return run_check(args.vault, args.format, args.severity, use_index=not args.no_index)
    if args.command == "cite":
        logging.basicConfig(level=logging.WARNING, format="litnotes: %(message)s")
        from .check import run_cite

        return run_cite(args.key, args.vault)
    parser.print_usage(sys.stderr)
    return 2
