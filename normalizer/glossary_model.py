"""Glossary values: what a loaded glossary file is. Loading and validation live in glossary.py."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Context", "Entry", "Example", "Glossary", "Location"]


@dataclass(frozen=True, slots=True)
class Location:
    path: str
    line: int  # 1-based
    column: int  # 1-based


@dataclass(frozen=True, slots=True)
class Context:
    """Replace only where one of ``near`` is within ``window`` words (None: the same sentence)
    and none of ``not_near`` is."""

    near: tuple[str, ...] = ()
    not_near: tuple[str, ...] = ()
    window: int | None = None


@dataclass(frozen=True, slots=True)
class Example:
    input: str
    output: str
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """One glossary entry. ``rule_id`` is ``<glossary name>/<id>``."""

    term: str
    id: str
    glossary: str
    variants: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    context: Context | None = None
    case: str = "match"  # "fixed" | "match"
    unquote: bool = True
    action: str = "fix"  # "fix" | "suggest"
    note: str = ""
    examples: tuple[Example, ...] = ()
    location: Location | None = None

    @property
    def rule_id(self) -> str:
        return f"{self.glossary}/{self.id}"


@dataclass(frozen=True, slots=True)
class Glossary:
    name: str
    entries: tuple[Entry, ...]
    path: str = "<memory>"
    source_language: str = ""
    target_language: str = ""
    description: str = ""
