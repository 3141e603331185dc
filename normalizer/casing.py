"""Case transfer (spec "Case") and English article agreement for replacements."""

from __future__ import annotations

import re

__all__ = ["apply_case", "article_for", "needs_an"]

_VOWEL_SOUND_EXCEPTIONS = ("hour", "honest", "honor", "honour", "heir")
_CONSONANT_SOUND_EXCEPTIONS = (
    "uni",
    "use",
    "usu",
    "uti",
    "ura",
    "uro",
    "eu",
    "ewe",
    "one",
    "once",
    "ukr",
    "ubiq",
    "utop",
)
_VOWEL_LETTER_NAMES = set("AEFHILMNORSX")  # "an FSB", "an MP", "an X-ray"


def apply_case(term: str, matched: str, mode: str) -> str:
    """The replacement for ``matched`` under case mode ``fixed`` or ``match``."""
    letters = [ch for ch in matched if ch.isalpha()]
    all_caps = len(letters) >= 2 and all(ch.isupper() for ch in letters)
    if mode == "fixed":
        return term.upper() if all_caps else term
    if all_caps:
        return term.upper()
    if letters and all(ch.islower() for ch in letters):
        return term.lower()
    if letters and letters[0].isupper():
        return _capitalize_first(term)
    return term


def _capitalize_first(term: str) -> str:
    for i, ch in enumerate(term):
        if ch.isalpha():
            return term[:i] + ch.upper() + term[i + 1 :]
    return term


_FIRST_WORD = re.compile(r"[\w-]+")


def needs_an(phrase: str) -> bool:
    """Whether English writes "an" before ``phrase`` (a spelling heuristic for the vowel sound)."""
    m = _FIRST_WORD.search(phrase)
    if not m:
        return False
    word = m.group()
    if len(word) > 1 and word.isupper():  # an acronym read letter by letter
        return word[0] in _VOWEL_LETTER_NAMES or word[0] in "AEIOU"
    low = word.lower()
    if low.startswith(_VOWEL_SOUND_EXCEPTIONS):
        return True
    if low.startswith(_CONSONANT_SOUND_EXCEPTIONS):
        return False
    return low[0] in "aeiou"


def article_for(article: str, phrase: str) -> str:
    """``article`` ("a"/"an" in any case) changed to agree with ``phrase``; same case pattern."""
    want = "an" if needs_an(phrase) else "a"
    if article.lower() == want:
        return article
    if article.isupper() and len(article) > 1:
        return want.upper()
    if article[0].isupper():
        return want.capitalize() if want == "an" else "A"
    return want
