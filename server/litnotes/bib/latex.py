"""Decode the LaTeX found in BibTeX/BibLaTeX field values into plain Unicode text for display.

`decode_latex("{M\\\"o}bius --- {{GaN}} \\textit{in vivo}")` → "Möbius — GaN in vivo". Handles accents
(`\\"o`, `{\\'e}`, `\\c{c}`, `\\v s`, `\\'{\\i}`), letter and symbol commands (`\\ss`, `\\o`, `\\ae`,
`\\textendash`, `\\&`), formatting commands whose argument is kept (`\\textit{x}`, `\\emph{x}`,
`\\mkbibemph{x}`), quotes (`\\enquote{x}`, ` ``x'' `), dashes (`--`, `---`), ties (`~`), case-protecting
braces (`{{Title}}`), `\\url{...}` (verbatim), `\\href{url}{text}` (text) and simple math (`$\\alpha$`,
`$^{13}$C`). Unknown commands are dropped and their braced argument kept. Never raises.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["decode_latex", "needs_decoding"]

_ACCENT_PUNCT = {
    '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "=": "\u0304", ".": "\u0307",
}
_ACCENT_LETTER = {"u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328", "r": "\u030a",
                  "d": "\u0323", "b": "\u0331", "t": "\u0361", "G": "\u030f", "textogonekcentered": "\u0328"}
_SPACING = {"\u0308": "¨", "\u0301": "´", "\u0300": "`", "\u0302": "^", "\u0303": "~", "\u0304": "¯", "\u0307": "˙"}

_GREEK = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau "
          "upsilon phi chi psi omega")
_SYMBOLS: dict[str, str] = {name: chr(0x3B1 + i) for i, name in enumerate(_GREEK.split()) if name != "omicron"}
_SYMBOLS.update({name.capitalize(): chr(0x391 + i) for i, name in enumerate(_GREEK.split())})
_SYMBOLS.update({
    "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Sigma": "Σ", "Tau": "Τ", "Upsilon": "Υ", "Phi": "Φ", "Chi": "Χ", "Psi": "Ψ", "Omega": "Ω",
    "varepsilon": "ε", "vartheta": "ϑ", "varphi": "φ", "varrho": "ϱ", "varsigma": "ς", "varpi": "ϖ",
    "ss": "ß", "SS": "SS", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å",
    "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð", "th": "þ", "TH": "Þ", "ng": "ŋ", "NG": "Ŋ",
    "dj": "đ", "DJ": "Đ", "ij": "ĳ", "IJ": "Ĳ",
    "textendash": "–", "textemdash": "—", "textquoteright": "’", "textquoteleft": "‘", "textquotedblleft": "“",
    "textquotedblright": "”", "textquotedbl": '"', "textquotesingle": "'", "textbar": "|", "textless": "<",
    "textgreater": ">", "textasciitilde": "~", "textasciicircum": "^", "textbackslash": "\\", "textunderscore": "_",
    "textbraceleft": "{", "textbraceright": "}", "textregistered": "®", "texttrademark": "™", "copyright": "©",
    "textcopyright": "©", "textdegree": "°", "S": "§", "P": "¶", "textsection": "§", "textparagraph": "¶",
    "dag": "†", "ddag": "‡", "textdagger": "†", "textdaggerdbl": "‡", "ldots": "…", "dots": "…", "textellipsis": "…",
    "textbullet": "•", "textperiodcentered": "·", "guillemotleft": "«", "guillemotright": "»", "guilsinglleft": "‹",
    "guilsinglright": "›", "quotedblbase": "„", "quotesinglbase": "‚", "textexclamdown": "¡", "textquestiondown": "¿",
    "pounds": "£", "textsterling": "£", "texteuro": "€", "euro": "€", "textyen": "¥", "textcent": "¢",
    "textonehalf": "½", "textperthousand": "‰", "textasteriskcentered": "*", "textmu": "µ", "textpm": "±",
    "pm": "±", "mp": "∓", "times": "×", "div": "÷", "cdot": "·", "langle": "⟨", "rangle": "⟩", "textlangle": "⟨",
    "textrangle": "⟩", "leq": "≤", "geq": "≥", "le": "≤", "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈",
    "sim": "∼", "simeq": "≃", "propto": "∝", "infty": "∞", "to": "→", "rightarrow": "→", "leftarrow": "←",
    "Rightarrow": "⇒", "leftrightarrow": "↔", "uparrow": "↑", "downarrow": "↓", "prime": "′", "circ": "∘",
    "deg": "°", "textminus": "−", "partial": "∂", "nabla": "∇", "sum": "∑", "prod": "∏", "int": "∫",
    "sqrt": "√", "hbar": "ℏ", "ell": "ℓ", "Re": "ℜ", "Im": "ℑ", "aleph": "ℵ", "emptyset": "∅", "in": "∈",
    "cap": "∩", "cup": "∪", "subset": "⊂", "supset": "⊃", "forall": "∀", "exists": "∃", "neg": "¬",
    "wedge": "∧", "vee": "∨", "oplus": "⊕", "otimes": "⊗", "perp": "⊥", "parallel": "∥", "ll": "≪", "gg": "≫",
    "textvisiblespace": "␣", "LaTeX": "LaTeX", "TeX": "TeX", "BibTeX": "BibTeX", "LaTeXe": "LaTeX2e",
    "quad": " ", "qquad": " ", "enspace": " ", "thinspace": " ", "space": " ", "newline": " ", "par": " ",
    "linebreak": " ",
})

_KEEP_ARG = frozenset(
    "textit textbf emph textsc textrm textsf texttt textup textsl textmd textnormal mkbibemph mkbibitalic "
    "mkbibbold mbox hbox text mathrm mathit mathbf mathsf mathtt mathcal mathbb mathnormal boldsymbol "
    "ensuremath nocase NoCaseChange underline ul uline sout emphasize bibstring operatorname "
    "mkbibacro textcircled".split())
_QUOTE = frozenset({"enquote", "mkbibquote", "textquote", "enquote*"})
_SKIP_FIRST = frozenset({"href", "foreignlanguage", "textcolor", "colorbox", "hyperref"})
_DROP_ARG = frozenset({"label", "vspace", "vphantom", "phantom", "hyphenation", "index", "color", "pagecolor"})
_RAW_ARG = frozenset({"url", "path", "nolinkurl", "verb"})
_SUPER = frozenset({"textsuperscript", "mkbibsuperscript"})
_SUB = frozenset({"textsubscript", "mkbibsubscript"})
_LITERAL = frozenset("&%$#_{}")

_SUP_MAP = str.maketrans("0123456789+-=()niaeox", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵃᵉᵒˣ")
_SUB_MAP = str.maketrans("0123456789+-=()aeoxhklmnpst", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜ")
_SUP_OK = frozenset("0123456789+-=()niaeox")
_SUB_OK = frozenset("0123456789+-=()aeoxhklmnpst")

_NEXT = re.compile(r"[\\{}$]")
_NEXT_MATH = re.compile(r"[\\{}$^_]")
_WORD = re.compile(r"[A-Za-z]+\*?")
_NEEDS = re.compile(r"[\\{}$~`]|--|''")


def needs_decoding(text: str) -> bool:
    """True when `text` holds anything `decode_latex` would change besides whitespace."""
    return _NEEDS.search(text) is not None


def _ligatures(chunk: str) -> str:
    if "-" in chunk:
        chunk = chunk.replace("---", "—").replace("--", "–")
    if "~" in chunk:
        chunk = chunk.replace("~", " ")
    if "`" in chunk:
        chunk = chunk.replace("``", "“").replace("`", "‘")
    if "''" in chunk:
        chunk = chunk.replace("''", "”")
    return chunk


def _accent(base: str, mark: str) -> str:
    if not base:
        return _SPACING.get(mark, "")
    first = {"ı": "i", "ȷ": "j"}.get(base[0], base[0])
    if mark == "\u0361" and len(base) > 1:  # tie: between the first two characters
        return unicodedata.normalize("NFC", first + mark + base[1:])
    return unicodedata.normalize("NFC", first + mark) + base[1:]


def _script(arg: str, sup: bool) -> str:
    ok, table, sign = (_SUP_OK, _SUP_MAP, "^") if sup else (_SUB_OK, _SUB_MAP, "_")
    if arg and all(c in ok for c in arg):
        return arg.translate(table)
    return sign + arg if len(arg) > 1 else arg


class _Decoder:
    __slots__ = ("s", "n", "i", "math")

    def __init__(self, s: str) -> None:
        self.s, self.n, self.i, self.math = s, len(s), 0, False

    def group(self, closing: bool) -> str:
        s, out = self.s, []
        while True:
            m = (_NEXT_MATH if self.math else _NEXT).search(s, self.i)
            if m is None:
                out.append(_ligatures(s[self.i:]))
                self.i = self.n
                return "".join(out)
            j = m.start()
            if j > self.i:
                out.append(_ligatures(s[self.i:j]))
            c = s[j]
            self.i = j + 1
            if c == "{":
                out.append(self.group(True))
            elif c == "}":
                if closing:
                    return "".join(out)
            elif c == "$":
                self.math = not self.math
            elif c == "\\":
                out.append(self.command())
            else:  # ^ or _ in math mode
                out.append(_script(self.argument(), c == "^"))

    def argument(self) -> str:
        s, n = self.s, self.n
        while self.i < n and s[self.i] in " \t\r\n":
            self.i += 1
        if self.i >= n:
            return ""
        c = s[self.i]
        self.i += 1
        if c == "{":
            return self.group(True)
        if c == "\\":
            return self.command()
        if c == "}":
            self.i -= 1
            return ""
        return c

    def raw_argument(self) -> str:
        s, n = self.s, self.n
        while self.i < n and s[self.i] in " \t":
            self.i += 1
        if self.i >= n or s[self.i] != "{":
            return self.argument()
        depth, start = 0, self.i + 1
        for j in range(self.i, n):
            if s[j] == "{":
                depth += 1
            elif s[j] == "}":
                depth -= 1
                if depth == 0:
                    self.i = j + 1
                    return s[start:j]
        self.i = n
        return s[start:]

    def command(self) -> str:
        s = self.s
        if self.i >= self.n:
            return ""
        m = _WORD.match(s, self.i)
        if m is None:
            c = s[self.i]
            self.i += 1
            if c in _ACCENT_PUNCT:
                return _accent(self.argument(), _ACCENT_PUNCT[c])
            if c in _LITERAL:
                return c
            if c in "\\ \t\r\n,;:>":
                return " "
            if c in "-/@!()[]":
                return ""
            return c
        name = m.group(0)
        self.i = m.end()
        while self.i < self.n and s[self.i] in " \t\r\n":
            self.i += 1
        if name in _SYMBOLS:
            return _SYMBOLS[name]
        if name in _ACCENT_LETTER:
            return _accent(self.argument(), _ACCENT_LETTER[name])
        if name in _KEEP_ARG:
            return self.argument()
        if name in _QUOTE:
            return "“" + self.argument() + "”"
        if name in _SKIP_FIRST:
            self.raw_argument()
            return self.argument()
        if name in _RAW_ARG:
            return self.raw_argument()
        if name in _DROP_ARG:
            self.argument()
            return ""
        if name == "hspace":
            self.argument()
            return " "
        if name in _SUPER or name in _SUB:
            return _script(self.argument(), name in _SUPER)
        if name in ("MakeUppercase", "uppercase", "MakeTextUppercase"):
            return self.argument().upper()
        if name in ("MakeLowercase", "lowercase", "MakeTextLowercase"):
            return self.argument().lower()
        return ""  # unknown command or switch (\sc, \bf, \it ...): drop it; a following group stays


_CRUDE = re.compile(r"\\[A-Za-z]+\*?|\\.|[{}$]")


def decode_latex(text: str) -> str:
    """`text` (a BibTeX field value without its outer delimiters) as display text, whitespace collapsed."""
    if not text:
        return ""
    if _NEEDS.search(text) is None:
        return " ".join(text.split())
    try:
        decoded = _Decoder(text).group(False)
    except RecursionError:  # absurdly deep brace nesting: fall back to stripping the markup
        decoded = _ligatures(_CRUDE.sub("", text))
    return " ".join(decoded.split())
