"""The command line as users call it: exit codes, stdin/stdout, errors without tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "navalny-mt.txt"


def mtnorm(*args: str, stdin: bytes | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "normalizer", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


@pytest.fixture(scope="module")
def fixed_seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seed") / "fixed.txt"
    r = mtnorm("fix", str(SEED))
    assert r.returncode == 0, r.stderr
    out.write_bytes(r.stdout)
    return out


def test_demo_fix_has_the_names_and_no_debris(fixed_seed: Path) -> None:
    text = fixed_seed.read_text("utf-8")
    for wanted in ("Novichok", "Matrosskaya Tishina", "Allies of Navalny"):
        assert wanted in text
    for unwanted in ("&# 160;", "..", "«", "»", "Newbie", "Sailor silence", "Companions"):
        assert unwanted not in text


def test_fix_check_exit_codes(fixed_seed: Path) -> None:
    assert mtnorm("fix", "--check", str(SEED)).returncode == 1
    assert mtnorm("fix", "--check", str(fixed_seed)).returncode == 0


def test_stdin_to_stdout() -> None:
    r = mtnorm("fix", "-", stdin="poisoned with «Newbie»..".encode())
    assert (r.returncode, r.stdout.decode()) == (0, "poisoned with Novichok.")


def test_check_lines_and_exit_1() -> None:
    r = mtnorm("check", str(SEED))
    assert r.returncode == 1
    lines = r.stdout.decode().splitlines()
    assert any(
        line.startswith(f"{SEED}:15:") and "ru-en-" in line and "novichok" in line for line in lines
    )
    assert all(line.startswith(f"{SEED}:") for line in lines)


def test_check_json_report_shape() -> None:
    r = mtnorm("check", "--format", "json", "-", stdin=b"a companion of Navalny..")
    assert r.returncode == 1
    (item,) = json.loads(r.stdout)
    assert set(item) == {"path", "changed", "edits", "suggestions"}
    edit = item["edits"][0]
    assert set(edit) == {"rule", "start", "end", "line", "column", "old", "new", "message"}
    assert (edit["old"], edit["new"], edit["line"], edit["column"]) == (
        "a companion",
        "an ally",
        1,
        1,
    )


def test_check_sarif() -> None:
    r = mtnorm("check", "--format", "sarif", str(SEED))
    doc = json.loads(r.stdout)
    assert doc["version"] == "2.1.0" and doc["runs"][0]["results"]


def test_clean_text_exits_0() -> None:
    r = mtnorm("check", "-", stdin=b"The newbie on the team ate apples.\n")
    assert (r.returncode, r.stdout) == (0, b"")


def test_unknown_key_exits_2_with_location(tmp_path: Path) -> None:
    g = tmp_path / "bad.yaml"
    g.write_text(
        "name: bad\nentries:\n  - term: Novichok\n    variants: [Newbie]\n"
        "    contxt: {near: [poison]}\n",
        encoding="utf-8",
    )
    r = mtnorm("fix", "--glossary", str(g), "-", stdin=b"x")
    assert r.returncode == 2
    err = r.stderr.decode()
    assert f"{g}:5:5: unknown key 'contxt' in entry 'novichok'; did you mean 'context'?" in err
    assert "Traceback" not in err and r.stdout == b""


def test_missing_file_exits_2() -> None:
    r = mtnorm("check", "no/such/file.txt")
    assert r.returncode == 2
    assert b"no/such/file.txt" in r.stderr and b"Traceback" not in r.stderr


def test_invalid_utf8_exits_2_and_file_untouched(tmp_path: Path) -> None:
    f = tmp_path / "bad.txt"
    data = "poisoned with «Newbie»\n".encode() + b"caf\xe9\n"
    f.write_bytes(data)
    r = mtnorm("fix", "--in-place", str(f))
    assert r.returncode == 2
    err = r.stderr.decode()
    assert str(f) in err and "byte offset 28" in err and "Traceback" not in err
    assert f.read_bytes() == data


def test_invalid_utf8_on_stdin_exits_2() -> None:
    r = mtnorm("fix", "-", stdin=b"ok \xff")
    assert r.returncode == 2 and b"byte offset 3" in r.stderr


def test_in_place_preserves_crlf_bom_and_no_final_newline(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes("\ufeffpoisoned with «Newbie»\r\nsecond line  \r\nlast".encode())
    assert mtnorm("fix", "--in-place", str(f)).returncode == 0
    assert f.read_bytes() == "\ufeffpoisoned with Novichok\r\nsecond line  \r\nlast".encode()


def test_diff_writes_nothing(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("poisoned with «Newbie»\n", encoding="utf-8")
    r = mtnorm("fix", "--diff", str(f))
    assert r.returncode == 0 and b"+poisoned with Novichok" in r.stdout
    assert f.read_text("utf-8") == "poisoned with «Newbie»\n"


def test_select_and_ignore() -> None:
    text = "poisoned with «Newbie»..".encode()
    only_cleanup = mtnorm("fix", "--select", "cleanup", "-", stdin=text)
    assert only_cleanup.stdout.decode() == "poisoned with “Newbie”."
    no_cleanup = mtnorm("fix", "--ignore", "cleanup", "-", stdin=text)
    assert no_cleanup.stdout.decode() == "poisoned with Novichok.."


def test_config_lookup_and_rule_levels(tmp_path: Path) -> None:
    (tmp_path / "g").mkdir()
    (tmp_path / "g" / "x.yaml").write_text(
        "name: mine\nentries:\n  - {term: Beta, variants: [alpha]}\n", encoding="utf-8"
    )
    (tmp_path / "config.yaml").write_text(
        "glossaries: [g/*.yaml]\nrules: {cleanup: off}\n", encoding="utf-8"
    )
    sub = tmp_path / "deep" / "er"
    sub.mkdir(parents=True)
    r = mtnorm("fix", "-", stdin=b"alpha  ..", cwd=sub)
    assert r.stdout == b"Beta  .."
    (tmp_path / "config.yaml").write_text(
        "rules: {mine: warn}\nglossaries: [g/*.yaml]\n", encoding="utf-8"
    )
    r = mtnorm("check", "-", stdin=b"alpha", cwd=sub)
    assert r.returncode == 1 and b"mine/beta" in r.stdout


def test_bad_config_exits_2(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text(
        "rules: {cleanup: maybe}\nglosaries: []\n", encoding="utf-8"
    )
    r = mtnorm("check", "-", stdin=b"x", cwd=tmp_path)
    assert r.returncode == 2
    err = r.stderr.decode()
    assert "config.yaml:1:18: rule 'cleanup': level must be fix, warn or off" in err
    assert "config.yaml:2:1: unknown key 'glosaries'; did you mean 'glossaries'?" in err


def test_unknown_engine_in_config_exits_2(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("glossaries: []\nengine: fastest\n", encoding="utf-8")
    r = mtnorm("check", "-", stdin=b"x", cwd=tmp_path)
    assert r.returncode == 2
    assert (
        "config.yaml:2:9: 'engine' must be one of auto, aho, hyperscan, python, reference, "
        "not 'fastest'" in r.stderr.decode()
    )


def test_missing_scanner_named_in_config_gives_an_install_hint(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("glossaries: []\nengine: hyperscan\n", encoding="utf-8")
    hide = "import sys; sys.modules['hyperscan'] = None; from normalizer.cli import main; "
    r = subprocess.run(
        [sys.executable, "-c", hide + "sys.exit(main(['check', '-']))"],
        input=b"x",
        capture_output=True,
        cwd=tmp_path,
    )
    assert r.returncode == 2, r.stderr
    err = r.stderr.decode()
    assert "Traceback" not in err
    assert "pip install 'mtnorm[fast]'" in err


def test_glossary_lint_runs_examples(tmp_path: Path) -> None:
    g = tmp_path / "g.yaml"
    g.write_text(
        "name: g\nentries:\n  - term: Novichok\n    variants: [Newbie]\n    examples:\n"
        "      - {input: 'the Newbie', output: 'the Newbie'}\n",
        encoding="utf-8",
    )
    r = mtnorm("glossary", "lint", str(g))
    assert r.returncode == 1
    assert (
        f"{g}:6:9: example of g/novichok gives 'the Novichok', expected 'the Newbie'"
        in r.stdout.decode()
    )
    assert mtnorm("glossary", "lint").returncode == 0  # the shipped glossaries


def test_explain_says_why_not() -> None:
    r = mtnorm("explain", "the newbie on the team")
    out = r.stdout.decode()
    assert "novichok" in out and "context" in out and "does not hold" in out


def test_usage_error_exits_2() -> None:
    r = mtnorm("check", "--format", "xml")
    assert r.returncode == 2


def test_stream_equals_whole_text_and_locates_bad_bytes() -> None:
    text = ("poisoned with «Newbie» in a nerve agent attack.. " * 40 + "\n") * 300
    whole = mtnorm("fix", "--ignore", "suspect", "-", stdin=text.encode())
    streamed = mtnorm("fix", "--stream", "--ignore", "suspect", "-", stdin=text.encode())
    assert whole.returncode == streamed.returncode == 0
    assert streamed.stdout == whole.stdout and b"Novichok" in streamed.stdout
    bad = mtnorm("fix", "--stream", "-", stdin=b"ok\n" * 100_000 + b"caf\xe9\n")
    assert bad.returncode == 2 and b"byte offset 300003" in bad.stderr
    assert b"-:100001:4:" in bad.stderr


def test_explain_reports_edits_and_context_failures() -> None:
    r = mtnorm("explain", "the Satellite V vaccine and the newbie on the team")
    out = r.stdout.decode()
    assert "sputnik-v [fix] 'Satellite V': replaced by 'Sputnik V'" in out
    assert "novichok [fix] 'newbie': not replaced: context" in out
    assert r.returncode == 1 and b"Traceback" not in r.stderr


def test_internal_error_is_one_line_without_debug(monkeypatch, capsys) -> None:
    from normalizer import cli

    def boom(argv):
        raise RuntimeError("kaput")

    monkeypatch.setattr(cli, "_dispatch", boom)
    assert cli.main(["check", "-"]) == 2
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: kaput" in err and "Traceback" not in err
