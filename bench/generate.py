"""Deterministic benchmark vaults: same arguments, byte-identical vault.

Literature notes are shaped like the user's seed note (front matter with an `@key` alias,
Cite/Metadata/Links/Abstract callouts, 20–80 highlight callouts with `^annotation` ids, image
annotations, comments, non-ASCII quotes, about 25 KB); ordinary notes link to them in every form
(`[[@key]]`, `[[key#^id]]`, `![[key#^id]]`, `[[Note#Heading]]`, Pandoc cites, tables, code with fake
links), spread over folders. A Better BibTeX export of every key comes with it. One literature
note (`lit/hot/hot0000.md`, key `hot0000`) is cited about 500 times at any size, for the references benchmark.

    python bench/generate.py --notes 10000 --out bench/vaults/v10k
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

WORDS = ("interpretability model neuron feature circuit superposition attention layer token gradient probe "
         "représentation causalité réseau Ürsprung naïve café 表現 学習 回路 🔬 📈 safety alignment mechanism "
         "evidence hypothesis result dataset benchmark ablation activation patching logit lens residual").split()
COLOURS = [("#FFF3A3A6", "Note"), ("#D2B3FFA6", "Important"), ("#FFB86CA6", "External Insight"),
           ("#ADCCFFA6", "Claim"), ("#BBFABBA6", "Finding"), ("#FF5582A6", "Question/Critic")]
KEY_CHARS = "23456789ABCDEFGHIJKLMNPQRSTUVWXYZ"
HOT_CITATIONS = 500  # `[@hot0000]` citations in the ordinary notes, whatever the vault's size


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def zkey(rng: random.Random) -> str:
    return "".join(rng.choice(KEY_CHARS) for _ in range(8))


def literature_note(rng: random.Random, key: str, title: str) -> tuple[str, list[str]]:
    attachment = zkey(rng)
    ids = []
    out = [f'---\naliases:\n  - "@{key}"\ntags:\n  - integration/zotero\nmodified: 2024-12-04 02:20 AM +07:00\n---\n',
           f"> [!Cite]\n> {words(rng, 40)}\n\n",
           f"> [!info] Metadata\n> **Title**: {title}\n> **Authors**: {words(rng, 4)}\n> **Cite key**: {key}\n\n",
           f">[!info] Links\n>\n> - [Online Link](http://arxiv.org/abs/{rng.randint(1000, 9999)}.{rng.randint(10000, 99999)})\n"
           f"> - [Zotero PDF Link](zotero://select/library/items/{zkey(rng)})\n\n",
           f"> [!info] Abstract\n> {words(rng, 160)}\n\n",
           "# Notes\n## From Zotero\n\n## From Obsidian\n" + words(rng, 30) + "\n# Annotations\n## From Zotero\n",
           "**Imported: 2024-12-04**^e0c377\n\n"]
    for _ in range(rng.randint(20, 80)):
        ann = zkey(rng)
        ids.append(ann.lower())
        colour, label = rng.choice(COLOURS)
        page = rng.randint(1, 40)
        out.append(f'>[!quote] <mark style="background: {colour};">{label}</mark> | [View in local Zotero: page {page}]'
                   f"(zotero://open-pdf/library/items/{attachment}?page={page}&annotation={ann}) ^{ann.lower()}\n")
        if rng.random() < 0.12:
            out.append(f">![[assets/{key}/zotero-image-{page}-x{rng.randint(10, 500)}-y{rng.randint(10, 700)}.png]]\n")
        else:
            out.append(f">“{words(rng, rng.randint(25, 70))}”\n")
        if rng.random() < 0.2:
            out.append(f">>{words(rng, 12)}\n")
        out.append("\n\n")
    return "".join(out), ids


def ordinary_note(rng: random.Random, i: int, lits: list[tuple[str, str, list[str]]], notes: list[str],
                  hot_rate: float) -> str:
    out = [f"---\ntags: [topic/{rng.choice(WORDS[:8])}]\n---\n# Topic {i}\n\n"]
    for section in range(rng.randint(3, 6)):
        out.append(f"## Section {section} {words(rng, 2)}\n\n{words(rng, 60)}\n")
        key, path, ids = rng.choice(lits)
        stem = path.rsplit("/", 1)[-1][:-3]
        kind = rng.randrange(9)
        if kind == 0:
            out.append(f"See [[{stem}#^{rng.choice(ids)}]] and [@{key}, p. {rng.randint(1, 30)}].\n")
        elif kind == 1:
            out.append(f"![[{stem}#^{rng.choice(ids)}]]\n")
        elif kind == 2:
            out.append(f"As [[{stem}|@{key}]] argues; also [[@{key}]].\n")
        elif kind == 3:
            out.append(f"Compare [[{rng.choice(notes)}#Section 1]] and [[{rng.choice(notes)}]].\n")
        elif kind == 4:
            out.append(f"| paper | note |\n|---|---|\n| [[{stem}\\|{key}]] | {words(rng, 4)} |\n")
        elif kind == 5:
            out.append("```\n[[not a link]] [@not-a-cite] ^notanid\n```\n")
        elif kind == 6:
            out.append(f"Broken: [[{stem}#^{zkey(rng).lower()}]] and [[Missing {i}]].\n")
        elif kind == 7:
            out.append(f"#{rng.choice(WORDS[:6])} [see @{key}; @{rng.choice(lits)[0]}]\n")
        else:
            out.append(f"- point {words(rng, 8)} ^p{i}x{section}\n- [[{rng.choice(notes)}]]\n")
        if rng.random() < hot_rate:
            out.append("Cited again: [@hot0000].\n")
    return "".join(out)


def generate(n: int, out: Path, seed: int = 7) -> Path:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / ".obsidian").mkdir(parents=True)
    (out / ".obsidian" / "app.json").write_text('{"newLinkFormat": "shortest"}\n', encoding="utf-8")
    n_lit = max(1, n * 3 // 10)
    lits: list[tuple[str, str, list[str]]] = []
    bib = []
    for i in range(n_lit):
        key = "hot0000" if i == 0 else f"{rng.choice(['smith', 'lee', 'garcia', 'müller', 'tanaka'])}{1990 + i % 35}x{i}"
        folder = "lit/hot" if i == 0 else f"lit/{key[0]}/{i % 20:02d}"
        path = f"{folder}/{key}.md" if i == 0 else f"{folder}/{key}-literature-note.md"
        title = words(rng, 6).capitalize()
        text, ids = literature_note(rng, key, title)
        (out / folder).mkdir(parents=True, exist_ok=True)
        (out / path).write_text(text, encoding="utf-8")
        lits.append((key, path, ids))
        bib.append(f"@article{{{key},\n  title = {{{title}}},\n  author = {{Author, A. and Other, B.}},\n  date = {{{1990 + i % 35}}}\n}}\n")
    notes = [f"Topic {i}" for i in range(n - n_lit)]
    hot_rate = min(0.3, HOT_CITATIONS / (4.5 * max(1, n - n_lit)))  # ~4.5 sections per ordinary note
    for i in range(n - n_lit):
        folder = out / "notes" / f"{i % 50:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"Topic {i}.md").write_text(ordinary_note(rng, i, lits, notes, hot_rate), encoding="utf-8")
    (out / "My Library.bib").write_text("\n".join(bib), encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.notes, args.out, args.seed)


if __name__ == "__main__":
    main()
