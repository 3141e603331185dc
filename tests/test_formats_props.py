"""Properties of every format: random translatable text inside a fixed template.

For each format the random text is put (in the format's own notation) between a prefix and a
suffix of markup that also holds things the fake normalizer would change if it ever read them.
Then: no exception; replaying report.edits on the original gives report.text; fixing again
changes nothing; the template's markup comes out byte for byte; without findings, nothing changes.
"""

from __future__ import annotations

import html
import importlib.util
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normalizer.edits import apply_edits
from normalizer.formats import process_document
from normalizer.formats.po import escape_po
from normalizer.formats.xliff import escape_xml

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "formats"
_spec = importlib.util.spec_from_file_location("fake_normalizer", FIXTURES / "fake_normalizer.py")
assert _spec is not None and _spec.loader is not None
_fake = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fake)
FakeNormalizer = _fake.FakeNormalizer

WORDS = ["Newbie", "Sailor", "silence", "Companions", "..", ".", "...", " ", "  ", "the", "é", "😀"]
PUNCT = ["&", "<", ">", '"', "'", "\\", "\n", "\t", "*", "_", "[", "]", "(", ")", "#", ";", "İ"]

# format -> (prefix, suffix, encode the random text, characters the text must not hold)
Template = tuple[str, str, Callable[[str], str], str]
TEMPLATES: dict[str, Template] = {
    "html": (
        "<html><head><title>t</title><style>.Newbie{}/*..*/</style></head>"
        '<body><p class="Newbie..">',
        "</p><pre>Newbie..</pre><!-- Newbie.. --></body></html>\n",
        lambda t: html.escape(t, quote=False),
        "",
    ),
    "xliff": (
        '<?xml version="1.0"?>\n<xliff version="1.2"><file><body>\n<trans-unit id="1">'
        "<source>Новичок..</source><target>",
        '</target><note>Newbie..</note></trans-unit><trans-unit id="2" translate="no">'
        "<source>a</source><target>Newbie..</target></trans-unit></body></file></xliff>\n",
        escape_xml,
        "",
    ),
    "po": (
        '# Newbie.. comment\nmsgid ""\nmsgstr "Newbie..\\n"\n\nmsgid "Новичок.."\nmsgstr "',
        '"\n\n#, fuzzy\nmsgid "b"\nmsgstr "Newbie.."\n',
        escape_po,
        "",
    ),
    "srt": (
        "1\n00:00:01,000 --> 00:00:02,000\n",
        "\n\n2\n00:00:03,000 --> 00:00:04,000\nok\n",
        str,
        "",
    ),
    "vtt": (
        "WEBVTT Newbie..\n\nNOTE Newbie..\n\n00:00:01.000 --> 00:00:02.000\n",
        "\n",
        html.escape,
        "",
    ),
    "jsonl": (
        '{"id": "Newbie..", "text": "',
        '", "n": [1, "Newbie.."]}\n{"text": "ok"}\n',
        lambda t: json.dumps(t, ensure_ascii=False)[1:-1],
        "",
    ),
    # a random backtick or "<" could open a code span or an HTML block that swallows the suffix
    "markdown": ("---\nk: Newbie..\n---\n\n# Title\n\n", "\n\n```\nNewbie..\n```\n", str, "`<"),
}

# a longer campaign: MTNORM_FUZZ_EXAMPLES=5000 pytest tests/test_formats_props.py
EXAMPLES = int(os.environ.get("MTNORM_FUZZ_EXAMPLES", "150"))
text_strategy = st.lists(st.sampled_from(WORDS + PUNCT), max_size=25).map("".join)


def _document(fmt: str, text: str) -> tuple[str, str, str]:
    prefix, suffix, encode, banned = TEMPLATES[fmt]
    for ch in banned:
        text = text.replace(ch, " ")
    if fmt == "po":  # polib reads these as line ends even inside a string: not valid PO text
        text = "".join(" " if ch in "\v\f\x1c\x1d\x1e\x85\u2028\u2029" else ch for ch in text)
    if fmt == "xliff":  # XML 1.0 has no way to write these characters
        text = "".join(ch for ch in text if ch in "\t\n\r" or " " <= ch < "\ufffe")
    if fmt in ("srt", "vtt"):  # a cue cannot hold a blank line, nor end in one
        text = "\n".join(line for line in text.splitlines() if line.strip()) or "x"
    return prefix, prefix + encode(text) + suffix, suffix


@pytest.mark.parametrize("fmt", sorted(TEMPLATES))
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=text_strategy)
def test_format_properties(fmt: str, text: str) -> None:
    prefix, doc, suffix = _document(fmt, text)
    fields = ("text",)
    report = process_document(FakeNormalizer(), doc, fmt, fix=True, fields=fields)
    assert apply_edits(doc, report.edits) == report.text
    assert report.text.startswith(prefix) and report.text.endswith(suffix)
    for e in report.edits:
        assert len(prefix) <= e.start and e.end <= len(doc) - len(suffix)
    again = process_document(FakeNormalizer(), report.text, fmt, fix=True, fields=fields)
    assert again.text == report.text and not again.edits
    checked = process_document(FakeNormalizer(), doc, fmt, fix=False, fields=fields)
    assert checked.text == doc


class _Null:
    def check(self, text: str, source: str | None = None) -> object:
        from normalizer.edits import Report

        return Report(text, text)

    fix = check


@pytest.mark.parametrize("fmt", sorted(TEMPLATES))
@settings(max_examples=max(EXAMPLES // 3, 20), deadline=None)
@given(text=st.text(max_size=40))
def test_no_findings_byte_identical_for_any_text(fmt: str, text: str) -> None:
    _, doc, _ = _document(fmt, text)
    report = process_document(_Null(), doc, fmt, fix=True, fields=("text",))  # type: ignore[arg-type]
    assert report.text == doc
