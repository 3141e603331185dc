"""Normalize on a Dask cluster: a ``dask.bag`` of texts or a dask DataFrame column.

The normalizer is pickled once on the client and shipped as bytes with a content token; each
worker process unpickles (compiles) it on its first partition and keeps it for every later one,
so a cluster pays the glossary compile once per worker, not once per partition. Needs the
``dask`` extra (``pip install 'mtnorm[dask]'``)::

    from dask.distributed import Client
    import dask.bag as db
    from normalizer import Normalizer
    from normalizer.dask import normalize_bag

    client = Client("tcp://scheduler:8786")
    n = Normalizer.from_config("config.yaml")
    reports = normalize_bag(db.read_text("s3://bucket/news/*.txt"), n).compute()
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .edits import Report

if TYPE_CHECKING:
    from .engine import Normalizer

__all__ = ["built_here", "normalize_bag", "normalize_column", "ship"]

_HINT = "Dask support needs the dask extra: pip install 'mtnorm[dask]'"
_LOCK = threading.Lock()
_CACHE: dict[str, Normalizer] = {}
_BUILT = [0]


@dataclass(frozen=True)
class Shipped:
    """A normalizer as tasks carry it: pickled bytes and their SHA-256 (the per-worker key)."""

    token: str
    data: bytes

    def get(self) -> Normalizer:
        """This process's normalizer for the token, unpickled (compiled) on first use."""
        with _LOCK:
            n = _CACHE.get(self.token)
            if n is None:
                n = _CACHE[self.token] = pickle.loads(self.data)
                _BUILT[0] += 1
            return n


def ship(normalizer: Normalizer) -> Shipped:
    """Pickle ``normalizer`` once for many tasks."""
    data = pickle.dumps(normalizer, protocol=pickle.HIGHEST_PROTOCOL)
    return Shipped(hashlib.sha256(data).hexdigest(), data)


def built_here() -> int:
    """How many normalizers this process has built from shipped bytes (for tests, monitoring)."""
    return _BUILT[0]


def _require() -> None:
    try:
        import dask  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(_HINT) from exc


def _partition(texts: Any, shipped: Shipped, check: bool) -> list[Report]:
    n = shipped.get()
    run = n.check if check else n.fix
    return [run(t) for t in texts]


def normalize_bag(bag: Any, normalizer: Normalizer | Shipped, *, check: bool = False) -> Any:
    """A bag of :class:`~normalizer.edits.Report` (``fix``, or ``check`` when asked), one per
    text, in order; ``.compute()`` gathers them, ``.map(lambda r: r.text)`` keeps the texts."""
    _require()
    shipped = normalizer if isinstance(normalizer, Shipped) else ship(normalizer)
    return bag.map_partitions(_partition, shipped, check)


def _frame(pdf: Any, column: str, shipped: Shipped, out: str, edits: str | None) -> Any:
    n = shipped.get()
    reports = [n.fix(t) if isinstance(t, str) else None for t in pdf[column]]
    result = pdf.assign(
        **{out: [r.text if r else t for r, t in zip(reports, pdf[column], strict=True)]}
    )
    if edits:
        result[edits] = [len(r.edits) if r else 0 for r in reports]
    return result


def normalize_column(
    df: Any,
    column: str,
    normalizer: Normalizer | Shipped,
    *,
    out: str | None = None,
    edits_column: str | None = "mtnorm_edits",
) -> Any:
    """``df`` with ``column`` fixed (into ``out``, default in place) and, unless None, a count
    of applied edits per row in ``edits_column``. Missing values pass through."""
    _require()
    shipped = normalizer if isinstance(normalizer, Shipped) else ship(normalizer)
    target = out or column
    meta = df._meta.assign(**{target: df._meta[column].astype(object)})
    if edits_column:
        meta[edits_column] = meta.index.to_series().astype("int64")
    return df.map_partitions(_frame, column, shipped, target, edits_column, meta=meta)
