"""The persistent index is safe: another version's cache, a truncated file and a note edited while the
server was down all lead to exactly the diagnostics of a fresh index; unchanged notes are not re-parsed."""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import shutil
import time
from pathlib import Path

import pytest

from litnotes.disk import IndexCache, load_vault, save_index
from litnotes.disk.scan import same_content
from litnotes.features import check_vault

@pytest.fixture
def vault(demo_copy: Path) -> Path:
    return demo_copy


def fresh(root: Path) -> dict:
    host, _ = load_vault(root, workers=1)
    return {p: [(d.start, d.code, d.message) for d in ds] for p, ds in check_vault(host.vault).items()}


def cached(root: Path):
    host, stats = load_vault(root, workers=1, use_index=True)
    found = {p: [(d.start, d.code, d.message) for d in ds] for p, ds in check_vault(host.vault).items()}
    return found, stats


def index_file(root: Path) -> Path:
    return next((root.parent / "cache").rglob("index.bin"))


def test_second_start_reuses_every_unchanged_note(vault: Path) -> None:
    first, stats = cached(vault)
    assert stats.parsed == stats.notes
    save_index(stats)
    second, stats = cached(vault)
    assert stats.parsed == 0 and second == first == fresh(vault)
    mode = index_file(vault).parent.stat().st_mode & 0o777
    assert mode == 0o700


def test_a_note_edited_while_the_server_was_down_is_reparsed(vault: Path) -> None:
    _, stats = cached(vault)
    save_index(stats)
    note = vault / "Highlight Colour Codings.md"
    note.write_text(note.read_text(encoding="utf-8").replace("Highlighting Colour Codes", "Colours") + "\n", encoding="utf-8")
    found, stats = cached(vault)
    assert stats.parsed == 1
    assert found == fresh(vault)
    assert any(code == "heading.unresolved" for _, code, _ in found["notes/Reading log.md"])


def _set_mtimes(root: Path, seconds_ago: float) -> None:
    """Every file's mtime set as a checkout, a sync client or `touch` would, its content unchanged."""
    when = time.time() - seconds_ago
    for path in root.rglob("*"):
        os.utime(path, (when, when))


def test_a_note_whose_mtime_changed_but_not_its_content_is_reused(vault: Path) -> None:
    """A CI checkout restores the cached index with every file's mtime new: each note is read and
    its digest compared instead of parsing it, and the new stamps are saved for the next start."""
    first, stats = cached(vault)
    save_index(stats)
    _set_mtimes(vault, 600)
    found, stats = cached(vault)
    assert (stats.parsed, stats.rehashed, stats.libraries_parsed) == (0, stats.notes, 0) and stats.worth_saving
    assert found == first == fresh(vault)
    save_index(stats, settle_seconds=2)
    found, stats = cached(vault)
    assert (stats.parsed, stats.rehashed) == (0, 0) and not stats.worth_saving and found == first


@pytest.mark.parametrize("rel, old, new, parsed, libraries_parsed", [
    # A heading renamed: "Reading log" links to it, and now gets `heading.unresolved`.
    ("Highlight Colour Codings.md", "Highlighting Colour Codes", "Highlighting Colour Cydes", 1, 0),
    # A cite key renamed: the notes citing vaswani2017 now cite an unknown key.
    ("My Library.bib", "@inproceedings{vaswani2017,", "@inproceedings{vaswani2018,", 0, 1),
])
def test_a_file_rewritten_to_the_same_size_with_a_new_mtime_is_parsed_again(
        vault: Path, rel: str, old: str, new: str, parsed: int, libraries_parsed: int) -> None:
    first, stats = cached(vault)
    save_index(stats)
    path = vault / rel
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    _set_mtimes(vault, 600)  # its size is unchanged, like every other file's
    found, stats = cached(vault)
    assert (stats.parsed, stats.libraries_parsed, stats.rehashed) == (parsed, libraries_parsed, stats.notes - parsed)
    assert found == fresh(vault) != first


