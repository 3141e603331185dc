"""Reading input files strictly and rewriting them without ever losing a byte.

:func:`read_text` decodes UTF-8 strictly (a BOM stays in the text as ``\\ufeff`` so it round-trips)
and turns every way a read can fail into an :class:`~normalizer.errors.InputError` that names the
file and says how to mend it. The writing side (:func:`atomic_write`, :func:`atomic_writer`,
:func:`sweep_stale_temps`) lives in :mod:`normalizer.atomic` and is re-exported here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from .atomic import TEMP_SUFFIX, TempWriter, atomic_write, atomic_writer, sweep_stale_temps
from .errors import InputError, Problem

__all__ = [
    "BinaryFileError",
    "EncodingInfo",
    "TEMP_SUFFIX",
    "atomic_write",
    "atomic_writer",
    "TempWriter",
    "Utf8Reader",
    "decode_utf8",
    "is_binary",
    "read_text",
    "sweep_stale_temps",
]

_BINARY_SNIFF = 8192  # git looks at the first 8000 bytes; a page is as good
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True, slots=True)
class EncodingInfo:
    """How a file was stored: its encoding, whether it began with a BOM, its size in bytes."""

    encoding: str = "utf-8"
    bom: bool = False
    size: int = 0


class BinaryFileError(InputError):
    """A file that holds NUL bytes: treated as binary and skipped, as git and grep do."""


def is_binary(data: bytes) -> bool:
    """True when ``data`` looks binary: a NUL byte in its first 8 KB (git's test)."""
    return b"\x00" in data[:_BINARY_SNIFF]


def read_text(path: str | os.PathLike[str]) -> tuple[str, EncodingInfo]:
    """Read ``path`` as strict UTF-8; return the text and how it was stored.

    Raises :class:`InputError` for a missing file, a directory, no permission or invalid UTF-8
    (with the line and byte offset), and :class:`BinaryFileError` for a file with NUL bytes.
    """
    name = os.fspath(path)
    data = _read_bytes(name)
    _refuse_utf16(name, data)  # before the NUL test: UTF-16 text is full of NUL bytes
    if is_binary(data):
        offset = data.index(0)
        msg = f"binary file (a NUL byte at byte offset {offset}); skipped"
        raise BinaryFileError(problems=[Problem(name, 0, 0, msg)])
    text = decode_utf8(data, name)
    return text, EncodingInfo("utf-8", text.startswith("\ufeff"), len(data))


class Utf8Reader:
    """A text reader over a binary stream that decodes strict UTF-8 incrementally (for
    streaming huge inputs); invalid bytes raise the same located InputError as
    :func:`decode_utf8`, with the byte offset counted from the start of the stream."""

    def __init__(self, raw: Any, name: str = "<stdin>") -> None:
        import codecs

        self._raw, self._name = raw, name
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self._consumed = 0  # bytes handed to the decoder before the current block
        self._lines = 0  # line breaks in those bytes, for the error's line number
        self._column = 0  # characters decoded since the last line break, for its column

    def read(self, size: int = -1) -> str:
        """Up to ``size`` bytes' worth of text; "" only at the end (a block holding only part
        of a character is followed by more)."""
        while True:
            text, more = self._read_block(size)
            if text or not more:
                return text

    def _read_block(self, size: int) -> tuple[str, bool]:
        block = self._raw.read(size if size > 0 else -1)
        final = not block
        try:
            text = self._decoder.decode(block, final=final)
        except UnicodeDecodeError as exc:
            err = _decode_error(self._name, block, exc)
            p = err.problems[0]
            offset = self._consumed + exc.start
            message = p.message.replace(f"offset {exc.start})", f"offset {offset})")
            # a line that began in an earlier block: its characters there count too
            column = p.column + (self._column if p.line == 1 else 0)
            raise InputError(
                problems=[Problem(p.path, p.line + self._lines, column, message)]
            ) from None
        self._consumed += len(block)
        self._lines += block.count(b"\n")
        last = text.rfind("\n")
        self._column = len(text) - last - 1 if last >= 0 else self._column + len(text)
        return text, not final


def decode_utf8(data: bytes, name: str = "<stdin>") -> str:
    """Decode ``data`` (read from ``name``, a file or standard input) as strict UTF-8.

    A BOM stays in the text as U+FEFF. Invalid UTF-8 or UTF-16 raises :class:`InputError`
    with the line, column and byte offset of the first bad byte and a conversion hint.
    """
    _refuse_utf16(name, data)
    try:
        return data.decode("utf-8")  # strict; "utf-8" (not "utf-8-sig") keeps a BOM as U+FEFF
    except UnicodeDecodeError as exc:
        raise _decode_error(name, data, exc) from None


def _refuse_utf16(name: str, data: bytes) -> None:
    if data.startswith(_UTF16_BOMS):
        hint = _convert_hint(name, "UTF-16")
        raise InputError(problems=[Problem(name, 1, 1, f"the file is UTF-16, not UTF-8; {hint}")])


def _read_bytes(name: str) -> bytes:
    """The file's bytes, or an InputError that says what is wrong with the path."""
    try:
        with open(name, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise read_error(name, exc) from None


def read_error(name: str, exc: OSError) -> InputError:
    """What is wrong with a path that could not be opened or read, said for a user."""
    if isinstance(exc, FileNotFoundError):
        msg = "no such file (was it moved or deleted?)"
    elif isinstance(exc, IsADirectoryError):
        msg = "is a directory, not a file; pass the folder itself to process the files in it"
    elif isinstance(exc, PermissionError):
        msg = "permission denied; check the file's permissions (ls -l) or run as its owner"
    else:
        msg = f"cannot read: {exc.strerror or exc}"
    return InputError(problems=[Problem(name, 0, 0, msg)])


def _decode_error(name: str, data: bytes, exc: UnicodeDecodeError) -> InputError:
    """An InputError for invalid UTF-8 locating the first bad byte by line, column and offset."""
    start = exc.start
    line = data.count(b"\n", 0, start) + 1
    line_start = data.rfind(b"\n", 0, start) + 1
    # the column counts characters of the (valid) UTF-8 before the bad byte on its line
    column = len(data[line_start:start].decode("utf-8", errors="replace")) + 1
    bad = data[start : min(exc.end, start + 4)].hex(" ").upper()
    guess = _guess_encoding(data)
    msg = (
        f"the file is not UTF-8 (byte 0x{bad} at byte offset {start}); {_convert_hint(name, guess)}"
    )
    return InputError(problems=[Problem(name, line, column, msg)])


def _guess_encoding(data: bytes) -> str:
    """A likely legacy encoding for a mending hint: WINDOWS-1251 for Cyrillic-looking bytes.

    Russian in cp1251 is whole words of bytes 0xC0-0xFF; Western text in cp1252 has an accented
    letter here and there between ASCII ones ("caf\xe9").
    """
    sample = data[:65536]
    high = [i for i, b in enumerate(sample) if b >= 0x80]
    if not high:
        return "WINDOWS-1252"
    in_runs = sum(
        1
        for i in high
        if sample[i] >= 0xC0
        and ((i > 0 and sample[i - 1] >= 0xC0) or (i + 1 < len(sample) and sample[i + 1] >= 0xC0))
    )
    return "WINDOWS-1251" if in_runs / len(high) > 0.6 else "WINDOWS-1252"


def _convert_hint(name: str, encoding: str) -> str:
    return (
        f"convert it with iconv -f {encoding} -t UTF-8 {name} > {name}.utf8 "
        "(or the file's real encoding), or re-save it as UTF-8 in your editor"
    )
