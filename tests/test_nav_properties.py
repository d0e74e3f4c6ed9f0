"""Property: for random small vaults, the references of every note, file, heading and block are
exactly the links the resolver (`Vault.resolve`) maps to it, although they are found through the
reverse index (`dependents`) instead of a scan; the only extra references of a note are the
bare-alias links that name it (unresolved, R-11). Renaming a heading or block keeps every link to
it resolving to it."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from litnotes.features.references import block_references, heading_references, note_references
from litnotes.features.rename import rename
from litnotes.vault import SetFile, SetNote, VaultHost, name_key
from nav_support import apply_change

PATHS = ["X.md", "a/X.md", "b/X.md", "Y.md", "a/Z Note.md", "b/c/W.md"]
LINKS = ["[[X]]", "[[a/X]]", "[[X#H1]]", "[[X#Sub]]", "[[X#H1#Sub]]", "[[#Sub]]", "[[X#^id1]]", "[[x#^ID1]]",
         "![[Y]]", "[t](X.md#H1)", "[t](Z%20Note.md#Sub)", "[[./X]]", "[[../X]]", "[[/a/X]]", "[[img.png]]",
         "[[img]]", "[[Z Note|shown]]", "[[alias one]]", "[[W#^id2]]", "[[Y#2 Sub]]", "[[Missing]]", "`[[X]]`"]
BLOCKS = ["# H1", "## Sub", "## 2: Sub", "text ^id1", "more ^id2", "- item ^id1", "plain", "> quote\n\n^id2"]
FRONT = ["", "---\naliases: [alias one]\n---\n", "---\nup: \"[[X#Sub]]\"\n---\n"]

notes = st.fixed_dictionaries({}, optional={p: st.tuples(
    st.sampled_from(FRONT),
    st.lists(st.one_of(st.sampled_from(LINKS), st.sampled_from(BLOCKS)), min_size=2, max_size=12),
) for p in PATHS})


def build(files: dict[str, str]):
    host = VaultHost()
    host.apply([SetNote(p, t) for p, t in files.items()] + [SetFile("img.png")])
    return host.vault


def every_link(vault):
    for src in sorted(vault.notes):
        for link in vault.notes[src].links:
            yield src, link, vault.resolve(src, link)


def as_set(refs) -> set:
    return {(r.path, r.start, r.end) for r in refs}


def texts_of(generated) -> dict[str, str]:
    return {p: front + "\n\n".join(parts) + "\n" for p, (front, parts) in generated.items()}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notes)
def test_references_equal_what_the_resolver_maps_to_each_target(generated) -> None:
    vault = build(texts_of(generated))
    links = list(every_link(vault))
    for target in sorted(vault.files):
        found = note_references(vault, target)
        expected = {(s, l.start, l.end) for s, l, r in links if r.path == target}
        assert as_set(r for r in found if r.resolved) == expected, target
        aliases = {name_key(a) for a in vault.notes[target].aliases} if target in vault.notes else set()
        bare = {(s, l.start, l.end) for s, l, r in links if r.path is None and name_key(l.path.strip()) in aliases}
        assert as_set(r for r in found if not r.resolved) == bare, target
        note = vault.note(target)
        for h in note.headings if note else ():
            expected = {(s, l.start, l.end) for s, l, r in links
                        if r.path == target and r.heading is not None and r.heading.start == h.start}
            assert as_set(heading_references(vault, target, h)) == expected, (target, h.text)
        for b in note.block_map().values() if note else ():
            expected = {(s, l.start, l.end) for s, l, r in links
                        if r.path == target and r.block is not None and r.block.start == b.start}
            assert as_set(block_references(vault, target, b)) == expected, (target, b.id)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notes)
def test_renaming_a_heading_or_block_keeps_its_links(generated) -> None:
    files = texts_of(generated)
    vault = build(files)
    for target in sorted(vault.notes):
        note = vault.notes[target]
        subjects = [("heading", h, h.text_start, "Renamed: part") for h in note.headings[:2]]
        subjects += [("block", b, b.start, "newid") for b in list(note.block_map().values())[:2]]
        for kind, element, offset, new in subjects:
            before = [(s, l.start) for s, l, r in every_link(vault)
                      if r.path == target and (r.heading if kind == "heading" else r.block) is not None
                      and (r.heading if kind == "heading" else r.block).start == element.start]
            change = rename(vault, target, files[target], offset, new, files.get)
            if isinstance(change, str):
                continue  # e.g. a block id that is not the one Obsidian links to
            after = build(apply_change(files, change))
            moved = [(s, l.start) for s, l, r in every_link(after) if r.path == target
                     and (r.heading is not None and r.heading.text == new if kind == "heading" else
                          r.block is not None and r.block.id == new)]
            # The same links (counted by source note) resolve to the renamed element; offsets may shift.
            assert Counter(s for s, _ in moved) == Counter(s for s, _ in before), (kind, target, element)
