"""bench/reliability.py in --quick mode: the generated table has every row of issue 6's table.

Rows whose third-party data is absent must say "skipped" with the reason instead of a figure.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXTERNAL = REPO.parent / "shared" / "external"

# (area, a word of the measure, the data it needs under EXTERNAL or None)
EXPECTED_ROWS = [
    ("conformance: flashtext", "keyword cases", "flashtext-tests"),
    ("conformance: Vale", "(markdown)", "vale-substitution-fixtures"),
    ("conformance: Vale", "(text)", "vale-substitution-fixtures"),
    ("conformance: ftfy", "negative cases", "ftfy-test-cases"),
    ("conformance: ftfy", "positive cases fixed (exact, or", "ftfy-test-cases"),
    ("conformance: iuliia", "Wikipedia", "iuliia-translit-schemas"),
    ("conformance: DEMETR", "clean MT sentences", "demetr-ru-en"),
    ("wrong edits", "must-not-fix", "ru-en-must-not-fix.tsv"),
    ("wrong edits", "WMT22", "wmt22-general-ru-en"),
    ("fuzzing", "engine:", None),
    ("fuzzing", "glossary:", None),
    ("fuzzing", "formats:", None),
    ("fuzzing", "cli:", None),
    ("batch writes", "SIGKILL", None),
    ("hostile input", "engine and glossary", None),
    ("hostile input", "formats", None),
    ("hostile input", "files", None),
    ("hostile input", "LSP server", None),
    ("hostile input", "model files", None),
]


def _table(markdown: str) -> list[list[str]]:
    rows = [line for line in markdown.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in row.strip("|").split(" | ")] for row in rows[1:]]


def _reliability(data: Path, out: Path, *options: str, timeout: float) -> str:
    """Run ``bench/reliability.py --quick`` on ``data``; the generated Markdown."""
    proc = subprocess.run(
        [sys.executable, str(REPO / "bench" / "reliability.py"), str(data), "--quick", *options]
        + ["--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return out.read_text("utf-8")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _reliability(EXTERNAL, tmp_path_factory.mktemp("rel") / "reliability.md", timeout=900)


def test_provenance_is_shown(generated: str) -> None:
    assert re.search(r"- commit: [0-9a-f]{7,}", generated)
    assert re.search(r"- date: \d{4}-\d\d-\d\d", generated)
    assert "- command: `python bench/reliability.py" in generated and "--quick" in generated


@pytest.mark.parametrize(("area", "measure", "data"), EXPECTED_ROWS)
def test_row_present_with_a_figure(
    generated: str, area: str, measure: str, data: str | None
) -> None:
    table = _table(generated)
    if data is not None and not (EXTERNAL / data).exists():
        # without the data an area is one "skipped" row that names what is missing
        rows = [r for r in table if r[0] == area]
        assert rows and all(r[2] == "skipped" and "data absent" in r[4] for r in rows), rows
        return
    rows = [r for r in table if r[0] == area and measure in r[1]]
    assert rows, f"no row {area!r} / {measure!r}"
    value = rows[0][2]
    assert value not in ("skipped", "error", "not run"), rows[0]
    assert re.search(r"\d", value), rows[0]  # a figure, not just a word


def test_no_section_errored(generated: str) -> None:
    errors = [r for r in _table(generated) if r[1] == "section"]
    assert errors == []


def test_absent_data_gives_skipped_rows(tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    empty = tmp_path / "nothing"
    empty.mkdir()
    only = "flashtext,vale,ftfy,iuliia,demetr,precision"
    table = _table(_reliability(empty, out, "--only", only, timeout=300))
    assert len(table) == 6
    assert all(r[2] == "skipped" and str(empty) in r[4] for r in table)
