"""Markdown: prose only; code, link targets, HTML blocks and front matter are never touched.

markdown-it-py gives the inline tokens of every paragraph, heading and table cell with their line
range (``.map``), but not their columns. Each text token is therefore located in the original
file from a cursor that only moves forward, allowing only markup characters (list and quote
prefixes, emphasis markers, brackets) between one token and the next; backslash escapes and
entities are matched as atomic pieces. Emphasis, links and inline formatting HTML join the text
around them (an artifact spread over ``**Sailor** silence`` is reported, not broken); code spans,
images, autolinks and other inline HTML end the segment. A leading ``---`` YAML front matter block
is skipped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from typing import Any

from .base import Segment, SegmentBuilder, line_starts
from .html import INLINE_TAGS

__all__ = ["segments"]

_FRONT_MATTER = re.compile(
    r"\A(?:\ufeff)?---[ \t]*(?:\r\n|\r|\n).*?^(?:---|\.\.\.)[ \t]*\r?$", re.S | re.M
)
_GAP = frozenset(" \t\r\n>#-*+_~|.):=[!0123456789")
_ENTITY = re.compile(r"&(?:#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});")
_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
_EMPHASIS = frozenset("em_open em_close strong_open strong_close s_open s_close".split())


class _Inline:
    """Locates the children of one inline token in the file and builds their segments."""

    def __init__(self, text: str, cursor: int, limit: int) -> None:
        self.text = text
        self.cursor = cursor
        self.limit = limit
        self.builder = SegmentBuilder(text)
        self.found: list[Segment] = []
        self.in_autolink = False

    def run(self, children: Sequence[Any]) -> None:
        for child in children:
            kind = child.type
            if kind == "text":
                if not self.in_autolink:
                    self._text(child.content)
            elif kind in ("softbreak", "hardbreak"):
                self._break()
            elif kind in _EMPHASIS:
                self._skip_to(child.markup)
            elif kind == "link_open":
                self._link_open(child)
            elif kind == "link_close":
                self._link_close()
            elif kind == "code_inline":
                self._split()
                self._skip_code(child.markup)
            elif kind == "html_inline":
                self._html_inline(child.content)
            else:  # images and anything unknown: never joined, never read
                self._split()
                if kind == "image":
                    self._skip_image()
        self._split()

    def _split(self) -> None:
        if not self.builder.empty:
            self.found.append(self.builder.build())

    def _gap_end(self, pos: int) -> int:
        """The first offset from ``pos`` that is not a markup character."""
        while pos < self.limit and self.text[pos] in _GAP:
            pos += 1
        return pos

    def _skip_to(self, literal: str) -> None:
        """Move past ``literal`` if only markup stands between the cursor and it."""
        pos = self.text.find(literal, self.cursor, self.limit)
        if literal and pos >= 0 and pos <= self._gap_end(self.cursor):
            self.cursor = pos + len(literal)

    def _text(self, content: str) -> None:
        if not content:
            return
        for start in range(self.cursor, self._gap_end(self.cursor) + 1):
            pieces = self._align(content, start)
            if pieces is not None:
                for file_start, file_end, decoded in pieces:
                    self.builder.decoded(file_start, file_end, decoded)
                self.cursor = pieces[-1][1]
                return
        self._split()  # not found where it should be: leave it alone rather than guess

    def _align(self, content: str, j: int) -> list[tuple[int, int, str]] | None:
        """Match ``content`` against the file at ``j``: (start, end, text) pieces, or None."""
        text, out, i = self.text, [], 0
        if text.startswith(content, j) and j + len(content) <= self.limit:
            return [(j, j + len(content), content)]  # the common case: no escapes, no entities
        run = j  # start of the current run of characters as written
        while i < len(content):
            if j >= self.limit:
                return None
            ch = text[j]
            if ch == "\\" and j + 1 < self.limit and text[j + 1] in _PUNCT:
                if content[i] != text[j + 1]:
                    return None
                out += [(run, j, text[run:j]), (j, j + 2, text[j + 1])]
                i, j, run = i + 1, j + 2, j + 2
                continue
            if ch == "&":
                m = _ENTITY.match(text, j, self.limit)
                decoded = html.unescape(m.group()) if m else ""
                if m and decoded != m.group() and content.startswith(decoded, i):
                    out += [(run, j, text[run:j]), (j, m.end(), decoded)]
                    i, j, run = i + len(decoded), m.end(), m.end()
                    continue
            if ch != content[i]:
                return None
            i, j = i + 1, j + 1
        out.append((run, j, text[run:j]))
        return [piece for piece in out if piece[1] > piece[0]]

    def _break(self) -> None:
        m = _NEWLINE.search(self.text, self.cursor, self.limit)
        if m is None or self.text[self.cursor : m.start()].strip(" \t\\"):
            self._split()
            return
        # "\n" is verbatim; "  \n> " (a prefix on the next line) is markup: never replaced
        self.builder.decoded(self.cursor, m.end(), "\n", whole=False)
        self.cursor = m.end()

    def _link_open(self, child: Any) -> None:
        if child.markup in ("autolink", "linkify"):
            self._split()
            self.in_autolink = True
            self._skip_to("<")
        else:
            self._skip_to("[")

    def _link_close(self) -> None:
        if self.in_autolink:
            self.in_autolink = False
            end = self.text.find(">", self.cursor, self.limit)  # an autolink holds no ">"
            self.cursor = end + 1 if end >= 0 else self.cursor
            return
        pos = self.text.find("]", self.cursor, self.limit)
        if pos < 0 or pos > self._gap_end(self.cursor):
            self._split()  # cannot find the end of the link text: stop joining here
            return
        self.cursor = _skip_link_target(self.text, pos + 1, self.limit)

    def _skip_code(self, ticks: str) -> None:
        opening = re.compile(rf"(?<!`){re.escape(ticks)}(?!`)")
        m = opening.search(self.text, self.cursor, self.limit)
        if m is not None:
            close = opening.search(self.text, m.end(), self.limit)
            self.cursor = close.end() if close else self.cursor

    def _skip_image(self) -> None:
        start = self.text.find("![", self.cursor, self.limit)
        if start >= 0:
            end = _balanced(self.text, start + 1, self.limit, "[", "]")
            self.cursor = _skip_link_target(self.text, end, self.limit)

    def _html_inline(self, raw: str) -> None:
        tag = _TAG.match(raw)
        if tag is None or tag.group(1).lower() not in INLINE_TAGS:
            self._split()
        pos = self.text.find(raw, self.cursor, self.limit)
        if pos >= 0:
            self.cursor = pos + len(raw)


def _balanced(text: str, pos: int, limit: int, open_: str, close: str) -> int:
    """Offset after the bracket closing the one at ``pos`` (backslash escapes honoured)."""
    depth = 0
    while pos < limit:
        ch = text[pos]
        if ch == "\\":
            pos += 2
            continue
        if ch == open_:
            depth += 1
        elif ch == close:
            depth -= 1
            if depth == 0:
                return pos + 1
        pos += 1
    return limit


def _skip_link_target(text: str, pos: int, limit: int) -> int:
    """Offset after ``(url "title")`` or ``[ref]`` following a link text's ``]``, if any."""
    if pos < limit and text[pos] == "(":
        return _balanced(text, pos, limit, "(", ")")
    if pos < limit and text[pos] == "[":
        return _balanced(text, pos, limit, "[", "]")
    return pos


def segments(text: str, *, path: str = "<stdin>") -> Iterator[Segment]:
    """The prose segments of a Markdown document."""
    from markdown_it import MarkdownIt

    front = _FRONT_MATTER.match(text)
    skip = front.end() if front else 1 if text.startswith("\ufeff") else 0
    starts = line_starts(text)
    # blank the front matter (keeping its line count) so the parser sees no heading or rule there
    body = re.sub(r"[^\r\n]", " ", text[:skip]) + text[skip:]
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    cursor = skip
    for token in md.parse(body):
        if token.type != "inline" or not token.map or token.children is None:
            continue
        first, last = token.map
        limit = starts[last] if last < len(starts) else len(text)
        walker = _Inline(text, max(cursor, starts[first]), max(limit, cursor))
        walker.run(token.children)
        cursor = max(cursor, walker.cursor)
        yield from walker.found
