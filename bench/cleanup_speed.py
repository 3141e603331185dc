"""Cleanup rule throughput: MB/s per rule, for all default rules, and through the Normalizer.

Three texts: clean English (WMT22 ru→en system outputs concatenated, strongest system first, to
``--mb`` MB; generated from wordfreq when the data is absent), the dirty seed article repeated
``--copies`` times (examples/navalny-mt.txt) and a Cyrillic-heavy text (the WMT22 Russian source,
or generated Russian). Each cell is the median of ``--rounds`` runs; MB means UTF-8 megabytes.

    python bench/cleanup_speed.py                  # 5 MB clean text, seed x15, 2 MB Cyrillic
    python bench/cleanup_speed.py --mb 1 --rounds 3 --copies 200
    python bench/cleanup_speed.py --generated       # and artifact-free English from wordfreq

Each run gets a fresh copy of the text: the rules share facts about the text object they saw
last (its UTF-8, its rare characters), which a caller with a new text does not get for free.
"""

from __future__ import annotations

import argparse
import functools
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from normalizer.cleanup import RULES, default_rules, run_cleanup  # noqa: E402

WMT = ROOT.parent / "shared" / "external" / "wmt22-general-ru-en"
# Strongest first (WMT22 human ranking, see the data set's README).
SYSTEMS = ("JDExploreAcademy", "Online-W", "Online-B", "HuaweiTSC", "Lan-Bridge", "Online-Y")
SEED = ROOT / "examples" / "navalny-mt.txt"


def _repeat_to(text: str, mb: float) -> str:
    """``text`` repeated (whole lines) until it holds at least ``mb`` MB of UTF-8."""
    size = len(text.encode("utf-8"))
    return text * max(1, -(-int(mb * 1_000_000) // size))


def _generated(lang: str, mb: float, seed: int = 0) -> str:
    """Sentences of frequent words (wordfreq), for when the WMT data is not here."""
    from wordfreq import top_n_list

    words = top_n_list(lang, 5000)
    rng = random.Random(seed)
    lines: list[str] = []
    size = 0
    while size < mb * 1_000_000:
        words_in_line = rng.choices(words, k=rng.randint(8, 30))
        line = " ".join(words_in_line).capitalize() + "."
        lines.append(line)
        size += len(line.encode("utf-8")) + 1
    return "\n".join(lines) + "\n"


def clean_english(mb: float) -> tuple[str, str]:
    """(label, text): real MT output that has few artifacts, or generated English."""
    files = [WMT / f"generaltest2022.ru-en.hyp.{s}.en" for s in SYSTEMS]
    present = [f for f in files if f.exists()]
    if not present:
        return "generated English", _generated("en", mb)
    text = "".join(f.read_text("utf-8") for f in present)
    return f"WMT22 hyp ({len(present)} systems)", _repeat_to(text, mb)


def cyrillic(mb: float) -> tuple[str, str]:
    """(label, text): Russian news text (the WMT22 source side), or generated Russian."""
    source = WMT / "generaltest2022.ru-en.src.ru"
    if not source.exists():
        return "generated Russian", _generated("ru", mb)
    return "WMT22 src.ru", _repeat_to(source.read_text("utf-8"), mb)


def timed(func: Callable[[str], object], text: str, rounds: int) -> float:
    """Median wall time of ``func(text)`` over ``rounds`` runs, in seconds.

    Each run gets a fresh copy of ``text`` (made outside the timing): the rules share facts
    about the text object they last saw, which a real caller does not get for free next time.
    """
    times = []
    for _ in range(rounds):
        fresh = (text + "\n")[:-1]
        start = time.perf_counter()
        func(fresh)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _one_rule(name: str, text: str) -> object:
    return run_cleanup(text, [name])


def measure(text: str, rounds: int) -> dict[str, float]:
    """MB/s of each rule alone, of all default rules, and of Normalizer(select=["cleanup"])."""
    from normalizer.engine import Normalizer

    mb = len(text.encode("utf-8")) / 1_000_000
    names = default_rules()
    row: dict[str, float] = {}
    for name in RULES:
        row[name] = mb / timed(functools.partial(_one_rule, name), text, rounds)
    row["all default"] = mb / timed(lambda t: run_cleanup(t, names), text, rounds)
    normalizer = Normalizer(select=["cleanup"])
    normalizer.fix("warm up")
    row["Normalizer.fix"] = mb / timed(normalizer.fix, text, rounds)
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=5.0, help="size of the clean English text")
    parser.add_argument("--cyrillic-mb", type=float, default=2.0)
    parser.add_argument("--copies", type=int, default=15, help="copies of the seed article")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--generated", action="store_true", help="add generated (artifact-free) English"
    )
    args = parser.parse_args(argv)
    seed = SEED.read_text("utf-8") * args.copies
    texts = [
        clean_english(args.mb),
        (f"seed article x{args.copies}", seed),
        cyrillic(args.cyrillic_mb),
    ]
    if args.generated:
        texts.append(("generated English", _generated("en", args.mb)))
    run_cleanup("warm up «a» &amp; Nаvalny Матросская", default_rules())  # lazy imports
    rows = [(label, text, measure(text, args.rounds)) for label, text in texts]
    columns = [*RULES, "all default", "Normalizer.fix"]
    width = max(map(len, columns)) + 2
    print(f"{'MB/s':<{width}}" + "".join(f"{label[:24]:>26}" for label, _, _ in rows))
    sizes = "".join(f"{len(text.encode()) / 1000:>26.0f}" for _, text, _ in rows)
    print(f"{'size (KB)':<{width}}" + sizes)
    for column in columns:
        print(f"{column:<{width}}" + "".join(f"{row[column]:>26.1f}" for _, _, row in rows))
    seed_ms = len(seed.encode()) / 1_000_000 / rows[1][2]["all default"] * 1000
    print(f"\nseed article x{args.copies}: all default cleanup rules in {seed_ms:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