def test_a_digest_is_taken_only_from_the_content_under_the_recorded_stamp(vault: Path) -> None:
    """`same_content` compares a file's digest only under the stamp the scan took (a file changed
    since is not the one scanned), and a save keeps no digest for a note rewritten after it was parsed
    (its digest could be of content that was never parsed): at the next start, with a new mtime,
    that note is parsed again."""
    note = vault / "Highlight Colour Codings.md"
    original = note.read_bytes()
    st = note.stat()
    stamp = (st.st_mtime_ns, st.st_size)
    digest, older = hashlib.sha256(original).digest()[:16], (stamp[0] - 10**9, stamp[1])
    assert same_content(note, stamp, None, stamp)  # the stamp unchanged: not read
    assert same_content(note, older, digest, stamp)  # only the mtime changed
    assert not same_content(note, older, None, stamp)  # no digest recorded
    assert not same_content(note, older, bytes(16), stamp)  # another content
    assert not same_content(note, (stamp[0], stamp[1] + 1), digest, stamp)  # another size
    assert not same_content(note, older, digest, (stamp[0] + 1, stamp[1]))  # changed since the scan
    assert not same_content(vault / "missing.md", older, digest, stamp)
    _, stats = cached(vault)
    note.write_bytes(original.replace(b"Highlighting Colour Codes", b"Highlighting Colour Cydes"))  # after the parse
    save_index(stats)
    index = IndexCache(vault, stats.index.header["options"])
    assert index.load()
    digests = {rel: entry[4] for rel, entry in index.entries.items() if entry[1] is not None}
    assert digests.pop("Highlight Colour Codings.md") is None and None not in digests.values()
    _set_mtimes(vault, 600)
    found, stats = cached(vault)
    assert (stats.parsed, stats.rehashed) == (1, stats.notes - 1)
    assert found == fresh(vault)


def test_a_cache_from_another_version_is_discarded(vault: Path) -> None:
    _, stats = cached(vault)
    save_index(stats)
    path = index_file(vault)
    data = path.read_bytes()
    size = int.from_bytes(data[:4], "big")
    header = json.loads(data[4 : 4 + size])
    header["version"] = "0.0.0-other"
    new = json.dumps(header).encode()
    path.write_bytes(len(new).to_bytes(4, "big") + new + data[4 + size :])
    found, stats = cached(vault)
    assert stats.parsed == stats.notes and found == fresh(vault)
    assert not path.exists()  # discarded, not trusted


@pytest.mark.parametrize("keep", [0, 3, 40, -100])
def test_a_truncated_or_corrupt_cache_is_discarded(vault: Path, keep: int) -> None:
    _, stats = cached(vault)
    save_index(stats)
    path = index_file(vault)
    data = path.read_bytes()
    path.write_bytes(data[:keep] if keep >= 0 else data[:keep] + b"\x00garbage")
    found, stats = cached(vault)
    assert stats.parsed == stats.notes and found == fresh(vault)


def test_another_vaults_cache_is_never_used(vault: Path, tmp_path: Path) -> None:
    _, stats = cached(vault)
    save_index(stats)
    other = tmp_path / "other"
    shutil.copytree(vault, other)
    cache = IndexCache(other, "x")
    assert cache.path != index_file(vault)
    os.makedirs(cache.path.parent, exist_ok=True)
    shutil.copy(index_file(vault), cache.path)  # a copied cache names the wrong vault in its header
    _, stats = load_vault(other, workers=1, use_index=True)
    assert stats.parsed == stats.notes


def test_a_cache_cut_between_two_chunks_is_discarded(vault: Path, monkeypatch) -> None:
    """The body is pickled in chunks ended by None: a file that stops after a whole chunk is not
    mistaken for a complete index with fewer notes."""
    from litnotes.disk import cache as cache_module  # noqa: PLC0415

    monkeypatch.setattr(cache_module, "CHUNK", 1)
    _, stats = cached(vault)
    save_index(stats)
    path = index_file(vault)
    data = path.read_bytes()
    stream = io.BytesIO(data)
    stream.seek(4 + int.from_bytes(data[:4], "big"))
    ends = []
    while pickle.load(stream) is not None:
        ends.append(stream.tell())
    assert len(ends) == stats.notes + 3 and stats.notes > 2  # a chunk per note, the key table, its users, the libraries
    # Whole chunks without the key table; without its users; without the libraries; no end marker.
    for cut in (ends[-4], ends[-3], ends[-2], ends[-1]):
        path.write_bytes(data[:cut])
        found, stats = cached(vault)
        assert stats.parsed == stats.notes and found == fresh(vault)
        assert not path.exists()
        save_index(stats)


