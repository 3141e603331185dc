"""The shipped glossary must not touch MT lines that use a name's words in their ordinary sense.

``ru-en-must-not-fix.tsv`` (third-party WMT21/WMT22/MLQE-PE MT; see its REPORT.md) lists lines
whose Russian source has the common noun (новичок, медуза, дождь, яблоко, коммерсант, тишина,
соратник...), so "newcomer", "jellyfish", "rain", "apples", "companions" there are right.
With the shipped glossary and the default rules of ``config.yaml``, no glossary rule may fire on
any of them: not as an edit, not as a suggestion. Cleanup edits (quotes, doubled periods) on these
lines are not glossary errors; they are kept apart and must not touch the words that matter.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from normalizer import Normalizer

ROOT = Path(__file__).resolve().parents[2]
TSV = ROOT.parent / "shared" / "external" / "ru-en-must-not-fix.tsv"
# English glosses of the common nouns these lines were selected for: no rule may rewrite them.
ORDINARY = (
    "newcomer",
    "novice",
    "newbie",
    "beginner",
    "jellyfish",
    "apple",
    "rain",
    "businessm",
    "merchant",
    "companion",
    "silence",
    "sailor",
    "statement",
    "news",
)


def _rows() -> list[dict[str, str]]:
    if not TSV.is_file():
        return []
    with open(TSV, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


ROWS = _rows()


def _is_glossary(rule: str) -> bool:
    return not rule.startswith(("cleanup/", "suspect/"))


@pytest.fixture(scope="module")
def normalizer() -> Normalizer:
    return Normalizer.from_config(ROOT / "config.yaml")


def test_data_present_and_complete() -> None:
    if not ROWS:
        pytest.skip("../shared/external/ru-en-must-not-fix.tsv is not present")
    assert len(ROWS) >= 150
    assert all(row["mt_en"].strip() for row in ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_no_glossary_finding(normalizer: Normalizer, row: dict[str, str]) -> None:
    report = normalizer.check(row["mt_en"])
    findings = [(e.rule, e.old, e.new) for e in report.edits if _is_glossary(e.rule)]
    findings += [(s.rule, s.text, "") for s in report.suggestions if _is_glossary(s.rule)]
    assert findings == [], row["common_noun_sense"]


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_cleanup_edits_leave_the_ordinary_words(
    normalizer: Normalizer, row: dict[str, str]
) -> None:
    mt = row["mt_en"]
    for edit in normalizer.check(mt).edits:
        assert _is_glossary(edit.rule) is False
        touched = edit.old.lower()
        assert not any(word in touched for word in ORDINARY), (edit.rule, edit.old, edit.new)
