"""Edit invariants over random text and random glossaries (hypothesis).

- replaying ``report.edits`` on the original gives ``report.text``; every edit's ``old`` is the
  original text at its offsets, and edits never overlap;
- ``fix(fix(x).text)`` changes nothing;
- bytes outside edits are untouched (CRLF, BOM, trailing spaces, no final newline);
- no input crashes the engine with the default rules.
"""

from __future__ import annotations

import functools
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normalizer import Normalizer
from normalizer.edits import apply_edits
from normalizer.glossary_model import Context, Entry, Glossary

# Variants, terms and context words come from disjoint vocabularies, so a replacement can never
# create a new match or change a context: that is what makes idempotence a fair property.
VARIANT_WORDS = [
    "newbie",
    "sailor",
    "silence",
    "companion",
    "businessman",
    "jellyfish",
    "apple",
    "rain",
    "İstanbul",
    "straße",
    "ёлка",
    "o'brien",
    "u.s.",
]
TERM_WORDS = [
    "Novichok",
    "Matrosskaya",
    "Tishina",
    "Kommersant",
    "Meduza",
    "Yabloko",
    "Dozhd",
    "ally",
    "allies",
    "Kinzhal",
]
CONTEXT_WORDS = ["poison", "prison", "navalny", "newspaper", "team"]
FILLER = ["the", "with", "of", "on", "was", "x", "42", "—", "Putin"]
SEPARATORS = [
    " ",
    "  ",
    "&#160;",  # an entity between two words of a variant: mended, the variant is complete
    "&nbsp;",
    "\n",
    "\r\n",
    "\u00a0",
    ", ",
    ". ",
    "«",
    "»",
    "“",
    "”",
    "'s ",
    "’",
    "\t",
    "-",
    "\ufeff",
    "😀",
    "\u0301",
    "..",
    "&# 160;",
]

words = st.lists(st.sampled_from(VARIANT_WORDS), min_size=1, max_size=3).map(" ".join)


@st.composite
def entries(draw: st.DrawFn, i: int) -> Entry:
    variants = tuple(draw(st.lists(words, min_size=1, max_size=3, unique_by=str.casefold)))
    term = draw(st.lists(st.sampled_from(TERM_WORDS), min_size=1, max_size=2).map(" ".join))
    context = None
    if draw(st.booleans()):
        context = Context(
            near=tuple(draw(st.lists(st.sampled_from(CONTEXT_WORDS), max_size=2))),
            not_near=tuple(draw(st.lists(st.sampled_from(CONTEXT_WORDS), max_size=1))),
            window=draw(st.none() | st.integers(1, 6)),
        )
        if not context.near and not context.not_near:
            context = None
    return Entry(
        term=term,
        id=f"e{i}",
        glossary="prop",
        variants=variants,
        context=context,
        case=draw(st.sampled_from(["fixed", "match"])),
        unquote=draw(st.booleans()),
    )


@st.composite
def glossaries(draw: st.DrawFn) -> Glossary:
    n = draw(st.integers(1, 5))
    return Glossary(name="prop", entries=tuple(draw(entries(i)) for i in range(n)))


texts = st.lists(
    st.sampled_from(VARIANT_WORDS + TERM_WORDS + CONTEXT_WORDS + FILLER).map(
        lambda w: w.upper() if w.startswith("s") else w
    )
    | st.sampled_from(SEPARATORS),
    max_size=40,
).map("".join)


@functools.lru_cache(maxsize=64)
def _normalizer(glossary: Glossary, engine: str = "auto") -> Normalizer:
    return Normalizer([glossary], engine=engine)


def _check_report(text: str, n: Normalizer) -> str:
    report = n.fix(text)
    edits = sorted(report.edits, key=lambda e: e.start)
    for a, b in zip(edits, edits[1:], strict=False):
        assert a.end <= b.start, "edits overlap"
    for e in edits:
        assert text[e.start : e.end] == e.old
    assert apply_edits(text, edits) == report.text
    # untouched outside edits: the gaps between edits are copied byte for byte
    pos = 0
    out = report.text
    shift = 0
    for e in edits:
        assert out[pos + shift : e.start + shift] == text[pos : e.start]
        shift += len(e.new) - len(e.old)
        pos = e.end
    assert out[pos + shift :] == text[pos:]
    return report.text


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(glossaries(), texts)
def test_replay_untouched_and_idempotent(glossary: Glossary, text: str) -> None:
    n = _normalizer(glossary)
    fixed = _check_report(text, n)
    again = n.fix(fixed)
    assert again.text == fixed, (again.edits, again.suggestions)


@SETTINGS
@given(glossaries(), texts)
def test_finders_agree(glossary: Glossary, text: str) -> None:
    reference = _normalizer(glossary, "reference").check(text)
    for engine in ("aho", "python"):
        got = _normalizer(glossary, engine).check(text)
        assert got.edits == reference.edits
        assert got.suggestions == reference.suggestions


