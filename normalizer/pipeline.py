"""Pipeline API: normalize streams of texts, pandas Series and Hugging Face datasets.

One :class:`~normalizer.Normalizer` is built once and shared; it is thread-safe, so ``workers > 1``
runs a batch on threads (worth it when a model scorer releases the GIL; plain rules are cheap
either way). Results stream in input order and memory stays bounded by one batch.

>>> from normalizer.pipeline import normalize_many        # doctest: +SKIP
>>> [r.text for r in normalize_many(n, ["poisoned with «Newbie»"])]        # doctest: +SKIP
['poisoned with Novichok']
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Protocol

from .edits import Report

if TYPE_CHECKING:  # pandas is optional: only its users pay for it
    import pandas as pd

__all__ = ["Fixer", "batch_mapper", "normalize_many", "normalize_series"]


class Fixer(Protocol):
    """What the pipeline needs from the engine (``normalizer.Normalizer`` fits)."""

    def fix(self, text: str, source: str | None = None) -> Report: ...


def _pairs(
    texts: Iterable[str], sources: Iterable[str | None] | None
) -> Iterator[tuple[str, str | None]]:
    if sources is None:
        return ((t, None) for t in texts)
    # strict: a source list shorter or longer than the texts is a caller's mistake, not silence
    return iter(zip(texts, sources, strict=True))


def normalize_many(
    normalizer: Fixer,
    texts: Iterable[str],
    batch_size: int = 64,
    *,
    sources: Iterable[str | None] | None = None,
    workers: int = 1,
) -> Iterator[Report]:
    """Fix every text (with its source text, if given), yielding reports in input order.

    The input is read lazily, ``batch_size`` texts at a time, so a generator over a huge file
    works in bounded memory; ``workers > 1`` fixes each batch on that many threads.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    pairs = _pairs(texts, sources)

    def one(pair: tuple[str, str | None]) -> Report:
        return normalizer.fix(pair[0], source=pair[1])

    if workers <= 1:
        for batch in iter(lambda: list(itertools.islice(pairs, batch_size)), []):
            yield from map(one, batch)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for batch in iter(lambda: list(itertools.islice(pairs, batch_size)), []):
            yield from pool.map(one, batch)


def normalize_series(
    normalizer: Fixer,
    series: pd.Series,
    *,
    sources: pd.Series | None = None,
    batch_size: int = 64,
    workers: int = 1,
) -> pd.Series:
    """The fixed texts of a pandas Series, same index and name; missing values stay missing."""
    import pandas as pd

    mask = series.notna()
    texts = series[mask].astype(str)
    src = None if sources is None else sources[mask].astype(str)
    reports = normalize_many(normalizer, texts, batch_size, sources=src, workers=workers)
    fixed = [r.text for r in reports]
    out = series.copy().astype(object)
    out[mask] = fixed
    return pd.Series(out, index=series.index, name=series.name)


def batch_mapper(
    normalizer: Fixer,
    column: str = "text",
    *,
    output: str | None = None,
    source_column: str | None = None,
    with_counts: bool = False,
) -> Callable[[Mapping[str, list[Any]]], dict[str, list[Any]]]:
    """A function for ``datasets.Dataset.map(..., batched=True)``: fixes ``column`` of a batch.

    The fixed text goes to ``output`` (default: ``column`` itself); ``with_counts`` adds
    ``mtnorm_edits`` (edits applied per row), handy to filter or audit afterwards.
    """
    target = output or column

    def mapper(batch: Mapping[str, list[Any]]) -> dict[str, list[Any]]:
        sources = batch[source_column] if source_column else None
        reports = list(normalize_many(normalizer, batch[column], sources=sources))
        result: dict[str, list[Any]] = {target: [r.text for r in reports]}
        if with_counts:
            result["mtnorm_edits"] = [len(r.edits) for r in reports]
        return result

    return mapper
