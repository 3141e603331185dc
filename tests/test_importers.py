"""Importers of other tools' term lists: each format, its errors, and that the output is a glossary
the engine loads and runs."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalizer import GlossaryError, InputError, Normalizer
from normalizer.casing import apply_case
from normalizer.errors import Problem
from normalizer.glossary import load_glossary_text
from normalizer.importers import (
    dump_document,
    import_csv,
    import_files,
    import_languagetool,
    import_tbx,
    import_tsv,
    import_vale,
    main,
)

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "external"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _roundtrip(doc: dict[str, Any]) -> Normalizer:
    """Dump ``doc`` as YAML, load it with the real loader (no problems allowed), build an engine."""
    buf = io.StringIO()
    dump_document(doc, buf)
    glossary, problems = load_glossary_text(buf.getvalue(), "imported.yaml")
    assert [str(p) for p in problems if p.severity == "error"] == []
    assert glossary is not None
    return Normalizer([glossary], rules={"cleanup": "off", "suspect": "off"})


def _schema_valid(doc: dict[str, Any]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((ROOT / "glossary" / "schema.json").read_text(encoding="utf-8"))
    assert [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(doc)] == []


# ---------------------------------------------------------------- Vale

VALE_RULE = """\
extends: substitution
message: "Use '%s' instead of '%s'."
ignorecase: true
action:
  name: replace
swap:
  javascript: JavaScript
  e-?mail address(es)?: email address
  change into the (.*) folder: change to the $1 folder
"""


def test_vale_literal_regex_and_group_keys(tmp_path: Path) -> None:
    path = _write(tmp_path, "TermCase.yml", VALE_RULE)
    warnings: list[Problem] = []
    doc = import_vale(path, warnings)
    _schema_valid(doc)
    by_term = {e["term"]: e for e in doc["entries"]}
    assert by_term["JavaScript"]["variants"] == ["javascript"]
    assert by_term["JavaScript"]["action"] == "fix"
    assert by_term["email address"]["patterns"] == [r"(?i:\b(?:e-?mail address(es)?)\b)"]
    # "$1" cannot be expressed: skipped, and the warning points at the key
    assert "change to the $1 folder" not in by_term
    assert [(w.line, w.column, w.severity) for w in warnings] == [(9, 3, "warning")]
    n = _roundtrip(doc)
    assert n.fix("I wrote a javascript tool.").text == "I wrote a JavaScript tool."
    assert n.fix("Send e-mail addresses.").text == "Send email address."


def test_vale_case_sensitive_rule_stays_case_sensitive(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "KeepCase.yml",
        "extends: substitution\nignorecase: false\nswap:\n  Mutual TLS: mutual TLS\n",
    )
    doc = import_vale(path)
    entry = doc["entries"][0]
    assert entry["patterns"] == [r"(?-i:\b(?:Mutual TLS)\b)"]
    assert entry["action"] == "suggest"  # no `action: replace`: Vale only flags it
    n = _roundtrip(doc)
    assert [s.rule for s in n.check("The Mutual TLS way.").suggestions] == [
        f"{doc['name']}/mutual-tls"
    ]
    assert n.check("The MUTUAL tls way.").suggestions == ()


def test_vale_capitalize_means_case_match(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "Cap.yml",
        "extends: substitution\nignorecase: true\ncapitalize: true\n"
        "action: {name: replace}\nswap:\n  mankind: human kind\n",
    )
    n = _roundtrip(import_vale(path))
    assert n.fix("Mankind and mankind.").text == "Human kind and human kind."


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("extends: existence\ntokens: [a]\n", 1, "extends: substitution"),
        ("extends: substitution\nswap: []\n", 2, "swap"),
        ("extends: substitution\nswap:\n  a: [b\n", 4, "YAML syntax"),
    ],
)
def test_vale_errors_are_located(tmp_path: Path, text: str, line: int, fragment: str) -> None:
    path = _write(tmp_path, "Bad.yml", text)
    with pytest.raises(GlossaryError) as info:
        import_vale(path)
    problem = info.value.problems[0]
    assert (problem.path, problem.line) == (str(path), line)
    assert fragment in problem.message


# ---------------------------------------------------------------- CSV / TSV


def test_csv_with_header_in_any_column_order(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "terms.csv",
        'note,correct,incorrect\n"MT, literal",Sputnik V,Satellite V\n,Nord Stream,North Stream\n',
    )
    doc = import_csv(path)
    _schema_valid(doc)
    assert [(e["term"], e["variants"], e.get("note")) for e in doc["entries"]] == [
        ("Sputnik V", ["Satellite V"], "MT, literal"),
        ("Nord Stream", ["North Stream"], None),
    ]
    assert _roundtrip(doc).fix("the Satellite V jab").text == "the Sputnik V jab"


def test_csv_without_header_groups_variants_and_warns_on_conflicts(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "t.csv",
        "# comment\nNewbie,Novichok\nNovice,Novichok\nnewbie,Beginner\nnovichok,Novichok\n",
    )
    warnings: list[Problem] = []
    doc = import_csv(path, warnings)
    assert [(e["term"], e["variants"]) for e in doc["entries"]] == [
        ("Novichok", ["Newbie", "Novice", "novichok"])
    ]
    assert [w.line for w in warnings] == [4]
    assert "already maps" in warnings[0].message


def test_tsv_and_short_row_error(tmp_path: Path) -> None:
    doc = import_tsv(
        _write(tmp_path, "t.tsv", "wrong\tright\tnote\nRIA News\tRIA Novosti\tagency\n")
    )
    assert doc["entries"][0]["variants"] == ["RIA News"]
    with pytest.raises(GlossaryError) as info:
        import_tsv(_write(tmp_path, "bad.tsv", "a\tb\nonly-one\n"))
    assert (info.value.problems[0].line, "TAB" in info.value.problems[0].message) == (2, True)


# ---------------------------------------------------------------- TBX

TBX3 = """<?xml version="1.0" encoding="UTF-8"?>
<tbx style="dca" type="TBX-Basic" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
 <text><body>
  <conceptEntry id="c1">
   <descrip type="definition">Nerve agent.</descrip>
   <langSec xml:lang="ru"><termSec><term>Новичок</term></termSec></langSec>
   <langSec xml:lang="en">
    <termSec><term>Novichok</term>
     <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec>
    <termSec><term>Newbie</term>
     <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></termSec>
    <termSec><term>Novichok agent</term>
     <termNote type="administrativeStatus">admittedTerm-admn-sts</termNote></termSec>
   </langSec>
  </conceptEntry>
  <conceptEntry id="c2">
   <langSec xml:lang="en-GB"><termSec><term>Kremlin</term></termSec></langSec>
  </conceptEntry>
 </body></text>
