"""Strict reading and crash-safe rewriting of input files (normalizer.fileio)."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalizer import atomic, fileio
from normalizer.errors import InputError
from normalizer.fileio import (
    TEMP_SUFFIX,
    BinaryFileError,
    atomic_write,
    atomic_writer,
    decode_utf8,
    is_binary,
    read_text,
    sweep_stale_temps,
)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(TEMP_SUFFIX))


# --- reading -------------------------------------------------------------------------------


def test_read_keeps_bom_and_line_endings(tmp_path: Path) -> None:
    raw = "\ufeffLine one\r\nпоследняя\rend".encode()
    f = tmp_path / "bom.txt"
    f.write_bytes(raw)
    text, info = read_text(f)
    assert text.startswith("\ufeff") and "\r\n" in text
    assert info.bom and info.size == len(raw)
    assert text.encode("utf-8") == raw


def test_invalid_utf8_names_line_column_and_byte_offset(tmp_path: Path) -> None:
    f = tmp_path / "cp1251.txt"
    good = "first line\nsecond ё ".encode()  # columns count characters, not bytes
    f.write_bytes(good + "Новичок".encode("cp1251") + b"\n")
    with pytest.raises(InputError) as info:
        read_text(f)
    (problem,) = info.value.problems
    assert problem.path == str(f)
    assert (problem.line, problem.column) == (2, 10)
    assert f"byte offset {len(good)}" in problem.message
    assert "iconv -f WINDOWS-1251" in problem.message


def test_encoded_lone_surrogate_is_invalid(tmp_path: Path) -> None:
    f = tmp_path / "surrogate.txt"
    f.write_bytes(b"ok \xed\xa0\x80 no")  # UTF-8 of U+D800: not valid UTF-8
    with pytest.raises(InputError, match="byte offset 3"):
        read_text(f)


def test_utf16_gets_its_own_hint(tmp_path: Path) -> None:
    f = tmp_path / "u16.txt"
    f.write_bytes("hello".encode("utf-16"))
    with pytest.raises(InputError, match="UTF-16") as info:
        read_text(f)
    assert not isinstance(info.value, BinaryFileError)


def test_nul_bytes_mean_binary(tmp_path: Path) -> None:
    f = tmp_path / "img.png"
    f.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(BinaryFileError):
        read_text(f)
    assert is_binary(b"abc\x00")
    assert not is_binary("текст".encode())
    assert not is_binary(b"x" * 9000 + b"\x00")  # only the first 8 KB is looked at


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda p: p, "no such file"),
        (lambda p: (p.mkdir(), p)[1], "is a directory"),
    ],
)
def test_unreadable_paths_raise_input_error(tmp_path: Path, make, needle: str) -> None:
    target = make(tmp_path / "thing")
    with pytest.raises(InputError, match=needle) as info:
        read_text(target)
    assert info.value.problems[0].path == str(target)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_permission_denied_is_input_error(tmp_path: Path) -> None:
    f = tmp_path / "secret.txt"
    f.write_text("x")
    f.chmod(0)
    with pytest.raises(InputError, match="permission denied"):
        read_text(f)


# --- writing -------------------------------------------------------------------------------


def test_atomic_write_replaces_content_and_keeps_mode(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("old")
    f.chmod(0o640)
    atomic_write(f, "new ёлка\r\n")
    assert f.read_bytes() == "new ёлка\r\n".encode()
    assert stat.S_IMODE(f.stat().st_mode) == 0o640
    assert _leftovers(tmp_path) == []


def test_atomic_write_new_file_uses_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        atomic_write(tmp_path / "fresh.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "fresh.txt").stat().st_mode) == 0o644


def test_backup_keeps_old_content_and_replaces_older_backup(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("v1")
    atomic_write(f, "v2", backup_suffix=".bak")
    assert (tmp_path / "a.txt.bak").read_text() == "v1"
    atomic_write(f, "v3", backup_suffix=".bak")
    assert f.read_text() == "v3"
    assert (tmp_path / "a.txt.bak").read_text() == "v2"
    assert _leftovers(tmp_path) == []


def test_backup_falls_back_to_copy_without_hard_links(tmp_path: Path, monkeypatch) -> None:
    def no_link(*_a, **_k):
        raise OSError(errno.EPERM, "no hard links here")

    monkeypatch.setattr(os, "link", no_link)
    f = tmp_path / "a.txt"
    f.write_text("old")
    atomic_write(f, "new", backup_suffix="~")
    assert (tmp_path / "a.txt~").read_text() == "old" and f.read_text() == "new"


def test_symlink_target_is_rewritten_and_link_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    atomic_write(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_read_only_file_is_refused_and_untouched(tmp_path: Path) -> None:
    f = tmp_path / "ro.txt"
    f.write_text("keep me")
    f.chmod(0o444)
    with pytest.raises(InputError, match="read-only"):
        atomic_write(f, "changed")
    assert f.read_text() == "keep me"
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("fail_in", ["write", "fsync", "replace"])
def test_disk_full_leaves_original_and_no_temp(tmp_path: Path, monkeypatch, fail_in: str) -> None:
    f = tmp_path / "a.txt"
    f.write_text("original")

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fileio.os, fail_in, full)
    with pytest.raises(InputError, match="no space left") as info:
        atomic_write(f, "x" * 100_000)
    monkeypatch.undo()
    assert info.value.problems[0].path == str(f)
    assert f.read_text() == "original"
    assert _leftovers(tmp_path) == []


def test_short_writes_are_completed(tmp_path: Path, monkeypatch) -> None:
    real_write = os.write
    monkeypatch.setattr(fileio.os, "write", lambda fd, b: real_write(fd, bytes(b[:7])))
    f = tmp_path / "a.txt"
    atomic_write(f, "a fairly long line of text\n" * 10)
    assert f.read_text() == "a fairly long line of text\n" * 10


def test_unencodable_text_is_refused_before_touching_the_file(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("original")
    with pytest.raises(InputError, match="UTF-8"):
        atomic_write(f, "lone \ud800 surrogate")
    assert f.read_text() == "original"


def test_sweep_removes_only_dead_processes_temps(tmp_path: Path) -> None:
    host = atomic._host()
    dead_pid = 2**22 + 12345  # above pid_max defaults: no such process
    dead = tmp_path / f".a.txt.{host}.{dead_pid}.abc123{TEMP_SUFFIX}"
    alive = tmp_path / f".a.txt.{host}.{os.getpid()}.def456{TEMP_SUFFIX}"
    other_host = tmp_path / f".a.txt.elsewhere.{dead_pid}.ghi789{TEMP_SUFFIX}"
    for p in (dead, alive, other_host):
        p.write_text("partial")
    removed = sweep_stale_temps(tmp_path)
    assert removed == [dead]
    assert alive.exists() and other_host.exists()


@settings(max_examples=60, deadline=None)
@given(st.text())
def test_write_then_read_round_trips_any_text(tmp_path_factory, text: str) -> None:
    folder = tmp_path_factory.mktemp("rt")
    f = folder / "x.txt"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        with pytest.raises(InputError):
            atomic_write(f, text)
        return
    atomic_write(f, text)
    if "\x00" in text[:8192]:
        with pytest.raises(BinaryFileError):
            read_text(f)
    else:
        assert read_text(f)[0] == text


def test_decode_utf8_for_standard_input() -> None:
    assert decode_utf8("\ufeffок".encode()) == "\ufeffок"
    with pytest.raises(InputError) as info:
        decode_utf8(b"line\n\xff", "<stdin>")
    (problem,) = info.value.problems
    assert (problem.path, problem.line, problem.column) == ("<stdin>", 2, 1)
    assert "byte offset 5" in problem.message


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another owner")
def test_atomic_write_keeps_owner(tmp_path: Path) -> None:
    f = tmp_path / "owned.txt"
    f.write_text("old")
    os.chown(f, 4321, 4322)
    atomic_write(f, "new")
    st_ = f.stat()
    assert (st_.st_uid, st_.st_gid) == (4321, 4322) and f.read_text() == "new"


@pytest.mark.parametrize(
    ("raw", "guess"),
    [
        ("Новичок и Матросская Тишина".encode("cp1251"), "WINDOWS-1251"),
        ("café, naïve, déjà vu".encode("cp1252"), "WINDOWS-1252"),
    ],
)
def test_hint_guesses_the_legacy_encoding(tmp_path: Path, raw: bytes, guess: str) -> None:
    f = tmp_path / "legacy.txt"
    f.write_bytes(raw)
    with pytest.raises(InputError, match=f"iconv -f {guess} "):
        read_text(f)


# --- atomic_writer: the same guarantees for text written piece by piece --------------------


def test_atomic_writer_replaces_only_when_the_block_ends(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("old\n")
    f.chmod(0o640)
    with atomic_writer(f, backup_suffix=".bak") as out:
        for i in range(3):
            out.write(f"line {i} «ё»\n")
            assert f.read_text() == "old\n"  # nothing visible before the end
    assert f.read_text(encoding="utf-8") == "line 0 «ё»\nline 1 «ё»\nline 2 «ё»\n"
    assert (tmp_path / "a.txt.bak").read_text() == "old\n"
    assert stat.S_IMODE(f.stat().st_mode) == 0o640
    assert _leftovers(tmp_path) == []


def test_atomic_writer_failure_mid_way_keeps_the_original(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("original")
    with pytest.raises(RuntimeError, match="engine broke"):
        with atomic_writer(f) as out:
            out.write("x" * (3 << 20))  # more than a block: already on disk in the temp file
            assert _leftovers(tmp_path) != []
            raise RuntimeError("engine broke")
    assert f.read_text() == "original"
    assert _leftovers(tmp_path) == []


def test_atomic_writer_disk_full_is_an_input_error(tmp_path: Path, monkeypatch) -> None:
    f = tmp_path / "a.txt"
    f.write_text("original")

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(InputError, match="no space left"):
        with atomic_writer(f) as out:
            out.write("y" * 1000)
            monkeypatch.setattr(fileio.os, "write", full)
            out.write("z" * (2 << 20))
    monkeypatch.undo()
    assert f.read_text() == "original"
    assert _leftovers(tmp_path) == []


def test_atomic_writer_refuses_a_read_only_file_before_the_block(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("keep me")
    f.chmod(0o444)
    entered = False
    with pytest.raises(InputError, match="read-only"):
        with atomic_writer(f):
            entered = True
    assert not entered
    assert f.read_text() == "keep me"


@pytest.mark.parametrize("block", [1, 3, 7, 64, 10_000])
def test_streamed_decoding_locates_a_bad_byte_like_a_whole_read(block: int) -> None:
    import io

    from normalizer.fileio import Utf8Reader

    data = "first line\nsecond «line» is long, ".encode() * 3 + b"then \xff bad\n"
    with pytest.raises(InputError) as whole:
        decode_utf8(data, "f.txt")
    reader = Utf8Reader(io.BytesIO(data), "f.txt")
    with pytest.raises(InputError) as streamed:
        while reader.read(block):
            pass
    w, s = whole.value.problems[0], streamed.value.problems[0]
    assert (s.line, s.column) == (w.line, w.column) == (4, 29)
    assert "byte offset 113" in s.message and "byte offset 113" in w.message


def test_streamed_decoding_never_ends_early_on_a_split_character() -> None:
    import io

    from normalizer.fileio import Utf8Reader

    text = "«ё»\n" * 50
    reader = Utf8Reader(io.BytesIO(text.encode()), "f.txt")
    pieces = []
    while piece := reader.read(1):  # one byte at a time: most reads end mid-character
        pieces.append(piece)
    assert "".join(pieces) == text