# the shipped glossary (through the project's config.yaml) and every default rule
DEFAULT = Normalizer.from_config(Path(__file__).resolve().parents[1] / "config.yaml")
assert DEFAULT.entries, "the shipped glossary is loaded"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_no_crash_on_any_unicode(text: str) -> None:
    report = DEFAULT.check(text)
    assert all(text[e.start : e.end] == e.old for e in report.edits)
    _check_report(text, DEFAULT)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_default_rules_idempotent(text: str) -> None:
    fixed = _check_report(text, DEFAULT)
    assert DEFAULT.fix(fixed).text == fixed


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aAnN \t\n\u00a0'\u2019bx_é1", max_size=24))
def test_article_precheck_never_hides_an_article(text: str) -> None:
    """The glossary stage runs the article regex only where a cheap test allows a match."""
    from normalizer.glossary_rules import _ARTICLE_BEFORE, _may_follow_article

    for s in range(2, len(text) + 1):
        if text[s - 1].isspace() and not _may_follow_article(text, s - 2):
            assert _ARTICLE_BEFORE.search(text, max(0, s - 12), s) is None, (text, s)


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet="aBcDxyZ1_ '’-.İßéÉǅ\u0301ªΣσς", max_size=12),
    st.text(alphabet="NovichokMATRO sß-'", min_size=1, max_size=10),
    st.sampled_from(["fixed", "match"]),
)
def test_case_class_table_is_apply_case(matched: str, term: str, mode: str) -> None:
    """The glossary stage picks one of four precomputed forms by the matched text's case class."""
    from normalizer.casing import apply_case, case_class, case_forms

    assert case_forms(term, mode)[case_class(matched)] == apply_case(term, matched, mode)


URLISH = ["www.", "WWW.", "_www.", "éwww.", "xwww.", "www", "http://", "a@b.co", "Newbie", "ёлка"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(URLISH + SEPARATORS + FILLER), max_size=20).map("".join),
    st.sampled_from(["newbie", "ёлка", "www", "kelvin"]),
)
def test_www_hint_never_hides_a_url(text: str, variant: str) -> None:
    """The glossary scan also tells whether "www." may start a URL; protected spans computed
    with that hint are the protected spans."""
    import re

    from normalizer.glossary_rules import GlossaryMatcher
    from normalizer.protect import protected_spans

    entry = Entry(term="T", id="t", glossary="g", variants=(variant,))
    for text_ in (text, text + "\u212a"):  # KELVIN SIGN: the folding path
        _, _, www = GlossaryMatcher([entry], "aho").rewrites_www(text_)
        assert www or not re.search(r"\bwww\.", text_)
        assert protected_spans(text_, www=www) == protected_spans(text_)


@st.composite
def _edit_set(draw: st.DrawFn, text: str) -> list:
    """Sorted, non-overlapping edits on ``text`` (insertions, deletions, replacements)."""
    from normalizer.edits import Edit

    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=12)))
    edits, pos = [], 0
    for a, b in zip(cuts[::2], cuts[1::2], strict=False):
        if a < pos:
            continue
        new = draw(st.text(alphabet="xyz«» ", max_size=4))
        edits.append(Edit(a, b, text[a:b], new, "r"))
        pos = b if b > a else b + 1  # at most one insertion per offset
    return edits


@given(st.data(), st.text(alphabet="ab c.\n«»", max_size=60))
@settings(max_examples=300, deadline=None)
def test_compose_edits_equals_applying_both_passes(data: st.DataObject, text: str) -> None:
    from normalizer.edits import compose_edits

    first = data.draw(_edit_set(text))
    mid = apply_edits(text, first)
    second = data.draw(_edit_set(mid))
    composed = compose_edits(text, first, second)
    assert apply_edits(text, composed) == apply_edits(mid, second)
    assert all(text[e.start : e.end] == e.old for e in composed)
    assert all(a.end <= b.start for a, b in zip(composed, composed[1:], strict=False))
    # a first edit that is not joined to a second edit (touching it, or a first edit joined to
    # one) is reported as it was, even when it touches another first edit: whether a second
    # pass ran elsewhere must not change it
    spans, shift = [], 0
    for e in first:
        spans.append((e.start + shift, e.start + shift + len(e.new)))
        shift += len(e.new) - len(e.old)
    joined = [any(x.start <= hi and lo <= x.end for x in second) for lo, hi in spans]
    for _ in first:  # spread along chains of touching first edits
        for i in range(1, len(spans)):
            if spans[i - 1][1] >= spans[i][0] and (joined[i - 1] or joined[i]):
                joined[i - 1] = joined[i] = True
    assert all(e in composed for e, j in zip(first, joined, strict=True) if not j)
