"""Reports that carry no input text: what a batch front end needs, cheap to send between processes.

A :class:`~normalizer.edits.Report` holds the whole input and output text and every finding.
A batch run that prints findings needs them with their line and column, not the texts; one
that rewrites files, prints a diff or the fixed text needs neither the input text nor the
findings (only ``mtnorm fix`` to standard output needs the fixed text), and a huge streamed
file cannot keep them. Sending less back from a worker process matters: unpickling a 32 KB
file's Report (two texts, dozens of Edit objects) costs the main process about as much as
dispatching several files.
"""

from __future__ import annotations

from dataclasses import dataclass

from .edits import Report
from .stream import Positions, StreamStats

__all__ = ["LeanReport", "lean_report"]


@dataclass(frozen=True, slots=True)
class LeanReport(Report):
    """A report without the input text (``original`` is empty; ``text`` too unless kept).

    ``positions`` gives the line and column of each finding's start and end (when findings are
    kept); ``modified`` is what ``changed`` says of a full report (False for a check, which
    changes nothing); ``stats`` counts the characters and findings where they are not kept.
    """

    positions: Positions | None = None
    modified: bool = False
    stats: StreamStats | None = None

    @property
    def changed(self) -> bool:
        return self.modified

    @property
    def findings(self) -> int:
        if self.stats is not None and not (self.edits or self.suggestions):
            return self.stats.edits + self.stats.suggestions
        return len(self.edits) + len(self.suggestions)


def lean_report(report: Report, *, findings: bool = True, keep_text: bool = False) -> LeanReport:
    """``report`` without its input text: with ``findings`` its edits and suggestions and their
    positions, else only their counts; the fixed text too with ``keep_text``."""
    if isinstance(report, LeanReport):
        return report
    text = report.text if keep_text else ""
    if not findings:
        stats = StreamStats(
            len(report.original), len(report.text), len(report.edits), len(report.suggestions), 1
        )
        return LeanReport("", text, modified=report.changed, stats=stats)
    positions = Positions()
    offsets = {f.start for f in report.edits} | {f.end for f in report.edits}
    offsets |= {f.start for f in report.suggestions} | {f.end for f in report.suggestions}
    positions.feed(report.original, 0, offsets)
    return LeanReport(
        "", text, report.edits, report.suggestions, positions, modified=report.changed
    )
