"""Document formats: only translatable text changes, offsets map back to the original file."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from normalizer.edits import Edit, Report, apply_edits
from normalizer.errors import ConfigError, InputError
from normalizer.formats import FORMATS, Checker, detect_format, process_document, segments
from normalizer.formats.jsonl import escape_json
from normalizer.formats.po import escape_po

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "formats"
REPO = Path(__file__).resolve().parents[1]

_spec = importlib.util.spec_from_file_location("fake_normalizer", FIXTURES / "fake_normalizer.py")
assert _spec is not None and _spec.loader is not None
_fake = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fake)
FakeNormalizer = _fake.FakeNormalizer

# fixture file -> (format, JSONL fields)
CASES = {
    "code-spans.md": ("markdown", ()),
    "inline-tags-12.xlf": ("xliff", ()),
    "inline-tags-20.xlf": ("xliff", ()),
    "plurals.po": ("po", ()),
    "multiline.srt": ("srt", ()),
    "cues.vtt": ("vtt", ()),
    "records.jsonl": ("jsonl", ("text", "meta.en", "turns.text")),
    "entities.html": ("html", ()),
}


def read(name: str) -> str:
    # newline="" keeps CRLF: the files must come out byte-identical
    with open(FIXTURES / name, encoding="utf-8", newline="") as f:
        return f.read()


def run(name: str, *, fix: bool = True, normalizer: Checker | None = None) -> Report:
    fmt, fields = CASES[name]
    return process_document(normalizer or FakeNormalizer(), read(name), fmt, fix=fix, fields=fields)


class NullNormalizer:
    """Finds nothing: any change in the output would be the format layer's doing."""

    def check(self, text: str, source: str | None = None) -> Report:
        return Report(text, text)

    fix = check


class ReplaceNormalizer:
    """Replaces one literal everywhere (to test how replacement text is written back)."""

    def __init__(self, old: str, new: str) -> None:
        self.old, self.new = old, new

    def check(self, text: str, source: str | None = None) -> Report:
        edits = tuple(
            Edit(m.start(), m.end(), self.old, self.new, "test/replace")
            for m in re.finditer(re.escape(self.old), text)
        )
        return Report(text, text, edits)

    def fix(self, text: str, source: str | None = None) -> Report:
        report = self.check(text, source)
        return Report(text, apply_edits(text, report.edits), report.edits)


def translatable_offsets(name: str) -> set[int]:
    """File offsets an edit may touch: text as written, or entities/escapes replaced wholly."""
    fmt, fields = CASES[name]
    return {
        i
        for seg in segments(read(name), fmt, fields=fields)
        for p in seg.pieces
        if p.verbatim or p.whole
        for i in range(p.file_start, p.file_end)
    }


@pytest.mark.parametrize("name", sorted(CASES))
def test_no_findings_is_byte_identical(name: str) -> None:
    report = run(name, normalizer=NullNormalizer())
    assert report.text == read(name)
    assert not report.edits and not report.suggestions


@pytest.mark.parametrize("name", sorted(CASES))
def test_edits_stay_inside_translatable_text_and_replay(name: str) -> None:
    original = read(name)
    report = run(name)
    assert report.edits, "each fixture has something to fix"
    allowed = translatable_offsets(name)
    for e in report.edits:
        assert original[e.start : e.end] == e.old
        assert set(range(e.start, e.end)) <= allowed, e
    assert apply_edits(original, report.edits) == report.text


@pytest.mark.parametrize("name", sorted(CASES))
def test_fix_is_idempotent(name: str) -> None:
    fmt, fields = CASES[name]
    once = run(name).text
    again = process_document(FakeNormalizer(), once, fmt, fix=True, fields=fields)
    assert not again.edits
    assert again.text == once


@pytest.mark.parametrize("name", sorted(CASES))
def test_check_reports_without_changing(name: str) -> None:
    report = run(name, fix=False)
    assert report.text == report.original == read(name)
    assert report.edits == run(name).edits


