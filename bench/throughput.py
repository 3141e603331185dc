"""Glossary replacement throughput: mtnorm against the usual engines, measured in the same run.

Prints one table (MB/s, find / replace, median of ``--rounds``) for glossaries of 100, 10,000 and
100,000 entries over the corpus of :mod:`bench.corpus`, then mtnorm's ratios to ahocorasick_rs and
flashtext, and checks outputs: every "exact" anchor against the ``re`` reference, mtnorm against
its own slow reference finder (``engine="reference"``), on a sample.

    python bench/throughput.py                 # 100 MB corpus (cached after the first run)
    python bench/throughput.py --mb 10 --sizes 100 10000
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.corpus import Spec, corpus, glossary_entries  # noqa: E402

Pairs = list[tuple[str, str]]
_T = bytes(
    (ord(chr(b).lower()) if chr(b).isalnum() or b == 0x5F else 0x20) if b < 0x80 else 0x20
    for b in range(256)
)
_WORDCH = re.compile(r"\w")


# -- anchors ------------------------------------------------------------------------------------


class ReAlternation:
    """What most scripts do: one alternation, longest first, ``(?<!\\w)`` / ``(?!\\w)``."""

    name = "Python re alternation"

    def __init__(self, pairs: Pairs) -> None:
        self.terms = {v.lower(): t for t, v in pairs}
        alts = sorted(map(re.escape, self.terms), key=len, reverse=True)
        self.rx = re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)", re.IGNORECASE)

    def find(self, text: str) -> int:
        return sum(1 for _ in self.rx.finditer(text))

    def replace(self, text: str) -> str:
        return self.rx.sub(lambda m: self.terms[m.group().lower()], text)


def _trie_regex(words: list[str]) -> str:
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        end = "" in node
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and len(alts[0]) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if end else body

    return emit(trie)


class TrieRe(ReAlternation):
    """The trie-compressed alternation (shared prefixes factored out)."""

    name = "trie-compressed re"

    def __init__(self, pairs: Pairs) -> None:
        self.terms = {v.lower(): t for t, v in pairs}
        body = _trie_regex(list(self.terms))
        self.rx = re.compile(r"(?<!\w)(?:" + body + r")(?!\w)", re.IGNORECASE)


class Flashtext:
    name = "flashtext"

    def __init__(self, pairs: Pairs) -> None:
        from flashtext import KeywordProcessor

        self.kp = KeywordProcessor(case_sensitive=False)
        for term, variant in pairs:
            self.kp.add_keyword(variant, term)

    # flashtext's replace is quadratic in the text length (0.04 MB/s on 1 MB, 4 MB/s on 10 KB):
    # it gets its best case, one line (paragraph) at a time.
    def find(self, text: str) -> int:
        return sum(len(self.kp.extract_keywords(line)) for line in text.splitlines(True))

    def replace(self, text: str) -> str:
        return "".join(self.kp.replace_keywords(line) for line in text.splitlines(True))


class Recipe:
    """The issue's exact recipe on ``ahocorasick_rs``: one translate, padded keys, overlapping
    scan, a Python check per candidate, leftmost-longest, one ``b"".join``."""

    name = "ahocorasick_rs, exact"

    def __init__(self, pairs: Pairs) -> None:
        self.keys = [v.lower().encode() for _, v in pairs]
        self.terms = [t.encode() for t, _ in pairs]
        self._build([b" " + k.translate(_T) + b" " for k in self.keys])

    def _build(self, padded: list[bytes]) -> None:
        import ahocorasick_rs

        self.ac = ahocorasick_rs.BytesAhoCorasick(padded)

    def _scan(self, hay: bytes) -> list[tuple[int, int, int]]:
        return self.ac.find_matches_as_indexes(hay, overlapping=True)

    def _spans(self, raw: bytes) -> list[tuple[int, int, int]]:
        found = self._scan(b" " + raw.translate(_T) + b" ")
        ok = []
        for k, s, e in found:
            e -= 2
            if raw[s:e].lower() != self.keys[k]:
                continue
            if s and raw[s - 1] >= 0x80 and _WORDCH.match(_char_before(raw, s)):
                continue
            if e < len(raw) and raw[e] >= 0x80 and _WORDCH.match(_char_at(raw, e)):
                continue
            ok.append((s, -e, k))
        ok.sort()
        out, pos = [], -1
        for s, neg_e, k in ok:
            if s >= pos:
                out.append((s, -neg_e, k))
                pos = -neg_e
        return out

    def find(self, text: str) -> int:
        return len(self._spans(text.encode()))

    def replace(self, text: str) -> str:
        raw = text.encode()
        pieces, pos = [], 0
        for s, e, k in self._spans(raw):
            pieces += (raw[pos:s], self.terms[k])
            pos = e
        pieces.append(raw[pos:])
        return b"".join(pieces).decode()


def _char_before(raw: bytes, i: int) -> str:
    j = i - 1
    while j > 0 and 0x80 <= raw[j] < 0xC0:
        j -= 1
    return raw[j:i].decode()


def _char_at(raw: bytes, i: int) -> str:
    j = i + 1
    while j < len(raw) and 0x80 <= raw[j] < 0xC0:
        j += 1
    return raw[i:j].decode()


class PyAhoRecipe(Recipe):
    name = "pyahocorasick, exact"

    def _build(self, padded: list[bytes]) -> None:
        import ahocorasick

        self.ac = ahocorasick.Automaton()
        for i, p in enumerate(padded):
            self.ac.add_word(p.decode("latin-1"), (i, len(p)))
        self.ac.make_automaton()

    def _scan(self, hay: bytes) -> list[tuple[int, int, int]]:
        return [(k, end - n + 1, end + 1) for end, (k, n) in self.ac.iter(hay.decode("latin-1"))]


class HyperscanRecipe(Recipe):
    name = "hyperscan, exact"

    def _build(self, padded: list[bytes]) -> None:
        import hyperscan

        self.db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        self.db.compile(
            expressions=padded,
            ids=list(range(len(padded))),
            flags=hyperscan.HS_FLAG_SOM_LEFTMOST,
            literal=True,
        )

    def _scan(self, hay: bytes) -> list[tuple[int, int, int]]:
        out: list[tuple[int, int, int]] = []
        self.db.scan(hay, match_event_handler=lambda i, s, e, f, c: out.append((i, s, e)))
        return out


# -- mtnorm -------------------------------------------------------------------------------------


class Mtnorm:
    name = "mtnorm Normalizer.fix, glossary only"

    def __init__(
        self,
        pairs: Pairs,
        all_rules: bool = False,
        engine: str = "auto",
        ignore: tuple[str, ...] = (),
    ) -> None:
        from normalizer import Normalizer
        from normalizer.glossary_model import Entry, Glossary

        entries = tuple(
            Entry(term=t, id=t.lower(), glossary="bench", variants=(v,), case="fixed")
            for t, v in pairs
        )
        g = Glossary(name="bench", entries=entries)
        self.n = Normalizer(
            [g], select=None if all_rules else ["bench"], engine=engine, ignore=ignore
        )
        if engine == "aho":
            self.name = "mtnorm Normalizer.fix, glossary only, automaton alone (engine=aho)"
        if all_rules:
            self.name = "mtnorm Normalizer.fix, all default rules" + (
                f" except {', '.join(ignore)}" if ignore else ""
            )
            # The suspects' near-miss index is built once per glossary on first use (~1 s at
            # 10,000 entries): built here, with the other engines' build, not inside the timing.
            t = time.perf_counter()
            self.n.fix("Poisoned with the Newbie of Sailor Silence, said Companions of Navalny.")
            self.warmup = time.perf_counter() - t

    def find(self, text: str) -> int:
        return len(self.n.check(text).edits)

    def replace(self, text: str) -> str:
        return self.n.fix(text).text


class MtnormThreads(Mtnorm):
    """The same, with the opt-in two-half scan (``MTNORM_SCAN_THREADS=2``, normalizer/aho.py)."""

    name = "mtnorm Normalizer.fix, glossary only, automaton in 2 scan threads"

    def __init__(self, pairs: Pairs) -> None:
        super().__init__(pairs, engine="aho")  # the split scan is the automaton's
        self.name = MtnormThreads.name

    def _with_threads(self, fn: Callable[[str], object], text: str) -> object:
        import os

        saved = os.environ.get("MTNORM_SCAN_THREADS")
        os.environ["MTNORM_SCAN_THREADS"] = "2"
        try:
            return fn(text)
        finally:
            if saved is None:
                del os.environ["MTNORM_SCAN_THREADS"]
            else:
                os.environ["MTNORM_SCAN_THREADS"] = saved

    def find(self, text: str) -> int:
        return self._with_threads(super().find, text)  # type: ignore[return-value]

    def replace(self, text: str) -> str:
        return self._with_threads(super().replace, text)  # type: ignore[return-value]


# -- runner -------------------------------------------------------------------------------------

ANCHORS: list[type] = [ReAlternation, TrieRe, Flashtext, PyAhoRecipe, Recipe, HyperscanRecipe]


def chunks_of(text: str, size: int = 1 << 20) -> list[str]:
    """The corpus cut at line ends into pieces of about ``size`` characters (every engine gets
    the same pieces)."""
    out, pos = [], 0
    while pos < len(text):
        end = text.find("\n", pos + size)
        end = len(text) if end == -1 else end + 1
        out.append(text[pos:end])
        pos = end
    return out


def _run(fn: Callable[[str], object], chunks: list[str]) -> float:
    t = time.perf_counter()
    for c in chunks:
        fn(c)
    return time.perf_counter() - t


def measure(engine: object, chunks: list[str], rounds: int, budget: float) -> tuple[str, str]:
    """(find, replace) cells in MB/s; on a sample when the full run would exceed ``budget``."""
    total = sum(len(c.encode()) for c in chunks)
    # the slowest rows (all rules) are timed on a small sample so the run ends
    sample = [chunks[0][: 100_000 if "all default rules" not in engine.name else 5_000]]
    est = _run(engine.replace, sample) * total / len(sample[0].encode()) * 2 * rounds
    note = ""
    if est > budget:
        sample_est = est * len(sample[0].encode()) / total
        if sample_est > budget:
            return f"skipped (~{est:,.0f} s)", ""
        chunks, total, note = sample, len(sample[0].encode()), "*"
    cells = []
    for fn in (engine.find, engine.replace):
        times = [_run(fn, chunks) for _ in range(rounds)]
        cells.append(f"{total / 1e6 / statistics.median(times):,.1f}{note}")
    return cells[0], cells[1]


def identity(a: object, b: object, text: str) -> str:
    """Whether two engines' replacements agree on ``text``."""
    return "identical" if a.replace(text) == b.replace(text) else "DIFFERENT"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=100.0)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 10_000, 100_000])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--budget", type=float, default=120.0, help="seconds per engine and size")
    ap.add_argument("--sample", type=int, default=30_000, help="characters for identity checks")
    args = ap.parse_args()
    text = corpus(Spec(args.mb)).read_text("utf-8")
    chunks = chunks_of(text)
    sample = text[: args.sample]
    print(
        f"corpus: {len(text.encode()) / 1e6:.1f} MB in {len(chunks)} chunks; "
        f"median of {args.rounds}; MB/s find / replace; * = measured on a 100 KB sample"
    )
    rows: dict[str, dict[int, str]] = {}
    notes: list[str] = []
    for size in args.sizes:
        pairs = glossary_entries(size)
        engines: list[object] = []
        for cls in [*ANCHORS, Mtnorm]:
            t = time.perf_counter()
            try:
                engines.append(cls(pairs))
            except ImportError as exc:
                notes.append(f"{cls.name}: not installed ({exc})")
                continue
            notes.append(f"{size:>7} {cls.name}: built in {time.perf_counter() - t:.2f} s")
        engines.append(Mtnorm(pairs, engine="aho"))
        engines.append(MtnormThreads(pairs))
        if size == 10_000:
            engines.append(Mtnorm(pairs, all_rules=True, ignore=("suspect",)))
            engines.append(Mtnorm(pairs, all_rules=True))
        for eng in engines:
            try:
                f, r = measure(eng, chunks, args.rounds, args.budget)
            except Exception as exc:  # another module mid-change must not lose the table
                f, r = f"error: {type(exc).__name__}", ""
            rows.setdefault(eng.name, {})[size] = f"{f} / {r}" if r else f
            print(f"  {size:>7} {eng.name}: {rows[eng.name][size]}", flush=True)
        _checks(engines, pairs, sample, chunks[0], size, notes)
    _table(rows, args.sizes)
    print("\n".join(notes))
    _rule_costs(chunks[0][:200_000])


