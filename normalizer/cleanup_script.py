"""Script cleanup rules: look-alike letters from the wrong alphabet, Cyrillic left untranslated."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import regex

from .edits import Candidate, Edit, Suggestion

__all__ = [
    "CYRILLIC_BLOCKS",
    "CYRILLIC_TO_LATIN",
    "LATIN_BLOCKS",
    "LATIN_TO_CYRILLIC",
    "NOT_LETTER",
    "NOT_NUMBER",
    "document_latin_of",
    "mixed_script",
    "untranslated",
]

# Letters that look the same in both alphabets in ordinary fonts. Lower-case в, н, т, м, к look
# like small capitals, not like Latin letters, so they are not here.
CYRILLIC_TO_LATIN: Mapping[str, str] = dict(
    zip(
        "аеорсухіјѕԁԛԝһӏАВЕКМНОРСТУХІЈЅ",
        "aeopcyxijsdqwhlABEKMHOPCTYXIJS",
        strict=True,
    )
)
LATIN_TO_CYRILLIC: Mapping[str, str] = {
    lat: cyr for cyr, lat in CYRILLIC_TO_LATIN.items() if cyr in "аеорсухАВЕКМНОРСТУХ"
}
_WORD = regex.compile(r"[\p{L}\p{M}]+")
_DIMENSION_X = regex.compile(r"(?<=\p{N})[хХ](?=\p{N})")
_LATIN = regex.compile(r"\p{Script=Latin}")
_CYRILLIC = regex.compile(r"\p{Script=Cyrillic}")
_CYRILLIC_PART = r"\p{Script=Cyrillic}[\p{Script=Cyrillic}\p{M}]*"  # marks: stress, й as и + ̆
_CYRILLIC_WORD = rf"{_CYRILLIC_PART}(?:-{_CYRILLIC_PART})*"
_CYRILLIC_PHRASE = regex.compile(rf"{_CYRILLIC_WORD}(?:[ \u00a0]+{_CYRILLIC_WORD})*")
_LETTER_OR_MARK = regex.compile(r"[\p{L}\p{M}]")

# Prefilters with the ``re`` module (many times faster than ``regex`` at scanning plain text).
# Supersets of script classes by Unicode block; tests prove them against ``regex``.
CYRILLIC_BLOCKS = (
    "\u0400-\u052f\u1c80-\u1c8f\u1d2b\u1d78\u2de0-\u2dff\ua640-\ua69f\ufe2e\ufe2f"
    "\U0001e030-\U0001e08f"
)
LATIN_BLOCKS = (
    "A-Za-z\u00aa\u00ba\u00c0-\u02ff\u1d00-\u1eff\u2071\u207f\u2090-\u209c\u2100-\u218f"
    "\u2c60-\u2c7f\ua720-\ua7ff\uab30-\uab6f\ufb00-\ufb06\uff21-\uff3a\uff41-\uff5a"
    "\U00010780-\U000107bf\U0001df00-\U0001dfff"
)
# Characters that are certainly not letters or marks, and certainly not numbers.
NOT_LETTER = "\\s!-@\\[-`{-~\u00a0-\u00a9\u00ab-\u00b4\u00b6-\u00b9\u00bb-\u00bf\u2000-\u206f"
NOT_NUMBER = f"\\sA-Za-z{CYRILLIC_BLOCKS}!-/:-@\\[-`{{-~"
_ANY_CYRILLIC = re.compile(f"[{CYRILLIC_BLOCKS}]")
_CYRILLIC_RUN = re.compile(f"[{CYRILLIC_BLOCKS}]+")
_LATIN_RUN = re.compile(f"[{LATIN_BLOCKS}]+")
# A run of Cyrillic glued to something that may be a letter or mark: part of a mixed word.
_GLUED_CYRILLIC = re.compile(  # a character class first: ``re`` then skips ahead in C
    f"[{CYRILLIC_BLOCKS}](?<![{CYRILLIC_BLOCKS}][{CYRILLIC_BLOCKS}])"
    f"(?:(?<=[^{CYRILLIC_BLOCKS}{NOT_LETTER}][{CYRILLIC_BLOCKS}])[{CYRILLIC_BLOCKS}]*+"
    f"|[{CYRILLIC_BLOCKS}]*+(?=[^{CYRILLIC_BLOCKS}{NOT_LETTER}]))"
)
_DIMENSION_X_CANDIDATE = re.compile(f"[хХ](?<=[^{NOT_NUMBER}][хХ])(?=[^{NOT_NUMBER}])")
# Frequent letters of each script: counting them (str.count, in C) bounds a script's letters.
_FREQUENT_LATIN = "eta"
_FREQUENT_CYRILLIC = "оеа"


def _letters(text: str) -> tuple[int, int]:
    """Count (Latin, Cyrillic) letters of ``text``."""
    return len(_LATIN.findall(text)), len(_CYRILLIC.findall(text))


def _target(word: str, latin: int, cyrillic: int, document_latin: Callable[[], bool]) -> str | None:
    """Which alphabet a mixed word should be written in ("latin"/"cyrillic"), or None."""
    to_latin = all(c in CYRILLIC_TO_LATIN for c in word if _CYRILLIC.match(c))
    to_cyrillic = all(c in LATIN_TO_CYRILLIC for c in word if _LATIN.match(c))
    if to_latin and to_cyrillic:  # every letter could go either way: majority, then document
        if latin != cyrillic:
            return "latin" if latin > cyrillic else "cyrillic"
        return "latin" if document_latin() else "cyrillic"
    if to_latin:
        return "latin"
    return "cyrillic" if to_cyrillic else None


def mixed_script(text: str, options: Mapping[str, Any]) -> Iterator[Edit]:
    """Words that mix Latin and Cyrillic look-alike letters ("Nаvalny" with a Cyrillic "а").

    Such words come from OCR, keyboard switching or deliberate spoofing; they look right but
    break search, spell checking and glossary matching. Each odd letter is replaced by its
    look-alike, only when every odd letter has one (so "Navalnый" is left alone); a word whose
    letters could all go either way follows its majority, then the document's. A Cyrillic "х"
    between digits ("105х195", a mattress size) becomes the Latin "x". Safe.
    """
    if text.isascii() or not _ANY_CYRILLIC.search(text):
        return  # both kinds of finding need a Cyrillic letter
    for hit in _DIMENSION_X_CANDIDATE.finditer(text):
        match = _DIMENSION_X.match(text, hit.start())
        if match is not None:
            yield Edit(
                match.start(), match.end(), match.group(), "x", "cleanup/mixed-script",
                "Cyrillic letter 'х' used as a dimension sign between numbers",
            )  # fmt: skip
    # Settling runs this rule on single lines: the document's tie-break comes with the options.
    document_latin = options.get("_document_latin") or functools.cache(
        lambda: document_latin_of(text)
    )
    done = -1  # end of the last word looked at (a word may hold several Cyrillic runs)
    for run in _GLUED_CYRILLIC.finditer(text):
        if run.start() < done:
            continue
        start, end = _word_around(text, run.start(), run.end())
        done = end
        # the run may hold characters that are not letters (U+0482 "҂"): split as _WORD does
        for word in _WORD.finditer(text, start, end):
            if not word.group().isascii():
                yield from _mixed_word_edits(word.group(), word.start(), document_latin)


def document_latin_of(text: str) -> bool:
    """Whether ``text`` has at least as many Latin letters as Cyrillic ones."""
    latin, cyrillic = _letters(text)
    return latin >= cyrillic


def _word_around(text: str, start: int, end: int) -> tuple[int, int]:
    """``start``, ``end`` moved out over letters and marks (to the bounds of words)."""
    while start > 0 and _LETTER_OR_MARK.match(text, start - 1):
        start -= 1
    while end < len(text) and _LETTER_OR_MARK.match(text, end):
        end += 1
    return start, end


def _mixed_word_edits(word: str, at: int, document_latin: Callable[[], bool]) -> Iterator[Edit]:
    """Edits for one word at offset ``at``: its odd letters, when it mixes the two scripts."""
    latin, cyrillic = _letters(word)
    if not latin or not cyrillic:
        return
    target = _target(word, latin, cyrillic, document_latin)
    if target is None:
        return
    table, script = (
        (CYRILLIC_TO_LATIN, _CYRILLIC) if target == "latin" else (LATIN_TO_CYRILLIC, _LATIN)
    )
    for offset, char in enumerate(word):
        if script.match(char):
            yield Edit(
                at + offset, at + offset + 1, char, table[char], "cleanup/mixed-script",
                f"{target.title()} word {word!r} has a look-alike letter from another alphabet",
            )  # fmt: skip


def untranslated(text: str, options: Mapping[str, Any]) -> Iterator[Suggestion]:
    """Russian words left in Cyrillic in English text ("held in «Матросская тишина»").

    MT leaves names and rare words untranslated; English readers cannot read them. Each phrase
    (Cyrillic words joined by spaces or hyphens) is reported with its transliteration in house
    style as a candidate. Not on a text that is mostly Cyrillic (option ``max_cyrillic_ratio``,
    default 0.5, of its letters): that is a Russian document. Report only, never applied.
    """
    ratio = float(options.get("max_cyrillic_ratio", 0.5))
    if text.isascii() or not _ANY_CYRILLIC.search(text) or _mostly_cyrillic(text, ratio):
        return
    from .translit import suggest_name  # imported here: pymorphy3 loads on first use only

    pos = 0
    while (hit := _ANY_CYRILLIC.search(text, pos)) is not None:
        match = _CYRILLIC_PHRASE.match(text, hit.start())
        if match is None:  # a character of a Cyrillic block that is not Cyrillic script
            pos = hit.start() + 1
            continue
        pos = match.end()
        if _touches_latin(text, match.start(), match.end()):
            continue  # part of a mixed-script word: the mixed-script rule's business
        phrase = match.group()
        name = suggest_name(phrase)
        yield Suggestion(
            match.start(), match.end(), phrase, "cleanup/untranslated", 0.9,
            (Candidate(name, 0.5, "transliteration"),),
            f"untranslated Russian {phrase!r}; transliterated: {name!r}",
        )  # fmt: skip


def _share(cyrillic: int, latin: int) -> float:
    return cyrillic / (latin + cyrillic) if latin + cyrillic else 0.0


def _mostly_cyrillic(text: str, ratio: float) -> bool:
    """Whether Cyrillic letters are more than ``ratio`` of the letters of ``text``.

    Exact, but usually decided from bounds that cost little: frequent letters counted with
    ``str.count`` bound a script from below, the rarer script's block runs bound it from above;
    the share only grows with Cyrillic and shrinks with Latin. Counting every letter with
    ``regex`` is the fallback when the bounds straddle ``ratio``.
    """
    latin_low = sum(map(text.count, _FREQUENT_LATIN))
    cyrillic_low = sum(map(text.count, _FREQUENT_CYRILLIC))
    if latin_low >= cyrillic_low:  # looks English: the Cyrillic runs are few
        cyrillic_high = sum(map(len, _CYRILLIC_RUN.findall(text)))
        if _share(cyrillic_high, latin_low) <= ratio:
            return False
    else:  # looks Russian: the Latin runs are few
        latin_high = sum(map(len, _LATIN_RUN.findall(text)))
        if _share(cyrillic_low, latin_high) > ratio:
            return True
    latin, cyrillic = _letters(text)
    return not cyrillic or cyrillic / (latin + cyrillic) > ratio


def _touches_latin(text: str, start: int, end: int) -> bool:
    """Whether the span is glued to a letter, mark or digit (half of a mixed word, "105х195")."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return any(c and regex.match(r"[\p{L}\p{M}\p{N}]", c) for c in (before, after))
