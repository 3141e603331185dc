"""Compiled ``regex`` patterns kept between runs of the command line.

Compiling a pattern with the ``regex`` module is slow (~0.2-0.4 ms: its parser is Python), and a
small ``mtnorm`` run compiles the same glossary patterns and context phrases every time. The
``regex`` module pickles a compiled pattern *with its compiled code* (its own ``copyreg``
support: unpickling calls ``_regex.compile`` directly, ~5 us), so the command line keeps the
patterns it compiled in the cache directory (:mod:`normalizer.cache`, private and atomic like
the glossary entries), keyed by the ``regex`` and Python versions.

Only a process that calls :func:`enable` (``mtnorm``) reads or writes the store; elsewhere
:func:`compile` is :func:`regex.compile`. Patterns are kept pickled and unpickled when first
asked for, so a large store costs one read. Locale-dependent patterns are never stored.
"""

from __future__ import annotations

import pickle
from typing import Any

import regex

__all__ = ["MAX_PATTERNS", "compile", "enable", "save"]

#: patterns kept; past this, a save keeps only the ones this run used
MAX_PATTERNS = 4000
_FORMAT = 1

_enabled = False
_stored: dict[tuple[str, int], bytes] | None = None  # from the cache file, still pickled
_used: dict[tuple[str, int], bytes] = {}  # what this run compiled or took from the store
_live: dict[tuple[str, int], Any] = {}  # compiled patterns of this process
_added = False


def enable() -> None:
    """Use and extend the store in this process (the command line does)."""
    global _enabled
    _enabled = True


def compile(pattern: str, flags: int = 0) -> regex.Pattern[str]:
    """``regex.compile(pattern, flags)``, from the store when an earlier run compiled it."""
    if not _enabled:
        return regex.compile(pattern, flags)
    key = (pattern, int(flags))
    found = _live.get(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    data = _store().get(key)
    compiled = _unpickle(data) if data is not None else None
    fresh = compiled is None
    if compiled is None:
        compiled = regex.compile(pattern, flags)
        data = None if compiled.flags & regex.LOCALE else _pickle(compiled)
    if data is not None:
        _remember(key, data, new=fresh)
    _live[key] = compiled
    return compiled


def save() -> None:
    """Write the store if this run compiled a pattern it did not hold."""
    global _added
    if not (_enabled and _added):
        return
    from .cache import store

    kept = {**_store(), **_used}
    if len(kept) > MAX_PATTERNS:
        kept = dict(list(_used.items())[-MAX_PATTERNS:])
    store("regex", _key(), (_FORMAT, kept))
    _added = False


def _remember(key: tuple[str, int], data: bytes, *, new: bool) -> None:
    global _added
    _used[key] = data
    _added = _added or new


def _pickle(compiled: regex.Pattern[str]) -> bytes | None:
    try:
        return pickle.dumps(compiled, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # a pattern the module cannot pickle is just not kept
        return None


def _unpickle(data: bytes) -> regex.Pattern[str] | None:
    try:
        compiled = pickle.loads(data)
    except Exception:
        return None
    return compiled if isinstance(compiled, regex.Pattern) else None


def _store() -> dict[tuple[str, int], bytes]:
    global _stored
    if _stored is None:
        _stored = {}
        from .cache import fetch

        got = fetch("regex", _key())
        if got is not None and isinstance(got[0], tuple) and len(got[0]) == 2:
            version, table = got[0]
            if version == _FORMAT and isinstance(table, dict):
                _stored = table
    return _stored


def _key() -> str:
    from .cache import content_key

    return content_key("regex", ("rxcache.py",), (str(regex.__version__),))
