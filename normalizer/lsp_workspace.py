"""The language server's view of a workspace: which config applies to a document, the Normalizer
built from it, and what to do when a glossary or config file changes.

No pygls here, so the lookup and reload rules are testable without a client. A reload that fails
keeps the last good Normalizer (documents keep their diagnostics) and returns the located problems,
which the server shows as diagnostics in the glossary or config file itself.
"""

from __future__ import annotations

import glob
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import MtnormError, Problem

__all__ = [
    "CONFIG_NAME",
    "LoadResult",
    "NormalizerCache",
    "config_glossary_paths",
    "find_config",
]

CONFIG_NAME = "config.yaml"

log = logging.getLogger(__name__)

# Builds a Normalizer from a config path (None: the packaged defaults), extra glossary files and
# the folder the lookup started from. The default calls ``Normalizer.from_config``; tests may pass
# their own.
Factory = Callable[[Path | None, Sequence[Path], Path | None], Any]


def find_config(folder: Path, root: Path | None = None) -> Path | None:
    """The nearest ``config.yaml`` in ``folder`` or a folder above it, as the CLI looks it up.

    ``root`` (the workspace root) is tried last when the walk finds nothing, so a document opened
    from outside the workspace still gets the workspace's config.
    """
    for candidate in (folder, *folder.parents):
        path = candidate / CONFIG_NAME
        if path.is_file():
            return path
    if root is not None and (root / CONFIG_NAME).is_file():
        return root / CONFIG_NAME
    return None


def config_glossary_paths(config: Path) -> list[Path]:
    """The glossary files a config names (its ``glossaries`` globs, relative to its folder).

    Used to know which files to watch and where "add to glossary" writes; an unreadable config
    gives no paths (the engine reports the config's own problem when it loads).
    """
    import yaml

    try:
        data = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []
    patterns = data.get("glossaries") if isinstance(data, dict) else None
    if isinstance(patterns, str):
        patterns = [patterns]
    out: list[Path] = []
    for pattern in patterns or ():
        if not isinstance(pattern, str):
            continue
        for hit in sorted(glob.glob(str(config.parent / pattern), recursive=True)):
            path = Path(hit).resolve()
            if path.is_file() and path not in out:
                out.append(path)
    return out


def _default_factory(config: Path | None, extra: Sequence[Path], start: Path | None) -> Any:
    from . import Normalizer

    glossaries = tuple(str(p) for p in extra)
    if config is None and start is not None:
        # Without ``start`` the engine would look from the editor's current folder, which has
        # nothing to do with the document; from the document's folder it finds no config (we
        # just looked) and falls back to the packaged defaults.
        return Normalizer.from_config(None, glossaries=glossaries, start=start)
    return Normalizer.from_config(config, glossaries=glossaries)


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What one (re)load of a config gave: the Normalizer in use and any problems found."""

    normalizer: Any | None
    problems: tuple[Problem, ...] = ()
    failed: bool = False


@dataclass
class _Slot:
    normalizer: Any | None = None
    problems: tuple[Problem, ...] = ()
    watched: frozenset[Path] = field(default_factory=frozenset)


class NormalizerCache:
    """One Normalizer per config file, built on first use and rebuilt when its files change.

    Thread-safe: documents are checked on worker threads while reloads happen on the event loop.
    """

    def __init__(
        self,
        root: Path | None = None,
        *,
        extra_glossaries: Iterable[Path] = (),
        factory: Factory | None = None,
    ) -> None:
        self.root = root
        self.extra_glossaries = tuple(extra_glossaries)
        self._factory: Factory = factory or _default_factory
        self._slots: dict[Path | None, _Slot] = {}
        self._lock = threading.RLock()

    def config_for(self, document: Path | None) -> Path | None:
        """The config that applies to a document (None: the engine's defaults)."""
        folder = document.parent if document is not None else self.root
        if folder is None:
            return None
        return find_config(folder, self.root)

    def get(self, document: Path | None) -> Any | None:
        """The Normalizer for a document, loading its config on first use (None: never loaded)."""
        config = self.config_for(document)
        with self._lock:  # held while building, so a warm-up and a first check build it once
            slot = self._slots.get(config)
            if slot is None:
                self.load(config, document.parent if document is not None else self.root)
                slot = self._slots[config]
            return slot.normalizer

    def load(self, config: Path | None, start: Path | None = None) -> LoadResult:
        """(Re)build the Normalizer of one config; on failure keep the last good one."""
        extra = [p for p in self.extra_glossaries if p.is_file()]
        start = start or self.root or Path.home()
        try:
            normalizer = self._factory(config, extra, start)
        except MtnormError as exc:
            problems = exc.problems or (Problem(str(config or ""), 0, 0, str(exc)),)
            return self._store(config, None, tuple(problems))
        except Exception as exc:  # an engine bug must not kill the editor session
            log.exception("building the normalizer failed")
            return self._store(config, None, (Problem(str(config or ""), 0, 0, repr(exc)),))
        return self._store(config, normalizer, ())

    def _store(
        self, config: Path | None, normalizer: Any, problems: tuple[Problem, ...]
    ) -> LoadResult:
        watched = set(self.extra_glossaries)
        if config is not None:
            watched.add(config.resolve())
            watched.update(config_glossary_paths(config))
        watched.update(Path(p.path).resolve() for p in problems if p.path)
        with self._lock:
            slot = self._slots.setdefault(config, _Slot())
            if normalizer is not None:
                slot.normalizer = normalizer
            slot.problems = problems
            slot.watched = frozenset(watched)
            return LoadResult(slot.normalizer, problems, failed=normalizer is None)

    def reload_all(self) -> dict[Path | None, LoadResult]:
        """Rebuild every Normalizer in use (a glossary or config changed)."""
        with self._lock:
            configs = list(self._slots)
        return {config: self.load(config) for config in configs}

    def problems(self) -> tuple[Problem, ...]:
        """Problems of the latest load of every config, for diagnostics in those files."""
        with self._lock:
            return tuple(p for slot in self._slots.values() for p in slot.problems)

    def is_watched(self, path: Path) -> bool:
        """Whether a change to ``path`` should reload: a config file, or a glossary in use."""
        path = path.resolve()
        if path.name == CONFIG_NAME:
            return True
        with self._lock:
            return any(path in slot.watched for slot in self._slots.values())

    def glossary_files(self, document: Path | None) -> list[Path]:
        """Glossary files of the config applying to a document (where "add to glossary" writes)."""
        config = self.config_for(document)
        return config_glossary_paths(config) if config is not None else []

    def glossaries(self, document: Path | None) -> tuple[Any, ...]:
        """The loaded ``Glossary`` values of a document's Normalizer, if the engine exposes them."""
        return tuple(getattr(self.get(document), "glossaries", ()) or ())
