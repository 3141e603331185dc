"""Script cleanup rules: look-alike letters from the wrong alphabet, Cyrillic left untranslated."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import regex

from .cleanup_text import non_ascii_chars, offsets_of, text_facts, utf8_of
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
    "A-Za-z\u00aa\u00ba\u00c0-\u02ff\u1d00-\u1eff\u2071\u207f\u2090-\u209f\u2100-\u218f"
    "\u2c60-\u2c7f\ua720-\ua7ff\uab30-\uab6f\ufb00-\ufb06\uff21-\uff3a\uff41-\uff5a"
    "\U00010780-\U000107bf\U0001df00-\U0001dfff"
)
# Characters that are certainly not letters or marks, and certainly not numbers.
NOT_LETTER = "\\s!-@\\[-`{-~\u00a0-\u00a9\u00ab-\u00b4\u00b6-\u00b9\u00bb-\u00bf\u2000-\u206f"
NOT_NUMBER = f"\\sA-Za-z{CYRILLIC_BLOCKS}!-/:-@\\[-`{{-~"
_ANY_CYRILLIC = re.compile(f"[{CYRILLIC_BLOCKS}]")
# The lead bytes of CYRILLIC_BLOCKS in UTF-8 (a superset): "is there any?" is asked of the bytes.
_ANY_CYRILLIC_UTF8 = re.compile(
    rb"[\xd0-\xd4\xe1\xe2\xea\xef\xf0](?:(?<=[\xd0-\xd4])|(?<=\xe1)[\xb2\xb4\xb5]"
    rb"|(?<=\xe2)\xb7|(?<=\xea)[\x99\x9a]|(?<=\xef)\xb8|(?<=\xf0)\x9e[\x80-\x82])"
)
_LATIN_RUN = re.compile(f"[{LATIN_BLOCKS}]+")
# A run of Cyrillic glued to something that may be a letter or mark: part of a mixed word.
# One scan for both findings of mixed-script: a Cyrillic "х" between numbers (group "x"), and
# a run of Cyrillic glued to something that may be a letter or mark (part of a mixed word).
# A character class first, so that ``re`` skips ahead in C to the next Cyrillic letter.
_C = CYRILLIC_BLOCKS
_MIXED_CANDIDATE = re.compile(
    f"[{_C}](?<![{_C}][{_C}])(?:(?P<x>(?<=[^{NOT_NUMBER}][хХ])(?=[^{NOT_NUMBER}]))"
    f"|(?<=[^{_C}{NOT_LETTER}][{_C}])[{_C}]*+|[{_C}]*+(?=[^{_C}{NOT_LETTER}]))"
)
# The most frequent letter of each script: its count (str.count, in C) bounds the script's.
_FREQUENT_LATIN = "e"
_FREQUENT_CYRILLIC = "о"


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
    if not _has_cyrillic(text):
        return  # both kinds of finding need a Cyrillic letter
    dimensions: list[Edit] = []
    words: list[Edit] = []
    # Settling runs this rule on single lines: the document's tie-break comes with the options.
    document_latin = options.get("_document_latin") or functools.cache(
        lambda: document_latin_of(text)
    )
    done = 0  # end of the words looked at so far (a word may hold several Cyrillic runs)
    for hit in _mixed_candidates(text):
        if hit["x"] is not None and (found := _dimension_edit(text, hit.start())):
            dimensions += found  # (a failed candidate, as in "Âх0", may still be in a word)
        elif hit.end() > done:
            start, end = _word_around(text, hit.start(), hit.end())
            # the run may hold characters that are not letters (U+0482 "҂"): split as _WORD
            # does; words before `done` (a word boundary) were looked at for an earlier run
            start, done = max(start, done), end
            for word in _WORD.finditer(text, start, end):
                if not word.group().isascii():
                    words += _mixed_word_edits(word.group(), word.start(), document_latin)
    yield from dimensions
    yield from words


def _mixed_candidates(text: str) -> Iterator[re.Match[str]]:
    """``_MIXED_CANDIDATE.finditer(text)``, tried only at the Cyrillic letters when known."""
    offsets = _cyrillic_offsets(text)
    if offsets is None:
        yield from _MIXED_CANDIDATE.finditer(text)
        return
    after = 0
    for at in offsets:
        if at >= after and (hit := _MIXED_CANDIDATE.match(text, at)) is not None:
            after = hit.end()
            yield hit


def _dimension_edit(text: str, at: int) -> list[Edit]:
    match = _DIMENSION_X.match(text, at)
    if match is None:
        return []
    return [
        Edit(
            match.start(),
            match.end(),
            match.group(),
            "x",
            "cleanup/mixed-script",
            "Cyrillic letter 'х' used as a dimension sign between numbers",
        )  # fmt: skip
    ]


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
    starts = _cyrillic_unless_mostly(text, ratio) if _has_cyrillic(text) else []
    if not starts:
        return
    from .translit import suggest_name  # imported here: pymorphy3 loads on first use only

    pos = 0
    for at in starts:
        if at < pos:
            continue
        match = _CYRILLIC_PHRASE.match(text, at)
        if match is None:  # a character of a Cyrillic block that is not Cyrillic script
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


def _has_cyrillic(text: str) -> bool:
    """Whether ``text`` may hold a Cyrillic letter (a character of CYRILLIC_BLOCKS)."""
    if text.isascii():
        return False
    alphabet = non_ascii_chars(text)
    if alphabet is not None:
        return any(map(_ANY_CYRILLIC.match, alphabet))
    return _ANY_CYRILLIC_UTF8.search(utf8_of(text)) is not None


def _cyrillic_offsets(text: str) -> list[int] | None:
    """Offsets of the characters of CYRILLIC_BLOCKS, from the scan all rules share; None for a
    text that is not mostly ASCII (too many to list: scan it instead)."""
    alphabet = non_ascii_chars(text)
    if alphabet is None:
        return None
    facts = text_facts(text)
    if "cyrillic" not in facts:
        facts["cyrillic"] = offsets_of(text, filter(_ANY_CYRILLIC.match, alphabet))
    offsets: list[int] = facts["cyrillic"]
    return offsets


def _share(cyrillic: int, latin: int) -> float:
    return cyrillic / (latin + cyrillic) if latin + cyrillic else 0.0


def _cyrillic_unless_mostly(text: str, ratio: float) -> list[int]:
    """Offsets of the characters of Cyrillic blocks in ``text``; none if Cyrillic letters are
    more than ``ratio`` of its letters (exactly as counted with ``regex``).

    Usually decided from bounds that cost little: a frequent letter counted with ``bytes.count``
    bounds a script from below, the characters of its blocks bound it from above, and the share
    only grows with Cyrillic and shrinks with Latin.
    """
    data = utf8_of(text)
    offsets = _cyrillic_offsets(text)
    if offsets is not None:  # a mostly ASCII text: its Cyrillic letters are few
        if offsets and _share(len(offsets), _latin_low(data, len(offsets), ratio)) > ratio:
            return [] if _mostly_cyrillic(text, ratio) else offsets
        return offsets
    latin_low = data.count(_FREQUENT_LATIN.encode())
    cyrillic_low = data.count(_FREQUENT_CYRILLIC.encode())
    if cyrillic_low > latin_low:  # looks Russian: the Latin runs are few
        latin_high = sum(map(len, _LATIN_RUN.findall(text)))
        if _share(cyrillic_low, latin_high) > ratio or _mostly_cyrillic(text, ratio):
            return []
        return [m.start() for m in _ANY_CYRILLIC.finditer(text)]
    starts = [m.start() for m in _ANY_CYRILLIC.finditer(text)]
    if starts and _share(len(starts), latin_low) > ratio and _mostly_cyrillic(text, ratio):
        return []
    return starts


def _latin_low(data: bytes, cyrillic_high: int, ratio: float) -> int:
    """A lower bound of the Latin letters: the frequent letter counted in the first 64 KB, or
    everywhere when that does not settle the share."""
    head = data.count(_FREQUENT_LATIN.encode(), 0, 1 << 16)
    if _share(cyrillic_high, head) <= ratio:
        return head
    return data.count(_FREQUENT_LATIN.encode())


def _mostly_cyrillic(text: str, ratio: float) -> bool:
    """The exact test: counts every Latin and Cyrillic letter with ``regex`` (slow)."""
    latin, cyrillic = _letters(text)
    return not cyrillic or cyrillic / (latin + cyrillic) > ratio


def _touches_latin(text: str, start: int, end: int) -> bool:
    """Whether the span is glued to a letter, mark or digit (half of a mixed word, "105х195")."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return any(c and regex.match(r"[\p{L}\p{M}\p{N}]", c) for c in (before, after))
