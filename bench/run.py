"""`make bench`: drive the real `litnotes serve` over stdio on generated vaults and report latencies.

For each vault size: spawn → ready (a `workspace/symbol` query finds a heading in a note that was
never opened; if the server offers no workspace symbols, the end of its indexing progress),
`didChange` → `publishDiagnostics` on a literature note (debounce 0), completion at `[[`,
`[[note#^` and `[@`, hover on an embed, references of a note cited ~500 times, workspace symbols
(a word of many quotes, a heading of one note), RSS at ready and after 1,000 edits, and
`litnotes check` wall time (without, then with its persistent index). Latencies are taken `--reps`
times; the start-ups (cold, warm) and the checks `start_reps(size)` times, each after reading the
whole vault once (the targets are for a warm page cache). Every measure is reported as median and
p95. Results go to bench/out/results.json and a Markdown table on stdout.

    python bench/run.py --sizes 1000 10000 [--reps 50] [--start-reps N] [--no-corpus]

When ../shared/corpora/obsidian-hub is present, that real vault is measured too (start-up, RSS, check).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import queue
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402
from rpc import LspProcess  # noqa: E402

from litnotes.disk import SETTLE_SECONDS  # noqa: E402
from litnotes.syntax import index_note  # noqa: E402

BENCH = Path(__file__).resolve().parent
VAULTS = BENCH / "vaults"
OUT = BENCH / "out"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def ms(values: list[float]) -> dict:
    return {"p50": round(pct(values, 0.5), 2), "p95": round(pct(values, 0.95), 2), "n": len(values)}


def seconds(values: list[float]) -> dict:
    """Median and p95 of start-up or check times, in seconds (with a handful of runs, the p95 is the slowest)."""
    return {"median": round(statistics.median(values), 2), "p95": round(pct(values, 0.95) / 1000, 2),
            "runs": [round(v, 2) for v in values]}


def machine_speed() -> dict:
    """A fixed single-core job timed before and after the run: this VM's speed varies by up to 1.7×
    from hour to hour (its neighbours), and the figures are only comparable with it alongside.
    The job: the seed-shaped literature note of the 1k vault parsed into its index form 200 times
    (median and best of five, in ms)."""
    text = sorted((vault_for(1000) / "lit").rglob("*-literature-note.md"))[0].read_text(encoding="utf-8")
    index_note(text)  # its first call compiles the parser's expressions
    times = []
    for _ in range(5):
        started = time.process_time()
        for _ in range(200):
            index_note(text)
        times.append((time.process_time() - started) * 1000)
    return {"median_ms": round(statistics.median(times)), "best_ms": round(min(times))}


def start_reps(size: int) -> int:
    """How many times start-ups and checks are timed: 5 up to 10k notes, 3 above (a 100k cold start takes ~40 s)."""
    return 5 if size <= 10_000 else 3


def warm_page_cache(vault: Path) -> None:
    """Read every file of the vault once. The targets are for a warm page cache, and this VM pages
    out memory left untouched for about a minute, page cache included (its DAMON scheme), so a vault
    read minutes ago may come from disk again."""
    for folder, _dirs, names in os.walk(vault):
        for name in names:
            try:
                with open(os.path.join(folder, name), "rb") as f:
                    while f.read(1 << 20):
                        pass
            except OSError:
                pass


def vault_for(size: int) -> Path:
    path = VAULTS / f"v{size}"
    stamp = path / ".generated"
    version = hashlib.sha1((Path(__file__).parent / "generate.py").read_bytes()).hexdigest()[:12]
    if not stamp.exists() or stamp.read_text() != version:  # a changed generator makes new vaults
        print(f"generating a {size}-note vault in {path} …", file=sys.stderr)
        generate(size, path)
        stamp.write_text(version)
    # Notes modified less than SETTLE_SECONDS before a load are not saved in the persistent index (a
    # same-size rewrite within one clock tick would be reused stale), so a vault generated a moment
    # ago would have its last-written notes parsed again at the warm start: wait until it has settled.
    time.sleep(max(0.0, stamp.stat().st_mtime + SETTLE_SECONDS + 0.5 - time.time()))
    return path


def start(vault: Path, encoding: str = "utf-16", cache: Path | None = None) -> tuple[LspProcess, dict]:
    """Spawn `litnotes serve`, initialized for `vault` with the persistent index in `cache`."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "LITNOTES_CACHE_DIR": str(cache or OUT / "cache")}
    proc = LspProcess([sys.executable, "-m", "litnotes", "serve", "--stdio"], env=env)
    _, init = proc.request("initialize", {
        "processId": os.getpid(), "rootUri": vault.as_uri(),
        "workspaceFolders": [{"uri": vault.as_uri(), "name": vault.name}],
        "capabilities": {"general": {"positionEncodings": [encoding]}, "window": {"workDoneProgress": True},
                         "textDocument": {"publishDiagnostics": {"relatedInformation": True}},
                         "workspace": {"configuration": False}},
        "initializationOptions": {"debounce-ms": 0},
    })
    proc.notify("initialized", {})
    return proc, init["capabilities"]


