"""VaultHost: one edit re-parses one note, only dependents are re-diagnosed, and incremental == rebuild
(a small state machine, and a larger one with renames, settings, libraries and batches of changes)."""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from litnotes.features import diagnose_note
from litnotes.syntax import Problem
from litnotes.vault import Remove, SetFile, SetLibrary, SetNote, SetProblems, SetSettings, VaultHost, VaultSettings

BASE = {
    "paper.md": '---\naliases: ["@smith2020"]\n---\n# Results\ntext ^abc\n',
    "notes/a.md": "[[paper#Results]] [[paper#^abc]] [@smith2020]",
    "notes/b.md": "[[other]]",
    "other.md": "# Other",
}


def host_with(files: dict[str, str]) -> VaultHost:
    host = VaultHost()
    host.apply([SetNote(p, t) for p, t in files.items()])
    return host


def codes(host: VaultHost, path: str) -> list[str]:
    return [d.code for d in diagnose_note(host.vault, path)]


def test_one_edit_parses_exactly_one_note() -> None:
    host = host_with(BASE)
    before = host.parse_count
    host.apply([SetNote("notes/b.md", "[[other]] edited")])
    assert host.parse_count == before + 1


def test_shifting_text_does_not_widen_the_affected_set() -> None:
    host = host_with(BASE)
    _, affected = host.apply([SetNote("paper.md", '---\naliases: ["@smith2020"]\n---\n\n\n# Results\ntext ^abc\n')])
    assert affected == {"paper.md"}


def test_renamed_heading_flips_diagnostics_in_the_linking_note() -> None:
    host = host_with(BASE)
    assert codes(host, "notes/a.md") == []
    _, affected = host.apply([SetNote("paper.md", BASE["paper.md"].replace("# Results", "# Findings"))])
    assert "notes/a.md" in affected and "notes/b.md" not in affected
    assert codes(host, "notes/a.md") == ["heading.unresolved"]
    _, affected = host.apply([SetNote("paper.md", BASE["paper.md"])])
    assert "notes/a.md" in affected and codes(host, "notes/a.md") == []


def test_removed_block_id_and_alias_reach_the_citing_note() -> None:
    host = host_with(BASE)
    _, affected = host.apply([SetNote("paper.md", "# Results\ntext\n")])
    assert "notes/a.md" in affected
    assert codes(host, "notes/a.md") == ["block-ref.unresolved", "cite-key.unknown"]


def test_deleting_and_creating_a_target() -> None:
    host = host_with(BASE)
    _, affected = host.apply([Remove("other.md")])
    assert affected == {"notes/b.md"} and codes(host, "notes/b.md") == ["link.unresolved"]
    _, affected = host.apply([SetFile("other.md")])  # now an attachment-like file named other.md
    assert codes(host, "notes/b.md") == []


def test_old_snapshots_never_change() -> None:
    host = host_with(BASE)
    old = host.vault
    old_structure = old.structure()
    host.apply([SetNote("paper.md", "nothing"), Remove("other.md")])
    assert old.structure() == old_structure and old.note("paper.md") is not None



def assert_equals_rebuild(host: VaultHost) -> None:
    """The incremental vault has the same tables and diagnostics as one rebuilt from scratch."""
    vault = host.vault
    fresh = VaultHost.rebuild(vault).vault
    assert vault.structure() == fresh.structure()
    for path in vault.notes:
        assert diagnose_note(vault, path) == diagnose_note(fresh, path)

NAMES = ["a.md", "b.md", "dir/a.md", "dir/c.md", "@k.md", "img.png"]
BODIES = ["", "[[a]]", "[[b#H]]", "# H\ntext ^x", "[[dir/a]] [[#^x]]", '---\naliases: ["@k", "b"]\n---\n[[@k]]',
          "[@k] [[c#^x]]", "**Cite key**: k", "- item ^x\n- [[b]]"]


class IncrementalMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.host = VaultHost()

    @rule(path=st.sampled_from(NAMES[:-1]), body=st.sampled_from(BODIES))
    def set_note(self, path: str, body: str) -> None:
        self.host.apply([SetNote(path, body)])

    @rule(path=st.sampled_from(NAMES))
    def remove(self, path: str) -> None:
        self.host.apply([Remove(path)])

    @rule()
    def add_attachment(self) -> None:
        self.host.apply([SetFile("img.png")])

    @invariant()
    def equals_rebuild(self) -> None:
        assert_equals_rebuild(self.host)


IncrementalMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=25, deadline=None)
TestIncremental = IncrementalMachine.TestCase


# --- at a larger scale: more files, renames, settings, libraries, several changes per apply ---------------

BIG_NAMES = ["a.md", "b.md", "c.md", "dir/a.md", "dir/b.md", "dir/sub/a.md", "other/c.md", "@k.md", "@smith2020.md",
             "templates/t.md", "Archive/old.md", "x y.md", "Ünïcode.md", "dir/x y.md"]
ATTACHMENTS = ["img.png", "dir/img.png", "doc.pdf"]
LIBRARIES = ["refs.bib", "dir/refs.json"]
BIG_BODIES = BODIES + [
    "[[a#H]] [[a#^x]] ![[img.png]] [[dir/img.png]] [[x y]] [[Ünïcode]]",
    '---\naliases: ["@smith2020", "Alias A"]\ncitekey: smith2020\n---\n# H\n## Sub ^x',
    "[@smith2020] [@k] [@lib1; @lib2] [[@smith2020]] @lib3",
    "---\nlinks: \"[[b]]\"\n---\n[[Alias A]] [[c#Sub]]",
    "> [!note] t ^x\n> body [[other/c]]\n\n- [[dir/sub/a#H]]",
    "**Cite key**: lib1\n# H\n^x",
    "---\naliases: [\"@k\"]\n---\n[[#H]] [[#^x]]\n# H",
    "[[a]] [[b]] [[c]] [[dir/a]] [[dir/b]] [[missing]] [[templates/t]] [[Archive/old]]",
]
SETTINGS = [
    VaultSettings(),
    VaultSettings(exclude=("templates/",)),
    VaultSettings(exclude=("Archive/**", "dir/sub/")),
    VaultSettings(citekey_properties=frozenset({"citekey", "zotero-key"})),
    VaultSettings(severity=(("link.unresolved", "warning"), ("cite-key.*", "off"))),
    VaultSettings(link_format="relative"),
]
KEYS = [(), ("lib1",), ("lib1", "lib2"), ("smith2020",), ("k", "lib3"), ("Smith2020",)]


class LargeIncrementalMachine(RuleBasedStateMachine):
    """Every kind of change, several per apply; after each: incremental == rebuild, and every note the
    host did *not* report as affected has exactly the diagnostics it had before."""

    def __init__(self) -> None:
        super().__init__()
        self.host = VaultHost()
        self.pending: list = []

    def apply(self, changes: list) -> None:
        vault = self.host.vault
        before = {p: diagnose_note(vault, p) for p in vault.notes}
        _vault, affected = self.host.apply(changes)
        after = self.host.vault
        stale = [p for p in before if p in after.notes and p not in affected and diagnose_note(after, p) != before[p]]
        assert stale == [], f"diagnostics changed but not reported as affected: {stale} after {changes!r}"

    @rule(path=st.sampled_from(BIG_NAMES), body=st.sampled_from(BIG_BODIES))
    def set_note(self, path: str, body: str) -> None:
        self.apply([SetNote(path, body)])

    @rule(path=st.sampled_from(BIG_NAMES + ATTACHMENTS + LIBRARIES))
    def remove(self, path: str) -> None:
        self.apply([Remove(path)])

    @rule(old=st.sampled_from(BIG_NAMES), new=st.sampled_from(BIG_NAMES))
    def rename(self, old: str, new: str) -> None:
        note = self.host.vault.note(old)
        if note is not None and old != new:
            self.apply([Remove(old), SetNote(new, syntax=note)])

    @rule(path=st.sampled_from(ATTACHMENTS))
    def add_attachment(self, path: str) -> None:
        self.apply([SetFile(path)])

    @rule(settings_=st.sampled_from(SETTINGS))
    def change_settings(self, settings_: VaultSettings) -> None:
        self.apply([SetSettings(settings_)])

    @rule(path=st.sampled_from(LIBRARIES), keys=st.sampled_from(KEYS))
    def set_library(self, path: str, keys: tuple) -> None:
        self.apply([SetFile(path), SetLibrary(path, keys)])

    @rule(path=st.sampled_from(BIG_NAMES + LIBRARIES), broken=st.booleans())
    def set_problems(self, path: str, broken: bool) -> None:
        problems = (Problem("note.unreadable", 0, 0, "cannot read"),) if broken else ()
        self.apply([SetProblems(path, problems)])

    @rule(paths=st.lists(st.sampled_from(BIG_NAMES), min_size=2, max_size=5),
          bodies=st.lists(st.sampled_from(BIG_BODIES), min_size=5, max_size=5))
    def batch(self, paths: list[str], bodies: list[str]) -> None:
        changes: list = [SetNote(p, b) for p, b in zip(paths, bodies)]
        changes.insert(1, Remove(paths[-1]))
        self.apply(changes)

    @invariant()
    def equals_rebuild(self) -> None:
        assert_equals_rebuild(self.host)


