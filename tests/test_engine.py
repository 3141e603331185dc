"""Engine-level behaviour: stage priority, rule levels, pickling and threads, the seed article."""

from __future__ import annotations

import pickle
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from normalizer import Normalizer
from normalizer.edits import Edit
from normalizer.engine import select_by_priority
from normalizer.glossary import load_glossary_text

GLOSSARY = load_glossary_text(
    "name: t\nentries:\n  - term: Novichok\n    variants: [Newbie]\n"
    "    context: {near: [poison]}\n  - {term: Kinzhal, variants: [Dagger], action: suggest}\n"
)[0]


def test_glossary_edit_wins_over_cleanup_inside_it() -> None:
    report = Normalizer([GLOSSARY]).check("poison «Newbie» and «x»")
    rules = [(e.rule, e.old, e.new) for e in report.edits]
    assert ("t/novichok", "«Newbie»", "Novichok") in rules
    # the quote edits inside the glossary edit are subsumed, not reported as conflicts
    assert not any("overlaps" in s.message for s in report.suggestions)
    assert [e.old for e in report.edits if e.rule == "cleanup/quotes"] == ["«", "»"]


def test_select_by_priority_prefers_earlier_and_keeps_the_rest() -> None:
    edits = [
        Edit(5, 10, "x" * 5, "y", "g"),
        Edit(4, 6, "xx", "", "c"),
        Edit(10, 11, "x", "z", "c"),
        Edit(7, 8, "x", "", "c"),
        Edit(3, 3, "", "a", "c"),
        Edit(3, 3, "", "b", "c"),
    ]
    kept, skipped = select_by_priority(edits)
    assert [(e.start, e.end, e.new) for e in kept] == [(3, 3, "a"), (5, 10, "y"), (10, 11, "z")]
    assert {(e.start, e.end) for e in skipped} == {(4, 6), (7, 8), (3, 3)}


def test_levels_warn_and_off() -> None:
    text = "poison Newbie.."
    warn = Normalizer([GLOSSARY], rules={"t": "warn", "cleanup": "off"}).fix(text)
    assert warn.text == text and [s.rule for s in warn.suggestions] == ["t/novichok"]
    assert warn.suggestions[0].candidates[0].text == "Novichok"
    off = Normalizer([GLOSSARY], rules={"t/novichok": "off"}).fix(text)
    assert off.text == "poison Newbie."
    longest_prefix = Normalizer([GLOSSARY], rules={"t": "off", "t/novichok": "fix"}).fix(text)
    assert longest_prefix.text == "poison Novichok."


def test_suggest_action_is_a_suggestion() -> None:
    report = Normalizer([GLOSSARY], select=["t"]).fix("the Dagger missile")
    assert report.text == "the Dagger missile"
    assert [(s.rule, s.candidates[0].text) for s in report.suggestions] == [
        ("t/kinzhal", "Kinzhal")
    ]


def test_pickle_round_trip_gives_the_same_reports(seed_text: str) -> None:
    n = Normalizer.from_config()
    clone = pickle.loads(pickle.dumps(n))
    assert clone.fix(seed_text) == n.fix(seed_text)


def test_thread_safe_sharing(seed_text: str) -> None:
    n = Normalizer.from_config()
    texts = [seed_text, seed_text.upper(), seed_text.replace("\n", "\r\n")] * 4
    expected = [n.fix(t) for t in texts]
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(n.fix, texts)) == expected


def test_seed_article_acceptance(seed_text: str) -> None:
    report = Normalizer.from_config().fix(seed_text)
    out = report.text
    for wanted in ("Novichok", "Matrosskaya Tishina", "Allies of Navalny"):
        assert wanted in out
    for gone in ("&# 160;", "..", "«", "»"):
        assert gone not in out
    assert "“" in out and "”" in out
    # every edit is traceable to a rule and replays onto the original
    assert all(e.rule for e in report.edits)


def test_bytes_outside_edits_untouched_crlf_bom() -> None:
    n = Normalizer([GLOSSARY], select=["t"])
    text = "\ufeffpoison Newbie\r\n  trailing  \r\nno final newline"
    assert n.fix(text).text == "\ufeffpoison Novichok\r\n  trailing  \r\nno final newline"


def test_urls_and_emails_are_not_edited() -> None:
    n = Normalizer([GLOSSARY])
    text = "see https://example.com/poison/Newbie..html or newbie@poison.org; poison «Newbie».."
    report = n.fix(text)
    assert (
        report.text
        == "see https://example.com/poison/Newbie..html or newbie@poison.org; poison Novichok."
    )
    assert all(s.start > text.index("; ") for s in report.suggestions)


