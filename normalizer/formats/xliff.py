"""XLIFF 1.2 and 2.x: normalize ``<target>`` text, pass ``<source>`` text for source-aware checks.

The file is checked for well-formedness with lxml, then read by a small tokenizer that keeps
exact offsets (lxml gives lines, not columns), and it is rewritten by offsets: the tree is never
re-serialized, so attribute order, quoting, namespaces and whitespace survive byte for byte.

What is read:

- 1.2: each ``<trans-unit>``'s own ``<source>`` and ``<target>`` (not ``<alt-trans>``); a target
  whose ``state`` is ``new`` or ``needs-translation`` is skipped, as the spec says it holds no
  translation yet.
- 2.x: each ``<segment>``'s ``<source>`` and ``<target>`` (``<ignorable>`` is skipped); a segment
  without a target is skipped; ``state="initial"`` with a target is read (MT pre-fill is initial).
- ``translate="no"`` on ``<file>``, ``<group>``, a unit or a ``<mrk>`` leaves that part alone.
- Inline codes: paired formatting (``<g>``, ``<bx/>``/``<ex/>``, ``<bpt>``/``<ept>``, ``<pc>``,
  ``<sc/>``/``<ec/>``, ``<mrk>``, ``<sm/>``/``<em/>``) joins the text around it, so an artifact
  spread over it is reported, never broken; placeholders (``<x/>``, ``<ph>``, ``<it>``, ``<cp/>``)
  end the segment. The native code inside ``<bpt>``, ``<ept>``, ``<ph>``, ``<it>`` is never read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..errors import InputError, Problem
from .base import Segment, SegmentBuilder

__all__ = ["escape_xml", "parse_check", "segments", "xml_tokens"]

_TOKEN = re.compile(
    r"<!--.*?-->"
    r"|<!\[CDATA\[(?P<cdata>.*?)\]\]>"
    r"|<\?.*?\?>"
    r"|<!DOCTYPE(?:[^\[>]|\[.*?\])*>"
    r"|</(?P<end>[^\s>]+)\s*>"
    r"|<(?P<start>[^\s/>!?]+)(?P<attrs>(?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*(?P<empty>/?)>",
    re.S,
)
_ATTR = re.compile(r"([^\s=/>]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_REF = re.compile(r"&(?:#[xX][0-9a-fA-F]+|#[0-9]+|[A-Za-z_][\w.-]*);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}

TRANSPARENT = frozenset("g bx ex bpt ept pc sc ec mrk sm em".split())
CODE_CONTENT = frozenset("bpt ept ph it".split())  # their content is native code, not text
SKIPPED_STATES = frozenset({"new", "needs-translation"})


def escape_xml(text: str) -> str:
    """Replacement text in XML character-data notation."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def parse_check(text: str, path: str) -> None:
    """Raise InputError (located) unless ``text`` is well-formed XML with an ``<xliff>`` root."""
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, encoding="utf-8"
    )
    try:
        root = etree.fromstring(text.encode("utf-8", "surrogatepass"), parser)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (0, 0)
        raise InputError(
            problems=[Problem(path, line, column, f"malformed XML: {exc.msg}")]
        ) from None
    if etree.QName(root).localname != "xliff":
        raise InputError(
            problems=[Problem(path, 1, 1, f"not XLIFF: the root element is <{root.tag}>")]
        )


@dataclass
class _Field:
    """A ``<source>`` or ``<target>`` being read; placeholders split it into several segments."""

    kind: str
    depth: int
    builder: SegmentBuilder
    done: list[SegmentBuilder] = field(default_factory=list)
    code_depth: int = 0  # > 0 while inside native code or translate="no" content


@dataclass
class _Unit:
    """What one unit (1.2) or segment (2.x) has collected."""

    source: str | None = None
    targets: list[SegmentBuilder] = field(default_factory=list)


def xml_tokens(text: str) -> Iterator[tuple[int, int, re.Match[str] | None]]:
    """(start, end, match) for every markup token, and (start, end, None) for character data."""
    pos = 0
    for m in _TOKEN.finditer(text):
        if m.start() > pos:
            yield pos, m.start(), None
        yield m.start(), m.end(), m
        pos = m.end()
    if pos < len(text):
        yield pos, len(text), None


