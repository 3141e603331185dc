"""Many files at once: find them, process them on a pool, report each one, in input order.

The command line does::

    files = discover(paths, exclude=args.exclude)
    process = make_processor(normalizer, mode="in-place", backup_suffix=args.backup)
    for result in run_batch(files, process, jobs=args.jobs, progress=not args.quiet):
        ...  # print findings; exit 2 at the end if any result.status == "error"

A failure in one file (unreadable, not UTF-8, vanished, disk full) is a :class:`FileResult` with
an error; the other files go on.
"""

from __future__ import annotations

import difflib
import functools
import os
import pickle
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from .bigfile import STREAM_MIN_BYTES
from .discovery import discover
from .edits import Report
from .errors import MtnormError
from .fileio import BinaryFileError, atomic_write, read_text, sweep_stale_temps

__all__ = [
    "FileResult",
    "Mode",
    "PROCESS_MIN_BYTES",
    "Processor",
    "Status",
    "Summary",
    "discover",
    "make_processor",
    "run_batch",
]

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


@dataclass(slots=True)
class Summary:
    """Counts of results by status; ``str()`` is the line printed at the end of a batch."""

    changed: int = 0
    unchanged: int = 0
    error: int = 0
    skipped: int = 0

    def add(self, result: FileResult) -> None:
        setattr(self, result.status, getattr(self, result.status) + 1)

    @property
    def total(self) -> int:
        return self.changed + self.unchanged + self.error + self.skipped

    def __str__(self) -> str:
        files = "file" if self.total == 1 else "files"
        errors = "error" if self.error == 1 else "errors"
        return (
            f"{self.total} {files}: {self.changed} changed, {self.unchanged} unchanged, "
            f"{self.error} {errors}, {self.skipped} skipped (binary)"
        )


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
    _swept: set[str] = field(default_factory=set, compare=False, repr=False)

    def __call__(self, path: Path) -> FileResult:
        path = Path(path)
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
) -> Processor:
    """A callable that reads one file, runs ``normalizer`` on it and (in-place) rewrites it.

    ``mode``: "check" reports, "fix" computes the fixed text (``result.report.text``),
    "in-place" rewrites changed files atomically (keeping the old one at ``path + backup_suffix``
    when given), "diff" puts a unified diff in ``result.output``. ``source_for`` maps an input
    to its line-aligned source-language file. ``format_in="text"`` bypasses format handling.
    Plain-text files of ``stream_min_bytes`` or more (no source) are checked or rewritten in
    place streamed, in bounded memory (:mod:`normalizer.bigfile`); their reports carry no text.
    """
    if mode not in ("check", "fix", "in-place", "diff"):
        raise ValueError(f"unknown mode {mode!r}")
    return Processor(
        normalizer, mode, backup_suffix, source_for, format_in, tuple(fields), stream_min_bytes
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


def _safe_call(process: Callable[[Path], FileResult], path: Path) -> FileResult:
    """Run ``process`` on one file; any failure becomes that file's error result."""
    try:
        return process(path)
    except MtnormError as exc:
        return FileResult(Path(path), "error", error=str(exc))
    except Exception as exc:  # a bug on one file must not lose the others' work
        return FileResult(Path(path), "error", error=f"internal error: {type(exc).__name__}: {exc}")


def run_batch(
    files: Iterable[Path],
    process: Callable[[Path], FileResult],
    *,
    jobs: int = 1,
    progress: bool = False,
    executor: Literal["auto", "thread", "process"] = "auto",
) -> Iterator[FileResult]:
    """Yield ``process(file)`` for each file, in input order, ``jobs`` at a time.

    ``executor="auto"`` uses worker processes for a batch of at least ``PROCESS_MIN_BYTES``
    when ``process`` pickles (a :class:`Processor` does), threads otherwise. Why: profiling
    shows most of a file's time in Python-level rules that hold the GIL (only the automaton
    scan and ``regex`` matching release it), so threads barely scale, while a worker process
    costs well under a second to start (``bench/batch_scaling.py`` measures both).
    With ``progress``, a progress bar is drawn on stderr when it is a terminal, and the
    summary line is written there at the end.
    """
    paths = list(files)
    if executor == "auto":
        executor = _choose_executor(paths, process, jobs)
    summary = Summary()
    bar = _ProgressBar(len(paths)) if progress else None
    try:
        for result in _results(paths, process, jobs, executor):
            summary.add(result)
            if bar is not None:
                bar.advance(result)
            yield result
    finally:
        if bar is not None:
            bar.close(summary)


PROCESS_MIN_BYTES = 1 << 20


def _choose_executor(
    paths: list[Path], process: Callable[[Path], FileResult], jobs: int
) -> Literal["thread", "process"]:
    """Processes when there is enough work to pay for starting them and they can get ``process``."""
    if jobs <= 1 or len(paths) < 2 * jobs:
        return "thread"
    total = 0
    for path in paths:
        try:
            total += os.stat(path).st_size
        except OSError:
            continue  # reported when the file is processed
        if total >= PROCESS_MIN_BYTES:
            break
    if total < PROCESS_MIN_BYTES:
        return "thread"
    try:
        pickle.dumps(process)
    except Exception:  # a closure or an unpicklable engine: threads still work
        return "thread"
    return "process"


def _results(
    paths: list[Path], process: Callable[[Path], FileResult], jobs: int, executor: str
) -> Iterator[FileResult]:
    if jobs <= 1 or len(paths) <= 1:
        for path in paths:
            yield _safe_call(process, path)
        return
    pool: Executor
    call: Callable[[Path], FileResult]
    if executor == "process":
        # the processor (and its compiled Normalizer) is pickled once per worker, not per file
        pool = ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(process,))
        call = _call_worker
    else:
        pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="mtnorm")
        call = functools.partial(_safe_call, process)
    # A bounded window of pending files keeps memory flat over huge trees while keeping every
    # worker busy; results still come out in input order.
    window = jobs * 4
    pending: deque[tuple[Path, Future[FileResult]]] = deque()
    try:
        for path in paths:
            pending.append((path, pool.submit(call, path)))
            if len(pending) >= window:
                yield _resolve(*pending.popleft())
        while pending:
            yield _resolve(*pending.popleft())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


