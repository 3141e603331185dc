"""Peak memory of streaming a big file through ``Normalizer.fix_stream`` (goal: 2 GB < 400 MB).

Builds the input by repeating the benchmark corpus (:mod:`bench.corpus`) to ``--gb`` gigabytes,
as many lines or, with ``--one-line``, a single line; then runs the shipped config (glossary rules
only, or ``--all-rules``) over it in a child process and reports the child's peak RSS, time and
throughput.

    python bench/memory.py --gb 2            # the goal
    python bench/memory.py --gb 0.2 --one-line
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.corpus import Spec, cache_dir, corpus  # noqa: E402

CHILD = """
import sys, time
from pathlib import Path
from normalizer import Normalizer
select = sys.argv[3].split(",") if sys.argv[3] else None
n = Normalizer.from_config(Path(sys.argv[4]) / "config.yaml", select=select)
with open(sys.argv[1], encoding="utf-8", newline="") as r, \\
        open(sys.argv[2], "w", encoding="utf-8", newline="") as w:
    stats = n.fix_stream(r, w)
print(stats)
"""


def make_input(gb: float, one_line: bool) -> Path:
    """The repeated corpus, cached next to it."""
    path = cache_dir() / f"big-{gb:g}gb{'-oneline' if one_line else ''}.txt"
    if path.exists():
        return path
    block = corpus(Spec(20)).read_bytes()
    if one_line:
        block = block.replace(b"\n", b" ")
    target = int(gb * 1e9)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as f:
        written = 0
        while written < target:
            piece = block[: target - written]
            f.write(piece)
            written += len(piece)
    os.replace(tmp, path)
    return path


def _glossary_names() -> str:
    names = []
    for p in sorted((ROOT / "glossary").rglob("*.yaml")):
        for line in p.read_text("utf-8").splitlines():
            if line.startswith("name:"):
                names.append(line.split(":", 1)[1].strip())
                break
    return ",".join(names)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gb", type=float, default=2.0)
    ap.add_argument("--one-line", action="store_true")
    ap.add_argument("--all-rules", action="store_true")
    ap.add_argument("--keep-output", action="store_true")
    args = ap.parse_args()
    src = make_input(args.gb, args.one_line)
    out = src.with_suffix(".out")
    select = "" if args.all_rules else _glossary_names()
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(src), str(out), select, str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    dt = time.perf_counter() - t
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KB on Linux
    size = src.stat().st_size
    print(proc.stdout.strip() or proc.stderr[-2000:])
    print(
        f"input {size / 1e9:.2f} GB ({'one line' if args.one_line else 'many lines'}), "
        f"rules: {'default' if args.all_rules else 'glossary only'}: peak RSS {peak_mb:,.0f} MB, "
        f"{dt:,.1f} s, {size / 1e6 / dt:,.1f} MB/s"
    )
    if not args.keep_output:
        out.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
