"""Suspect detection: data-driven cases, the seed article, covered spans, rules, the scorer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from normalizer.edits import Suggestion
from normalizer.glossary_model import Context, Entry
from normalizer.scoring.base import StaticScorer
from normalizer.suspects import MIN_SCORE, find_suspects

ROOT = Path(__file__).resolve().parents[1]
CASES = yaml.safe_load((ROOT / "tests" / "cases" / "suspects.yaml").read_text(encoding="utf-8"))


def _entries(raw: list[dict[str, Any]]) -> list[Entry]:
    out = []
    for i, e in enumerate(raw):
        ctx = Context(near=tuple(e["near"])) if e.get("near") else None
        out.append(
            Entry(
                term=e["term"],
                id=f"e{i}",
                glossary="test",
                variants=tuple(e.get("variants", ())),
                source=tuple(e.get("source", ())),
                context=ctx,
            )
        )
    return out


def _run(case: dict[str, Any]) -> list[Suggestion]:
    return find_suspects(
        case["input"],
        covered=(),
        entries=_entries(case.get("entries", [])),
        source=case.get("source"),
    )


@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_case(case: dict[str, Any]) -> None:
    found = _run(case)
    expected = case["expect"]
    assert len(found) == len(expected), [(s.text, s.rule, s.message) for s in found]
    for s, want in zip(found, expected, strict=True):
        if "text" in want:
            assert s.text == want["text"]
        if "rule" in want:
            assert s.rule == want["rule"]
        if "candidate" in want:
            assert s.candidates, s
            assert s.candidates[0].text == want["candidate"]


def test_seed_article_top_suspects() -> None:
    text = (ROOT / "examples" / "navalny-mt.txt").read_text(encoding="utf-8")
    found = find_suspects(text, covered=(), entries=())
    texts = [s.text for s in sorted(found, key=lambda s: -s.score)]
    for name in ("Newbie", "Sailor silence", "Companions"):
        assert name in texts[:6], texts
    # and nothing else in the article is a suspect: its names are ordinary English names
    assert set(texts) == {"Newbie", "Sailor silence", "Companions"}


def test_suggestions_are_valid_and_sorted() -> None:
    text = "Held in «Sailor silence». Russia fired the Dagger missile. «Newbie» again."
    found = find_suspects(text, covered=(), entries=())
    assert [s.start for s in found] == sorted(s.start for s in found)
    for s in found:
        assert text[s.start : s.end] == s.text
        assert MIN_SCORE <= s.score <= 1.0
        assert s.message
        assert s.rule.startswith("suspect/")


def test_covered_spans_are_not_reported() -> None:
    text = "poisoned with «Newbie» in the detention center «Sailor silence»."
    start = text.index("Newbie")
    found = find_suspects(text, covered=[(start - 1, start + 7)], entries=())
    assert [s.text for s in found] == ["Sailor silence"]


def test_disabled_rules_are_not_reported() -> None:
    text = "poisoned with «Newbie»; the Dagger missile."
    found = find_suspects(text, covered=(), entries=(), enabled=lambda r: r != "suspect/quoted")
    assert [s.text for s in found] == ["Dagger"]


def test_cyrillic_is_left_to_cleanup_untranslated() -> None:
    assert find_suspects("poisoned with «Новичок» agent", covered=(), entries=()) == []


def test_scorer_is_asked_once_about_suspects_only_and_reranks() -> None:
    calls: list[int] = []

    class Counting(StaticScorer):
        def artifact_scores(self, spans):  # type: ignore[no-untyped-def]
            calls.append(len(spans))
            assert all(s.sentence[s.start : s.end] == s.text for s in spans)
            return super().artifact_scores(spans)

    scorer = Counting(artifacts={"newbie": 1.0, "sailor silence": 0.0}, default=0.5)
    text = "He was poisoned with «Newbie». He sat in «Sailor silence». Plain sentence here."
    found = find_suspects(text, covered=(), entries=(), scorer=scorer)
    assert calls == [2]
    by_text = {s.text: s.score for s in found}
    assert by_text["Newbie"] > by_text["Sailor silence"]

    src = "Его отравили «Новичком»."
    entries = [Entry(term="Novichok-X", id="n", glossary="g", variants=("Newbies",))]
    text2 = "poisoned with «Newbie»."
    plain = find_suspects(text2, covered=(), entries=entries, source=src)
    assert [c.text for c in plain[0].candidates] == ["Novichok-X", "Novichok"]
    ranker = StaticScorer(candidates={"novichok": 1.0, "novichok-x": 0.0})
    ranked = find_suspects(text2, covered=(), entries=entries, source=src, scorer=ranker)
    assert [c.text for c in ranked[0].candidates] == ["Novichok", "Novichok-X"]
    assert [c.origin for c in ranked[0].candidates] == ["transliteration", "glossary"]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('abcXYZ «»"“”„.,-\n2VİßЖ')), max_size=60))
def test_offsets_are_valid_for_any_text(text: str) -> None:
    for s in find_suspects(text, covered=(), entries=(), source=text):
        assert 0 <= s.start <= s.end <= len(text)
        assert text[s.start : s.end] == s.text
        assert 0.0 <= s.score <= 1.0


def _brute_near_misses(text: str, entries: list[Entry]) -> list[tuple[int, int, str]]:
    """Every window against every variant, the way the detector worked before its index."""
    from normalizer.suspects_lex import sentences
    from normalizer.suspects_near import NearIndex, _near_window

    found = []
    sents = sentences(text)
    for v in NearIndex(entries).variants:
        for s in sents:
            folded = [t.text.casefold() for t in s.tokens]
            for i in range(len(folded)):
                words = [(t.start, t.end, t.text) for t in s.tokens[i:]]
                hit = _near_window(text, (s.start, s.end), words, v, i > 0)
                if hit is not None:
                    found.append((hit.start, hit.end, hit.reason))
    return found


_WORDS = st.sampled_from(["sailor", "sailors", "silence", "silense", "newbie", "newbies", "nevbie"])


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(_WORDS, st.booleans(), st.sampled_from([" ", "-", ", "])), max_size=12),
    st.lists(st.lists(_WORDS, min_size=1, max_size=3), min_size=1, max_size=4),
)
def test_near_miss_index_finds_what_brute_force_finds(
    words: list[tuple[str, bool, str]], variants: list[list[str]]
) -> None:
    from normalizer.suspects_lex import SentenceTable
    from normalizer.suspects_near import near_miss_hits

    quote = {0: "", 1: "«", 2: '"'}  # some words quoted: quoted words are names too
    text = "The" + "".join(
        sep + quote[len(w) % 3] + (w.title() if cap else w) for w, cap, sep in words
    )
    text += "."
    entries = [
        Entry(term="Zzq", id=f"v{i}", glossary="t", variants=(" ".join(v).title(),))
        for i, v in enumerate(variants)
    ]
    fast = [(h.start, h.end, h.reason) for h in near_miss_hits(text, SentenceTable(text), entries)]
    assert fast == _brute_near_misses(text, entries)


def test_near_miss_index_is_built_once_per_entries_tuple() -> None:
    from normalizer.suspects_near import near_index

    entries = tuple(_entries([{"term": "Novichok", "variants": ["Newbie"]}]))
    assert near_index(entries) is near_index(entries)
    assert near_index(list(entries)) is not near_index(list(entries))


def test_word_table_gives_wordfreq_s_own_answers(tmp_path: Path, monkeypatch: Any) -> None:
    """The cached table of common words answers exactly as wordfreq does, for plain words,
    compounds, possessives and rare words (built in a fresh cache, then read back)."""
    import statistics

    from wordfreq import zipf_frequency

    from normalizer import suspects_lex as lex

    def reference(word: str) -> tuple[float, bool]:
        folded = word.casefold()
        en = float(zipf_frequency(folded, "en"))
        others = [zipf_frequency(folded, lang) for lang in lex._OTHER_LANGUAGES]
        gap = en - statistics.median(others)
        return en, en >= 3.0 and gap >= 0.75

    monkeypatch.setenv("MTNORM_CACHE_DIR", str(tmp_path))
    words = ["Silence", "sailor", "Newbie", "Companions", "Putin", "Hong", "the", "Dagger"]
    words += ["anti-corruption", "so-called", "well-known", "Navalny’s", "don’t", "it's"]
    words += ["zzqx", "matrosskaya", "sailor-zzqx", "Moscow", "newspaper", "x-ray"]
    try:
        for attempt in ("built", "read back"):
            lex._word_table.cache_clear()
            lex.zipf_en.cache_clear()
            lex.name_gap.cache_clear()
            assert lex._word_table() is not None, attempt
            for w in words:
                en, lexical = reference(w)
                assert lex.is_lexical(w) == lexical, (attempt, w)
                assert lex.zipf_en_at_least(w, 3.0) == (en >= 3.0), (attempt, w)
                if en >= 3.0:
                    assert lex.zipf_en(w) == en, (attempt, w)
        assert [p.name for p in tmp_path.glob("wordfacts-*")], "the table was not cached"
    finally:
        lex._word_table.cache_clear()
        lex.zipf_en.cache_clear()
        lex.name_gap.cache_clear()


def test_near_miss_opens_only_at_whole_words() -> None:
    from normalizer.suspects_lex import SentenceTable
    from normalizer.suspects_near import near_miss_hits

    entries = [Entry(term="Zzq", id="v0", glossary="t", variants=("Silence",))]
    for text, want in (
        ("The Silense is here.", ["Silense"]),
        ("The «silense» is here.", ["silense"]),
        ("The sailor-Silense is here.", []),  # part of the word "sailor-Silense"
        ("The sailor’Silense is here.", []),
        ("The silense is here.", []),  # lower case: not a name
    ):
        hits = near_miss_hits(text, SentenceTable(text), entries)
        assert [text[h.start : h.end] for h in hits] == want, text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(" \t\n\r.!?…»“\"')]ab")), max_size=40))
def test_sentence_split_is_the_lookbehind_split(text: str) -> None:
    """The split matches sentence marks rather than looking behind for them (faster): same
    sentences as the lookbehind pattern it replaced."""
    import regex

    from normalizer.suspects_lex import sentence_spans

    end = regex.compile(r"(?<=[.!?…][»“”\"')\]]?)[ \t]+(?=\S)|\r?\n")
    want, pos = [], 0
    for m in end.finditer(text):
        if m.start() > pos:
            want.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        want.append((pos, len(text)))
    assert sentence_spans(text) == want


def _all_sentence_hits(text: str) -> list[Any]:
    """Every target detector over every sentence: what the gates must not change."""
    from normalizer import suspects_signals as sig
    from normalizer.suspects_lex import sentences

    sents = sentences(text)
    return [
        *sig.quoted_hits(text),
        *sig.plain_quoted_hits(text, sents),
        *sig.calque_hits(text, sents),
        *sig.credit_hits(text),
        *sig.designator_hits(text, sents),
        *sig.type_noun_hits(text, sents),
        *sig.group_name_hits(text, sents),
    ]


def _gated_hits(text: str) -> list[Any]:
    from normalizer.suspects import _target_hits
    from normalizer.suspects_lex import SentenceTable

    return _target_hits(text, SentenceTable(text))


def test_gates_keep_every_hit_on_real_text() -> None:
    texts = [(ROOT / "examples" / "navalny-mt.txt").read_text(encoding="utf-8")]
    texts += [c["input"] for c in CASES]
    texts += [
        "Russia approved the Satellite V, a vaccine. The U.S. did not.",
        "the satellite V vaccine - and the Dagger II missile; Companions of Navalny said",
        'the newspaper "New Newspaper" and the Sailor of Silence Times: Sailor Silence',
    ]
    wmt = ROOT.parent / "shared" / "external" / "wmt22-general-ru-en"
    for f in sorted(wmt.glob("generaltest2022.ru-en.hyp.*.en"))[:2]:
        texts.append(f.read_text(encoding="utf-8")[:150_000])
    for text in texts:
        assert _gated_hits(text) == _all_sentence_hits(text)


_PIECES = st.sampled_from(
    [
        "Sailor",
        "Silence",
        "Newbie",
        "Dagger",
        "V",
        "II",
        "U.S.",
        "of",
        "the",
        "Moscow",
        "said",
        "newspaper",
        "missile",
        "Companions",
        "Navalny",
        "anti-Kremlin",
        "«",
        "»",
        '"',
        "“",
        "”",
        ": ",
        " - ",
        ". ",
        ", ",
        "\n",
        "The",
        "New",
        "Russia",
        "State",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_PIECES, st.sampled_from([" ", "", "  "])), max_size=25))
def test_gates_keep_every_hit(pieces: list[tuple[str, str]]) -> None:
    text = "".join(p + sep for p, sep in pieces)
    assert _gated_hits(text) == _all_sentence_hits(text)


def test_a_huge_word_costs_no_deletion_neighbourhood() -> None:
    """A 10,000-letter capitalized word is longer than any variant word: no lookup of its
    (50 million) deletions, which once exhausted the memory."""
    import time

    entries = _entries([{"term": "Novichok", "variants": ["Newbie", "Sailor Silence"]}])
    for text in ("İ" * 10000 + " poison Newbies", "The " + "Ab" * 20000 + " Newbies."):
        started = time.perf_counter()
        found = find_suspects(text, covered=(), entries=entries)
        assert time.perf_counter() - started < 5
        assert [s.text for s in found] == ["Newbies"]


def _levenshtein(a: str, b: str) -> int:
    """The textbook table, no shortcuts (the reference for the fast distance checks)."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


