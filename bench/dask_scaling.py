"""Scaling past one core: threads (does the scan release the GIL?) and Dask worker processes.

1. The raw ``ahocorasick_rs`` scan and ``Normalizer.fix`` (glossary only) over N texts of
   ``--kb`` KB, with 1 and 2 threads: the speed-up shows how much of the work runs without the
   GIL.
2. :func:`normalizer.dask.normalize_bag` on a ``LocalCluster`` with 1 and then 2 worker
   processes (one thread each), same texts.

    python bench/dask_scaling.py --mb 40 --glossary 10000
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.corpus import Spec, corpus, glossary_entries  # noqa: E402
from bench.throughput import Mtnorm, chunks_of  # noqa: E402


def _threads(fn, texts: list[str], n: int) -> float:
    t = time.perf_counter()
    if n == 1:
        for x in texts:
            fn(x)
    else:
        with ThreadPoolExecutor(n) as pool:
            list(pool.map(fn, texts))
    return time.perf_counter() - t


def _dask(normalizer, texts: list[str], workers: int) -> float:
    import dask.bag as db
    from distributed import Client, LocalCluster

    from normalizer.dask import normalize_bag

    with (
        LocalCluster(
            n_workers=workers, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        Client(cluster),
    ):
        bag = db.from_sequence(texts, npartitions=len(texts))
        normalize_bag(db.from_sequence(texts[:workers], npartitions=workers), normalizer).compute()
        t = time.perf_counter()  # after a warm-up that built one normalizer per worker
        normalize_bag(bag, normalizer).map(lambda r: len(r.text)).sum().compute()
        return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=40.0)
    ap.add_argument("--kb", type=int, default=1024, help="size of each text")
    ap.add_argument("--glossary", type=int, default=10_000)
    ap.add_argument("--no-dask", action="store_true")
    args = ap.parse_args()
    text = corpus(Spec(20)).read_text("utf-8")
    texts = chunks_of(text, args.kb * 1024)
    while sum(map(len, texts)) < args.mb * 1e6:
        texts += texts
    mb = sum(len(t.encode()) for t in texts) / 1e6
    m = Mtnorm(glossary_entries(args.glossary))
    finder = m.n._matcher._finder
    hay = [t.encode() for t in texts]
    scan = finder._ac.find_matches_as_indexes
    print(f"{len(texts)} texts, {mb:.0f} MB, glossary {args.glossary:,} entries")
    for label, fn, items in (
        ("ahocorasick_rs scan", lambda b: scan(b, overlapping=True), hay),
        ("Normalizer.fix (glossary only)", m.n.fix, texts),
    ):
        one, two = _threads(fn, items, 1), _threads(fn, items, 2)
        print(
            f"{label}: 1 thread {mb / one:.1f} MB/s, 2 threads {mb / two:.1f} MB/s, "
            f"speed-up {one / two:.2f}x",
            flush=True,
        )
    if not args.no_dask:
        one, two = _dask(m.n, texts, 1), _dask(m.n, texts, 2)
        print(
            f"dask normalize_bag: 1 worker {mb / one:.1f} MB/s, 2 workers {mb / two:.1f} MB/s, "
            f"speed-up {one / two:.2f}x"
        )


if __name__ == "__main__":
    main()
