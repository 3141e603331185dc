"""The accelerated finder: every key in one ``ahocorasick_rs`` automaton over a byte skeleton.

The automaton does not search the text but a *skeleton* of it: bytes in which ASCII letters are
lower-cased and every character that is not a word character becomes a space, and runs of real
white space are collapsed to one space where a key could straddle them (spec rule 2). Keys get the
same treatment and are padded with one space each side, so the (overlapping) automaton reports
only candidates that stand as whole words at the skeleton level. The skeleton may offer a few
candidates too many (``u.s.`` vs ``u-s-``, apostrophes, combining marks): each is checked exactly.
It never offers too few, because it only ever turns characters into spaces.

Two skeletons:

- keys all ASCII (the common case): one byte per *code point*. ``str.encode("latin-1",
  "replace")`` gives every code point one byte (``?`` for the rest) and one ``bytes.translate``
  makes the skeleton, where every non-ASCII byte is a space. Offsets in the skeleton are offsets
  in the text: no map back. (KELVIN SIGN, the one non-ASCII character whose simple lower case is
  ASCII, sends a text to the other skeleton.)
- otherwise: UTF-8 of the folded text (:func:`normalizer.text.fold`, one-to-one), non-ASCII
  non-word characters masked with as many ``#`` as they have bytes, so offsets never move; byte
  offsets become code-point offsets only for candidates.

Which white-space runs are collapsed: when every real space inside every key stands between two
word characters ("flanked", true of nearly all glossaries), only runs between two word characters
can be straddled, so only those are collapsed; they are found by one ``memmem`` search for a
word byte followed by two bytes that may be white space, on a translated copy. Otherwise every
run of two bytes or more is collapsed, with a small offset table.
"""

from __future__ import annotations

import bisect
import os
import re
import threading
from collections.abc import Sequence
from typing import Any

from .matcher import Hit
from .text import fold, is_boundary

__all__ = ["AhoFinder", "skeleton_key"]

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
# The code-point skeleton's run finder: ``w`` for an ASCII word byte, a space for a byte that may
# be white space (ASCII white space, U+0085, U+00A0, and the ``?`` that stands for every code
# point above U+00FF, which is where the other spaces are), ``.`` for the rest.
_FLANK = bytes(
    0x77
    if b < 0x80 and (chr(b).isalnum() or b == 0x5F)
    else 0x20
    if chr(b).isspace() or b == 0x3F
    else 0x2E
    for b in range(256)
)
_WS_RUN = re.compile(r"\s+")  # str.isspace() characters, as re's \s is for str patterns
_WWW = b" www "
_memmem: Any = None  # a one-pattern automaton for b"w  " (ahocorasick_rs searches it by SIMD)


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


def _flanked_runs(text: str, cps: bytes) -> list[tuple[int, int]]:
    """White-space runs of two code points or more between two ASCII word characters, in the
    code-point bytes ``cps`` of ``text``."""
    global _memmem
    if _memmem is None:
        import ahocorasick_rs

        _memmem = ahocorasick_rs.BytesAhoCorasick([b"w  "])
    flank = cps.translate(_FLANK)
    runs = []
    n = len(cps)
    for _, p, _ in _memmem.find_matches_as_indexes(flank):
        if not text[p + 1].isspace():  # a "?" (in the text, or for a code point above U+00FF)
            continue
        m = _WS_RUN.match(text, p + 1)
        if m is not None:
            end = m.end()
            if end - p > 2 and end < n and flank[end] == 0x77:
                runs.append((p + 1, end))
    return runs


def _all_runs(text: str, cps: bytes) -> list[tuple[int, int]]:
    """White-space runs of two code points or more, in the code-point bytes ``cps``."""
    ws = cps.translate(_FLANK)
    runs = []
    pos = ws.find(b"  ")
    while pos != -1:
        m = _WS_RUN.match(text, pos)
        if m is None:  # a "?" that is not white space: the run starts after it
            pos = ws.find(b"  ", pos + 1)
            continue
        if m.end() - pos > 1:
            runs.append((pos, m.end()))
        pos = ws.find(b"  ", m.end())
    return runs


def _haystack(skel: bytes, runs: list[tuple[int, int]] | None) -> tuple[bytes, _Runs | None]:
    """The padded skeleton with ``runs`` collapsed to one space each."""
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