def test_xliff_targets_only_and_source_passed() -> None:
    fake = FakeNormalizer()
    report = process_document(fake, read("inline-tags-12.xlf"), "xliff", fix=True)
    out = report.text
    assert '<target state="translated">Poisoned with Novichok.</target>' in out
    assert "<source>Отравили «Новичком»</source>" in out
    assert ("Poisoned with Newbie..", "Отравили «Новичком»") in fake.calls
    # alt-trans, needs-translation, translate="no" and native code inside <ph> stay as written
    for kept in (
        "<alt-trans><target>Newbie in alt-trans</target></alt-trans>",
        '<target state="needs-translation">Newbie</target>',
        "<target>Newbie</target>",
        '<ph id="1">&lt;b x="Newbie"&gt;</ph>',
    ):
        assert kept in out
    # "Sailor silence" spans <g>...</g>: reported, not applied
    (crossing,) = [s for s in report.suggestions if s.rule == "fake/matrosskaya-tishina"]
    assert read("inline-tags-12.xlf")[crossing.start : crossing.end] == "Sailor</g> silence"
    assert '<g id="1">Sailor</g> silence &amp; Novichok<x id="2"/> Novichok' in out


def test_xliff2_segments_and_translate_no() -> None:
    fake = FakeNormalizer()
    out = process_document(fake, read("inline-tags-20.xlf"), "xliff", fix=True).text
    assert 'Poisoned with <pc id="1">Novichok</pc>.</target>' in out
    assert '<mrk id="m1" translate="no">Newbie</mrk>' in out
    assert "<target> Newbie </target>" in out  # <ignorable>
    assert "<segment><source>x</source><target>Newbie</target></segment>" in out
    assert any(source == "Соратники Навального" for _, source in fake.calls)


def test_po_plural_forms_fuzzy_header_and_polib_agrees() -> None:
    polib = pytest.importorskip("polib")
    out = run("plurals.po").text
    po = polib.pofile(out)
    plural = po.find("Один соратник")
    assert plural.msgstr_plural == {0: "One Novichok", 1: "%d Novichok agents"}
    assert po.find("Отравлен «Новичком»").msgstr == 'Poisoned with "Novichok".'
    assert po.find("Новичок").msgstr == "Newbie"  # fuzzy: skipped
    assert "X-Note: Newbie in the header stays" in out
    assert '#~ msgstr "Old Newbie"' in out


def test_po_segments_decode_like_polib() -> None:
    polib = pytest.importorskip("polib")
    text = read("plurals.po")
    seen = {seg.text for seg in segments(text, "po")}
    for entry in polib.pofile(text):
        if entry.msgid and "fuzzy" not in entry.flags and not entry.obsolete:
            values = list(entry.msgstr_plural.values()) or [entry.msgstr]
            assert {v for v in values if v} <= seen


def test_po_replacement_is_escaped() -> None:
    text = 'msgid "a"\nmsgstr "Newbie"\n'
    out = process_document(ReplaceNormalizer("Newbie", 'the "N"\\agent'), text, "po", fix=True)
    assert out.text == 'msgid "a"\nmsgstr "the \\"N\\"\\\\agent"\n'
    assert escape_po('a"b\n') == 'a\\"b\\n'


def test_html_entities_kept_outside_fixed_spans() -> None:
    report = run("entities.html")
    out = report.text
    assert "Tom &amp; Jerry met Novichok&nbsp;agents." in out
    assert "<pre>Newbie..</pre>" in out and 'x = "Newbie.."' in out
    assert '<p translate="no">Newbie</p>' in out and "<!-- Newbie.. -->" in out
    assert 'title="Newbie.."' in out
    # the ".." edit covers the entity "&#46;" wholly: it is rewritten, in HTML notation
    assert "end." in out and "end&#46;" not in out
    assert not any(s.rule == "cleanup/double-period" for s in report.suggestions)


