"""Glossary-driven suspects: near-misses of variants, and source terms missing from the MT.

* ``suspect/near-miss``: a span one or two edits (or an inflection) away from a glossary variant,
  which exact matching misses: "Sailors Silence", "Newbies" → the entry's term.
* ``suspect/source-term``: an entry's ``source`` form is in the source line but neither its term
  nor any of its variants is in the MT line: "source has новичок, translation lacks Novichok".
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import regex

from .align import Alignment
from .edits import Candidate
from .glossary_model import Entry
from .suspects_lex import Sentence, is_lexical
from .suspects_signals import Hit

__all__ = ["edit_distance", "near_miss_hits", "source_term_hits"]

_CYR_WORD = regex.compile(r"\p{Cyrillic}+")
_INFLECTION = regex.compile(r"(?:['’]s|['’]|es|s)$")


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance, stopping early once every path exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def _stem(word: str) -> str:
    return _INFLECTION.sub("", word)


def _is_near(window: Sequence[str], variant: Sequence[str]) -> bool:
    """Same words up to inflection ("sailors silence"), or a small edit distance overall."""
    if list(window) == list(variant):
        return False
    if all(_stem(w) == _stem(v) for w, v in zip(window, variant, strict=True)):
        return True
    a, b = " ".join(window), " ".join(variant)
    allowed = 2 if len(b) >= 10 else 1 if len(b) >= 5 else 0
    return 0 < edit_distance(a, b, allowed) <= allowed


def _context_holds(entry: Entry, sentence_text: str) -> bool:
    """The entry's ``context`` evaluated on the sentence (whole words, case-insensitive)."""
    ctx = entry.context
    if ctx is None:
        return True

    def present(phrase: str) -> bool:
        pattern = r"(?<![\w])" + regex.escape(phrase) + r"(?![\w])"
        return regex.search(pattern, sentence_text, flags=regex.IGNORECASE) is not None

    if ctx.not_near and any(present(p) for p in ctx.not_near):
        return False
    return not ctx.near or any(present(p) for p in ctx.near)


def near_miss_hits(text: str, sents: Sequence[Sentence], entries: Sequence[Entry]) -> list[Hit]:
    """Near-misses of glossary variants, with the entry's term as a glossary candidate."""
    hits: list[Hit] = []
    for entry in entries:
        term = entry.term.casefold().split()
        for variant in entry.variants:
            vwords = variant.casefold().split()
            for s in sents:
                hits.extend(_near_in_sentence(text, s, entry, variant, vwords, term))
    return hits


def _near_in_sentence(
    text: str, s: Sentence, entry: Entry, variant: str, vwords: list[str], term: list[str]
) -> list[Hit]:
    n = len(vwords)
    toks = s.tokens
    out: list[Hit] = []
    for i in range(len(toks) - n + 1):
        window = [t.text.casefold() for t in toks[i : i + n]]
        if abs(len(" ".join(window)) - len(variant)) > 3 or not _is_near(window, vwords):
            continue
        if (
            window == term
            or _is_near(window, term)
            or edit_distance(" ".join(window), " ".join(term), 2) <= 2
        ):
            continue  # a (mis-inflected) rendering of the correct term
        first = toks[i]
        quoted = text[first.start - 1 : first.start] in ("«", "“", '"', "„")
        # A common word is only suspect where it is used as a name: capitalized or quoted.
        if all(is_lexical(w) for w in window) and not (quoted or first.capitalized and i > 0):
            continue
        if not _context_holds(entry, text[s.start : s.end]):
            continue
        reason = f"near-miss of the glossary variant '{variant}' ({entry.rule_id})"
        cand = (Candidate(entry.term, 0.9, "glossary"),)
        out.append(Hit(first.start, toks[i + n - 1].end, "suspect/near-miss", 0.75, reason, cand))
    return out


@functools.lru_cache(maxsize=1)
def _morph() -> object:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@functools.lru_cache(maxsize=65536)
def _lemma(word: str) -> str:
    return str(_morph().parse(word.casefold())[0].normal_form)  # type: ignore[attr-defined]


def _lemmas(text: str) -> list[str]:
    return [_lemma(w) for w in _CYR_WORD.findall(text)]


def _contains(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    n = len(needle)
    return n > 0 and any(
        list(haystack[i : i + n]) == list(needle) for i in range(len(haystack) - n + 1)
    )


def _present(phrase: str, text: str) -> bool:
    pattern = r"(?<![\w])" + regex.escape(phrase).replace(r"\ ", r"\s+") + r"(?![\w])"
    return regex.search(pattern, text, flags=regex.IGNORECASE) is not None


def source_term_hits(
    text: str,
    source: str,
    entries: Sequence[Entry],
    pairs: Sequence[tuple[int, int, str]],
    alignments: Sequence[Alignment],
) -> list[Hit]:
    """Entries whose source form is in a source line while the MT line lacks the term and every
    variant. The span is the aligned MT span of that source name, else the line start."""
    with_source = [e for e in entries if e.source]
    hits: list[Hit] = []
    for start, end, line in pairs if with_source else ():
        lemmas = _lemmas(line)
        mt_line = text[start:end]
        for entry in with_source:
            form = next((f for f in entry.source if _contains(lemmas, _lemmas(f))), None)
            if form is None or any(_present(v, mt_line) for v in (entry.term, *entry.variants)):
                continue
            a, b = _aligned_span(alignments, start, end, _lemmas(form))
            reason = f"source has {form}, translation lacks {entry.term} ({entry.rule_id})"
            cand = (Candidate(entry.term, 0.95, "glossary"),)
            hits.append(Hit(a, b, "suspect/source-term", 0.7, reason, cand))
    return hits


def _aligned_span(
    alignments: Sequence[Alignment], start: int, end: int, form: Sequence[str]
) -> tuple[int, int]:
    for a in alignments:
        if start <= a.start < end and _contains(_lemmas(a.name.text), form):
            return a.start, a.end
    return start, start
