"""Evaluate unknown-term detection (``suspect/*``) with no project glossary loaded.

Positives: rows of ``ru-en-name-artifacts.tsv`` with ``detection`` in {literal, no_canonical} and
``ref_has_canonical`` true (21 rows); ``translit_missing`` rows are a secondary, unreviewed set.
Negatives: the WMT22 general ru→en outputs of three strong systems — JDExploreAcademy (top of the
WMT22 human ranking), Online-W and Online-B (the strongest commercial systems there) — minus the
lines the artifacts file flags for that system. WMT21 is held out and never read.

Metrics:
* recall: a suspect overlaps the artifact (the ``matched_in_mt`` text; for rows without one in
  the MT, e.g. ``translit_missing`` rows, any suspect on the line counts), without and with the
  source line;
* fix@3: an accepted rendering (the row's ``name``, or a close variant of it found in the
  reference) among the top three candidates of that suspect;
* false suspects per 100 clean sentences of the negatives.

Usage: ``python bench/eval_unknown.py [DATA_DIR] [--model PATH] [--show N]``.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from normalizer.edits import Suggestion  # noqa: E402
from normalizer.scoring.base import Scorer  # noqa: E402
from normalizer.suspects import find_suspects  # noqa: E402

NEGATIVE_SYSTEMS = ("JDExploreAcademy", "Online-W", "Online-B")
WMT22 = "wmt22-general-ru-en"


@dataclass(frozen=True)
class Row:
    name: str
    detection: str
    system: str
    matched: str
    source: str
    mt: str
    reference: str


def load_rows(path: Path) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [
            Row(
                r["name"],
                r["detection"],
                r["system"],
                r["matched_in_mt"],
                r["source_ru"],
                r["mt_en"],
                r["reference_en"],
            )
            for r in reader
            if r["ref_has_canonical"].strip().lower() == "true"
        ]


def _norm(s: str) -> str:
    return "".join(ch for ch in s.casefold() if ch.isalnum())


def accepted(candidate: str, row: Row) -> bool:
    """The candidate is the row's accepted name (or a spelling of it the reference uses)."""
    c, n = _norm(candidate), _norm(row.name)
    if not c:
        return False
    if row.name.startswith("quoted:"):  # translit_missing rows name the Russian span
        return len(c) >= 4 and c in _norm(row.reference)
    if c == n or difflib.SequenceMatcher(None, c, n).ratio() >= 0.85:
        return True
    return (
        len(c) >= 4
        and c in _norm(row.reference)
        and difflib.SequenceMatcher(None, c, n).ratio() >= 0.6
    )


def artifact_span(row: Row) -> tuple[int, int] | None:
    if not row.matched:
        return None
    i = row.mt.casefold().find(row.matched.casefold())
    return (i, i + len(row.matched)) if i >= 0 else None


def hits_for(row: Row, found: Sequence[Suggestion]) -> list[Suggestion]:
    span = artifact_span(row)
    if span is None:
        return list(found)
    return [s for s in found if s.start < span[1] and span[0] < s.end]


def evaluate_positives(rows: Sequence[Row], scorer: Scorer | None) -> dict[str, float]:
    out: dict[str, float] = {"n": float(len(rows))}
    for mode in ("no source", "source"):
        detected = fixed = 0
        for row in rows:
            src = row.source if mode == "source" else None
            found = find_suspects(row.mt, covered=(), entries=(), source=src, scorer=scorer)
            hits = hits_for(row, found)
            detected += bool(hits)
            fixed += any(accepted(c.text, row) for s in hits for c in s.candidates[:3])
        out[f"recall ({mode})"] = detected / max(1, len(rows))
        out[f"fix@3 ({mode})"] = fixed / max(1, len(rows))
    return out


def negatives(data: Path, flagged: set[tuple[str, str]]) -> Iterable[tuple[str, str, str]]:
    """(system, MT line, source line) of the strong systems' clean lines."""
    folder = data / WMT22
    src = (folder / "generaltest2022.ru-en.src.ru").read_text(encoding="utf-8").splitlines()
    for system in NEGATIVE_SYSTEMS:
        hyp = (
            (folder / f"generaltest2022.ru-en.hyp.{system}.en")
            .read_text(encoding="utf-8")
            .splitlines()
        )
        for mt, s in zip(hyp, src, strict=True):
            if (system, mt.strip()) not in flagged:
                yield system, mt, s


def evaluate_negatives(
    data: Path, flagged: set[tuple[str, str]], scorer: Scorer | None, show: int
) -> dict[str, float]:
    lines = list(negatives(data, flagged))
    out: dict[str, float] = {"clean sentences": float(len(lines))}
    for mode in ("no source", "source"):
        count, shown, t0 = 0, 0, time.perf_counter()
        for system, mt, src in lines:
            found = find_suspects(
                mt, covered=(), entries=(), source=src if mode == "source" else None, scorer=scorer
            )
            count += len(found)
            for s in found:
                if shown < show:
                    print(
                        f"  FP[{mode}] {system}: {s.text!r} {s.rule} {s.score} | {s.message}"
                        f" | {mt[:140]}",
                        file=sys.stderr,
                    )
                    shown += 1
        out[f"false suspects /100 ({mode})"] = 100.0 * count / max(1, len(lines))
        out[f"sentences/s ({mode})"] = len(lines) / max(1e-9, time.perf_counter() - t0)
    return out


def load_model(path: str | None) -> Scorer | None:
    if not path:
        return None
    try:
        from normalizer.scoring.loader import load_scorer
    except ImportError:
        print("model mode skipped: normalizer.scoring has no loader", file=sys.stderr)
        return None
    return load_scorer(path)


def main(argv: list[str] | None = None) -> int:
    default = Path(__file__).resolve().parents[2] / "shared" / "external"
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("data", nargs="?", type=Path, default=default)
    p.add_argument("--model", help="a local model directory or 'default' (optional)")
    p.add_argument("--show", type=int, default=0, help="print this many false suspects to stderr")
    args = p.parse_args(argv)
    tsv = args.data / "ru-en-name-artifacts.tsv"
    if not tsv.exists():
        print(f"{tsv}: not found", file=sys.stderr)
        return 2
    scorer = load_model(args.model)
    rows = load_rows(tsv)
    flagged = {(r.system, r.mt.strip()) for r in rows} | _all_flagged(tsv)
    primary = [r for r in rows if r.detection in ("literal", "no_canonical")]
    secondary = [r for r in rows if r.detection == "translit_missing"]
    table = {
        "positives (literal, no_canonical)": evaluate_positives(primary, scorer),
        "secondary (translit_missing)": evaluate_positives(secondary, scorer),
        "negatives (WMT22 strong systems)": evaluate_negatives(
            args.data, flagged, scorer, args.show
        ),
    }
    print(f"scorer: {getattr(scorer, 'name', 'none')}")
    for section, metrics in table.items():
        print(f"\n{section}")
        for k, v in metrics.items():
            print(f"  {k:<34} {v:8.3f}")
    return 0


def _all_flagged(tsv: Path) -> set[tuple[str, str]]:
    with tsv.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        return {(r["system"], r["mt_en"].strip()) for r in reader}


if __name__ == "__main__":
    raise SystemExit(main())
