"""HTML: text nodes only, with exact offsets; entities stay as written outside fixed spans.

Python's :class:`html.parser.HTMLParser` (with ``convert_charrefs=False``) reports every text run,
entity and tag with its line and column, which is what we need: offsets matter more than a DOM.
Inline formatting tags (``<b>``, ``<a>``, ``<span>`` ...) join the text around them into one
segment, so "<b>Sailor</b> silence" is seen whole and reported, not broken; other tags end a
segment. Nothing inside ``script``, ``style``, ``code``, ``pre``, ``textarea`` or an element marked
``translate="no"`` (or ``class="notranslate"``) is read. Attribute values (``title``, ``alt``) are
left alone.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from html.parser import HTMLParser

from .base import Segment, SegmentBuilder

__all__ = ["INLINE_TAGS", "SKIP_TAGS", "escape_text", "segments"]

# formatting that may sit inside a phrase: text on both sides belongs to one segment
INLINE_TAGS = frozenset(
    (
        "a abbr b bdi bdo cite data del dfn em font i ins mark q s small span strong sub sup time u"
    ).split()
)
# content that is not prose to translate
SKIP_TAGS = frozenset("script style code pre textarea kbd samp var svg math template".split())
VOID_TAGS = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()
)
_ENTITY = re.compile(r"&(?:#[xX][0-9a-fA-F]+|#[0-9]+|[a-zA-Z][-.a-zA-Z0-9]*);?")


def escape_text(text: str) -> str:
    """Replacement text in HTML notation (``&``, ``<``, ``>`` escaped)."""
    return html.escape(text, quote=False)


class _TextNodes(HTMLParser):
    """Collects segments from HTML, locating every event by the parser's line and column."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self._text = text
        self._lines = [0] + [m.end() for m in re.finditer("\n", text)]
        self._builder = SegmentBuilder(text)
        self._stack: list[tuple[str, bool]] = []  # (tag, skipping from here down)
        self.found: list[Segment] = []

    def _pos(self) -> int:
        line, col = self.getpos()
        return self._lines[line - 1] + col

    @property
    def _skipping(self) -> bool:
        return bool(self._stack) and self._stack[-1][1]

    def _flush(self) -> None:
        if not self._builder.empty:
            self.found.append(self._builder.build(encode=escape_text))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in INLINE_TAGS:
            self._flush()
        if tag in VOID_TAGS:
            return
        values = dict(attrs)
        skip = (
            self._skipping
            or tag in SKIP_TAGS
            or (values.get("translate") or "").lower() == "no"
            or "notranslate" in (values.get("class") or "").split()
        )
        self._stack.append((tag, skip))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in INLINE_TAGS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag not in INLINE_TAGS:
            self._flush()
        # close up to the matching open tag; a stray end tag changes nothing
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        start = self._pos()
        self._builder.verbatim(start, start + len(data))

    def _reference(self) -> None:
        if self._skipping:
            return
        start = self._pos()
        m = _ENTITY.match(self._text, start)
        if m is None:  # cannot happen for what the parser calls a reference; stay safe
            self._flush()
            return
        self._builder.decoded(start, m.end(), html.unescape(m.group()))

    def handle_entityref(self, name: str) -> None:
        self._reference()

    def handle_charref(self, name: str) -> None:
        self._reference()

    def handle_comment(self, data: str) -> None:
        self._flush()

    def handle_decl(self, decl: str) -> None:
        self._flush()

    def handle_pi(self, data: str) -> None:
        self._flush()

    def unknown_decl(self, data: str) -> None:
        self._flush()


def segments(text: str, *, path: str = "<stdin>") -> Iterator[Segment]:
    """The text-node segments of an HTML document (lenient: HTML never fails to read)."""
    parser = _TextNodes(text)
    parser.feed(text)
    parser.close()
    parser._flush()
    yield from parser.found