def _rule_costs(text: str) -> None:
    """Seconds per MB of each default cleanup rule alone, and of the suspects stage."""
    from normalizer import cleanup

    print("\nper-rule cost on a 200 KB piece (s/MB; 25 MB/s = 0.04 s/MB):")
    mb = len(text.encode()) / 1e6
    list(cleanup.run_cleanup(text[:1000], list(cleanup.RULES), {}))  # imports (ftfy) first
    for name, rule in cleanup.RULES.items():
        t = time.perf_counter()
        list(cleanup.run_cleanup(text, [name], {}))
        print(f"  cleanup/{name} ({rule.default}): {(time.perf_counter() - t) / mb:.3f}")
    from normalizer.suspects import find_suspects

    entries = Mtnorm(glossary_entries(10_000)).n.entries
    try:
        t = time.perf_counter()  # first use builds the near-miss index (once per glossary)
        find_suspects(text[:2_000], covered=[], entries=entries)
        build = time.perf_counter() - t
        t = time.perf_counter()
        find_suspects(text, covered=[], entries=entries)
        cold = (time.perf_counter() - t) / mb
        t = time.perf_counter()
        find_suspects(text, covered=[], entries=entries)
        warm = (time.perf_counter() - t) / mb
    except Exception as exc:  # reported, not fatal: the table above is the result
        print(f"  suspects: error {type(exc).__name__}: {exc}")
        return
    print(f"  suspects, 10,000 entries: {cold:.3f} first pass, {warm:.3f} again")
    print(f"  (near-miss index built once per glossary: {build:.2f} s)")


