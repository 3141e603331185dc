"""Many files at once: find them, process them on a pool, report each one, in input order.

The command line does::

    files = discover(paths, exclude=args.exclude)
    process = make_processor(normalizer, mode="in-place", backup_suffix=args.backup, lean=True)
    for result in run_batch(files, process, jobs=args.jobs, progress=not args.quiet):
        ...  # print findings; exit 2 at the end if any result.status == "error"

A failure in one file (unreadable, not UTF-8, vanished, disk full) is a :class:`FileResult` with
an error; the other files go on. What happens to one file is :mod:`normalizer.batch_file`.
"""

from __future__ import annotations

import functools
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .batch_file import FileResult, Mode, Processor, Status, make_processor, unified_diff
from .discovery import discover
from .errors import MtnormError

if TYPE_CHECKING:  # the pools are imported only when there is more than one job
    from concurrent.futures import Executor, Future

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
    "unified_diff",
]


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
        total += _size(path)
        if total >= PROCESS_MIN_BYTES:
            break
    if total < PROCESS_MIN_BYTES:
        return "thread"
    import pickle

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
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

    pool: Executor
    call: Callable[[Any], Any]
    if executor == "process":
        # the processor (and its compiled Normalizer) is pickled once per worker, not per file;
        # paths go as str and come back implied (a Path is slow to unpickle), see _call_worker
        pool = ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(process,))
        call = _call_worker
    else:
        pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="mtnorm")
        call = functools.partial(_safe_call, process)
    # A bounded window of pending files keeps memory flat over huge trees while keeping every
    # worker busy; results still come out in input order. Worker processes get small files in
    # groups (one round trip each), see _groups.
    window = jobs * 4
    pending: deque[tuple[list[Path], Future[Any]]] = deque()
    groups = _groups(paths) if executor == "process" else ([p] for p in paths)
    try:
        for group in groups:
            arg: Any = [os.fspath(p) for p in group] if executor == "process" else group[0]
            pending.append((group, pool.submit(call, arg)))
            if len(pending) >= window:
                yield from _resolve(*pending.popleft())
        while pending:
            yield from _resolve(*pending.popleft())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


GROUP_BYTES = 128 << 10
GROUP_FILES = 8


def _size(path: Path) -> int:
    """The file's size, 0 when it cannot be read (that is reported when it is processed)."""
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _groups(paths: list[Path]) -> Iterator[list[Path]]:
    """Consecutive files up to GROUP_BYTES or GROUP_FILES together: a round trip to a worker
    costs the main process about as much as a few KB of text, and a group is small enough that
    the last ones still spread over the workers."""
    group: list[Path] = []
    size = 0
    for path in paths:
        size += _size(path)
        group.append(path)
        if size >= GROUP_BYTES or len(group) >= GROUP_FILES:
            yield group
            group, size = [], 0
    if group:
        yield group


_worker_process: Callable[[Path], FileResult] | None = None


def _init_worker(process: Callable[[Path], FileResult]) -> None:
    global _worker_process
    _worker_process = process


def _call_worker(paths: list[str]) -> list[tuple[Any, ...]]:
    """Files in a worker process; each result without its path (the caller has it)."""
    assert _worker_process is not None, "worker not initialised"
    out = []
    for path in paths:
        r = _safe_call(_worker_process, Path(path))
        out.append((r.status, r.report, r.error, r.note, r.output))
    return out


def _resolve(group: list[Path], fut: Future[Any]) -> Iterator[FileResult]:
    try:
        result = fut.result()
    except Exception as exc:  # a worker process died, or the result did not pickle
        error = f"worker failed: {type(exc).__name__}: {exc}"
        yield from (FileResult(Path(path), "error", error=error) for path in group)
        return
    if isinstance(result, FileResult):
        yield result
    else:
        yield from (FileResult(Path(p), *r) for p, r in zip(group, result, strict=True))


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
