"""A cache of what a CLI run would otherwise recompute from unchanged files: loaded glossaries
(no YAML parsing), the parsed config.yaml, and small tables derived from installed libraries.

Keys are SHA-256 hashes of the mtnorm version, the cache format, the Python version, the
relevant loader's own files, and every input file's path and bytes: editing a file, renaming it
or upgrading mtnorm misses the cache. Entries are pickles, which run code when loaded, so they
are only ever read from the user's own cache directory: the directory must be owned by the
current user and not writable by group or others, and so must each entry (checked on POSIX
before reading). Entries are written atomically (temporary file, ``fsync``, ``os.replace``); an
entry that does not load (truncated, corrupt, from another Python) is ignored, deleted and
rebuilt. Errors and warnings are never cached: a bad glossary is parsed and reported every time.

Hygiene: a hit marks its entry as used (its modification time, updated at most once a day);
writing a new entry removes entries of the same kind unused for :data:`MAX_AGE_DAYS` days and
all but the :data:`KEEP` most recently used ones, and temporary files left by killed writers.

Location: ``$MTNORM_CACHE_DIR``, else ``$XDG_CACHE_HOME/mtnorm``, else ``~/.cache/mtnorm``
(``%LOCALAPPDATA%\\mtnorm`` on Windows). ``MTNORM_CACHE_DIR=off`` disables the cache.
"""

from __future__ import annotations

import importlib
import os
import pickle
import stat
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from .errors import Problem
from .glossary_model import Glossary

__all__ = [
    "FORMAT",
    "KEEP",
    "MAX_AGE_DAYS",
    "cache_dir",
    "cache_key",
    "content_key",
    "fetch",
    "load_glossaries_cached",
    "memo",
    "module_stamp",
    "prune",
    "store",
]

T = TypeVar("T")

FORMAT = 2
#: entries of one kind kept when a new one is written (the most recently used ones)
KEEP = 16
#: entries not used for this many days are removed when a new one is written
MAX_AGE_DAYS = 30
_DAY = 86400.0
_TEMP_AGE = 3600.0  # a temporary file this old belongs to a writer that died
_GLOSSARY_LOADER = ("glossary.py", "glossary_model.py", "yamlpos.py", "patterns.py")


def _version(loader: Sequence[str] = _GLOSSARY_LOADER) -> str:
    """mtnorm's version plus the loader's own files (a source checkout that changes how its
    inputs parse must miss the cache). ``importlib.metadata`` would cost ~50 ms here."""
    from . import __version__ as version

    here = Path(__file__).parent
    stamps = []
    for name in loader:
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


def _private(path: Path, st: os.stat_result | None = None) -> bool:
    """Owned by us and not writable by anyone else (always true where there are no uids)."""
    if not hasattr(os, "getuid"):
        return True
    if st is None:
        try:
            st = path.lstat()
        except OSError:
            return False
    if stat.S_ISLNK(st.st_mode):
        return False
    return st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _sha256() -> Callable[[bytes], Any]:
    """SHA-256 from CPython's built-in module: importing :mod:`hashlib` loads OpenSSL (~3 ms
    of a CLI run) for the same digests."""
    for name in ("_sha2", "_sha256"):  # Python 3.12+, 3.11
        try:
            return importlib.import_module(name).sha256  # type: ignore[no-any-return]
        except (ImportError, AttributeError):
            continue
    import hashlib

    return hashlib.sha256


def _hash(head: str, parts: Iterable[bytes]) -> str:
    h = _sha256()(f"{head} format {FORMAT} py {sys.version_info[:2]}".encode())
    for part in parts:
        h.update(b"\0" + len(part).to_bytes(8, "big") + part)
    return h.hexdigest()


def cache_key(paths: Sequence[str | Path]) -> str | None:
    """The content hash of ``paths`` (None if one cannot be read: the loader reports it)."""
    parts = []
    for p in paths:
        try:
            data = Path(p).read_bytes()
        except OSError:
            return None
        parts += [os.fsencode(str(p)), data]
    return _hash(f"mtnorm {_version()}", parts)


def module_stamp(package: str, *files: str) -> str | None:
    """Size and time of ``files`` inside an installed ``package``, found without importing it
    (an upgrade changes them); None when the package is not installed."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent
    stamps = []
    for name in files:
        try:
            st = (folder / name).stat()
        except OSError:
            return None
        stamps.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return f"{package} {' '.join(stamps)}"


# -- entries ----------------------------------------------------------------------------------


def _load(entry: Path) -> tuple[Any] | None:
    """The pickled value of ``entry`` as a 1-tuple, None if missing, foreign or unreadable
    (then deleted). A hit refreshes the entry's time, so pruning can tell what is in use."""
    try:
        st = entry.lstat()
    except OSError:
        return None
    if not _private(entry, st):
        return None
    try:
        with entry.open("rb") as f:
            value = pickle.load(f)
    except Exception:  # corrupt or foreign: drop it, the caller rebuilds
        entry.unlink(missing_ok=True)
        return None
    if time.time() - st.st_mtime > _DAY:
        try:
            os.utime(entry)
        except OSError:
            pass
    return (value,)


