"""Pipeline API: streaming order, laziness, sources, threads; the docs' examples run as written."""

from __future__ import annotations

import importlib.util
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from normalizer.pipeline import batch_mapper, normalize_many, normalize_series

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "formats"
_spec = importlib.util.spec_from_file_location("fake_normalizer", FIXTURES / "fake_normalizer.py")
assert _spec is not None and _spec.loader is not None
_fake = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fake)
FakeNormalizer = _fake.FakeNormalizer


def numbered(n: int) -> list[str]:
    return [f"text {i} with Newbie.." if i % 3 == 0 else f"text {i}" for i in range(n)]


@pytest.mark.parametrize("workers", [1, 4])
@pytest.mark.parametrize("batch_size", [1, 7, 64])
def test_results_in_input_order(workers: int, batch_size: int) -> None:
    texts = numbered(50)
    reports = list(normalize_many(FakeNormalizer(), texts, batch_size, workers=workers))
    assert [r.original for r in reports] == texts
    assert [r.text for r in reports] == [t.replace("Newbie..", "Novichok.") for t in texts]


def test_input_is_read_lazily_one_batch_at_a_time() -> None:
    consumed: list[int] = []

    def source() -> Iterator[str]:
        for i in itertools.count():
            consumed.append(i)
            yield f"Newbie {i}"

    stream = normalize_many(FakeNormalizer(), source(), batch_size=5)
    first = list(itertools.islice(stream, 3))
    assert [r.text for r in first] == ["Novichok 0", "Novichok 1", "Novichok 2"]
    assert len(consumed) == 5  # one batch, not the endless input


def test_sources_reach_the_engine_and_must_match_in_length() -> None:
    fake = FakeNormalizer()
    list(normalize_many(fake, ["a", "b"], sources=["а", "б"]))
    assert fake.calls == [("a", "а"), ("b", "б")]
    with pytest.raises(ValueError):
        list(normalize_many(FakeNormalizer(), ["a", "b"], sources=["а"]))


def test_bad_batch_size() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        list(normalize_many(FakeNormalizer(), ["a"], batch_size=0))


def test_batch_mapper_with_plain_lists() -> None:
    # the shape datasets passes to a batched map: a dict of columns
    mapper = batch_mapper(FakeNormalizer(), "en", source_column="ru", with_counts=True)
    out = mapper({"en": ["Newbie..", "ok"], "ru": ["Новичок..", "хорошо"]})
    assert out == {"en": ["Novichok.", "ok"], "mtnorm_edits": [2, 0]}


def test_normalize_series_keeps_index_name_and_missing() -> None:
    pd = pytest.importorskip("pandas")
    series = pd.Series(["Newbie", None, "fine.."], index=[10, 20, 30], name="en")
    fixed = normalize_series(FakeNormalizer(), series, workers=2)
    assert list(fixed.index) == [10, 20, 30] and fixed.name == "en"
    assert fixed[10] == "Novichok" and fixed[30] == "fine."
    assert fixed.isna()[20]


def test_dataset_map_with_fake() -> None:
    datasets = pytest.importorskip("datasets")
    ds = datasets.Dataset.from_dict({"text": numbered(10)})
    ds = ds.map(batch_mapper(FakeNormalizer(), "text"), batched=True, batch_size=4)
    assert ds["text"] == [t.replace("Newbie..", "Novichok.") for t in numbered(10)]


def _python_blocks(markdown: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", markdown, re.S)


def test_docs_examples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = REPO / "docs" / "pipelines.md"
    if not (REPO / "config.yaml").exists():
        pytest.skip("no config.yaml in the repository")
    monkeypatch.chdir(REPO)
    blocks = _python_blocks(doc.read_text(encoding="utf-8"))
    assert len(blocks) >= 4
    namespace: dict[str, object] = {}
    for block in blocks:
        needs = [m for m in ("pandas", "datasets") if re.search(rf"\b(import|from) {m}\b", block)]
        if any(importlib.util.find_spec(m) is None for m in needs):
            continue  # documented as optional: `pip install pandas datasets`
        exec(compile(block, str(doc), "exec"), namespace)
