"""Document formats: normalize only the translatable text of a file, never its markup.

Each reader (``markdown``, ``html``, ``xliff``, ``po``, ``subtitles``, ``jsonl``) turns a file into
:class:`~normalizer.formats.base.Segment` values; :func:`process_document` runs the engine on each
segment and maps every finding back to offsets of the original file. An edit that cannot be written
back exactly (it crosses an inline tag, or cuts into a decoded entity or escape) is reported as a
suggestion instead; an edit covering entities or escapes wholly rewrites them in the file's
notation. A file without findings comes out byte-identical.

>>> detect_format("chapter.po")
'po'
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from ..edits import Candidate, Edit, Report, Safety, Suggestion, apply_edits, select_non_overlapping
from ..errors import ConfigError
from .base import Segment

__all__ = ["EXTENSIONS", "FORMATS", "Checker", "detect_format", "process_document", "segments"]

FORMATS = ("text", "markdown", "html", "xliff", "po", "srt", "vtt", "jsonl")

EXTENSIONS: dict[str, str] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".xlf": "xliff",
    ".xliff": "xliff",
    ".po": "po",
    ".pot": "po",
    ".srt": "srt",
    ".vtt": "vtt",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


class Checker(Protocol):
    """What the formats need from the engine (``normalizer.Normalizer`` fits)."""

    def check(self, text: str, source: str | None = None) -> Report: ...

    def fix(self, text: str, source: str | None = None) -> Report: ...


def detect_format(path: str | None, declared: str = "auto") -> str:
    """The format to read ``path`` as: ``declared`` unless it is ``auto``, else by extension.

    Unknown extensions, standard input (``None`` or ``-``) give ``text``.
    """
    if declared != "auto":
        if declared not in FORMATS:
            choices = ", ".join(("auto",) + FORMATS)
            raise ConfigError(f"unknown input format {declared!r}; choose one of: {choices}")
        return declared
    if not path or path == "-":
        return "text"
    return EXTENSIONS.get(os.path.splitext(path)[1].lower(), "text")


def _reader(fmt: str) -> Callable[..., Iterable[Segment]]:
    # readers import their parsers (lxml, polib, markdown-it) only when their format is used
    if fmt == "markdown":
        from .markdown import segments as read
    elif fmt == "html":
        from .html import segments as read
    elif fmt == "xliff":
        from .xliff import segments as read
    elif fmt == "po":
        from .po import segments as read
    elif fmt in ("srt", "vtt"):
        from .subtitles import srt_segments, vtt_segments

        read = srt_segments if fmt == "srt" else vtt_segments
    elif fmt == "jsonl":
        from .jsonl import segments as read
    elif fmt == "text":
        from .plain import segments as read
    else:
        raise ConfigError(f"unknown input format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    return read


def segments(
    text: str, fmt: str, *, fields: Sequence[str] = (), path: str = "<stdin>"
) -> list[Segment]:
    """The translatable segments of ``text`` read as ``fmt`` (raises InputError on bad input)."""
    read = _reader(fmt)
    if fmt == "jsonl":
        return list(read(text, path=path, fields=fields))
    return list(read(text, path=path))


def process_document(
    normalizer: Checker,
    text: str,
    fmt: str,
    *,
    fix: bool,
    fields: Sequence[str] = (),
    path: str = "<stdin>",
) -> Report:
    """Check (``fix=False``) or fix a whole file of format ``fmt``; offsets are into ``text``.

    ``report.edits`` are the edits a fix applies, ``report.suggestions`` everything reported only;
    ``report.text`` is the fixed file (or ``text`` itself when ``fix`` is false).
    """
    if fmt == "text":
        # the whole file is one segment: exactly what `mtnorm fix` does on plain text
        report = normalizer.fix(text) if fix else normalizer.check(text)
        return report if fix else dataclasses.replace(report, text=text)
    edits: list[Edit] = []
    suggestions: list[Suggestion] = []
    for seg in segments(text, fmt, fields=fields, path=path):
        if not seg.text.strip():
            continue
        seg_edits, seg_suggestions = _map_report(text, seg, normalizer.check(seg.text, seg.source))
        edits.extend(seg_edits)
        suggestions.extend(seg_suggestions)
    kept, skipped = select_non_overlapping(e for e in edits if e.safety is Safety.FIX)
    suggestions.extend(
        _as_suggestion(e, e.start, e.end, "it overlaps another edit") for e in skipped
    )
    suggestions.extend(
        _as_suggestion(e, e.start, e.end, "the rule only suggests")
        for e in edits
        if e.safety is not Safety.FIX
    )
    suggestions.sort(key=lambda s: (s.start, s.end))
    fixed = apply_edits(text, kept) if fix and kept else text
    return Report(text, fixed, tuple(kept), tuple(suggestions))


def _map_report(
    file_text: str, seg: Segment, report: Report
) -> tuple[list[Edit], list[Suggestion]]:
    """Segment findings in file offsets; edits that cannot be written back become suggestions."""
    edits: list[Edit] = []
    suggestions: list[Suggestion] = []
    for e in report.edits:
        span = seg.map_span(e.start, e.end)
        if span.exact and seg.text[e.start : e.end] == e.old:
            # old is the file's text: the same as e.old, or its entities/escapes as written
            new = seg.encode(e.new)
            old = file_text[span.start : span.end]
            if new != old:
                edits.append(Edit(span.start, span.end, old, new, e.rule, e.message, e.safety))
        else:
            suggestions.append(_as_suggestion(e, span.start, span.end, "it crosses markup"))
    for s in report.suggestions:
        span = seg.map_span(s.start, s.end)
        suggestions.append(dataclasses.replace(s, start=span.start, end=span.end))
    return edits, suggestions


def _as_suggestion(edit: Edit, start: int, end: int, why: str) -> Suggestion:
    """An edit that will not be applied, kept in the report with its replacement as candidate."""
    origin = "rule" if edit.rule.startswith(("cleanup/", "suspect/")) else "glossary"
    message = f"{edit.message} (not applied: {why})" if edit.message else f"not applied: {why}"
    return Suggestion(
        start, end, edit.old, edit.rule, 1.0, (Candidate(edit.new, 1.0, origin),), message
    )
