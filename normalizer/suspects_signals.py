"""Cheap, target-only signals that a span is a literal translation of a name.

Each detector returns :class:`Hit` values (a span, a rule, a weight in [0, 1] and a reason);
:mod:`normalizer.suspects` merges the hits of one span and decides what to report. All offsets are
code-point offsets into the original text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import regex

from .edits import Candidate
from .suspects_lex import (
    HEADS,
    TYPE_NOUNS,
    Sentence,
    Token,
    is_lexical,
    is_proper_adjective,
    name_gap,
    tokens,
)
from .suspects_scan import finditer_at, positions

__all__ = [
    "PLAIN_QUOTES",
    "Hit",
    "calque_hits",
    "credit_hits",
    "designator_hits",
    "is_designator",
    "plain_calque_word",
    "plain_quotes",
    "group_name_hits",
    "plain_quoted_hits",
    "quoted_hits",
    "type_noun_hits",
]

_FOREIGN_QUOTES = regex.compile(r"«([^«»\n]{1,120})»|„([^„“”\n]{1,120})[“”]")
PLAIN_QUOTES = regex.compile(r"\"([^\"\n]{1,60})\"|“([^“”\n]{1,60})”")
_PLAIN_QUOTES = PLAIN_QUOTES
_CYRILLIC = regex.compile(r"\p{Cyrillic}")
_CONNECTORS = frozenset({"of", "and", "the", "for", "de", "&"})
_ROMAN = regex.compile(r"^(?:[B-HJ-Z]|I{2,3}|IV|VI{0,3}|IX|XI{0,3})$")
_DIGITS = regex.compile(r"^\d{1,3}$")
# A sentence part starts after these: a headline "X: Y", "X - Y", a quote or a bracket.
_PART_START = regex.compile(r"[:;—–(\[«“\"]\s*$|\s[-–—]\s*$")


@dataclass(frozen=True, slots=True)
class Hit:
    """One signal on one span: ``rule`` is a ``suspect/<name>`` id."""

    start: int
    end: int
    rule: str
    weight: float
    reason: str
    candidates: tuple[Candidate, ...] = ()


def plain_quotes(text: str) -> Iterator[regex.Match[str]]:
    """The matches of :data:`PLAIN_QUOTES`, tried only at the opening quotes."""
    return finditer_at(PLAIN_QUOTES, text, positions(text, '"“'))


def _clip(weight: float) -> float:
    return max(0.0, min(0.99, weight))


def _quote_content(m: regex.Match[str]) -> tuple[int, int]:
    group = 1 if m.group(1) is not None else 2
    return m.start(group), m.end(group)


def quoted_hits(text: str) -> list[Hit]:
    """Short spans in foreign quotes («…», „…“) in English text: a name the MT left as a phrase.

    Long or lower-case quotations ("said that «the so-called western partners…»") are speech,
    not names, and are left to ``cleanup/quotes``.
    """
    hits: list[Hit] = []
    for m in finditer_at(_FOREIGN_QUOTES, text, positions(text, "«„")):
        start, end = _quote_content(m)
        words = tokens(text, start, end)
        if not words or _CYRILLIC.search(text, start, end):
            continue
        if len(words) > 5 or (len(words) >= 3 and not words[0].capitalized):
            continue
        weight, reasons = 0.55, ["in «» quotes"]
        if any(is_lexical(w.text) for w in words):
            weight += 0.3
            reasons.append("a common English word used as a name")
        if words[0].capitalized:
            weight += 0.05
        hits.append(
            Hit(words[0].start, words[-1].end, "suspect/quoted", _clip(weight), "; ".join(reasons))
        )
    return hits


def _near_type_noun(sentence: Sentence, first: int, last: int, reach: int = 2) -> str | None:
    """A type noun ("newspaper", "missile") within ``reach`` words of tokens first..last."""
    toks = sentence.tokens
    lo, hi = max(0, first - reach), min(len(toks), last + 1 + reach)
    for t in (*toks[lo:first], *toks[last + 1 : hi]):
        if t.text.casefold() in TYPE_NOUNS:
            return t.text.casefold()
    return None


def _starts_part(text: str, sentence: Sentence, index: int) -> bool:
    """Whether token ``index`` opens its sentence or a part of it (after ':', a dash, a quote)."""
    if index == 0:
        return True
    before = text[sentence.tokens[index - 1].end : sentence.tokens[index].start]
    return bool(_PART_START.search(before))


def _is_designator(word: str) -> bool:
    return bool(_ROMAN.match(word) or _DIGITS.match(word))


def _runs(text: str, sentence: Sentence) -> Iterable[tuple[int, int]]:
    """Index ranges [i, j] of capitalized word runs, joined by lower-case connectors ("of")."""
    toks = sentence.tokens
    i = 0
    while i < len(toks):
        if not toks[i].capitalized or _is_designator(toks[i].text):
            i += 1
            continue
        j = i
        while True:
            k = j + 1
            if k < len(toks) and toks[k].text in _CONNECTORS and k + 1 < len(toks):
                k += 1
            if k < len(toks) and toks[k].capitalized and not _is_designator(toks[k].text):
                if (
                    text[toks[j].end : toks[k].start].strip(" ") == ""
                    or toks[k - 1].text in _CONNECTORS
                ):
                    j = k
                    continue
            break
        yield i, j
        i = j + 1


def _name_words(words: Sequence[Token]) -> list[Token]:
    return [w for w in words if w.text not in _CONNECTORS]


def plain_calque_word(word: str) -> bool:
    """Lexical, and not an institution head/title, a proper adjective or an acronym."""
    if word.casefold() in HEADS or is_proper_adjective(word) or word.isupper():
        return False
    return is_lexical(word)


def _plain_calque_words(words: Sequence[Token]) -> bool:
    """All words lexical, none an institution head/title, a proper adjective or an acronym."""
    return all(plain_calque_word(w.text) for w in words)


def is_designator(word: str) -> bool:
    """A letter or Roman numeral naming a product ("Satellite V", "Sarmat II")."""
    return bool(_ROMAN.match(word))


def calque_hits(text: str, sentences: Sequence[Sentence]) -> list[Hit]:
    """Capitalized multi-word runs inside a sentence, made of common English words."""
    hits: list[Hit] = []
    for s in sentences:
        if s.title_case:
            continue
        for i, j in _runs(text, s):
            if _starts_part(text, s, i):
                i += 1
            words = _name_words(s.tokens[i : j + 1])
            if len(words) < 2 or not _plain_calque_words(words):
                continue
            weight = 0.45
            reasons = ["capitalized run of common English words inside a sentence"]
            nxt = s.tokens[j + 1] if j + 1 < len(s.tokens) else None
            if nxt is not None and _is_designator(nxt.text):
                weight += 0.25
                reasons.append(f"followed by the designator '{nxt.text}', like a product name")
            noun = _near_type_noun(s, i, j)
            if noun:
                weight += 0.2
                reasons.append(f"next to '{noun}'")
            start, end = s.tokens[i].start, s.tokens[j].end
            hits.append(Hit(start, end, "suspect/calque", _clip(weight), "; ".join(reasons)))
    return hits


def designator_hits(text: str, sentences: Sequence[Sentence]) -> list[Hit]:
    """A single common word named by a letter ("Satellite V", "satellite V vaccine")."""
    hits: list[Hit] = []
    for s in sentences:
        toks = s.tokens
        for k in range(1, len(toks)):
            word, mark = toks[k - 1], toks[k]
            if not _ROMAN.match(mark.text) or text[word.end : mark.start] not in (" ", "-"):
                continue
            if text[mark.end : mark.end + 1] == ".":
                continue  # an abbreviation ("the U.S."), not a designator
            if word.text.casefold() in HEADS or not is_lexical(word.text):
                continue
            if k - 1 >= 1 and toks[k - 2].capitalized and not _starts_part(text, s, k - 2):
                continue  # part of a longer capitalized run: the calque detector decides
            noun = _near_type_noun(s, k - 1, k)
            if not word.capitalized and noun is None:
                continue
            weight = 0.45 + (0.25 if noun else 0.0)
            reason = f"a common word named by the letter '{mark.text}'" + (
                f"; next to '{noun}'" if noun else ""
            )
            hits.append(Hit(word.start, mark.end, "suspect/name-position", _clip(weight), reason))
    return hits


def type_noun_hits(text: str, sentences: Sequence[Sentence]) -> list[Hit]:
    """A capitalized common word next to a type noun: "the newspaper Statements", "the Dagger
    missile"."""
    hits: list[Hit] = []
    for s in sentences:
        if s.title_case:
            continue
        toks = s.tokens
        for k, t in enumerate(toks):
            if not t.capitalized or _starts_part(text, s, k):
                continue
            if not _plain_calque_words([t]) or (k + 1 < len(toks) and toks[k + 1].capitalized):
                continue
            if k >= 1 and toks[k - 1].capitalized and not _starts_part(text, s, k - 1):
                continue
            # the type noun must be the adjacent word, with nothing but a space between
            before = (
                toks[k - 1].text.casefold()
                if k >= 1 and text[toks[k - 1].end : t.start] == " "
                else ""
            )
            after = (
                toks[k + 1].text.casefold()
                if k + 1 < len(toks) and text[t.end : toks[k + 1].start] == " "
                else ""
            )
            noun = before if before in TYPE_NOUNS else after if after in TYPE_NOUNS else None
            if noun is None:
                continue
            reason = f"a common word in name position, next to '{noun}'"
            hits.append(Hit(t.start, t.end, "suspect/name-position", 0.6, reason))
    return hits


