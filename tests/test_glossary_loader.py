"""Every loader error kind of the glossary spec, with its exact location and mend."""

from __future__ import annotations

from pathlib import Path

import pytest

from normalizer.errors import GlossaryError
from normalizer.glossary import load_glossaries, load_glossary_text
from normalizer.glossary_model import Glossary
from normalizer.lint import lint_examples

HEADER = "name: t\nentries:\n"


def problems_of(text: str) -> list[str]:
    g, problems = load_glossary_text(text, "g.yaml")
    return [str(p) for p in problems]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: t\nentries: [\n", "g.yaml:3:1: YAML syntax error"),
        (
            HEADER + "  - term: Novichok\n    variants: [Newbie]\n    contxt: {near: [x]}\n",
            "g.yaml:5:5: unknown key 'contxt' in entry 'novichok'; did you mean 'context'?",
        ),
        (
            "nmae: t\nentries: []\n",
            "g.yaml:1:1: unknown key 'nmae' in the glossary file; did you mean 'name'?",
        ),
        (HEADER + "  - variants: [Newbie]\n", "g.yaml:3:5: entry has no 'term'"),
        (
            HEADER + "  - term: Novichok\n",
            "g.yaml:3:5: entry 'Novichok' has neither 'variants' nor 'patterns'",
        ),
        ("name: Bad_Name\nentries: []\n", "g.yaml:1:7: name 'Bad_Name' must match [a-z0-9-]+"),
        ("entries: []\n", "g.yaml:1:1: missing 'name'"),
        (
            HEADER + "  - term: Novichok\n    variants: [Newbie]\n    case: fixd\n",
            "g.yaml:5:11: 'case' must be fixed or match, not 'fixd'; did you mean 'fixed'?",
        ),
        (
            HEADER + "  - term: X\n    patterns: ['a(']\n",
            "g.yaml:4:16: pattern 'a(' in entry 'X': does not compile",
        ),
        (
            HEADER + "  - term: X\n    patterns: ['(a+)+$']\n",
            "g.yaml:4:16: pattern '(a+)+$' in entry 'X': can backtrack catastrophically",
        ),
        (
            HEADER + "  - term: ally\n    variants: [Ally]\n    case: match\n",
            "g.yaml:4:16: variant 'Ally' equals the term 'ally' ignoring case while case is 'match'",
        ),
        (
            HEADER + "  - term: X\n    variants: [y]\n    context: {window: 0, near: [z]}\n",
            "g.yaml:5:23: 'window' must be a whole number of words",
        ),
        (
            HEADER + "  - term: X\n    variants: [y]\n    unquote: 'yes'\n",
            "g.yaml:5:14: 'unquote' must be true or false",
        ),
        (
            HEADER + "  - term: X\n    variants: [y]\n  - term: X\n    variants: [z]\n",
            "g.yaml:5:5: duplicate entry id 'x'",
        ),
        (
            "name: t\nentries:\n  - &a {term: X, variants: [y]}\n  - *a\n",
            "anchors and aliases are not allowed",
        ),
        (
            "name: t\nentries: !!python/object:os.system []\n",
            "is not allowed; glossaries are plain YAML",
        ),
    ],
)
def test_error_kinds_are_located(text: str, expected: str) -> None:
    found = problems_of(text)
    assert any(p.startswith(expected) or expected in p for p in found), found