def _read(entry: Path) -> tuple[list[Glossary], list[Problem]] | None:
    """A glossary entry: (glossaries, warnings), or None (a wrong value is deleted)."""
    got = _load(entry)
    if got is None:
        return None
    try:
        glossaries, warnings = got[0]
        if not all(isinstance(g, Glossary) for g in glossaries):
            raise TypeError("not glossaries")
        return list(glossaries), list(warnings)
    except (TypeError, ValueError):
        entry.unlink(missing_ok=True)
        return None


def _write(entry: Path, value: object) -> None:
    """Write ``entry`` atomically, then prune the entries of its kind."""
    import tempfile

    try:
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=entry.parent)
    except OSError:  # a full or read-only disk only costs the speed-up
        return
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, entry)
    except Exception:  # a full disk, an unpicklable value: only the speed-up is lost
        Path(tmp).unlink(missing_ok=True)
        return
    prune(entry.parent, entry.name.rsplit("-", 1)[0] + "-", keep=entry)


def prune(
    base: Path,
    prefix: str,
    *,
    keep: Path | None = None,
    keep_count: int | None = None,
    max_age_days: float | None = None,
    now: float | None = None,
) -> list[Path]:
    """Remove ``prefix*.pickle`` entries of ``base`` unused for ``max_age_days`` (default
    :data:`MAX_AGE_DAYS`) and all but the ``keep_count`` (default :data:`KEEP`) most recently
    used, never ``keep``; also temporary files older than an hour. Returns what was removed."""
    count = KEEP if keep_count is None else keep_count
    days = MAX_AGE_DAYS if max_age_days is None else max_age_days
    now = time.time() if now is None else now
    entries: list[tuple[float, Path]] = []
    removed: list[Path] = []
    try:
        names = os.listdir(base)
    except OSError:
        return removed
    for name in names:
        is_temp = name.startswith(".tmp-")
        if not is_temp and not (name.startswith(prefix) and name.endswith(".pickle")):
            continue
        path = base / name
        try:
            mtime = path.lstat().st_mtime
        except OSError:
            continue
        if is_temp:
            if mtime < now - _TEMP_AGE:
                _unlink(path, removed)
        elif path != keep:
            entries.append((mtime, path))
    entries.sort(reverse=True)
    room = count - (1 if keep is not None else 0)
    for i, (mtime, path) in enumerate(entries):
        if i >= room or mtime < now - _DAY * days:
            _unlink(path, removed)
    return removed


def _unlink(path: Path, removed: list[Path]) -> None:
    try:
        path.unlink()
        removed.append(path)
    except OSError:
        pass


def fetch(kind: str, key: str) -> tuple[Any] | None:
    """The value stored for ``kind`` and ``key`` as a 1-tuple, or None (no cache, no entry)."""
    base = cache_dir()
    return _load(base / f"{kind}-{key}.pickle") if base is not None else None


def store(kind: str, key: str, value: object) -> None:
    """Keep ``value`` for :func:`fetch` (atomically; the entries of ``kind`` are pruned)."""
    base = cache_dir()
    if base is not None:
        _write(base / f"{kind}-{key}.pickle", value)


def memo(
    kind: str,
    key: str,
    build: Callable[[], T],
    *,
    valid: Callable[[Any], bool],
) -> T:
    """``build()``, or the value an earlier run built for the same ``kind`` and ``key`` (a hash
    of everything the value depends on). A cached value failing ``valid`` is rebuilt; an
    exception from ``build`` propagates and nothing is cached."""
    base = cache_dir()
    entry = base / f"{kind}-{key}.pickle" if base is not None else None
    if entry is not None:
        got = _load(entry)
        if got is not None:
            if valid(got[0]):
                return got[0]  # type: ignore[no-any-return]
            entry.unlink(missing_ok=True)
    value = build()
    if entry is not None:
        _write(entry, value)
    return value


def content_key(kind: str, loader: Sequence[str], parts: Iterable[str | bytes]) -> str:
    """A :func:`memo` key: mtnorm's and the ``loader`` files' versions plus ``parts``."""
    data = (p.encode("utf-8", "surrogatepass") if isinstance(p, str) else p for p in parts)
    return _hash(f"mtnorm {kind} {_version(loader)}", data)


def load_glossaries_cached(
    paths: Iterable[str | Path], *, warnings: list[Problem] | None = None
) -> list[Glossary]:
    """:func:`normalizer.glossary.load_glossaries`, served from the cache when the files are
    unchanged. Raises :class:`~normalizer.errors.GlossaryError` exactly as the loader does."""
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
    from .glossary import load_glossaries

    found: list[Problem] = []
    glossaries = load_glossaries(paths, warnings=found)  # raises on errors: nothing is cached
    if entry is not None:
        _write(entry, (glossaries, found))
    if warnings is not None:
        warnings.extend(found)
    return glossaries
