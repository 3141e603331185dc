"""Batch processing: discovery, ordered parallel runs, per-file failures (normalizer.batch)."""

from __future__ import annotations

import errno
import os
import pickle
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalizer import fileio
from normalizer.batch import (
    FileResult,
    Summary,
    discover,
    make_processor,
    run_batch,
)
from normalizer.edits import Edit, Report, apply_edits
from normalizer.errors import InputError


class FakeNormalizer:
    """The engine's interface, replacing whole words from a table (no glossary machinery)."""

    def __init__(self, table: dict[str, str] | None = None, delay: float = 0.0) -> None:
        self.table = table or {"Newbie": "Novichok"}
        self.delay = delay

    def check(self, text: str, source: str | None = None) -> Report:
        edits = []
        for old, new in self.table.items():
            start = text.find(old)
            while start != -1:
                edits.append(Edit(start, start + len(old), old, new, "test/" + old.lower()))
                start = text.find(old, start + len(old))
        if self.delay:
            time.sleep(self.delay)
        return Report(text, text, tuple(sorted(edits, key=lambda e: e.start)))

    def fix(self, text: str, source: str | None = None) -> Report:
        r = self.check(text, source)
        return Report(text, apply_edits(text, r.edits), r.edits)


def _tree(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content)


def _rel(paths: list[Path], root: Path) -> list[str]:
    return [p.relative_to(root).as_posix() for p in paths]


# --- discovery -----------------------------------------------------------------------------


def test_discover_walks_sorted_and_skips_hidden(tmp_path: Path) -> None:
    _tree(tmp_path, {"b.txt": "", "a/z.md": "", "a/b.txt": "", ".git/config": "", ".hid": ""})
    _tree(tmp_path, {"a/.cache/x.txt": ""})
    assert _rel(discover([tmp_path]), tmp_path) == ["a/b.txt", "a/z.md", "b.txt"]


def test_discover_honours_nested_gitignore_with_negation(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            ".gitignore": "build/\n*.log\n",
            "keep.txt": "",
            "x.log": "",
            "build/out.txt": "",
            "sub/.gitignore": "!important.log\ndrafts\n",
            "sub/important.log": "",
            "sub/other.log": "",
            "sub/drafts/d.txt": "",
            "sub/s.txt": "",
        },
    )
    found = _rel(discover([tmp_path]), tmp_path)
    assert found == ["keep.txt", "sub/important.log", "sub/s.txt"]
    everything = _rel(discover([tmp_path], respect_gitignore=False), tmp_path)
    assert "build/out.txt" in everything and "x.log" in everything


def test_discover_gitignore_of_repository_above_the_walked_folder(tmp_path: Path) -> None:
    _tree(tmp_path, {".git/HEAD": "", ".gitignore": "*.tmp\n", "docs/a.txt": "", "docs/b.tmp": ""})
    assert _rel(discover([tmp_path / "docs"]), tmp_path) == ["docs/a.txt"]


