"""Scorers for suspect spans. See :mod:`normalizer.scoring.base`.

``load_scorer`` (in :mod:`normalizer.scoring.loader`) builds a transformer scorer from local
files; it is exported lazily so that importing this package never imports torch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import Scorer, SpanInContext, StaticScorer

__all__ = ["Scorer", "SpanInContext", "StaticScorer", "load_scorer"]

if TYPE_CHECKING:
    from .loader import load_scorer


def __getattr__(name: str) -> Any:
    if name == "load_scorer":
        from .loader import load_scorer

        return load_scorer
    raise AttributeError(f"module 'normalizer.scoring' has no attribute {name!r}")
