"""Where ``Normalizer.fix`` with all default rules spends its time, per stage, on the corpus of
:mod:`bench.corpus` with a glossary of ``--entries`` entries (the all-rules rows of
``bench/throughput.py``).

CPU time of this process (``time.process_time``), so other load on the machine moves the
figures less than wall-clock time would. Prints, in ms per MB of UTF-8:

* the suspects stage alone (``find_suspects``): the near-miss index build, the first pass over
  the corpus (cold caches) and the best later pass;
* cleanup alone (fix rules, then warn rules, on fresh text objects);
* ``Normalizer.fix`` split into suspects, cleanup and the rest (glossary, engine), best pass.

    python bench/stage_costs.py                 # 3 MB, 10,000 entries
    python bench/stage_costs.py --mb 1 --rounds 2
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.corpus import Spec, corpus, glossary_entries  # noqa: E402
from bench.throughput import Mtnorm, chunks_of  # noqa: E402


def _fresh(text: str) -> str:
    """An equal text that is a new object (cleanup keeps facts about the last text it saw)."""
    return (text + " ")[:-1]


def _timed(acc: dict[str, float], key: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        t = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            acc[key] += time.process_time() - t

    return wrapped


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=3.0)
    ap.add_argument("--entries", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()

    from normalizer import cleanup
    from normalizer.suspects import find_suspects
    from normalizer.suspects_near import near_index

    chunks = chunks_of(corpus(Spec(args.mb)).read_text("utf-8"))
    mb = sum(len(c.encode()) for c in chunks) / 1e6
    pairs = glossary_entries(args.entries)
    entries = Mtnorm(pairs).n.entries
    print(f"corpus {mb:.1f} MB in {len(chunks)} chunks, {args.entries:,} entries; ms per MB")

    t = time.process_time()
    near_index(entries)
    print(f"  near-miss index build: {(time.process_time() - t) * 1000:,.0f} ms (once)")
    passes = []
    for _ in range(1 + args.rounds):
        t = time.process_time()
        for c in chunks:
            find_suspects(c, covered=[], entries=entries)
        passes.append((time.process_time() - t) / mb * 1000)
    print(f"  suspects alone: first pass {passes[0]:,.0f}, best later pass {min(passes[1:]):,.1f}")

    names = {
        level: [n for n, r in cleanup.RULES.items() if r.default == level]
        for level in ("fix", "warn")
    }
    best = float("inf")
    for _ in range(args.rounds):
        t = time.process_time()
        for c in chunks:
            text = _fresh(c)
            cleanup.run_cleanup(text, names["fix"], {})
            cleanup.run_cleanup(text, names["warn"], {})
        best = min(best, (time.process_time() - t) / mb * 1000)
    print(f"  cleanup alone (fix + warn rules): {best:,.1f}")

    n = Mtnorm(pairs, all_rules=True).n
    acc = {"suspects": 0.0, "cleanup": 0.0}
    n._suspects = _timed(acc, "suspects", n._suspects)  # type: ignore[method-assign]
    n._cleanup = _timed(acc, "cleanup", n._cleanup)  # type: ignore[method-assign]
    for c in chunks:
        n.fix(c)  # caches warm, as in the throughput table's median round
    rows = []
    for _ in range(args.rounds):
        acc.update(suspects=0.0, cleanup=0.0)
        t = time.process_time()
        for c in chunks:
            n.fix(_fresh(c))
        total = (time.process_time() - t) / mb * 1000
        rows.append((total, acc["suspects"] / mb * 1000, acc["cleanup"] / mb * 1000))
    total, susp, clean = min(rows)
    print(
        f"  Normalizer.fix, all default rules: {total:,.1f} ({1000 / total:.1f} MB/s): "
        f"suspects {susp:,.1f}, cleanup {clean:,.1f}, rest {total - susp - clean:,.1f}"
    )


if __name__ == "__main__":
    main()
