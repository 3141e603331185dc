"""A reproducible English-like corpus and glossaries of any size, for the speed benchmarks.

Words are drawn from ``wordfreq``'s English frequencies (seeded), in sentences and paragraphs.
Glossaries are nested (the first 100 entries of the 100,000-entry glossary are the 100-entry one):
variants are single words of lower frequency (ranks 20,000-60,000, so they occur naturally, as rare
terms do) and bigrams; terms are distinct made-up names. Variants of the first 100 entries are
planted in the corpus in mixed case, in quotes, with possessives and inside hyphenated words.

    python bench/corpus.py --mb 10 --out /tmp/corpus.txt    # writes the corpus, prints stats
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Spec", "corpus", "glossary_entries", "glossary_yaml", "vocabulary", "cache_dir"]

SEED = 20261122
_FORMS = (
    "{v}",
    "{V}",
    "{U}",
    "«{v}»",
    "“{V}”",
    '"{V}"',
    "{V}'s",
    "{v}’s",
    "pro-{V}",
    "{v}-style",
)


@dataclass(frozen=True)
class Spec:
    """What to generate: corpus size in MB, seed, and one planted variant per ``plant_every``
    words."""

    mb: float = 100.0
    seed: int = SEED
    plant_every: int = 300


def cache_dir() -> Path:
    """Where generated corpora are kept between runs (``MTNORM_BENCH_DIR`` overrides)."""
    base = os.environ.get("MTNORM_BENCH_DIR") or os.path.join(tempfile.gettempdir(), "mtnorm-bench")
    path = Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path


def vocabulary(n: int = 60_000) -> tuple[list[str], list[float]]:
    """The ``n`` most frequent plain lower-case English words and their frequencies."""
    import wordfreq

    words = [w for w in wordfreq.top_n_list("en", int(n * 1.2)) if re.fullmatch(r"[a-z]+", w)][:n]
    return words, [wordfreq.word_frequency(w, "en") for w in words]


def glossary_entries(size: int, seed: int = SEED) -> list[tuple[str, str]]:
    """``size`` (term, variant) pairs: nested across sizes, variants distinct, terms distinct."""
    words, _ = vocabulary()
    rare = words[20_000:60_000]
    rng = random.Random(seed)
    rng.shuffle(rare)
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    singles = iter(rare)
    while len(out) < size:
        i = len(out)
        if i % 5 == 0:  # one in five is a single rare word; the rest are bigrams
            variant = next(singles)
        else:
            variant = f"{rng.choice(words[300:20_000])} {rng.choice(words[300:20_000])}"
        if variant in seen:
            continue
        seen.add(variant)
        out.append((f"Qx{i:06d}", variant))
    return out


def glossary_yaml(size: int, name: str = "bench") -> str:
    """The glossary as a format-v1 YAML file (one entry per line, flow style)."""
    lines = [f"name: {name}", "languages: {source: ru, target: en}", "entries:"]
    for term, variant in glossary_entries(size):
        lines.append(f"  - {{term: {term}, variants: [{variant!r}], id: {term.lower()}}}")
    return "\n".join(lines) + "\n"


def _sentence(
    rng: random.Random, words: list[str], cum: list[float], planted: list[str], plant_p: float
) -> str:
    n = rng.randint(6, 24)
    toks = rng.choices(words, cum_weights=cum, k=n)
    for j in range(n):
        if rng.random() < plant_p:
            v = rng.choice(planted)
            toks[j] = rng.choice(_FORMS).format(v=v, V=v.title(), U=v.upper())
    if n > 10 and rng.random() < 0.5:
        toks[n // 2] += ","
    toks[0] = toks[0][:1].upper() + toks[0][1:]
    return " ".join(toks) + rng.choice(".....?!")


def corpus(spec: Spec = Spec()) -> Path:
    """Generate (or reuse from the cache) the corpus file for ``spec``; returns its path."""
    key = hashlib.sha256(repr(spec).encode()).hexdigest()[:12]
    path = cache_dir() / f"corpus-{key}.txt"
    if path.exists():
        return path
    words, freqs = vocabulary()
    cum, total = [], 0.0
    for f in freqs:
        total += f
        cum.append(total)
    planted = [v for _, v in glossary_entries(100, spec.seed)]
    rng = random.Random(spec.seed)
    target = int(spec.mb * 1_000_000)
    tmp = path.with_suffix(".tmp")
    size = 0
    with tmp.open("w", encoding="utf-8", newline="") as out:
        while size < target:
            para = " ".join(
                _sentence(rng, words, cum, planted, 1 / spec.plant_every)
                for _ in range(rng.randint(2, 8))
            )
            chunk = para + ("\n\n" if rng.random() < 0.7 else "\n")
            size += len(chunk.encode("utf-8"))
            out.write(chunk)
    os.replace(tmp, path)
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=100.0, help="corpus size in MB (default 100)")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--out", type=Path, help="copy the corpus here")
    ap.add_argument("--glossary", type=int, help="also write a glossary of this many entries")
    args = ap.parse_args()
    path = corpus(Spec(args.mb, args.seed))
    if args.out:
        args.out.write_bytes(path.read_bytes())
    if args.glossary:
        gpath = (args.out.parent if args.out else cache_dir()) / f"bench-{args.glossary}.yaml"
        gpath.write_text(glossary_yaml(args.glossary), "utf-8")
        print(f"glossary: {gpath}")
    print(f"corpus: {path} ({path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
