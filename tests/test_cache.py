"""The compiled-glossary cache: content-keyed, private, atomic, self-healing, errors uncached."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from normalizer import cache
from normalizer.errors import GlossaryError

GOOD = """name: g
languages: {source: ru, target: en}
entries:
  - {term: Novichok, variants: [Newbie]}
"""


@pytest.fixture()
def cdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "cache"
    monkeypatch.setenv("MTNORM_CACHE_DIR", str(d))
    return d


def _file(tmp_path: Path, text: str = GOOD) -> Path:
    p = tmp_path / "g.yaml"
    p.write_text(text, "utf-8")
    return p


def _entries(d: Path) -> list[Path]:
    return sorted(d.glob("glossaries-*.pickle"))


def test_second_load_is_served_from_the_cache(
    cdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = _file(tmp_path)
    first = cache.load_glossaries_cached([p])
    assert len(_entries(cdir)) == 1

    def boom(*_a: object, **_k: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr("normalizer.glossary.load_glossaries", boom)
    assert cache.load_glossaries_cached([p]) == first


def test_editing_a_file_misses_the_cache(cdir: Path, tmp_path: Path) -> None:
    p = _file(tmp_path)
    cache.load_glossaries_cached([p])
    p.write_text(GOOD.replace("Newbie", "Novice"), "utf-8")
    (g,) = cache.load_glossaries_cached([p])
    assert g.entries[0].variants == ("Novice",)
    assert len(_entries(cdir)) == 2


def test_corrupt_entry_is_ignored_and_rebuilt(cdir: Path, tmp_path: Path) -> None:
    p = _file(tmp_path)
    good = cache.load_glossaries_cached([p])
    (entry,) = _entries(cdir)
    entry.write_bytes(b"\x80\x05not a pickle")
    assert cache.load_glossaries_cached([p]) == good
    assert cache._read(entry) is not None


def test_errors_are_raised_every_time_and_never_cached(cdir: Path, tmp_path: Path) -> None:
    p = _file(tmp_path, GOOD.replace("term:", "trem:"))
    for _ in range(2):
        with pytest.raises(GlossaryError):
            cache.load_glossaries_cached([p])
    assert _entries(cdir) == []


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_directory_others_can_write_is_not_used(cdir: Path, tmp_path: Path) -> None:
    cdir.mkdir()
    cdir.chmod(0o777)
    p = _file(tmp_path)
    assert cache.cache_dir() is None
    assert cache.load_glossaries_cached([p])[0].name == "g"
    assert _entries(cdir) == []


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_an_entry_others_can_write_is_not_read(cdir: Path, tmp_path: Path) -> None:
    p = _file(tmp_path)
    cache.load_glossaries_cached([p])
    (entry,) = _entries(cdir)
    entry.chmod(0o666)
    assert cache._read(entry) is None


def test_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MTNORM_CACHE_DIR", "off")
    assert cache.cache_dir() is None
    assert cache.load_glossaries_cached([_file(tmp_path)])[0].entries[0].term == "Novichok"


def test_key_depends_on_content_and_path(tmp_path: Path) -> None:
    p = _file(tmp_path)
    q = tmp_path / "h.yaml"
    q.write_text(GOOD, "utf-8")
    assert cache.cache_key([p]) == cache.cache_key([p]) != cache.cache_key([q])
    assert cache.cache_key([tmp_path / "missing.yaml"]) is None


# -- hygiene: what the cache keeps ------------------------------------------------------------


def _fake_entries(d: Path, kind: str, ages_days: list[float], now: float) -> list[Path]:
    d.mkdir(parents=True, exist_ok=True)
    out = []
    for i, age in enumerate(ages_days):
        p = d / f"{kind}-{i:064x}.pickle"
        p.write_bytes(b"x")
        os.utime(p, (now - age * 86400, now - age * 86400))
        out.append(p)
    return out


def test_writing_an_entry_keeps_only_the_most_recently_used(cdir: Path, tmp_path: Path) -> None:
    now = time.time()
    old = _fake_entries(cdir, "glossaries", [1 + i / 10 for i in range(cache.KEEP + 5)], now)
    others = _fake_entries(cdir, "config", [5.0] * 3, now)
    table = cdir / "wordfacts-1-4.marshal"
    table.write_bytes(b"t")
    (cdir / "models").mkdir()
    cache.load_glossaries_cached([_file(tmp_path)])
    left = _entries(cdir)
    assert len(left) == cache.KEEP
    new = [p for p in left if p not in old]
    assert len(new) == 1  # the entry just written
    assert set(left) - set(new) == set(old[: cache.KEEP - 1])  # the most recently used ones
    assert all(p.exists() for p in others) and table.exists() and (cdir / "models").is_dir()


def test_entries_unused_for_max_age_are_removed(cdir: Path, tmp_path: Path) -> None:
    now = time.time()
    stale, fresh = _fake_entries(
        cdir, "glossaries", [cache.MAX_AGE_DAYS + 1, cache.MAX_AGE_DAYS - 1], now
    )
    cache.load_glossaries_cached([_file(tmp_path)])
    assert not stale.exists()
    assert fresh.exists()


def test_a_hit_marks_its_entry_used_so_pruning_keeps_it(cdir: Path, tmp_path: Path) -> None:
    p = _file(tmp_path)
    cache.load_glossaries_cached([p])
    (entry,) = _entries(cdir)
    long_ago = time.time() - (cache.MAX_AGE_DAYS - 1) * 86400
    os.utime(entry, (long_ago, long_ago))
    cache.load_glossaries_cached([p])  # a hit
    assert entry.stat().st_mtime > time.time() - 60
    removed = cache.prune(cdir, "glossaries-", now=time.time() + 2 * 86400)
    assert removed == [] and entry.exists()


def test_prune_removes_temporary_files_of_dead_writers_only(cdir: Path) -> None:
    cdir.mkdir()
    dead, live = cdir / ".tmp-abc", cdir / ".tmp-def"
    for p in (dead, live):
        p.write_bytes(b"half")
    os.utime(dead, (time.time() - 7200, time.time() - 7200))
    assert cache.prune(cdir, "glossaries-") == [dead]
    assert live.exists()


def test_prune_keep_count_and_age_are_parameters(tmp_path: Path) -> None:
    now = time.time()
    entries = _fake_entries(tmp_path, "glossaries", [1, 2, 3, 40], now)
    removed = cache.prune(tmp_path, "glossaries-", keep_count=2, now=now)
    assert sorted(removed) == sorted(entries[2:])
    assert cache.prune(tmp_path, "glossaries-", max_age_days=1.5, now=now) == [entries[1]]


# -- the parsed config and other memoized values ---------------------------------------------


def test_config_is_parsed_once_then_served_from_the_cache(
    cdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from normalizer import yamlpos
    from normalizer.config import load_config

    cfg = tmp_path / "config.yaml"
    cfg.write_text("glossaries: [g/*.yaml]\nrules: {cleanup: warn}\n", "utf-8")
    first = load_config(cfg)
    assert len(list(cdir.glob("config-*.pickle"))) == 1

    def boom(*_a: object, **_k: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(yamlpos, "parse_located", boom)
    assert load_config(cfg) == first
    cfg.write_text("glossaries: [g/*.yaml]\nrules: {cleanup: off}\n", "utf-8")
    with pytest.raises(AssertionError, match="parsed again"):
        load_config(cfg)  # edited: parsed again


def test_a_bad_config_is_reported_every_time_and_never_cached(cdir: Path, tmp_path: Path) -> None:
    from normalizer.config import load_config
    from normalizer.errors import ConfigError

    cfg = tmp_path / "config.yaml"
    cfg.write_text("glosaries: [g/*.yaml]\n", "utf-8")
    for _ in range(2):
        with pytest.raises(ConfigError, match="did you mean 'glossaries'"):
            load_config(cfg)
    assert list(cdir.glob("config-*.pickle")) == []


def test_memo_rebuilds_a_value_that_fails_its_check(cdir: Path) -> None:
    calls = []

    def build() -> str:
        calls.append(1)
        return "value"

    assert cache.memo("thing", "k", build, valid=lambda v: isinstance(v, str)) == "value"
    assert cache.memo("thing", "k", build, valid=lambda v: isinstance(v, str)) == "value"
    assert len(calls) == 1
    assert cache.memo("thing", "k", build, valid=lambda v: isinstance(v, int)) == "value"
    assert len(calls) == 2


def test_memo_without_a_cache_dir_just_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MTNORM_CACHE_DIR", "off")
    assert cache.memo("thing", "k", lambda: 42, valid=lambda v: True) == 42


def test_sha256_is_the_standard_digest() -> None:
    import hashlib

    assert cache._sha256()(b"mtnorm").hexdigest() == hashlib.sha256(b"mtnorm").hexdigest()
