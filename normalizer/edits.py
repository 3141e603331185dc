"""The values every stage produces, and the one function that applies edits.

An :class:`Edit` is data: half-open code-point offsets into the *original* text, the old and the
new text, the rule that made it. Detectors return edits; only :func:`apply_edits` builds text.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

__all__ = [
    "Candidate",
    "Edit",
    "Report",
    "Safety",
    "Suggestion",
    "apply_edits",
    "select_non_overlapping",
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
    applied: tuple[Edit, ...] = field(default=())

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
    pos = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.start < pos:
            raise ValueError(f"overlapping edits at {e.start}")
        if text[e.start : e.end] != e.old:
            raise ValueError(f"edit {e.rule} at {e.start} does not match the text")
        out.append(text[pos : e.start])
        out.append(e.new)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)
