"""flashtext's own keyword cases through mtnorm's matcher (issue 6): extraction and replacement.

Each case's ``keyword_dict`` (clean name -> surface forms) becomes a key list, every form owned
by its clean name (first clean name wins a shared form, as glossary order does). Extraction: the
clean names of the chosen spans (leftmost-longest, no overlap) equal flashtext's ``keywords``.
Replacement: the chosen spans replaced by the clean name equal the upstream recipe (every form,
longest first, ``(?<!\\w)...(?!\\w)``, case-insensitive), with the clean name as written.

Deliberate differences from flashtext (none of them occurs in these 58 cases; each is pinned by
a test below so it cannot change silently; docs/performance.md lists them):
- word characters are Unicode letters, digits, marks and ``_``; flashtext's are ``[A-Za-z0-9_]``
  only, so it finds "Python" inside "Pythonбиблиотека" and we do not;
- a space in a form matches any run of white space, line breaks and no-break spaces included;
- an apostrophe between letters joins a word (a form "don" is not found in "don't"), except a
  possessive "'s" after a match;
- case-insensitive matching is full Unicode simple folding (``ÄRZTE`` finds "ärzte"); flashtext
  lower-cases the sentence with ``str.lower``, which shifts its offsets after "İ" (and makes
  its replace_keywords raise IndexError).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from normalizer.matcher import build_finder, normalize_key, select_leftmost_longest

DATA = Path(__file__).resolve().parents[3] / "shared" / "external" / "flashtext-tests"
ENGINES = ["aho", "python", "reference"]


def _cases() -> list[tuple[str, int, dict]]:
    if not DATA.is_dir():
        return []
    out = []
    for name in ("keyword_extractor_test_cases.json", "keyword_remover_test_cases.json"):
        for i, case in enumerate(json.loads((DATA / name).read_text("utf-8"))):
            out.append((name.split("_")[1], i, case))
    return out


CASES = _cases()


def _forms(case: dict) -> dict[str, list[str]]:
    forms = {clean: list(vs) for clean, vs in case["keyword_dict"].items()}
    for clean, removed in case.get("remove_keyword_dict", {}).items():
        forms[clean] = [v for v in forms.get(clean, []) if v not in removed]
    return forms


def _chosen(forms: dict[str, list[str]], sentence: str, engine: str) -> list[tuple[int, int, str]]:
    keys: dict[str, str] = {}
    for clean, vs in forms.items():
        for v in vs:
            keys.setdefault(normalize_key(v), clean)
    finder = build_finder(list(keys), engine)
    owners = list(keys.values())
    return [
        (g[0].start, g[0].end, owners[g[0].key])
        for g in select_leftmost_longest(finder.find_all(sentence))
    ]


def _upstream_replace(forms: dict[str, list[str]], sentence: str) -> str:
    by_form = {v.lower(): clean for clean, vs in forms.items() for v in reversed(vs)}
    if not by_form:
        return sentence
    alts = sorted(map(re.escape, by_form), key=len, reverse=True)
    rx = re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)", re.IGNORECASE)
    return rx.sub(lambda m: by_form[m.group().lower()], sentence)


def _replace(chosen: list[tuple[int, int, str]], sentence: str) -> str:
    out, pos = [], 0
    for s, e, clean in chosen:
        out += [sentence[pos:s], clean]
        pos = e
    return "".join(out) + sentence[pos:]


@pytest.mark.skipif(not CASES, reason="/work/shared/external/flashtext-tests is absent")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1]}")
def test_extraction_agrees(case: tuple[str, int, dict], engine: str) -> None:
    _, _, c = case
    got = [clean for _, _, clean in _chosen(_forms(c), c["sentence"], engine)]
    assert got == c["keywords"], c["explanation"]


@pytest.mark.skipif(not CASES, reason="/work/shared/external/flashtext-tests is absent")
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1]}")
def test_replacement_agrees(case: tuple[str, int, dict]) -> None:
    _, _, c = case
    forms = _forms(c)
    assert _replace(_chosen(forms, c["sentence"], "aho"), c["sentence"]) == _upstream_replace(
        forms, c["sentence"]
    )


@pytest.mark.parametrize(
    ("forms", "sentence", "flashtext_would", "ours"),
    [
        ({"Python": ["python"]}, "Pythonбиблиотека", ["Python"], []),
        ({"New York": ["new york"]}, "New\n  York", [], ["New York"]),
        ({"Don": ["don"]}, "don't", ["Don"], []),
        ({"Newbie": ["newbie"]}, "Newbie's", ["Newbie"], ["Newbie"]),
        ({"Ärzte": ["ärzte"]}, "ÄRZTE", ["Ärzte"], ["Ärzte"]),
        ({"Sabiha": ["sabiha"]}, "İ sabiha", ["Sabiha"], ["Sabiha"]),
    ],
)
def test_documented_differences(
    forms: dict, sentence: str, flashtext_would: list[str], ours: list[str]
) -> None:
    assert [clean for *_, clean in _chosen(forms, sentence, "aho")] == ours
    try:
        from flashtext import KeywordProcessor
    except ImportError:
        return
    kp = KeywordProcessor()
    kp.add_keywords_from_dict(forms)
    assert kp.extract_keywords(sentence) == flashtext_would


def test_dotted_capital_i_keeps_offsets() -> None:
    # str.lower("İ") is two characters: flashtext reports span (3, 9) in this 8-character text
    # and its replace_keywords raises IndexError; our folding is one-to-one.
    assert _chosen({"Sabiha": ["sabiha"]}, "İ sabiha", "aho") == [(2, 8, "Sabiha")]
    assert _replace(_chosen({"Sabiha": ["sabiha"]}, "İ sabiha x", "aho"), "İ sabiha x") == (
        "İ Sabiha x"
    )
