"""Glossary-driven suspects: near-misses of variants, and source terms missing from the MT.

* ``suspect/near-miss``: a span one or two edits (or an inflection) away from a glossary variant,
  which exact matching misses: "Sailors Silence", "Newbies" → the entry's term.
* ``suspect/source-term``: an entry's ``source`` form is in the source line but neither its term
  nor any of its variants is in the MT line: "source has новичок, translation lacks Novichok".

The variant index and the distances are in :mod:`normalizer.suspects_index` (re-exported).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import regex

from .align import Alignment
from .edits import Candidate
from .glossary_model import Entry
from .suspects_index import NearIndex, _near, _Variant, edit_distance, near_index, within
from .suspects_lex import CAPITALIZED, TOKEN, SentenceTable, is_lexical
from .suspects_scan import opens_sentence, positions
from .suspects_signals import Hit

__all__ = [
    "NearIndex",
    "edit_distance",
    "near_index",
    "capital_scan",
    "near_miss_hits",
    "source_term_hits",
    "within",
]

_CYR_WORD = regex.compile(r"\p{Cyrillic}+")
_QUOTES = ("«", "“", '"', "„")
_Word = tuple[int, int, str]  # start, end, text
_WORD_CHAR = regex.compile(r"[\p{L}\p{M}\p{N}]")


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


_Capital = tuple[int, int, str]  # start, end, word
_AFTER_MARK = frozenset({". ", "! ", "? ", "… ", ".\n", "!\n", "?\n", " \n", "\n\n"})


@functools.lru_cache(maxsize=8)
def _capital_windows(count: int) -> regex.Pattern[str]:
    """:data:`CAPITALIZED` (group 0, the same matches) with the up to ``count - 1`` tokens after
    it looked at, not consumed: group ``rest`` (each token captured as ``w``)."""
    rest = f"(?:[^\\p{{L}}\\p{{M}}\\p{{N}}]*(?P<w>{TOKEN.pattern})){{0,{count - 1}}}"
    return regex.compile(f"{CAPITALIZED.pattern}(?=(?P<rest>{rest}))")


def capital_scan(text: str, entries: Sequence[Entry]) -> tuple[list[_Capital], list[int]]:
    """One scan of the capitalized words: those past their sentence's first word, for the
    capital gates (a sentence's first word opens no calque or name position), and the offsets
    of those whose next words could be a near-miss of a variant of ``entries``.

    The window read here runs past a sentence end; its variants, cached by its words, are a
    superset of the window's within the sentence (a variant needs all its words), so an empty
    answer is final, and :func:`near_miss_hits` reads the others again in their sentence."""
    index = near_index(entries) if entries else None
    if index is None or not index.variants:
        found = CAPITALIZED.finditer(text)
        return [
            (m.start(), m.end(), m.group()) for m in found if not opens_sentence(text, m.start())
        ], []
    by_text = index._by_text
    later: list[_Capital] = []
    openers: list[int] = []
    for m in _capital_windows(index.max_words).finditer(text):
        key = m.group(0, "rest")
        near = by_text.get(key)
        if near is None:
            words = (m.group(), *m.captures("w"))
            near = index.near_variants(tuple(w.casefold() for w in words))
            if len(by_text) > 200_000:
                by_text.clear()
            by_text[key] = near
        start = m.start()
        if near:
            openers.append(start)
        # (the commonest sentence starts, then the full test)
        if text[start - 2 : start] not in _AFTER_MARK and not opens_sentence(text, start):
            later.append((start, m.end(), m.group()))
    return later, openers


def near_miss_hits(
    text: str,
    table: SentenceTable,
    entries: Sequence[Entry],
    openers: Sequence[int] | None = None,
) -> list[Hit]:
    """Near-misses of glossary variants in the sentences of ``table``, with the entry's term as
    a glossary candidate. A near-miss is a name: its first word is capitalized or quoted.
    ``openers``: the capitalized words :func:`capital_scan` found (scanned here if None)."""
    if not entries:
        return []
    index = near_index(entries)
    if not index.variants:
        return []
    found: list[tuple[int, int, int, Hit]] = []
    window = index.window()
    by_raw = index._by_raw
    if openers is None:
        openers = capital_scan(text, entries)[1]
    for start, k in _openings(text, table, index, openers):
        span = table.spans[k]
        # only the few words a variant could cover are read, not the whole sentence
        m = window.match(text, start, span[1])
        if m is None:
            continue
        raw = m.group()
        near = by_raw.get(raw)
        if near is None:
            near = index.near_variants(tuple(w.casefold() for w in m.captures("w")))
            if len(by_raw) > 200_000:
                by_raw.clear()
            by_raw[raw] = near
        if not near:
            continue
        words = list(zip(m.starts("w"), m.ends("w"), m.captures("w"), strict=True))
        not_first = table.past_first_word(k, start)
        for v in near:
            hit = _in_context(text, span, words, v, not_first)
            if hit is not None:
                found.append((v.order, k, start, hit))
    # glossary order, then text order: the order the hits had when every variant was scanned
    return [hit for *_, hit in sorted(found, key=lambda f: f[:3])]


def _openings(
    text: str, table: SentenceTable, index: NearIndex, openers: Sequence[int]
) -> list[tuple[int, int]]:
    """(offset, sentence) of the capitalized (``openers``) or quoted words that could open a
    variant, in text order (lower-case words are never names: the rest of a sentence is read
    only around these)."""
    starts = set(openers)
    opens = index._opens
    for q in positions(text, '«“"„'):
        m = TOKEN.match(text, q + 1)
        if m is None:
            continue
        word = m.group()
        is_opener = opens.get(word)
        if is_opener is None:
            match = index.lookup(word.casefold())
            is_opener = bool(match.single or match.opens)
            if len(opens) > 200_000:
                opens.clear()
            opens[word] = is_opener
        if is_opener:
            starts.add(m.start())
    out = []
    for start in sorted(starts):
        k = table.index_of(start)
        if k is not None and _token_start(text, table.spans[k][0], start):
            out.append((start, k))
    return out


def _token_start(text: str, sentence_start: int, offset: int) -> bool:
    """Whether a word found at ``offset`` opens a token, not the part after a hyphen or an
    apostrophe inside one ("anti-Kremlin")."""
    if offset - 2 < sentence_start or text[offset - 1] not in "-'’":
        return True
    return not _WORD_CHAR.match(text, offset - 2)


def _words_from(text: str, start: int, end: int, count: int) -> list[_Word]:
    """Up to ``count`` (start, end, text) words of ``text[start:end]`` from ``start``."""
    out = []
    for m in TOKEN.finditer(text, start, end):
        out.append((m.start(), m.end(), m.group()))
        if len(out) >= count:
            break
    return out


def _in_context(
    text: str, span: tuple[int, int], words: Sequence[_Word], v: _Variant, not_first: bool
) -> Hit | None:
    """The hit for a near-miss of ``v`` at ``words`` in the sentence ``span``, unless the words
    are not used as a name there or the entry's context fails (``not_first``: the window is past
    the sentence's first word)."""
    start, _, first = words[0]
    quoted = text[start - 1 : start] in _QUOTES
    capitalized = first[:1].isupper()
    if not (quoted or capitalized):
        return None  # lower-case words are not names (and are never looked at: see _openings)
    # A common word is only suspect where it is used as a name: capitalized or quoted.
    n = len(v.words)
    lexical = all(is_lexical(w[2].casefold()) for w in words[:n])
    if lexical and not (quoted or capitalized and not_first):
        return None
    if not _context_holds(v.entry, text[span[0] : span[1]]):
        return None
    reason = f"near-miss of the glossary variant '{v.variant}' ({v.entry.rule_id})"
    cand = (Candidate(v.entry.term, 0.9, "glossary"),)
    return Hit(start, words[n - 1][1], "suspect/near-miss", 0.75, reason, cand)


def _near_window(
    text: str,
    span: tuple[int, int],
    words: Sequence[_Word],
    v: _Variant,
    not_first: bool,
) -> Hit | None:
    """The hit for the window of ``len(v.words)`` words from ``words[0]``, if it is a near-miss
    in context (the index finds the same, faster)."""
    n = len(v.words)
    if n > len(words) or not _near(tuple(w[2].casefold() for w in words[:n]), v):
        return None
    return _in_context(text, span, words, v, not_first)


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
