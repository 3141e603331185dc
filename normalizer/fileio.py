"""Reading input files strictly and rewriting them without ever losing a byte.

:func:`read_text` decodes UTF-8 strictly (a BOM stays in the text as ``\\ufeff`` so it round-trips)
and turns every way a read can fail into an :class:`~normalizer.errors.InputError` that names the
file and says how to mend it. :func:`atomic_write` replaces a file the way editors and ``sed -i``
should: a temporary file in the same folder, ``fsync``, ``os.replace``, ``fsync`` of the folder.
A crash or ``SIGKILL`` at any point leaves either the old or the new content, never a mix.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import socket
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError, Problem

__all__ = [
    "BinaryFileError",
    "EncodingInfo",
    "TEMP_SUFFIX",
    "atomic_write",
    "Utf8Reader",
    "decode_utf8",
    "is_binary",
    "read_text",
    "sweep_stale_temps",
]

TEMP_SUFFIX = ".mtnorm-tmp"
_BINARY_SNIFF = 8192  # git looks at the first 8000 bytes; a page is as good
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# ".<name>.<host>.<pid>.<random>.mtnorm-tmp": hidden (discovery skips it), and the host and pid let
# a later run tell a temp file left by a killed process from one a live process is writing.
_TEMP_RE = re.compile(
    r"^\.(?P<name>.*)\.(?P<host>[^.]*)\.(?P<pid>\d+)\.[^.]+" + re.escape(TEMP_SUFFIX) + "$"
)


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

    def read(self, size: int = -1) -> str:
        block = self._raw.read(size if size > 0 else -1)
        final = not block
        try:
            text = self._decoder.decode(block, final=final)
        except UnicodeDecodeError as exc:
            err = _decode_error(self._name, block, exc)
            p = err.problems[0]
            offset = self._consumed + exc.start
            message = p.message.replace(f"offset {exc.start})", f"offset {offset})")
            raise InputError(
                problems=[Problem(p.path, p.line + self._lines, p.column, message)]
            ) from None
        self._consumed += len(block)
        self._lines += block.count(b"\n")
        return text


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
    except FileNotFoundError:
        msg = "no such file (was it moved or deleted?)"
    except IsADirectoryError:
        msg = "is a directory, not a file; pass the folder itself to process the files in it"
    except PermissionError:
        msg = "permission denied; check the file's permissions (ls -l) or run as its owner"
    except OSError as exc:
        msg = f"cannot read: {exc.strerror or exc}"
    raise InputError(problems=[Problem(name, 0, 0, msg)])


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


def atomic_write(
    path: str | os.PathLike[str], data: str, *, backup_suffix: str | None = None
) -> None:
    """Replace the content of ``path`` with ``data`` (UTF-8) so a crash never truncates it.

    Writes a temporary file in the same folder, fsyncs it, gives it the original's mode (and
    owner, where permitted), renames it over the original and fsyncs the folder. With
    ``backup_suffix`` the old content stays at ``path + backup_suffix``. A symlink is followed:
    its target is rewritten and the link kept. A read-only file is refused. On any failure the
    original is untouched, the temporary file removed, and :class:`InputError` raised.
    """
    name = os.fspath(path)
    target = os.path.realpath(name)  # rewrite a symlink's target, keep the link
    try:
        payload = data.encode("utf-8")
    except UnicodeEncodeError as exc:  # lone surrogates: not text we can store as UTF-8
        raise InputError(
            problems=[Problem(name, 0, 0, f"cannot write: not encodable as UTF-8 ({exc.reason})")]
        ) from None
    try:
        st: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise _write_error(name, exc) from None
    if st is not None and not _writable(target, st):
        raise InputError(
            problems=[
                Problem(name, 0, 0, "the file is read-only; not rewritten (chmod u+w to allow)")
            ]
        )
    tmp = _write_temp(name, target, payload, st)
    try:
        if backup_suffix and st is not None:
            _make_backup(target, target + backup_suffix)
        os.replace(tmp, target)
    except OSError as exc:
        _unlink_quietly(tmp)
        raise _write_error(name, exc) from None
    _fsync_dir(os.path.dirname(target) or ".")


def _writable(target: str, st: os.stat_result) -> bool:
    # root passes os.access for any file, so a file with no write bit at all also counts as
    # read-only: the user marked it so on purpose.
    any_write = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
    return bool(st.st_mode & any_write) and os.access(target, os.W_OK)


def _write_temp(name: str, target: str, payload: bytes, st: os.stat_result | None) -> str:
    """Write ``payload`` to a new synced temp file next to ``target``; return its path."""
    folder = os.path.dirname(target) or "."
    base = os.path.basename(target)[:80]  # keep the temp name under NAME_MAX
    prefix = f".{base}.{_host()}.{os.getpid()}."
    try:
        fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=TEMP_SUFFIX, dir=folder)
    except OSError as exc:
        raise _write_error(name, exc) from None
    try:
        try:
            _write_all(fd, payload)
            _copy_metadata(fd, st)
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        _unlink_quietly(tmp)
        raise _write_error(name, exc) from None
    return tmp


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _copy_metadata(fd: int, st: os.stat_result | None) -> None:
    """Give the temp file the original's mode and owner (a new file: the umask's default mode)."""
    if st is None:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        return
    os.fchmod(fd, stat.S_IMODE(st.st_mode))
    if hasattr(os, "fchown"):
        try:
            os.fchown(fd, st.st_uid, st.st_gid)
        except PermissionError:
            pass  # only root may give a file away; the file then belongs to whoever runs us
        # fchown clears setuid/setgid bits on Linux: set the mode once more
        os.fchmod(fd, stat.S_IMODE(st.st_mode))


def _make_backup(target: str, backup: str) -> None:
    """Keep the current content of ``target`` at ``backup`` (replacing an older backup)."""
    folder = os.path.dirname(target) or "."
    fd, tmp = tempfile.mkstemp(
        prefix=f".{os.path.basename(backup)[:80]}.{_host()}.{os.getpid()}.",
        suffix=TEMP_SUFFIX,
        dir=folder,
    )
    os.close(fd)
    os.unlink(tmp)
    try:
        try:
            os.link(target, tmp)  # the old inode survives the replace under the backup's name
        except OSError:
            shutil.copy2(target, tmp)  # file systems without hard links
        os.replace(tmp, backup)
    except OSError:
        _unlink_quietly(tmp)
        raise


def _fsync_dir(folder: str) -> None:
    # Makes the rename durable; some platforms cannot open or fsync a folder, which is fine.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _write_error(name: str, exc: OSError) -> InputError:
    if exc.errno == errno.ENOSPC:
        reason = "no space left on the device"
    elif exc.errno in (errno.EACCES, errno.EPERM):
        reason = "permission denied (the folder must be writable to replace a file safely)"
    elif exc.errno == errno.EROFS:
        reason = "read-only file system"
    else:
        reason = exc.strerror or str(exc)
    return InputError(
        problems=[Problem(name, 0, 0, f"cannot write: {reason}; the file is unchanged")]
    )


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", socket.gethostname())[:32] or "host"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def sweep_stale_temps(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove temp files that a killed mtnorm on this host left in ``folder``; return them.

    Only files named by :func:`atomic_write` whose process is gone are removed, so a concurrent
    run's temp files are safe. The originals they were meant to replace are intact.
    """
    removed: list[Path] = []
    host = _host()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        m = _TEMP_RE.match(entry.name)
        if m is None or m["host"] != host or not entry.is_file(follow_symlinks=False):
            continue
        pid = int(m["pid"])
        if pid != os.getpid() and not _pid_alive(pid):
            _unlink_quietly(entry.path)
            removed.append(Path(entry.path))
    return removed
