"""Fuzz campaign: the engine, glossary loading, every document format and the CLI on hostile input.

Usage::

    python bench/fuzz.py --examples N [--seconds S] [--targets engine,glossary,formats,cli]
                         [--seed K] [--json] [--atheris]

``--examples`` is per target; ``--seconds`` is the whole campaign's budget, shared evenly by the
targets (a target stops at whichever comes first). Every example is time-bound (SIGALRM): one
that runs past ``--timeout`` seconds counts as a hang. Failures are recorded, never raised, so a
long run reports every crash it finds (and the first inputs of each kind, in ``--json``).

Targets and what each example must satisfy:

- ``engine``: the default rules of ``config.yaml`` (suspects included) on arbitrary Unicode,
  lone surrogates, NUL, CRLF, BOM and combining marks included: no exception; every edit's
  ``old`` is the text at its offsets; edits do not overlap; they replay to ``report.text``;
  fixing the fixed text changes nothing; ``check`` leaves the text alone.
- ``glossary``: mutated shipped glossary files and random YAML through ``load_glossaries``: it
  raises ``GlossaryError`` or succeeds; what loads then checks a probe text.
- ``formats``: random text in small templates of every format, and random mutations of the
  fixtures in ``tests/fixtures/formats``, through ``process_document``: ``InputError`` or a report
  whose edits replay to its text, without overlap, idempotent.
- ``cli``: ``normalizer.cli.main`` in-process with random argv built from its real options over a
  scratch folder: returns 0, 1 or 2 (argparse's own ``SystemExit(2)`` counts as 2), never raises.

``--atheris`` runs the same targets under atheris (coverage-guided libFuzzer), one child process a
target, counting the same way. Exit status: 0 when nothing failed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from fuzz_targets import OUTCOMES, TARGETS, Target  # noqa: E402

__all__ = ["Failure", "TargetResult", "campaign", "main", "run_target"]

MAX_KEPT = 5  # failing inputs kept per target and kind (the count covers all of them)


@dataclass(frozen=True)
class Failure:
    """One failing example: its kind (exception type, ``hang`` or the property) and input."""

    kind: str
    message: str
    example: str


@dataclass
class TargetResult:
    """Counts for one target."""

    target: str
    examples: int = 0
    crashes: int = 0  # exceptions that are not the documented error, and hangs
    violations: int = 0  # properties broken without an exception
    seconds: float = 0.0
    outcomes: dict[str, int] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)

    def record(self, kind: str, message: str, example: object, *, crash: bool) -> None:
        if crash:
            self.crashes += 1
        else:
            self.violations += 1
        if sum(f.kind == kind for f in self.failures) < MAX_KEPT:
            self.failures.append(Failure(kind, message[:300], repr(example)[:500]))


class _Hang(Exception):
    """Raised by the alarm inside an example that ran past its time bound."""


class _TimeUp(BaseException):
    """Ends a target's hypothesis run when its time is spent (a BaseException: never shrunk)."""


