"""What keeps a small CLI run fast: a warm run loads no heavy library, and the shortcuts that
avoid them (word facts without wordfreq, the mojibake prefilter without ftfy) answer exactly as
those libraries do. Timing itself is measured by bench/startup.py, not asserted here."""

from __future__ import annotations

import itertools
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("wordfreq", "langcodes", "ftfy", "yaml", "pathspec", "lxml", "rich", "tqdm")
# and the standard library's heaviest, which a stdin-to-stdout run has no use for
HEAVY += ("concurrent", "multiprocessing", "asyncio", "importlib.metadata")

_PROBE = """
import atexit, sys

def report():
    heavy = sorted({m for m in sys.modules if m in __HEAVY__ or m.split(".")[0] in __HEAVY__})
    sys.stderr.write("HEAVY:" + ",".join(heavy) + "\\n")

atexit.register(report)  # (the program's quick exit runs atexit handlers too)
sys.argv = ["mtnorm", *sys.argv[1:]]
from normalizer.cli import run
run()
""".replace("__HEAVY__", repr(HEAVY))


def _run(args: list[str], text: str, cache: Path) -> tuple[str, list[str]]:
    env = {**os.environ, "MTNORM_CACHE_DIR": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        input=text.encode(),
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=300,
        check=False,
    )
    err = done.stderr.decode()
    assert done.returncode in (0, 1), err
    heavy = next(line for line in err.splitlines() if line.startswith("HEAVY:"))[6:]
    return done.stdout.decode(), [m for m in heavy.split(",") if m]


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mtnorm-cache")


def test_a_warm_default_run_loads_no_heavy_library(warm_cache: Path, seed_text: str) -> None:
    text = seed_text[:5000] + "\nThe anti-corruption well-known so-called «Newbie» case.\n"
    cold, _ = _run(["fix", "-"], text, warm_cache)  # builds the caches
    assert list(warm_cache.glob("regex-*.pickle"))  # compiled glossary patterns kept
    warm, heavy = _run(["fix", "-"], text, warm_cache)
    assert warm == cold
    assert heavy == []
    report, heavy = _run(["check", "--format", "json", "-"], text, warm_cache)
    assert '"rule"' in report
    assert heavy == []


def test_mojibake_still_loads_ftfy_and_is_repaired(warm_cache: Path) -> None:
    out, heavy = _run(["fix", "-"], "The CafÃ© opened.\n", warm_cache)
    assert out == "The Café opened.\n"
    assert "ftfy" in heavy


def test_the_cached_mojibake_trigger_is_ftfy_s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from normalizer import cleanup_lines

    monkeypatch.setenv("MTNORM_CACHE_DIR", str(tmp_path))
    try:
        cleanup_lines._mojibake_trigger.cache_clear()
        built = cleanup_lines._mojibake_trigger().pattern
        assert list(tmp_path.glob("ftfy-trigger-*.pickle"))
        cleanup_lines._mojibake_trigger.cache_clear()
        assert cleanup_lines._mojibake_trigger().pattern == built == cleanup_lines._trigger_source()
    finally:
        cleanup_lines._mojibake_trigger.cache_clear()


def test_wordfreq_splits_plain_compounds_at_their_hyphens() -> None:
    """The word table computes a-z hyphenated compounds itself, assuming wordfreq tokenizes
    them into their parts in every language the name gap reads."""
    from wordfreq.tokens import lossy_tokenize

    from normalizer import suspects_lex as lex

    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = ["anti", "corruption", "so", "called", "well", "known", "x", "ray", "de", "la", "l"]
    words += ["qu", "un", "d", "heure", "i", "s", "t", "ll", "ve", "re", "aujourd", "hui"]
    words += ["".join(rng.choice(letters) for _ in range(rng.randint(1, 9))) for _ in range(300)]
    compounds = ["-".join(p) for p in itertools.product(words[:22], repeat=2)]
    compounds += ["-".join(rng.sample(words, rng.randint(2, 4))) for _ in range(1500)]
    for folded in compounds:
        assert lex._COMPOUND.fullmatch(folded)
        for lang in lex._LANGUAGES:
            assert lossy_tokenize(folded, lang) == folded.split("-"), (folded, lang)


