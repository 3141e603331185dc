"""The quotes cleanup rule: Russian/German guillemets and low quotes to English quotation marks."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from .cleanup_text import has_any
from .edits import Edit
from .errors import ConfigError, Problem
from .text import char_offsets

__all__ = ["FOREIGN_MARKS", "STYLES", "has_foreign_marks", "quotes"]

# style -> (open double, close double, open single, close single)
STYLES: Mapping[str, tuple[str, str, str, str]] = {
    "curly": ("\u201c", "\u201d", "\u2018", "\u2019"),
    "straight": ('"', '"', "'", "'"),
}
# Marks that open a quotation, and the marks that close what each one opened.
_OPENERS = {"«": "»", "‹": "›", "„": "“”", "‚": "‘’", "“": "”"}
_FOREIGN = frozenset("«»‹›„‚")
FOREIGN_MARKS = "«»‹›„‚"  # the marks this rule changes (an English “ only when it closes a „)
_SINGLE_GLYPHS = frozenset("‹›‚")
# Every edit involves a foreign mark (an English “ changes only when it closes a „); looked for
# in UTF-8 («» are C2 AB/BB, ‹›„‚ are E2 80 B9/BA/9E/9A), which scans fastest.
_ANY_FOREIGN_UTF8 = re.compile(rb"\xc2[\xab\xbb]|\xe2\x80[\xb9\xba\x9e\x9a]")
# A line break is CR LF, LF or a lone CR; a CR LF is never split into two breaks.
_BLANK_LINE = re.compile(r"(?:\r\n|\r(?!\n)|\n)[ \t]*(?:\r\n|\r(?!\n)|\n)")


def _style(options: Mapping[str, Any]) -> tuple[str, str, str, str]:
    style = options.get("style", "curly")
    if style not in STYLES:
        problem = Problem(
            "<options>", 0, 0, f"cleanup/quotes: unknown style {style!r}; use 'curly' or 'straight'"
        )
        raise ConfigError(problems=[problem])
    return STYLES[style]


def _pairs(text: str) -> Iterator[tuple[int, int | None, int]]:
    """Yield (open index, close index or None, depth) for the quotation marks of ``text``.

    A blank line ends every open quotation (a quote does not run across paragraphs). English “
    and ” take part so that nesting depth is right, but are only reported when they close a „.
    (The marks are found with ``str.find``; a blank line is looked for only between two marks
    while a quotation is open: the same pairs as one scan for marks and blank lines.)
    """
    stack: list[tuple[int, str]] = []
    prev = 0
    for at in char_offsets(text, "«»‹›„‚“”‘’"):
        if stack and _BLANK_LINE.search(text, prev, at):
            while stack:
                yield stack.pop()[0], None, len(stack)
        prev = at + 1
        mark = text[at]
        if stack and mark in _OPENERS[stack[-1][1]]:
            opened, _ = stack.pop()
            yield opened, at, len(stack)
        elif mark in "‘’":
            continue  # English single quotes and apostrophes matter only when closing a ‚
        elif mark in _OPENERS:
            stack.append((at, mark))
        else:  # a closer with nothing open: report it alone, at the current depth
            yield at, None, len(stack)
    while stack:
        yield stack.pop()[0], None, len(stack)


def quotes(text: str, options: Mapping[str, Any]) -> Iterator[Edit]:
    """Non-English quotation marks in English text: « » ‹ › „ ‚ (and the “ that closes a „).

    MT from Russian keeps «Newbie»; English uses “Newbie” (option ``style``: ``curly``, the
    default, or ``straight`` for " and '). Pairs are matched so nested quotations alternate:
    «a «b» c» → “a ‘b’ c”. Only the marks change, never the punctuation around them (unlike
    sacremoses, which moves periods). An unpaired mark is converted by its shape. Safe.
    """
    open_d, close_d, open_s, close_s = _style(options)
    if not has_foreign_marks(text):
        return iter(())  # only English marks: none is ever changed (see the loop below)
    edits: list[Edit] = []
    for start, end, depth in _pairs(text):
        mark = text[start]
        if end is None and (mark not in _FOREIGN or _detached(text, start)):
            continue  # English marks alone are left as written; "Home » News" is a separator
        if end is not None and mark not in _FOREIGN and text[end] not in "»›“‘":
            continue  # an English “…” pair
        single = depth % 2 == 1 or mark in _SINGLE_GLYPHS
        opener, closer = (open_s, close_s) if single else (open_d, close_d)
        is_closer = end is None and mark in "»›"
        new = closer if is_closer else opener
        if new != mark:
            edits.append(_edit(start, mark, new))
        if end is not None and text[end] != closer:
            edits.append(_edit(end, text[end], closer))
    return iter(sorted(edits, key=lambda e: e.start))


def has_foreign_marks(text: str) -> bool:
    """Whether ``text`` holds a mark this rule could change (« » ‹ › „ ‚); cheap."""
    return not text.isascii() and has_any(text, FOREIGN_MARKS, _ANY_FOREIGN_UTF8)


def _detached(text: str, at: int) -> bool:
    """Whether the mark at ``at`` stands between white space (a separator, not a quote)."""
    before = text[at - 1] if at > 0 else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    return before.isspace() and after.isspace()


def _edit(at: int, old: str, new: str) -> Edit:
    return Edit(at, at + 1, old, new, "cleanup/quotes", f"use English quotation mark {new!r}")
