"""Rows of the reliability table that run other tools: precision, the kill test, hostile input.

Split from ``bench/reliability.py``: these sections start subprocesses (pytest) or read the big
corpora; the table's value type, :class:`Row`, lives here so both modules share it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

__all__ = ["Row", "hostile_rows", "kill_rows", "precision_rows", "run_pytest"]


@dataclass(frozen=True)
class Row:
    """One line of the table: what was measured, the figure, the target, and a short note."""

    area: str
    measure: str
    value: str
    target: str = ""
    note: str = ""
    details: tuple[str, ...] = ()


# -- precision --------------------------------------------------------------------------------


def _config_without_suspects(tmp: Path) -> Path:
    """The shipped config.yaml with the slow suspect stage off (glossary globs made absolute)."""
    data = yaml.safe_load((REPO / "config.yaml").read_text("utf-8"))
    data["glossaries"] = [str(REPO / g) for g in data.get("glossaries", [])]
    data.setdefault("rules", {})["suspect"] = "off"
    path = tmp / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _quick_folder(external: Path, tmp: Path) -> Path:
    """Links to must-not-fix and to one WMT22 system with its reference (nothing copied)."""
    from eval_precision import ARTIFACTS, MUST_NOT_FIX, WMT22

    folder = tmp / "external"
    (folder / WMT22).mkdir(parents=True)
    for name in (MUST_NOT_FIX, ARTIFACTS):
        if (external / name).exists():
            (folder / name).symlink_to(external / name)
    wmt = external / WMT22
    first = sorted(wmt.glob("generaltest2022.ru-en.hyp.*.en"))[:1]
    for f in [wmt / "generaltest2022.ru-en.ref.A.en", *first]:
        (folder / WMT22 / f.name).symlink_to(f)
    return folder


def precision_rows(external: Path, quick: bool) -> list[Row]:
    """Wrong glossary edits on must-not-fix and WMT22 (bench/eval_precision.evaluate)."""
    from eval_precision import MUST_NOT_FIX, WMT22, evaluate

    if not (external / MUST_NOT_FIX).is_file() or not (external / WMT22).is_dir():
        return [
            Row(
                "wrong edits", f"{MUST_NOT_FIX}, {WMT22}", "skipped", "", f"data absent: {external}"
            )
        ]
    with tempfile.TemporaryDirectory() as tmp:
        folder = _quick_folder(external, Path(tmp)) if quick else external
        res = evaluate(folder, _config_without_suspects(Path(tmp)))
    wrong = tuple(
        f"{e.corpus} {e.system}:{e.line} {e.rule}: {e.old!r} -> {e.new!r} | MT: {e.mt}"
        for e in res.edits
        if e.verdict in ("wrong", "must-not-fix")
    )
    scope = "1 system, quick" if quick else "10 systems"
    cleanup = sum(res.cleanup_wmt22.values())
    return [
        Row(
            "wrong edits",
            "must-not-fix lines changed by a glossary rule",
            f"{res.must_not_fix_changed}/{res.must_not_fix_lines}",
            "0",
            f"{sum(res.cleanup_must_not_fix.values())} cleanup edits on them, not glossary errors",
            tuple(w for w in wrong if w.startswith("must-not-fix")),
        ),
        Row(
            "wrong edits",
            f"WMT22 ({scope}): wrong glossary edits",
            f"{res.wmt22_wrong} on {res.wmt22_lines} lines ({res.wrong_per_1000:.2f} per 1,000)",
            "< 1 per 1,000",
            f"{res.wmt22_edits} glossary edits: {res.wmt22_confirmed} confirmed by the reference,"
            f" {res.wmt22_unjudged} unjudged; {cleanup} cleanup edits counted apart",
            tuple(w for w in wrong if w.startswith("wmt22")),
        ),
        Row(
            "wrong edits",
            "recall: literal name renderings fixed (not WMT21)",
            f"{res.recall_fixed}/{res.recall_rows}",
            "",
            "ru-en-name-artifacts.tsv",
        ),
    ]


# -- pytest-run sections ----------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One test case's result from pytest's JUnit XML."""

    name: str
    outcome: str  # passed | failed | skipped
    message: str