class _Reader:
    """Walks the tokens once, keeping a stack of open elements and the unit being read."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.stack: list[tuple[str, dict[str, str], bool]] = []  # (name, attrs, translate=no)
        self.unit: _Unit | None = None
        self.field: _Field | None = None
        self.found: list[Segment] = []

    def run(self) -> list[Segment]:
        for start, end, m in xml_tokens(self.text):
            if m is None:
                self._chars(start, end)
            elif m.group("cdata") is not None:
                if self._reading():
                    assert self.field is not None
                    self.field.builder.verbatim(m.start("cdata"), m.end("cdata"))
            elif m.group("end") is not None:
                self._close(_local(m.group("end")))
            elif m.group("start") is not None:
                attrs = {
                    _local(a): v if v is not None else w for a, v, w in _ATTR.findall(m["attrs"])
                }
                self._open(_local(m.group("start")), attrs)
                if m.group("empty"):
                    self._close(_local(m.group("start")))
            elif self.field is not None:  # a comment or PI inside text ends a segment
                self._split()
        return self.found

    def _reading(self) -> bool:
        return self.field is not None and self.field.code_depth == 0

    def _chars(self, start: int, end: int) -> None:
        if not self._reading():
            return
        assert self.field is not None
        builder, pos = self.field.builder, start
        for ref in _REF.finditer(self.text, start, end):
            builder.verbatim(pos, ref.start())
            builder.decoded(ref.start(), ref.end(), _decode_ref(ref.group()))
            pos = ref.end()
        builder.verbatim(pos, end)

    def _split(self) -> None:
        assert self.field is not None
        if not self.field.builder.empty:
            self.field.done.append(self.field.builder)
            self.field.builder = SegmentBuilder(self.text)

    def _open(self, name: str, attrs: dict[str, str]) -> None:
        no = attrs.get("translate", "").lower() == "no" or bool(self.stack and self.stack[-1][2])
        self.stack.append((name, attrs, no))
        if self.field is not None:
            self._open_inline(name, no)
        elif name in ("trans-unit", "segment") and not no:
            self.unit = _Unit()
        elif name in ("source", "target") and self.unit is not None and self._unit_child():
            state = attrs.get("state", "")
            if name == "target" and state in SKIPPED_STATES:
                return
            self.field = _Field(name, len(self.stack), SegmentBuilder(self.text))

    def _unit_child(self) -> bool:
        """Whether the element just opened sits directly in a trans-unit or segment."""
        return len(self.stack) >= 2 and self.stack[-2][0] in ("trans-unit", "segment")

    def _open_inline(self, name: str, no: bool) -> None:
        assert self.field is not None
        if self.field.code_depth or name in CODE_CONTENT or no:
            if self.field.code_depth == 0 and (no or name not in TRANSPARENT):
                self._split()
            self.field.code_depth += 1
        elif name not in TRANSPARENT:
            self._split()

    def _close(self, name: str) -> None:
        depth = len(self.stack)
        if self.stack:
            self.stack.pop()
        fld = self.field
        if fld is not None and depth == fld.depth:
            self._finish_field(fld)
            self.field = None
        elif fld is not None and fld.code_depth:
            fld.code_depth -= 1
        elif fld is not None and name not in TRANSPARENT:
            self._split()
        elif name in ("trans-unit", "segment") and self.unit is not None:
            self._finish_unit(self.unit)
            self.unit = None

    def _finish_field(self, fld: _Field) -> None:
        assert self.unit is not None
        builders = [*fld.done, fld.builder]
        if fld.kind == "source":
            self.unit.source = " ".join(b.text() for b in builders if not b.empty)
        else:
            self.unit.targets.extend(b for b in builders if not b.empty)

    def _finish_unit(self, unit: _Unit) -> None:
        for builder in unit.targets:
            self.found.append(builder.build(source=unit.source, encode=escape_xml))


def _decode_ref(ref: str) -> str:
    """The character an XML reference stands for; an unknown named entity stays as written."""
    body = ref[1:-1]
    if body.startswith(("#x", "#X")):
        return chr(int(body[2:], 16))
    if body.startswith("#"):
        return chr(int(body[1:]))
    return _NAMED.get(body, ref)


def segments(text: str, *, path: str = "<stdin>") -> Iterator[Segment]:
    """The target segments of an XLIFF 1.2 or 2.x document, each with its source text."""
    parse_check(text, path)
    yield from _Reader(text).run()
