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


# --- huge files in a batch run: streamed check and in-place (normalizer.bigfile) -----------

import json  # noqa: E402
import random  # noqa: E402
from pathlib import Path  # noqa: E402

from normalizer import bigfile  # noqa: E402
from normalizer.batch import make_processor, run_batch  # noqa: E402
from normalizer.edits import Report  # noqa: E402
from normalizer.fileio import TEMP_SUFFIX  # noqa: E402
from normalizer.lean import LeanReport  # noqa: E402
from normalizer.render import Named, finding_lines, to_json, to_sarif  # noqa: E402
from normalizer.spans import LineIndex  # noqa: E402
from normalizer.stream import Positions, Window  # noqa: E402

CLEANUP = _normalizer(select=["news", "cleanup"], rules={"cleanup": "fix"})
ENGINES = [
    pytest.param(GLOSSARY_ONLY, 1, id="glossary-1"),
    pytest.param(GLOSSARY_ONLY, 2, id="glossary-2"),
    pytest.param(CLEANUP, 2, id="glossary+cleanup-2"),
    # artifact-dense: fixes that enable other fixes, settled by a second pass in some windows
    pytest.param(CLEANUP, 1, id="glossary+cleanup-1"),
]
REPORT_ENGINES = [
    *ENGINES[:2],
    ENGINES[2],  # repeated-line messages are relative ("the line 3 lines above"): exact
    ENGINES[3],
]


def _document(seed: int, words: int = 3000) -> str:
    rng = random.Random(seed)
    seps = [*SEPS, "\r\n", ".\n"]
    return "\ufeff" + "".join(rng.choice(WORDS) + rng.choice(seps) for _ in range(words))