def _checks(
    engines: list[object], pairs: Pairs, sample: str, big: str, size: int, notes: list[str]
) -> None:
    by_name = {e.name: e for e in engines}
    ref = by_name["trie-compressed re"]
    for e in engines:
        if e.name.endswith("exact") or e.name == "Python re alternation" and size <= 10_000:
            notes.append(f"{size:>7} {e.name} vs re reference: {identity(e, ref, sample)}")
    mt = by_name["mtnorm Normalizer.fix, glossary only"]
    for engine in ("reference", "python", "hyperscan"):
        try:
            other = Mtnorm(pairs, engine=engine)
        except ImportError:
            continue
        notes.append(f"{size:>7} mtnorm vs mtnorm engine={engine}: {identity(mt, other, sample)}")
    # the sample is too short for the default engine's large-text scanner: a whole chunk
    aho = by_name["mtnorm Normalizer.fix, glossary only, automaton alone (engine=aho)"]
    notes.append(f"{size:>7} mtnorm vs mtnorm engine=aho, 1 MB: {identity(mt, aho, big)}")


def _mbs(cell: str) -> float:
    try:
        return float(cell.split("/")[1].strip().rstrip("*").replace(",", ""))
    except (IndexError, ValueError):
        return float("nan")


def _table(rows: dict[str, dict[int, str]], sizes: list[int]) -> None:
    print("\n| engine (find / replace, MB/s) | " + " | ".join(f"{s:,} terms" for s in sizes) + " |")
    print("|---" * (len(sizes) + 1) + "|")
    for name, cells in rows.items():
        print(f"| {name} | " + " | ".join(cells.get(s, "") for s in sizes) + " |")
    mt = rows.get("mtnorm Normalizer.fix, glossary only", {})
    for anchor in ("ahocorasick_rs, exact", "flashtext", "hyperscan, exact"):
        ratios = [_mbs(mt.get(s, "")) / _mbs(rows.get(anchor, {}).get(s, "")) for s in sizes]
        print(f"| mtnorm / {anchor} (replace) | " + " | ".join(f"{r:.2f}x" for r in ratios) + " |")


if __name__ == "__main__":
    main()
