"""Batch scaling: 1 vs 2 workers (threads and processes) over a generated corpus of files.

Usage::

    python bench/batch_scaling.py                  # 300 files of ~32 KB, the real engine
    python bench/batch_scaling.py --files 1000 --kb 8 --mode in-place --rounds 5
    python bench/batch_scaling.py --ignore suspect   # glossary and cleanup rules only
    python bench/batch_scaling.py --full-reports     # whole Reports back from the workers

The corpus is generated reproducibly (``--seed``) from wordfreq's English frequencies with
planted MT artifacts in mixed case («Newbie», "Companions of", "outlets..", ``&# 160;``). Each
configuration runs ``--rounds`` times over the same files, the configurations interleaved; the
median wall time is reported with the median of the per-round speed-ups against one worker.
Target (issue 3, goal 4): >= 1.7x from 1 to 2 workers on 2 cores. The processor is lean
(``make_processor(..., lean=True)``), as the command line's should be: results carry the fixed
text (fix mode) or the findings (check mode), not the input text (``--full-reports``: whole
Reports, to compare).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from normalizer.batch import discover, make_processor, run_batch  # noqa: E402

PLANTED = [
    "poisoned with «Newbie»",
    "poisoned with «NEWBIE»",
    "the «Sailor silence» detention center",
    "Companions of Navalny",
    "companions of Navalny",
    "a number of European media outlets..",
    "oligarchs&# 160;",
    "Navalny's «Newbie» case",
]


def make_corpus(folder: Path, files: int, kb: int, seed: int) -> int:
    """Write ``files`` files of about ``kb`` KB each under ``folder``; return the total bytes."""
    from wordfreq import top_n_list

    rng = random.Random(seed)
    words = top_n_list("en", 5000)
    weights = [1.0 / (rank + 1) for rank in range(len(words))]  # Zipf, as in running text
    total = 0
    for i in range(files):
        sub = folder / f"part{i % 10}"
        sub.mkdir(parents=True, exist_ok=True)
        lines, size = [], 0
        while size < kb * 1024:
            sentence = rng.choices(words, weights, k=rng.randint(8, 25))
            if rng.random() < 0.3:
                sentence.insert(rng.randrange(len(sentence)), rng.choice(PLANTED))
            line = " ".join(sentence).capitalize() + ".\n"
            lines.append(line)
            size += len(line.encode())
        data = "".join(lines)
        (sub / f"doc{i:05d}.txt").write_text(data, encoding="utf-8")
        total += len(data.encode())
    return total


def build_engine(args: argparse.Namespace) -> Any:
    """The real Normalizer with the shipped configuration, narrowed by --select/--ignore."""
    from normalizer import Normalizer

    select = args.select.split(",") if args.select else None
    ignore = args.ignore.split(",") if args.ignore else ()
    return Normalizer.from_config(select=select, ignore=ignore)


def _cpu() -> tuple[float, float]:
    """CPU seconds (user + system) of this process and of its finished children."""
    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def time_run(
    files: list[Path], process: Any, jobs: int, executor: str
) -> tuple[float, float, float]:
    """Wall seconds, main-process CPU seconds and worker-process CPU seconds of one run."""
    main0, kids0 = _cpu()
    start = time.perf_counter()
    results = list(run_batch(files, process, jobs=jobs, executor=executor))  # type: ignore[arg-type]
    elapsed = time.perf_counter() - start
    main1, kids1 = _cpu()
    errors = [r for r in results if r.status == "error"]
    if errors:
        raise SystemExit(f"{len(errors)} files failed, e.g. {errors[0].path}: {errors[0].error}")
    return elapsed, main1 - main0, kids1 - kids0


Row = tuple[str, float, float, float, float]


def measure(args: argparse.Namespace, folder: Path, total: int) -> list[Row]:
    """Per configuration: label, median seconds, median of the per-round speed-ups against 1
    worker, median main-process CPU and median worker-process CPU seconds.

    Rounds are interleaved (every configuration once per round) and each round's speed-up is
    taken against the 1-worker run of the same round, so a load change on a shared machine
    moves all configurations alike instead of favouring whichever ran in a quiet minute.
    """
    engine = build_engine(args)
    process = make_processor(engine, mode=args.mode, format_in="text", lean=not args.full_reports)
    files = discover([folder])
    configs = [
        ("1 worker", 1, "thread"),
        ("2 threads", 2, "thread"),
        ("2 processes", 2, "process"),
        ("2 auto", 2, "auto"),
    ]
    runs: dict[str, list[tuple[float, float, float]]] = {label: [] for label, _, _ in configs}
    for _ in range(args.rounds):
        for label, jobs, executor in configs:
            if args.mode == "in-place":  # every round must have the same writes to do
                make_corpus(folder, args.files, args.kb, args.seed)
            runs[label].append(time_run(files, process, jobs, executor))
    base = [r[0] for r in runs["1 worker"]]
    rows = []
    for label, _, _ in configs:
        wall = [r[0] for r in runs[label]]
        rows.append(
            (
                label,
                statistics.median(wall),
                statistics.median(b / t for b, t in zip(base, wall, strict=True)),
                statistics.median(r[1] for r in runs[label]),
                statistics.median(r[2] for r in runs[label]),
            )
        )
    return rows


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def machine_ceiling(rounds: int = 8, n: int = 2_000_000) -> float:
    """The speed-up 2 processes get on pure CPU work right now: the most any batch can get.

    On a shared or loaded machine this is well under 2x; read the batch rows against it.
    """
    from concurrent.futures import ProcessPoolExecutor

    start = time.perf_counter()
    for _ in range(rounds):
        _burn(n)
    serial = time.perf_counter() - start
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_burn, [1, 1]))  # start the workers before timing
        start = time.perf_counter()
        list(pool.map(_burn, [n] * rounds))
        parallel = time.perf_counter() - start
    return serial / parallel


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--files", type=int, default=300)
    p.add_argument("--kb", type=int, default=32, help="approximate size of each file")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--seed", type=int, default=20240601)
    p.add_argument("--mode", choices=["check", "fix", "in-place"], default="fix")
    p.add_argument("--select", help="rule ids or prefixes to run (comma-separated)")
    p.add_argument("--ignore", help="rule ids or prefixes to turn off, e.g. suspect")
    p.add_argument("--full-reports", action="store_true", help="not lean: whole Reports back")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mtnorm-batch-") as tmp:
        folder = Path(tmp)
        total = make_corpus(folder, args.files, args.kb, args.seed)
        before = machine_ceiling()
        rows = measure(args, folder, total)
    after = machine_ceiling()
    mb = total / 1e6
    print(
        f"batch scaling: {args.files} files, {mb:.1f} MB, mode {args.mode}, "
        f"{os.cpu_count()} CPUs, median of {args.rounds}, select={args.select or 'all'}, "
        f"ignore={args.ignore or 'none'}, {'full' if args.full_reports else 'lean'} reports, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"{'configuration':<14} {'seconds':>8} {'MB/s':>7} {'speed-up':>9} "
        f"{'main CPU s':>11} {'worker CPU s':>13}"
    )
    for label, secs, speedup, main_cpu, kids_cpu in rows:
        print(
            f"{label:<14} {secs:8.2f} {mb / secs:7.1f} {speedup:8.2f}x {main_cpu:11.2f} "
            f"{kids_cpu:13.2f}"
        )
    print("(speed-up: median over rounds of that round's 1-worker time / this configuration's)")
    serial = rows[0][3]
    procs = rows[2][3] + rows[2][4]
    print(
        f"CPU of 2 processes / CPU of 1 worker: {procs / serial:.3f} -> at most "
        f"{2 * serial / procs:.2f}x on 2 idle cores (CPU time moves less with load than wall time)"
    )
    print(f"machine ceiling (pure CPU, 2 processes vs 1): {before:.2f}x before, {after:.2f}x after")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
