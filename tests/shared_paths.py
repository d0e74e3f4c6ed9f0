"""Where the shared corpora live, and how tests skip (with the reason) when they are absent; the
benchmark's vault generator, which some tests use too."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

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


def bench_generator() -> ModuleType:
    """`bench/generate.py` (the deterministic vaults `make bench` measures) as a module."""
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
