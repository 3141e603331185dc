"""The values every stage produces, and the one function that applies edits.

An :class:`Edit` is data: half-open code-point offsets into the *original* text, the old and the
new text, the rule that made it. Detectors return edits; only :func:`apply_edits` builds text.
"""

from __future__ import annotations

import bisect
import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Candidate",
    "Edit",
    "Report",
    "Safety",
    "Suggestion",
    "apply_edits",
    "compose_edits",
    "offsets_before",
    "select_non_overlapping",
    "unchecked_edit",
]


class Safety(enum.Enum):
    """Whether ``fix`` may apply an edit (FIX) or only report it (SUGGEST)."""

    FIX = "fix"
    SUGGEST = "suggest"


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``original[start:end]`` (== ``old``) with ``new``."""

    start: int
    end: int
    old: str
    new: str
    rule: str
    message: str = ""
    safety: Safety = Safety.FIX

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad edit span {self.start}:{self.end}")
        if len(self.old) != self.end - self.start:
            raise ValueError(f"edit old text {self.old!r} does not span {self.start}:{self.end}")

    def shifted(self, by: int) -> Edit:
        """The same edit ``by`` characters later (earlier when negative)."""
        return Edit(
            self.start + by, self.end + by, self.old, self.new, self.rule, self.message, self.safety
        )


@dataclass(slots=True)
class _EditBuilder:
    """The slots of :class:`Edit` without ``frozen`` (whose ``__init__`` sets each field through
    ``object.__setattr__``, 4x slower); an instance becomes an ``Edit`` by ``__class__``
    assignment, which CPython allows between classes with the same slots."""

    start: int
    end: int
    old: str
    new: str
    rule: str
    message: str
    safety: Safety


def unchecked_edit(
    start: int, end: int, old: str, new: str, rule: str, message: str, safety: Safety
) -> Edit:
    """An :class:`Edit` without the span checks of its constructor, for a caller that cut ``old``
    from the text at ``start:end`` itself (the glossary stage, once per match)."""
    e: Any = _EditBuilder(start, end, old, new, rule, message, safety)
    e.__class__ = Edit
    return e  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class Candidate:
    """One proposed rendering of a suspect span; ``origin`` says where it came from."""

    text: str
    score: float
    origin: str  # "glossary" | "transliteration" | "model" | "source"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A finding that is reported, never applied by ``fix`` (unless the user asks)."""

    start: int
    end: int
    text: str
    rule: str
    score: float
    candidates: tuple[Candidate, ...] = ()
    message: str = ""


