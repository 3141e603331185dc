"""Which files a batch run processes: paths, folder trees and globs, minus excludes.

Excludes use ``.gitignore`` syntax (``pathspec``); ``.gitignore`` files in the tree and in the
enclosing repository are honoured; hidden files and folders are skipped.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pathspec (~10 ms) is imported where a pattern is first compiled
    from pathspec import GitIgnoreSpec

__all__ = ["discover"]


_GLOB_CHARS = frozenset("*?[")


def discover(
    paths: Iterable[str | os.PathLike[str]],
    *,
    exclude: Iterable[str] = (),
    respect_gitignore: bool = True,
) -> list[Path]:
    """The files to process: named files, folder trees and glob matches, each real file once.

    A named file is always kept (a missing one too: processing reports it). Folders are walked
    recursively and globs expanded (``**`` included); in both, hidden files and folders (``.git``)
    are skipped, and so are paths matching ``exclude`` (``.gitignore`` syntax, matched relative
    to the folder or glob prefix and to the current folder) or, with ``respect_gitignore``, the
    ``.gitignore`` files of the tree (and of its repository, up to the folder holding ``.git``).
    Order: the arguments' order; the files each one yields sorted by path.
    """
    exclude = list(exclude)
    user = None
    if exclude:
        from pathspec import GitIgnoreSpec

        user = GitIgnoreSpec.from_lines(exclude)
    rules = _Ignores(user, respect_gitignore)
    seen: set[str] = set()
    out: list[Path] = []
    for arg in paths:
        for path in _expand(os.fspath(arg), rules):
            key = os.path.realpath(path)
            if key not in seen:  # the same file twice would be two racing writers
                seen.add(key)
                out.append(path)
    return out


def _expand(arg: str, rules: _Ignores) -> list[Path]:
    p = Path(arg)
    if p.is_dir():
        return _walk(p, rules)
    if p.exists() or p.is_symlink() or not (_GLOB_CHARS & set(arg)):
        return [p]
    root = Path(_glob_prefix(arg))
    found: list[Path] = []
    for match in sorted(glob.glob(arg, recursive=True)):
        mp = Path(match)
        if rules.ignored_below(root, mp, mp.is_dir()):
            continue
        found.extend(_walk(mp, rules) if mp.is_dir() else [mp])
    return sorted(found, key=os.fspath) if len(found) > 1 else found


def _glob_prefix(pattern: str) -> str:
    """The folder part of a glob before its first wildcard ("docs/**/*.md" → "docs")."""
    parts = Path(pattern).parts
    literal = []
    for part in parts:
        if _GLOB_CHARS & set(part):
            break
        literal.append(part)
    return os.path.join(*literal) if literal else "."


def _walk(root: Path, rules: _Ignores) -> list[Path]:
    """Files under ``root``, sorted, pruning hidden and ignored folders as it goes."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and not rules.ignored(root, here / d, True)
        )
        for name in files:
            if not name.startswith(".") and not rules.ignored(root, here / name, False):
                found.append(here / name)
    return sorted(found, key=os.fspath)


class _Ignores:
    """Decides whether a path is excluded by the user's patterns or by ``.gitignore`` files."""

    def __init__(self, user: GitIgnoreSpec | None, gitignore: bool) -> None:
        self._user = user
        self._gitignore = gitignore
        self._specs: dict[Path, GitIgnoreSpec | None] = {}
        self._repo_roots: dict[Path, Path | None] = {}

    def ignored(self, root: Path, path: Path, is_dir: bool) -> bool:
        """True when ``path`` (found under ``root``) is to be skipped."""
        if self._user is not None and self._user_excludes(root, path, is_dir):
            return True
        return self._gitignore and self._git_ignores(root, path, is_dir)

    def ignored_below(self, root: Path, path: Path, is_dir: bool) -> bool:
        """Like :meth:`ignored`, also checking each folder between ``root`` and ``path``."""
        try:
            rel = path.relative_to(root)
        except ValueError:
            return self.ignored(root, path, is_dir)
        cur = root
        for part in rel.parts[:-1]:
            cur = cur / part
            if self.ignored(root, cur, True):
                return True
        return self.ignored(root, path, is_dir)

    def _user_excludes(self, root: Path, path: Path, is_dir: bool) -> bool:
        assert self._user is not None
        slash = "/" if is_dir else ""
        views = {os.path.relpath(path, root), os.fspath(path)}
        return any(self._user.match_file(v.replace(os.sep, "/") + slash) for v in views)

    def _git_ignores(self, root: Path, path: Path, is_dir: bool) -> bool:
        # The deepest .gitignore with an opinion decides, as in git; folders above the walk's
        # root count only inside a repository.
        absolute = Path(os.path.abspath(path))
        top = self._repo_root(Path(os.path.abspath(root))) or Path(os.path.abspath(root))
        folder = absolute.parent
        while True:
            spec = self._spec(folder)
            if spec is not None:
                rel = absolute.relative_to(folder).as_posix() + ("/" if is_dir else "")
                decision = spec.check_file(rel).include
                if decision is not None:
                    return bool(decision)
            if folder == top or folder == folder.parent:
                return False
            folder = folder.parent

    def _spec(self, folder: Path) -> GitIgnoreSpec | None:
        if folder not in self._specs:
            try:
                lines = (folder / ".gitignore").read_text(encoding="utf-8", errors="replace")
            except OSError:
                self._specs[folder] = None
            else:
                from pathspec import GitIgnoreSpec

                self._specs[folder] = GitIgnoreSpec.from_lines(lines.splitlines())
        return self._specs[folder]

    def _repo_root(self, start: Path) -> Path | None:
        if start not in self._repo_roots:
            found = None
            for folder in (start, *start.parents):
                if (folder / ".git").exists():
                    found = folder
                    break
            self._repo_roots[start] = found
        return self._repo_roots[start]