@pytest.fixture
def small_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Seams every ~700 characters, so a 20 KB file crosses dozens of them."""
    monkeypatch.setattr(bigfile, "CHUNK_CHARS", 701)
    monkeypatch.setattr(bigfile, "OVERLAP_CHARS", 2000)


def _run(path: Path, n: Normalizer, mode: str, threshold: int) -> Report:
    process = make_processor(n, mode=mode, format_in="text", stream_min_bytes=threshold)  # type: ignore[arg-type]
    [result] = run_batch([path], process)
    assert result.status != "error", result.error
    assert result.report is not None
    return result.report


@pytest.mark.parametrize(("n", "seed"), ENGINES)
def test_streamed_in_place_equals_whole_file(
    tmp_path: Path, small_windows: None, n: Normalizer, seed: int
) -> None:
    text = _document(seed)
    whole, streamed = tmp_path / "whole.txt", tmp_path / "streamed.txt"
    for f in (whole, streamed):
        f.write_bytes(text.encode("utf-8"))
    streamed.chmod(0o640)
    r_whole = _run(whole, n, "in-place", threshold=1 << 40)
    r_streamed = _run(streamed, n, "in-place", threshold=1)
    assert isinstance(r_streamed, LeanReport) and r_streamed.stats is not None
    assert r_streamed.stats.windows > 10  # the seams were really crossed
    assert streamed.read_bytes() == whole.read_bytes() != text.encode("utf-8")
    assert r_streamed.changed and r_streamed.findings == r_whole.findings
    assert oct(streamed.stat().st_mode & 0o777) == "0o640"
    assert not list(tmp_path.glob(f".*{TEMP_SUFFIX}"))


def _checked_both_ways(path: Path, n: Normalizer, seed: int) -> tuple[Named, Named]:
    path.write_bytes(_document(seed).encode("utf-8"))
    before = path.read_bytes()
    whole = Named(str(path), _run(path, n, "check", threshold=1 << 40))
    streamed = Named(str(path), _run(path, n, "check", threshold=1))
    assert isinstance(streamed.report, LeanReport)
    assert streamed.report.original == ""  # no text kept
    assert whole.report.findings > 100
    assert path.read_bytes() == before
    return whole, streamed


@pytest.mark.parametrize(("n", "seed"), ENGINES)
def test_streamed_check_finds_what_the_whole_file_finds(
    tmp_path: Path, small_windows: None, n: Normalizer, seed: int
) -> None:
    whole, streamed = _checked_both_ways(tmp_path / "big.txt", n, seed)

    def where(named: Named) -> list[tuple[object, ...]]:
        return [
            (f["rule"], f["start"], f["end"], f["line"], f["column"], f.get("new", f.get("text")))
            for r in json.loads(to_json([named]))
            for f in (*r["edits"], *r["suggestions"])
        ]

    assert where(streamed) == where(whole)


@pytest.mark.parametrize(("n", "seed"), REPORT_ENGINES)
def test_streamed_check_reports_like_the_whole_file(
    tmp_path: Path, small_windows: None, n: Normalizer, seed: int
) -> None:
    whole, streamed = _checked_both_ways(tmp_path / "big.txt", n, seed)
    assert finding_lines(streamed) == finding_lines(whole)
    assert json.loads(to_json([streamed])) == json.loads(to_json([whole]))
    assert to_sarif([streamed], "x") == to_sarif([whole], "x")


def test_unchanged_big_file_is_not_rewritten(tmp_path: Path, small_windows: None) -> None:
    f = tmp_path / "clean.txt"
    f.write_text("Nothing to fix in this line.\n" * 500)
    stamp = f.stat().st_mtime_ns, f.stat().st_ino
    report = _run(f, GLOSSARY_ONLY, "in-place", threshold=1)
    assert not report.changed
    assert (f.stat().st_mtime_ns, f.stat().st_ino) == stamp
    assert not list(tmp_path.glob(f".*{TEMP_SUFFIX}"))


class _FailingEngine:
    """Checks like ``inner`` until its ``fail_at``-th window, then raises."""

    def __init__(self, inner: Normalizer, fail_at: int, action: object = None) -> None:
        self.inner, self.fail_at, self.calls, self.action = inner, fail_at, 0, action

    def check(self, text: str, source: str | None = None) -> Report:
        self.calls += 1
        if self.calls == self.fail_at:
            if callable(self.action):
                self.action()
            else:
                raise RuntimeError("engine broke mid-stream")
        return self.inner.check(text, source)

    def fix(self, text: str, source: str | None = None) -> Report:
        return self.inner.fix(text, source)


def test_a_failure_mid_stream_leaves_the_original(tmp_path: Path, small_windows: None) -> None:
    f = tmp_path / "big.txt"
    original = _document(4).encode("utf-8")
    f.write_bytes(original)
    engine = _FailingEngine(GLOSSARY_ONLY, fail_at=5)
    process = make_processor(engine, mode="in-place", backup_suffix=".bak", stream_min_bytes=1)
    [result] = run_batch([f], process)
    assert result.status == "error" and "engine broke" in (result.error or "")
    assert engine.calls == 5  # four windows were already written to the temp file
    assert f.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.txt"]  # no temp, no backup


def test_invalid_utf8_late_in_a_big_file_leaves_it_untouched(
    tmp_path: Path, small_windows: None
) -> None:
    f = tmp_path / "big.txt"
    original = _document(5).encode("utf-8") + b"\nthe end \xff\xfe here\n"
    f.write_bytes(original)
    results = list(
        run_batch([f], make_processor(GLOSSARY_ONLY, mode="in-place", stream_min_bytes=1))
    )
    assert results[0].status == "error"
    assert "not UTF-8" in (results[0].error or "") and "byte offset" in (results[0].error or "")
    assert f.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.txt"]


def test_a_big_file_saved_meanwhile_keeps_the_other_version(
    tmp_path: Path, small_windows: None
) -> None:
    f = tmp_path / "big.txt"
    f.write_bytes(_document(6).encode("utf-8"))

    def editor_saves() -> None:
        f.write_text("the user's version\n")

    engine = _FailingEngine(GLOSSARY_ONLY, fail_at=3, action=editor_saves)
    [result] = run_batch([f], make_processor(engine, mode="in-place", stream_min_bytes=1))
    assert result.status == "error" and "changed while it was processed" in (result.error or "")
    assert f.read_text() == "the user's version\n"
    assert not list(tmp_path.glob(f".*{TEMP_SUFFIX}"))


def test_big_binary_and_utf16_files_are_treated_as_whole_reads_treat_them(
    tmp_path: Path,
) -> None:
    binary, utf16 = tmp_path / "a.bin", tmp_path / "b.txt"
    binary.write_bytes(b"text\x00more" * 100)
    utf16.write_bytes("hello".encode("utf-16"))
    process = make_processor(GLOSSARY_ONLY, mode="in-place", stream_min_bytes=1)
    r_bin, r_16 = run_batch([binary, utf16], process)
    assert r_bin.status == "skipped" and r_bin.note == "binary file"
    assert r_16.status == "error" and "UTF-16" in (r_16.error or "")


def test_small_files_and_other_modes_are_not_streamed(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("the poison Newbie.\n")
    for mode, threshold in (("in-place", 1 << 20), ("check", 1 << 20), ("fix", 1), ("diff", 1)):
        f.write_text("the poison Newbie.\n")
        process = make_processor(GLOSSARY_ONLY, mode=mode, stream_min_bytes=threshold)  # type: ignore[arg-type]
        [result] = run_batch([f], process)
        assert not isinstance(result.report, LeanReport), mode
        assert result.report is not None and result.report.original == "the poison Newbie.\n"


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet="ab\n\r ", max_size=200),
    cuts=st.lists(st.integers(0, 200), max_size=6),
    offsets=st.lists(st.integers(0, 200), max_size=12),
)
def test_positions_equal_the_line_index(text: str, cuts: list[int], offsets: list[int]) -> None:
    bounds = sorted({0, len(text), *(c for c in cuts if c <= len(text))})
    wanted = {o for o in offsets if o <= len(text)}
    pos = Positions()
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        # an offset at a seam is noted by the piece it ends (or the first piece)
        mine = {o for o in wanted if lo <= o <= hi}
        pos.feed(text[lo:hi], lo, mine)
    if len(bounds) == 1:
        pos.feed("", 0, wanted)
    index = LineIndex(text)
    for o in wanted:
        assert pos.line_col(o) == index.line_col(o)


def test_positions_note_windows_and_refuse_gaps() -> None:
    pos = Positions()
    pos.note(Window(0, "ab\ncd", "ab\ncd", [], []))
    with pytest.raises(ValueError, match="contiguous"):
        pos.feed("x", 10)
