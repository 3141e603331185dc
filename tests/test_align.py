"""Source/MT alignment: line pairing, source names, transliteration checks, aligned spans."""

from __future__ import annotations

from normalizer.align import (
    SourceName,
    align_line,
    garbled_rendering,
    line_pairs,
    partial_transliteration,
    source_names,
    transliteration_in,
)


def test_line_pairs_line_aligned_and_single_segment() -> None:
    text = "one\ntwo\r\nthree"
    pairs = line_pairs(text, "один\nдва\nтри")
    assert [(text[a:b], s) for a, b, s in pairs] == [
        ("one", "один"),
        ("two", "два"),
        ("three", "три"),
    ]
    assert line_pairs("a\nb", "один сегмент") == [(0, 3, "один сегмент")]


def test_line_pairs_skip_blank_lines_when_counts_differ_and_refuse_to_guess() -> None:
    text = "one\n\ntwo"
    assert [s for _, _, s in line_pairs(text, "один\nдва")] == ["один", "два"]
    assert line_pairs("a\nb\nc", "x\ny") == []


def test_source_names_nominative_and_kinds() -> None:
    names = source_names("Навальный сидит в «Матросской тишине», пишет Новая газета.")
    assert [(n.text, n.kind, n.suggestion) for n in names] == [
        ("Матросской тишине", "quoted", "Matrosskaya Tishina"),
        ("Новая газета", "capitalized", "Novaya Gazeta"),
    ]


def test_source_names_skip_quotations_and_persons() -> None:
    assert source_names("Он сказал: «Я не буду вакцинироваться», — и ушел.") == []
    assert source_names("Вчера Олаф Шольц прибыл в Варшаву.") == []


def test_transliteration_in_is_fuzzy_on_spelling() -> None:
    assert transliteration_in("Izvestiya", "in an interview with Izvestia")
    assert transliteration_in("Sputnik V", "doses of the Sputnik V vaccine")
    assert not transliteration_in("Matrosskaya Tishina", "held in Sailor silence")


def test_partial_transliteration_finds_half_done_names_only() -> None:
    text = 'the vaccine "Satelnik V" works'
    start = text.index("Satelnik")
    assert partial_transliteration("Sputnik V", text, 0, len(text)) == (start, start + 10)
    for english in ("the Leningrad Oblast governor", "the Captain Morgan brand"):
        assert partial_transliteration("Leningradskaya Oblast", english, 0, len(english)) is None


def _name(text: str) -> SourceName:
    return SourceName(0, len(text), text, "quoted", "")


def test_garbled_rendering_finds_half_translated_misspelled_names() -> None:
    # "Moscow" translates Московский, "Comsomolec" misspells komsomolec (not house style)
    text = "in the nomination, Moscow Comsomolec reports."
    start = text.index("Moscow")
    name = _name("Московский комсомолец")
    assert garbled_rendering(name, text, 0, len(text)) == (start, start + len("Moscow Comsomolec"))
    # Shifted offsets: only the given line is searched
    assert garbled_rendering(name, "x. " + text, 3, 3 + len(text)) == (start + 3, start + 20)


def test_garbled_rendering_leaves_renderings_and_brand_spellings() -> None:
    name = _name("Московский комсомолец")
    for mt in (
        "Moskovsky Komsomolets reports.",  # house style
        "Moscow Komsomolets reports.",  # translated + correctly transliterated
        "the Moscow Young Communist paper reports.",  # a translation throughout
    ):
        assert garbled_rendering(name, mt, 0, len(mt)) is None, mt
    # A brand's own Latin spelling, alone, is a rendering ("Tarhun" for «Тархун»)
    assert garbled_rendering(_name("Тархун"), 'I liked the "Tarhun" drink', 0, 26) is None


def test_align_reports_a_garbled_name_as_partial() -> None:
    src = "Фильм получил награду, сообщает «Московский комсомолец»."
    text = "The film won the award, Moscow Comsomolec reports."
    [a] = align_line(text, 0, len(text), src)
    assert (text[a.start : a.end], a.partial, a.name.suggestion) == (
        "Moscow Comsomolec",
        True,
        "Moskovsky Komsomolets",
    )


def test_align_quoted_by_order() -> None:
    text = "He sat in «Sailor silence» and read «Statements» daily."
    src = "Он сидел в «Матросской тишине» и читал «Ведомости» ежедневно."
    found = align_line(text, 0, len(text), src)
    assert [(text[a.start : a.end], a.candidate.text, a.found) for a in found] == [
        ("Sailor silence", "Matrosskaya Tishina", False),
        ("Statements", "Vedomosti", False),
    ]
    assert all(a.candidate.origin == "transliteration" for a in found)


def test_align_unquoted_first_word_capital_calque() -> None:
    text = "The winners of the prize were named in Moscow - Russian newspaper"
    src = "В Москве назвали победителей премии - Российская газета"
    found = align_line(text, 0, len(text), src)
    assert [(text[a.start : a.end], a.name.suggestion) for a in found] == [
        ("Russian newspaper", "Rossiyskaya Gazeta")
    ]


def test_align_rendered_name_is_found() -> None:
    text = "He told Vedomosti about the «Sputnik V» vaccine."
    src = "Он рассказал «Ведомостям» о вакцине «Спутник V»."
    assert all(a.found for a in align_line(text, 0, len(text), src))