def test_edit_cutting_into_an_entity_is_reported() -> None:
    # &NotEqualTilde; decodes to two code points; replacing only the first cannot be written back
    text = "<p>a &NotEqualTilde; b &amp; c</p>"
    report = process_document(ReplaceNormalizer("\u2242", "x"), text, "html", fix=True)
    assert report.text == text and not report.edits
    (finding,) = report.suggestions
    assert text[finding.start : finding.end] == "&NotEqualTilde;"
    whole = process_document(ReplaceNormalizer("\u2242\u0338", "x"), text, "html", fix=True)
    assert whole.text == "<p>a x b &amp; c</p>"


def test_html_replacement_is_escaped() -> None:
    text = "<p>Tom and Jerry</p>"
    out = process_document(ReplaceNormalizer(" and ", " & "), text, "html", fix=True).text
    assert out == "<p>Tom &amp; Jerry</p>"


def test_markdown_code_links_and_front_matter_untouched() -> None:
    original = read("code-spans.md")
    out = run("code-spans.md").text
    for kept in (
        "title: Newbie in front matter stays\ntags: [news..]",
        "`Newbie --fix`",
        '(https://example.com/Newbie..(1) "Newbie title")',
        'x = "Newbie.."',
        "    indented Newbie code",
        "<div>Newbie in an HTML block</div>",
        "![Newbie](img/Newbie.png)",
        "`code Newbie`",
        "<http://newbie.example/Newbie>",
        "the newbie on the team",
        "**Sailor** silence",
    ):
        assert kept in original and kept in out
    assert "# Navalny poisoned with Novichok.\n" in out
    assert "[the Novichok report]" in out
    assert "| Novichok. |" in out


def test_subtitles_keep_timings_and_line_breaks() -> None:
    out = run("multiline.srt").text
    assert "\r\n" in out and "\n" not in out.replace("\r\n", "")
    assert "00:00:04,000 --> 00:00:06,000\r\nHe sits in <i>Sailor</i>\r\nsilence, Novichok" in out
    vtt = run("cues.vtt").text
    assert vtt.startswith("WEBVTT - Newbie news\n\nNOTE Newbie in a note stays\n")
    assert "::cue { color: Newbie }" in vtt
    assert "<v Anchor>Poisoned with Novichok.</v>\nTom &amp; Novichok" in vtt


def test_jsonl_other_fields_identical_and_escapes_respected() -> None:
    original = read("records.jsonl").splitlines()
    out = run("records.jsonl").text.splitlines()
    assert out[1] == original[1] == ""
    before, after = json.loads(original[2]), json.loads(out[2])
    assert after["text"] == 'Tom said "Novichok" \u2014 Matrosskaya Tishina'
    assert after["tags"] == before["tags"] == ["Newbie"]
    assert [t["text"] for t in after["turns"]] == ["Novichok", "ok"]
    assert json.loads(out[0])["meta"] == {"note": "Newbie stays", "en": "Novichok\nhere"}
    assert '"n": 1.5e3, "x": null' in out[3]


def test_jsonl_ascii_only_strings_stay_ascii_only() -> None:
    text = json.dumps({"text": "poisoned with \u00abNewbie\u00bb.."}) + "\n"
    assert "\\u00ab" in text
    fixed = process_document(
        ReplaceNormalizer("\u00abNewbie\u00bb", "\u201cNovichok\u201d"),
        text,
        "jsonl",
        fix=True,
        fields=["text"],
    ).text
    assert fixed == '{"text": "poisoned with \\u201cNovichok\\u201d.."}\n'


def test_jsonl_replacement_is_escaped() -> None:
    text = '{"t": "a Newbie", "u": 1}\n'
    out = process_document(
        ReplaceNormalizer("Newbie", 'b"\n'), text, "jsonl", fix=True, fields=["t"]
    )
    assert out.text == '{"t": "a b\\"\\n", "u": 1}\n'
    assert json.loads(out.text)["t"] == 'a b"\n'
    assert escape_json("é\t") == "é\\t"


