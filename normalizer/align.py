"""Source-aware suggestions: align names of the Russian source with spans of the English MT.

Quotes and their order survive MT, so a simple alignment is robust: the source line's names
(quoted spans, capitalized adjective+noun names) are paired with the MT line's name-like spans
(quoted spans, capitalized runs) by order when the counts agree, else by relative position. A
source name whose transliteration (via :func:`normalizer.translit.suggest_name`, which puts the
name in the nominative first) is absent from the MT line makes its aligned MT span a suspect, and
the transliteration becomes a candidate: «Матросской тишины» ↔ «Sailor silence» → "Matrosskaya
Tishina".
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import regex

from .edits import Candidate
from .suspects_lex import (
    INSTITUTIONS,
    is_lexical,
    is_proper_adjective,
    tokens,
    zipf_en,
    zipf_en_at_least,
)

__all__ = [
    "Alignment",
    "SourceName",
    "align_line",
    "line_pairs",
    "source_names",
    "transliteration_in",
]

_QUOTED = regex.compile(
    r"«([^«»\n]{1,80})»|„([^„“”\n]{1,80})[“”]|\"([^\"\n]{1,80})\"|“([^“”\n]{1,80})”"
)
_CYR_WORD = regex.compile(r"\p{Cyrillic}[\p{Cyrillic}\p{M}]*(?:-[\p{Cyrillic}\p{L}\p{N}]+)*")
# Person, place and given-name tags: MT renders those by its own conventions (Scholz, not Sholts).
_PERSON_TAGS = ("Name", "Surn", "Patr", "Geox")


@dataclass(frozen=True, slots=True)
class SourceName:
    """A name in the source line (offsets into that line) and its suggested English rendering."""

    start: int
    end: int
    text: str
    kind: str  # "quoted" | "capitalized"
    suggestion: str


@dataclass(frozen=True, slots=True)
class Alignment:
    """A source name paired with an MT span (offsets into the MT text); ``found`` = rendered."""

    name: SourceName
    start: int
    end: int
    found: bool
    partial: bool = False  # the MT span is a partial transliteration ("Komsomol Pravda")

    @property
    def candidate(self) -> Candidate:
        return Candidate(self.name.suggestion, 0.8, "transliteration")


def line_pairs(text: str, source: str) -> list[tuple[int, int, str]]:
    """(start, end, source line) for MT lines; line i of the source ↔ line i of the MT.

    A single-segment source pairs with the whole text. Where the line counts differ, the
    non-empty lines are paired; where those differ too, nothing is paired (no guessing).
    """
    mt = _line_spans(text)
    src = source.splitlines()
    if len(src) <= 1 and source.strip():
        return [(0, len(text), source)]
    if len(src) == len(mt):
        return [(a, b, s) for (a, b), s in zip(mt, src, strict=True)]
    mt_full = [(a, b) for a, b in mt if text[a:b].strip()]
    src_full = [s for s in src if s.strip()]
    if len(mt_full) == len(src_full):
        return [(a, b, s) for (a, b), s in zip(mt_full, src_full, strict=True)]
    return []


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        spans.append((pos, pos + len(body)))
        pos += len(line)
    return spans or [(0, 0)]


@functools.lru_cache(maxsize=1)
def _morph() -> object | None:
    try:
        import pymorphy3
    except ImportError:  # pragma: no cover - a core dependency
        return None
    return pymorphy3.MorphAnalyzer()


def _tagged(word: str, *tags: str) -> bool:
    morph = _morph()
    if morph is None:
        return False
    parse = morph.parse(word)[0]  # type: ignore[attr-defined]
    return any(t in parse.tag for t in tags)


def _suggest(phrase: str) -> str:
    from .translit import suggest_name

    return suggest_name(phrase)


def spellings(phrase: str) -> tuple[tuple[str, ...], ...]:
    from .translit import spellings as _spellings

    return _spellings(phrase)


def source_names(line: str) -> list[SourceName]:
    """Names in a source line: short capitalized quoted spans, then capitalized adjective+noun
    phrases outside quotes ("Российская газета"), in order of position."""
    names: list[SourceName] = []
    taken: list[tuple[int, int]] = []
    for m in _QUOTED.finditer(line):
        g = next(i for i in range(1, 5) if m.group(i) is not None)
        # "Северный поток-2": the number is a designator, rendered as it is; the name is before it
        text = regex.sub(r"\s*[-–—]\s*\d+$", "", m.group(g).strip(" -–—,."))
        start = line.find(text, m.start(g))
        words = _CYR_WORD.findall(text)
        if words and text[:1].isupper() and len(text.split()) <= 4 and _name_like(words):
            names.append(SourceName(start, start + len(text), text, "quoted", _suggest(text)))
            taken.append((m.start(), m.end()))
    names.extend(_adjective_names(line, taken))
    return sorted(names, key=lambda n: n.start)


# Parts of speech a name rarely has: a quoted span with a verb or a pronoun is speech or a slogan.
_NOT_IN_NAMES = ("VERB", "INFN", "PRCL", "NPRO", "PRED", "GRND", "ADVB")


def _name_like(words: Sequence[str]) -> bool:
    """A quoted source span that reads as a name, not a quotation ("Это ложная пандемия")."""
    if _tagged(words[0], "PREP", "CONJ"):
        return False
    return not any(_tagged(w, *_NOT_IN_NAMES) for w in words)


def _adjective_names(line: str, taken: Sequence[tuple[int, int]]) -> Iterator[SourceName]:
    """Capitalized adjective + lower-case noun, not sentence-initial: Russian names capitalize
    only their first word ("Новая газета"), which is what makes them recognisable."""
    words = list(_CYR_WORD.finditer(line))
    for a, b in zip(words, words[1:], strict=False):
        if any(s <= a.start() < e for s, e in taken) or not a.group()[:1].isupper():
            continue
        if not b.group()[:1].islower() or line[a.end() : b.start()] != " ":
            continue
        before = line[: a.start()].rstrip()
        if not before or before[-1] in ".!?:":
            continue  # sentence-initial: a capital says nothing
        if not _tagged(a.group(), "ADJF") or not _tagged(b.group(), "NOUN"):
            continue
        if _tagged(a.group(), *_PERSON_TAGS) or _tagged(b.group(), *_PERSON_TAGS):
            continue
        text = line[a.start() : b.end()]
        yield SourceName(a.start(), b.end(), text, "capitalized", _suggest(text))


def _folded(s: str) -> str:
    return regex.sub(r"[\s\-‐]+", " ", s.casefold()).strip()


def transliteration_in(suggestion: str, mt_line: str) -> bool:
    """Whether the MT line already renders ``suggestion`` (fuzzy: "Vedomosti" ~ "Vedomosty").

    A word of the transliteration (4+ letters, not a generic noun like "gazeta") found in the MT
    counts too: "Sputnik Light" is rendered where the MT says "Sputnik Lite".
    """
    target = _folded(suggestion)
    words = [w.text for w in tokens(mt_line)]
    n = max(1, len(target.split()))
    for i in range(len(words)):
        window = _folded(" ".join(words[i : i + n]))
        if difflib.SequenceMatcher(None, target, window).ratio() >= 0.75:
            return True
    parts = [p for p in target.split() if len(p) >= 5]
    folded_words = {_folded(w) for w in words}
    return any(
        difflib.SequenceMatcher(None, p, w).ratio() >= 0.85 for p in parts for w in folded_words
    )


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def partial_transliteration(
    suggestion: str, text: str, start: int, end: int
) -> tuple[int, int] | None:
    """An MT span spelled like the transliteration but not quite, word for word: "Komsomol
    Pravda" or "Satelnik V" for "Komsomolskaya Pravda", "Sputnik V" (a half-done rendering).

    Spelling variants ("Izvestia" for "Izvestiya", "Yandex" for "Yandeks") are renderings:
    only a name of two or more words where one word matches (0.85) and another does not (0.8)
    is partial, and only where the MT words are not English words.
    """
    target = _folded(suggestion).split()
    toks = tokens(text, start, end)
    n = len(target)
    for i in range(len(toks) - n + 1):
        window = toks[i : i + n]
        if not window[0].capitalized:
            continue
        words = [_folded(t.text) for t in window]
        whole = _ratio(" ".join(target), " ".join(words))
        per_word = [_ratio(a, b) for a, b in zip(target, words, strict=True)]
        if n < 2 or whole < 0.55 or min(per_word) >= 0.8 or max(per_word) < 0.85:
            continue
        if any(t[:3] == w[:3] for t, w, r in zip(target, words, per_word, strict=True) if r < 0.8):
            continue  # an English short form ("Leningrad Oblast", "Primorsky Krai"), not garble
        # Cognates and translations ("Federal Center", "Captain Morgan") hold English words;
        # a half-done rendering holds none.
        if not any(is_lexical(t.text) for t in window):
            return window[0].start, window[-1].end
    return None


def garbled_rendering(name: SourceName, text: str, start: int, end: int) -> tuple[int, int] | None:
    """An MT span that renders the name with a misspelled transliteration: "Moscow Comsomolec"
    for «Московский комсомолец» (house style "Moskovsky Komsomolets").

    A word is garbled when it is close to the word's transliteration under some common scheme
    (0.8; "Comsomolec" ~ scientific "komsomolec") but not the house style (< 0.95), and is not
    attested in English at all (Zipf 0: "Izvestia", "Yandex" are established spellings, and
    renderings). Only a mixed span counts: another word translates its word ("Moscow").
    """
    forms = spellings(name.text)
    n = len(forms)
    if not n:
        return None
    toks = tokens(text, start, end)
    for i in range(len(toks) - n + 1):
        window = toks[i : i + n]
        if not window[0].capitalized:
            continue
        garbled = translated = False
        for tok, spelled in zip(window, forms, strict=True):
            word = tok.text.casefold()
            house = _ratio(spelled[0], word)
            best = max(_ratio(f, word) for f in spelled)
            if best >= 0.8 and house < 0.95 and zipf_en(word) == 0.0:
                garbled = True
            elif house < 0.85 and tok.capitalized and zipf_en_at_least(word, 3.0):
                translated = True
            elif house < 0.85:
                break  # neither a rendering nor an English word (a translation) of this word
        else:
            # Half translated, half misspelled: a brand's own Latin spelling ("Tarhun",
            # "Butison") is a rendering; a name split between the two treatments is not.
            if garbled and translated:
                return window[0].start, window[-1].end
    return None


def _mt_spans(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """Name-like spans of an MT line: (start, end, quoted) for quoted spans and capitalized runs
    that are not sentence-initial."""
    spans: list[tuple[int, int, bool]] = []
    for m in _QUOTED.finditer(text, start, end):
        g = next(i for i in range(1, 5) if m.group(i) is not None)
        words = tokens(text, m.start(g), m.end(g))
        if words and len(words) <= 5:
            spans.append((words[0].start, words[-1].end, True))
    toks = tokens(text, start, end)
    i = 0
    while i < len(toks):
        gap = text[toks[i - 1].end : toks[i].start].strip() if i else "."
        if not toks[i].capitalized or (gap and gap[-1] in ".!?:"):
            i += 1
            continue
        j = i
        while (
            j + 1 < len(toks)
            and text[toks[j].end : toks[j + 1].start] == " "
            and (toks[j + 1].capitalized or len(toks[j + 1].text) == 1)
        ):
            j += 1
        if not any(a <= toks[i].start < b for a, b, _ in spans):
            spans.append((toks[i].start, toks[j].end, False))
        i = j + 1
    return sorted(spans)


def _extend(text: str, span: tuple[int, int, bool], line_end: int, want: int) -> tuple[int, int]:
    """Extend an unquoted MT span with following lower-case content words up to ``want`` words.

    Russian names capitalize only their first word; MT often keeps that ("Russian newspaper").
    """
    start, end, quoted = span
    words = tokens(text, start, end)
    if quoted or len(words) >= want:
        return start, end
    for t in tokens(text, end, line_end)[: want - len(words)]:
        if not t.text.islower() or zipf_en_at_least(t.text, 6.0) or text[end : t.start] != " ":
            break
        end = t.end
    return start, end


def _calque_shape(words: Sequence[str]) -> bool:
    """All alphabetic words lexical; no institution head, proper adjective alone, or acronym."""
    alpha = [w for w in words if w[:1].isalpha() and len(w) > 1]
    if not alpha or any(w.casefold() in INSTITUTIONS or w.isupper() for w in alpha):
        return False
    if all(is_proper_adjective(w) for w in alpha):
        return False
    return all(is_lexical(w) for w in alpha)


def align_line(text: str, start: int, end: int, source_line: str) -> list[Alignment]:
    """Pair the source line's names with MT spans of ``text[start:end]`` (see module)."""
    names = source_names(source_line)
    if not names:
        return []
    mt_line = text[start:end]
    spans = _mt_spans(text, start, end)
    out: list[Alignment] = []
    quoted_names = [n for n in names if n.kind == "quoted"]
    quoted_spans = [s for s in spans if s[2]]
    by_order = len(quoted_names) == len(quoted_spans)
    for name in names:
        found = transliteration_in(name.suggestion, mt_line)
        partial = partial_transliteration(name.suggestion, text, start, end)
        if partial is None:
            partial = garbled_rendering(name, text, start, end)
        if partial is not None and not any(
            transliteration_in(other.suggestion, text[partial[0] : partial[1]])
            for other in names
            if other is not name
        ):
            out.append(Alignment(name, partial[0], partial[1], False, True))
            continue
        if by_order and name.kind == "quoted":
            span: tuple[int, int, bool] | None = quoted_spans[quoted_names.index(name)]
        else:
            span = _nearest(spans, start, end, name, len(source_line))
        aligned = None if span is None else _calque_span(text, span, end, name)
        if aligned is not None:
            out.append(Alignment(name, *aligned, found))
    return out


def _calque_span(
    text: str, span: tuple[int, int, bool], end: int, name: SourceName
) -> tuple[int, int] | None:
    """The MT span extended to the name's length, if it reads as a word-for-word translation."""
    a, b = _extend(text, span, end, len(name.text.split()))
    words = [t.text for t in tokens(text, a, b)]
    if not span[2] and len(words) < 2:
        return None  # one capitalized word ("Russia", "November") is no evidence of a calque
    if len(words) <= len(name.text.split()) + 2 and _calque_shape(words):
        return a, b
    return None


def _nearest(
    spans: Sequence[tuple[int, int, bool]], start: int, end: int, name: SourceName, src_len: int
) -> tuple[int, int, bool] | None:
    """The MT span nearest in relative position to the source name (within a third of the line)."""
    if not spans or end <= start or src_len == 0:
        return None
    rel = name.start / src_len
    best = min(spans, key=lambda s: abs((s[0] - start) / (end - start) - rel))
    return best if abs((best[0] - start) / (end - start) - rel) <= 0.34 else None
