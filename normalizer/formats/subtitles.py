"""SRT and WebVTT subtitles: cue text only; numbers, timings and settings are never touched.

A file is a series of blocks separated by blank lines. A cue block has an optional identifier
line, a timing line (``00:00:01,000 --> 00:00:02,000``, VTT settings after it) and text lines; the
text lines of one cue form one segment, their line breaks kept as written, so the engine sees the
whole cue ("Sailor" at the end of one line and "silence" on the next are one phrase). Styling
tags (``<i>``, ``<b>``, ``<font ...>``, VTT ``<c.x>``/``<v Name>``/timestamps, SRT ``{\\an8}``) join
the text around them; VTT character references (``&amp;``) are atomic. In VTT the ``WEBVTT``
header and ``NOTE``, ``STYLE`` and ``REGION`` blocks are left alone.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator

from .base import Segment, SegmentBuilder, identity

__all__ = ["escape_vtt", "srt_segments", "vtt_segments"]

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_SRT_MARKUP = re.compile(r"<[^<>\r\n]*>|\{\\[^{}\r\n]*\}")
_VTT_MARKUP = re.compile(r"<[^<>\r\n]*>|&(?:#[xX][0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);")
_VTT_SKIP = ("WEBVTT", "NOTE", "STYLE", "REGION")


def escape_vtt(text: str) -> str:
    """Replacement text in WebVTT cue notation."""
    return html.escape(text, quote=False)


def _blocks(text: str) -> Iterator[list[tuple[int, int]]]:
    """Blocks of non-blank lines, each line as (start, end) without its line break."""
    block: list[tuple[int, int]] = []
    for m in _LINE.finditer(text):
        if m.start() == m.end():
            break
        body_end = m.start() + len(m.group().rstrip("\r\n"))
        if m.group().strip():
            block.append((m.start(), body_end))
        elif block:
            yield block
            block = []
    if block:
        yield block


def _cue_text_lines(text: str, block: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The text lines of a cue block: those after its timing line (found in the first two)."""
    for i, (start, end) in enumerate(block[:2]):
        if "-->" in text[start:end]:
            return block[i + 1 :]
    return []


def _cue_segment(
    text: str, lines: list[tuple[int, int]], markup: re.Pattern[str], encode: Callable[[str], str]
) -> Segment | None:
    builder = SegmentBuilder(text)
    first, last = lines[0][0], lines[-1][1]
    pos = first
    for m in markup.finditer(text, first, last):
        builder.verbatim(pos, m.start())
        if m.group().startswith("&"):
            builder.decoded(m.start(), m.end(), html.unescape(m.group()))
        pos = m.end()
    builder.verbatim(pos, last)
    return None if builder.empty else builder.build(encode=encode)


def srt_segments(text: str, *, path: str = "<stdin>") -> Iterator[Segment]:
    """The cue texts of an SRT file."""
    for block in _blocks(text):
        lines = _cue_text_lines(text, block)
        if lines:
            seg = _cue_segment(text, lines, _SRT_MARKUP, identity)
            if seg is not None:
                yield seg


def vtt_segments(text: str, *, path: str = "<stdin>") -> Iterator[Segment]:
    """The cue texts of a WebVTT file (header, NOTE, STYLE and REGION blocks left alone)."""
    for block in _blocks(text):
        head = text[block[0][0] : block[0][1]].lstrip("\ufeff")
        if head.startswith(_VTT_SKIP) and "-->" not in head:
            continue
        lines = _cue_text_lines(text, block)
        if lines:
            seg = _cue_segment(text, lines, _VTT_MARKUP, escape_vtt)
            if seg is not None:
                yield seg
