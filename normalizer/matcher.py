"""Find glossary variants in text: one automaton for all variants, leftmost-longest, whole words.

The matcher answers one question: which spans of the text are occurrences of which keys, chosen
leftmost-longest without overlaps (spec rules 1, 2, 4). Policies (context, case, quotes) are
applied later by :mod:`normalizer.glossary_rules` to the chosen spans only.

How it stays exact and fast:
- the text is case-folded one character to one character (:func:`normalizer.text.fold`), so
  offsets in the folded text are offsets in the original;
- every whitespace run that is not a single space is collapsed to one space in a search copy,
  with a small table to map offsets back, so a key "sailor silence" also finds
  "Sailor\\n  silence" (rule 2) in one automaton pass;
- the automaton reports every occurrence (overlapping); candidates that are not whole words are
  dropped, and the longest at the leftmost start wins. (Leftmost-longest inside the automaton
  would be lossy: a longer key that fails the word boundary would hide a shorter valid one.)

Three finders share that contract: ``aho`` (``ahocorasick_rs`` over a byte skeleton of the text,
:mod:`normalizer.aho`), ``python`` (a pure-Python fallback keyed by first word) and ``reference``
(one regex per key; slow, obviously right, for tests and benchmarks).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from .text import fold, is_boundary

__all__ = [
    "ENGINES",
    "Hit",
    "KeyFinder",
    "build_finder",
    "normalize_key",
    "select_leftmost_longest",
]

# the finders build_finder makes (the ``engine`` config key): auto is the fastest installed
ENGINES = ("auto", "aho", "hyperscan", "python", "reference")

_IRREGULAR_WS = re.compile(r"\s{2,}|[^\S ]")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Hit:
    """``text[start:end]`` is an occurrence of key number ``key``."""

    start: int
    end: int
    key: int


def normalize_key(variant: str) -> str:
    """A variant as the automaton sees it: folded, whitespace runs as one space."""
    return " ".join(fold(variant).split())


class KeyFinder(Protocol):
    def find_all(self, text: str) -> list[Hit]:
        """Every whole-word occurrence of every key (may overlap), in any order."""
        ...


class _Collapsed:
    """A search copy of folded text with irregular whitespace runs collapsed to one space."""

    __slots__ = ("shifts", "positions", "text")

    def __init__(self, folded: str) -> None:
        positions: list[int] = []  # collapsed offset just after each collapsed run's space
        shifts: list[int] = []  # cumulative characters removed up to and including that run
        pieces: list[str] = []
        last = removed = 0
        for m in _IRREGULAR_WS.finditer(folded):
            pieces.append(folded[last : m.start()])
            pieces.append(" ")
            removed += m.end() - m.start() - 1
            positions.append(m.start() - (removed - (m.end() - m.start() - 1)) + 1)
            shifts.append(removed)
            last = m.end()
        if positions:
            pieces.append(folded[last:])
            self.text = "".join(pieces)
        else:
            self.text = folded
        self.positions = positions
        self.shifts = shifts

    def original(self, pos: int) -> int:
        """Original offset of a collapsed offset that is not inside a collapsed run."""
        i = bisect.bisect_right(self.positions, pos)
        return pos + (self.shifts[i - 1] if i else 0)


def _boundary_hits(text: str, raw: list[tuple[int, int, int]], collapsed: _Collapsed) -> list[Hit]:
    out = []
    mapped = collapsed.positions
    for key, s, e in raw:
        if mapped:
            s, e = collapsed.original(s), collapsed.original(e - 1) + 1
        if is_boundary(text, s, e):
            out.append(Hit(s, e, key))
    return out


class PythonFinder:
    """Pure-Python fallback: keys indexed by their first word, checked at each word start."""

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = list(keys)
        self._by_first: dict[str, list[tuple[str, int]]] = {}
        self._odd: list[tuple[str, int]] = []  # keys that do not start with a word character
        for i, key in enumerate(self.keys):
            m = _WORD.match(key)
            if m:
                self._by_first.setdefault(m.group(), []).append((key, i))
            else:
                self._odd.append((key, i))

    def find_all(self, text: str) -> list[Hit]:
        if not self.keys or not text:
            return []
        collapsed = _Collapsed(fold(text))
        hay = collapsed.text
        raw: list[tuple[int, int, int]] = []
        for m in _WORD.finditer(hay):
            # A whole-word occurrence starts at a token start and its first word is that whole
            # token; any other alignment fails the boundary check, so one lookup suffices.
            for key, i in self._by_first.get(m.group(), ()):
                if hay.startswith(key, m.start()):
                    raw.append((i, m.start(), m.start() + len(key)))
        for key, i in self._odd:
            pos = hay.find(key)
            while pos != -1:
                raw.append((i, pos, pos + len(key)))
                pos = hay.find(key, pos + 1)
        return _boundary_hits(text, raw, collapsed)


class ReferenceFinder:
    """One regex per key over the folded text: slow and obviously right (tests, benchmarks)."""

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = list(keys)
        self._res = [
            re.compile("(?=(" + r"\s+".join(map(re.escape, key.split(" "))) + "))")
            for key in self.keys
        ]

    def find_all(self, text: str) -> list[Hit]:
        folded = fold(text)
        out = []
        for i, rx in enumerate(self._res):
            for m in rx.finditer(folded):
                s, e = m.start(1), m.end(1)
                if is_boundary(text, s, e):
                    out.append(Hit(s, e, i))
        return out


def build_finder(keys: Sequence[str], engine: str = "auto") -> KeyFinder:
    """``auto`` takes ``ahocorasick_rs`` when installed (with hyperscan for large texts where
    that is installed too), else the pure-Python finder. ``aho`` is the automaton alone;
    ``hyperscan`` scans every text with hyperscan (both raise ImportError where missing)."""
    if engine in ("auto", "aho", "hyperscan"):
        try:
            from .aho import AhoFinder  # imports ahocorasick_rs

            return AhoFinder(keys, "auto" if engine == "auto" else engine)
        except ImportError as exc:
            if engine == "hyperscan":
                raise ImportError(
                    f"engine 'hyperscan' needs the hyperscan package ({exc}); install it with: "
                    "pip install 'mtnorm[fast]' (x86-64), or use engine 'auto'"
                ) from None
            if engine != "auto":
                raise
    if engine == "reference":
        return ReferenceFinder(keys)
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
    return PythonFinder(keys)


def select_leftmost_longest(hits: Sequence[Hit]) -> list[list[Hit]]:
    """Group hits by span and choose spans leftmost-longest without overlap (spec rule 4).

    Returns one list per chosen span holding every hit with exactly that span, in key order
    (key order is glossary order, which breaks ties).
    """
    spans: dict[tuple[int, int], list[Hit]] = {}
    for h in hits:
        spans.setdefault((h.start, h.end), []).append(h)
    chosen: list[list[Hit]] = []
    pos = -1
    for start, end in sorted(spans, key=lambda se: (se[0], -se[1])):
        if start < pos or start == end:
            continue
        chosen.append(sorted(spans[(start, end)], key=lambda h: h.key))
        pos = end
    return chosen
