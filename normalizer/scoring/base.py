"""The scorer plug-in point: a Protocol, a registry, and a static test double.

A scorer looks at suspect spans only (never whole corpora) and says how likely each is an MT
artifact, and how plausible each candidate rendering is in its sentence. The engine works without
one; the transformer backends live in :mod:`normalizer.scoring.transformer` (``[model]`` extra).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

__all__ = ["Scorer", "SpanInContext", "StaticScorer"]


@dataclass(frozen=True, slots=True)
class SpanInContext:
    """A suspect span: ``sentence[start:end]`` is the span; ``previous`` is the sentence before."""

    sentence: str
    start: int
    end: int
    previous: str = ""

    @property
    def text(self) -> str:
        return self.sentence[self.start : self.end]


@runtime_checkable
class Scorer(Protocol):
    """What the engine needs from a language model."""

    name: str

    def artifact_scores(self, spans: Sequence[SpanInContext]) -> list[float]:
        """For each span, a score in [0, 1]: higher = more likely an artifact."""
        ...

    def rank_candidates(self, span: SpanInContext, candidates: Sequence[str]) -> list[float]:
        """For each candidate replacing the span, a score in [0, 1]: higher = more plausible."""
        ...


@dataclass(frozen=True)
class StaticScorer:
    """A deterministic scorer for tests: scores come from tables, keyed by case-folded text."""

    artifacts: Mapping[str, float] = field(default_factory=dict)
    candidates: Mapping[str, float] = field(default_factory=dict)
    default: float = 0.5
    name: str = "static"

    def artifact_scores(self, spans: Sequence[SpanInContext]) -> list[float]:
        return [self.artifacts.get(s.text.casefold(), self.default) for s in spans]

    def rank_candidates(self, span: SpanInContext, candidates: Sequence[str]) -> list[float]:
        return [self.candidates.get(c.casefold(), self.default) for c in candidates]
