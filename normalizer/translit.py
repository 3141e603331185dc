"""Russian names to English house style: nominative case, Wikipedia transliteration, capitals.

Used to propose a rendering for a Russian name that machine translation translated word for word
(«Матросской тишины» → "Sailor silence") or left in Cyrillic: the suggestion is the name as the
English press writes it ("Matrosskaya Tishina").

>>> suggest_name("Матросской тишины")
'Matrosskaya Tishina'
>>> transliterate("Ельцин and Yeltsin")
'Yeltsin and Yeltsin'
"""

from __future__ import annotations

import functools
import unicodedata
from typing import Any

import iuliia
import regex

__all__ = ["house_style", "spellings", "suggest_name", "to_nominative", "transliterate"]

# A Cyrillic run together with combining marks, so "й" written as "и" + U+0306 composes before
# transliteration (iuliia maps code points, not grapheme clusters).
_CYRILLIC_RUN = regex.compile(
    r"[\p{Script=Cyrillic}\p{Mn}]*\p{Script=Cyrillic}[\p{Script=Cyrillic}\p{Mn}]*"
)
# Acute and grave accents mark stress in Russian dictionaries and textbooks; not spelling.
_STRESS = regex.compile("[\u0300\u0301]")
_WORD = regex.compile(r"[\w\p{M}]+")
_CYRILLIC_PART = r"\p{Script=Cyrillic}[\p{Script=Cyrillic}\p{M}]*"
_CYRILLIC_WORD = regex.compile(rf"{_CYRILLIC_PART}(?:-{_CYRILLIC_PART})*")
_LATIN_WORD = regex.compile(r"[\p{L}\p{M}']+")
# Particles that stay lower case inside hyphenated place names (Rostov-na-Donu).
_LOWER_PARTICLES = frozenset({"na", "pod", "v", "u", "nad"})
# Longest all-caps word still taken for an acronym when a whole phrase is written in capitals.
_ACRONYM_MAX = 4


def transliterate(text: str) -> str:
    """Transliterate the Russian Cyrillic in ``text`` to Latin (Wikipedia scheme); keep the rest.

    Only words with Cyrillic letters change: spacing, punctuation, Latin words and line breaks stay
    as they are. A word in capitals stays in capitals ("ТАСС" → "TASS", not iuliia's "TASs"-style
    mixed case for multi-letter mappings such as "Щ" → "Shch").
    """
    if not _CYRILLIC_RUN.search(text):
        return text

    def word(match: regex.Match[str]) -> str:
        token = match.group()
        if not _CYRILLIC_RUN.search(token):
            return token
        latin = str(iuliia.WIKIPEDIA.translate(_spelling(token)))
        letters = [c for c in token if c.isalpha()]
        return latin.upper() if len(letters) > 1 and all(c.isupper() for c in letters) else latin

    # iuliia works word by word (its endings rules need word bounds); feed it one word at a time.
    return _WORD.sub(word, text)


def _spelling(token: str) -> str:
    """A Cyrillic word as spelled: stress marks dropped, "и" + breve composed to "й"."""
    decomposed = unicodedata.normalize("NFD", token)
    return unicodedata.normalize("NFC", _STRESS.sub("", decomposed))


