"""Peak memory of normalizing a big file in bounded memory (goal: 2 GB < 400 MB).

Builds the input by repeating the benchmark corpus (:mod:`bench.corpus`) to ``--gb`` gigabytes,
as many lines or, with ``--one-line``, a single line; then runs the shipped config (glossary rules
only, or ``--all-rules``) over it in a child process and reports the child's peak RSS, time and
throughput. ``--mode``: ``stream`` calls ``Normalizer.fix_stream`` (the library);
``in-place`` runs ``mtnorm fix --in-place`` on a copy of the input in a fresh folder under the
temp dir (deleted afterwards) with a line of shipped-glossary variants every 64 KB, so it is
really rewritten (the batch path streams files of 32 MiB or more into the atomic temp file);
``check`` runs ``mtnorm check --format json`` on such a copy (output to /dev/null; findings
are held until printed, so this one grows with their number).

    python bench/memory.py --gb 2            # the goal
    python bench/memory.py --gb 1 --mode in-place
    python bench/memory.py --gb 0.2 --one-line
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
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
    ap.add_argument("--keep-output", action="store_true", help="stream mode: keep the output")
    ap.add_argument("--mode", choices=["stream", "in-place", "check"], default="stream")
    ap.add_argument("--ignore", help="in-place/check: rule ids to turn off (with --all-rules)")
    ap.add_argument(
        "--verify",
        action="store_true",
        help="in-place: compare the file with `mtnorm fix -` of the same input read whole "
        "(after the measurement; that run needs several times the input in memory)",
    )
    args = ap.parse_args()
    src = make_input(args.gb, args.one_line)
    out = src.with_suffix(".out")
    select = "" if args.all_rules else _glossary_names()
    if args.mode == "stream":
        t = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, str(src), str(out), select, str(ROOT)],
            capture_output=True,
            text=True,
            check=False,
        )
        dt = time.perf_counter() - t
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KB on Linux
    else:
        proc, dt, peak_mb = _run_cli(args, src, select)
    size = src.stat().st_size
    print(proc.stdout.strip() or proc.stderr[-2000:])
    rules = "default" if args.all_rules else "glossary only"
    rules += f" minus {args.ignore}" if args.ignore else ""
    print(
        f"{args.mode}: input {size / 1e9:.2f} GB "
        f"({'one line' if args.one_line else 'many lines'}), "
        f"rules: {rules}: peak RSS {peak_mb:,.0f} MB, "
        f"{dt:,.1f} s, {size / 1e6 / dt:,.1f} MB/s"
    )
    if not args.keep_output:
        out.unlink(missing_ok=True)


# variants of the shipped glossaries and cleanup artifacts (the corpus has none of them), so
# the in-place run really rewrites the file
PLANTED = "\nHe was poisoned with «Newbie», said companions of Navalny and media outlets..\n"


def _copy_planted(src: Path, dst: Path, every: int = 1 << 16) -> None:
    """Copy ``src`` to ``dst`` with a line of :data:`PLANTED` about every ``every`` bytes (at a
    line break, never inside a UTF-8 sequence)."""
    planted = PLANTED.encode("utf-8")
    with src.open("rb") as r, dst.open("wb") as w:
        rest = b""
        while block := r.read(every):
            block = rest + block
            cut = block.rfind(b"\n") + 1 or block.rfind(b" ") + 1 or len(block)
            w.write(block[:cut])
            w.write(planted)
            rest = block[cut:]
        w.write(rest)


def _run_cli(
    args: argparse.Namespace, src: Path, select: str
) -> tuple[subprocess.CompletedProcess[str], float, float]:
    """``mtnorm fix --in-place`` or ``mtnorm check`` on a planted copy of ``src`` (removed):
    the completed run, its seconds and its peak RSS in MB."""
    mode = args.mode
    folder = Path(tempfile.mkdtemp(prefix="mtnorm-memory-"))
    try:
        target = folder / "big.txt"
        _copy_planted(src, target)
        before = target.stat().st_size
        options = ["--config", str(ROOT / "config.yaml"), "--no-progress"]
        options += ["--select", select] if select else []
        options += ["--ignore", args.ignore] if args.ignore else []
        cmd = [sys.executable, "-m", "normalizer", "check" if mode == "check" else "fix"]
        cmd += ["--in-place"] if mode == "in-place" else ["--format", "json"]
        cmd += [*options, str(target)]
        t = time.perf_counter()
        with open(os.devnull, "w") as sink:
            proc = subprocess.run(
                cmd, stdout=sink, stderr=subprocess.PIPE, text=True, check=False, cwd=folder
            )
        dt = time.perf_counter() - t
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KB on Linux
        if mode == "in-place":
            proc.stdout = f"exit {proc.returncode}; {before:,} -> {target.stat().st_size:,} bytes"
        else:
            proc.stdout = f"exit {proc.returncode}"
        if proc.returncode not in (0, 1):
            proc.stdout += "\n" + proc.stderr[-2000:]
        if mode == "in-place" and args.verify:
            again = folder / "again.txt"
            _copy_planted(src, again)
            whole = [sys.executable, "-m", "normalizer", "fix", *options, "-"]
            with again.open("rb") as stdin:
                ref = subprocess.run(whole, stdin=stdin, capture_output=True, check=True).stdout
            same = ref == target.read_bytes()
            proc.stdout += f"; identical to `mtnorm fix -` of the whole text: {same}"
        return proc, dt, peak_mb
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