def test_summaries_made_by_workers_and_kept_in_the_index_equal_a_rebuild(vault: Path) -> None:
    # Workers (and the persistent index) hand over each note's table contribution; the host uses it
    # only for notes that are not excluded (an excluded note defines no cite keys).
    from litnotes.vault import VaultHost

    (vault / ".litnotes.toml").write_text('exclude = ["literature notes/smith2020.md"]\n', encoding="utf-8")
    for use_index in (False, True, True):  # parsed, then written to the index, then read from it
        host, stats = load_vault(vault, workers=1, use_index=use_index)
        save_index(stats)
        rebuilt = VaultHost.rebuild(host.vault).vault
        assert host.vault.structure() == rebuilt.structure()
    assert stats.parsed == 0
    assert host.vault.summary("literature notes/smith2020.md").cites == ()
    assert host.vault.summary("literature notes/vaswani2017.md").cites != ()


def test_a_vault_loaded_from_the_index_holds_each_dependency_key_once(vault: Path) -> None:
    # The file keeps the keys in one table: a key several notes depend on is one string, shared by
    # their summaries and by the reverse index (4 MB less at 10k notes).
    _, stats = cached(vault)
    save_index(stats)
    host, stats = load_vault(vault, workers=1, use_index=True)
    assert stats.parsed == 0
    vault_ = host.vault
    keys = [k for path in vault_.notes for k in vault_.summary(path).depends]
    assert len(keys) > len(set(keys))  # some key is used by several notes
    assert len({id(k) for k in keys}) == len(set(keys))
    table = {k: k for k in vault_._tables.dependents}
    assert all(table[k] is k for k in keys)


def test_a_restart_takes_the_parsed_bibliographies_from_the_index(vault: Path) -> None:
    first, stats = cached(vault)
    assert stats.libraries_parsed == 2 and stats.worth_saving  # My Library.bib, references.json
    save_index(stats)
    second, stats = cached(vault)
    assert (stats.parsed, stats.libraries_parsed) == (0, 0) and not stats.worth_saving
    assert second == first == fresh(vault)
    # Nothing to save: no save records were made, and the file's records are dropped once looked up
    # (at 100k notes the two held ~24 MB of RSS at ready).
    assert stats.entries is None and (stats.index.entries, stats.index.keys, stats.index.libraries) == ({}, [], {})


def test_a_bibliography_edited_while_the_server_was_down_is_reparsed(vault: Path) -> None:
    _, stats = cached(vault)
    save_index(stats)
    library = vault / "My Library.bib"
    library.write_text(library.read_text(encoding="utf-8") + "\n@article{smith2021,\n  title = {Found},\n  year = {2021}\n}\n",
                       encoding="utf-8")
    found, stats = cached(vault)
    assert (stats.parsed, stats.libraries_parsed) == (0, 1) and stats.worth_saving
    assert found == fresh(vault)
    assert "smith2021" not in " ".join(message for _, _, message in found["notes/Reading log.md"])


def test_a_bibliography_written_just_before_the_load_is_not_kept(vault: Path) -> None:
    """Like notes: a same-size rewrite within one clock tick of the stamp would be reused stale."""
    library = vault / "My Library.bib"
    library.write_bytes(library.read_bytes())  # modified now
    _, stats = cached(vault)
    save_index(stats, settle_seconds=2)
    index = IndexCache(vault, stats.index.header["options"])
    assert index.load() and [Path(p).name for p in index.libraries] == ["references.json"]
    _, stats = cached(vault)
    assert stats.libraries_parsed == 1


