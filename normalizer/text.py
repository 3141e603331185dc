"""Character classes and case folding that keep offsets: the one place that defines a "word".

Spec rule 1: a word character is a Unicode letter, digit, combining mark or ``_``; an apostrophe
between two letters joins them into one word, except a possessive ``'s`` after a match.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable

__all__ = [
    "APOSTROPHES",
    "char_offsets",
    "fold",
    "fold_char",
    "is_boundary",
    "is_letter",
    "is_word_char",
]

APOSTROPHES = "'\u2019"


@functools.lru_cache(maxsize=65536)
def is_word_char(ch: str) -> bool:
    if ch.isascii():
        return ch.isalnum() or ch == "_"
    return unicodedata.category(ch)[0] in "LNM" or ch == "_"


@functools.lru_cache(maxsize=65536)
def is_letter(ch: str) -> bool:
    return ch.isalpha() or unicodedata.category(ch)[0] == "M"


def fold_char(ch: str) -> str:
    """Simple (one-to-one) lower-case folding of one character."""
    low = ch.lower()
    if len(low) != 1:
        return ch
    return "\u03c3" if low == "\u03c2" else low


def fold(text: str) -> str:
    """Case-fold ``text`` one character to one character, so offsets never shift.

    ``str.lower`` is fast and one-to-one for all but a few characters (``İ`` lowers to two);
    when the length changes, fall back to folding character by character.
    """
    low = text.lower()
    if len(low) != len(text):
        low = "".join(map(fold_char, text))
    if "\u03c2" in low:  # final sigma folds like sigma, independent of context
        low = low.replace("\u03c2", "\u03c3")
    return low


def is_boundary(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` stands as whole words (spec rule 1, with possessives, rule 3)."""
    if start > 0:
        before = text[start - 1]
        if is_word_char(before):
            return False
        if (
            before in APOSTROPHES
            and start >= 2
            and is_letter(text[start - 2])
            and (start < len(text) and is_letter(text[start]))
        ):
            return False
    n = len(text)
    if end < n:
        after = text[end]
        if is_word_char(after):
            return False
        if (
            after in APOSTROPHES
            and end + 1 < n
            and is_letter(text[end + 1])
            and (end > 0 and is_letter(text[end - 1]))
        ):
            return _is_possessive(text, end)
    return True


def _is_possessive(text: str, end: int) -> bool:
    """``'s`` after a match and no word character after it (``Newbie's``, not ``'st``)."""
    if text[end + 1] not in "sS":
        return False
    return end + 2 >= len(text) or not is_word_char(text[end + 2])


def char_offsets(text: str, chars: Iterable[str]) -> list[int]:
    """The sorted offsets of every occurrence of any of ``chars`` in ``text``. ``str.find`` runs
    at memchr speed, so a few rare characters cost less found one by one than any regex scan."""
    out: list[int] = []
    for ch in chars:
        i = text.find(ch)
        while i >= 0:
            out.append(i)
            i = text.find(ch, i + 1)
    out.sort()
    return out
