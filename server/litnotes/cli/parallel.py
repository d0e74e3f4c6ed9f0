"""`litnotes check` on every core: diagnosing and rendering a loaded vault, split across forked children.

The vault snapshot is immutable and the CLI single-threaded, so after the load a child forked per
part shares it copy-on-write and nothing is pickled but each part's result (its rendered text and
counts). The parts are contiguous runs of the sorted paths of about equal work, so printing the
results in part order gives exactly the serial output. The parent works on the last part itself. A
child that fails or dies is no loss: the parent does its part again. Where the platform cannot
fork, other threads run or the vault is small, one process does everything.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from typing import Callable, Sequence, TypeVar

__all__ = ["run_parts", "split_by_weight", "usable_cores"]

T = TypeVar("T")
SMALL = 400  # items below which one process does the whole job (a fork costs a few milliseconds)


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def split_by_weight(items: Sequence[T], weight: Callable[[T], int], parts: int) -> list[list[T]]:
    """`items` cut into at most `parts` contiguous runs of about equal total weight (none empty)."""
    if parts <= 1 or len(items) < 2:
        return [list(items)] if items else []
    weights = [max(1, weight(item)) for item in items]
    total = sum(weights)
    runs: list[list[T]] = [[]]
    done = 0
    for item, w in zip(items, weights):
        if runs[-1] and len(runs) < parts and done >= total * len(runs) / parts:
            runs.append([])
        runs[-1].append(item)
        done += w
    return runs


def run_parts(work: Callable[[list[T]], object], parts: list[list[T]], streams=()) -> list[object]:
    """`[work(part) for part in parts]`, the parts but the last in forked children (see the module)."""
    if len(parts) < 2 or sum(map(len, parts)) < SMALL or not hasattr(os, "fork") or threading.active_count() > 1:
        return [work(part) for part in parts]
    for stream in (*streams, sys.stdout, sys.stderr):
        stream.flush()  # nothing buffered may be written twice
    children: list[tuple[int, int] | None] = []
    for part in parts[:-1]:
        children.append(_fork(work, part))
    results: list[object] = [None] * len(parts)
    results[-1] = work(parts[-1])
    for i, child in enumerate(children):
        got = _collect(child) if child is not None else None
        results[i] = got[0] if got is not None else work(parts[i])  # a failed child's part, done here
    return results


def _fork(work, part) -> tuple[int, int] | None:
    try:
        read_end, write_end = os.pipe()
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:  # the child: send the result, then leave without the parent's exit handlers or buffers
        code = 1
        try:
            os.close(read_end)
            data = pickle.dumps(work(part), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    return pid, read_end


def _collect(child: tuple[int, int]) -> tuple[object] | None:
    """(result,) from a child, or None when it failed (its exit status is not 0 or its data is cut)."""
    pid, read_end = child
    chunks = []
    with os.fdopen(read_end, "rb") as pipe:
        while chunk := pipe.read(1 << 20):
            chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    if status != 0:
        return None
    try:
        return (pickle.loads(b"".join(chunks)),)
    except Exception:  # noqa: BLE001 - a cut or garbled result: the parent redoes the part
        return None
