"""The near-miss index: glossary variants indexed by their words, so a window of text is
compared only with the variants it could be a near-miss of (:mod:`normalizer.suspects_near`).

A window is near a variant when its words stem alike ("Sailors Silence") or are one or two
edits apart in all; each word is then found by an exact stem lookup or a deletion-neighbourhood
lookup (SymSpell-style), and the few distances a shared deletion does not prove are checked by
:func:`within`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import regex

from .glossary_model import Entry
from .suspects_lex import TOKEN

__all__ = ["NearIndex", "edit_distance", "near_index", "within"]

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
