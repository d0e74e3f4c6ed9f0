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

from ..disk.load import usable_cores

__all__ = ["run_parts", "split_by_weight", "usable_cores", "fork_call"]

T = TypeVar("T")
SMALL = 400  # items below which one process does the whole job (a fork costs a few milliseconds)


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


def can_fork() -> bool:
    """Forking is safe: the platform has it and no other thread runs (a fork copies only this one)."""
    return hasattr(os, "fork") and threading.active_count() == 1


def fork_call(fn: Callable[[], object], streams=()) -> int | None:
    """Run `fn()` in a forked child and return its pid (None when the fork fails). The child leaves
    with status 0 or 1, without the parent's exit handlers or buffered output (flushed here first)."""
    for stream in (*streams, sys.stdout, sys.stderr):
        stream.flush()  # nothing buffered may be written twice
    try:
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:
        code = 1
        try:
            fn()
            code = 0
        finally:
            os._exit(code)
    return pid


def run_parts(work: Callable[[list[T]], object], parts: list[list[T]], streams=()) -> list[object]:
    """`[work(part) for part in parts]`, the parts but the last in forked children (see the module)."""
    if len(parts) < 2 or sum(map(len, parts)) < SMALL or not can_fork():
        return [work(part) for part in parts]
    children = [_fork(work, part, streams) for part in parts[:-1]]
    results: list[object] = [None] * len(parts)
    results[-1] = work(parts[-1])
    for i, child in enumerate(children):
        got = _collect(child) if child is not None else None
        results[i] = got[0] if got is not None else work(parts[i])  # a failed child's part, done here
    return results


def _fork(work, part, streams=()) -> tuple[int, int] | None:
    """(pid, read end of its pipe) of a child sending `work(part)` pickled, or None."""
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None

    def child() -> None:
        os.close(read_end)
        data = pickle.dumps(work(part), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(data)

    pid = fork_call(child, streams)
    os.close(write_end)
    if pid is None:
        os.close(read_end)
        return None
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