LargeIncrementalMachine.TestCase.settings = settings(max_examples=80, stateful_step_count=40, deadline=None)
TestLargeIncremental = LargeIncrementalMachine.TestCase


def test_sharded_map_copies_on_write_and_reports_what_differs() -> None:
    """Notes, summaries and dependents live in copy-on-write sharded maps: a snapshot never sees a
    later write, and `differing` finds the changed keys by reading only the shards copied since."""
    from litnotes.vault.index import ShardedMap  # noqa: PLC0415

    old = ShardedMap.of((f"n{i}.md", object()) for i in range(1000))
    new = old.copy()
    kept, gone = old["n1.md"], old["n2.md"]
    new.set("n1.md", object())
    new.set("n2.md", None)
    new.set("new.md", 7)
    assert len(old) == 1000 and old["n1.md"] is kept and "n2.md" in old and "new.md" not in old
    assert len(new) == 1000 and "n2.md" not in new and dict(new.items())["new.md"] == 7
    assert sorted((k, was is None, now is None) for k, was, now in new.differing(old)) == [
        ("n1.md", False, False), ("n2.md", False, True), ("new.md", True, False)]
    assert sum(a is not b for a, b in zip(new._shards, old._shards)) <= 3  # the rest is shared
    assert gone is old.get("n2.md")


def test_published_dependents_are_paths_or_sorted_tuples_that_later_edits_never_change() -> None:
    """A key used by one note maps to its path, by several to a sorted tuple (smaller than a set);
    the lists an apply builds them in never reach a snapshot, and a later apply copies them."""
    host = host_with({f"n{i}.md": "[[hub]]" for i in (3, 1, 2)} | {"solo.md": "[[lonely]]"})
    deps = host.vault._tables.dependents
    assert deps["n:hub.md"] == ("n1.md", "n2.md", "n3.md") and deps["n:lonely.md"] == "solo.md"
    assert all(isinstance(v, (str, tuple)) for v in deps.values())
    before = host.vault
    steps = [[SetNote("n0.md", "[[hub]]")], [Remove("n2.md")], [Remove("n1.md"), Remove("n3.md")],
             [SetNote("solo.md", "[[hub]] [[lonely]]")]]
    expected = [("n0.md", "n1.md", "n2.md", "n3.md"), ("n0.md", "n1.md", "n3.md"), "n0.md", ("n0.md", "solo.md")]
    for changes, users in zip(steps, expected):
        host.apply(changes)
        assert host.vault._tables.dependents["n:hub.md"] == users
        assert all(isinstance(v, (str, tuple)) for v in host.vault._tables.dependents.values())
        assert_equals_rebuild(host)
    assert before._tables.dependents["n:hub.md"] == ("n1.md", "n2.md", "n3.md")
    assert before.dependents({"n:hub.md", "n:lonely.md"}) == {"n1.md", "n2.md", "n3.md", "solo.md"}
