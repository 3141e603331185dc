"""Kill test: SIGKILL an in-place batch run at random points; no file may ever be lost.

Hundreds of files are rewritten with ``-j 2``; the process is killed at random moments, the
tree is inspected after every kill (each file must be exactly its old or its new content), and
the run is repeated until it completes, after which every file must be fixed and no temporary
file left behind. Short mode runs in CI; ``MTNORM_LONG_TESTS=1`` runs the long mode.

Three writers are exercised: a small driver over :mod:`normalizer.batch` with a fake engine (always
available), the same driver sending every file the huge-file way (streamed into
``atomic_writer``'s temp file) and the real ``python -m normalizer fix --in-place -j 2``.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from normalizer.fileio import TEMP_SUFFIX

REPO = Path(__file__).resolve().parents[1]
LONG = os.environ.get("MTNORM_LONG_TESTS") == "1"

LINES = [
    "He was poisoned with «Newbie», a chemical war poison.\n",
    "Companions of Navalny held talks with EU and US politicians.\n",
    "The newbie on the team stays a newbie.\n",
    "He was placed in the pre-trial detention center «Sailor silence» in January.\n",
    "According to Reuters and a number of European media outlets..\n",
    "Plain text about the weather in Moscow, nothing to fix here.\n",
]

DRIVER = textwrap.dedent(
    """
    import sys
    from normalizer.batch import discover, make_processor, run_batch
    from normalizer.edits import Edit, Report, apply_edits

    class Fake:
        # a stand-in engine: a whole-string table, same interface as Normalizer
        table = {"«Newbie»": "Novichok", "Companions of": "Allies of", "outlets..": "outlets."}

        def check(self, text, source=None):
            edits = []
            for old, new in self.table.items():
                i = text.find(old)
                while i != -1:
                    edits.append(Edit(i, i + len(old), old, new, "test/x"))
                    i = text.find(old, i + len(old))
            return Report(text, text, tuple(sorted(edits, key=lambda e: e.start)))

        def fix(self, text, source=None):
            r = self.check(text, source)
            return Report(text, apply_edits(text, r.edits), r.edits)

    if sys.argv[1] == "-":
        sys.stdout.write(Fake().fix(sys.stdin.read()).text)
        raise SystemExit(0)
    args = sys.argv[1:]
    # --streamed: every file goes the huge-file way (normalizer.bigfile, atomic_writer)
    stream_min = 1 if args[0] == "--streamed" else 32 << 20
    args = args[1:] if args[0] == "--streamed" else args
    process = make_processor(
        Fake(), mode="in-place", format_in="text", stream_min_bytes=stream_min
    )
    results = list(run_batch(discover(args), process, jobs=2))
    raise SystemExit(2 if any(r.status == "error" for r in results) else 0)
    """
)


def _has_cli() -> bool:
    return (REPO / "normalizer" / "cli.py").exists()


def _commands(tmp_path: Path) -> dict[str, tuple[list[str], list[str]]]:
    """name → (in-place command without the folder, stdin→stdout fix command)."""
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    py = sys.executable
    cmds = {
        "driver": ([py, str(driver)], [py, str(driver), "-"]),
        "driver-streamed": ([py, str(driver), "--streamed"], [py, str(driver), "-"]),
    }
    if _has_cli():
        # the write path is under test, not the engine: the slow suspect stage stays off
        cli = [py, "-m", "normalizer", "fix", "--ignore", "suspect", "--no-progress"]
        cmds["cli"] = ([*cli, "--in-place", "-j", "2"], [*cli, "-"])
    return cmds


def _make_corpus(root: Path, n: int, rng: random.Random) -> dict[Path, bytes]:
    """``n`` files in a few folders, sizes from a line to ~5 KB, all reproducible."""
    old: dict[Path, bytes] = {}
    for i in range(n):
        folder = root / f"d{i % 7}"
        folder.mkdir(exist_ok=True)
        lines = [rng.choice(LINES) for _ in range(rng.choice([1, 5, 20, 80]))]
        data = f"File {i}.\n{''.join(lines)}".encode()
        path = folder / f"f{i:04d}.txt"
        path.write_bytes(data)
        old[path] = data
    return old


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def _run_and_kill(cmd: list[str], delay: float) -> bool:
    """Start ``cmd``; SIGKILL it after ``delay`` s. True if it was still running when killed."""
    proc = subprocess.Popen(cmd, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        proc.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return True


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _snapshot(old: dict[Path, bytes], seen: dict[Path, set[str]]) -> None:
    for path in old:
        data = path.read_bytes()  # raises if a file vanished: that would be a lost file
        seen[path].add(_digest(data))


def _reset(old: dict[Path, bytes]) -> None:
    for path, data in old.items():
        if path.read_bytes() != data:
            path.write_bytes(data)


def _kill_rounds(cmd: list[str], root: Path, old: dict[Path, bytes], rounds: int) -> int:
    """Kill runs at random points until ``rounds`` kills landed mid-run; then run to the end.

    A full run is timed first so kills fall between start-up and completion; a run that ends
    before its kill resets the tree to the old content, so every round has writes in flight.
    """
    rng = random.Random(1234)
    seen: dict[Path, set[str]] = {p: set() for p in old}
    t0 = time.monotonic()
    subprocess.run([*cmd, str(root)], env=_env(), capture_output=True, timeout=300)
    full = time.monotonic() - t0
    _reset(old)
    kills = attempts = 0
    while kills < rounds and attempts < rounds * 3:
        attempts += 1
        killed = _run_and_kill([*cmd, str(root)], rng.uniform(0.1, 1.0) * full)
        _snapshot(old, seen)
        kills += killed
        if not killed:
            _reset(old)
    final = subprocess.run([*cmd, str(root)], env=_env(), capture_output=True, timeout=300)
    assert final.returncode in (0, 1), final.stderr.decode(errors="replace")
    for path, data in old.items():
        allowed = {_digest(data), _digest(path.read_bytes())}
        assert seen[path] <= allowed, f"{path} held content that is neither old nor new"
    return kills


def _check_against_stdin(stdin_fix: list[str], old: dict[Path, bytes], sample: int) -> None:
    """A sample of files must hold exactly what a one-shot ``fix -`` makes of their old content."""
    for path in random.Random(7).sample(sorted(old), sample):
        want = subprocess.run(
            stdin_fix, input=old[path], env=_env(), capture_output=True, timeout=60, check=True
        ).stdout
        assert path.read_bytes() == want, f"{path} not fixed after the rerun"


@pytest.mark.parametrize(
    "size",
    [
        pytest.param("short"),
        pytest.param(
            "long",
            marks=[
                pytest.mark.slow,
                pytest.mark.skipif(not LONG, reason="set MTNORM_LONG_TESTS=1 for the long mode"),
            ],
        ),
    ],
)
@pytest.mark.parametrize("writer", ["driver", "driver-streamed", "cli"])
def test_sigkill_never_loses_a_file(tmp_path: Path, writer: str, size: str) -> None:
    cmds = _commands(tmp_path)
    if writer not in cmds:
        pytest.skip("normalizer/cli.py is not there yet")
    in_place, stdin_fix = cmds[writer]
    root = tmp_path / "corpus"
    root.mkdir()
    n, rounds = (2000, 40) if size == "long" else (200, 6)
    old = _make_corpus(root, n, random.Random(42))
    start = time.monotonic()
    kills = _kill_rounds(in_place, root, old, rounds)
    assert kills >= rounds // 2  # the kills did land while files were being written
    _check_against_stdin(stdin_fix, old, 4 if size == "short" else 40)
    changed = sum(path.read_bytes() != data for path, data in old.items())
    assert changed > n // 2
    leftovers = [p for p in root.rglob("*") if p.name.endswith(TEMP_SUFFIX)]
    assert leftovers == [], f"temporary files left behind: {leftovers[:5]}"
    print(
        f"kill test ({writer}, {size}): {n} files, {kills} kills mid-run, "
        f"{changed} fixed, 0 lost, {time.monotonic() - start:.1f} s"
    )
