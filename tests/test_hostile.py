"""Hostile input to the core: it is refused clearly or handled, never a crash or a hang."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from normalizer import Normalizer
from normalizer.errors import GlossaryError
from normalizer.glossary import load_glossaries, load_glossary_text
from normalizer.glossary_model import Entry, Glossary

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def default() -> Normalizer:
    return Normalizer.from_config()


@pytest.mark.parametrize(
    "text",
    [
        "poison «Newbie» \ud800 lone surrogate \udfff",
        "NUL\x00bytes\x00 poison Newbie",
        "mixed\r\nline\rendings\n poison Newbie\u2028\u2029",
        "\ufeff\ufeffdouble BOM",
        "a" * 200_000,
        ("«" * 5000) + ("»" * 5000),
        "&#" * 20000 + ";",
        "." * 50000,
        " " * 100000 + "poison Newbie",
        "\u0301" * 10000,
        "İ" * 10000 + " poison Newbie",
        '" .  Sailor " ',  # a quote opening before a sentence break (found by hypothesis)
    ],
    ids=lambda t: repr(t[:20]),
)
def test_engine_survives(default: Normalizer, text: str) -> None:
    started = time.perf_counter()
    report = default.fix(text)
    assert time.perf_counter() - started < 30
    assert all(text[e.start : e.end] == e.old for e in report.edits)
    assert default.fix(report.text).text == report.text


def test_catastrophic_regex_refused_at_load() -> None:
    _, problems = load_glossary_text("name: t\nentries:\n  - term: X\n    patterns: ['(x+x+)+y']\n")
    assert any("backtrack catastrophically" in str(p) for p in problems)


def test_runtime_time_bound_on_patterns(monkeypatch: pytest.MonkeyPatch) -> None:
    """A slow pattern that slipped past the probes is stopped by the run-time bound."""
    import normalizer.glossary_rules as gr

    monkeypatch.setattr(gr, "SEARCH_TIMEOUT", 0.05)
    entry = Entry(term="X", id="x", glossary="t", patterns=(r"(a|aa)+$",))
    n = Normalizer([Glossary("t", (entry,))], select=["t"])
    started = time.perf_counter()
    findings, warnings = n._matcher.find("a" * 35 + "!")
    assert time.perf_counter() - started < 5
    assert warnings and "timed out" in warnings[0]


def test_yaml_bomb_and_python_tags_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    lines = ["name: bomb", "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    lines.append("entries: []")
    bomb.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tag = tmp_path / "tag.yaml"
    tag.write_text("name: t\nentries: !!python/object/apply:os.system ['echo pwned']\n", "utf-8")
    started = time.perf_counter()
    with pytest.raises(GlossaryError) as info:
        load_glossaries([bomb, tag])
    assert time.perf_counter() - started < 5
    assert "anchors and aliases are not allowed" in str(info.value)
    assert "is not allowed; glossaries are plain YAML" in str(info.value)


def test_binary_file_is_skipped_with_a_note(tmp_path: Path) -> None:
    f = tmp_path / "blob.bin"
    f.write_bytes(b"\x00\x01poison Newbie")
    r = subprocess.run(
        [sys.executable, "-m", "normalizer", "fix", "--in-place", str(f)],
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )
    assert r.returncode == 0 and b"binary" in r.stderr
    assert f.read_bytes() == b"\x00\x01poison Newbie"


def test_pattern_time_bound_reaches_the_report(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pattern skipped for a text is said in the report, not dropped silently."""
    import normalizer.glossary_rules as gr

    monkeypatch.setattr(gr, "SEARCH_TIMEOUT", 0.05)
    entry = Entry(term="X", id="x", glossary="t", patterns=(r"(a|aa)+$",))
    text = "a" * 35 + "!"
    report = Normalizer([Glossary("t", (entry,))], select=["t"]).fix(text)
    assert report.text == text
    [s] = report.suggestions
    assert (s.rule, s.start, s.end, s.candidates) == ("t/x", 0, 0, ())
    assert "timed out" in s.message
