"""The shipped ru-en glossary: it loads cleanly, matches its JSON Schema, every entry's examples
hold through the real engine, and the seed MT article comes out fixed."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from normalizer import Normalizer
from normalizer.glossary import load_glossaries
from normalizer.glossary_model import Entry, Glossary

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "glossary" / "ru-en").glob("*.yaml"))
SCHEMA = ROOT / "glossary" / "schema.json"
SCHEMA_LINE = "# yaml-language-server: $schema=../schema.json"


def _glossaries() -> list[Glossary]:
    return load_glossaries(SHIPPED)


GLOSSARIES = _glossaries()
ENTRIES = [e for g in GLOSSARIES for e in g.entries]
# Only the glossary: cleanup and suspects would also touch quotes in the examples.
ONLY_GLOSSARY = Normalizer(GLOSSARIES, rules={"cleanup": "off", "suspect": "off"})


def test_shipped_files_exist_and_load_without_warnings() -> None:
    assert len(SHIPPED) >= 2
    warnings: list[Any] = []
    loaded = load_glossaries(SHIPPED, warnings=warnings)
    assert [str(w) for w in warnings] == []
    names = [g.name for g in loaded]
    assert len(set(names)) == len(names), "every shipped glossary needs its own name"
    assert all(n.startswith("ru-en-") for n in names)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_file_references_the_schema(path: Path) -> None:
    assert path.read_text(encoding="utf-8").splitlines()[0] == SCHEMA_LINE


@pytest.fixture(scope="module")
def validator() -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_file_is_valid_against_schema(validator: Any, path: Path) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert [e.message for e in validator.iter_errors(doc)] == []


def _base() -> dict[str, Any]:
    return {
        "name": "ok-name",
        "entries": [{"term": "Novichok", "variants": ["Newbie"], "context": {"near": ["poison"]}}],
    }


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.update(nmae="x"),
        lambda d: d.update(name="Bad Name"),
        lambda d: d["entries"][0].pop("term"),
        lambda d: d["entries"][0].pop("variants"),
        lambda d: d["entries"][0].update(variants=[]),
        lambda d: d["entries"][0].update(case="upper"),
        lambda d: d["entries"][0].update(action="replace"),
        lambda d: d["entries"][0].update(contxt={}),
        lambda d: d["entries"][0]["context"].update(window=0),
        lambda d: d["entries"][0]["context"].update(near="poison"),
        lambda d: d["entries"][0].update(examples=[{"input": "x"}]),
        lambda d: d["entries"][0].update(examples=[{"input": "x", "output": "y", "label": 1}]),
        lambda d: d.update(languages={"source": "ru", "targte": "en"}),
    ],
    ids=[
        "unknown-file-key",
        "bad-name",
        "no-term",
        "no-variants-or-patterns",
        "empty-variants",
        "bad-case",
        "bad-action",
        "unknown-entry-key",
        "window-zero",
        "near-not-list",
        "example-without-output",
        "example-unknown-key",
        "unknown-language-key",
    ],
)
def test_schema_rejects_what_the_spec_forbids(validator: Any, mutate: Any) -> None:
    assert validator.is_valid(_base())
    doc = copy.deepcopy(_base())
    mutate(doc)
    assert not validator.is_valid(doc)


def test_schema_accepts_patterns_only_and_the_spec_example(validator: Any) -> None:
    doc = _base()
    doc["entries"][0] = {"term": "Nord Stream", "patterns": [r"North\s+Stream"]}
    assert validator.is_valid(doc)
    spec_entry = {
        "term": "Novichok",
        "variants": ["Newbie", "Novice"],
        "patterns": [],
        "source": ["новичок"],
        "context": {"near": ["poison"], "not_near": ["team"], "window": 12},
        "case": "fixed",
        "unquote": True,
        "action": "fix",
        "id": "novichok",
        "note": "n",
        "examples": [{"input": "a", "output": "b"}],
    }
    assert validator.is_valid(
        {
            "name": "ru-en-news",
            "languages": {"source": "ru", "target": "en"},
            "description": "d",
            "entries": [spec_entry],
        }
    )


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.rule_id)
def test_entry_examples_pass_through_the_engine(entry: Entry) -> None:
    assert entry.examples, f"{entry.rule_id} has no examples"
    for example in entry.examples:
        assert ONLY_GLOSSARY.fix(example.input).text == example.output, example.input


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.rule_id)
def test_entry_is_documented_on_both_sides(entry: Entry) -> None:
    assert entry.note.strip(), f"{entry.rule_id}: a note says why the entry exists"
    assert entry.source and all(s == s.lower() for s in entry.source)
    fixes = [x for x in entry.examples if x.input != x.output]
    keeps = [x for x in entry.examples if x.input == x.output]
    assert fixes, f"{entry.rule_id}: needs an example that is fixed"
    assert keeps, f"{entry.rule_id}: needs an example that must not change"
    for example in fixes:  # the examples of an entry exercise that entry, not another
        rules = {e.rule for e in ONLY_GLOSSARY.check(example.input).edits}
        assert rules == {entry.rule_id}, example.input


def test_ordinary_words_always_have_a_guard() -> None:
    """An entry whose variant is one plain lower-case-able English word needs a context."""
    for entry in ENTRIES:
        single = [v for v in entry.variants if " " not in v and v.isalpha()]
        ordinary = [v for v in single if v.lower() in _COMMON_WORDS]
        if ordinary:
            assert entry.context is not None and entry.context.near, entry.rule_id


_COMMON_WORDS = {
    "newbie",
    "novice",
    "newcomer",
    "beginner",
    "dagger",
    "shell",
    "shells",
    "carapace",
    "carapaces",
    "vanguard",
    "petrel",
    "companions",
    "companion",
    "apple",
    "rain",
    "news",
    "opening",
    "businessman",
    "jellyfish",
    "medusa",
    "statements",
    "sarmatian",
}


@pytest.fixture(scope="module")
def seed_fixed(seed_text: str) -> str:
    return Normalizer.from_config(ROOT / "config.yaml").fix(seed_text).text


def test_seed_article_is_fixed(seed_fixed: str) -> None:
    assert "Novichok" in seed_fixed
    assert "Matrosskaya Tishina" in seed_fixed
    assert "Allies of Navalny" in seed_fixed
    assert "Newbie" not in seed_fixed and "«" not in seed_fixed
    assert "Sailor silence" not in seed_fixed and "Companions of Navalny" not in seed_fixed


def test_seed_fix_is_idempotent(seed_fixed: str) -> None:
    n = Normalizer.from_config(ROOT / "config.yaml")
    assert [e for e in n.check(seed_fixed).edits if not e.rule.startswith("suspect/")] == []