@pytest.mark.parametrize("change", ["none", "edited", "removed", "added", "renamed"])
def test_the_dependents_table_from_the_index_equals_a_rebuild(vault: Path, change: str, monkeypatch) -> None:
    """The index keeps who depends on each key; a restart uses that table only when it reused every
    saved note and parsed none, and either way the tables equal a rebuild from the notes."""
    from litnotes.vault import VaultHost
    from litnotes.vault.index import Tables

    for name in ("Shared A", "Shared B"):  # keys with several users
        (vault / "notes" / f"{name}.md").write_text("[[Reading log]] [[@smith2020]] [[Missing]]\n", encoding="utf-8")
    _, stats = cached(vault)
    save_index(stats)
    reading_log = vault / "notes" / "Reading log.md"
    if change == "edited":
        reading_log.write_text(reading_log.read_text(encoding="utf-8") + "\n[[Brand new target]] [[@smith2020]]\n",
                               encoding="utf-8")
    elif change == "removed":
        reading_log.unlink()
    elif change == "added":
        (vault / "notes" / "Added.md").write_text("[[Reading log]] [[Nowhere#Heading]]\n", encoding="utf-8")
    elif change == "renamed":
        reading_log.rename(vault / "notes" / "Reading diary.md")
    given = []
    original = Tables.add_summaries

    def spy(self, items, dependents=None):
        given.append(dependents is not None)
        return original(self, items, dependents)

    monkeypatch.setattr(Tables, "add_summaries", spy)
    host, stats = load_vault(vault, workers=1, use_index=True)
    assert given == [change == "none"]  # taken from the index only when nothing changed
    assert stats.parsed == (1 if change in ("edited", "added", "renamed") else 0)
    table = host.vault._tables.dependents.to_dict()
    assert table == VaultHost.rebuild(host.vault).vault._tables.dependents.to_dict()
    assert table["n:missing.md"] == ("notes/Shared A.md", "notes/Shared B.md")
    found = {p: [(d.start, d.code, d.message) for d in ds] for p, ds in check_vault(host.vault).items()}
    assert found == fresh(vault)


def test_the_dependents_table_from_the_index_shares_the_vaults_paths(vault: Path) -> None:
    _, stats = cached(vault)
    save_index(stats)
    host, stats = load_vault(vault, workers=1, use_index=True)
    assert stats.parsed == 0
    paths = {p: p for p in host.vault.notes}
    for users in host.vault._tables.dependents.values():
        for user in (users,) if isinstance(users, str) else users:
            assert paths[user] is user


@pytest.mark.parametrize("damage", ["short", "out-of-range", "not-an-array"])
def test_a_cache_whose_dependents_do_not_fit_is_discarded(vault: Path, damage: str) -> None:
    _, stats = cached(vault)
    save_index(stats)
    path = index_file(vault)
    data = path.read_bytes()
    stream = io.BytesIO(data)
    body = 4 + int.from_bytes(data[:4], "big")
    stream.seek(body)
    chunks = []
    while (chunk := pickle.load(stream)) is not None:
        chunks.append(chunk)
    _, first, several = chunks[-2]
    if damage == "short":
        first = first[:-1]
    elif damage == "out-of-range":
        first[0] = stats.notes + 5
    else:
        first = list(first)
    chunks[-2] = ("users", first, several)
    path.write_bytes(data[:body] + b"".join(pickle.dumps(c) for c in [*chunks, None]))
    found, stats = cached(vault)
    assert stats.parsed == stats.notes and found == fresh(vault)


def test_the_scan_stamps_each_file_as_reading_it_would_see_it(vault: Path) -> None:
    """The stamps a load checks the index against come from the scan's walk: (mtime_ns, size) of
    each note as `os.stat` gives it, a linked note's from its target, and of every other file only
    when asked (a load whose watcher must catch up); none without the flag."""
    from litnotes.disk import scan_vault

    target = vault / "notes" / "Reading log.md"
    (vault / "linked.md").symlink_to(target)
    scan = scan_vault(vault, stamps=True)
    assert "linked.md" in scan.notes
    assert scan.files
    expected = {rel: ((vault / rel).stat().st_mtime_ns, (vault / rel).stat().st_size) for rel in scan.notes}
    assert scan.stamps == expected
    assert scan.stamps["linked.md"] == scan.stamps["notes/Reading log.md"]
    everything = scan_vault(vault, stamps=True, file_stamps=True).stamps
    assert everything == expected | {rel: ((vault / rel).stat().st_mtime_ns, (vault / rel).stat().st_size)
                                     for rel in scan.files}
    assert scan_vault(vault).stamps == {}


