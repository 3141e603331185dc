"""mtnorm glossary-only against the issue's ahocorasick_rs recipe, as CPU time, rounds alternating.

``bench/throughput.py`` times each engine's rounds back to back by the wall clock, which on a
shared, loaded machine moves by 30% or more between rows. This script alternates the recipe and
mtnorm round by round in one process and measures CPU time (``time.process_time``), so the ratio
is steadier. ``--root`` imports ``normalizer`` (and the bench helpers) from another checkout, e.g.
an older commit unpacked with ``git archive <commit> normalizer bench | tar -x -C /tmp/old``:

    python bench/glossary_ratio.py --sizes 10000 100000
    python bench/glossary_ratio.py --root /tmp/old --sizes 10000
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--mb", type=float, default=3.0)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    sys.path.insert(0, str(args.root.resolve()))
    import normalizer
    from bench.corpus import Spec, corpus, glossary_entries
    from bench.throughput import Mtnorm, Recipe, chunks_of

    text = corpus(Spec(args.mb)).read_text("utf-8")
    chunks = chunks_of(text)
    mb = len(text.encode()) / 1e6
    where = Path(normalizer.__file__).parent
    print(f"normalizer from {where}; {mb:.1f} MB in {len(chunks)} pieces")
    for size in args.sizes:
        pairs = glossary_entries(size)
        recipe, mtnorm = Recipe(pairs), Mtnorm(pairs)
        mtnorm.replace(chunks[0][:10_000])  # first-use work (lazy imports, caches) not timed
        times: dict[str, list[float]] = {"recipe": [], "mtnorm": []}
        for _ in range(args.rounds):
            for name, engine in (("recipe", recipe), ("mtnorm", mtnorm)):
                started = time.process_time()
                for c in chunks:
                    engine.replace(c)
                times[name].append(time.process_time() - started)
        r, m = statistics.median(times["recipe"]), statistics.median(times["mtnorm"])
        print(
            f"{size:>7,} entries: recipe {r / mb * 1000:.2f} ms/MB, mtnorm fix {m / mb * 1000:.2f}"
            f" ms/MB (CPU, median of {args.rounds}); mtnorm / recipe {r / m:.2f}x"
        )


if __name__ == "__main__":
    main()
