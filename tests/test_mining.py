"""Corpus mining into a draft glossary, and merging a reviewed draft (comments preserved)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from normalizer.errors import GlossaryError, InputError
from normalizer.glossary import load_glossaries, load_glossary_text
from normalizer.mining import TODO, draft_text, main, merge, merge_main, mine, write_draft

TEMPLATES = [
    ("He was poisoned with «{x}» last year.", "Его отравили «{y}» в прошлом году."),
    ("Traces of «{x}» were found after the poisoning.", "Следы «{y}» нашли после отравления."),
    (
        "Experts say «{x}» is a nerve agent used in the poisoning.",
        "Эксперты говорят, что «{y}» — боевое отравляющее вещество.",
    ),
]
FILLER = ["The weather was cold.", "Prices rose in March.", "The team won the game."]
FILLER_RU = ["Было холодно.", "Цены выросли в марте.", "Команда выиграла игру."]


def _corpus(tmp_path: Path, files: int = 4, seed: int = 7) -> tuple[list[Path], list[Path]]:
    """Files of MT with line-aligned sources: 'Newbie'/'Newbies' for «Новичок» among filler."""
    rng = random.Random(seed)
    mts, srcs = [], []
    for i in range(files):
        mt_lines, src_lines = [], []
        for _ in range(6):
            if rng.random() < 0.5:
                t, s = rng.choice(TEMPLATES)
                mt_lines.append(t.format(x=rng.choice(["Newbie", "Newbie", "Newbies"])))
                src_lines.append(s.format(y=rng.choice(["Новичок", "Новичка"])))
            else:
                k = rng.randrange(len(FILLER))
                mt_lines.append(FILLER[k])
                src_lines.append(FILLER_RU[k])
        mt, src = tmp_path / f"doc{i}.txt", tmp_path / f"doc{i}.ru"
        mt.write_text("\n".join(mt_lines) + "\n", encoding="utf-8")
        src.write_text("\n".join(src_lines) + "\n", encoding="utf-8")
        mts.append(mt)
        srcs.append(src)
    return mts, srcs


def _expected_count(paths: list[Path]) -> int:
    return sum(p.read_text(encoding="utf-8").count("«Newbie") for p in paths)


def test_mine_clusters_renderings_with_counts_and_contexts(tmp_path: Path) -> None:
    mts, srcs = _corpus(tmp_path)
    drafts = mine(mts, srcs)
    assert len(drafts) == 1
    d = drafts[0]
    assert d.count == _expected_count(mts)
    assert {v for v, _ in d.variants} <= {"Newbie", "Newbies"}
    assert d.term == "Novichok"
    assert d.source == ("новичок",)
    assert "poisoning" in d.near or "poisoned" in d.near
    assert all("Newbie" in e for e in d.examples)


def test_mine_without_source_has_no_term_and_reports_progress(tmp_path: Path) -> None:
    mts, _ = _corpus(tmp_path, files=3, seed=3)
    seen: list[tuple[int, int]] = []
    drafts = mine(mts, progress=lambda done, total, _p: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert [d.term for d in drafts] == [TODO]


def test_mine_refuses_mismatched_sources(tmp_path: Path) -> None:
    mts, srcs = _corpus(tmp_path)
    with pytest.raises(InputError):
        mine(mts, srcs[:1])


def test_draft_is_a_valid_v1_glossary_of_suggest_entries(tmp_path: Path) -> None:
    mts, srcs = _corpus(tmp_path)
    out = tmp_path / "draft.yaml"
    write_draft(mine(mts, srcs), out)
    text = out.read_text(encoding="utf-8")
    assert "# seen " in text
    (glossary,) = load_glossaries([out])
    (entry,) = glossary.entries
    assert entry.action == "suggest"
    assert entry.term == "Novichok"
    assert all(ex.input == ex.output for ex in entry.examples)


GLOSSARY = """\
# Our house glossary. This comment must survive a merge.
name: house
languages: {source: ru, target: en}
entries:
  # Novichok: the nerve agent
  - term: Novichok
    variants: [Novice]   # keep this note
    source: [новичок]

  - term: Kommersant
    variants: [Businessman]
"""


def _draft(term: str) -> str:
    return f"""\
name: draft
entries:
  - term: {term}
    variants: [Newbie, Novice]
    action: suggest
  - term: Matrosskaya Tishina
    variants: [Sailor silence]
    source: [матросская тишина]
    action: suggest
"""


def test_merge_preserves_comments_and_adds_entries_and_variants(tmp_path: Path) -> None:
    gpath, dpath = tmp_path / "house.yaml", tmp_path / "draft.yaml"
    gpath.write_text(GLOSSARY, encoding="utf-8")
    dpath.write_text(_draft("Novichok"), encoding="utf-8")
    result = merge(dpath, gpath)
    merged = gpath.read_text(encoding="utf-8")
    for comment in (
        "# Our house glossary. This comment must survive a merge.",
        "# Novichok: the nerve agent",
        "# keep this note",
    ):
        assert comment in merged
    assert result.added == ("matrosskaya-tishina",)
    assert result.extended == ("novichok",)
    glossary, problems = load_glossary_text(merged, str(gpath))
    assert glossary is not None and not [p for p in problems if p.severity == "error"]
    by_term = {e.term: e for e in glossary.entries}
    assert by_term["Novichok"].variants == ("Novice", "Newbie")
    assert by_term["Matrosskaya Tishina"].variants == ("Sailor silence",)
    assert merged.index("Kommersant") < merged.index("Matrosskaya Tishina")
    # merging again changes nothing
    again = merge(dpath, gpath)
    assert (again.added, again.extended) == ((), ())
    assert gpath.read_text(encoding="utf-8") == merged


def test_merge_refuses_unreviewed_entries_with_their_location(tmp_path: Path) -> None:
    gpath, dpath = tmp_path / "house.yaml", tmp_path / "draft.yaml"
    gpath.write_text(GLOSSARY, encoding="utf-8")
    dpath.write_text(_draft(TODO), encoding="utf-8")
    with pytest.raises(GlossaryError) as err:
        merge(dpath, gpath)
    assert err.value.problems[0].line == 3
    assert gpath.read_text(encoding="utf-8") == GLOSSARY


def test_cli_suggest_then_merge(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mts, srcs = _corpus(tmp_path)
    out = tmp_path / "draft.yaml"
    args = [str(p) for p in mts] + [a for s in srcs for a in ("--source", str(s))]
    assert main([*args, "-o", str(out)]) == 0
    gpath = tmp_path / "house.yaml"
    gpath.write_text(GLOSSARY, encoding="utf-8")
    assert merge_main([str(out), str(gpath)]) == 0
    assert "Newbie" in gpath.read_text(encoding="utf-8")
    assert "1 draft entries" in capsys.readouterr().err


def test_draft_text_of_nothing_is_still_a_glossary() -> None:
    glossary, problems = load_glossary_text(draft_text([]), "empty.yaml")
    assert glossary is not None, problems


def test_mine_with_a_glossary_skips_what_it_fixes(tmp_path: Path) -> None:
    mts, _ = _corpus(tmp_path, files=2, seed=5)
    g = tmp_path / "known.yaml"
    g.write_text(
        "name: known\nentries:\n  - term: Novichok\n    variants: [Newbie]\n", encoding="utf-8"
    )
    drafts = mine(mts, glossaries=[g])
    # «Newbie» is fixed by the glossary; only the near-miss «Newbies» is drafted, with its term
    assert [(d.term, [v for v, _ in d.variants]) for d in drafts] == [("Novichok", ["Newbies"])]
