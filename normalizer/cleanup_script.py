"""Script cleanup rules: look-alike letters from the wrong alphabet, Cyrillic left untranslated."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import regex

from .edits import Candidate, Edit, Suggestion

__all__ = ["CYRILLIC_TO_LATIN", "LATIN_TO_CYRILLIC", "mixed_script", "untranslated"]

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


def _letters(text: str) -> tuple[int, int]:
    """Count (Latin, Cyrillic) letters of ``text``."""
    return len(_LATIN.findall(text)), len(_CYRILLIC.findall(text))


def _target(word: str, latin: int, cyrillic: int, document_latin: bool) -> str | None:
    """Which alphabet a mixed word should be written in ("latin"/"cyrillic"), or None."""
    to_latin = all(c in CYRILLIC_TO_LATIN for c in word if _CYRILLIC.match(c))
    to_cyrillic = all(c in LATIN_TO_CYRILLIC for c in word if _LATIN.match(c))
    if to_latin and to_cyrillic:  # every letter could go either way: majority, then document
        if latin != cyrillic:
            return "latin" if latin > cyrillic else "cyrillic"
        return "latin" if document_latin else "cyrillic"
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
    for match in _DIMENSION_X.finditer(text):
        yield Edit(
            match.start(), match.end(), match.group(), "x", "cleanup/mixed-script",
            "Cyrillic letter 'х' used as a dimension sign between numbers",
        )  # fmt: skip
    document_latin: bool | None = None
    for match in _WORD.finditer(text):
        word = match.group()
        if word.isascii():
            continue  # the common case, decided without a regex
        latin, cyrillic = _letters(word)
        if not latin or not cyrillic:
            continue
        if document_latin is None:
            doc_latin, doc_cyrillic = _letters(text)
            document_latin = doc_latin >= doc_cyrillic
        target = _target(word, latin, cyrillic, document_latin)
        if target is None:
            continue
        table, script = (
            (CYRILLIC_TO_LATIN, _CYRILLIC) if target == "latin" else (LATIN_TO_CYRILLIC, _LATIN)
        )
        for offset, char in enumerate(word):
            if script.match(char):
                at = match.start() + offset
                yield Edit(
                    at, at + 1, char, table[char], "cleanup/mixed-script",
                    f"{target.title()} word {word!r} has a look-alike letter from another alphabet",
                )  # fmt: skip


def untranslated(text: str, options: Mapping[str, Any]) -> Iterator[Suggestion]:
    """Russian words left in Cyrillic in English text ("held in «Матросская тишина»").

    MT leaves names and rare words untranslated; English readers cannot read them. Each phrase
    (Cyrillic words joined by spaces or hyphens) is reported with its transliteration in house
    style as a candidate. Not on a text that is mostly Cyrillic (option ``max_cyrillic_ratio``,
    default 0.5, of its letters): that is a Russian document. Report only, never applied.
    """
    from .translit import suggest_name  # imported here: pymorphy3 loads on first use only

    latin, cyrillic = _letters(text)
    ratio = float(options.get("max_cyrillic_ratio", 0.5))
    if not cyrillic or cyrillic / (latin + cyrillic) > ratio:
        return
    for match in _CYRILLIC_PHRASE.finditer(text):
        if _touches_latin(text, match.start(), match.end()):
            continue  # part of a mixed-script word: the mixed-script rule's business
        phrase = match.group()
        name = suggest_name(phrase)
        yield Suggestion(
            match.start(), match.end(), phrase, "cleanup/untranslated", 0.9,
            (Candidate(name, 0.5, "transliteration"),),
            f"untranslated Russian {phrase!r}; transliterated: {name!r}",
        )  # fmt: skip


def _touches_latin(text: str, start: int, end: int) -> bool:
    """Whether the span is glued to a letter, mark or digit (half of a mixed word, "105х195")."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return any(c and regex.match(r"[\p{L}\p{M}\p{N}]", c) for c in (before, after))