# With MTNORM_SCAN_THREADS=2 in the environment, haystacks of at least this many bytes are
# scanned in two halves at once, one in a worker thread (the scan releases the GIL). Off by
# default: on the shared 2-core machine where it was measured (load 2.5-4) it was no faster
# (docs/performance.md); on an idle 2-core machine it can halve the scan.
PARALLEL_MIN_BYTES = 256 * 1024
_pool: Any = None
_pool_pid = 0
_pool_free = threading.Semaphore(1)  # one scan at a time in the worker; others scan inline


def _parallel() -> bool:
    if PARALLEL_MIN_BYTES <= 0 or os.environ.get("MTNORM_SCAN_THREADS", "1") == "1":
        return False
    return (os.cpu_count() or 1) > 1


def _scan_in_worker(ac: Any, view: memoryview) -> list[tuple[int, int, int]]:
    try:
        return ac.find_matches_as_indexes(view, overlapping=True)  # type: ignore[no-any-return]
    finally:
        _pool_free.release()


def _scan(ac: Any, hay: bytes, overlap: int) -> list[tuple[list[tuple[int, int, int]], int, int]]:
    """The overlapping scan of ``hay`` as segments ``(found, base, limit)``: offsets in ``found``
    are ``base`` bytes early, and only matches starting before ``limit`` count. Large haystacks
    are cut in two; the first half is scanned ``overlap`` bytes (the longest key) past the cut,
    so every match starting before the cut is whole in it."""
    global _pool, _pool_pid
    n = len(hay)
    if n < PARALLEL_MIN_BYTES or not _parallel() or not _pool_free.acquire(blocking=False):
        return [(ac.find_matches_as_indexes(hay, overlapping=True), 0, n)]
    try:
        if _pool is None or _pool_pid != os.getpid():  # a forked child has no worker thread
            from concurrent.futures import ThreadPoolExecutor  # (~10 ms: large texts only)

            _pool = ThreadPoolExecutor(1, thread_name_prefix="mtnorm-scan")
            _pool_pid = os.getpid()
        cut = n // 2
        view = memoryview(hay)
        second = _pool.submit(_scan_in_worker, ac, view[cut:])
    except BaseException:
        _pool_free.release()
        raise
    first = ac.find_matches_as_indexes(view[: cut + overlap], overlapping=True)
    return [(first, 0, cut), (second.result(), cut, n)]


# Hyperscan (the ``hyperscan`` package: Intel's regex engine, x86-64 wheels; optional) scans the
# same skeleton for the same padded keys 2.5-3.5x faster than the automaton up to tens of
# thousands of keys (bench/throughput.py: 385 vs 106-140 MB/s at 10,000 keys), and reports the
# same matches: every occurrence of every literal, overlapping. It costs more to set up: a
# compile of 0.15 s at 10,000 keys and 3.3 s at 100,000 (where it scans only 1.6x faster), and
# a fixed cost per call. So it is used for texts of HS_MIN_BYTES or more (batch files, corpora:
# never an editor's keystroke), built on the first such text, and only for glossaries of up to
# HS_MAX_KEYS keys. Where it is missing (ARM, other platforms) the automaton does all the work
# and the results are the same. MTNORM_SCANNER=aho in the environment turns it off.
HS_MIN_BYTES = 64 * 1024
HS_MAX_KEYS = 30_000
HS_MAX_BYTES = 1 << 31  # hs_scan takes the length as a 32-bit unsigned int: larger, the automaton


class _Hyperscan:
    """A block-mode hyperscan database of literal byte patterns; one scratch space per thread
    (a scratch must not be shared by concurrent scans)."""

    __slots__ = ("_db", "_lengths", "_local")

    def __init__(self, patterns: Sequence[bytes]) -> None:
        import hyperscan

        self._db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        # flags 0: no start-of-match tracking (slower); a literal's start is its end minus its
        # length
        self._db.compile(
            expressions=list(patterns), ids=list(range(len(patterns))), flags=0, literal=True
        )
        self._lengths = [len(p) for p in patterns]
        self._local = threading.local()

    @classmethod
    def build(cls, patterns: Sequence[bytes]) -> _Hyperscan | bool:
        """A database, or False where hyperscan is not installed, turned off, or fails."""
        if os.environ.get("MTNORM_SCANNER", "auto") == "aho":
            return False
        try:
            return cls(patterns)
        except Exception:  # noqa: BLE001 - not installed, or refused: the automaton does the work
            return False

    def scan(self, hay: bytes) -> list[tuple[int, int, int]]:
        """Every occurrence of every pattern in ``hay`` as ``(pattern, start, end)``."""
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            import hyperscan

            scratch = self._local.scratch = hyperscan.Scratch(self._db)
        found: list[tuple[int, int, int]] = []
        add, lengths = found.append, self._lengths

        def on_match(key: int, _start: int, end: int, _flags: int, _ctx: object) -> None:
            add((key, end - lengths[key], end))

        self._db.scan(hay, match_event_handler=on_match, scratch=scratch)
        return found


