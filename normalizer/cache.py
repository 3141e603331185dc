"""A cache of loaded glossaries, keyed by the files' contents, so a CLI run skips YAML parsing.

The key is a SHA-256 of the mtnorm version, the cache format and every glossary file's path and
bytes: editing a file, renaming it or upgrading mtnorm misses the cache. Entries are pickles,
which run code when loaded, so they are only ever read from the user's own cache directory:
the directory must be owned by the current user and not writable by group or others, and so must
each entry (checked on POSIX before reading). Entries are written atomically (temporary file,
``fsync``, ``os.replace``); an entry that does not load (truncated, corrupt, from another Python)
is ignored, deleted and rebuilt. Errors and warnings are never cached: a bad glossary is parsed
and reported every time.

Location: ``$MTNORM_CACHE_DIR``, else ``$XDG_CACHE_HOME/mtnorm``, else ``~/.cache/mtnorm``
(``%LOCALAPPDATA%\\mtnorm`` on Windows). ``MTNORM_CACHE_DIR=off`` disables the cache.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from .errors import Problem
from .glossary_model import Glossary

__all__ = ["FORMAT", "cache_dir", "cache_key", "load_glossaries_cached"]

FORMAT = 1


def _version() -> str:
    """mtnorm's version plus the loader's own files (a source checkout that changes how
    glossaries parse must miss the cache). ``importlib.metadata`` would cost ~50 ms here."""
    from . import __version__ as version

    here = Path(__file__).parent
    stamps = []
    for name in ("glossary.py", "glossary_model.py", "yamlpos.py", "patterns.py"):
        try:
            st = (here / name).stat()
            stamps.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            stamps.append(name)
    return f"{version} {' '.join(stamps)}"


def cache_dir() -> Path | None:
    """The cache directory (created private if missing), or None when disabled."""
    env = os.environ.get("MTNORM_CACHE_DIR")
    if env is not None and env.strip().lower() in ("", "off", "0", "none"):
        return None
    if env:
        base = Path(env)
    elif sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        base = Path(os.environ["LOCALAPPDATA"]) / "mtnorm"
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = (Path(xdg) if xdg else Path.home() / ".cache") / "mtnorm"
    try:
        base.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    return base if _private(base) else None


def _private(path: Path) -> bool:
    """Owned by us and not writable by anyone else (always true where there are no uids)."""
    if not hasattr(os, "getuid"):
        return True
    try:
        st = path.lstat()
    except OSError:
        return False
    if stat.S_ISLNK(st.st_mode):
        return False
    return st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def cache_key(paths: Sequence[str | Path]) -> str | None:
    """The content hash of ``paths`` (None if one cannot be read: the loader reports it)."""
    h = hashlib.sha256(f"mtnorm {_version()} format {FORMAT} py {sys.version_info[:2]}".encode())
    for p in paths:
        try:
            data = Path(p).read_bytes()
        except OSError:
            return None
        h.update(b"\0" + os.fsencode(str(p)) + b"\0" + len(data).to_bytes(8, "big") + data)
    return h.hexdigest()


def _read(entry: Path) -> tuple[list[Glossary], list[Problem]] | None:
    if not entry.exists() or not _private(entry):
        return None
    try:
        with entry.open("rb") as f:
            value = pickle.load(f)
        glossaries, warnings = value
        if not all(isinstance(g, Glossary) for g in glossaries):
            raise TypeError("not glossaries")
        return list(glossaries), list(warnings)
    except Exception:  # corrupt or foreign: drop it, the caller rebuilds
        entry.unlink(missing_ok=True)
        return None


def _write(entry: Path, value: object) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=entry.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, entry)
    except OSError:  # a full or read-only disk only costs the speed-up
        Path(tmp).unlink(missing_ok=True)


def load_glossaries_cached(
    paths: Iterable[str | Path], *, warnings: list[Problem] | None = None
) -> list[Glossary]:
    """:func:`normalizer.glossary.load_glossaries`, served from the cache when the files are
    unchanged. Raises :class:`~normalizer.errors.GlossaryError` exactly as the loader does."""
    from .glossary import load_glossaries

    paths = list(paths)
    base = cache_dir()
    key = cache_key(paths) if base is not None and paths else None
    entry = base / f"glossaries-{key}.pickle" if base is not None and key else None
    if entry is not None:
        hit = _read(entry)
        if hit is not None:
            if warnings is not None:
                warnings.extend(hit[1])
            return hit[0]
    found: list[Problem] = []
    glossaries = load_glossaries(paths, warnings=found)  # raises on errors: nothing is cached
    if entry is not None:
        _write(entry, (glossaries, found))
    if warnings is not None:
        warnings.extend(found)
    return glossaries