def _progress_ended(message: dict) -> bool:
    return message.get("method") == "$/progress" and message["params"]["value"].get("kind") == "end"


def probe_heading(size: int, before: int = 0) -> str:
    """A heading of an ordinary note of the generated vault of `size` notes (the last one's, or the
    one `before` it), which no literature note quotes."""
    n_lit = max(1, size * 3 // 10)
    return f"Topic {size - n_lit - 1 - before}"


def wait_ready(proc: LspProcess, caps: dict, size: int) -> float:
    """Spawn → ready: the first `workspace/symbol` answer that lists a heading of a note never opened.

    The probe goes out every 20 ms once the server has reported its indexing done (`$/progress` end),
    every 250 ms before that: a request every 20 ms throughout takes the interpreter lock from the
    indexing thread 50 times a second, which no editor does (it slowed a 100k-note warm start by
    0.4-1 s). Ready still means the answer, not the report: a probe that misses is sent again."""
    probe = probe_heading(size)
    if caps.get("workspaceSymbolProvider"):
        indexed = False
        while True:
            _, result = proc.request("workspace/symbol", {"query": probe})
            if any(s.get("name") == probe for s in result or []):
                return time.perf_counter() - proc.spawned
            if indexed:
                time.sleep(0.02)
                continue
            try:
                proc.wait_notification(_progress_ended, timeout=0.25)
                indexed = True
            except (TimeoutError, queue.Empty):
                pass
    proc.wait_notification(_progress_ended, timeout=600)
    return time.perf_counter() - proc.spawned


def open_doc(proc: LspProcess, path: Path, text: str | None = None) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8") if text is None else text
    uri = path.as_uri()
    proc.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}})
    return uri, text


def time_starts(vault: Path, runs: int, ready: Callable[[LspProcess, dict], float]) -> tuple[dict, LspProcess, dict]:
    """Spawn → ready `runs` times cold (no persistent index, no compiled attrs methods), then `runs`
    times warm (the index the last cold start wrote), each after reading the whole vault: the
    result's fields for both, and the last warm server, still running, with its capabilities.
    `ready(proc, caps)` waits until the server is ready and gives the seconds since its spawn."""
    index_files = lambda: list((OUT / "cache").glob("*/index.bin"))  # noqa: E731
    times: dict[str, list[float]] = {"cold": [], "warm": []}
    for phase, values in times.items():
        for run in range(runs):
            if phase == "cold":
                shutil.rmtree(OUT / "cache", ignore_errors=True)
            warm_page_cache(vault)
            proc, caps = start(vault)
            values.append(ready(proc, caps))
            if phase == "cold" and run == runs - 1:
                deadline = time.time() + 120
                while not index_files() and time.time() < deadline:  # the server writes its index in the background
                    time.sleep(0.1)
            if phase == "warm" and run == runs - 1:
                break  # the last warm server goes on
            proc.close()
    result = {"ready_cold_s": seconds(times["cold"]), "ready_warm_s": seconds(times["warm"]),
              "index_mb": round(sum(p.stat().st_size for p in index_files()) / 1e6, 1)}
    return result, proc, caps


