"""The accelerated finder, the pure-Python fallback and the reference agree exactly.

Random texts and glossaries are drawn from an alphabet built to break offset bookkeeping and word
boundaries: white-space runs, no-break spaces, line breaks, ``İ`` (folds to two characters with
``str.lower``), ``ß``, both apostrophes, possessives, quotes, Cyrillic, combining marks.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normalizer import Normalizer
from normalizer.glossary_model import Entry, Glossary
from normalizer.matcher import build_finder, normalize_key, select_leftmost_longest

ROOT = Path(__file__).resolve().parents[1]
try:  # the optional accelerated scanner (x86-64 wheels): compared wherever it is installed
    import hyperscan  # noqa: F401

    FAST = ("aho", "hyperscan")
except ImportError:
    FAST = ("aho",)
WORDS = [
    "news",
    "newbie",
    "sailor",
    "silence",
    "İstanbul",
    "straße",
    "moskvy",
    "echo",
    "новичок",
    "o'brien",
    "don",
    "t",
    "s",
    "u.s.",
    "a",
    "an",
    "ally",
    "é",
    "e\u0301",
]
SEPARATORS = [
    " ",
    "  ",
    "\n",
    " \n\t",
    "\u00a0",
    "\u2009",
    "'",
    "\u2019",
    "'s ",
    "\u2019s ",
    "«",
    "»",
    "\u201c",
    "\u201d",
    '"',
    "-",
    ", ",
    ". ",
    "",
    "_",
    "\r\n",
]

word = st.tuples(st.sampled_from(WORDS), st.sampled_from([str, str.upper, str.title])).map(
    lambda wc: wc[1](wc[0])
)
texts = st.lists(st.tuples(word, st.sampled_from(SEPARATORS)), max_size=30).map(
    lambda parts: "".join(w + sep for w, sep in parts)
)
variant = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join)
keysets = st.lists(variant, min_size=1, max_size=12, unique_by=normalize_key)


def _hits(engine: str, keys: list[str], text: str) -> list[tuple[int, int, tuple[int, ...]]]:
    finder = build_finder([normalize_key(k) for k in keys], engine)
    groups = select_leftmost_longest(finder.find_all(text))
    return [(g[0].start, g[0].end, tuple(h.key for h in g)) for g in groups]


def _all_hits(engine: str, keys: list[str], text: str) -> set[tuple[int, int, int]]:
    finder = build_finder([normalize_key(k) for k in keys], engine)
    return {(h.start, h.end, h.key) for h in finder.find_all(text)}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(keys=keysets, text=texts)
def test_engines_find_the_same_occurrences(keys: list[str], text: str) -> None:
    reference = _all_hits("reference", keys, text)
    for engine in (*FAST, "python"):
        assert _all_hits(engine, keys, text) == reference, engine


@settings(max_examples=200, deadline=None)
@given(keys=keysets, text=texts)
def test_engines_choose_the_same_spans(keys: list[str], text: str) -> None:
    reference = _hits("reference", keys, text)
    for engine in (*FAST, "python"):
        assert _hits(engine, keys, text) == reference, engine


@settings(max_examples=150, deadline=None)
@given(keys=keysets, text=texts)
def test_engines_make_the_same_edits(keys: list[str], text: str) -> None:
    entries = [
        Entry(term=f"Term{i}", variants=(k,), id=f"t{i}", glossary="g") for i, k in enumerate(keys)
    ]
    g = Glossary(name="g", entries=tuple(entries))
    engines = ("reference", *FAST, "python")
    reports = [Normalizer([g], select=["g"], engine=e).fix(text) for e in engines]
    for engine, report in zip(engines[1:], reports[1:], strict=True):
        assert (report.edits, report.text) == (reports[0].edits, reports[0].text), engine


def test_seed_article_with_the_shipped_glossary() -> None:
    article = (ROOT / "examples" / "navalny-mt.txt").read_text("utf-8")
    files = sorted((ROOT / "glossary").rglob("*.yaml"))
    if not files:
        pytest.skip("shipped glossary absent")
    engines = ("reference", *FAST, "python")
    reports = [Normalizer(files, engine=e).fix(article) for e in engines]
    assert reports[0].edits, "the seed article has known artifacts"
    for engine, report in zip(engines[1:], reports[1:], strict=True):
        assert (report.edits, report.text) == (reports[0].edits, reports[0].text), engine


def test_ascii_fast_path_agrees_with_unicode_path() -> None:
    # The same words; a far-away non-ASCII character sends the text down the other path.
    keys = ["sailor silence", "u.s.", "don", "newbie"]
    text = "Sailor \n silence, U.S. don't Newbie's newbie_x NEWBIE"
    plain = _hits("aho", keys, text)
    shifted = [(s - 2, e - 2, k) for s, e, k in _hits("aho", keys, "é " + text)]
    assert plain == shifted == _hits("reference", keys, text)
    assert len(plain) == 4


# The code-point skeleton (all keys ASCII) collapses only the white-space runs a key can straddle:
# between two word characters when every space of every key is (flanked), every run otherwise.
# Texts here mix in what that path must not get wrong: "?" (which stands for every code point
# above U+00FF in that skeleton), spaces above U+00FF, NEL, separators 0x1C-0x1F, KELVIN SIGN,
# astral characters, Latin-1 letters next to words.
ASCII_WORDS = ["news", "newbie", "sailor", "silence", "don", "t", "s", "a", "an", "ally", "k", "é"]
WIDE_SEPARATORS = [
    *SEPARATORS,
    "?",
    "? ",
    " ?",
    "\u2009\u2009",
    " \u00a0",
    "\u00a0\u00a0",
    "\u3000",
    "\u0085",
    "\x1c",
    " \u2028 ",
    "\u2014",
    "\U0001f600",
    "\u212a",
    "\u00e9",
]
ascii_word = st.tuples(
    st.sampled_from(ASCII_WORDS), st.sampled_from([str, str.upper, str.title])
).map(lambda wc: wc[1](wc[0]))
wide_texts = st.lists(st.tuples(ascii_word, st.sampled_from(WIDE_SEPARATORS)), max_size=30).map(
    lambda parts: "".join(w + sep for w, sep in parts)
)
flanked_keysets = st.lists(
    st.lists(st.sampled_from(ASCII_WORDS[:-1]), min_size=1, max_size=3).map(" ".join),
    min_size=1,
    max_size=12,
    unique_by=normalize_key,
)
# one key with a space next to punctuation ("u.s. sailor") makes every run collapsible
unflanked_keysets = flanked_keysets.map(lambda ks: [*ks, "u.s. sailor", "don' t"])


@st.composite
def keys_and_text(draw: st.DrawFn) -> tuple[list[str], str]:
    """Keys, and a text made of those keys (their spaces replaced by any separator) and words."""
    keys = draw(flanked_keysets | unflanked_keysets)
    phrase = st.sampled_from(keys).flatmap(
        lambda k: st.lists(
            st.sampled_from(WIDE_SEPARATORS), min_size=k.count(" "), max_size=k.count(" ")
        ).map(
            lambda seps: "".join(w + sep for w, sep in zip(k.split(" "), [*seps, ""], strict=True))
        )
    )
    part = st.tuples(phrase.map(str.title) | phrase | ascii_word, st.sampled_from(WIDE_SEPARATORS))
    return keys, "".join(w + sep for w, sep in draw(st.lists(part, max_size=20)))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=keys_and_text())
def test_code_point_skeleton_finds_what_the_reference_finds(case: tuple[list[str], str]) -> None:
    keys, text = case
    reference = _all_hits("reference", keys, text)
    for engine in FAST:
        assert _all_hits(engine, keys, text) == reference, engine
        assert _hits(engine, keys, text) == _hits("reference", keys, text), engine


def test_runs_between_words_are_collapsed_only_where_needed() -> None:
    keys = ["sailor silence", "news"]
    text = "Sailor\n\n silence. news\u2009\u3000sailor\u00a0\u00a0silence, sailor?  silence"
    assert _hits("aho", keys, text) == _hits("reference", keys, text)
    assert [(s, e) for s, e, _ in _hits("aho", keys, text)] == [(0, 16), (18, 22), (24, 39)]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=keys_and_text(), fold=st.booleans())
def test_split_scan_finds_what_one_scan_finds(case: tuple[list[str], str], fold: bool) -> None:
    """Texts cut in two halves scanned at once (every text here, however short) lose nothing at
    the cut and count nothing twice; ``fold`` adds a non-ASCII key (the UTF-8 skeleton)."""
    from normalizer import aho

    keys, text = case
    if fold:
        keys = [*keys, "новичок"]
        text += " Новичок"
    saved = aho.PARALLEL_MIN_BYTES, os.environ.get("MTNORM_SCAN_THREADS")
    aho.PARALLEL_MIN_BYTES = 1
    os.environ["MTNORM_SCAN_THREADS"] = "2"
    try:
        split = build_finder([normalize_key(k) for k in keys], "aho").find_all(text)
    finally:
        aho.PARALLEL_MIN_BYTES = saved[0]
        if saved[1] is None:
            del os.environ["MTNORM_SCAN_THREADS"]
        else:
            os.environ["MTNORM_SCAN_THREADS"] = saved[1]
    assert sorted((h.start, h.end, h.key) for h in split) == sorted(
        _all_hits("reference", keys, text)
    )


def test_auto_scans_large_texts_with_hyperscan_only_where_it_pays(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``auto`` leaves short texts (an editor's) to the automaton, builds the hyperscan database
    on the first large text, finds there what the automaton finds, and never builds it for a
    glossary above the key limit."""
    pytest.importorskip("hyperscan")
    from normalizer import aho

    keys = [normalize_key(k) for k in ("sailor silence", "newbie", "u.s.")]
    short = "The Newbie of Sailor  Silence, U.S. newbie_x."
    large = short * (2 * aho.HS_MIN_BYTES // len(short))
    finder = aho.AhoFinder(keys)
    assert finder.occurrences(short) and finder._hs is None  # not built for a short text
    got = sorted(finder.occurrences(large))
    assert isinstance(finder._hs, aho._Hyperscan)
    assert got == sorted(aho.AhoFinder(keys, "aho").occurrences(large))
    assert len(got) == 3 * (len(large) // len(short))
    monkeypatch.setattr(aho, "HS_MAX_KEYS", 2)
    capped = aho.AhoFinder(keys)
    assert sorted(capped.occurrences(large)) == got and capped._hs is False
    with pytest.raises(ValueError, match="unknown scanner"):
        aho.AhoFinder(keys, "fastest")


def test_a_refusing_hyperscan_leaves_the_work_to_the_automaton(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A compile error (a platform or pattern it refuses) is not the user's problem: the
    automaton scans, with the same results; a pickled finder keeps its scanner choice."""
    import pickle

    from normalizer import aho

    def refuse(self: object, patterns: object) -> None:
        raise RuntimeError("refused")

    keys = [normalize_key(k) for k in ("sailor silence", "newbie")]
    text = "A newbie saw Sailor Silence. " * 4000
    expected = sorted(aho.AhoFinder(keys, "aho").occurrences(text))
    monkeypatch.setattr(aho._Hyperscan, "__init__", refuse)
    finder = aho.AhoFinder(keys)
    assert sorted(finder.occurrences(text)) == expected and finder._hs is False
    again = pickle.loads(pickle.dumps(aho.AhoFinder(keys, "aho")))
    assert again._scanner == "aho" and again._hs is False


def test_scanner_off_by_environment_and_threads_keep_their_own_scratch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("hyperscan")
    from concurrent.futures import ThreadPoolExecutor

    from normalizer import aho

    keys = [normalize_key(k) for k in ("sailor silence", "newbie")]
    text = "A newbie saw Sailor Silence. " * 4000
    monkeypatch.setenv("MTNORM_SCANNER", "aho")
    off = aho.AhoFinder(keys)
    expected = sorted(off.occurrences(text))
    assert off._hs is False
    monkeypatch.delenv("MTNORM_SCANNER")
    finder = aho.AhoFinder(keys, "hyperscan")
    with ThreadPoolExecutor(4) as pool:  # a shared scratch would raise ScratchInUseError
        results = list(pool.map(lambda _: sorted(finder.occurrences(text)), range(16)))
    assert all(r == expected for r in results)
    assert len(expected) == 2 * 4000


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 12), st.integers(0, 4), st.integers(0, 5)).map(
            lambda t: (t[0], t[0] + t[1], t[2])
        ),
        max_size=14,
    ),
    st.lists(st.lists(st.integers(0, 6), min_size=1, max_size=3), min_size=6, max_size=6),
)
def test_select_spans_is_leftmost_longest(
    occ: list[tuple[int, int, int]], owner_lists: list[list[int]]
) -> None:
    """The glossary stage's tuple selection chooses what select_leftmost_longest chooses."""
    from normalizer.glossary_rules import select_spans
    from normalizer.matcher import Hit

    owners = [tuple(sorted(set(o))) for o in owner_lists]
    expected = [
        (g[0].start, g[0].end, tuple(sorted({i for h in g for i in owners[h.key]})))
        for g in select_leftmost_longest([Hit(s, e, k) for s, e, k in occ])
    ]
    assert select_spans(list(occ), owners) == expected
