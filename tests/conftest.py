"""Shared pytest fixtures: the corpora folder and the user's seed note (skipped with a reason when absent)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from shared_paths import CORPORA, SEED, require_shared

# Servers started by the tests keep their persistent index here, never in the user's cache.
os.environ.setdefault("LITNOTES_CACHE_DIR", tempfile.mkdtemp(prefix="litnotes-test-cache-"))


@pytest.fixture
def corpora() -> Path:
    return require_shared(CORPORA)


@pytest.fixture
def seed_text() -> str:
    return require_shared(SEED).read_text(encoding="utf-8")
