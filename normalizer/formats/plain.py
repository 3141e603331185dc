"""Plain text: the whole file is one segment, every character of it translatable."""

from __future__ import annotations

from collections.abc import Iterator

from .base import Segment, SegmentBuilder

__all__ = ["segments"]


def segments(text: str, *, path: str = "<stdin>") -> Iterator[Segment]:
    """One verbatim segment holding the whole file."""
    builder = SegmentBuilder(text)
    builder.verbatim(0, len(text))
    if not builder.empty:
        yield builder.build()