def group_name_hits(text: str, sentences: Sequence[Sentence]) -> list[Hit]:
    """A plural common noun naming a person's circle: "Companions of Navalny" (not "allies")."""
    hits: list[Hit] = []
    for s in sentences:
        toks = s.tokens
        for k in range(len(toks) - 2):
            head, of, name = toks[k], toks[k + 1], toks[k + 2]
            if of.text != "of" or not head.capitalized or not name.capitalized:
                continue
            if text[head.end : of.start] != " " or text[of.end : name.start] != " ":
                continue  # "Traces of «Newbies»": a quoted word, not a person's name
            folded = head.text.casefold()
            if not folded.endswith("s") or folded in HEADS or not is_lexical(head.text):
                continue
            if is_lexical(name.text) or name.text.isupper() or name_gap(head.text) < 1.8:
                continue
            reason = (
                "a common noun used as a group name before a person's name"
                f" ('{head.text} of {name.text}')"
            )
            hits.append(Hit(head.start, head.end, "suspect/name-position", 0.55, reason))
    return hits


def plain_quoted_hits(text: str, sentences: Sequence[Sentence]) -> list[Hit]:
    """Capitalized common words in English quotes ("New Newspaper"): a name rendered as a phrase."""
    hits: list[Hit] = []
    for m in plain_quotes(text):
        start, end = _quote_content(m)
        words = tokens(text, start, end)
        if not words or len(words) > 4 or _CYRILLIC.search(text, start, end):
            continue
        names = [w for w in words if not _is_designator(w.text)]
        if not names or not all(w.capitalized for w in names) or not _plain_calque_words(names):
            continue
        # the sentence of the quoted words (a quote may open before a sentence break: '" . X "')
        at = words[0].start
        sentence = next((s for s in sentences if s.start <= at < s.end), None)
        weight, reason = 0.45, "capitalized common words in quotes, used as a name"
        first = None
        if sentence is not None:
            first = next((i for i, t in enumerate(sentence.tokens) if t.start >= at), None)
        if sentence is not None and first is not None:
            noun = _near_type_noun(sentence, first, first + len(words) - 1)
            if noun:
                weight += 0.2
                reason += f"; next to '{noun}'"
        if any(_is_designator(w.text) for w in words):
            weight += 0.2
        kind = next((w.text for w in names if w.text.casefold() in TYPE_NOUNS), None)
        if kind:
            weight += 0.15
            reason += f"; a name made of its own kind ('{kind}')"
        hits.append(
            Hit(words[0].start, words[-1].end, "suspect/name-position", _clip(weight), reason)
        )
    return hits


_DASH_CREDIT = regex.compile(r"\s[-–—]\s+(\p{Lu}\p{Ll}+(?: \p{Ll}+){1,2})\s*$", regex.MULTILINE)


def credit_hits(text: str) -> list[Hit]:
    """A source credit after a dash at a line end made of common words with a type noun:
    "… were named in Moscow - Russian newspaper" (the outlet's name, translated word by word)."""
    hits: list[Hit] = []
    # a match starts at the white space before the dash
    starts = sorted({i - 1 for i in positions(text, "-–—") if i})
    for m in finditer_at(_DASH_CREDIT, text, starts):
        words = tokens(text, m.start(1), m.end(1))
        if words[-1].text.casefold() not in TYPE_NOUNS or not all(
            is_lexical(w.text) for w in words
        ):
            continue
        reason = f"a source credit after a dash, made of common words ending in '{words[-1].text}'"
        hits.append(Hit(words[0].start, words[-1].end, "suspect/name-position", 0.6, reason))
    return hits
