"""VaultHost: one edit re-parses one note, only dependents are re-diagnosed, and incremental == rebuild."""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from litnotes.features import diagnose_note
from litnotes.vault import Remove, SetFile, SetNote, VaultHost

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
        vault = self.host.vault
        fresh = VaultHost.rebuild(vault).vault
        assert vault.structure() == fresh.structure()
        for path in vault.notes:
            assert diagnose_note(vault, path) == diagnose_note(fresh, path)


IncrementalMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=25, deadline=None)
TestIncremental = IncrementalMachine.TestCase
