"""The short fuzz campaign of ``bench/fuzz.py`` (CI size), and the campaign's own bookkeeping.

The long campaign is ``python bench/fuzz.py --examples 100000 --seconds 3600`` (not in CI).
``MTNORM_FUZZ_SHORT_EXAMPLES`` changes the per-target size of the short one.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import fuzz  # noqa: E402
from fuzz_targets import TARGETS, Target  # noqa: E402

EXAMPLES = int(os.environ.get("MTNORM_FUZZ_SHORT_EXAMPLES", "60"))


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_short_campaign_finds_nothing(name: str) -> None:
    started = time.monotonic()
    (result,) = fuzz.campaign([name], EXAMPLES, seconds=25.0, seed=6)
    assert result.examples >= min(EXAMPLES, 20), "the target ran too few examples to mean anything"
    details = "\n".join(f"{f.message}\n  input: {f.example}" for f in result.failures)
    assert (result.crashes, result.violations) == (0, 0), details
    assert time.monotonic() - started < 60


def _target(check: object) -> Target:
    from hypothesis import strategies as st

    return Target("probe", lambda: st.integers(0, 1000), lambda fdp: 0, check)  # type: ignore[arg-type]


def test_crashes_and_violations_are_counted_not_raised() -> None:
    def check(n: int) -> list[str]:
        if n % 3 == 0:
            raise ValueError(f"boom {n}")
        return ["replay: odd one"] if n % 3 == 1 else []

    result = fuzz.run_target(_target(check), 60, None, seed=1)
    assert result.examples == 60
    assert result.crashes > 0 and result.violations > 0
    assert result.crashes + result.violations < 60
    kinds = {f.kind for f in result.failures}
    assert kinds == {"ValueError", "replay"}
    assert sum(f.kind == "ValueError" for f in result.failures) <= fuzz.MAX_KEPT


def test_a_slow_example_is_a_hang_and_the_run_goes_on() -> None:
    def check(n: int) -> list[str]:
        if n == 0:
            time.sleep(5)
        return []

    started = time.monotonic()
    result = fuzz.run_target(_target(check), 30, None, seed=2, timeout=0.2)
    assert time.monotonic() - started < 4
    assert result.examples == 30
    assert result.crashes >= 1 and {f.kind for f in result.failures} == {"hang"}


def test_time_budget_stops_a_target_early() -> None:
    def check(n: int) -> list[str]:
        time.sleep(0.05)
        return []

    result = fuzz.run_target(_target(check), 10_000, 0.5, seed=3)
    assert 1 <= result.examples < 100


def test_table_and_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    code = fuzz.main(["--examples", "5", "--targets", "glossary", "--json"])
    out = capsys.readouterr().out
    assert '"target": "glossary"' in out and '"examples": 5' in out
    assert code == 0
    assert fuzz.main(["--targets", "nope"]) == 2
