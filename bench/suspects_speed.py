"""Speed of the suspect stage (``suspect/*``): MB/s and first-call latency.

Measures :func:`normalizer.suspects.find_suspects` alone (no cleanup, no glossary matching) on:

* the seed article (``examples/navalny-mt.txt``) repeated ``--repeat`` times (50 KB at 15);
* clean English news text: the WMT22 general ru→en system outputs concatenated up to ``--mb`` MB
  (from ``/work/shared/external`` when present), else a text generated from wordfreq words;

each with the shipped glossary and with a synthetic glossary of ``--entries`` entries (variants
made of wordfreq words, distinct terms). Then the first call in a fresh process (import, load the
shipped glossary, check the seed article once), the warm-up users feel.

    python bench/suspects_speed.py                  # 5 MB clean text, 10,000 entries
    python bench/suspects_speed.py --mb 0.5 --quick # quick look
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from normalizer.glossary_model import Entry  # noqa: E402
from normalizer.suspects import find_suspects  # noqa: E402

__all__ = ["clean_text", "main", "synthetic_entries"]

SEED = ROOT / "examples" / "navalny-mt.txt"
WMT22 = ROOT.parent / "shared" / "external" / "wmt22-general-ru-en"


def clean_text(megabytes: float) -> tuple[str, str]:
    """About ``megabytes`` MB of clean English news text and where it came from."""
    want = int(megabytes * 1_000_000)
    files = sorted(WMT22.glob("generaltest2022.ru-en.hyp.*.en")) if WMT22.is_dir() else []
    if files:
        parts: list[str] = []
        size = 0
        while size < want:
            for f in files:
                chunk = f.read_text(encoding="utf-8")
                parts.append(chunk)
                size += len(chunk.encode("utf-8"))
                if size >= want:
                    break
        return "".join(parts)[:want], f"WMT22 ru-en system outputs ({len(files)} systems)"
    return _generated_text(want), "generated from wordfreq words"


def _generated_text(size: int) -> str:
    from wordfreq import top_n_list

    rng = random.Random(1)
    words = top_n_list("en", 5000)
    names = [w.capitalize() for w in top_n_list("en", 20000)[5000:]]
    lines, total = [], 0
    while total < size:
        sent = [rng.choice(words) for _ in range(rng.randint(8, 25))]
        if rng.random() < 0.6:
            sent.insert(rng.randrange(1, len(sent)), rng.choice(names))
        line = " ".join(sent).capitalize() + "."
        lines.append(line)
        total += len(line) + 1
    return "\n".join(lines)


def synthetic_entries(n: int) -> tuple[Entry, ...]:
    """``n`` entries: variants are 1-3 capitalized wordfreq words, terms are distinct made-up
    transliterations (a glossary of MT renderings of Russian names). The words come from ranks
    1,000-30,000 of English: the thousand commonest ("the", "however") are function words no
    glossary lists as a rendering of a name."""
    from wordfreq import top_n_list

    rng = random.Random(7)
    words = [w for w in top_n_list("en", 30000)[1000:] if w.isalpha() and len(w) > 2]
    syllables = ["ka", "ro", "vo", "sk", "ya", "ti", "sha", "no", "vi", "chi", "ze", "lo", "mi"]
    out = []
    for i in range(n):
        term = "".join(rng.choice(syllables) for _ in range(3)).capitalize() + f"{i}"
        variants = tuple(
            " ".join(rng.choice(words).capitalize() for _ in range(rng.randint(1, 3)))
            for _ in range(rng.randint(1, 2))
        )
        out.append(Entry(term=term, id=f"s{i}", glossary="synthetic", variants=variants))
    return tuple(out)


def shipped_entries() -> tuple[Entry, ...]:
    from normalizer.engine import Normalizer

    return Normalizer.from_config().entries


def _rate(text: str, entries: Sequence[Entry], rounds: int) -> tuple[float, float, float, int]:
    """(MB/s, seconds of the first and of the best round, suspects found) for find_suspects over
    ``text``. The first round fills the per-word caches for this text's vocabulary."""
    find_suspects(text[:2000], covered=(), entries=entries)  # build the variant index
    times = []
    found = []
    for _ in range(max(1, rounds)):
        t = time.perf_counter()
        found = find_suspects(text, covered=(), entries=entries)
        times.append(time.perf_counter() - t)
    mb = len(text.encode("utf-8")) / 1_000_000
    return mb / min(times), times[0], min(times), len(found)


_FIRST_CALL = """
import time, sys
t = time.perf_counter()
from normalizer.engine import Normalizer
n = Normalizer.from_config()
text = open(sys.argv[1], encoding="utf-8").read()
t1 = time.perf_counter()
n.check(text)
t2 = time.perf_counter()
n.check(text)
t3 = time.perf_counter()
print(f"{t1 - t:.3f} {t2 - t1:.3f} {t3 - t2:.3f}")
"""


def first_call() -> tuple[float, float, float]:
    """(import + load, first check, second check) seconds in a fresh process."""
    out = subprocess.run(
        [sys.executable, "-c", _FIRST_CALL, str(SEED)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    a, b, c = (float(x) for x in out[-3:])
    return a, b, c


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--mb", type=float, default=5.0, help="size of the clean text (MB)")
    p.add_argument("--entries", type=int, default=10_000, help="synthetic glossary size")
    p.add_argument("--repeat", type=int, default=15, help="seed article copies (15 = 50 KB)")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--quick", action="store_true", help="one round, skip the fresh process")
    args = p.parse_args(argv)
    rounds = 1 if args.quick else args.rounds
    seed = SEED.read_text(encoding="utf-8") * args.repeat
    clean, origin = clean_text(args.mb)
    t = time.perf_counter()
    glossaries = {
        "shipped": shipped_entries(),
        f"synthetic {args.entries}": synthetic_entries(args.entries),
    }
    print(f"glossaries built in {time.perf_counter() - t:.2f} s; clean text: {origin}")
    print(f"{'text':<20}{'glossary':<18}{'MB/s':>7}{'best ms':>10}{'first ms':>10}{'suspects':>10}")
    for gname, entries in glossaries.items():
        for tname, text in ((f"seed x{args.repeat}", seed), (f"clean {args.mb:g} MB", clean)):
            rate, first, best, found = _rate(text, entries, rounds)
            print(
                f"{tname:<20}{gname:<18}{rate:>7.2f}{best * 1000:>10.1f}{first * 1000:>10.1f}"
                f"{found:>10}"
            )
    if not args.quick:
        load, first, second = first_call()
        print(
            f"fresh process: import+load {load * 1000:.0f} ms, first check of the seed article "
            f"{first * 1000:.0f} ms, second {second * 1000:.0f} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
