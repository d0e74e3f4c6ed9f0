"""LaTeX decoding for display (litnotes.bib.latex)."""

from __future__ import annotations

import pytest

from litnotes.bib.latex import decode_latex


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ('{\\"o}', "ö"),
        ('M{\\"o}bius', "Möbius"),
        ("\\'e", "é"),
        ("Fabi{\\'a}n", "Fabián"),
        ("{\\ss}", "ß"),
        ("Stra\\ss e", "Straße"),
        ("\\'{\\i}", "í"),
        ("Morko{\\c c}", "Morkoç"),
        ("\\v{S}koda", "Škoda"),
        ('\\AA{}ngstr\\"om', "Ångström"),
        ("{\\o}", "ø"),
        ("1990--2000", "1990–2000"),
        ("yes---no", "yes—no"),
        ("{{Title}}", "Title"),
        ("The {{GaN}} Story", "The GaN Story"),
        ("\\textit{x}", "x"),
        ("\\emph{in vivo} study", "in vivo study"),
        ("{\\sc CONNIVER} Manual", "CONNIVER Manual"),
        ("{{{\\mkbibemph{The Concept}}}}{\\mkbibemph{ of }}{{{\\mkbibemph{Law}}}}", "The Concept of Law"),
        ("\\enquote{quoted}", "“quoted”"),
        ("``double''", "“double”"),
        ("p.~33", "p. 33"),
        ("Tom \\& Jerry, 50\\%", "Tom & Jerry, 50%"),
        ("$\\alpha$-helix", "α-helix"),
        ("$^{13}$C and $\\mathrm{H_2O}$", "¹³C and H₂O"),
        ("\\href{https://x.org}{the site}", "the site"),
        ("\\url{http://a--b.org/~me}", "http://a--b.org/~me"),
        ("Ga\\textendash{}Al", "Ga–Al"),
        ("\\unknowncommand{kept} text", "kept text"),
        ("  many\n   spaces\t here ", "many spaces here"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_decode(raw: str, shown: str) -> None:
    assert decode_latex(raw) == shown


@pytest.mark.parametrize("raw", ["{" * 5000 + "x", "}}}}", "\\", "\\'", "$$$", "\\href{", "{\\\"" * 3000])
def test_malformed_never_raises(raw: str) -> None:
    assert isinstance(decode_latex(raw), str)
