"""When the server's own file watcher starts (lsp/watch.py): after a vault's first indexing, once
the exchange with the client pauses, at the latest after `WATCH_LATEST`; the watcher's set-up
comes before the catch-up's walk, so a change is caught by one or the other."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from litnotes.lsp import watch
from litnotes.lsp.session import Session
from litnotes.vault import VaultHost


@pytest.fixture
def started(monkeypatch) -> list[tuple[str, float]]:
    """What `start_watching` starts, in order, with the time it starts."""
    events: list[tuple[str, float]] = []

    async def fake_watch(ls, session) -> None:
        events.append(("watch", time.monotonic()))

    async def fake_catch_up(ls, session) -> None:
        events.append(("catch-up", time.monotonic()))

    monkeypatch.setattr(watch, "_watch", fake_watch)
    monkeypatch.setattr(watch, "_catch_up", fake_catch_up)
    monkeypatch.setattr(watch, "WATCH_QUIET", 0.3)
    return events


def stub_server() -> SimpleNamespace:
    return SimpleNamespace(protocol=SimpleNamespace(last_activity=time.monotonic()), background=set())


async def until(predicate, timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "timed out"
        await asyncio.sleep(0.02)


async def chatter(ls: SimpleNamespace, seconds: float) -> None:
    """A client busy for `seconds`: a message every 50 ms."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ls.protocol.last_activity = time.monotonic()
        await asyncio.sleep(0.05)


async def test_the_watcher_waits_for_a_pause_in_the_exchange(started, tmp_path: Path) -> None:
    ls, session = stub_server(), Session(tmp_path, VaultHost())
    begun = time.monotonic()
    watch.start_watching(ls, session, wait=True)
    await chatter(ls, 0.6)
    last = ls.protocol.last_activity
    await until(lambda: len(started) == 2)
    assert [name for name, _ in started] == ["watch", "catch-up"]
    assert started[0][1] >= last + 0.3 and started[0][1] >= begun + 0.6
    watch.start_watching(ls, session, wait=True)  # once per vault
    await asyncio.sleep(0.3)
    assert len(started) == 2


async def test_a_quiet_exchange_still_waits_from_the_end_of_indexing(started, tmp_path: Path) -> None:
    """A client that sent nothing for a while (it was waiting for an answer while the load held the
    interpreter) is not idle yet: the pause counts from the end of the indexing."""
    ls, session = stub_server(), Session(tmp_path, VaultHost())
    ls.protocol.last_activity = time.monotonic() - 5
    begun = time.monotonic()
    watch.start_watching(ls, session, wait=True)
    await until(lambda: len(started) == 2)
    assert [name for name, _ in started] == ["watch", "catch-up"] and started[0][1] >= begun + 0.3


async def test_a_client_that_never_pauses_gets_its_watcher_at_the_latest(started, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(watch, "WATCH_LATEST", 0.3)
    ls, session = stub_server(), Session(tmp_path, VaultHost())
    begun = time.monotonic()
    watch.start_watching(ls, session, wait=True)
    await chatter(ls, 1.5)
    assert [name for name, _ in started] == ["watch", "catch-up"]  # while the client went on
    assert started[0][1] - begun >= 0.3


async def test_without_waiting_it_starts_at_once(started, tmp_path: Path) -> None:
    """A client whose answer to the watcher registration says it cannot watch: the vaults already
    read are watched from then on."""
    ls, session = stub_server(), Session(tmp_path, VaultHost())
    watch.start_watching(ls, session)
    await until(lambda: len(started) == 2, timeout=0.25)
    assert [name for name, _ in started] == ["watch", "catch-up"]
