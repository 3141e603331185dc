"""Wall time of one small CLI run (``mtnorm fix - < 5 KB``), hyperfine-style, and what it costs.

Each command runs ``--runs`` times after one warm-up; min / median / mean wall ms, and the
median CPU ms (user + system of the child: steadier than wall time on a busy machine). Rows: the
interpreter alone, importing mtnorm, ``fix`` with the shipped glossary and default rules (warm
cache, and with the cache off), and ``fix --select`` of the glossary rules only. Then the top
imports by cumulative time (``python -X importtime``) and the phases of the default run.

Bytecode: an installed package has its ``.pyc`` files (pip compiles them), so by default the
runs may write and use bytecode, kept in a temporary ``PYTHONPYCACHEPREFIX`` (the source tree
stays clean), even where ``PYTHONDONTWRITEBYTECODE`` is set. ``--no-bytecode`` measures
compiling every module from source on every run instead.

    python bench/startup.py --runs 10
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


def _input() -> Path:
    seed = (ROOT / "examples" / "navalny-mt.txt").read_text("utf-8")
    text = (seed * (5000 // len(seed.encode()) + 1)).encode()[:5000].decode("utf-8", "ignore")
    path = Path(tempfile.gettempdir()) / "mtnorm-startup-5k.txt"
    path.write_text(text, "utf-8")
    return path


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _time(
    cmd: list[str], stdin: Path, runs: int, env: dict[str, str]
) -> tuple[list[float], list[float]]:
    out: list[float] = []
    cpu: list[float] = []
    for i in range(runs + 1):
        with stdin.open("rb") as f:
            c = _cpu()
            t = time.perf_counter()
            subprocess.run(
                cmd,
                stdin=f,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd=ROOT,
                env=env,
                check=False,
            )
            if i:  # the first run warms the OS cache, the bytecode and mtnorm's caches
                out.append((time.perf_counter() - t) * 1000)
                cpu.append((_cpu() - c) * 1000)
    return out, cpu


def _imports(stdin: Path, env: dict[str, str], top: int = 10) -> list[str]:
    with stdin.open("rb") as f:
        err = subprocess.run(
            [PY, "-X", "importtime", "-m", "normalizer", "fix", "-"],
            stdin=f,
            capture_output=True,
            cwd=ROOT,
            env=env,
            check=False,
        ).stderr.decode()
    rows = []
    for line in err.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    return [f"{us / 1000:8.1f} ms {name}" for us, name in sorted(rows, reverse=True)[:top]]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument(
        "--no-bytecode", action="store_true", help="compile every module from source every run"
    )
    args = ap.parse_args()
    stdin = _input()
    env = dict(os.environ)
    if args.no_bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "mtnorm-startup-pyc")
    off = {**env, "MTNORM_CACHE_DIR": "off"}
    names = ",".join(
        sorted({p.parent.name and f"{_name(p)}" for p in (ROOT / "glossary").rglob("*.yaml")})
    )
    rows = [
        ("python -c pass", [PY, "-c", "pass"], env),
        ("python -c 'import normalizer'", [PY, "-c", "import normalizer"], env),
        ("mtnorm fix - (default rules, warm cache)", [PY, "-m", "normalizer", "fix", "-"], env),
        ("mtnorm fix - (default rules, cache off)", [PY, "-m", "normalizer", "fix", "-"], off),
        (
            f"mtnorm fix --select {names} -",
            [PY, "-m", "normalizer", "fix", "--select", names, "-"],
            env,
        ),
    ]
    bytecode = "compiled from source every run" if args.no_bytecode else "bytecode cached"
    print(
        f"input: {stdin} ({stdin.stat().st_size} bytes); {args.runs} runs after 1 warm-up; "
        f"{bytecode}"
    )
    print("| command | min ms | median ms | mean ms | median CPU ms |\n|---|---|---|---|---|")
    for label, cmd, e in rows:
        t, c = _time(cmd, stdin, args.runs, e)
        print(
            f"| {label} | {min(t):.0f} | {statistics.median(t):.0f} | {statistics.mean(t):.0f} "
            f"| {statistics.median(c):.0f} |",
            flush=True,
        )
    print("\ntop imports (cumulative, one default run):")
    print("\n".join(_imports(stdin, env)))
    print("\nphases in one process (ms):")
    subprocess.run([PY, "-c", PHASES, str(stdin), names], cwd=ROOT, env=env, check=False)


PHASES = """
import sys, time
t0 = time.perf_counter()
from normalizer import rxcache
rxcache.enable()  # as the program does: compiled glossary patterns from the cache
import normalizer.commands
from normalizer import Normalizer
from normalizer.cache import load_glossaries_cached
from normalizer.config import load_config
t1 = time.perf_counter()
cfg = load_config(None)
paths = cfg.glossary_paths()
t2 = time.perf_counter()
load_glossaries_cached(paths)
t3 = time.perf_counter()
n = Normalizer.from_config(cfg)
t4 = time.perf_counter()
text = open(sys.argv[1], encoding="utf-8").read()
n.fix(text)
t5 = time.perf_counter()
n.fix(text + " ")
t6 = time.perf_counter()
heavy = sorted({m.split(".")[0] for m in sys.modules} & {
    "wordfreq", "langcodes", "ftfy", "yaml", "pathspec", "lxml", "rich", "tqdm", "numpy",
    "concurrent", "multiprocessing", "asyncio"})
print(f"  import {1e3*(t1-t0):.0f}; config {1e3*(t2-t1):.0f}; glossaries (cache) {1e3*(t3-t2):.0f};"
      f" Normalizer build, default rules {1e3*(t4-t3):.0f}; first fix 5 KB {1e3*(t5-t4):.0f}"
      f" (lazy imports, compiles, tables); second fix {1e3*(t6-t5):.0f}")
print(f"  heavy third-party modules loaded: {', '.join(heavy) or 'none'}")
"""


def _name(path: Path) -> str:
    for line in path.read_text("utf-8").splitlines():
        if line.startswith("name:"):
            return line.split(":", 1)[1].strip()
    return path.stem


if __name__ == "__main__":
    main()
