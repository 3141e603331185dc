"""Shared fixtures: paths of the repository, the seed article, and the third-party data (optional)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def seed_text() -> str:
    return (ROOT / "examples" / "navalny-mt.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "external").is_dir():
        pytest.skip("../shared (third-party evaluation data) is not present")
    return SHARED
