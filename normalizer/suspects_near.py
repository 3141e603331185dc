"""Glossary-driven suspects: near-misses of variants, and source terms missing from the MT.

* ``suspect/near-miss``: a span one or two edits (or an inflection) away from a glossary variant,
  which exact matching misses: "Sailors Silence", "Newbies" → the entry's term.
* ``suspect/source-term``: an entry's ``source`` form is in the source line but neither its term
  nor any of its variants is in the MT line: "source has новичок, translation lacks Novichok".
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import regex

from .align import Alignment
from .edits import Candidate
from .glossary_model import Entry
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
_INFLECTION = regex.compile(r"(?:['’]s|['’]|es|s)$")
# Indexes of the variants of a glossary, kept for the last few entry tuples a Normalizer passes.
_INDEXES: dict[int, tuple[Sequence[Entry], NearIndex]] = {}
_MAX_INDEXES = 8


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance, or more than ``limit`` (``limit + 1`` or the distance) once it is
    known to exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if limit <= 2:
        return next((d for d in range(limit + 1) if within(a, b, d)), limit + 1)
    # the common prefix and suffix never change the distance: the table covers what differs
    a, b = _trimmed(a, b)
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def within(a: str, b: str, k: int) -> bool:
    """Whether ``a`` and ``b`` are at most ``k`` edits apart (fast for small ``k``).

    Without their common prefix and suffix the strings differ at both ends, so every edit
    script fixes the first and the last character: for one or two edits only a few scripts
    remain, compared directly; larger ``k`` recurse on the first edit (substitute, delete or
    insert there)."""
    if abs(len(a) - len(b)) > k:
        return False
    a, b = _trimmed(a, b)
    if not a or not b:
        return True  # the rest is as long as the length difference
    if len(a) < len(b):
        a, b = b, a
    if k <= 1:
        return k == 1 and len(a) == 1
    if k == 2:
        if len(a) <= 2:
            return True
        inner = a[1:-1]
        gap = len(a) - len(b)
        if gap == 2:  # both ends deleted
            return inner == b
        if gap == 1:  # one end deleted, the other substituted
            return inner == b[:-1] or inner == b[1:]
        # both ends substituted, or one deleted and one inserted at the other end
        return inner == b[1:-1] or a[1:] == b[:-1] or a[:-1] == b[1:]
    return within(a[1:], b[1:], k - 1) or within(a[1:], b, k - 1) or within(a, b[1:], k - 1)


def _trimmed(a: str, b: str) -> tuple[str, str]:
    """``a`` and ``b`` without their common prefix and suffix."""
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    j = 0
    while j < n - i and a[-1 - j] == b[-1 - j]:
        j += 1
    return a[i : len(a) - j], b[i : len(b) - j]


@functools.lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return _INFLECTION.sub("", word)


def _allowed(joined: str) -> int:
    """Edits a variant of this length tolerates: none under 5 characters, 2 from 10."""
    return 2 if len(joined) >= 10 else 1 if len(joined) >= 5 else 0


def _deletions(word: str, depth: int) -> set[str]:
    """``word`` and every string made from it by deleting up to ``depth`` characters."""
    out = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


@dataclass(frozen=True, slots=True)
class _Variant:
    """One variant of one entry, in glossary order (``order`` keeps the hits in that order)."""

    order: int
    entry: Entry
    variant: str
    words: tuple[str, ...]
    term: tuple[str, ...]
    allowed: int


class NearIndex:
    """The variants of a glossary indexed by their words, so a window of the text is only
    compared with the variants it could be near.

    A window is near a variant when its words stem alike or when the words, aligned, are one or
    two edits apart in all (see :func:`_is_near`). Either way each word of the window stems like,
    or is within the variant's allowed edits of, the variant's word at its position: an exact
    stem lookup and a deletion-neighbourhood lookup (SymSpell-style) per distinct token find
    those (variant, position) pairs, and only windows whose every token pairs with the same
    variant are checked with the exact test.
    """

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.variants: list[_Variant] = []
        self.max_words = 0
        self._longest = 0  # the longest variant word: longer tokens are never within 2 edits
        self._stems: dict[str, list[tuple[int, int]]] = {}
        self._by_stem: dict[str, tuple[tuple[int, int], ...]] = {}
        # Variant words are indexed once per (word, allowed edits), each such key with the
        # (variant, position) pairs it stands for; the deletion neighbourhoods of the keys' words
        # go in one table per allowed edit count (1, 2): deletion -> key numbers.
        self._keys: dict[tuple[str, int], int] = {}
        self._key_words: list[str] = []
        self._pairs: list[list[tuple[int, int]]] = []
        self._key_pairs: list[tuple[tuple[int, int], ...]] = []
        # [allowed - 1][characters deleted from the word] -> {deletion: keys}
        self._deletions: list[list[dict[str, list[int]]]] = [[{}, {}], [{}, {}, {}]]
        self._by_deletion: tuple[tuple[dict[str, tuple[int, ...]], ...], ...] = ()
        self._by_token: dict[str, _TokenMatch] = {}
        self._by_window: dict[tuple[str, ...], tuple[_Variant, ...]] = {}
        # the same, by the window's raw text; and whether a word (as written) opens a variant
        self._by_raw: dict[str, tuple[_Variant, ...]] = {}
        self._by_text: dict[tuple[str, str], tuple[_Variant, ...]] = {}  # (word, what follows)
        self._opens: dict[str, bool] = {}
        self._window: regex.Pattern[str] | None = None
        for entry in entries:
            term = tuple(entry.term.casefold().split())
            for variant in entry.variants:
                words = tuple(variant.casefold().split())
                if words:
                    allowed = _allowed(" ".join(words))
                    order = len(self.variants)
                    self._add(_Variant(order, entry, variant, words, term, allowed))
        # Tuples of numbers are not tracked by the garbage collector once it has seen them:
        # lists would keep ~300,000 objects (10,000 entries) in every full collection.
        self._by_stem = {k: tuple(v) for k, v in self._stems.items()}
        self._key_pairs = [tuple(p) for p in self._pairs]
        self._by_deletion = tuple(
            tuple({d: tuple(k) for d, k in t.items()} for t in by_depth)
            for by_depth in self._deletions
        )
        del self._stems, self._pairs, self._deletions

    def _add(self, v: _Variant) -> None:
        self.variants.append(v)
        self.max_words = max(self.max_words, len(v.words))
        self._longest = max(self._longest, *(len(w) for w in v.words))
        for p, word in enumerate(v.words):
            self._stems.setdefault(_stem(word), []).append((v.order, p))
            if v.allowed:
                key = self._keys.get((word, v.allowed))
                if key is None:
                    key = self._keys[word, v.allowed] = len(self._key_words)
                    self._key_words.append(word)
                    self._pairs.append([])
                    tables = self._deletions[v.allowed - 1]
                    for d in _deletions(word, v.allowed):
                        tables[len(word) - len(d)].setdefault(d, []).append(key)
                self._pairs[key].append((v.order, p))

    def window(self) -> regex.Pattern[str]:
        """Matches the words a variant could cover from a word's start: up to ``max_words``
        tokens (the group ``w`` captures each), exactly the tokens ``TOKEN.finditer`` gives in turn
        (between two tokens, only characters that are not letters, marks or digits)."""
        if self._window is None:
            word = f"(?P<w>{TOKEN.pattern})"
            more = f"(?:[^\\p{{L}}\\p{{M}}\\p{{N}}]*{word}){{0,{self.max_words - 1}}}"
            self._window = regex.compile(word + more)
        return self._window

    def near_variants(self, folded: tuple[str, ...]) -> tuple[_Variant, ...]:
        """The variants that the window opening ``folded`` (the next words, case-folded) is a
        near-miss of, in glossary order (cached per window)."""
        found = self._by_window.get(folded)
        if found is None:
            looked = [self.lookup(word) for word in folded]
            orders = set(looked[0].single)
            if looked[0].opens and len(looked) > 1:
                orders.update(set(looked[0].opens).intersection(looked[1].second))
            later = [frozenset(m.pairs) for m in looked[2:]]  # positions 2, 3, ...
            found = tuple(
                v
                for v in map(self.variants.__getitem__, sorted(orders))
                if len(v.words) <= len(folded)
                and all((v.order, p) in later[p - 2] for p in range(2, len(v.words)))
                and _near(folded[: len(v.words)], v)
            )
            if len(self._by_window) > 200_000:
                self._by_window.clear()
            self._by_window[folded] = found
        return found

    def _near_keys(
        self, token: str, allowed: int, tables: tuple[dict[str, tuple[int, ...]], ...]
    ) -> set[int]:
        """The keys whose word is within ``allowed`` edits of ``token``; ``tables[j]`` holds
        the words' deletions of ``j`` characters.

        Words within ``allowed`` edits share a deletion (``i`` characters deleted from the
        token, ``j`` from the word, both at most ``allowed``); a shared deletion proves a
        distance of at most ``i + j``, so only keys with ``i + j > allowed`` are computed."""
        sure: set[int] = set()
        maybe: set[int] = set()
        n = len(token)
        for d in _deletions(token, allowed):
            i = n - len(d)
            for j, table in enumerate(tables):
                keys = table.get(d)
                if keys:
                    (sure if i + j <= allowed else maybe).update(keys)
        words = self._key_words
        for key in maybe - sure:
            if within(token, words[key], allowed):
                sure.add(key)
        return sure

    def lookup(self, token: str) -> _TokenMatch:
        """Where the folded ``token`` could stand in a variant (cached per token)."""
        found = self._by_token.get(token)
        if found is None:
            pairs = set(self._by_stem.get(_stem(token), ()))
            for allowed, tables in enumerate(self._by_deletion, 1):
                # (a 10,000-letter token would have 50 million deletions)
                if any(tables) and len(token) <= self._longest + allowed:
                    for key in self._near_keys(token, allowed, tables):
                        pairs.update(self._key_pairs[key])
            ordered = sorted(pairs)
            variants = self.variants
            found = _TokenMatch(
                tuple(o for o, p in ordered if p == 0 and len(variants[o].words) == 1),
                tuple(o for o, p in ordered if p == 0 and len(variants[o].words) > 1),
                tuple(o for o, p in ordered if p == 1),
                tuple(ordered),
            )
            if len(self._by_token) > 200_000:
                self._by_token.clear()  # bounded memory on endless vocabularies
            self._by_token[token] = found
        return found


class _TokenMatch(NamedTuple):
    """Where one token could stand: the orders of the one-word variants it could be, of the
    longer variants it could open, of those it could be the second word of, and all (order,
    position) pairs. Tuples of numbers, which the garbage collector stops tracking (a cache of
    200,000 tokens costs full collections nothing)."""

    single: tuple[int, ...]
    opens: tuple[int, ...]
    second: tuple[int, ...]
    pairs: tuple[tuple[int, int], ...]


def near_index(entries: Sequence[Entry]) -> NearIndex:
    """The :class:`NearIndex` of ``entries``, built once per tuple of entries (a Normalizer's)."""
    if not isinstance(entries, tuple):
        return NearIndex(entries)  # a mutable sequence may change between calls
    cached = _INDEXES.get(id(entries))
    if cached is not None and cached[0] is entries:
        return cached[1]
    index = NearIndex(entries)
    if len(_INDEXES) >= _MAX_INDEXES:
        _INDEXES.pop(next(iter(_INDEXES)))
    _INDEXES[id(entries)] = (entries, index)
    return index


def _is_near(window: Sequence[str], variant: Sequence[str]) -> bool:
    """Same words up to inflection ("sailors silence"), or a small edit distance word by word
    (the edits summed over aligned words: a space moved between words is no near-miss)."""
    if list(window) == list(variant):
        return False
    if _stems_alike(window, variant):
        return True
    allowed = _allowed(" ".join(variant))
    total = 0
    for w, v in zip(window, variant, strict=True):
        total += edit_distance(w, v, allowed - total)
        if total > allowed:
            return False
    return 0 < total


def _stems_alike(window: Sequence[str], words: Sequence[str]) -> bool:
    return len(window) == len(words) and all(
        _stem(w) == _stem(v) for w, v in zip(window, words, strict=True)
    )


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


def _near(window: tuple[str, ...], v: _Variant) -> bool:
    """Whether the folded ``window`` (as many words as ``v``) is a near-miss of the variant and
    not a (mis-inflected) rendering of the entry's term."""
    words = list(window)
    if abs(len(" ".join(words)) - len(v.variant)) > 3 or not _is_near(words, list(v.words)):
        return False
    term = list(v.term)
    return not (
        words == term
        or _stems_alike(words, term)
        or edit_distance(" ".join(words), " ".join(term), 2) <= 2
    )


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
