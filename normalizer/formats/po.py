"""Gettext PO: normalize ``msgstr`` (and each plural ``msgstr[n]``), pass ``msgid`` as the source.

polib checks the file; a small line scanner then finds every string's exact place, because a PO
string is C-escaped (``\\"``, ``\\n``) and may be wrapped over several ``"..."`` lines. Escapes are
atomic (an edit may replace one wholly, never cut into it); the joins between wrapped lines are
markup in this sense, so an artifact wrapped over two lines is reported rather than rewrapped.

Skipped, as gettext tools treat them: the header entry (``msgid ""``), entries flagged ``fuzzy``
(their translation is a guess awaiting review, and ``msgfmt`` leaves them out), obsolete ``#~``
entries, and untranslated (empty) strings. ``msgstr[0]`` is checked against ``msgid``, the other
plural forms against ``msgid_plural``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..errors import InputError, Problem
from .base import Segment, SegmentBuilder, add_escaped

__all__ = ["escape_po", "segments"]

_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)[ \t]*(?=\")")
_STRING = re.compile(r'"((?:[^"\\\r\n]|\\.)*)"')
_ESCAPE = re.compile(r"\\(?:[0-7]{1,3}|x[0-9a-fA-F]+|.)")
_LINE = re.compile(r"[^\n]*\n?")
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def escape_po(text: str) -> str:
    """Replacement text in PO string notation."""
    out = text.replace("\\", "\\\\").replace('"', '\\"')
    return out.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")


def _unescape(seq: str) -> str:
    body = seq[1:]
    if body[0] in "01234567":
        return chr(int(body, 8))
    if body[0] == "x" and len(body) > 1:
        return chr(int(body[1:], 16))
    return _SIMPLE.get(body, body)


@dataclass
class _Entry:
    """One PO entry: its flags and, per keyword, the (start, end) spans of its string parts."""

    fuzzy: bool = False
    fields: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    @property
    def has_msgstr(self) -> bool:
        return any(k.startswith("msgstr") for k in self.fields)


def _check(text: str, path: str) -> None:
    """Raise InputError unless polib reads the file."""
    import polib

    try:
        polib.pofile(text)
    except (OSError, ValueError) as exc:
        m = re.search(r"line (\d+)", str(exc))
        line = int(m.group(1)) if m else 0
        raise InputError(problems=[Problem(path, line, 1 if line else 0, str(exc))]) from None


def _entries(text: str) -> Iterator[_Entry]:
    """Scan the file line by line into entries with the offsets of their strings."""
    entry, current = _Entry(), ""
    pos = 0
    # only "\n" ends a PO line (str.splitlines would also split at U+2028, \x1e ...)
    for line in _LINE.findall(text):
        if not line:
            break
        start, stripped = pos, line.strip()
        pos += len(line)
        if not stripped or (stripped.startswith("#") and entry.has_msgstr):
            if entry.fields:
                yield entry
            entry, current = _Entry(), ""
        if stripped.startswith("#"):
            # obsolete "#~" lines are comments to us: never read, never touched
            if stripped.startswith("#,"):
                entry.fuzzy |= "fuzzy" in (f.strip() for f in stripped[2:].split(","))
            continue
        indent = len(line) - len(line.lstrip())
        kw = _KEYWORD.match(line, indent)
        if kw is not None:
            if kw.group(1) in ("msgctxt", "msgid") and entry.has_msgstr:
                yield entry
                entry = _Entry()
            current = kw.group(1)
            entry.fields.setdefault(current, [])
        string = _STRING.search(line, kw.end() if kw else indent)
        if string is not None and current:
            entry.fields[current].append((start + string.start(1), start + string.end(1)))
    if entry.fields:
        yield entry


def _build(text: str, parts: list[tuple[int, int]], builder: SegmentBuilder) -> None:
    """Add the decoded string parts to ``builder``: characters verbatim, escapes atomic."""
    for start, end in parts:
        add_escaped(builder, text, start, end, _ESCAPE, _unescape)


def _decoded(text: str, parts: list[tuple[int, int]]) -> str:
    builder = SegmentBuilder(text)
    _build(text, parts, builder)
    return builder.text()


def _entry_segments(text: str, entry: _Entry) -> Iterator[Segment]:
    msgid = _decoded(text, entry.fields.get("msgid", []))
    if entry.fuzzy or (not msgid and "msgctxt" not in entry.fields):
        return
    plural = _decoded(text, entry.fields.get("msgid_plural", [])) or msgid
    for key, parts in entry.fields.items():
        if not key.startswith("msgstr"):
            continue
        builder = SegmentBuilder(text)
        _build(text, parts, builder)
        if builder.empty:
            continue
        source = plural if key.startswith("msgstr[") and key != "msgstr[0]" else msgid
        yield builder.build(source=source, encode=escape_po)


def segments(text: str, *, path: str = "<stdin>") -> Iterator[Segment]:
    """The translated strings of a PO file, each with its msgid (or msgid_plural) as source."""
    _check(text, path)
    for entry in _entries(text):
        yield from _entry_segments(text, entry)
