"""Russian names to English house style: nominative, transliteration, capitalization."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normalizer import translit
from normalizer.translit import house_style, suggest_name, to_nominative, transliterate

RUSSIAN = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Матросская тишина", "Matrosskaya Tishina"),
        ("Ведомостей", "Vedomosti"),
        ("Кинжал", "Kinzhal"),
        ("Новичок", "Novichok"),
        ("Коммерсант", "Kommersant"),
        ("Матросской тишины", "Matrosskaya Tishina"),
        ("Новой газеты", "Novaya Gazeta"),
        ("Эха Москвы", "Ekho Moskvy"),
        ("Йошкар-Олы", "Yoshkar-Ola"),
        ("МАТРОССКОЙ ТИШИНЫ", "Matrosskaya Tishina"),
        ("ИТАР-ТАСС", "ITAR-TASS"),
        ("  Спутник V ", "Sputnik V"),
    ],
)
def test_suggest_name(source: str, expected: str) -> None:
    assert suggest_name(source) == expected


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("Ведомостей", "Ведомости"),
        ("Матросской тишины", "Матросская тишина"),
        ("матросской тишины", "матросская тишина"),
        ("Новичком", "Новичок"),
        ("Московского комсомольца", "Московский комсомолец"),
        # the head noun's dependents keep their case
        ("Эха Москвы", "Эхо Москвы"),
        # already nominative: unchanged
        ("Новая газета", "Новая газета"),
        # not Russian: unchanged
        ("Navalny", "Navalny"),
    ],
)
def test_to_nominative(phrase: str, expected: str) -> None:
    assert to_nominative(phrase) == expected


def test_to_nominative_without_pymorphy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(translit, "_analyzer", lambda: None)
    suggest_name.cache_clear()  # results computed with pymorphy3 must not answer here
    assert to_nominative("Матросской тишины") == "Матросской тишины"
    # the suggestion degrades to a plain transliteration instead of failing
    assert suggest_name("Ведомостей") == "Vedomostey"
    suggest_name.cache_clear()


@pytest.mark.parametrize(
    ("latin", "expected"),
    [
        ("matrosskaya tishina", "Matrosskaya Tishina"),
        ("yoshkar-ola", "Yoshkar-Ola"),
        ("FSB officers", "FSB Officers"),
        ("rostov-na-donu", "Rostov-na-Donu"),
        ("McDonald", "McDonald"),
    ],
)
def test_house_style(latin: str, expected: str) -> None:
    assert house_style(latin) == expected


def test_transliterate_keeps_other_text() -> None:
    assert (
        transliterate("Ельцин, Yeltsin\r\n  «Щукин» ФСБ") == "Yeltsin, Yeltsin\r\n  «Shchukin» FSB"
    )


def test_transliterate_composes_decomposed_short_i() -> None:
    # "й" typed as "и" + combining breve must read as "й", not as "и" plus a stray mark
    assert transliterate("Бии\u0306ск") == transliterate("Бийск") == "Biysk"


def test_stress_marks_are_not_spelling() -> None:
    assert transliterate("Моск\u0301ва") == "Moskva"
    assert suggest_name("Матро\u0301сской тишины\u0301") == "Matrosskaya Tishina"


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=60))
def test_transliterate_is_identity_without_cyrillic(text: str) -> None:
    if not any("\u0400" <= c <= "\u04ff" for c in text):
        assert transliterate(text) == text


@given(st.text(alphabet=RUSSIAN + " -,.\n", max_size=60))
def test_transliterate_leaves_no_russian_letters(text: str) -> None:
    out = transliterate(text)
    assert not any(c in RUSSIAN for c in out)
    # separators are kept one for one
    assert [c for c in out if c in " -,.\n"] == [c for c in text if c in " -,.\n"]


def test_spellings_house_style_first_then_other_schemes_nominative() -> None:
    forms = translit.spellings("«Московского комсомольца»")
    assert [f[0] for f in forms] == ["moskovsky", "komsomolets"]
    assert "komsomolec" in forms[1] and "moskovskiy" in forms[0]
    assert all(len(set(f)) == len(f) for f in forms)  # no duplicates
    assert translit.spellings("no Cyrillic here") == ()
