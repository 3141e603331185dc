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

Three finders share that contract: ``aho`` (``ahocorasick_rs``), ``python`` (a pure-Python
fallback keyed by first word) and ``reference`` (one regex per key; slow, obviously right,
for tests and benchmarks).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from .text import fold, is_boundary

__all__ = ["Hit", "KeyFinder", "build_finder", "normalize_key", "select_leftmost_longest"]

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


# -- the byte skeleton (the exact recipe) ----------------------------------------------
#
# The automaton does not search the text but a *skeleton* of it: UTF-8 bytes of the folded text
# where every character that is not a word character becomes spaces (as many as its UTF-8 bytes,
# so byte offsets stay put) and runs of real white space are collapsed to one space. Keys get the
# same treatment and are padded with one space each side, so the (overlapping) automaton only
# reports candidates that stand as whole words at the skeleton level. The skeleton may offer a
# few candidates too many (``u.s.`` vs ``u-s-``, apostrophes, combining marks): each is checked
# exactly in Python. It never offers too few, because it only ever turns characters into spaces.

_TABLE = bytes(
    (ord(chr(b).lower()) if chr(b).isalnum() or b == 0x5F else 0x20) if b < 0x80 else b
    for b in range(256)
)
# For glossaries whose keys are all ASCII: every non-ASCII byte is a space too (no folding and
# no masking needed; a non-ASCII neighbour is checked per candidate).
_TABLE_ASCII_KEYS = _TABLE[:0x80] + b" " * 0x80
_NONASCII_NONWORD = re.compile(r"[^\x00-\x7f\w]")  # re's \w is a subset of the spec's word
# White space (str.isspace()) for finding runs to collapse: ASCII by one translate, the rest by
# replacing each multi-byte space with as many ASCII spaces (only in texts that hold one).
_WS_TABLE = bytes(0x20 if 9 <= b <= 13 or 0x1C <= b <= 0x20 else 0x78 for b in range(256))
# Lone surrogates (possible in str from an API or an editor) take 3 bytes like any BMP
# character, so byte and code-point offsets stay in step.
_SP = "surrogatepass"
_WIDE_SPACES = [c.encode("utf-8") for c in map(chr, range(0x80, 0x3001)) if c.isspace()]
# Alternatives of literals starting with rare lead bytes: re skips ahead by its first-byte set.
_WIDE_SPACE = re.compile(b"|".join(map(re.escape, _WIDE_SPACES)))
_SPACES = re.compile(rb" +")
_KELVIN = "\u212a"  # the one non-ASCII character whose simple lower case is ASCII (k)
# Neighbours that make a boundary without the apostrophe rules (the common case, no call needed).
_PLAIN = frozenset(
    ' \t\n\r\f\v.,;:!?()[]{}<>"/\\|-+*=&%$#@~^`\u00ab\u00bb\u201c\u201d\u201e'
    "\u2014\u2013\u2026\u00a0"
)


def _mask(m: re.Match[str]) -> str:
    return "#" * len(m.group().encode("utf-8", _SP))


def _masked(folded: str) -> bytes:
    """UTF-8 of folded text, non-ASCII non-word characters replaced by as many ``#``."""
    if folded.isascii():
        return folded.encode("ascii")
    return _NONASCII_NONWORD.sub(_mask, folded).encode("utf-8", _SP)


def skeleton_key(key: str) -> bytes:
    """A normalized key as the automaton holds it: masked, translated, padded with spaces."""
    return b" " + _masked(key).translate(_TABLE) + b" "


class _Runs:
    """Collapsed runs of white space in a skeleton: offsets back to the uncollapsed bytes."""

    __slots__ = ("positions", "shifts")

    def __init__(self, positions: list[int], shifts: list[int]) -> None:
        self.positions = positions
        self.shifts = shifts

    def original(self, pos: int) -> int:
        i = bisect.bisect_right(self.positions, pos)
        return pos + (self.shifts[i - 1] if i else 0)


def _space_runs(raw: bytes) -> list[tuple[int, int]]:
    """Byte ranges of white-space runs of two bytes or more in UTF-8 ``raw``."""
    if not raw.isascii():
        for wide in set(_WIDE_SPACE.findall(raw)):
            raw = raw.replace(wide, b" " * len(wide))
    ws = raw.translate(_WS_TABLE)
    runs = []
    pos = ws.find(b"  ")
    while pos != -1:
        end = _SPACES.match(ws, pos).end()  # type: ignore[union-attr]
        runs.append((pos, end))
        pos = ws.find(b"  ", end)
    return runs


