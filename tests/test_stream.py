"""Streamed normalization equals whole-text normalization, at any chunk size."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normalizer import Normalizer
from normalizer.glossary import load_glossary_text
from normalizer.stream import fix_stream

GLOSSARY = """
name: news
languages: {source: ru, target: en}
entries:
  - term: Novichok
    variants: [Newbie]
    context: {near: [poison, nerve agent], window: 4}
  - term: Matrosskaya Tishina
    variants: [Sailor silence, Sailor's silence]
  - term: ally
    variants: [companion]
    case: match
  - term: Echo of Moscow
    variants: [Echo Moskvy]
"""
WORDS = [
    "Newbie",
    "newbie",
    "poison",
    "nerve agent",
    "Sailor",
    "silence",
    "a",
    "companion",
    "Echo",
    "Moskvy",
    "the",
    "team",
    "«Newbie»",
    "outlets..",
    "&#160;",
    "«",
    "»",
    "said",
]
SEPS = [" ", "  ", "\n", "\n\n", ". ", ", ", " \n ", "\u00a0", ""]
texts = st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPS)), max_size=120).map(
    lambda parts: "".join(w + s for w, s in parts)
)


def _normalizer(**kw: object) -> Normalizer:
    g, problems = load_glossary_text(GLOSSARY, "<news>")
    assert g is not None, problems
    return Normalizer([g], **kw)


GLOSSARY_ONLY = _normalizer(select=["news"])
DEFAULTS = _normalizer(rules={"cleanup": "fix"})


def _streamed(n: Normalizer, text: str, chunk: int, overlap: int) -> tuple[str, int]:
    out = io.StringIO()
    stats = fix_stream(n, io.StringIO(text), out, chunk_size=chunk, overlap=overlap)
    assert stats.chars_in == len(text)
    return out.getvalue(), stats.edits


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, chunk=st.integers(1, 300))
def test_streamed_glossary_equals_whole_text(text: str, chunk: int) -> None:
    whole = GLOSSARY_ONLY.fix(text)
    out, edits = _streamed(GLOSSARY_ONLY, text, chunk, overlap=400)
    assert out == whole.text
    assert edits == len(whole.edits)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, chunk=st.integers(1, 300))
def test_streamed_default_rules_equal_whole_text(text: str, chunk: int) -> None:
    out, _ = _streamed(DEFAULTS, text, chunk, overlap=2000)
    assert out == DEFAULTS.fix(text).text


def test_multi_line_variant_across_every_seam() -> None:
    text = ("x " * 50 + "Sailor \n\n silence ") * 20
    whole = GLOSSARY_ONLY.fix(text).text
    assert whole.count("Matrosskaya Tishina") == 20
    for chunk in range(1, 40):
        assert _streamed(GLOSSARY_ONLY, text, chunk, overlap=64)[0] == whole


def test_findings_are_reported_with_whole_text_offsets() -> None:
    text = "the poison Newbie.\n" * 300
    seen = []
    fix_stream(
        GLOSSARY_ONLY,
        io.StringIO(text),
        io.StringIO(),
        chunk_size=97,
        overlap=200,
        on_findings=lambda edits, _s: seen.extend(edits),
    )
    assert [(e.start, e.end, e.new) for e in seen] == [
        (e.start, e.end, e.new) for e in GLOSSARY_ONLY.check(text).edits
    ]


def test_bad_sizes_are_rejected() -> None:
    with pytest.raises(ValueError):
        fix_stream(GLOSSARY_ONLY, io.StringIO("x"), io.StringIO(), chunk_size=0)
