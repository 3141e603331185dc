"""Cheap text-local facts the suspect gates use to skip most words without tokenizing, and
scans that try a pattern only where it can start (found with ``str.find``).

A sentence of :func:`normalizer.suspects_lex.sentence_spans` starts after a sentence end
(``.!?…``, maybe a closing quote or bracket, then spaces or tabs) or after a line break; these
helpers answer from the few characters before a word whether it certainly opens its sentence.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import regex

from .text import char_offsets as positions

__all__ = ["finditer_at", "occurrences", "opens_sentence", "positions"]


_MARKS = ".!?…"
_CLOSERS = "»“”\"')]"


def opens_sentence(text: str, start: int) -> bool:
    """Whether the word at ``start`` is certainly the first word of its sentence: at the text
    start, after a line break, or after a sentence end and spaces (no other character between).
    False means "maybe not" (a quote or a dash before it): the caller checks the sentence."""
    j = start - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    if j < 0 or text[j] == "\n":
        return True
    if j == start - 1:
        return False  # no space before the word: no sentence end right before it
    c = text[j]
    return c in _MARKS or (c in _CLOSERS and j >= 1 and text[j - 1] in _MARKS)


def occurrences(text: str, literal: str) -> list[int]:
    """The offsets of every occurrence of ``literal`` (overlapping ones too)."""
    out: list[int] = []
    i = text.find(literal)
    while i >= 0:
        out.append(i)
        i = text.find(literal, i + 1)
    return out


def finditer_at(
    pattern: regex.Pattern[str], text: str, starts: Iterable[int]
) -> Iterator[regex.Match[str]]:
    """The matches ``pattern.finditer(text)`` gives, when every match can only start at one of
    the sorted offsets ``starts``: the pattern is tried there only, left to right, skipping
    offsets inside the previous match."""
    end = 0
    for s in starts:
        if s < end:
            continue
        m = pattern.match(text, s)
        if m is not None:
            yield m
            end = max(m.end(), s + 1)
