"""Load time and scoring speed of the default model (or any model ``load_scorer`` accepts).

    python bench/model_speed.py                   # default model, bf16 where native, and fp32
    python bench/model_speed.py --convert         # also time the one-off GGUF conversion
    python bench/model_speed.py --model PATH --threads 1 2

Prints a Markdown table: import time, first conversion (fresh cache), cached load, and
sentences per second for artifact scoring (one suspect span per sentence, previous sentence as
context) and for ranking three candidates per span. Sentences come from the seed article.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from normalizer.scoring.base import SpanInContext  # noqa: E402


def spans(limit: int) -> list[SpanInContext]:
    """One span per sentence of the seed article: its last capitalized word, else its last word."""
    import regex

    text = (ROOT / "examples" / "navalny-mt.txt").read_text(encoding="utf-8")
    sentences = [s.strip() for s in regex.split(r"(?<=[.!?»])\s+|\n+", text) if len(s.split()) > 3]
    out: list[SpanInContext] = []
    prev = ""
    while len(out) < limit:
        for s in sentences:
            words = list(regex.finditer(r"\p{Lu}\w+", s)) or list(regex.finditer(r"\w+", s))
            m = words[-1]
            out.append(SpanInContext(s, m.start(), m.end(), prev))
            prev = s
            if len(out) == limit:
                break
    return out


def timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - started, result


def rank_all(scorer: Any, batch: list[SpanInContext]) -> None:
    for s in batch:
        scorer.rank_candidates(s, [s.text, "Novichok", "Vedomosti"])


def measure(model: str, dtype: str, threads: int, batch: list[SpanInContext]) -> list[Any]:
    """Cached load time, artifact scoring and ranking speed for one dtype and thread count."""
    from normalizer.scoring.loader import load_scorer

    t, scorer = timed(load_scorer, {"path": model, "dtype": dtype, "threads": threads})
    tag = f"{str(scorer.model.dtype).replace('torch.', '')}, {threads} thread(s)"
    rows = [(f"cached load ({tag})", f"{t:.2f} s")]
    scorer.artifact_scores(batch[:4])  # warm-up: first call allocates
    t, _ = timed(scorer.artifact_scores, batch)
    rows.append((f"artifact scoring ({tag})", f"{len(batch) / t:.1f} sentences/s"))
    t, _ = timed(rank_all, scorer, batch[:16])
    rows.append((f"ranking 3 candidates ({tag})", f"{16 / t:.1f} sentences/s"))
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default="default")
    ap.add_argument("--convert", action="store_true", help="time a first conversion too")
    ap.add_argument("--sentences", type=int, default=64)
    ap.add_argument("--threads", type=int, nargs="+", default=[1])
    ap.add_argument("--dtypes", nargs="+", default=["auto", "float32"])
    args = ap.parse_args()

    rows: list[tuple[str, str]] = []
    t, _ = timed(__import__, "transformers")
    import torch

    rows.append(("import torch + transformers", f"{t:.2f} s"))
    from normalizer.scoring.loader import load_scorer

    if args.convert:
        with tempfile.TemporaryDirectory() as tmp:
            saved = os.environ.get("MTNORM_CACHE_DIR")
            os.environ["MTNORM_CACHE_DIR"] = tmp
            t, _ = timed(load_scorer, args.model)
            rows.append(("first load (GGUF conversion, once)", f"{t:.1f} s"))
            if saved is None:
                os.environ.pop("MTNORM_CACHE_DIR")
            else:
                os.environ["MTNORM_CACHE_DIR"] = saved
    load_scorer(args.model)  # make sure the cache is warm before timing cached loads
    batch = spans(args.sentences)
    for dtype in args.dtypes:
        for threads in args.threads:
            rows += measure(args.model, dtype, threads, batch)
    print(f"model: {args.model}; torch {torch.__version__}; {os.cpu_count()} CPUs\n")
    print("| measure | value |\n| --- | --- |")
    for name, value in rows:
        print(f"| {name} | {value} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
