"""Precision of the shipped glossary on real MT: how many correct lines would it wrongly change?

Usage::

    python bench/eval_precision.py [PATH] [--json] [--config CONFIG]

PATH is the external evaluation folder (default ``../shared/external`` next to the repository).
Two corpora are used, never WMT21 (held out):

1. ``ru-en-must-not-fix.tsv``: MT lines whose source has the common-noun sense of a word that is
   also a name (новичок, медуза, дождь, ...). Every glossary edit there is wrong; the target is 0.
2. ``wmt22-general-ru-en``: all ten system outputs, line-aligned with the reference ``ref.A``.

Judging a WMT22 glossary edit, with A = the replaced words and T = the term, each stripped of
quotes and a leading article, both searched whole-word and case-insensitively in the reference line:

- **wrong**: A occurs in the reference and T does not (the translator used the same word, so the
  MT meant it in its ordinary sense, or the house-style form is not the reference's);
- **confirmed**: T occurs in the reference;
- a change of case only ("Moscow city court" -> "Moscow City Court") is judged the same way but
  case-sensitively;
- **unjudged**: neither (the reference paraphrases); listed for a human to read.

The same corpora are also run with the default rules of ``config.yaml`` and the cleanup edits are
counted per rule, separately: they are not glossary errors.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import regex

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from normalizer.edits import Edit  # noqa: E402
from normalizer.engine import Normalizer  # noqa: E402

__all__ = ["GlossaryEdit", "Results", "evaluate", "judge", "main"]

DEFAULT_PATH = REPO.parent / "shared" / "external"
WMT22 = "wmt22-general-ru-en"
MUST_NOT_FIX = "ru-en-must-not-fix.tsv"
ARTIFACTS = "ru-en-name-artifacts.tsv"
_QUOTES = "«»“”„‹›\"'‘’"
_ARTICLE = regex.compile(r"^(?:a|an|the)\s+", regex.IGNORECASE)


@dataclass(frozen=True)
class GlossaryEdit:
    """One glossary edit on one line of a corpus, with its verdict."""

    corpus: str
    system: str
    line: int
    rule: str
    old: str
    new: str
    verdict: str  # wrong | confirmed | unjudged | must-not-fix
    mt: str
    reference: str


@dataclass
class Results:
    """Every figure the script prints."""

    must_not_fix_lines: int = 0
    must_not_fix_changed: int = 0
    wmt22_lines: int = 0
    wmt22_edits: int = 0
    wmt22_wrong: int = 0
    wmt22_confirmed: int = 0
    wmt22_unjudged: int = 0
    edits: list[GlossaryEdit] = field(default_factory=list)
    cleanup_must_not_fix: Counter[str] = field(default_factory=Counter)
    cleanup_wmt22: Counter[str] = field(default_factory=Counter)
    recall_rows: int = 0
    recall_fixed: int = 0

    @property
    def wrong_per_1000(self) -> float:
        return 1000 * self.wmt22_wrong / self.wmt22_lines if self.wmt22_lines else 0.0


def _bare(text: str) -> str:
    """The words of an edit side: quotes and a leading article removed, spaces collapsed."""
    text = " ".join(text.strip(_QUOTES + " ").split())
    return _ARTICLE.sub("", text).strip(_QUOTES + " ")


def _has_words(haystack: str, words: str) -> bool:
    if not words:
        return False
    body = r"\s+".join(regex.escape(w) for w in words.split())
    return regex.search(rf"(?<!\w){body}(?!\w)", haystack, regex.IGNORECASE) is not None


def judge(edit: Edit, reference: str) -> str:
    """``wrong``, ``confirmed`` or ``unjudged`` for one edit against the reference line."""
    old, new = _bare(edit.old), _bare(edit.new)
    if old.casefold() == new.casefold():  # a change of case only: judge case-sensitively
        if new in reference:
            return "confirmed"
        return "wrong" if old in reference else "unjudged"
    if _has_words(reference, new):
        return "confirmed"
    if _has_words(reference, old):
        return "wrong"
    return "unjudged"


def _is_glossary(rule: str) -> bool:
    return not rule.startswith(("cleanup/", "suspect/"))


def _read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")[:-1]


def _count_cleanup(full: Normalizer | None, mt: str, counts: Counter[str]) -> None:
    """Count the edits of the non-glossary rules with the default configuration."""
    if full is not None:
        counts.update(e.rule for e in full.check(mt).edits if not _is_glossary(e.rule))


def _must_not_fix(folder: Path, gloss: Normalizer, full: Normalizer | None, res: Results) -> None:
    with open(folder / MUST_NOT_FIX, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    for number, row in enumerate(rows, start=2):
        mt = row["mt_en"]
        res.must_not_fix_lines += 1
        edits = [e for e in gloss.check(mt).edits if _is_glossary(e.rule)]
        if edits:
            res.must_not_fix_changed += 1
        for e in edits:
            res.edits.append(
                GlossaryEdit(
                    "must-not-fix",
                    row["id"],
                    number,
                    e.rule,
                    e.old,
                    e.new,
                    "must-not-fix",
                    mt,
                    row["reference_en"],
                )
            )
        _count_cleanup(full, mt, res.cleanup_must_not_fix)


def _wmt22(folder: Path, gloss: Normalizer, full: Normalizer | None, res: Results) -> None:
    base = folder / WMT22
    refs = _read_lines(base / "generaltest2022.ru-en.ref.A.en")
    for hyp in sorted(base.glob("generaltest2022.ru-en.hyp.*.en")):
        system = hyp.name.split(".hyp.", 1)[1].removesuffix(".en")
        for number, (mt, ref) in enumerate(zip(_read_lines(hyp), refs, strict=True), start=1):
            res.wmt22_lines += 1
            for e in gloss.check(mt).edits:
                if not _is_glossary(e.rule):
                    continue
                verdict = judge(e, ref)
                res.wmt22_edits += 1
                setattr(res, f"wmt22_{verdict}", getattr(res, f"wmt22_{verdict}") + 1)
                res.edits.append(
                    GlossaryEdit("wmt22", system, number, e.rule, e.old, e.new, verdict, mt, ref)
                )
            _count_cleanup(full, mt, res.cleanup_wmt22)


def _recall(folder: Path, gloss: Normalizer, res: Results) -> None:
    """Recall on the high-confidence literal renderings of names (WMT21 rows skipped: held out)."""
    path = folder / ARTIFACTS
    if not path.is_file():
        return
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    for row in rows:
        if row["corpus"].startswith("wmt21") or row["ref_has_canonical"] != "true":
            continue
        if row["detection"] not in ("literal", "no_canonical"):
            continue
        res.recall_rows += 1
        if any(_is_glossary(e.rule) for e in gloss.check(row["mt_en"]).edits):
            res.recall_fixed += 1


def evaluate(folder: Path, config: Path | None = None, *, glossary_only: bool = False) -> Results:
    """Run the shipped glossary (alone, and with the default rules) over both corpora."""
    glossaries = sorted((REPO / "glossary" / "ru-en").glob("*.yaml"))
    gloss = Normalizer(glossaries, rules={"cleanup": "off", "suspect": "off"})
    full = None if glossary_only else Normalizer.from_config(config or REPO / "config.yaml")
    res = Results()
    _must_not_fix(folder, gloss, full, res)
    _wmt22(folder, gloss, full, res)
    _recall(folder, gloss, res)
    return res


def _print(res: Results, out: object = sys.stdout) -> None:
    w = out.write  # type: ignore[attr-defined]
    w("== Shipped glossary precision ==\n")
    w(
        f"must-not-fix: {res.must_not_fix_changed} of {res.must_not_fix_lines} lines wrongly "
        "changed (target 0)\n"
    )
    w(
        f"WMT22 (10 systems): {res.wmt22_lines} lines, {res.wmt22_edits} glossary edits: "
        f"{res.wmt22_confirmed} confirmed by the reference, {res.wmt22_wrong} wrong, "
        f"{res.wmt22_unjudged} unjudged; wrong per 1,000 lines: {res.wrong_per_1000:.3f}\n"
    )
    w(
        f"recall: {res.recall_fixed} of {res.recall_rows} high-confidence literal name renderings "
        f"({ARTIFACTS}, literal/no_canonical, reference has the name, WMT21 skipped) get an edit\n"
    )
    w("\n-- every glossary edit --\n")
    for e in res.edits:
        w(f"[{e.verdict}] {e.corpus} {e.system}:{e.line} {e.rule}: {e.old!r} -> {e.new!r}\n")
        w(f"    MT : {e.mt}\n    REF: {e.reference}\n")
    for title, counts in (("must-not-fix", res.cleanup_must_not_fix), ("WMT22", res.cleanup_wmt22)):
        w(f"\n-- cleanup/suspect edits with the default rules, {title} (not glossary errors) --\n")
        for rule, count in counts.most_common():
            w(f"{count:7d}  {rule}\n")
        if not counts:
            w("      0\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    ap.add_argument("--config", type=Path, default=None, help="config for the default-rules run")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument(
        "--glossary-only", action="store_true", help="skip the slower default-rules run"
    )
    args = ap.parse_args(argv)
    if not (args.path / MUST_NOT_FIX).is_file() or not (args.path / WMT22).is_dir():
        sys.stderr.write(f"{args.path}: no {MUST_NOT_FIX} or {WMT22}/ there\n")
        return 2
    res = evaluate(args.path, args.config, glossary_only=args.glossary_only)
    if args.json:
        data = asdict(res) | {"wrong_per_1000": res.wrong_per_1000}
        json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        _print(res)
    return 1 if res.must_not_fix_changed else 0


if __name__ == "__main__":
    sys.exit(main())