def test_discover_user_excludes(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.txt": "", "drafts/b.txt": "", "x/drafts/c.txt": "", "x/d.md": ""})
    found = discover([tmp_path], exclude=["drafts/", "*.md"])
    assert _rel(found, tmp_path) == ["a.txt"]
    anchored = discover([tmp_path], exclude=["/drafts"])
    assert _rel(anchored, tmp_path) == ["a.txt", "x/d.md", "x/drafts/c.txt"]


def test_discover_globs_and_explicit_files(tmp_path: Path, monkeypatch) -> None:
    _tree(tmp_path, {"docs/a.md": "", "docs/sub/b.md": "", "docs/c.txt": "", "docs/skip/d.md": ""})
    monkeypatch.chdir(tmp_path)
    found = discover(["docs/**/*.md", "docs/c.txt", "docs/a.md"], exclude=["skip/"])
    # the glob's files sorted, then the named file; a.md only once
    assert [p.as_posix() for p in found] == ["docs/a.md", "docs/sub/b.md", "docs/c.txt"]


def test_discover_keeps_missing_named_file_for_a_per_file_error(tmp_path: Path) -> None:
    assert discover([tmp_path / "nope.txt"]) == [tmp_path / "nope.txt"]


def test_discover_lists_a_file_reached_twice_once(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.txt": ""})
    (tmp_path / "link.txt").symlink_to(tmp_path / "a.txt")
    assert len(discover([tmp_path, tmp_path / "a.txt"])) == 1


# --- processing ----------------------------------------------------------------------------


def test_fix_in_place_statuses_and_binary_skip(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.txt": "poisoned with Newbie", "b.txt": "fine", "c.bin": b"\x00Newbie"})
    process = make_processor(FakeNormalizer(), mode="in-place", backup_suffix=".orig")
    results = list(run_batch(discover([tmp_path]), process))
    assert [(r.path.name, r.status) for r in results] == [
        ("a.txt", "changed"),
        ("b.txt", "unchanged"),
        ("c.bin", "skipped"),
    ]
    assert (tmp_path / "a.txt").read_text() == "poisoned with Novichok"
    assert (tmp_path / "a.txt.orig").read_text() == "poisoned with Newbie"
    assert (tmp_path / "c.bin").read_bytes() == b"\x00Newbie"
    # a rerun leaves the backup alone rather than fixing it
    again = {r.path.name: r.status for r in run_batch(discover([tmp_path]), process)}
    assert again["a.txt"] == "unchanged" and again["a.txt.orig"] == "skipped"
    assert (tmp_path / "a.txt.orig").read_text() == "poisoned with Newbie"


def test_check_and_diff_modes_write_nothing(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.txt": "one\nNewbie two\n"})
    for mode in ("check", "diff", "fix"):
        (result,) = run_batch([tmp_path / "a.txt"], make_processor(FakeNormalizer(), mode=mode))
        assert result.status == "changed"
        assert (tmp_path / "a.txt").read_text() == "one\nNewbie two\n"
    assert result.report is not None and result.report.text == "one\nNovichok two\n"
    (diff,) = run_batch([tmp_path / "a.txt"], make_processor(FakeNormalizer(), mode="diff"))
    assert diff.output is not None
    assert "-Newbie two\n+Novichok two\n" in diff.output


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    _tree(tmp_path, {"1.txt": "Newbie", "2.txt": b"caf\xe9 Newbie", "4.txt": "Newbie"})
    _tree(tmp_path, {"3.txt": "Newbie"})
    files = discover([tmp_path])
    (tmp_path / "3.txt").unlink()  # vanished between discovery and processing
    (tmp_path / "4.txt").unlink()
    (tmp_path / "4.txt").mkdir()  # replaced by a folder: unreadable even for root
    _tree(tmp_path, {"5.txt": "Newbie"})
    files.append(tmp_path / "5.txt")
    process = make_processor(FakeNormalizer(), mode="in-place")
    results = list(run_batch(files, process, jobs=2))
    assert [r.status for r in results] == ["changed", "error", "error", "error", "changed"]
    assert "not UTF-8" in (results[1].error or "") and "byte offset 3" in (results[1].error or "")
    assert "no such file" in (results[2].error or "")
    assert "directory" in (results[3].error or "")
    assert (tmp_path / "5.txt").read_text() == "Novichok"


def test_disk_full_is_a_per_file_error(tmp_path: Path, monkeypatch) -> None:
    _tree(tmp_path, {"a.txt": "Newbie", "b.txt": "Newbie"})
    real_fsync = os.fsync
    calls = {"n": 0}

    def fsync_full_once(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(fileio.os, "fsync", fsync_full_once)
    results = list(
        run_batch(discover([tmp_path]), make_processor(FakeNormalizer(), mode="in-place"))
    )
    assert [r.status for r in results] == ["error", "changed"]
    assert "no space left" in (results[0].error or "")
    assert (tmp_path / "a.txt").read_text() == "Newbie"
    assert (tmp_path / "b.txt").read_text() == "Novichok"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_read_only_file_is_a_per_file_error(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.txt": "Newbie", "b.txt": "Newbie"})
    (tmp_path / "a.txt").chmod(0o444)
    results = list(
        run_batch(discover([tmp_path]), make_processor(FakeNormalizer(), mode="in-place"))
    )
    assert [r.status for r in results] == ["error", "changed"]
    assert (tmp_path / "a.txt").read_text() == "Newbie"


def test_an_engine_crash_is_contained(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.txt": "boom", "b.txt": "Newbie"})

    class Crashy(FakeNormalizer):
        def fix(self, text: str, source: str | None = None) -> Report:
            if text == "boom":
                raise RuntimeError("bug")
            return super().fix(text, source)

    results = list(run_batch(discover([tmp_path]), make_processor(Crashy(), mode="fix")))
    assert results[0].status == "error" and "RuntimeError" in (results[0].error or "")
    assert results[1].status == "changed"


def test_source_for_passes_the_source_text(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.en": "Newbie", "a.ru": "Новичок"})
    seen: list[str | None] = []

    class Spy(FakeNormalizer):
        def check(self, text: str, source: str | None = None) -> Report:
            seen.append(source)
            return super().check(text, source)

    process = make_processor(Spy(), mode="check", source_for=lambda p: p.with_suffix(".ru"))
    list(run_batch([tmp_path / "a.en"], process))
    assert seen == ["Новичок"]


@pytest.mark.parametrize("jobs", [2, 4])
def test_results_come_in_input_order_with_jobs(tmp_path: Path, jobs: int) -> None:
    names = [f"{i:03d}.txt" for i in range(40)]
    _tree(tmp_path, {n: "Newbie " * (40 - i) for i, n in enumerate(names)})
    threads: set[str] = set()

    def process(path: Path) -> FileResult:
        threads.add(threading.current_thread().name)
        time.sleep(0.002 * (int(path.stem) % 5))  # finish out of order
        return FileResult(path, "unchanged")

    results = list(run_batch(discover([tmp_path]), process, jobs=jobs))
    assert [r.path.name for r in results] == names
    assert len(threads) > 1


def test_processes_executor_gives_the_same_results(tmp_path: Path) -> None:
    _tree(tmp_path, {f"{i}.txt": "Newbie" if i % 2 else "ok" for i in range(6)})
    process = make_processor(FakeNormalizer(), mode="fix")
    pickle.loads(pickle.dumps(process))  # worker processes need it
    files = discover([tmp_path])
    serial = [(r.path, r.status, r.report) for r in run_batch(files, process)]
    parallel = [
        (r.path, r.status, r.report) for r in run_batch(files, process, jobs=2, executor="process")
    ]
    assert parallel == serial


def test_summary_line(tmp_path: Path, capsys) -> None:
    _tree(tmp_path, {"a.txt": "Newbie", "b.txt": "ok", "c.txt": b"\xff", "d.bin": b"\x00"})
    process = make_processor(FakeNormalizer(), mode="check")
    results = list(run_batch(discover([tmp_path]), process, progress=True))
    summary = Summary()
    for r in results:
        summary.add(r)
    line = "4 files: 1 changed, 1 unchanged, 1 error, 1 skipped (binary)"
    assert str(summary) == line
    err = capsys.readouterr().err
    assert line in err


def test_make_processor_rejects_unknown_mode() -> None:
    with pytest.raises(ValueError):
        make_processor(FakeNormalizer(), mode="sideways")  # type: ignore[arg-type]


@settings(max_examples=40, deadline=None)
@given(
    outcomes=st.lists(st.sampled_from(["ok", "raise", "bug", "slow"]), max_size=25),
    jobs=st.integers(1, 4),
)
def test_run_batch_keeps_order_and_contains_failures(outcomes: list[str], jobs: int) -> None:
    paths = [Path(f"{i}-{o}") for i, o in enumerate(outcomes)]

    def process(path: Path) -> FileResult:
        kind = path.name.split("-")[1]
        if kind == "raise":
            raise InputError(f"{path}: unreadable")
        if kind == "bug":
            raise KeyError("oops")
        if kind == "slow":
            time.sleep(0.003)
        return FileResult(path, "unchanged")

    results = list(run_batch(paths, process, jobs=jobs))
    assert [r.path for r in results] == paths
    for r, o in zip(results, outcomes, strict=True):
        assert (r.status == "error") == (o in ("raise", "bug"))
        assert (r.error is not None) == (r.status == "error")


def test_auto_executor_picks_processes_only_for_big_picklable_batches(tmp_path: Path) -> None:
    from normalizer.batch import PROCESS_MIN_BYTES, _choose_executor

    big = "Newbie text.\n" * (PROCESS_MIN_BYTES // 13 // 3 + 1)
    _tree(tmp_path, {f"{i}.txt": big for i in range(4)})
    files = discover([tmp_path])
    picklable = make_processor(FakeNormalizer(), mode="fix")
    assert _choose_executor(files, picklable, 2) == "process"
    assert _choose_executor(files, picklable, 1) == "thread"
    assert _choose_executor(files[:1], picklable, 2) == "thread"  # too few files
    assert _choose_executor(files, lambda p: FileResult(p, "unchanged"), 2) == "thread"
    small = tmp_path / "small"
    _tree(small, {f"{i}.txt": "x" for i in range(8)})
    assert _choose_executor(discover([small]), picklable, 2) == "thread"
    results = list(run_batch(files, picklable, jobs=2))  # auto: processes, same results
    assert [r.status for r in results] == ["changed"] * 4


def test_a_file_saved_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    _tree(tmp_path, {"a.txt": "Newbie"})
    target = tmp_path / "a.txt"

    class SavesMeanwhile(FakeNormalizer):
        def fix(self, text: str, source: str | None = None) -> Report:
            target.write_text("the user's new text, Newbie")  # an editor saves mid-run
            return super().fix(text, source)

    (result,) = run_batch([target], make_processor(SavesMeanwhile(), mode="in-place"))
    assert result.status == "error" and "changed while" in (result.error or "")
    assert target.read_text() == "the user's new text, Newbie"


# --- lean reports: what the front end prints, without the texts ------------------------------


def _lean_tree(root: Path) -> list[Path]:
    _tree(
        root,
        {
            "a.txt": "one Newbie\ntwo\n\nthree Newbie Newbie\n" * 20,
            "b.txt": "nothing here\n",
            "c.txt": "Newbie",
            "d.txt": "a line of text that needs nothing\n" * 300 + "Newbie\n",
        },
    )
    return discover([root])


@pytest.mark.parametrize("mode", ["check", "fix", "diff"])
def test_lean_reports_give_the_front_end_what_full_ones_do(tmp_path: Path, mode: str) -> None:
    from normalizer.lean import LeanReport
    from normalizer.render import Named, finding_lines, to_json, to_sarif

    files = _lean_tree(tmp_path)
    full = list(run_batch(files, make_processor(FakeNormalizer(), mode=mode)))  # type: ignore[arg-type]
    lean = list(run_batch(files, make_processor(FakeNormalizer(), mode=mode, lean=True)))  # type: ignore[arg-type]
    for f, le in zip(full, lean, strict=True):
        assert (le.path, le.status, le.output) == (f.path, f.status, f.output)
        assert isinstance(le.report, LeanReport) and f.report is not None
        assert le.report.original == "" and le.report.changed == f.report.changed
        assert le.report.text == (f.report.text if mode == "fix" else "")
        assert le.report.findings == f.report.findings
        if mode != "check":
            assert le.report.edits == ()  # counted, not sent
            continue
        named_full, named_lean = Named(str(f.path), f.report), Named(str(le.path), le.report)
        assert finding_lines(named_lean) == finding_lines(named_full)
        assert to_json([named_lean]) == to_json([named_full])
        assert to_sarif([named_lean], "1") == to_sarif([named_full], "1")
    if mode == "check":
        lines = finding_lines(Named("a", lean[0].report))  # type: ignore[arg-type]
        assert lines[1].startswith("a:4:7: test/newbie")


def test_lean_in_place_rewrites_the_same_and_sends_back_little(tmp_path: Path) -> None:
    full_dir, lean_dir = tmp_path / "full", tmp_path / "lean"
    full_files, lean_files = _lean_tree(full_dir), _lean_tree(lean_dir)
    full = list(run_batch(full_files, make_processor(FakeNormalizer(), mode="in-place")))
    lean = list(
        run_batch(
            lean_files,
            make_processor(FakeNormalizer(), mode="in-place", lean=True),
            jobs=2,
            executor="process",
        )
    )
    assert [(r.path.name, r.status, r.note) for r in lean] == [
        (r.path.name, r.status, r.note) for r in full
    ]
    for a, b in zip(full_files, lean_files, strict=True):
        assert a.read_bytes() == b.read_bytes()
    # the point of lean: a result from a worker process does not carry the file twice
    assert full[3].status == "changed"
    assert len(pickle.dumps(lean[3])) * 20 < len(pickle.dumps(full[3]))


def test_process_groups_keep_order_and_per_file_errors(tmp_path: Path) -> None:
    from normalizer import batch

    files: dict[str, str | bytes] = {f"{i:02d}.txt": f"Newbie {i}\n" * (i + 1) for i in range(30)}
    files["07.txt"] = b"bad \xff utf-8"
    files["13.txt"] = b"\x00binary"
    files["21.txt"] = "x" * (batch.GROUP_BYTES + 1)  # ends its group
    _tree(tmp_path, files)
    paths = discover([tmp_path])
    groups = list(batch._groups(paths))
    assert [p for g in groups for p in g] == paths
    assert 1 < len(groups) < len(paths) and any(g[-1] == paths[21] for g in groups)
    assert all(len(g) <= batch.GROUP_FILES for g in groups)
    process = make_processor(FakeNormalizer(), mode="in-place", lean=True)
    results = list(run_batch(paths, process, jobs=2, executor="process"))
    assert [r.path for r in results] == paths
    statuses = {r.path.name: r.status for r in results}
    assert statuses.pop("07.txt") == "error" and statuses.pop("13.txt") == "skipped"
    assert statuses.pop("21.txt") == "unchanged"
    assert set(statuses.values()) == {"changed"}
    assert (tmp_path / "05.txt").read_text() == "Novichok 5\n" * 6