@pytest.mark.parametrize(
    ("fmt", "text", "line", "column"),
    [
        ("xliff", '<xliff version="1.2">\n<file><body>\n<trans-unit></body></file></xliff>', 3, 0),
        ("xliff", "<html></html>", 1, 1),
        ("jsonl", '{"text": "ok"}\n{"text": oops}\n', 2, 10),
        ("po", 'msgid "a"\nmsgstr "b"\nfoo\n', 3, 1),
    ],
)
def test_bad_input_raises_located_input_error(fmt: str, text: str, line: int, column: int) -> None:
    with pytest.raises(InputError) as info:
        process_document(FakeNormalizer(), text, fmt, fix=True, fields=["text"], path="in.x")
    (problem,) = info.value.problems
    assert problem.path == "in.x" and problem.line == line
    if column:
        assert problem.column == column


def test_jsonl_without_fields_is_an_input_error() -> None:
    with pytest.raises(InputError, match="--field"):
        process_document(FakeNormalizer(), '{"a": "b"}\n', "jsonl", fix=True)


@pytest.mark.parametrize(
    ("path", "declared", "expected"),
    [
        ("a.md", "auto", "markdown"),
        ("A.HTML", "auto", "html"),
        ("x.xlf", "auto", "xliff"),
        ("x.xliff", "auto", "xliff"),
        ("m.po", "auto", "po"),
        ("s.srt", "auto", "srt"),
        ("s.vtt", "auto", "vtt"),
        ("d.jsonl", "auto", "jsonl"),
        ("notes.txt", "auto", "text"),
        (None, "auto", "text"),
        ("-", "auto", "text"),
        ("a.md", "html", "html"),
    ],
)
def test_detect_format(path: str | None, declared: str, expected: str) -> None:
    assert detect_format(path, declared) == expected
    assert expected in FORMATS


def test_detect_format_rejects_unknown_declared_format() -> None:
    with pytest.raises(ConfigError, match="unknown input format"):
        detect_format("a.md", "docx")


def test_text_format_is_the_engine_itself() -> None:
    text = "Poisoned with Newbie.. Companions"
    fake = FakeNormalizer()
    assert process_document(fake, text, "text", fix=True) == fake.fix(text)
    checked = process_document(fake, text, "text", fix=False)
    assert checked.text == text and checked.edits == fake.check(text).edits


# -- the real engine --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine() -> Checker:
    config = REPO / "config.yaml"
    if not config.exists():
        pytest.skip("no config.yaml in the repository")
    from normalizer import Normalizer

    return Normalizer.from_config(config)


def test_real_engine_markdown_article(engine: Checker) -> None:
    doc = (
        "# Companions of Navalny held talks\n\n"
        "He was poisoned with «Newbie», say European media outlets..\n\n"
        "Run `mtnorm fix «Newbie»..` to see; the newbie on the team stays.\n"
    )
    report = process_document(engine, doc, "markdown", fix=True)
    out = report.text
    assert out.startswith("# Allies of Navalny held talks\n")
    assert "poisoned with Novichok" in out and "media outlets.\n" in out
    assert "`mtnorm fix «Newbie»..`" in out and "the newbie on the team stays." in out
    assert process_document(engine, out, "markdown", fix=True).text == out


def test_real_engine_html_and_xliff(engine: Checker) -> None:
    page = "<p>Held in «Sailor silence» &amp; poisoned with «Newbie»</p><code>«Newbie»</code>"
    out = process_document(engine, page, "html", fix=True).text
    assert "&amp; poisoned with Novichok</p><code>«Newbie»</code>" in out
    assert "Matrosskaya Tishina" in out
    xlf = read("inline-tags-12.xlf")
    report = process_document(engine, xlf, "xliff", fix=True)
    assert apply_edits(xlf, report.edits) == report.text
    assert "<alt-trans><target>Newbie in alt-trans</target></alt-trans>" in report.text


