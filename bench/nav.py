"""Navigation latencies only: references, definition and hover over stdio, on one generated vault.

The same requests as `bench/run.py` (a scratch note holding `![[hot0000#^id]] [@hot0000]`;
references on the citation, definition and hover on the embed), without the indexing, completion,
memory and `litnotes check` measures, so a change to navigation can be measured in a minute.
`hot0000` is cited about 500 times at any vault size (the size the targets assume); the tag
`#feature` (about 580 uses in as many closed notes at 10k notes) is a second case of that size.

    python bench/nav.py --size 10000 [--reps 50] [--encoding utf-16]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import OUT, ms, open_doc, start, vault_for, wait_ready  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument("--encoding", default="utf-16", choices=["utf-8", "utf-16", "utf-32"])
    parser.add_argument("--cache", type=Path, default=OUT / "nav-cache", help="the server's persistent index folder")
    args = parser.parse_args()
    vault = vault_for(args.size)
    proc, caps = start(vault, args.encoding, args.cache)
    result: dict = {"notes": args.size, "encoding": args.encoding, "ready_s": round(wait_ready(proc, caps, args.size), 2)}
    scratch = vault / "notes" / "Bench nav scratch.md"
    ids = [line.rsplit("^", 1)[1] for line in (vault / "lit/hot/hot0000.md").read_text(encoding="utf-8").splitlines()
           if line.startswith(">[!quote]")]
    embed = f"![[hot0000#^{ids[0]}]] [@hot0000] #feature"
    scratch.write_text(embed, encoding="utf-8")
    try:
        uri, _ = open_doc(proc, scratch, embed)
        doc = {"textDocument": {"uri": uri}}
        on_embed = {**doc, "position": {"line": 0, "character": 5}}
        proc.request("textDocument/hover", on_embed)  # wait until the note is open
        result["hover embed"] = ms([proc.request("textDocument/hover", on_embed)[0] for _ in range(args.reps)])
        result["definition"] = ms([proc.request("textDocument/definition", on_embed)[0] for _ in range(args.reps)])
        for name, at in (("references (hot0000)", embed.index("@hot0000") + 3), ("references (#feature)", len(embed) - 3)):
            on_it = {**doc, "position": {"line": 0, "character": at}, "context": {"includeDeclaration": False}}
            times, refs = [], None
            for _ in range(args.reps):
                took, refs = proc.request("textDocument/references", on_it)
                times.append(took)
            result[name] = {**ms(times), "found": len(refs or []), "notes": len({r["uri"] for r in refs or []}),
                            "json_kb": round(len(json.dumps(refs)) / 1000)}
        proc.close()
    finally:
        scratch.unlink(missing_ok=True)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
