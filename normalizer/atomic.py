"""Rewriting files without ever losing a byte (re-exported by :mod:`normalizer.fileio`).

:func:`atomic_write` replaces a file the way editors and ``sed -i`` should: a temporary file in
the same folder, ``fsync``, ``os.replace``, ``fsync`` of the folder. :func:`atomic_writer` does
the same for text written piece by piece (a huge file streamed in place). A crash or ``SIGKILL``
at any point leaves either the old or the new content, never a mix; :func:`sweep_stale_temps`
removes what a killed run left.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import socket
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import InputError, Problem

__all__ = ["TEMP_SUFFIX", "TempWriter", "atomic_write", "atomic_writer", "sweep_stale_temps"]

TEMP_SUFFIX = ".mtnorm-tmp"
# ".<name>.<host>.<pid>.<random>.mtnorm-tmp": hidden (discovery skips it), and the host and pid let
# a later run tell a temp file left by a killed process from one a live process is writing.
_TEMP_RE = re.compile(
    r"^\.(?P<name>.*)\.(?P<host>[^.]*)\.(?P<pid>\d+)\.[^.]+" + re.escape(TEMP_SUFFIX) + "$"
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
    payload = _encode(name, data)  # refused before anything is touched
    with atomic_writer(name, backup_suffix=backup_suffix) as out:
        out.write_bytes(payload)


@contextlib.contextmanager
def atomic_writer(
    path: str | os.PathLike[str], *, backup_suffix: str | None = None
) -> Iterator[TempWriter]:
    """:func:`atomic_write` for text produced piece by piece (a huge file streamed in place).

    Yields a writer whose ``write(str)`` goes, as UTF-8, to the temporary file; ``path`` is
    replaced only when the ``with`` block ends normally. If the block raises (the engine
    failed, the input turned out not to be UTF-8, the run was interrupted), the temporary file
    is removed, the original is untouched and the exception propagates; a failed write raises
    the same :class:`InputError` as :func:`atomic_write`. Same checks, permissions and backup.
    """
    name = os.fspath(path)
    target, st = _target(name)
    fd, tmp = _open_temp(name, target)
    try:
        try:
            out = TempWriter(fd, name)
            yield out
            out.flush()
            _copy_metadata(fd, st)
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        _unlink_quietly(tmp)
        raise _write_error(name, exc) from None
    except BaseException:
        _unlink_quietly(tmp)
        raise
    _commit(name, target, tmp, st, backup_suffix)


class TempWriter:
    """Text to an open temporary file as UTF-8, in blocks of about 1 MB (see atomic_writer)."""

    _BLOCK = 1 << 20

    def __init__(self, fd: int, name: str) -> None:
        self._fd, self._name = fd, name
        self._parts: list[bytes] = []
        self._size = 0

    def write(self, s: str) -> int:
        self.write_bytes(_encode(self._name, s))
        return len(s)

    def write_bytes(self, data: bytes) -> None:
        self._parts.append(data)
        self._size += len(data)
        if self._size >= self._BLOCK:
            self.flush()

    def flush(self) -> None:
        if self._parts:
            try:
                _write_all(self._fd, b"".join(self._parts))
            except OSError as exc:
                raise _write_error(self._name, exc) from None
            self._parts, self._size = [], 0


def _encode(name: str, data: str) -> bytes:
    try:
        return data.encode("utf-8")
    except UnicodeEncodeError as exc:  # lone surrogates: not text we can store as UTF-8
        raise InputError(
            problems=[Problem(name, 0, 0, f"cannot write: not encodable as UTF-8 ({exc.reason})")]
        ) from None


def _target(name: str) -> tuple[str, os.stat_result | None]:
    """The real file behind ``name`` and its stat (None for a new file); refuses read-only."""
    target = os.path.realpath(name)  # rewrite a symlink's target, keep the link
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
    return target, st


def _commit(
    name: str, target: str, tmp: str, st: os.stat_result | None, backup_suffix: str | None
) -> None:
    """Rename the synced temp file over ``target`` (keeping a backup if asked); sync the folder."""
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


def _open_temp(name: str, target: str) -> tuple[int, str]:
    """A new hidden temp file next to ``target``, named so a later run can sweep it."""
    folder = os.path.dirname(target) or "."
    base = os.path.basename(target)[:80]  # keep the temp name under NAME_MAX
    prefix = f".{base}.{_host()}.{os.getpid()}."
    try:
        return tempfile.mkstemp(prefix=prefix, suffix=TEMP_SUFFIX, dir=folder)
    except OSError as exc:
        raise _write_error(name, exc) from None


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
