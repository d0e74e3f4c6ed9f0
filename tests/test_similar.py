"""`close_matches` gives exactly `difflib.get_close_matches`' answer (it only skips candidates early)."""

from __future__ import annotations

import difflib
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from litnotes.features.diagnostics.similar import close_matches

_words = st.text(alphabet="abcAB12é😀 -#\0", max_size=12)


@settings(max_examples=400, deadline=None)
@given(_words, st.lists(_words, max_size=12), st.integers(1, 4), st.sampled_from([0.0, 0.3, 0.6, 0.7, 1.0]))
def test_same_as_difflib(word, possibilities, n, cutoff) -> None:
    assert close_matches(word, possibilities, n, cutoff) == difflib.get_close_matches(word, possibilities, n, cutoff)


def test_same_as_difflib_on_block_ids_and_headings() -> None:
    rng = random.Random(7)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    for _ in range(300):
        ids = ["".join(rng.choice(alphabet) for _ in range(8)) for _ in range(rng.randint(0, 80))]
        word = rng.choice(ids)[:rng.randint(4, 8)] + "x" if ids and rng.random() < 0.5 else "".join(rng.choice(alphabet) for _ in range(8))
        assert close_matches(word, ids, 1, 0.7) == difflib.get_close_matches(word, ids, 1, 0.7)
        headings = [f"Section {rng.randint(0, 30)} {rng.choice(['🔬 token', 'notes', ''])}" for _ in range(rng.randint(0, 20))]
        wanted = f"Section {rng.randint(0, 30)}"
        assert close_matches(wanted, headings + headings, 3, 0.6) == difflib.get_close_matches(wanted, headings + headings, 3, 0.6)


def test_rejects_what_difflib_rejects() -> None:
    for n, cutoff in ((0, 0.5), (1, 1.5), (1, -0.1)):
        with pytest.raises(ValueError):
            close_matches("a", ["a"], n, cutoff)