def test_every_error_of_a_file_is_reported_at_once() -> None:
    text = (
        HEADER
        + "  - term: A\n    contxt: 1\n  - variants: [b]\n  - term: C\n    case: x\n    variants: [c]\n"
    )
    found = problems_of(text)
    assert len([p for p in found if "unknown key" in p]) == 1
    assert any("no 'term'" in p for p in found)
    assert any("'case'" in p for p in found)
    assert any("neither 'variants' nor 'patterns'" in p for p in found)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_all_files_errors_together_and_nothing_half_loaded(tmp_path: Path) -> None:
    good = _write(tmp_path, "good.yaml", "name: good\nentries:\n  - {term: A, variants: [b]}\n")
    bad1 = _write(tmp_path, "bad1.yaml", "name: bad1\nentries:\n  - {term: A, varients: [b]}\n")
    bad2 = _write(tmp_path, "bad2.yaml", "name: bad2\nentries: [\n")
    with pytest.raises(GlossaryError) as info:
        load_glossaries([good, bad1, bad2, tmp_path / "missing.yaml"])
    text = str(info.value)
    assert f"{bad1}:3:15: unknown key 'varients'" in text and "did you mean 'variants'" in text
    assert f"{bad2}:" in text and "YAML syntax error" in text
    assert f"{tmp_path / 'missing.yaml'}: glossary file not found" in text


def test_ambiguous_variant_across_glossaries(tmp_path: Path) -> None:
    a = _write(tmp_path, "a.yaml", "name: a\nentries:\n  - {term: X, variants: [Newbie]}\n")
    b = _write(tmp_path, "b.yaml", "name: b\nentries:\n  - term: Y\n    variants: [newbie]\n")
    with pytest.raises(GlossaryError) as info:
        load_glossaries([a, b])
    assert f"{b}:3:5: variant 'newbie' of b/y is also a variant of a/x" in str(info.value)


def test_same_variant_with_context_is_fine(tmp_path: Path) -> None:
    a = _write(
        tmp_path,
        "a.yaml",
        "name: a\nentries:\n  - {term: X, variants: [Newbie], context: {near: [p]}}\n",
    )
    b = _write(tmp_path, "b.yaml", "name: b\nentries:\n  - {term: Y, variants: [newbie]}\n")
    assert len(load_glossaries([a, b])) == 2


def test_duplicate_glossary_names(tmp_path: Path) -> None:
    a = _write(tmp_path, "a.yaml", "name: same\nentries:\n  - {term: X, variants: [p]}\n")
    b = _write(tmp_path, "b.yaml", "name: same\nentries:\n  - {term: Y, variants: [q]}\n")
    with pytest.raises(GlossaryError, match="glossary name 'same' is also used"):
        load_glossaries([a, b])


def test_cascade_is_a_warning_not_an_error(tmp_path: Path) -> None:
    a = _write(
        tmp_path,
        "a.yaml",
        "name: a\nentries:\n  - {term: beta, variants: [alpha]}\n"
        "  - {term: gamma, variants: [beta]}\n",
    )
    warnings: list = []
    assert load_glossaries([a], warnings=warnings)
    assert [w.severity for w in warnings] == ["warning"]
    assert "is the term of a/beta" in str(warnings[0])


def test_example_mismatch_reported_by_lint_with_both_texts() -> None:
    text = (
        HEADER + "  - term: Novichok\n    variants: [Newbie]\n    examples:\n"
        "      - {input: 'a Newbie', output: 'a Novichok'}\n"
        "      - {input: 'a Newbie', output: 'a Newbie'}\n"
    )
    g, problems = load_glossary_text(text, "g.yaml")
    assert isinstance(g, Glossary) and not problems
    found = [str(p) for p in lint_examples([g])]
    assert found == [
        "g.yaml:7:9: example of t/novichok gives 'a Novichok', expected 'a Newbie' "
        "(input 'a Newbie')"
    ]


def test_yaml_bomb_is_refused_quickly() -> None:
    bomb = "name: t\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
    bomb += "c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n"
    found = problems_of(bomb)
    assert any("anchors and aliases are not allowed" in p for p in found)


def test_defaults() -> None:
    g, _ = load_glossary_text(
        HEADER + "  - {term: Matrosskaya Tishina, variants: [Sailor silence]}\n"
        "  - {term: ally, variants: [companion]}\n"
    )
    assert g is not None
    first, second = g.entries
    assert (first.id, first.case, first.unquote, first.action) == (
        "matrosskaya-tishina",
        "fixed",
        True,
        "fix",
    )
    assert (second.id, second.case) == ("ally", "match")
    assert first.rule_id == "t/matrosskaya-tishina"