def test_raw_frequencies_are_wordfreq_s() -> None:
    from wordfreq import cB_to_freq

    from normalizer import suspects_lex as lex

    row = (3.0, 1.0, " ".join(["0", "1", "-", "250", "599", "800", "-", "1234", "37"]))
    expected = [0.0 if x == "-" else cB_to_freq(-int(x)) for x in row[2].split()]
    assert lex._raw_freqs(row) == expected


def test_median_is_statistics_median() -> None:
    import statistics

    from normalizer import suspects_lex as lex

    rng = random.Random(3)
    for n in range(1, 12):
        values = [round(rng.uniform(0, 8), 2) for _ in range(n)]
        assert lex._median(values) == statistics.median(values)


def test_row_table_round_trip_answers_as_the_dict_it_stands_for(tmp_path: Path) -> None:
    from normalizer.rowtable import dump_rows, load_rows

    table = {"the": (7.73, 3.02, "10 11 - 12"), "sailor": (3.8, 1.5, ""), "é": (3.0, 0.1, "9")}
    path = tmp_path / "t.marshal"
    path.write_bytes(dump_rows(table))
    rows = load_rows(path)
    assert rows is not None
    assert len(rows) == 3 and list(rows) == list(table)
    assert "the" in rows and "thee" not in rows
    for word, row in table.items():
        assert rows[word] == row and rows.get(word) == row
    assert rows.get("thee") is None and rows.get("thee", 1) == 1
    assert dict(rows.items()) == table and list(rows.values()) == list(table.values())
    with pytest.raises(KeyError):
        rows["thee"]