def bench_size(size: int, reps: int, runs: int) -> dict:
    vault = vault_for(size)
    result: dict = {"notes": size, "mb": round(sum(p.stat().st_size for p in vault.rglob("*.md")) / 1e6, 1)}
    starts, proc, caps = time_starts(vault, runs, lambda proc, caps: wait_ready(proc, caps, size))
    result.update(starts)
    result["ready_how"] = "workspace/symbol" if caps.get("workspaceSymbolProvider") else "$/progress end"
    result["rss_ready_mb"] = round(proc.rss_mb(), 1)

    # didChange -> publishDiagnostics on a literature note: toggle a broken link at its end.
    lit = sorted((vault / "lit").rglob("*-literature-note.md"))[0]
    uri, text = open_doc(proc, lit)
    proc.wait_notification(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri)
    lines = text.count("\n")
    latencies = []
    for i in range(reps):
        version = i + 2
        insert = i % 2 == 0
        change = ({"range": {"start": {"line": lines, "character": 0}, "end": {"line": lines, "character": 0}},
                   "text": "[[Missing for bench]]"} if insert else
                  {"range": {"start": {"line": lines, "character": 0}, "end": {"line": lines, "character": 21}}, "text": ""})
        sent = proc.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                      "contentChanges": [change]})
        at, _ = proc.wait_notification(lambda m, v=version: m.get("method") == "textDocument/publishDiagnostics"
                                       and m["params"]["uri"] == uri and m["params"].get("version") == v)
        latencies.append(at - sent)
    result["didchange_publish_ms"] = ms(latencies)
    result["note_kb"] = round(len(text.encode()) / 1000, 1)

    # Completion and hover in a scratch note.
    scratch = vault / "notes" / "Bench scratch.md"
    scratch.write_text("", encoding="utf-8")
    s_uri, _ = open_doc(proc, scratch, "")
    ids = [line.rsplit("^", 1)[1] for line in (vault / "lit/hot/hot0000.md").read_text(encoding="utf-8").splitlines()
           if line.startswith(">[!quote]")]
    cases = {"completion [[": "x [[", "completion [[note#^": "x [[hot0000#^", "completion [@": "x [@sm"}
    version = 1
    for name, typed in cases.items():
        version += 1
        proc.notify("textDocument/didChange", {"textDocument": {"uri": s_uri, "version": version},
                                               "contentChanges": [{"text": typed}]})
        times = []
        count = 0
        for _ in range(reps):
            took, answer = proc.request("textDocument/completion", {"textDocument": {"uri": s_uri},
                                                                     "position": {"line": 0, "character": len(typed)}})
            times.append(took)
            count = len((answer or {}).get("items", []) if isinstance(answer, dict) else answer or [])
        result[name] = {**ms(times), "items": count}
    version += 1
    embed = f"![[hot0000#^{ids[0]}]] [@hot0000]"
    proc.notify("textDocument/didChange", {"textDocument": {"uri": s_uri, "version": version}, "contentChanges": [{"text": embed}]})
    times = [proc.request("textDocument/hover", {"textDocument": {"uri": s_uri}, "position": {"line": 0, "character": 5}})[0]
             for _ in range(reps)]
    result["hover embed"] = ms(times)
    if caps.get("definitionProvider"):
        times = [proc.request("textDocument/definition", {"textDocument": {"uri": s_uri},
                                                           "position": {"line": 0, "character": 5}})[0] for _ in range(reps)]
        result["definition"] = ms(times)
    if caps.get("referencesProvider"):
        pos = {"line": 0, "character": len(embed) - 3}
        times, found = [], 0
        for _ in range(reps):  # as many as the other requests; the first (which reads the citing notes) is reported too
            took, refs = proc.request("textDocument/references", {"textDocument": {"uri": s_uri}, "position": pos,
                                                                   "context": {"includeDeclaration": False}})
            times.append(took)
            found = len(refs or [])
        result["references (cited ~500x)"] = {**ms(times), "found": found, "first": round(times[0] * 1000, 2)}
    if caps.get("workspaceSymbolProvider"):
        # A word of many quotes (the answer is capped at 200), and two headings taken in turn (the
        # ready probe's and the one before it): neither query holds the other, so each is a fresh
        # search of every note's names, not one narrowed from the last query as typing is.
        for name, queries in (("workspace symbol, common word", ["ablation"]),
                              ("workspace symbol, one heading", [probe_heading(size), probe_heading(size, 1)])):
            times, found = [], 0
            for i in range(reps):
                took, symbols = proc.request("workspace/symbol", {"query": queries[i % len(queries)]})
                times.append(took)
                found = len(symbols or [])
            result[name] = {**ms(times), "found": found}

    # Memory after 1,000 edits.
    before = proc.rss_mb()
    for i in range(1000):
        version += 1
        proc.notify("textDocument/didChange", {"textDocument": {"uri": s_uri, "version": version},
                                               "contentChanges": [{"text": f"{embed} edit {i} [[Topic {i}]]"}]})
    proc.request("textDocument/hover", {"textDocument": {"uri": s_uri}, "position": {"line": 0, "character": 5}})
    after = proc.rss_mb()
    result["rss_after_1000_edits_mb"] = round(after, 1)
    result["rss_growth_pct"] = round(100 * (after - before) / before, 1)
    proc.close()
    scratch.unlink()

    result.update(time_check(vault, runs))
    return result


def time_check(vault: Path, runs: int) -> dict:
    """`litnotes check` wall time with no persistent index (a fresh clone in CI; it writes one meanwhile),
    then again with the index it wrote (a researcher re-running it), `runs` times each."""
    cache = OUT / "check-cache"
    env = {**os.environ, "LITNOTES_CACHE_DIR": str(cache)}
    times: dict[str, list[float]] = {"check_s": [], "check_warm_s": []}
    for _ in range(runs):
        shutil.rmtree(cache, ignore_errors=True)
        for key in times:
            warm_page_cache(vault)
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "litnotes", "check", str(vault)], capture_output=True, check=False, env=env)
            times[key].append(time.perf_counter() - started)
    shutil.rmtree(cache, ignore_errors=True)
    return {key: seconds(values) for key, values in times.items()}


