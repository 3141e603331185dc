"""Huge plain-text files in bounded memory: streamed ``check`` and ``fix --in-place``.

A batch run (:mod:`normalizer.batch`) sends a plain-text file of at least ``STREAM_MIN_BYTES``
(32 MiB) with no ``--source`` here instead of reading it whole. The file is decoded
incrementally (strict UTF-8, as :func:`~normalizer.fileio.read_text`) and normalized window by
window (:mod:`normalizer.stream`, exact at the seams); in place, the output goes straight into
the temporary file of :func:`~normalizer.atomic.atomic_writer`, which replaces the original
only after the last window, so a failure at any point (invalid UTF-8 half way, the engine, a
full disk, an interrupt) leaves the original as it was.

What the report holds instead of the text: in check mode the findings, with their line and
column noted while the text went by (:class:`~normalizer.stream.Positions`); memory grows with
the number of findings, not with the file. In place, only the counts (``stats``): keeping a
million edits would cost more than the text window.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from .atomic import atomic_writer
from .errors import InputError, Problem
from .fileio import BinaryFileError, Utf8Reader, _refuse_utf16, is_binary, read_error
from .lean import LeanReport
from .stream import DEFAULT_CHUNK, DEFAULT_OVERLAP, Positions, Window, fix_stream

__all__ = ["STREAM_MIN_BYTES", "stream_file"]

# read whole, a file costs 6-8 times its size (peak RSS 281 MB for 30 MB, 333 MB for 50 MB with
# bench/memory.py --mode in-place): at 32 MiB that stays under the 400 MB goal
STREAM_MIN_BYTES = 32 << 20
# the window of normalizer.stream; module-level so tests can make seams in small files
CHUNK_CHARS = DEFAULT_CHUNK
OVERLAP_CHARS = DEFAULT_OVERLAP
_SNIFF = 8192


class _Unchanged(Exception):
    """Raised inside the atomic writer to drop the temp file of a file that needs no change."""


class FileChanged(Exception):
    """The file was saved by someone else while it was streamed; it was not rewritten."""


def stream_file(
    normalizer: Any,
    path: str | os.PathLike[str],
    *,
    rewrite: bool,
    backup_suffix: str | None = None,
    unchanged: Callable[[], bool] | None = None,
    chunk_size: int | None = None,
    overlap: int | None = None,
) -> LeanReport:
    """Check ``path`` (``rewrite=False``) or fix it in place, streaming; see the module doc.

    In place, ``unchanged()`` is asked just before the original is replaced; False (someone
    saved the file meanwhile) raises :class:`FileChanged` and keeps their version. Raises
    :class:`~normalizer.fileio.BinaryFileError` for a binary file and
    :class:`~normalizer.errors.InputError` for anything unreadable, not UTF-8 or unwritable.
    """
    name = os.fspath(path)
    chunk_size = CHUNK_CHARS if chunk_size is None else chunk_size
    overlap = OVERLAP_CHARS if overlap is None else overlap
    with _open(name) as raw:
        _sniff(name, raw)
        reader = Utf8Reader(_Raw(raw, name), name)
        if not rewrite:
            positions = Positions()
            edits: list[Any] = []
            suggestions: list[Any] = []

            def keep(window: Window) -> None:
                positions.note(window)
                edits.extend(window.edits)
                suggestions.extend(window.suggestions)

            stats = fix_stream(
                normalizer, reader, _Null(), chunk_size=chunk_size, overlap=overlap, on_commit=keep
            )
            return LeanReport("", "", tuple(edits), tuple(suggestions), positions, stats=stats)
        differs = False

        def compare(window: Window) -> None:
            nonlocal differs
            differs = differs or window.text != window.original

        try:
            with atomic_writer(name, backup_suffix=backup_suffix) as out:
                stats = fix_stream(
                    normalizer, reader, out, chunk_size=chunk_size, overlap=overlap,
                    on_commit=compare,
                )  # fmt: skip
                if not differs:
                    raise _Unchanged
                if unchanged is not None and not unchanged():
                    raise FileChanged(name)
        except _Unchanged:
            return LeanReport("", "", stats=stats)
        return LeanReport("", "", modified=True, stats=stats)


def _open(name: str) -> Any:
    try:
        return open(name, "rb")  # noqa: SIM115 - closed by the caller's with
    except OSError as exc:
        raise read_error(name, exc) from None


def _sniff(name: str, raw: Any) -> None:
    """Refuse UTF-16 and skip binary files as read_text does, from the first 8 KB."""
    head = _Raw(raw, name).read(_SNIFF)
    raw.seek(0)
    _refuse_utf16(name, head)
    if is_binary(head):
        offset = head.index(0)
        msg = f"binary file (a NUL byte at byte offset {offset}); skipped"
        raise BinaryFileError(problems=[Problem(name, 0, 0, msg)])


class _Raw:
    """The file's bytes; a failing read is an InputError (not a write error of the temp file)."""

    def __init__(self, raw: Any, name: str) -> None:
        self._raw, self._name = raw, name

    def read(self, size: int = -1) -> bytes:
        try:
            data: bytes = self._raw.read(size)
        except OSError as exc:
            msg = f"cannot read: {exc.strerror or exc}; the file is unchanged"
            raise InputError(problems=[Problem(self._name, 0, 0, msg)]) from None
        return data


class _Null:
    def write(self, s: str, /) -> int:
        return len(s)