@pytest.mark.parametrize(
    "data", [b"", b"\x00garbage", b"\xe9\x03\x00\x00\x00"], ids=["empty", "garbage", "truncated"]
)
def test_a_damaged_row_table_reads_as_missing(tmp_path: Path, data: bytes) -> None:
    from normalizer.rowtable import dump_rows, load_rows

    path = tmp_path / "t.marshal"
    assert load_rows(path) is None  # missing
    path.write_bytes(data)
    assert load_rows(path) is None
    good = dump_rows({"a": (1.0, 2.0, "x")})
    path.write_bytes(good[: len(good) // 2])
    assert load_rows(path) is None


# an atexit handler, and an object that only interpreter finalization would delete
_WATCH = """
import atexit, sys
atexit.register(lambda: sys.stderr.write("atexit ran"))
class Watch:
    def __del__(self):
        sys.stderr.write("finalized")
watch = Watch()
"""


def _program(args: list[str], text: str, prelude: str = "") -> subprocess.CompletedProcess[bytes]:
    code = f"{prelude}\nimport sys\nsys.argv = ['mtnorm', *{args!r}]\nfrom normalizer.cli import run\nrun()"
    return subprocess.run(
        [sys.executable, "-c", code],
        input=text.encode(),
        capture_output=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def test_the_program_exits_quickly_with_the_same_output_code_and_atexit_handlers(
    seed_text: str,
) -> None:
    from normalizer import Normalizer

    for args, code in ((["fix", "-"], 0), (["check", "-"], 1), (["check", "--exit-zero", "-"], 0)):
        done = _program(args, seed_text, _WATCH)
        assert done.returncode == code, done.stderr
        assert done.stderr.decode().endswith("atexit ran")  # and no finalization
    fixed = _program(["fix", "-"], seed_text).stdout.decode()
    assert fixed == Normalizer.from_config(start=ROOT).fix(seed_text).text


def test_usage_errors_exit_normally() -> None:
    done = _program(["fix", "--bogus"], "", _WATCH)
    assert done.returncode == 2 and b"unrecognized arguments" in done.stderr
    assert done.stderr.decode().endswith("atexit ranfinalized")
    done = _program(["--version"], "", _WATCH)
    assert done.returncode == 0 and done.stdout.startswith(b"mtnorm ")
    assert done.stderr.decode().endswith("atexit ranfinalized")


# -- compiled patterns kept between runs --------------------------------------------------------


@pytest.fixture()
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from normalizer import rxcache

    monkeypatch.setenv("MTNORM_CACHE_DIR", str(tmp_path))
    for name, value in (("_enabled", True), ("_stored", None), ("_added", False)):
        monkeypatch.setattr(rxcache, name, value)
    monkeypatch.setattr(rxcache, "_used", {})
    monkeypatch.setattr(rxcache, "_live", {})
    return tmp_path


def _forget(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new process: nothing compiled, nothing read."""
    from normalizer import rxcache

    for name, value in (("_stored", None), ("_added", False), ("_used", {}), ("_live", {})):
        monkeypatch.setattr(rxcache, name, value)


def _glossary_regexes() -> list[str]:
    from normalizer import Normalizer

    n = Normalizer.from_config(start=ROOT)
    out = [p for e in n.entries for p in e.patterns]
    out += [r"(?:poison|Novichok)(?:s|es|ed|ing)?\b", r"\p{Lu}\p{Ll}+(?: \p{Lu}\p{Ll}+)*"]
    return out


def test_stored_patterns_match_exactly_as_freshly_compiled_ones(
    store: Path, monkeypatch: pytest.MonkeyPatch, seed_text: str
) -> None:
    import regex

    from normalizer import rxcache

    flags = regex.IGNORECASE | regex.V0
    sources = _glossary_regexes()
    first = [rxcache.compile(s, flags) for s in sources]
    rxcache.save()
    assert len(list(store.glob("regex-*.pickle"))) == 1
    _forget(monkeypatch)

    def boom(*_a: object, **_k: object) -> None:
        raise AssertionError("compiled again")

    monkeypatch.setattr(rxcache.regex, "compile", boom)
    again = [rxcache.compile(s, flags) for s in sources]
    monkeypatch.undo()
    text = seed_text + " northern stream, Northern Stream «Opening» Opening Bank POISONED"
    for s, a, b in zip(sources, first, again, strict=True):
        fresh = regex.compile(s, flags)
        assert b.pattern == s and b.flags == fresh.flags
        expected = [m.span() for m in fresh.finditer(text, overlapped=True)]
        assert [m.span() for m in a.finditer(text, overlapped=True)] == expected
        assert [m.span() for m in b.finditer(text, overlapped=True)] == expected


def test_the_store_is_written_only_when_a_run_compiled_something_new(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from normalizer import rxcache

    rxcache.compile("a+b", 0)
    rxcache.save()
    (entry,) = store.glob("regex-*.pickle")
    _forget(monkeypatch)
    rxcache.compile("a+b", 0)  # from the store
    written = entry.stat().st_mtime_ns
    rxcache.save()
    assert entry.stat().st_mtime_ns == written
    rxcache.compile("c+d", 0)
    rxcache.save()
    assert entry.stat().st_mtime_ns != written
    _forget(monkeypatch)
    assert set(rxcache._store()) == {("a+b", 0), ("c+d", 0)}


def test_a_damaged_stored_pattern_is_compiled_again(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from normalizer import rxcache

    rxcache.compile("ab+c", 0)
    rxcache.save()
    _forget(monkeypatch)
    key = ("ab+c", 0)
    rxcache._store()[key] = b"\x80\x05garbage"
    assert rxcache.compile("ab+c", 0).fullmatch("abbbc")


def test_without_enable_it_is_regex_compile_and_stores_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import regex

    from normalizer import rxcache

    monkeypatch.setenv("MTNORM_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(rxcache, "_enabled", False)
    assert rxcache.compile("x+y", 0) is regex.compile("x+y", 0)
    rxcache.save()
    assert list(tmp_path.iterdir()) == []


def test_the_store_keeps_at_most_max_patterns(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from normalizer import rxcache

    monkeypatch.setattr(rxcache, "MAX_PATTERNS", 5)
    for i in range(4):
        rxcache.compile(f"old{i}x+", 0)
    rxcache.save()
    _forget(monkeypatch)
    for i in range(3):
        rxcache.compile(f"new{i}x+", 0)
    rxcache.save()
    _forget(monkeypatch)
    kept = {p for p, _ in rxcache._store()}
    assert kept == {"new0x+", "new1x+", "new2x+"}
