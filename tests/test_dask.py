"""normalizer.dask on a real LocalCluster with two worker processes."""

from __future__ import annotations

import pytest

pytest.importorskip("dask.bag")
distributed = pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")

import dask.bag as db  # noqa: E402
import dask.dataframe as dd  # noqa: E402

from normalizer import Normalizer  # noqa: E402
from normalizer.dask import built_here, normalize_bag, normalize_column, ship  # noqa: E402
from normalizer.glossary import load_glossary_text  # noqa: E402

GLOSSARY = """
name: news
languages: {source: ru, target: en}
entries:
  - {term: Novichok, variants: [Newbie], context: {near: [poison]}}
  - {term: Matrosskaya Tishina, variants: [Sailor silence]}
"""
TEXTS = [
    f"Case {i}: poisoned with «Newbie» in Sailor silence." if i % 3 else f"plain {i}"
    for i in range(60)
]


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


@pytest.fixture(scope="module")
def normalizer() -> Normalizer:
    g, problems = load_glossary_text(GLOSSARY, "<news>")
    assert g is not None, problems
    return Normalizer([g], select=["news"])


def test_bag_reports_equal_local_reports(client, normalizer: Normalizer) -> None:
    reports = normalize_bag(db.from_sequence(TEXTS, npartitions=12), normalizer).compute()
    assert reports == [normalizer.fix(t) for t in TEXTS]
    assert reports[1].text == "Case 1: poisoned with Novichok in Matrosskaya Tishina."


def test_one_normalizer_per_worker(client, normalizer: Normalizer) -> None:
    shipped = ship(normalizer)
    before = client.run(built_here)
    normalize_bag(db.from_sequence(TEXTS, npartitions=20), shipped).compute()
    normalize_bag(db.from_sequence(TEXTS, npartitions=20), shipped, check=True).compute()
    after = client.run(built_here)
    assert len(after) == 2
    assert all(after[w] - before.get(w, 0) <= 1 for w in after)  # 40 partitions, <= 1 build each


def test_dataframe_column(client, normalizer: Normalizer) -> None:
    pdf = pd.DataFrame({"id": range(len(TEXTS)), "text": TEXTS})
    pdf.loc[5, "text"] = None
    ddf = dd.from_pandas(pdf, npartitions=4)
    got = normalize_column(ddf, "text", normalizer, out="fixed").compute()
    want = [normalizer.fix(t).text if isinstance(t, str) else None for t in pdf["text"]]
    assert [None if pd.isna(x) else x for x in got["fixed"]] == want
    assert list(got["text"].iloc[:2]) == list(pdf["text"].iloc[:2])
    assert got["mtnorm_edits"].sum() == sum(
        len(normalizer.fix(t).edits) for t in TEXTS if t and t != TEXTS[5]
    )


@pytest.mark.slow
def test_spark_pandas_udf(normalizer: Normalizer) -> None:
    """The Spark recipe of docs/scaling.md in local mode (slow: a session takes ~30 s here)."""
    import os
    import shutil
    from pathlib import Path

    pytest.importorskip("pyspark")
    pytest.importorskip("pyarrow")
    if shutil.which("java") is None:
        pytest.skip("pyspark needs Java")
    from pyspark.sql import SparkSession
    from pyspark.sql.functions import pandas_udf

    root = str(Path(__file__).resolve().parents[1])  # Python workers import normalizer from here
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
    spark = (
        SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false").getOrCreate()
    )
    try:
        shipped = ship(normalizer)

        @pandas_udf("string")
        def mtnorm_fix(texts: pd.Series) -> pd.Series:
            n = shipped.get()
            return texts.map(lambda t: n.fix(t).text if isinstance(t, str) else t)

        rows = [(t,) for t in TEXTS[:6]] + [(None,)]
        got = spark.createDataFrame(rows, "text string").withColumn("fixed", mtnorm_fix("text"))
        fixed = [r["fixed"] for r in got.orderBy("text").collect()]
        want = [normalizer.fix(t).text for t in TEXTS[:6]]
        assert sorted(x for x in fixed if x is not None) == sorted(want)
        assert None in fixed
    finally:
        spark.stop()