</tbx>
"""

TBX2 = """<?xml version="1.0"?>
<martif type="TBX" xml:lang="en"><text><body>
 <termEntry id="t1">
  <langSet xml:lang="ru"><tig><term>Северный поток</term></tig></langSet>
  <langSet xml:lang="en">
   <tig><term>Nord Stream</term></tig>
   <tig><term>North Stream</term>
    <termNote type="administrativeStatus">supersededTerm-admn-sts</termNote></tig>
  </langSet>
 </termEntry>
</body></text></martif>
"""


def test_tbx3_deprecated_terms_become_variants(tmp_path: Path) -> None:
    doc = import_tbx(_write(tmp_path, "terms.tbx", TBX3))
    _schema_valid(doc)
    assert doc["languages"] == {"source": "ru", "target": "en"}
    [entry] = doc["entries"]  # concept c2 has nothing to replace; admitted terms are not wrong
    assert (entry["term"], entry["variants"], entry["source"]) == (
        "Novichok",
        ["Newbie"],
        ["новичок"],
    )
    assert entry["note"] == "Nerve agent."
    assert _roundtrip(doc).fix("a Newbie").text == "a Novichok"


def test_tbx2_martif_and_syntax_error(tmp_path: Path) -> None:
    doc = import_tbx(_write(tmp_path, "old.tbx", TBX2))
    assert [(e["term"], e["variants"]) for e in doc["entries"]] == [
        ("Nord Stream", ["North Stream"])
    ]
    with pytest.raises(GlossaryError) as info:
        import_tbx(_write(tmp_path, "broken.tbx", "<tbx>\n<text>\n</tbx>\n"))
    assert info.value.problems[0].line == 3
    with pytest.raises(GlossaryError, match="target-lang"):
        import_tbx(_write(tmp_path, "fr.tbx", TBX2), target_lang="fr")


# ---------------------------------------------------------------- LanguageTool


def test_languagetool_alternatives_messages_and_urls(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "replace.txt",
        "# comment\nJo Biden|Joe Bidden=Joe Biden\tUse the name.\n"
        "irregardless=regardless|irrespective\nKöln=Cologne\thttps://example.org/x\n",
    )
    doc = import_languagetool(path)
    _schema_valid(doc)
    entries = {e["term"]: e for e in doc["entries"]}
    assert entries["Joe Biden"]["variants"] == ["Jo Biden", "Joe Bidden"]
    assert entries["Joe Biden"]["note"] == "Use the name."
    assert entries["regardless"]["action"] == "suggest"
    assert "irrespective" in entries["regardless"]["note"]
    assert entries["Cologne"]["note"] == "See https://example.org/x"
    n = _roundtrip(doc)
    assert n.fix("In Köln, jo biden spoke.").text == "In Cologne, Joe Biden spoke."
    assert n.fix("irregardless").text == "irregardless"  # a suggestion only


def test_languagetool_line_without_equals_is_located(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError) as info:
        import_languagetool(_write(tmp_path, "r.txt", "a=b\n\nnonsense line\n"))
    assert (info.value.problems[0].line, info.value.problems[0].column) == (3, 1)


def test_real_languagetool_file_imports_and_loads(tmp_path: Path) -> None:
    path = SHARED / "languagetool-replace-en" / "replace.txt"
    if not path.is_file():
        pytest.skip("../shared/external is not present")
    doc = import_languagetool(path)
    _schema_valid(doc)
    assert len(doc["entries"]) > 100
    n = _roundtrip(doc)
    assert n.fix("We flew to München.").text == "We flew to Munich."
    assert n.check("We flew to Munich.").edits == ()


# ---------------------------------------------------------------- command line and merging


def test_main_writes_a_loadable_file_and_merges(tmp_path: Path) -> None:
    a = _write(tmp_path, "a.csv", "Satellite V,Sputnik V\n")
    b = _write(tmp_path, "b.csv", "North Stream,Nord Stream\n")
    out = tmp_path / "out.yaml"
    assert main(["--from", "csv", str(a), str(b), "-o", str(out), "--name", "Mine"]) == 0
    glossary, problems = load_glossary_text(out.read_text(encoding="utf-8"), str(out))
    assert problems == [] and glossary is not None
    assert glossary.name == "mine"
    assert [e.term for e in glossary.entries] == ["Sputnik V", "Nord Stream"]


def test_main_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = _write(tmp_path, "bad.txt", "no equals sign\n")
    assert main(["--from", "languagetool", str(bad), str(tmp_path / "missing.txt")]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:1:1:" in err and "missing.txt" in err  # every bad file reported at once
    assert main(["--from", "nope", str(bad)]) == 2


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        import_csv(tmp_path / "absent.csv")
    with pytest.raises(GlossaryError):
        import_files("csv", [tmp_path / "absent.csv"])


_word = st.text(st.characters(whitelist_categories=("Lu", "Ll")), min_size=1, max_size=8)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_word, _word), min_size=1, max_size=8))
def test_any_csv_pairs_give_a_loadable_glossary(tmp_path_factory: Any, pairs: Any) -> None:
    path = tmp_path_factory.mktemp("csv") / "g.csv"
    path.write_text("".join(f"{w},{r}\n" for w, r in pairs), encoding="utf-8")
    doc = import_csv(path)
    if doc["entries"]:
        n = _roundtrip(doc)
        for entry in doc["entries"]:
            # the spec's default: fixed if the term has a capital letter (any Lu, even one
            # without a lower-case form such as U+1D6E2), else match
            mode = "fixed" if any(ch.isupper() for ch in entry["term"]) else "match"
            for variant in entry["variants"]:  # a text that is just the variant becomes the term
                assert n.fix(variant).text == apply_case(entry["term"], variant, mode)