@contextlib.contextmanager
def time_bound(seconds: float) -> Iterator[None]:
    """Raise ``_Hang`` in the main thread after ``seconds`` (a no-op elsewhere)."""
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def alarm(signum: int, frame: object) -> None:
        raise _Hang(f"ran past {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_one(target: Target, example: object, result: TargetResult, timeout: float) -> None:
    """Run one example of ``target`` and record what went wrong, if anything."""
    result.examples += 1
    try:
        with time_bound(timeout):
            problems = target.check(example)
    except _Hang as exc:
        result.record("hang", str(exc), example, crash=True)
        return
    except Exception as exc:  # noqa: BLE001 - counting every crash is the point
        result.record(type(exc).__name__, f"{type(exc).__name__}: {exc}", example, crash=True)
        return
    for problem in problems:
        result.record(problem.split(":", 1)[0], problem, example, crash=False)


def run_target(
    target: Target, examples: int, seconds: float | None, *, seed: int = 0, timeout: float = 20
) -> TargetResult:
    """Run ``examples`` hypothesis examples of ``target`` (or until ``seconds`` are spent)."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hyp_seed

    result = TargetResult(target.name)
    started = time.monotonic()

    @hyp_seed(seed)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(target.strategy())
    def body(example: object) -> None:
        if seconds is not None and time.monotonic() - started > seconds:
            raise _TimeUp
        run_one(target, example, result, timeout)

    target.setup()
    try:
        # hypothesis prints a reproduction hint when _TimeUp ends the run: not ours to show
        with contextlib.redirect_stdout(io.StringIO()):
            body()
    except _TimeUp:
        pass
    finally:
        target.teardown()
    result.seconds = round(time.monotonic() - started, 1)
    result.outcomes = dict(sorted(OUTCOMES.pop(target.name, {}).items()))
    return result


def campaign(
    names: list[str], examples: int, seconds: float | None, *, seed: int = 0, timeout: float = 20
) -> list[TargetResult]:
    """Every named target in turn, the time budget shared evenly."""
    share = seconds / len(names) if seconds else None
    return [run_target(TARGETS[n], examples, share, seed=seed, timeout=timeout) for n in names]


# -- atheris ----------------------------------------------------------------------------------


def _atheris_child(name: str, examples: int, seconds: float, out: Path, timeout: float) -> None:
    """Fuzz one target under atheris; the counts go to ``out`` as JSON (libFuzzer exits hard)."""
    import atheris

    with atheris.instrument_imports(include=["normalizer"]):
        import normalizer.engine  # noqa: F401 - instrumented for coverage guidance

    target = TARGETS[name]
    result = TargetResult(name)
    started = time.monotonic()
    target.setup()

    def one_input(data: bytes) -> None:
        run_one(target, target.from_bytes(atheris.FuzzedDataProvider(data)), result, timeout)
        result.seconds = round(time.monotonic() - started, 1)
        result.outcomes = dict(OUTCOMES[name])
        if result.examples % 25 == 0 or result.crashes or result.violations:
            out.write_text(json.dumps(asdict(result)), encoding="utf-8")

    args = [
        sys.argv[0],
        f"-runs={examples}",
        f"-max_total_time={max(1, int(seconds))}",
        "-rss_limit_mb=4096",
        f"-seed={os.getpid()}",
        "-print_final_stats=0",
    ]
    atheris.Setup(args, one_input)
    with contextlib.redirect_stdout(io.StringIO()):
        atheris.Fuzz()


def atheris_campaign(
    names: list[str], examples: int, seconds: float | None, timeout: float
) -> list[TargetResult]:
    """One atheris child process per target; their counts read back from JSON files."""
    share = (seconds or 3600.0 * 24) / len(names)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            out = Path(tmp) / f"{name}.json"
            cmd = [
                sys.executable,
                __file__,
                "--atheris-child",
                name,
                "--examples",
                str(examples),
                "--seconds",
                str(share),
                "--out",
                str(out),
                "--timeout",
                str(timeout),
            ]
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            data: dict[str, Any] = (
                json.loads(out.read_text("utf-8")) if out.exists() else {"target": name}
            )
            failures = [Failure(**f) for f in data.pop("failures", [])]
            results.append(TargetResult(**data, failures=failures))
    return results


# -- command line -----------------------------------------------------------------------------


def format_table(results: list[TargetResult]) -> str:
    """The counts as a Markdown table (also readable in a terminal)."""
    rows = [
        "| target | examples | crashes | property violations | seconds |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in results:
        rows.append(f"| {r.target} | {r.examples} | {r.crashes} | {r.violations} | {r.seconds} |")
    total = sum(r.examples for r in results), sum(r.crashes for r in results)
    rows.append(
        f"| **total** | {total[0]} | {total[1]} | "
        f"{sum(r.violations for r in results)} | {sum(r.seconds for r in results):.1f} |"
    )
    return "\n".join(rows) + "\n"


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--examples", type=int, default=500, help="examples per target")
    ap.add_argument("--seconds", type=float, default=None, help="time budget of the campaign")
    ap.add_argument("--targets", default=",".join(TARGETS), help="comma-separated target names")
    ap.add_argument("--seed", type=int, default=0, help="hypothesis seed (runs are reproducible)")
    ap.add_argument("--timeout", type=float, default=20.0, help="time bound of one example (s)")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("--atheris", action="store_true", help="coverage-guided, with atheris")
    ap.add_argument("--atheris-child", help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.atheris_child:
        _atheris_child(args.atheris_child, args.examples, args.seconds, args.out, args.timeout)
        return 0
    names = [n.strip() for n in args.targets.split(",") if n.strip()]
    unknown = [n for n in names if n not in TARGETS]
    if unknown:
        sys.stderr.write(f"unknown target(s): {', '.join(unknown)}; choose from {list(TARGETS)}\n")
        return 2
    if args.atheris:
        results = atheris_campaign(names, args.examples, args.seconds, args.timeout)
    else:
        results = campaign(names, args.examples, args.seconds, seed=args.seed, timeout=args.timeout)
    if args.json:
        json.dump([asdict(r) for r in results], sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_table(results))
        for r in results:
            sys.stdout.write(
                f"\n{r.target}: " + ", ".join(f"{k} x{v}" for k, v in r.outcomes.items())
            )
        sys.stdout.write("\n")
        for r in results:
            for f in r.failures:
                sys.stdout.write(f"\n[{r.target}] {f.message}\n    input: {f.example}\n")
    return 1 if any(r.crashes or r.violations for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