def _haystack(raw: bytes, skel: bytes, collapse: bool) -> tuple[bytes, _Runs | None]:
    """The padded skeleton, white-space runs of ``raw`` (its UTF-8) collapsed when asked."""
    runs = _space_runs(raw) if collapse else None
    if not runs:
        return b" " + skel + b" ", None
    pieces, positions, shifts = [b" "], [], []
    last = removed = 0
    for st, en in runs:
        pieces.append(skel[last : st + 1])
        positions.append(st + 1 - removed)
        removed += en - st - 1
        shifts.append(removed)
        last = en
    pieces.append(skel[last:])
    pieces.append(b" ")
    return b"".join(pieces), _Runs(positions, shifts)


class _CodePoints:
    """UTF-8 byte offsets to code-point offsets, cheap for nearby successive queries."""

    __slots__ = ("raw", "byte", "cp")

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.byte = self.cp = 0

    def __call__(self, pos: int) -> int:
        if pos < self.byte:  # an overlapping candidate: step back
            self.cp -= len(self.raw[pos : self.byte].decode("utf-8", _SP))
        else:
            self.cp += len(self.raw[self.byte : pos].decode("utf-8", _SP))
        self.byte = pos
        return self.cp


class AhoFinder:
    """All keys in one ``ahocorasick_rs`` byte automaton over the text's skeleton (Rust; the scan
    runs without the GIL)."""

    def __init__(self, keys: Sequence[str]) -> None:
        import ahocorasick_rs

        self.keys = list(keys)
        padded = [skeleton_key(k) for k in self.keys]
        # A key whose skeleton is the key itself (no space inside) is proved by the scan; others
        # (several words, punctuation, apostrophes) are compared with the text per candidate.
        self._exact = [
            p[1:-1] == k.encode("utf-8") and b" " not in p[1:-1]
            for p, k in zip(padded, self.keys, strict=True)
        ]
        self._collapse = any(b" " in p[1:-1] for p in padded)
        self._ascii_keys = all(k.isascii() for k in self.keys)
        self._ac = (
            ahocorasick_rs.BytesAhoCorasick(padded, matchkind=ahocorasick_rs.MatchKind.Standard)
            if padded
            else None
        )

    def find_all(self, text: str) -> list[Hit]:
        if self._ac is None or not text:
            return []
        ascii_ = text.isascii()
        if ascii_:  # folding is the translate table's lower-casing
            raw = text.encode("ascii")
            skel = raw.translate(_TABLE)
        elif self._ascii_keys and _KELVIN not in text:  # no fold needed: keys cannot match it
            raw = text.encode("utf-8", _SP)
            skel = raw.translate(_TABLE_ASCII_KEYS)
        else:
            folded = fold(text)
            raw = folded.encode("utf-8", _SP)
            skel = _masked(folded).translate(_TABLE)
        hay, runs = _haystack(raw, skel, self._collapse)
        found = self._ac.find_matches_as_indexes(hay, overlapping=True)
        if not found:
            return []
        if not ascii_:
            found.sort(key=lambda t: t[1])  # ascending starts for the incremental offset map
        return self._verify(text, raw, found, runs, ascii_)

    def _verify(
        self,
        text: str,
        raw: bytes,
        found: list[tuple[int, int, int]],
        runs: _Runs | None,
        ascii_: bool,
    ) -> list[Hit]:
        out: list[Hit] = []
        n = len(text)
        exact, keys, plain = self._exact, self.keys, _PLAIN
        to_cp = None if ascii_ else _CodePoints(raw)
        for key, s, e in found:
            e -= 2  # hay offsets -> skeleton offsets of the key (drop the pads)
            if runs is not None:
                s, e = runs.original(s), runs.original(e - 1) + 1
            if to_cp is not None:
                s, e = to_cp(s), to_cp(e)
            if not exact[key] and (
                text[s].isspace()
                or text[e - 1].isspace()
                or " ".join(fold(text[s:e]).split()) != keys[key]
            ):
                continue
            if (s == 0 or text[s - 1] in plain) and (e == n or text[e] in plain):
                out.append(Hit(s, e, key))
            elif is_boundary(text, s, e):
                out.append(Hit(s, e, key))
        return out

    def __reduce__(self) -> tuple[type, tuple[list[str]]]:
        return (type(self), (self.keys,))


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
    """``auto`` takes ``ahocorasick_rs`` when installed, else the pure-Python finder."""
    if engine in ("auto", "aho"):
        try:
            return AhoFinder(keys)
        except ImportError:
            if engine == "aho":
                raise
    if engine == "reference":
        return ReferenceFinder(keys)
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
