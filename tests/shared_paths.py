"""Where the shared corpora live, and how tests skip (with the reason) when they are absent."""

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
