"""Reports that carry no input text: what a batch front end needs, cheap to send between processes.

A :class:`~normalizer.edits.Report` holds the whole input and output text. A batch run that
prints findings, a diff or a summary needs neither (only ``mtnorm fix`` to standard output
needs the fixed text), and a huge streamed file cannot keep them. A :class:`LeanReport` keeps
the findings, their line and column (:class:`~normalizer.stream.Positions`), whether the text
changed, and the fixed text only when asked.
"""

from __future__ import annotations

from dataclasses import dataclass

from .edits import Report
from .stream import Positions, StreamStats

__all__ = ["LeanReport", "lean_report"]


@dataclass(frozen=True, slots=True)
class LeanReport(Report):
    """A report without the input text (``original`` is empty; ``text`` too unless kept).

    ``positions`` gives the line and column of each finding's start and end; ``modified`` is
    what ``changed`` says of a full report (False for a check, which changes nothing);
    ``stats`` counts what a streamed run did (in place, where its edits are not kept).
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


def lean_report(report: Report, *, keep_text: bool = False) -> LeanReport:
    """``report`` without its texts (the fixed text stays with ``keep_text``)."""
    if isinstance(report, LeanReport):
        return report
    positions = Positions()
    offsets = {f.start for f in report.edits} | {f.end for f in report.edits}
    offsets |= {f.start for f in report.suggestions} | {f.end for f in report.suggestions}
    positions.feed(report.original, 0, offsets)
    text = report.text if keep_text else ""
    return LeanReport(
        "", text, report.edits, report.suggestions, positions, modified=report.changed
    )
