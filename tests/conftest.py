"""Shared pytest fixtures: the corpora folder and the user's seed note (skipped with a reason when absent)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from shared_paths import CORPORA, SEED, require_shared

# Servers started by the tests keep their persistent index here, never in the user's cache.
os.environ.setdefault("LITNOTES_CACHE_DIR", tempfile.mkdtemp(prefix="litnotes-test-cache-"))


DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "demo-vault"


@pytest.fixture
def demo_copy(tmp_path, monkeypatch) -> Path:
    """A copy of the demo vault in `tmp_path/vault`, its persistent index kept in `tmp_path/cache`."""
    monkeypatch.setenv("LITNOTES_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "vault"
    shutil.copytree(DEMO, root)
    return root


@pytest.fixture
def corpora() -> Path:
    return require_shared(CORPORA)


@pytest.fixture
def seed_text() -> str:
    return require_shared(SEED).read_text(encoding="utf-8")
