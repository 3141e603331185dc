"""Case transfer (spec "Case") and English article agreement for replacements."""

from __future__ import annotations

import re

__all__ = ["apply_case", "article_for", "case_class", "case_forms", "needs_an"]

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


# The four outcomes of apply_case, by the matched text: all lower, all capitals (two letters or
# more), first letter capital, anything else.
LOWER, CAPS, FIRST, OTHER = range(4)


def case_class(matched: str) -> int:
    """Which of the four outcomes :func:`apply_case` gives ``matched`` (its case pattern)."""
    if matched.isascii():  # every ASCII letter is cased: str's own tests say it all
        if matched.islower():  # a letter, and no capital
            return LOWER
        if matched.isupper():  # a letter, and no small letter
            if len(matched) >= 2 and matched.isalpha() or sum(map(str.isalpha, matched)) >= 2:
                return CAPS
            return FIRST
        for ch in matched:
            if ch.isalpha():
                return FIRST if ch.isupper() else OTHER
        return OTHER
    letters = [ch for ch in matched if ch.isalpha()]
    if len(letters) >= 2 and all(ch.isupper() for ch in letters):
        return CAPS
    if letters and all(ch.islower() for ch in letters):
        return LOWER
    if letters and letters[0].isupper():
        return FIRST
    return OTHER


def case_forms(term: str, mode: str) -> tuple[str, str, str, str]:
    """What :func:`apply_case` makes of ``term`` for each case class (indexed by the class)."""
    if mode == "fixed":
        return term, term.upper(), term, term
    return term.lower(), term.upper(), _capitalize_first(term), term


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
