"""Scorers for suspect spans. See :mod:`normalizer.scoring.base`."""

from .base import Scorer, SpanInContext, StaticScorer

__all__ = ["Scorer", "SpanInContext", "StaticScorer"]
