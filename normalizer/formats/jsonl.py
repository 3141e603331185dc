"""JSON Lines: normalize the string values of the named fields; everything else stays as written.

``fields`` are dotted paths (``text``, ``translation.en``); a path walks through object keys, and
arrays on the way are entered element by element, so ``turns.text`` reaches every
``{"turns": [{"text": ...}]}``; a field holding an array of strings gives one segment per string.
Each line is checked with :mod:`json`; a small scanner then finds the exact offsets of the chosen
strings. JSON escapes (``\\n``, ``\\"``, ``\\u00e9``) are atomic: an edit may replace one
entirely, but one that cuts into it is reported, not applied; replacement text is written back
escaped (ASCII-only, ``\\u00ab``, where the string was written that way). Blank lines pass through.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence

from ..errors import InputError, Problem
from .base import Segment, SegmentBuilder, add_escaped

__all__ = ["escape_json", "escape_json_ascii", "segments"]

_WS = re.compile(r"[ \t\r\n]*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_SCALAR = re.compile(r"-?[0-9][0-9eE.+-]*|true|false|null|NaN|-?Infinity")
_ESCAPE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\."
)
_NON_ASCII_ESCAPE = re.compile(r"\\u(?!00[0-7])[0-9a-fA-F]{4}")
_LINE = re.compile(r"[^\n]*\n?")


def escape_json(text: str) -> str:
    """Replacement text in JSON string notation (non-ASCII kept as is)."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


def escape_json_ascii(text: str) -> str:
    """Replacement text for strings written ASCII-only (``\\u00ab``), as ``json.dumps`` does."""
    return json.dumps(text, ensure_ascii=True)[1:-1]


class _Scanner:
    """Walks one valid JSON value and records the spans of strings at the wanted paths."""

    def __init__(self, text: str, wanted: set[tuple[str, ...]]) -> None:
        self.text = text
        self.wanted = wanted
        self.prefixes = {w[:i] for w in wanted for i in range(len(w) + 1)}
        self.found: list[tuple[int, int]] = []  # string contents, quotes excluded

    def _ws(self, pos: int) -> int:
        m = _WS.match(self.text, pos)
        return m.end() if m else pos

    def value(self, pos: int, path: tuple[str, ...]) -> int:
        """Scan the value at ``pos`` (after whitespace); return the offset after it."""
        pos = self._ws(pos)
        ch = self.text[pos]
        if ch == "{":
            return self._object(pos + 1, path)
        if ch == "[":
            return self._array(pos + 1, path)
        if ch == '"':
            m = _STRING.match(self.text, pos)
            assert m is not None
            if path in self.wanted:
                self.found.append((pos + 1, m.end() - 1))
            return m.end()
        m = _SCALAR.match(self.text, pos)
        assert m is not None
        return m.end()

    def _object(self, pos: int, path: tuple[str, ...]) -> int:
        pos = self._ws(pos)
        while self.text[pos] != "}":
            key = _STRING.match(self.text, pos)
            assert key is not None
            name = json.loads(key.group())
            pos = self._ws(key.end()) + 1  # past ':'
            child = (*path, name)
            pos = self._ws(self.value(pos, child if child in self.prefixes else ("\0",)))
            if self.text[pos] == ",":
                pos = self._ws(pos + 1)
        return pos + 1

    def _array(self, pos: int, path: tuple[str, ...]) -> int:
        pos = self._ws(pos)
        while self.text[pos] != "]":
            pos = self._ws(self.value(pos, path))
            if self.text[pos] == ",":
                pos = self._ws(pos + 1)
        return pos + 1


def _unescape(seq: str) -> str:
    return json.loads(f'"{seq}"')


def _segment(text: str, start: int, end: int) -> Segment:
    builder = SegmentBuilder(text)
    add_escaped(builder, text, start, end, _ESCAPE, _unescape)
    # keep the writer's style: a string that escapes non-ASCII gets its replacements escaped too
    ascii_only = bool(_NON_ASCII_ESCAPE.search(text, start, end)) and text[start:end].isascii()
    return builder.build(encode=escape_json_ascii if ascii_only else escape_json)


def _parse_line(line: str, path: str, number: int) -> None:
    try:
        json.loads(line)
    except json.JSONDecodeError as exc:
        problem = Problem(path, number, exc.colno, f"invalid JSON: {exc.msg}")
        raise InputError(problems=[problem]) from None


def segments(text: str, *, path: str = "<stdin>", fields: Sequence[str] = ()) -> Iterator[Segment]:
    """The strings at ``fields`` (dotted paths) of every line, each a segment."""
    if not fields:
        raise InputError(
            problems=[Problem(path, 0, 0, "JSONL input needs a text field: --field NAME")]
        )
    wanted = {tuple(f.split(".")) for f in fields}
    for number, m in enumerate(_LINE.finditer(text), start=1):
        line = m.group()
        if not line:
            break
        if not line.strip():
            continue
        _parse_line(line, path, number)
        scanner = _Scanner(text, wanted)
        scanner.value(m.start(), ())
        for start, end in scanner.found:
            if end > start:
                yield _segment(text, start, end)