def test_unchecked_edit_is_an_edit() -> None:
    from normalizer.edits import Safety, unchecked_edit

    fast = unchecked_edit(3, 5, "ab", "xyz", "g/r", "use 'xyz'", Safety.SUGGEST)
    slow = Edit(3, 5, "ab", "xyz", "g/r", "use 'xyz'", Safety.SUGGEST)
    assert type(fast) is Edit and fast == slow and hash(fast) == hash(slow)
    assert pickle.loads(pickle.dumps(fast)) == slow
    assert fast.shifted(2) == slow.shifted(2)
    try:
        fast.start = 0  # type: ignore[misc]
    except AttributeError:  # dataclasses.FrozenInstanceError
        pass
    else:
        raise AssertionError("an unchecked edit must be frozen like any edit")


def test_inside_index_agrees_with_the_definition() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from normalizer.protect import Inside, _inside

    span = st.tuples(st.integers(0, 30), st.integers(0, 8)).map(lambda t: (t[0], t[0] + t[1]))

    @settings(max_examples=300, deadline=None)
    @given(st.lists(span, min_size=1, max_size=6), span)
    def check(spans: list[tuple[int, int]], edit: tuple[int, int]) -> None:
        assert Inside(spans)(*edit) == _inside(*edit, spans)

    check()


def test_apply_suggestions_never_inserts_a_zero_width_finding() -> None:
    # "source has Новичок, translation lacks Novichok": the MT has no span for the term, so the
    # finding sits at the line start with width 0; applying it would insert the term there.
    g = load_glossary_text(
        "name: s\nentries:\n  - term: Novichok\n    variants: [Newbie]\n    source: [Новичок]\n"
    )[0]
    n = Normalizer([g], apply_suggestions=0.0)
    text = "He was poisoned with a nerve agent."
    report = n.fix(text, source="Его отравили «Новичком».")
    assert report.text == text
    [finding] = [s for s in report.suggestions if s.rule == "suspect/source-term"]
    assert finding.start == finding.end and finding.candidates[0].text == "Novichok"


SHIPPED = Normalizer.from_config(Path(__file__).resolve().parents[1] / "config.yaml")


def test_debris_inside_a_variant_is_mended_and_the_variant_fixed_in_one_run() -> None:
    n = SHIPPED
    for text, fixed in [
        (
            "He was held in Sailor&#160;silence prison.",
            "He was held in Matrosskaya Tishina prison.",
        ),
        ("He was held in «Sailor&nbsp;silence».", "He was held in Matrosskaya Tishina."),
        (
            "Held in Sailor silenc\u0435 prison.",
            "Held in Matrosskaya Tishina prison.",
        ),  # Cyrillic е
    ]:
        report = n.fix(text)
        assert report.text == fixed
        assert n.fix(report.text).text == fixed  # nothing left for a second run
        # the merged edit carries both reasons, and no suspect is left inside it
        [edit] = [e for e in report.edits if "Matrosskaya" in e.new]
        assert "Matrosskaya Tishina" in edit.message
        assert not [s for s in report.suggestions if edit.start <= s.start < edit.end]


def test_a_second_pass_in_another_paragraph_changes_nothing_here() -> None:
    """The second pass that settles a first-pass edit keeps only what touches it: a
    paragraph's fixes never depend on another paragraph (a streamed window sees only its
    neighbourhood)."""
    g = load_glossary_text(
        "name: w\nentries:\n  - term: Novichok\n    variants: [Newbie]\n"
        "    context: {near: [poison], window: 3}\n"
    )[0]
    n = Normalizer([g])
    # a Cyrillic "е" mended: the second pass finds the variant the first could not see
    conflict = "poison, Newbi\u0435 here."
    # mended entities bring "poison" into the window: a fix only a second pass would find
    # ("160" counts as a word of the window until the entity is mended)
    remote = "poison (&#160;) (&#160;) (&#160;) Newbie and other words."
    assert n.fix(remote).text == "poison ( ) ( ) ( ) Newbie and other words."
    assert n.fix(conflict).text == "poison, Novichok here."
    for a, b in [(conflict, remote), (remote, conflict)]:
        joined = n.fix(a + "\n\n" + b).text
        assert joined == n.fix(a).text + "\n\n" + n.fix(b).text