def run_pytest(args: list[str], timeout: float = 1200) -> tuple[list[Outcome], str]:
    """Run pytest on ``args``; the outcome of every test case and the captured output."""
    with tempfile.TemporaryDirectory() as tmp:
        junit = Path(tmp) / "junit.xml"
        env = dict(
            os.environ,
            PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        )
        cmd = [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-s",
            "-p",
            "no:cacheprovider",
            f"--junitxml={junit}",
            *args,
        ]
        proc = subprocess.run(
            cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout
        )
        outcomes = []
        if junit.exists():
            for case in ET.parse(junit).getroot().iter("testcase"):
                kind = next((c for c in case if c.tag in ("failure", "error", "skipped")), None)
                outcome = {"failure": "failed", "error": "failed", "skipped": "skipped"}.get(
                    kind.tag if kind is not None else "", "passed"
                )
                message = kind.get("message", "") if kind is not None else ""
                outcomes.append(Outcome(case.get("name", "?"), outcome, message[:300]))
    return outcomes, proc.stdout + proc.stderr


_KILL_LINE = re.compile(
    r"kill test \((\w+), (\w+)\): (\d+) files, (\d+) kills mid-run, (\d+) fixed, 0 lost"
)


def kill_rows(quick: bool) -> list[Row]:
    """tests/test_kill.py's short mode: SIGKILL rounds over hundreds of files, files lost."""
    selection = "short and driver" if quick else "short"
    outcomes, output = run_pytest(["tests/test_kill.py", "-k", selection])
    printed = {m.group(1): m for m in _KILL_LINE.finditer(output)}
    rows = []
    for case in outcomes:
        writer = "cli" if "cli" in case.name else "driver"
        what = (
            "the mtnorm CLI (fix --in-place -j 2)"
            if writer == "cli"
            else "batch driver, fake engine"
        )
        measure = f"SIGKILL rounds and files lost: {what}"
        m = printed.get(writer)
        if case.outcome == "passed" and m:
            value = f"{m.group(4)} kills mid-run over {m.group(3)} files, 0 lost"
            rows.append(
                Row("batch writes", measure, value, "0 lost", "short mode; rerun completes")
            )
        else:
            rows.append(
                Row(
                    "batch writes",
                    measure,
                    case.outcome.upper(),
                    "0 lost",
                    case.message[:150],
                    (case.message,),
                )
            )
    return rows or [Row("batch writes", "SIGKILL test", "not run", "0 lost", output[-200:])]


# (group, pytest arguments, what the inputs are)
HOSTILE: list[tuple[str, list[str], str]] = [
    (
        "engine and glossary",
        ["tests/test_hostile.py"],
        "NUL, lone surrogates, mixed line ends, BOMs, 200k runs; catastrophic regex; YAML bombs; "
        "python tags; binary file",
    ),
    (
        "formats",
        [
            "tests/test_formats.py",
            "-k",
            "never_expanded or lone_surrogate or bad_input or without_fields",
        ],
        "XML entity bombs and external entities, surrogates in XML, malformed files (located)",
    ),
    (
        "files",
        [
            "tests/test_fileio.py",
            "-k",
            "invalid_utf8 or lone_surrogate or utf16 or nul_bytes "
            "or unreadable or permission or disk_full or read_only or unencodable",
        ],
        "invalid UTF-8 (byte offset), UTF-16, NUL, vanished or unreadable paths, permissions, "
        "disk full",
    ),
    (
        "model files",
        ["tests/test_scoring.py", "tests/test_model_tiny.py", "-k", "pickle"],
        "pickle payloads in model folders never executed",
    ),
    (
        "LSP server",
        ["tests/test_lsp.py", "-k", "huge_document_and_bad_requests"],
        "malformed JSON-RPC, wrong-shaped requests, bad commands, a 2.9M-character document",
    ),
]


def hostile_rows() -> list[Row]:
    """Run the hostile tests of each group and count what was handled."""
    rows = []
    for group, args, what in HOSTILE:
        outcomes, output = run_pytest(args)
        passed = sum(o.outcome == "passed" for o in outcomes)
        skipped = sum(o.outcome == "skipped" for o in outcomes)
        run = len(outcomes) - skipped
        reasons = sorted({o.message for o in outcomes if o.outcome == "skipped"})
        note = what + (f"; {skipped} skipped ({'; '.join(reasons)[:120]})" if skipped else "")
        failures = tuple(f"{o.name}: {o.message}" for o in outcomes if o.outcome == "failed")
        value = f"{passed}/{run} handled" if outcomes else "not run: " + output[-120:]
        rows.append(Row("hostile input", f"{group}: inputs handled", value, "all", note, failures))
    return rows