_SHORT = st.text(alphabet="abcé", max_size=9)


@settings(max_examples=400, deadline=None)
@given(_SHORT, _SHORT, st.integers(min_value=0, max_value=4))
def test_edit_distance_and_within_agree_with_the_textbook_table(a: str, b: str, k: int) -> None:
    from normalizer.suspects_index import edit_distance, within

    d = _levenshtein(a, b)
    assert within(a, b, k) == (d <= k)
    got = edit_distance(a, b, k)
    assert got == d if d <= k else got > k


@settings(max_examples=150, deadline=None)
@given(st.lists(_SHORT.filter(bool), min_size=1, max_size=12), _SHORT.filter(bool))
def test_near_index_lookup_is_every_word_within_the_allowed_edits(
    words: list[str], token: str
) -> None:
    """The deletion-neighbourhood lookup finds exactly the (variant, position) pairs whose word
    stems like the token or is within the variant's allowed edits of it."""
    from normalizer.suspects_index import NearIndex, _allowed, _stem

    variants = [" ".join(words[i : i + 2]) for i in range(len(words))]
    entries = [
        Entry(term="Zzq", id=f"v{i}", glossary="t", variants=(v,)) for i, v in enumerate(variants)
    ]
    index = NearIndex(entries)
    want = {
        (v.order, p)
        for v in index.variants
        for p, w in enumerate(v.words)
        if _stem(w) == _stem(token) or _levenshtein(token, w) <= _allowed(" ".join(v.words))
    }
    assert set(index.lookup(token).pairs) == want


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=list("aB .!?…»“”\"')]\n\t\r-,«"), max_size=40))
def test_opens_sentence_only_for_first_words(text: str) -> None:
    """A capitalized word the cheap test calls a sentence's first word is one, by the table."""
    from normalizer.suspects_lex import SentenceTable
    from normalizer.suspects_scan import opens_sentence

    table = SentenceTable(text)
    for start, _, _ in table.capitals():
        k = table.index_of(start)
        assert k is not None
        if opens_sentence(text, start):
            assert not table.past_first_word(k, start)


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=list("aBé-'’ .,«»\"\n1ж\u0301_"), min_size=1, max_size=24),
    st.integers(min_value=1, max_value=4),
)
def test_near_window_reads_the_tokens_finditer_reads(text: str, count: int) -> None:
    from normalizer.suspects_near import NearIndex, _words_from

    variant = " ".join(["ab"] * count)
    window = NearIndex([Entry(term="X", id="x", glossary="g", variants=(variant,))]).window()
    for start in range(len(text)):
        if start and text[start - 1].isalnum() or not text[start].isalnum():
            continue
        for end in (start, (start + len(text)) // 2, len(text)):
            m = window.match(text, start, end)
            got = list(zip(m.starts("w"), m.ends("w"), m.captures("w"), strict=True)) if m else []
            assert got == _words_from(text, start, end, count)


_SCAN_TEXT = st.text(alphabet=list('aBs of«»„“”"-–— \n\t\u00a0.Ж'), max_size=50)


@settings(max_examples=300, deadline=None)
@given(_SCAN_TEXT)
def test_scans_tried_at_their_first_characters_match_full_scans(text: str) -> None:
    """Quotes, dash credits and group names found from str.find positions are exactly (group
    names: at least) what a full regular-expression scan finds."""
    from normalizer import suspects_signals as sig
    from normalizer.suspects import _GROUP, group_starts
    from normalizer.suspects_scan import finditer_at, positions

    def spans(ms: Any) -> list[tuple[int, int]]:
        return [m.span() for m in ms]

    assert spans(sig.plain_quotes(text)) == spans(sig.PLAIN_QUOTES.finditer(text))
    foreign = finditer_at(sig._FOREIGN_QUOTES, text, positions(text, "«„"))
    assert spans(foreign) == spans(sig._FOREIGN_QUOTES.finditer(text))
    starts = sorted({i - 1 for i in positions(text, "-–—") if i})
    assert spans(finditer_at(sig._DASH_CREDIT, text, starts)) == spans(
        sig._DASH_CREDIT.finditer(text)
    )
    found = group_starts(text)
    assert {m.start() for m in _GROUP.finditer(text)} <= set(found)
    assert all(_GROUP.match(text, s) for s in found)


_SPAN = st.tuples(st.integers(0, 30), st.integers(0, 6)).map(lambda p: (p[0], p[0] + p[1]))


@settings(max_examples=300, deadline=None)
@given(st.lists(_SPAN, max_size=12), _SPAN)
def test_covered_spans_overlap_as_the_pairwise_test_says(covered: list[Any], span: Any) -> None:
    from normalizer.suspects import _Spans

    start, end = span
    want = any(start < b and a < end for a, b in covered)
    assert _Spans(covered).overlaps(start, end) == want
