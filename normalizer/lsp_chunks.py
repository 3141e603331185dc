"""Incremental checking for large documents: check paragraphs, remember them, re-check only
the paragraphs an edit touched.

An editor sends the whole document after each keystroke; checking 50 KB again each time costs
what the engine costs for 50 KB. The findings of one paragraph depend only on that paragraph
(glossary context is the sentence or a word window, cleanup rules look at a few characters,
suspects at their sentence), so a paragraph's report can be kept by its text and shifted to
wherever the paragraph now stands. Paragraphs are split at blank lines, which end sentences.

The server uses this only above a size threshold; smaller documents are checked whole, so what
the editor shows there is exactly what ``mtnorm check`` says. ``tests/test_lsp.py`` checks that
both ways give the same report on the seed article.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable

import regex

from .edits import Edit, Report, Suggestion

__all__ = ["ParagraphCache", "split_paragraphs"]

# A blank line (spaces or tabs allowed on it) ends a paragraph; the break stays with the
# paragraph before it, so paragraphs tile the text exactly.
_BREAK = regex.compile(r"\n[ \t\r]*\n(?:[ \t\r]*\n)*")


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """Half-open spans of the paragraphs of ``text``; together they cover it exactly."""
    spans = []
    start = 0
    for m in _BREAK.finditer(text):
        spans.append((start, m.end()))
        start = m.end()
    if start < len(text) or not spans:
        spans.append((start, len(text)))
    return spans


def _shift(report: Report, by: int) -> tuple[list[Edit], list[Suggestion]]:
    edits = [dataclasses.replace(e, start=e.start + by, end=e.end + by) for e in report.edits]
    suggestions = [
        dataclasses.replace(s, start=s.start + by, end=s.end + by) for s in report.suggestions
    ]
    return edits, suggestions


class ParagraphCache:
    """Reports of paragraphs by their text, least recently used dropped first. Thread-safe.

    One cache belongs to one Normalizer: a reload makes a new cache (old reports are stale).
    """

    def __init__(self, check: Callable[[str], Report], max_entries: int = 20_000) -> None:
        self._check = check
        self._max = max_entries
        self._reports: OrderedDict[str, Report] = OrderedDict()
        self._lock = threading.Lock()

    def _report(self, paragraph: str) -> Report:
        with self._lock:
            hit = self._reports.get(paragraph)
            if hit is not None:
                self._reports.move_to_end(paragraph)
                return hit
        report = self._check(paragraph)  # outside the lock: checks may run in parallel
        with self._lock:
            self._reports[paragraph] = report
            while len(self._reports) > self._max:
                self._reports.popitem(last=False)
        return report

    def check(self, text: str) -> Report:
        """The report of ``text``, built from paragraph reports (offsets into ``text``)."""
        edits: list[Edit] = []
        suggestions: list[Suggestion] = []
        for start, end in split_paragraphs(text):
            more_edits, more_suggestions = _shift(self._report(text[start:end]), start)
            edits += more_edits
            suggestions += more_suggestions
        return Report(original=text, text=text, edits=tuple(edits), suggestions=tuple(suggestions))

    def __len__(self) -> int:
        return len(self._reports)
