"""The `litnotes` command: `serve` starts the language server, everything else is the command line.

This dispatcher sits above both so that `litnotes check` never imports pygls.
"""

from __future__ import annotations

import sys

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "serve":
        from .lsp import main as serve

        return serve(args[1:])
    from .cli import main as cli

    return cli(args)