@dataclass(frozen=True, slots=True)
class Report:
    """What ``check``/``fix`` found. ``text`` is ``original`` with the applied edits."""

    original: str
    text: str
    edits: tuple[Edit, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()

    @property
    def changed(self) -> bool:
        return self.text != self.original

    @property
    def findings(self) -> int:
        return len(self.edits) + len(self.suggestions)


def select_non_overlapping(edits: Iterable[Edit]) -> tuple[list[Edit], list[Edit]]:
    """Sort edits by offset and keep the first of any overlapping pair; return (kept, skipped).

    Two insertions at the same point, or an insertion inside another edit, count as overlapping.
    Ties go to the earlier edit in the input order (stages run in priority order).
    """
    indexed = sorted(enumerate(edits), key=lambda ie: (ie[1].start, ie[1].end, ie[0]))
    kept: list[Edit] = []
    skipped: list[Edit] = []
    for _, e in indexed:
        if kept:
            k = kept[-1]
            # overlap, or a second insertion at the same point (their order would be arbitrary)
            if e.start < k.end or (e.start == e.end == k.start == k.end):
                skipped.append(e)
                continue
        kept.append(e)
    return kept, skipped


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """``text`` with sorted, non-overlapping ``edits`` applied; text outside them untouched.

    Raises ``ValueError`` if edits overlap or do not match the text (a bug, not a user error).
    """
    out: list[str] = []
    append = out.append
    pos = 0
    for e in edits:  # most callers pass sorted edits: sort only when one is out of order
        start = e.start
        if start < pos:
            return _apply_sorted(text, sorted(edits, key=lambda e: (e.start, e.end)))
        if text[start : e.end] != e.old:
            raise ValueError(f"edit {e.rule} at {start} does not match the text")
        append(text[pos:start])
        append(e.new)
        pos = e.end
    append(text[pos:])
    return "".join(out)


def _apply_sorted(text: str, edits: Sequence[Edit]) -> str:
    out: list[str] = []
    pos = 0
    for e in edits:
        if e.start < pos:
            raise ValueError(f"overlapping edits at {e.start}")
        if text[e.start : e.end] != e.old:
            raise ValueError(f"edit {e.rule} at {e.start} does not match the text")
        out.append(text[pos : e.start])
        out.append(e.new)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


def compose_edits(
    text: str, first: list[Edit], second: list[Edit], mid: str | None = None
) -> list[Edit]:
    """Edits on ``text`` equal to applying ``first`` and then ``second`` (on the result).

    ``mid`` is ``first`` applied to ``text`` (the text ``second`` was found in; computed when not
    given). Spans are taken in the coordinates of that intermediate text; a second edit touching
    a first edit's new text joins it into one edit (keeping the first edit's rule), others map
    back through the length changes before them.
    """
    spans: list[tuple[int, int, Edit | None, Edit | None]] = []  # (mid start, mid end, 1st, 2nd)
    shift = 0  # length change of the first edits so far
    for e in first:
        start = e.start + shift
        spans.append((start, start + len(e.new), e, None))
        shift += len(e.new) - len(e.old)
    spans += [(e.start, e.end, None, e) for e in second]
    spans.sort(key=lambda s: (s[0], s[1]))
    clusters: list[list[tuple[int, int, Edit | None, Edit | None]]] = []
    reach = -1  # the furthest end in the last cluster
    for span in spans:
        if clusters and span[0] <= reach:
            clusters[-1].append(span)
            reach = max(reach, span[1])
        else:
            clusters.append([span])
            reach = span[1]
    mid = apply_edits(text, first) if mid is None else mid
    to_original = offsets_before(first)
    out: list[Edit] = []
    for cluster in clusters:
        if all(span[3] is None for span in cluster):
            # first edits that only touch each other stay as they were: whether a second pass
            # ran (somewhere else in the text) must not change how they are reported
            out.extend(span[2] for span in cluster if span[2] is not None)
        else:
            out.append(_merge(text, mid, to_original, cluster))
    return out


def offsets_before(edits: Sequence[Edit]) -> Callable[[int], int]:
    """Offsets in the text with sorted ``edits`` applied, mapped back to the text before them:
    at an edit's new-text start, its start; past that, up to the new text's end, its end."""
    ends: list[int] = []  # where each edit's new text ends after application
    shifts = [0]  # length change of the edits before edit i
    for e in edits:
        ends.append(e.start + shifts[-1] + len(e.new))
        shifts.append(shifts[-1] + len(e.new) - len(e.old))

    def back(offset: int) -> int:
        i = bisect.bisect_left(ends, offset)  # the edits whose new text ends before offset
        if i < len(edits) and offset > ends[i] - len(edits[i].new):
            return edits[i].end
        return offset - shifts[i]

    return back


def _merge(
    text: str,
    mid: str,
    to_original: Callable[[int], int],
    cluster: list[tuple[int, int, Any, Any]],
) -> Edit:
    """One edit on ``text`` for a cluster of touching first/second-pass spans."""
    lo = min(s[0] for s in cluster)
    hi = max(s[1] for s in cluster)
    firsts: list[Edit] = [s[2] for s in cluster if s[2] is not None]
    seconds: list[Edit] = [s[3] for s in cluster if s[3] is not None]
    start = min([e.start for e in firsts] + [to_original(lo)])
    end = max([e.end for e in firsts] + [to_original(hi)])
    new = apply_edits(mid[lo:hi], [e.shifted(-lo) for e in seconds])
    head = (firsts or seconds)[0]
    message = "; ".join(dict.fromkeys(e.message for e in [*firsts, *seconds] if e.message))
    return Edit(start, end, text[start:end], new, head.rule, message, head.safety)
