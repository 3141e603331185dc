"""The compiled-glossary cache: content-keyed, private, atomic, self-healing, errors uncached."""

from __future__ import annotations

import os
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
