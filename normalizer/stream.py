"""Normalize text of any size in bounded memory: chunks with an overlap, exact at the seams.

The input is read ``chunk_size`` characters at a time. Each window is the unwritten text plus
``overlap`` characters already written on its left (context only) and is checked as a whole; the
edits in its committed part are applied and written, and the last ``overlap`` characters wait for
the next window. The commit point is a line break (else a space) that no edit or finding
straddles. A decision about a span depends only on text near it (a context window or sentence,
an article, quotes, a repeated line within a few lines), so when ``overlap`` covers that reach
the streamed output equals :meth:`Normalizer.fix` on the whole text (tests/test_stream.py).

Reach of the built-in rules: glossary contexts look at most 2,000 characters either side for a
sentence end (``window: N`` looks ``40 * N``); cleanup's repeated-line rule looks 10 lines back.
The default overlap (16,384) covers these for prose; a single sentence longer than 2,000
characters with a sentence-wide context is the documented limit (its start is unbounded).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol, TypeVar

from .edits import Edit, Suggestion, apply_edits

if TYPE_CHECKING:
    from .engine import Normalizer

__all__ = ["DEFAULT_CHUNK", "DEFAULT_OVERLAP", "Positions", "StreamStats", "Window", "fix_stream"]

DEFAULT_CHUNK = 1 << 20
DEFAULT_OVERLAP = 1 << 14


class _Reader(Protocol):
    def read(self, n: int = -1, /) -> str: ...


class _Writer(Protocol):
    def write(self, s: str, /) -> int: ...


@dataclass(frozen=True)
class StreamStats:
    """What a streamed run did: characters read and written, edits applied, suggestions."""

    chars_in: int
    chars_out: int
    edits: int
    suggestions: int
    windows: int


@dataclass(frozen=True, slots=True)
class Window:
    """One committed piece of a streamed text: ``original[start:start + len(original)]`` of the
    input became ``text`` in the output; the findings in it, with whole-input offsets."""

    start: int
    original: str
    text: str
    edits: list[Edit]
    suggestions: list[Suggestion]


OnFindings = Callable[[list[Edit], list[Suggestion]], None]
OnCommit = Callable[[Window], None]


def fix_stream(
    normalizer: Normalizer,
    reader: _Reader,
    writer: _Writer,
    *,
    chunk_size: int = DEFAULT_CHUNK,
    overlap: int = DEFAULT_OVERLAP,
    source: str | None = None,
    on_findings: OnFindings | None = None,
    on_commit: OnCommit | None = None,
) -> StreamStats:
    """Read all of ``reader``, write the fixed text to ``writer``; memory stays near
    ``chunk_size + 2 * overlap`` characters of text however long the input.

    ``on_findings`` receives each window's applied edits and suggestions with offsets into the
    whole input (as :meth:`Normalizer.fix` would report them). ``on_commit`` receives each
    committed :class:`Window` (the input piece, its output and its findings), in input order.
    """
    if chunk_size < 1 or overlap < 0:
        raise ValueError("chunk_size must be >= 1 and overlap >= 0")
    buf, base, done, eof = "", 0, 0, False
    counts = [0, 0, 0, 0]  # chars out, edits, suggestions, windows
    while not eof:
        piece = reader.read(chunk_size)
        eof = not piece
        buf += piece
        if not eof and len(buf) - (done - base) < chunk_size + overlap:
            continue  # not enough unwritten text for a window yet
        local = done - base
        report = normalizer.check(buf, source)
        cut = len(buf) if eof else _cut(buf, report.edits, report.suggestions, local, overlap)
        # an insertion exactly at the cut belongs to the next window (else it would be doubled)
        edits = [
            e for e in report.edits if local <= e.start and e.end <= cut and (e.start < cut or eof)
        ]
        sugg = [s for s in report.suggestions if local <= s.start < cut]
        out = apply_edits(buf[local:cut], [_shift(e, -local) for e in edits])
        writer.write(out)
        counts[0] += len(out)
        counts[1] += len(edits)
        counts[2] += len(sugg)
        counts[3] += 1
        if on_findings is not None or on_commit is not None:
            edits = [_shift(e, base) for e in edits]
            sugg = [_shift(s, base) for s in sugg]
            if on_findings is not None:
                on_findings(edits, sugg)
            if on_commit is not None:
                on_commit(Window(base + local, buf[local:cut], out, edits, sugg))
        done = base + cut
        keep = max(0, cut - overlap)
        buf, base = buf[keep:], base + keep
    return StreamStats(base + len(buf), counts[0], counts[1], counts[2], counts[3])


def _cut(
    buf: str, edits: tuple[Edit, ...], suggestions: tuple[Suggestion, ...], lo: int, overlap: int
) -> int:
    """A commit point in ``(lo, len(buf) - overlap]``: after a line break, else after a space,
    moved left of any edit or finding that straddles it."""
    target = len(buf) - overlap
    pos = buf.rfind("\n", lo, target) + 1 or buf.rfind(" ", lo, target) + 1 or target
    spans = [(x.start, x.end) for x in edits] + [(x.start, x.end) for x in suggestions]
    moved = True
    while moved:
        moved = False
        for start, end in spans:
            if start < pos < end:
                pos, moved = start, True
    return max(pos, lo)


_Item = TypeVar("_Item", Edit, Suggestion)


def _shift(item: _Item, by: int) -> _Item:
    return replace(item, start=item.start + by, end=item.end + by)


class Positions:
    """1-based (line, column) of chosen offsets of a text seen once, piece by piece, in order:
    what :class:`~normalizer.spans.LineIndex` answers for a whole text, without keeping it.

    ``note(window)`` records the starts and ends of the window's findings (feed it every
    committed window, e.g. as ``on_commit``); ``line_col(offset)`` answers for those offsets.
    """

    __slots__ = ("_at", "_line", "_line_start", "_pos")

    def __init__(self) -> None:
        self._at: dict[int, tuple[int, int]] = {}
        self._line, self._line_start, self._pos = 1, 0, 0

    def note(self, window: Window) -> None:
        offsets = {f.start for f in window.edits} | {f.end for f in window.edits}
        offsets |= {f.start for f in window.suggestions} | {f.end for f in window.suggestions}
        self.feed(window.original, window.start, offsets)

    def feed(self, piece: str, start: int, offsets: Iterable[int] = ()) -> None:
        """Move past ``piece`` (which starts at ``start``), recording ``offsets`` inside it."""
        if start != self._pos:
            raise ValueError(f"pieces must be contiguous: expected offset {self._pos}, got {start}")
        cursor = 0
        for offset in sorted(offsets):
            rel = offset - start
            if not 0 <= rel <= len(piece):
                raise ValueError(f"offset {offset} is outside the piece")
            self._advance(piece, start, cursor, rel)
            cursor = rel
            self._at[offset] = (self._line, offset - self._line_start + 1)
        self._advance(piece, start, cursor, len(piece))
        self._pos = start + len(piece)

    def _advance(self, piece: str, start: int, lo: int, hi: int) -> None:
        breaks = piece.count("\n", lo, hi)
        if breaks:
            self._line += breaks
            self._line_start = start + piece.rfind("\n", lo, hi) + 1

    def line_col(self, offset: int) -> tuple[int, int]:
        """The (line, column) recorded for ``offset``; KeyError for an offset never noted."""
        return self._at[offset]