def test_real_engine_seed_article_same_fixes_in_markdown_and_jsonl(engine: Checker) -> None:
    seed = REPO / "examples" / "navalny-mt.txt"
    if not seed.exists():
        pytest.skip("no seed article")
    with open(seed, encoding="utf-8", newline="") as f:
        article = f.read()
    plain = engine.fix(article)
    assert plain.edits
    # plain paragraphs are Markdown paragraphs: the format layer must not change the outcome
    assert process_document(engine, article, "markdown", fix=True).text == plain.text
    paragraphs = article.split("\n\n")
    lines = "".join(json.dumps({"id": i, "text": p}) + "\n" for i, p in enumerate(paragraphs))
    fixed = process_document(engine, lines, "jsonl", fix=True, fields=["text"]).text
    assert "\n\n".join(json.loads(line)["text"] for line in fixed.splitlines()) == plain.text


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        (  # BOM and CRLF; a link target keeps its "Newbie"
            "\ufeff# Newbie..\r\n\r\nSee [Newbie](http://x/Newbie) Newbie\r\n",
            "\ufeff# Novichok.\r\n\r\nSee [Novichok](http://x/Newbie) Novichok\r\n",
        ),
        (  # autolinks are addresses, not prose
            "Auto <https://Newbie.com> and <me@Newbie.com> Newbie..\n",
            "Auto <https://Newbie.com> and <me@Newbie.com> Novichok.\n",
        ),
        (  # a code span with backticks inside, an angle-bracket destination and a title
            'a ``code ` Newbie`` Newbie [l](<u Newbie> "Newbie..") Newbie\n',
            'a ``code ` Newbie`` Novichok [l](<u Newbie> "Newbie..") Novichok\n',
        ),
        (  # reference links and their definitions
            "[ref]: http://Newbie.com\n\nSee [Newbie][ref] and [x] Newbie\n\n[x]: /Newbie..\n",
            "[ref]: http://Newbie.com\n\nSee [Novichok][ref] and [x] Novichok\n\n[x]: /Newbie..\n",
        ),
        (  # image alt text and title stay; a backslash escape is kept as written
            'T ![Newbie *a*](a.png "Newbie") Newbie and \\*Newbie\\*\n',
            'T ![Newbie *a*](a.png "Newbie") Novichok and \\*Novichok\\*\n',
        ),
        (  # setext heading, nested list, lazy blockquote continuation
            "Newbie\n===\n\n* a\n  * b Newbie..\n\n> q\nlazy Newbie\n",
            "Novichok\n===\n\n* a\n  * b Novichok.\n\n> q\nlazy Novichok\n",
        ),
    ],
)
def test_markdown_cases(doc: str, expected: str) -> None:
    assert process_document(FakeNormalizer(), doc, "markdown", fix=True).text == expected


def test_xliff_entities_are_never_expanded() -> None:
    # a billion-laughs subset and an external entity: read as written, never expanded or fetched
    doc = (
        '<?xml version="1.0"?>\n<!DOCTYPE xliff [<!ENTITY a "Newbie Newbie">'
        '<!ENTITY b "&a;&a;&a;&a;"><!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        '<xliff version="1.2"><file><body><trans-unit id="1"><source>s</source>'
        "<target>&b; &x; Newbie..</target></trans-unit></body></file></xliff>\n"
    )
    report = process_document(FakeNormalizer(), doc, "xliff", fix=True)
    assert report.text == doc.replace("&x; Newbie..", "&x; Novichok.")


def test_lone_surrogate_in_xml_is_an_input_error() -> None:
    doc = (
        '<xliff><file><body><trans-unit id="1"><target>\ud800</target></trans-unit>'
        "</body></file></xliff>"
    )
    with pytest.raises(InputError):
        process_document(FakeNormalizer(), doc, "xliff", fix=True)
