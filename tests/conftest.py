"""Shared pytest fixtures: where the shared corpora live, and how tests skip when they are absent."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CORPORA = SHARED / "corpora"
SEED = SHARED / "seed" / "bereska2024-literature-note.md"


def require_shared(path: Path) -> Path:
    """Return `path`, or skip the calling test with the reason when ../shared is absent."""
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared corpora are only next to the project checkout in CI and dev sessions")
    return path


@pytest.fixture
def corpora() -> Path:
    return require_shared(CORPORA)


@pytest.fixture
def seed_text() -> str:
    return require_shared(SEED).read_text(encoding="utf-8")