# Automata up to this many key bytes are built as a DFA (faster scans; memory grows with the
# states times the byte classes, so large glossaries keep the default contiguous NFA).
DFA_MAX_KEY_BYTES = 20_000


class AhoFinder:
    """All keys in one ``ahocorasick_rs`` byte automaton over the text's skeleton (Rust; the scan
    runs without the GIL)."""

    def __init__(self, keys: Sequence[str], scanner: str = "auto") -> None:
        import ahocorasick_rs

        self.keys = list(keys)
        padded = [skeleton_key(k) for k in self.keys]
        # A key whose skeleton is the key itself (words of word characters, single spaces) is
        # proved by the scan up to its separators: where the candidate is as long as the key, it
        # is an occurrence iff the characters at the key's spaces are white space. Others
        # (punctuation, apostrophes, or a collapsed run inside) are compared with the text.
        self._proof: list[tuple[int, tuple[int, ...]] | None] = [
            (len(k), tuple(i for i, ch in enumerate(k) if ch == " "))
            if p[1:-1] == k.encode("utf-8", _SP)
            else None
            for p, k in zip(padded, self.keys, strict=True)
        ]
        self._collapse = any(b" " in p[1:-1] for p in padded)
        # every real space inside a key between two skeleton word bytes: only runs between two
        # word characters need collapsing
        pairs = zip(self.keys, padded, strict=True)
        self._flanked = all(_spaces_flanked(k, p[1:-1]) for k, p in pairs)
        self._ascii_keys = all(k.isascii() for k in self.keys)
        size = sum(map(len, padded))
        self._longest = max(map(len, padded), default=0)
        impl = ahocorasick_rs.Implementation.DFA if size <= DFA_MAX_KEY_BYTES else None
        # One more pattern for free: " www " in the skeleton is necessary for a URL starting
        # "www." (protect.protected_spans), whose substring search would cost more than a scan.
        self._www = padded.index(_WWW) if _WWW in padded else len(padded)
        self._patterns = padded if self._www < len(padded) else [*padded, _WWW]
        self._ac = (
            ahocorasick_rs.BytesAhoCorasick(
                self._patterns,
                matchkind=ahocorasick_rs.MatchKind.Standard,
                implementation=impl,
            )
            if padded
            else None
        )
        # The hyperscan database, built on the first text it is worth it for (None: not yet;
        # False: not available or not wanted for this glossary).
        if scanner not in ("auto", "aho", "hyperscan"):
            raise ValueError(f"unknown scanner {scanner!r}: use auto, aho or hyperscan")
        self._scanner = scanner
        self._hs: _Hyperscan | bool | None = None
        if scanner == "aho" or (scanner == "auto" and len(self._patterns) > HS_MAX_KEYS):
            self._hs = False
        elif scanner == "hyperscan":
            import hyperscan  # noqa: F401 - ImportError where it is not installed

            if self._ac is not None:
                self._hs = _Hyperscan(self._patterns)

    def find_all(self, text: str) -> list[Hit]:
        return [Hit(s, e, k) for s, e, k in self.occurrences(text)]

    def occurrences(self, text: str) -> list[tuple[int, int, int]]:
        """Every whole-word occurrence as ``(start, end, key)``, in no particular order."""
        return self.occurrences_www(text)[0]

    def occurrences_www(self, text: str) -> tuple[list[tuple[int, int, int]], bool]:
        """:meth:`occurrences`, and whether the text may hold ``www.`` after a non-word
        character (False: it certainly does not)."""
        if self._ac is None or not text:
            return [], bool(text)
        www = False
        if self._ascii_keys and _KELVIN not in text:
            cps = text.encode("latin-1", "replace")  # one byte per code point
            skel = cps.translate(_TABLE_ASCII_KEYS)
            runs = None
            if self._collapse:
                runs = _flanked_runs(text, cps) if self._flanked else _all_runs(text, cps)
            hay, mapped = _haystack(skel, runs)
            out: list[tuple[int, int, int]] = []
            for found, base, limit in self._segments(hay):
                www = self._verify(out, text, found, mapped, None, base, limit) or www
            return out, www
        folded = fold(text)
        raw = folded.encode("utf-8", _SP)
        skel = _masked(folded).translate(_TABLE)
        runs = None
        if self._collapse:
            runs = _space_runs(raw)
            if self._flanked:  # skeleton word bytes on both sides
                n = len(skel)
                runs = [(a, b) for a, b in runs if a and b < n and skel[a - 1] != 32 != skel[b]]
        hay, mapped = _haystack(skel, runs)
        out = []
        to_cp = _CodePoints(raw)
        for found, base, limit in self._segments(hay):
            found.sort(key=lambda t: t[1])  # ascending starts for the incremental offset map
            www = self._verify(out, text, found, mapped, to_cp, base, limit) or www
        return out, www

    def _segments(self, hay: bytes) -> list[tuple[list[tuple[int, int, int]], int, int]]:
        """The overlapping scan of ``hay`` (see :func:`_scan`): by hyperscan where it is
        installed and worth it, else by the automaton."""
        hs = self._hs
        n = len(hay)
        if (
            hs is not False
            and n < HS_MAX_BYTES
            and (n >= HS_MIN_BYTES or self._scanner == "hyperscan")
        ):
            if hs is None:
                hs = self._hs = _Hyperscan.build(self._patterns)
            if hs:
                return [(hs.scan(hay), 0, n)]  # type: ignore[union-attr]
        return _scan(self._ac, hay, self._longest)

    def _verify(
        self,
        out: list[tuple[int, int, int]],
        text: str,
        found: list[tuple[int, int, int]],
        runs: _Runs | None,
        to_cp: _CodePoints | None,
        base: int,
        limit: int,
    ) -> bool:
        """Appends the candidates in ``found`` that are occurrences to ``out``; returns whether
        the ``www`` pattern was among them."""
        n = len(text)
        proof, keys, plain = self._proof, self.keys, _PLAIN
        www, nkeys, saw = self._www, len(keys), False
        for key, s, e in found:
            if key == www:
                saw = True
                if key == nkeys:
                    continue  # not a key
            if base:
                s += base
                e += base
            elif s >= limit:
                continue  # the other segment has it
            e -= 2  # hay offsets -> skeleton offsets of the key (drop the pads)
            if runs is not None:
                s, e = runs.original(s), runs.original(e - 1) + 1
            if to_cp is not None:
                s, e = to_cp(s), to_cp(e)
            p = proof[key]
            if p is not None and e - s == p[0]:
                seps = p[1]
                if seps and not (
                    text[s + seps[0]].isspace()
                    and (len(seps) == 1 or all(text[s + i].isspace() for i in seps))
                ):
                    continue
            elif text[s].isspace() or text[e - 1].isspace() or _normal(text[s:e]) != keys[key]:
                continue
            if (s == 0 or text[s - 1] in plain) and (e == n or text[e] in plain):
                out.append((s, e, key))
            elif is_boundary(text, s, e):
                out.append((s, e, key))
        return saw

    def __reduce__(self) -> tuple[type, tuple[list[str], str]]:
        return (type(self), (self.keys, self._scanner))


def _normal(span: str) -> str:
    """``span`` as keys are written: folded, white-space runs as one space."""
    return " ".join((span.lower() if span.isascii() else fold(span)).split())


def _spaces_flanked(key: str, skel: bytes) -> bool:
    """Whether every space of ``key`` stands between two word bytes of its skeleton."""
    raw = key.encode("utf-8", _SP)
    pos = raw.find(b" ")
    while pos != -1:
        if pos == 0 or pos + 1 >= len(raw) or skel[pos - 1] == 32 or skel[pos + 1] == 32:
            return False
        pos = raw.find(b" ", pos + 1)
    return True
