"""Cheap text-local facts the suspect gates use to skip most words without tokenizing.

A sentence of :func:`normalizer.suspects_lex.sentence_spans` starts after a sentence end
(``.!?…``, maybe a closing quote or bracket, then spaces or tabs) or after a line break; these
helpers answer from the few characters before a word whether it certainly opens its sentence.
"""

from __future__ import annotations

__all__ = ["opens_sentence"]

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
