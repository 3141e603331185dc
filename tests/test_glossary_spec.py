"""Every rule of the glossary spec as data: tests/cases/glossary_spec.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from normalizer import Normalizer
from normalizer.glossary import load_glossary_text

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "glossary_spec.yaml").read_text("utf-8"))


def _glossaries(names: list[str]):
    out = []
    for name in names:
        g, problems = load_glossary_text(CASES["glossaries"][name], f"<{name}>")
        assert g is not None, problems
        out.append(g)
    return out


@pytest.mark.parametrize("case", CASES["cases"], ids=lambda c: f"{c['rule']}: {c['label']}")
@pytest.mark.parametrize("engine", ["aho", "hyperscan", "python", "reference"])
def test_case(case: dict, engine: str) -> None:
    if engine == "hyperscan":
        pytest.importorskip("hyperscan")  # the optional scanner (x86-64 wheels)
    gs = _glossaries(case["glossaries"])
    n = Normalizer(gs, select=[g.name for g in gs], engine=engine)
    report = n.fix(case["input"])
    assert report.text == case["output"]
    if case.get("idempotent", True):
        assert n.fix(report.text).text == report.text


def test_every_spec_rule_has_fix_and_keep_cases() -> None:
    by_rule: dict[str, set[bool]] = {}
    for case in CASES["cases"]:
        by_rule.setdefault(case["rule"], set()).add(case["input"] != case["output"])
    expected = {f"match-{i}" for i in range(1, 9)} | {"case", "quotes", "article"}
    assert expected <= set(by_rule)
    for rule in expected - {"match-5"}:
        assert by_rule[rule] == {True, False}, f"{rule} needs both a fix and a keep case"


def test_suggest_action_is_reported() -> None:
    gs = _glossaries(["news"])
    report = Normalizer(gs, select=["news"]).check("on Echo Moskvy radio")
    assert not report.edits
    assert [(s.rule, s.candidates[0].text) for s in report.suggestions] == [
        ("news/echo-of-moscow", "Echo of Moscow")
    ]


def test_spec_examples_from_the_format_document() -> None:
    text = """
name: ru-en-news
languages: {source: ru, target: en}
entries:
  - term: Novichok
    variants: [Newbie, Novice]
    source: [новичок]
    context: {near: [poison, nerve agent], not_near: [team, game], window: 12}
    case: fixed
    unquote: true
    action: fix
    id: novichok
    examples:
      - {input: "poisoned with «Newbie»", output: "poisoned with Novichok"}
      - {input: "the newbie on the team", output: "the newbie on the team"}
"""
    g, problems = load_glossary_text(text)
    assert g is not None and not problems
    assert g.entries[0].rule_id == "ru-en-news/novichok"
    n = Normalizer([g])
    for ex in g.entries[0].examples:
        assert n.fix(ex.input).text == ex.output
