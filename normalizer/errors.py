"""Errors mtnorm raises for bad input.

::

    MtnormError                 anything the user can mend; the CLI prints it and exits 2
    ├── GlossaryError           one or more problems in glossary files (all of them, located)
    ├── ConfigError             a bad config.yaml or a bad option value
    ├── InputError              an input file that cannot be read or decoded
    └── ModelError              a model that cannot be found or loaded safely

Each problem is a :class:`Problem` with a path, a 1-based line and column, a message and, where
there is one, a mend ("did you mean 'context'?"). ``str(error)`` gives one problem a line in the
``path:line:col: message`` form that editors and CI annotate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "ConfigError",
    "GlossaryError",
    "InputError",
    "ModelError",
    "MtnormError",
    "Problem",
]


@dataclass(frozen=True, slots=True)
class Problem:
    """One located problem in a user's file."""

    path: str
    line: int
    column: int
    message: str
    severity: str = "error"  # "error" | "warning"

    def __str__(self) -> str:
        loc = self.path
        if self.line:
            loc += f":{self.line}:{self.column}"
        prefix = "" if self.severity == "error" else "warning: "
        return f"{loc}: {prefix}{self.message}"


class MtnormError(Exception):
    """Base class: a mistake the user can mend. The CLI prints it without a traceback."""

    def __init__(self, message: str = "", problems: Iterable[Problem] = ()) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not message:
            message = "\n".join(str(p) for p in self.problems)
        super().__init__(message)


class GlossaryError(MtnormError):
    """Glossary files that do not load: every problem of every file, located."""


class ConfigError(MtnormError):
    """A configuration file or option that cannot be used."""


class InputError(MtnormError):
    """An input that cannot be read: a missing file, invalid UTF-8, a directory for a file."""


class ModelError(MtnormError):
    """A model that is missing, unsafe to load, or whose extra is not installed."""
