"""iuliia's Wikipedia-scheme samples through normalizer.translit.transliterate.

Samples: /work/shared/external/iuliia-translit-schemas/wikipedia.json (nalgeon/iuliia, MIT).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from normalizer.translit import transliterate

SCHEMA = Path(__file__).resolve().parents[3] / "shared" / "external" / "iuliia-translit-schemas"
WIKIPEDIA = SCHEMA / "wikipedia.json"


def _samples() -> list[list[str]]:
    if not WIKIPEDIA.exists():
        return []
    return list(json.loads(WIKIPEDIA.read_text("utf-8"))["samples"])


@pytest.mark.parametrize(("cyrillic", "latin"), _samples())
def test_wikipedia_sample(cyrillic: str, latin: str) -> None:
    assert transliterate(cyrillic) == latin


def test_samples_present() -> None:
    if not SCHEMA.is_dir():
        pytest.skip("iuliia schemas not available (/work/shared absent)")
    assert len(_samples()) >= 10
