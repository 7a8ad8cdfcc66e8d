"""Search text: the normalised, stemmed tokens of the index, the readable text of a body, and the JS stemmer.

The browser does the same to a query (``sphinxext/static/dailyarchive-search.js``): the same case and
diacritic folding, the same Arabic letter folding, the same stop words and the same English Snowball
stemmer, whose JavaScript Sphinx ships and `stemmer_script` copies into the build with its licence.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import snowballstemmer
import sphinx.search

STOP_WORDS = frozenset("""
a about after also an and are as at be been before but by can could did do does for from had has have he her
his if in into is it its may more most no nor not of on or our she should so than that the their them then there
these they this those to under up was we were what when where which while who will with would you
""".split())
_APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc`]")
_THOUSANDS = re.compile(r"(\d),(?=\d{3}\b)")
_WORD = re.compile(r"[^\W_]+")
_STEMMED = re.compile(r"[a-z]+")
#: Arabic letters folded after the marks are gone (hamza above/below and madda are marks after NFKD):
#: alif wasla → alif, alif maqsura → ya, ta marbuta → ha, Persian ya and kaf → Arabic; tatweel deleted.
ARABIC_FOLDS = {"\u0671": "\u0627", "\u0649": "\u064a", "\u0629": "\u0647", "\u06cc": "\u064a", "\u06a9": "\u0643",
                "\u0640": None}
_ARABIC = str.maketrans(ARABIC_FOLDS)
#: The Snowball files Sphinx ships (its own search loads them the same way), in load order.
STEMMER_FILES = ("base-stemmer.js", "english-stemmer.js")
STEMMER_GLOBAL = "DailyArchiveStemmer"
_LICENCE_FALLBACK = ("Snowball (https://snowballstem.org/), BSD 3-clause licence. Copyright (c) 2001, Dr Martin "
                     "Porter; (c) 2004,2005, Richard Boulton; (c) 2013, Yoshiki Shibukawa; (c) 2006-2025, Olly Betts.")


@lru_cache(maxsize=1)
def _drop_marks() -> dict[int, None]:
    """A translation table deleting every combining mark (Unicode category M*)."""
    points = [*range(0x300, 0x20000), *range(0xE0100, 0xE01F0)]
    return {c: None for c in points if unicodedata.category(chr(c)).startswith("M")}


def normalize(text: str) -> str:
    """Lower case without diacritics (NFKD, combining marks dropped) and with Arabic letter forms folded
    (alif and hamza forms, alif maqsura, ta marbuta, tatweel); the JS does the same."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKD", text).translate(_drop_marks()).translate(_ARABIC).lower()


@lru_cache(maxsize=1)
def _english() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=None)
def stem(word: str) -> str:
    """The English Snowball stem of a normalised word; words of other letters and numbers are kept.

    Cached without a bound (an unbounded cache is the fast one): an archive has at most some hundred
    thousand distinct words."""
    return _english().stemWord(word) if _STEMMED.fullmatch(word) else word


def words(text: str) -> list[str]:
    """The normalised words of `text` before stemming: apostrophes joined, thousands separators dropped, stop
    words and single letters (not single digits) dropped."""
    flat = _THOUSANDS.sub(r"\1", _APOSTROPHES.sub("", normalize(text)))
    return [w for w in _WORD.findall(flat) if (len(w) > 1 or w.isdigit()) and w not in STOP_WORDS and len(w) <= 40]


def tokenize(text: str) -> list[str]:
    """Search tokens of `text`: its `words`, each stemmed."""
    return [stem(w) for w in words(text)]


def token_set(text: str) -> set[str]:
    """The distinct tokens of `text` (each distinct word stemmed once: what an index needs)."""
    return {stem(w) for w in set(words(text))}


_MARKUP = [
    (re.compile(r"^\s*(`{3,}|~{3,}|:{3,}).*$|^\s*:[\w-]+:.*$|^\(\S+\)=\s*$|^%.*$|^\s*\[[^\]]+\]:\s.*$", re.M), " "),
    (re.compile(r"\\(?=[!-/:-@\[-`{-~])"), ""),
    (re.compile(r"\{[\w:.+-]+\}(?=`)"), ""),
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"<(?:https?|mailto):[^>\s]*>"), " "),
    (re.compile(r"^\s{0,3}(?:#{1,6}\s|>\s?|[-+*]\s+|\d{1,9}[.)]\s+)", re.M), ""),
    (re.compile(r"[*`~]+|(?<![^\W_])_+|_+(?![^\W_])"), ""),
]


def plain_text(markdown: str) -> str:
    """The readable text of a MyST body, one line: fences, directive options, role names, link targets and
    emphasis marks removed (regular expressions: fast enough for every bulletin of a large archive)."""
    text = markdown
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


def stemmer_script() -> str:
    """Sphinx's English Snowball stemmer as one script defining ``DailyArchiveStemmer`` (with `stemWord`),
    its helpers kept inside a function scope, and the Snowball licence on top. Read from the installed Sphinx:
    nothing is fetched."""
    folder = Path(sphinx.search.__file__).parent / "minified-js"
    code = "\n".join((folder / name).read_text(encoding="utf-8") for name in STEMMER_FILES)
    licence = _snowball_licence().replace("*/", "* /")
    return (f"/* The English Snowball stemmer, as shipped by Sphinx {sphinx.__version__} "
            f"(sphinx/search/minified-js/{', '.join(STEMMER_FILES)}).\n\n{licence}\n*/\n"
            f"(function (root) {{\nvar BaseStemmer;\n{code}\nroot.{STEMMER_GLOBAL} = new EnglishStemmer();\n"
            f"}})(typeof window !== \"undefined\" ? window : globalThis);\n")


def _snowball_licence() -> str:
    """The licence text installed with snowballstemmer (the project the JavaScript is generated by)."""
    try:
        files = metadata.distribution("snowballstemmer").files or []
        for file in files:
            if file.name.upper().startswith(("COPYING", "LICENSE")):
                return file.read_text(encoding="utf-8").strip()
    except (metadata.PackageNotFoundError, OSError, UnicodeDecodeError):
        pass
    return _LICENCE_FALLBACK