_worker_process: Callable[[Path], FileResult] | None = None


def _init_worker(process: Callable[[Path], FileResult]) -> None:
    global _worker_process
    _worker_process = process


def _call_worker(path: Path) -> FileResult:
    assert _worker_process is not None, "worker not initialised"
    return _safe_call(_worker_process, path)


def _resolve(path: Path, fut: Future[FileResult]) -> FileResult:
    try:
        return fut.result()
    except Exception as exc:  # a worker process died, or the result did not pickle
        return FileResult(Path(path), "error", error=f"worker failed: {type(exc).__name__}: {exc}")


class _ProgressBar:
    """A rich progress bar on stderr when it is a terminal; the summary line at the end."""

    def __init__(self, total: int) -> None:
        from rich.console import Console

        self._console = Console(stderr=True)
        self._progress: Any = None
        if self._console.is_terminal and total > 1:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("[progress.description]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=self._console,
                transient=True,
            )
            self._task = self._progress.add_task("mtnorm", total=total)
            self._progress.start()

    def advance(self, result: FileResult) -> None:
        if self._progress is not None:
            self._progress.update(self._task, advance=1, description=_short(result.path))

    def close(self, summary: Summary) -> None:
        if self._progress is not None:
            self._progress.stop()
        self._console.print(str(summary), highlight=False, markup=False)


def _short(path: Path, width: int = 40) -> str:
    name = os.fspath(path)
    return name if len(name) <= width else "…" + name[-(width - 1) :]
