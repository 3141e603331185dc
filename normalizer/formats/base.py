"""Segments: the translatable pieces of a document, and the way back to the document's offsets.

A format reader turns a file into :class:`Segment` values. A segment's ``text`` is what the engine
sees (entities and escapes decoded, markup left out); its pieces say where each part of that text
lives in the file. A *verbatim* piece is file text as written, so an edit inside it maps 1:1; a
*decoded* piece (``&amp;`` seen as ``&``, a JSON ``\\n``, a soft line break) is atomic: an edit may
replace it entirely (written back in the file's notation), but an edit that cuts into it cannot be
written back exactly, and becomes a suggestion instead. Two verbatim pieces
that are not next to each other in the file have markup between them (``<b>``, ``**``): an edit
that crosses that join is reported, never applied, so markup is never broken.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = [
    "Piece",
    "Segment",
    "SegmentBuilder",
    "add_escaped",
    "MappedSpan",
    "identity",
    "line_starts",
    "location",
]


def identity(text: str) -> str:
    """The encoder of formats whose text needs no escaping (plain text, subtitles)."""
    return text


@dataclass(frozen=True, slots=True)
class Piece:
    """``segment_text[seg_start:seg_start+len(text)]`` stands for ``file[file_start:file_end]``."""

    seg_start: int
    file_start: int
    file_end: int
    text: str
    verbatim: bool
    whole: bool = True  # a decoded piece an edit may replace entirely (an entity, an escape)

    @property
    def seg_end(self) -> int:
        return self.seg_start + len(self.text)


@dataclass(frozen=True, slots=True)
class MappedSpan:
    """A segment span in file offsets; ``exact`` when the file holds the span's text as written."""

    start: int
    end: int
    exact: bool


@dataclass(frozen=True, slots=True)
class Segment:
    """One run of translatable text, its way back to the file, and the source text it translates.

    ``encode`` turns replacement text into the file's notation (``&`` -> ``&amp;`` in XML).
    """

    text: str
    pieces: tuple[Piece, ...]
    source: str | None = None
    encode: Callable[[str], str] = identity
    _starts: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", tuple(p.seg_start for p in self.pieces))

    def _piece_at(self, offset: int, *, left: bool) -> int:
        """Index of the piece holding ``offset``; at a join, the left piece when ``left``."""
        if left:
            i = bisect.bisect_left(self._starts, offset) - 1
            return max(i, 0)
        return max(bisect.bisect_right(self._starts, offset) - 1, 0)

    def _file_offset(self, offset: int, *, left: bool) -> tuple[int, bool]:
        """File offset of a segment offset, and whether it is exact (not inside a decoded piece)."""
        p = self.pieces[self._piece_at(offset, left=left)]
        if p.verbatim:
            return p.file_start + (offset - p.seg_start), True
        if offset == p.seg_start:
            return p.file_start, True
        if offset == p.seg_end:
            return p.file_end, True
        return (p.file_end if left else p.file_start), False

    def map_span(self, start: int, end: int) -> MappedSpan:
        """Map a segment span to the file; ``exact`` when the edit can be written back as is.

        Exact: the span lies inside one verbatim piece, or it covers entities/escapes wholly
        (never cutting into one) with no markup between its pieces. Otherwise the result covers
        the span in the file (markup included), for reporting only.
        """
        if not self.pieces:
            return MappedSpan(0, 0, False)
        # an insertion at a join may go on either side; prefer the left (inside a closing tag)
        sides = (True, False) if start == end else (False,)
        for left in sides:
            p = self.pieces[self._piece_at(start, left=left)]
            if p.verbatim and p.seg_start <= start and end <= p.seg_end:
                offset = p.file_start - p.seg_start
                return MappedSpan(start + offset, end + offset, True)
        lo, lo_exact = self._file_offset(start, left=False)
        hi, hi_exact = self._file_offset(end, left=True)
        if start == end:
            return MappedSpan(lo, lo, lo_exact and hi_exact and lo == hi)
        first, last = self._piece_at(start, left=False), self._piece_at(end, left=True)
        covered = self.pieces[first : last + 1]
        joined = all(a.file_end == b.file_start for a, b in zip(covered, covered[1:], strict=False))
        whole = all(p.verbatim or p.whole for p in covered)
        exact = lo_exact and hi_exact and joined and whole
        return MappedSpan(min(lo, hi), max(lo, hi), exact)


class SegmentBuilder:
    """Collects pieces in file order; merges verbatim pieces that touch in the file."""

    __slots__ = ("_file", "_pieces", "_parts", "_length")

    def __init__(self, file_text: str) -> None:
        self._file = file_text
        self._pieces: list[Piece] = []
        self._parts: list[str] = []
        self._length = 0

    def verbatim(self, file_start: int, file_end: int) -> None:
        """Add ``file[file_start:file_end]`` as written."""
        if file_end <= file_start:
            return
        text = self._file[file_start:file_end]
        last = self._pieces[-1] if self._pieces else None
        if last is not None and last.verbatim and last.file_end == file_start:
            self._pieces[-1] = Piece(
                last.seg_start, last.file_start, file_end, last.text + text, True
            )
        else:
            self._pieces.append(Piece(self._length, file_start, file_end, text, True))
        self._parts.append(text)
        self._length += len(text)

    def decoded(self, file_start: int, file_end: int, text: str, *, whole: bool = True) -> None:
        """Add ``text`` standing for ``file[file_start:file_end]`` (an entity, an escape).

        ``whole=False`` marks markup that reads as text (a line break plus a quote prefix): an
        edit may never replace it, not even entirely.
        """
        if text == self._file[file_start:file_end]:
            self.verbatim(file_start, file_end)
            return
        if not text and file_end <= file_start:
            return
        self._pieces.append(Piece(self._length, file_start, file_end, text, False, whole))
        self._parts.append(text)
        self._length += len(text)

    @property
    def empty(self) -> bool:
        return not self._pieces

    def text(self) -> str:
        return "".join(self._parts)

    def build(self, source: str | None = None, encode: Callable[[str], str] = identity) -> Segment:
        """The segment so far; the builder is then reset for the next one."""
        seg = Segment(self.text(), tuple(self._pieces), source, encode)
        self._pieces = []
        self._parts = []
        self._length = 0
        return seg


def line_starts(text: str) -> list[int]:
    """Offsets where lines begin; ``\\r\\n``, ``\\r`` and ``\\n`` each end a line."""
    starts = [0]
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\n" or ch == "\r":
            if ch == "\r" and i + 1 < n and text[i + 1] == "\n":
                i += 1
            starts.append(i + 1)
        i += 1
    return starts


def location(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a code-point offset, for error messages."""
    starts = line_starts(text)
    line = bisect.bisect_right(starts, offset) - 1
    return line + 1, offset - starts[line] + 1


def add_escaped(
    builder: SegmentBuilder,
    text: str,
    start: int,
    end: int,
    escape: re.Pattern[str],
    unescape: Callable[[str], str],
) -> None:
    """Add ``text[start:end]`` of a quoted string: characters verbatim, each ``escape`` match
    as one atomic decoded piece (an edit may replace it whole, never cut into it)."""
    pos = start
    for esc in escape.finditer(text, start, end):
        builder.verbatim(pos, esc.start())
        builder.decoded(esc.start(), esc.end(), unescape(esc.group()))
        pos = esc.end()
    builder.verbatim(pos, end)
