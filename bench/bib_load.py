"""Benchmark: load the largest Better BibTeX fixture (7,166 entries, 3 MB) through parse_bibliography.

Usage: .venv/bin/python bench/bib_load.py [N]   (N runs, default 5; prints median and best wall time)
Needs ../shared/corpora next to the checkout; exits with status 2 and a message when it is absent.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "server"))

from litnotes.bib import parse_bibliography  # noqa: E402

FIXTURE = REPO.parent / "shared" / "corpora" / "bibliographies" / "bbt-import" / "Unabbreviate on import #1436-3.bib"


def main(argv: list[str]) -> int:
    runs = int(argv[1]) if len(argv) > 1 else 5
    if runs < 1:
        print("N must be at least 1", file=sys.stderr)
        return 2
    if not FIXTURE.is_file():
        print(f"bib_load: {FIXTURE} is absent: the shared corpora (../shared) must sit next to the checkout",
              file=sys.stderr)
        return 2
    text = FIXTURE.read_text(encoding="utf-8")
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = parse_bibliography(text, str(FIXTURE))
        times.append(time.perf_counter() - start)
    assert result is not None
    print(f"file:     {FIXTURE.name} ({len(text):,} characters)")
    print(f"entries:  {len(result.entries):,} (problems: {len(result.problems)})")
    print(f"runs:     {runs}")
    print(f"median:   {statistics.median(times) * 1000:.0f} ms")
    print(f"best:     {min(times) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