def test_a_save_cleans_up_after_saves_that_never_finished(vault: Path) -> None:
    """A server killed while it wrote the index leaves its temporary file (up to the index's size):
    the next save removes such files once nobody has written to them for ten minutes, and leaves a
    save in progress alone."""
    _, stats = cached(vault)
    save_index(stats)
    folder = index_file(vault).parent
    abandoned, in_progress = folder / ".index-abandoned", folder / ".index-writing"
    abandoned.write_bytes(b"half an index")
    in_progress.write_bytes(b"a chunk")
    old = abandoned.stat().st_mtime - 601
    os.utime(abandoned, (old, old))
    note = vault / "Highlight Colour Codings.md"
    note.write_text(note.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # something to save
    _, stats = cached(vault)
    assert stats.parsed == 1
    save_index(stats)
    assert not abandoned.exists()
    assert in_progress.exists()
    assert index_file(vault).exists()


def test_a_failed_save_leaves_no_temporary_file(vault: Path, monkeypatch) -> None:
    _, stats = cached(vault)

    def fail(*args) -> None:
        raise pickle.PicklingError("cannot pickle")

    monkeypatch.setattr(IndexCache, "_write", staticmethod(fail))
    with pytest.raises(pickle.PicklingError):
        save_index(stats)
    assert not [p for p in (vault.parent / "cache").rglob(".index-*")]


def test_changed_since_finds_what_a_load_would_now_read_differently(vault: Path) -> None:
    """What a file watcher started after a load must catch up with: files created, removed or with
    another (mtime_ns, size) since the load's stamps, settings files included, and any file
    modified from `since_ns` on (a same-size rewrite within one clock tick keeps its stamp)."""
    import time

    from litnotes.disk import changed_since, scan_vault

    hour_ago = time.time_ns() - 3600 * 10**9
    for path in [vault / ".obsidian" / "app.json", *vault.rglob("*")]:
        if path.is_file():
            os.utime(path, ns=(hour_ago, hour_ago))
    since = time.time_ns() - 2 * 10**9
    _, stats = load_vault(vault, workers=1, keep_stamps=True)
    assert ".obsidian/app.json" in stats.stamps and "notes/Reading log.md" in stats.stamps
    assert any(not rel.endswith(".md") for rel in stats.stamps)  # attachments and libraries too

    def changed() -> set[str]:
        return changed_since(vault, stats.stamps, since, scan_vault(vault, stamps=True, file_stamps=True))

    assert changed() == set()

    (vault / "Created.md").write_text("# new\n", encoding="utf-8")
    (vault / "Highlight Colour Codings.md").unlink()
    log = vault / "notes" / "Reading log.md"
    log.write_text(log.read_text(encoding="utf-8") + "more\n", encoding="utf-8")
    attachment = next(rel for rel in stats.stamps if not rel.endswith(".md") and not rel.startswith("."))
    (vault / attachment).unlink()
    (vault / ".litnotes.toml").write_text('exclude = ["x/**"]\n', encoding="utf-8")
    # Rewritten with the same size and given back its stamp: found only while it is recent.
    same = next(rel for rel in sorted(stats.stamps) if rel.startswith("literature"))
    (vault / same).write_bytes((vault / same).read_bytes().upper())
    os.utime(vault / same, ns=(hour_ago, hour_ago))
    assert changed() == {
        "Created.md", "Highlight Colour Codings.md", "notes/Reading log.md", attachment, ".litnotes.toml"}
    os.utime(vault / same, ns=(since, since))
    assert same in changed()


def test_the_walk_of_a_large_folder_comes_in_steps(tmp_path: Path) -> None:
    """The server's catch-up walks the vault on its event loop (watch.py), a step at a time: a
    folder of 1,000 notes is not listed and stamped in one go."""
    from litnotes.disk.scan import WALK_STEP, ScanResult, scan_vault, walk_vault

    for i in range(1000):
        (tmp_path / f"n{i:04}.md").write_text("x", encoding="utf-8")
    walked = ScanResult(tmp_path)
    steps = sum(1 for _ in walk_vault(walked, stamps=True, file_stamps=True))
    assert steps == 1 + 1000 // WALK_STEP
    assert walked == scan_vault(tmp_path, stamps=True, file_stamps=True) and len(walked.stamps) == 1000


def test_a_vault_named_relative_to_the_current_folder_reuses_the_libraries(vault: Path, monkeypatch) -> None:
    """`litnotes check .` after a server (absolute `rootUri`) saved the index: one index per vault,
    and its libraries are found however the vault is spelt (they were keyed by the spelling)."""
    _, stats = cached(vault.resolve())
    assert stats.libraries_parsed == 2
    save_index(stats)
    monkeypatch.chdir(vault.parent)
    found, stats = cached(Path(vault.name))
    assert (stats.parsed, stats.libraries_parsed) == (0, 0)
    assert found == fresh(vault)
