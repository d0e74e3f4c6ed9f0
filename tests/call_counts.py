"""Counting the interpreter's function calls (Python and C, through `sys.setprofile`): the
deterministic measure of work the scaling tests use instead of clocks."""

from __future__ import annotations

import sys


def count_calls(action) -> tuple[int, object]:
    """(calls made while running `action()`, its result)."""
    count = [0]

    def profiler(frame, event, arg):
        if event in ("call", "c_call"):
            count[0] += 1

    sys.setprofile(profiler)
    try:
        result = action()
    finally:
        sys.setprofile(None)
    return count[0], result
