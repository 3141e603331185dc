"""What a batch run does to one file: read it, normalize it, rewrite or report it.

:func:`make_processor` builds the picklable :class:`Processor` that
:func:`normalizer.batch.run_batch` calls for each file (in worker processes too);
:class:`FileResult` is what comes back.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, Protocol

from .bigfile import STREAM_MIN_BYTES
from .edits import Report
from .errors import MtnormError
from .fileio import BinaryFileError, atomic_write, read_text, sweep_stale_temps
from .lean import lean_report

__all__ = ["FileResult", "Mode", "Processor", "Status", "make_processor", "unified_diff"]

Status = Literal["changed", "unchanged", "error", "skipped"]
Mode = Literal["check", "fix", "in-place", "diff"]


@dataclass(frozen=True, slots=True)
class FileResult:
    """What happened to one file. ``output`` is what a front end prints for it (a diff), if any."""

    path: Path
    status: Status
    report: Report | None = None
    error: str | None = None
    note: str = ""
    output: str | None = None


class _Engine(Protocol):
    def check(self, text: str, source: str | None = None) -> Report: ...

    def fix(self, text: str, source: str | None = None) -> Report: ...


@dataclass(frozen=True)
class Processor:
    """Processes one file with a Normalizer; picklable, so it also runs in worker processes."""

    normalizer: _Engine
    mode: Mode = "check"
    backup_suffix: str | None = None
    source_for: Callable[[Path], Path | None] | None = None
    format_in: str = "auto"
    fields: tuple[str, ...] = ()
    stream_min_bytes: int = STREAM_MIN_BYTES
    lean: bool = False
    _swept: set[str] = field(default_factory=set, compare=False, repr=False)

    def __call__(self, path: Path) -> FileResult:
        result = self._process(Path(path))
        if self.lean and result.report is not None:
            report = lean_report(
                result.report, findings=self.mode == "check", keep_text=self.mode == "fix"
            )
            result = replace(result, report=report)
        return result

    def _process(self, path: Path) -> FileResult:
        if self.backup_suffix and path.name.endswith(self.backup_suffix):
            return FileResult(path, "skipped", note=f"a backup file ({self.backup_suffix})")
        stamp = None
        if self.mode == "in-place":
            self._sweep(path)
            stamp = _stamp(path)
        if self._streams(path):
            return self._stream(path, stamp)
        try:
            text, _info = read_text(path)
        except BinaryFileError:
            return FileResult(path, "skipped", note="binary file")
        source = self._source(path)
        report = self._run(path, text, source)
        changed = bool(report.edits) if self.mode == "check" else report.changed
        status: Status = "changed" if changed else "unchanged"
        if not changed:
            return FileResult(path, status, report)
        if self.mode == "in-place":
            return self._write(path, report, stamp)
        if self.mode == "diff":
            return FileResult(path, status, report, output=unified_diff(path, report))
        return FileResult(path, status, report)

    def _source(self, path: Path) -> str | None:
        src = self.source_for(path) if self.source_for is not None else None
        return None if src is None else read_text(src)[0]

    def _format(self, path: Path) -> str:
        formats = _formats_module()
        return "text" if formats is None else str(formats.detect_format(str(path), self.format_in))

    def _run(self, path: Path, text: str, source: str | None) -> Report:
        fix = self.mode != "check"
        fmt = self._format(path)
        if fmt != "text":  # markup: only the translatable segments, mapped back to file offsets
            report: Report = _formats_module().process_document(
                self.normalizer, text, fmt, fix=fix, fields=self.fields, path=str(path)
            )
            return report
        return self.normalizer.fix(text, source) if fix else self.normalizer.check(text, source)

    def _streams(self, path: Path) -> bool:
        """A huge plain-text file without a source is checked or fixed in place streamed."""
        if self.mode not in ("check", "in-place"):
            return False
        try:
            if os.stat(path).st_size < self.stream_min_bytes:
                return False
        except OSError:
            return False  # reading it reports why
        if self.source_for is not None and self.source_for(path) is not None:
            return False  # the source is line-aligned with the whole file
        return self._format(path) == "text"

    def _stream(self, path: Path, stamp: tuple[int, ...] | None) -> FileResult:
        from .bigfile import FileChanged, stream_file

        try:
            report = stream_file(
                self.normalizer,
                path,
                rewrite=self.mode == "in-place",
                backup_suffix=self.backup_suffix,
                unchanged=lambda: stamp is None or _stamp(path) == stamp,
            )
        except BinaryFileError:
            return FileResult(path, "skipped", note="binary file")
        except FileChanged:
            return FileResult(path, "error", error=_CHANGED.format(path=path))
        if self.mode == "check":
            return FileResult(path, "changed" if report.edits else "unchanged", report)
        if report.changed:
            return FileResult(path, "changed", report, note="rewritten")
        return FileResult(path, "unchanged", report)

    def _sweep(self, path: Path) -> None:
        """Once per folder: remove the temp files a killed run left behind."""
        folder = os.path.dirname(os.path.realpath(path)) or "."
        if folder not in self._swept:
            self._swept.add(folder)
            sweep_stale_temps(folder)

    def _write(self, path: Path, report: Report, stamp: tuple[int, ...] | None) -> FileResult:
        if stamp is not None and _stamp(path) != stamp:
            # saved by someone else (an editor) while we worked: their text wins
            return FileResult(path, "error", report, error=_CHANGED.format(path=path))
        try:
            atomic_write(path, report.text, backup_suffix=self.backup_suffix)
        except MtnormError as exc:
            return FileResult(path, "error", report, error=str(exc))
        return FileResult(path, "changed", report, note="rewritten")


_CHANGED = "{path}: the file changed while it was processed; not rewritten (run again)"


def _stamp(path: Path) -> tuple[int, ...] | None:
    """Identity and version of a file (inode, size, mtime), to notice a concurrent save."""
    try:
        st = os.stat(path)
    except OSError:
        return None  # reading it will report why
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _formats_module() -> Any:
    """``normalizer.formats`` when it is there (it holds the markup readers), else None."""
    try:
        from . import formats
    except ImportError:
        return None
    has_api = hasattr(formats, "detect_format") and hasattr(formats, "process_document")
    return formats if has_api else None


def make_processor(
    normalizer: _Engine,
    *,
    mode: Mode = "check",
    backup_suffix: str | None = None,
    source_for: Callable[[Path], Path | None] | None = None,
    format_in: str = "auto",
    fields: Sequence[str] = (),
    stream_min_bytes: int = STREAM_MIN_BYTES,
    lean: bool = False,
) -> Processor:
    """A callable that reads one file, runs ``normalizer`` on it and (in-place) rewrites it.

    ``mode``: "check" reports, "fix" computes the fixed text (``result.report.text``),
    "in-place" rewrites changed files atomically (keeping the old one at ``path + backup_suffix``
    when given), "diff" puts a unified diff in ``result.output``. ``source_for`` maps an input
    to its line-aligned source-language file. ``format_in="text"`` bypasses format handling.
    Plain-text files of ``stream_min_bytes`` or more (no source) are checked or rewritten in
    place streamed, in bounded memory (:mod:`normalizer.bigfile`); their reports carry no text.
    With ``lean`` every report is a :class:`~normalizer.lean.LeanReport`, only what a front end
    prints: in "check" mode the findings with their line and column, in "fix" mode the fixed
    text, otherwise counts; much less to send back from a worker process (the command line
    uses it).
    """
    if mode not in ("check", "fix", "in-place", "diff"):
        raise ValueError(f"unknown mode {mode!r}")
    return Processor(
        normalizer,
        mode,
        backup_suffix,
        source_for,
        format_in,
        tuple(fields),
        stream_min_bytes,
        lean,
    )


def unified_diff(path: Path, report: Report) -> str:
    """A unified diff of ``report.original`` → ``report.text`` with ``path`` in the headers."""
    name = os.fspath(path)
    lines = difflib.unified_diff(
        report.original.splitlines(keepends=True),
        report.text.splitlines(keepends=True),
        fromfile=name,
        tofile=name,
    )
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)
