"""ftfy's own test cases through cleanup/mojibake + cleanup/entities.

Cases: /work/shared/external/ftfy-test-cases (python-ftfy tests/test-cases/*.json, Apache-2.0).
Our rules run ftfy's encoding fixers only; the other ftfy fixers (quote uncurling, NFC, ligatures,
character width, line breaks, control characters) are deliberately left out because they would
rewrite correct text outside mojibake spans, or belong to another rule (cleanup/quotes). So a
case passes when our output equals ``fixed``, or ``fixed-encoding``, or differs from ``fixed`` only
by those deliberately skipped fixers (checked by running exactly them). ``negative.json`` cases
must come out unchanged. Upstream ``known-failures.json`` cases are expected to fail (ftfy fails
them too) and are marked xfail with that reason.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from normalizer.cleanup import run_cleanup
from normalizer.edits import Edit, apply_edits

SHARED = Path(__file__).resolve().parents[3] / "shared"
CASES_DIR = SHARED / "external" / "ftfy-test-cases"
POSITIVE = ("in-the-wild.json", "synthetic.json", "language-names.json")


def _load(name: str) -> list[dict[str, Any]]:
    path = CASES_DIR / name
    return json.loads(path.read_text("utf-8")) if path.exists() else []


def _params(name: str, **marks: Any) -> list[Any]:
    cases = _load(name)
    return [
        pytest.param(c, id=f"{name[:-5]}:{i}:{c['label'][:50]}", **marks)
        for i, c in enumerate(cases)
    ]


def ours(text: str) -> str:
    findings = run_cleanup(text, ["mojibake", "entities"])
    return apply_edits(text, [f for f in findings if isinstance(f, Edit)])


def skipped_fixers_only(text: str) -> str:
    """Apply exactly the ftfy fixers our rules leave out on purpose (and nothing else)."""
    import ftfy

    config = ftfy.TextFixerConfig(
        unescape_html=False,
        fix_encoding=False,
        remove_terminal_escapes=True,
        fix_latin_ligatures=True,
        fix_character_width=True,
        uncurl_quotes=True,
        fix_line_breaks=True,
        fix_surrogates=True,
        remove_control_chars=True,
        normalization="NFC",
    )
    return ftfy.fix_text(text, config)


@pytest.fixture(autouse=True)
def _need_data() -> None:
    if not CASES_DIR.is_dir():
        pytest.skip("ftfy test cases not available (/work/shared absent)")


@pytest.mark.parametrize("case", [p for name in POSITIVE for p in _params(name)])
def test_fixes_like_ftfy(case: dict[str, Any]) -> None:
    got = ours(case["original"])
    accepted = {case["fixed"], case.get("fixed-encoding", case["fixed"])}
    if got in accepted:
        return
    # Deliberate difference: only the fixers we do not run separate us from ftfy's answer.
    assert skipped_fixers_only(got) == case["fixed"], case["label"]


@pytest.mark.parametrize("case", _params("negative.json"))
def test_negative_cases_stay_unchanged(case: dict[str, Any]) -> None:
    expected = case.get("fixed-encoding", case["fixed"])
    if expected != case["original"]:
        # The one "mostly negative" case expects C1 controls fixed; that is an encoding repair.
        assert ours(case["original"]) == expected
    else:
        assert ours(case["original"]) == case["original"]


@pytest.mark.parametrize(
    "case",
    _params(
        "known-failures.json",
        marks=pytest.mark.xfail(reason="upstream known failure: ftfy itself gets it wrong"),
    ),
)
def test_known_failures(case: dict[str, Any]) -> None:
    assert ours(case["original"]) == case.get("fixed-encoding", case["fixed"])


def test_agreement_figures() -> None:
    """Guard the measured agreement so a regression shows as a number, not just a case."""
    positive = [c for name in POSITIVE for c in _load(name)]
    exact = sum(ours(c["original"]) == c["fixed"] for c in positive)
    encoding = sum(ours(c["original"]) == c.get("fixed-encoding", c["fixed"]) for c in positive)
    assert len(positive) == 120
    assert exact >= 95 and max(exact, encoding) >= 95, (exact, encoding)
