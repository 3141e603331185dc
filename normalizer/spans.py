"""Offsets: code points (the engine's unit) to 1-based line/column, and UTF-16 for LSP."""

from __future__ import annotations

import bisect

__all__ = ["LineIndex"]


class LineIndex:
    """Maps code-point offsets of one text to lines and columns, both ways.

    Lines end after ``\\n``; a ``\\r\\n`` pair ends one line. Columns are 1-based code points for
    reports; :meth:`utf16_position` gives 0-based LSP positions in UTF-16 code units.
    """

    __slots__ = ("_starts", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        starts = [0]
        find = text.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self._starts = starts

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a code-point offset."""
        line = bisect.bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line] + 1

    def utf16_position(self, offset: int) -> tuple[int, int]:
        """0-based (line, character) in UTF-16 code units, as LSP counts."""
        line = bisect.bisect_right(self._starts, offset) - 1
        segment = self._text[self._starts[line] : offset]
        return line, len(segment) + sum(1 for ch in segment if ord(ch) > 0xFFFF)

    def offset_from_utf16(self, line: int, character: int) -> int:
        """Code-point offset of a 0-based LSP (line, character); clamps past the end of a line."""
        if line >= len(self._starts):
            return len(self._text)
        start = self._starts[line]
        end = self._starts[line + 1] - 1 if line + 1 < len(self._starts) else len(self._text)
        units = 0
        pos = start
        while pos < end and units < character:
            units += 2 if ord(self._text[pos]) > 0xFFFF else 1
            pos += 1
        return pos

    @property
    def line_count(self) -> int:
        return len(self._starts)