def bench_corpus(vault: Path, runs: int) -> dict:
    """A real vault (obsidian-hub from ../shared/corpora): start-up cold and warm, RSS, `litnotes check`."""
    notes = list(vault.rglob("*.md"))
    result: dict = {"vault": vault.name, "notes": len(notes), "mb": round(sum(p.stat().st_size for p in notes) / 1e6, 1)}

    def indexed(proc: LspProcess, _caps: dict) -> float:
        proc.wait_notification(_progress_ended, timeout=600)
        return time.perf_counter() - proc.spawned

    starts, proc, _caps = time_starts(vault, runs, indexed)
    result.update(starts)
    result["rss_ready_mb"] = round(proc.rss_mb(), 1)
    proc.close()
    result.update(time_check(vault, runs))
    return result


def table(results: list[dict]) -> str:
    rows = ["| measure | " + " | ".join(f"{r['notes']:,} notes ({r['mb']} MB)" for r in results) + " |",
            "|---|" + "---|" * len(results)]

    def row(name, fn):
        rows.append(f"| {name} | " + " | ".join(fn(r) for r in results) + " |")

    row("spawn → ready, cold (median / p95)", lambda r: f"{_runs(r['ready_cold_s'])} ({r['ready_how']})")
    row("spawn → ready, persistent index valid (median / p95)", lambda r: _runs(r["ready_warm_s"]))
    row("didChange → diagnostics (p50 / p95)", lambda r: f"{r['didchange_publish_ms']['p50']} / {r['didchange_publish_ms']['p95']} ms ({r['note_kb']} KB note)")
    for name in ("completion [[", "completion [[note#^", "completion [@", "hover embed", "definition"):
        row(f"{name} (p50 / p95)", lambda r, n=name: f"{r[n]['p50']} / {r[n]['p95']} ms" if n in r else "n/a")
    refs = "references (cited ~500x)"
    row(f"{refs} (p50 / p95; first request)",
        lambda r: f"{r[refs]['p50']} / {r[refs]['p95']} ms; {r[refs].get('first', '?')} ms" if refs in r else "n/a")
    for name in ("workspace symbol, common word", "workspace symbol, one heading"):
        row(f"{name} (p50 / p95; symbols)",
            lambda r, n=name: f"{r[n]['p50']} / {r[n]['p95']} ms; {r[n]['found']}" if n in r else "n/a")
    row("RSS at ready", lambda r: f"{r['rss_ready_mb']} MiB")
    row("RSS growth after 1,000 edits", lambda r: f"{r['rss_growth_pct']} %")
    row("`litnotes check`, no persistent index (median / p95)", lambda r: _runs(r["check_s"]))
    row("`litnotes check`, persistent index valid (median / p95)", lambda r: _runs(r["check_warm_s"]))
    return "\n".join(rows)


def _runs(times: dict) -> str:
    count = len(times["runs"])
    return f"{times['median']} / {times['p95']} s ({count} run{'s' if count != 1 else ''})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--reps", type=int, default=50, help="repetitions of each request latency")
    parser.add_argument("--start-reps", type=int, help="repetitions of each start-up and check (default: start_reps(size))")
    parser.add_argument("--no-corpus", action="store_true", help="skip the real vault (../shared/corpora/obsidian-hub)")
    args = parser.parse_args()
    speed = [machine_speed()]
    results = [bench_size(size, args.reps, args.start_reps or start_reps(size)) for size in args.sizes]
    hub = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "obsidian-hub"
    corpus = bench_corpus(hub, args.start_reps or start_reps(10_000)) if hub.is_dir() and not args.no_corpus else None
    OUT.mkdir(exist_ok=True)
    speed.append(machine_speed())
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    (OUT / "results.json").write_text(json.dumps({"machine": machine, "speed": speed, "results": results, "corpus": corpus},
                                                 indent=1), encoding="utf-8")
    print(f"Machine: {machine}; its speed, a literature note parsed 200 times (median / best of five, before and "
          f"after the run): {speed[0]['median_ms']} / {speed[0]['best_ms']} ms and {speed[1]['median_ms']} / "
          f"{speed[1]['best_ms']} ms\n")
    print(table(results))
    if corpus:
        print(f"\nReal vault `{corpus['vault']}` ({corpus['notes']:,} notes, {corpus['mb']} MB), median / p95: "
              f"ready cold {_runs(corpus['ready_cold_s'])}, warm {_runs(corpus['ready_warm_s'])} ($/progress end); "
              f"RSS {corpus['rss_ready_mb']} MiB; `litnotes check` {_runs(corpus['check_s'])}, "
              f"with its persistent index {_runs(corpus['check_warm_s'])}")
    elif not hub.is_dir():
        print(f"\n(the real vault {hub} is absent: not measured)")


if __name__ == "__main__":
    main()