def _style_word(word: str, shouted: bool) -> str:
    """Capitalize one word (no hyphens) as a name; acronyms stay in capitals."""
    letters = [c for c in word if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        if not (shouted and len(letters) > _ACRONYM_MAX):
            return word
        word = word.lower()
    return word[:1].upper() + word[1:]


def house_style(latin: str) -> str:
    """Capitalize each word of a name as English house style does: "matrosskaya tishina" →
    "Matrosskaya Tishina", "yoshkar-ola" → "Yoshkar-Ola"; acronyms ("FSB", "ITAR-TASS") stay.

    A phrase written entirely in capitals is taken as shouted: its words longer than four letters
    are written as names ("MATROSSKAYA TISHINA" → "Matrosskaya Tishina"), shorter ones stay.
    Inner capitals ("McDonald") are kept; particles inside hyphenated names stay lower case.
    """
    letters = [c for c in latin if c.isalpha()]
    shouted = bool(letters) and all(c.isupper() for c in letters)

    def style(match: regex.Match[str]) -> str:
        word = match.group()
        if "-" not in word:
            return _style_word(word, shouted)
        parts = word.split("-")
        styled = [
            p if 0 < i < len(parts) - 1 and p in _LOWER_PARTICLES else _style_word(p, shouted)
            for i, p in enumerate(parts)
        ]
        return "-".join(styled)

    return regex.sub(r"[\p{L}\p{M}']+(?:-[\p{L}\p{M}']+)*", style, latin)


@functools.lru_cache(maxsize=1)
def _analyzer() -> Any:
    """One pymorphy3 analyzer per process (loading dictionaries takes ~0.3 s); None if missing."""
    try:
        import pymorphy3
    except ImportError:  # optional in spirit: without it names are only transliterated
        return None
    try:
        return pymorphy3.MorphAnalyzer()
    except Exception:  # missing dictionaries package: degrade the same way
        return None


def _same_case(word: str, model: str) -> str:
    """Write ``word`` with the capitalization pattern of ``model`` (UPPER, Title or lower)."""
    if len(model) > 1 and model.isupper():
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word.lower()


def _agrees(adj: Any, noun: Any) -> bool:
    """Whether an adjective parse agrees with a noun parse in case, number and (singular) gender."""
    a, n = adj.tag, noun.tag
    if a.case != n.case or a.number != n.number:
        return False
    return n.number == "plur" or a.gender == n.gender or n.gender is None


def _head_parse(morph: Any, words: list[str]) -> tuple[Any, list[Any]] | None:
    """Find the head noun of an [adjective…] noun phrase and parses that agree with it."""
    adj_parses: list[list[Any]] = []
    for index, word in enumerate(words):
        parses = morph.parse(word)
        nouns = [p for p in parses if p.tag.POS == "NOUN"]
        adjs = [p for p in parses if p.tag.POS in ("ADJF", "PRTF")]
        if nouns and (not adjs or nouns[0].score >= adjs[0].score or index == len(words) - 1):
            for noun in nouns:  # best-scored noun reading the adjectives can agree with
                chosen = [next((a for a in cand if _agrees(a, noun)), None) for cand in adj_parses]
                if all(c is not None for c in chosen):
                    return noun, chosen
            return None
        if not adjs:
            return None
        adj_parses.append(adjs)
    return None


def _inflect_group(morph: Any, words: list[str]) -> list[str] | None:
    """Nominative forms for the leading adjective+noun group of ``words``, or None."""
    found = _head_parse(morph, words)
    if found is None:
        return None
    noun, adjs = found
    if noun.tag.case == "nomn":
        return None
    number = noun.tag.number or "sing"
    new_noun = noun.inflect({"nomn"})
    out: list[str] = []
    for adj in adjs:
        grams = {"nomn", number} | (
            {noun.tag.gender} if number == "sing" and noun.tag.gender else set()
        )
        form = adj.inflect(grams)
        if form is None:
            return None
        out.append(form.word)
    if new_noun is None:
        return None
    out.append(new_noun.word)
    return out


def to_nominative(phrase: str) -> str:
    """Put a Russian name phrase in the nominative: «Ведомостей» → "Ведомости",
    «Матросской тишины» → "Матросская тишина" (adjectives agree with the head noun).

    Only the leading adjective+noun group changes; words after the head noun are its dependents
    and keep their case ("Эха Москвы" → "Эхо Москвы"). Each word keeps its capitalization
    pattern. Without pymorphy3, or when the phrase does not parse as such a group, it is returned
    unchanged.
    """
    morph = _analyzer()
    matches = list(_CYRILLIC_WORD.finditer(phrase))
    if morph is None or not matches:
        return phrase
    words = [m.group() for m in matches]
    forms = _inflect_group(morph, [_spelling(w).lower() for w in words])
    if forms is None:
        return phrase
    pieces: list[str] = []
    pos = 0
    for match, form in zip(matches, forms, strict=False):
        pieces.append(phrase[pos : match.start()])
        # hyphenated names keep each part's pattern: "Йошкар-Олы" → "Йошкар-Ола"
        parts = zip(form.split("-"), match.group().split("-"), strict=False)
        pieces.append("-".join(_same_case(f, m) for f, m in parts))
        pos = match.end()
    pieces.append(phrase[pos:])
    return "".join(pieces)


@functools.lru_cache(maxsize=4096)  # names recur through a corpus; pymorphy3 parsing is not free
def suggest_name(source_phrase: str) -> str:
    """The English house-style rendering of a Russian name: nominative, transliterated, capitalized.

    >>> suggest_name("Ведомостей")
    'Vedomosti'
    """
    return house_style(transliterate(to_nominative(source_phrase.strip())))


# Schemes MT systems and older style guides use besides Wikipedia's: "Komsomolec" (scientific,
# GOST 7.79 B), "Moskovskiy" (BGN/PCGN), "Izvestiia" (ICAO, passports). A word spelled by one of
# these is a transliteration even where it is not the house style.
_OTHER_SCHEMES = ("SCIENTIFIC", "BGN_PCGN", "ICAO_DOC_9303", "TELEGRAM", "GOST_52535")


@functools.lru_cache(maxsize=4096)
def spellings(source_phrase: str) -> tuple[tuple[str, ...], ...]:
    """For each word of the nominative name, its case-folded spellings under common schemes,
    the house style (Wikipedia) first: «Московский комсомолец» → (("moskovsky", "moskovskij",
    "moskovskiy", ...), ("komsomolets", "komsomolec", ...))."""
    nominative = _spelling(to_nominative(source_phrase.strip()))
    out = []
    for m in _CYRILLIC_WORD.finditer(nominative):
        word = m.group()
        forms = [str(iuliia.WIKIPEDIA.translate(word)).casefold()]
        for scheme in _OTHER_SCHEMES:
            form = str(getattr(iuliia, scheme).translate(word)).casefold()
            if form not in forms and form.isascii():
                forms.append(form)
        out.append(tuple(forms))
    return tuple(out)
