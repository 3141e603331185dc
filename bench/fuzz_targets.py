"""The fuzz targets of ``bench/fuzz.py``: how each builds an input and what each input must satisfy.

A :class:`Target` makes its inputs two ways, a hypothesis strategy and a decoder of atheris bytes,
and checks one input with :meth:`Target.check`, which returns the broken properties (``"replay:
..."``) and lets any unexpected exception through for the campaign to count as a crash.
"""

from __future__ import annotations

import io
import os
import random
import shutil
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from normalizer.edits import Report, apply_edits  # noqa: E402
from normalizer.errors import GlossaryError, InputError  # noqa: E402

__all__ = ["OUTCOMES", "TARGETS", "Target", "report_problems"]

GLOSSARIES = sorted((REPO / "glossary" / "ru-en").glob("*.yaml"))
# Documents only: the folder also holds a helper module (and its __pycache__ once imported).
FIXTURES = sorted(
    p
    for p in (REPO / "tests" / "fixtures" / "formats").iterdir()
    if p.is_file() and p.suffix in {".md", ".html", ".xlf", ".po", ".srt", ".vtt", ".jsonl"}
)
# Words the rules react to, and characters that break naive code: drawn more often than chance.
# fmt: off
TOKENS = [
    "poisoned with «Newbie»", "Newbie", "Novichok", "Sailor silence", "«Sailor silence»",
    "Companions of Navalny", "the newbie on the team", "outlets..", "&# 160;", "&#160;", "&amp;",
    "«", "»", "“", "”", '"', "'", "..", "...", " ", "  ", "\t", "\n", "\r\n", "\r", "\ufeff",
    "\x00", "\u0301", "\u200b", "\u2028", "İ", "ß", "😀", "\ud800", "\udfff", "Москва",
    "https://x.ru/Newbie", "a@b.io", "<b>", "</b>", "&", "<", ">", "\\", "{", "}", "[", "]", "`",
    "*", "#", "-", ":",
]
# fmt: on
# how the examples ended, per target (exit codes, refused or loaded, ...): shows what was reached
OUTCOMES: dict[str, Counter[str]] = defaultdict(Counter)
PROBE = "He was poisoned with «Newbie» in «Sailor silence»; Companions of Navalny said.. ok"


def report_problems(text: str, report: Report, *, fixed: bool) -> list[str]:
    """The edit invariants: offsets hold ``old``, no overlap, replay gives the text."""
    problems = []
    last = 0
    for e in sorted(report.edits, key=lambda e: (e.start, e.end)):
        if text[e.start : e.end] != e.old:
            problems.append(
                f"offsets: {e.rule} old={e.old!r} but text has {text[e.start : e.end]!r}"
            )
        if e.start < last:
            problems.append(f"overlap: {e.rule} at {e.start} starts before {last}")
        last = max(last, e.end)
    if not problems:
        want = apply_edits(text, report.edits) if fixed else text
        if report.text != want:
            problems.append("replay: applying report.edits does not give report.text")
    return problems


@dataclass
class Target:
    """One fuzz target: its name, input makers, the check and its fixture lifetime."""

    name: str
    strategy: Callable[[], Any]
    from_bytes: Callable[[Any], Any]
    check: Callable[[Any], list[str]]
    setup: Callable[[], None] = lambda: None
    teardown: Callable[[], None] = lambda: None


def _text_strategy(max_size: int = 120) -> Any:
    from hypothesis import strategies as st

    # every code point, surrogates included, mixed with the tokens the rules react to
    any_char = st.characters(codec=None, categories=None)
    pieces = st.one_of(st.sampled_from(TOKENS), st.text(any_char, max_size=8))
    return st.lists(pieces, max_size=max_size // 4).map("".join)


# -- engine -----------------------------------------------------------------------------------

_STATE: dict[str, Any] = {}


def _default_engine() -> Any:
    if "engine" not in _STATE:
        from normalizer import Normalizer

        _STATE["engine"] = Normalizer.from_config(REPO / "config.yaml")
    return _STATE["engine"]


def check_engine(text: str) -> list[str]:
    """Default rules on ``text``: invariants, idempotence, ``check`` changes nothing."""
    engine = _default_engine()
    fixed = engine.fix(text)
    problems = report_problems(text, fixed, fixed=True)
    if problems:
        return problems
    again = engine.fix(fixed.text)
    if again.text != fixed.text:
        problems.append(f"idempotence: a second fix changed {[e.rule for e in again.edits]}")
    OUTCOMES["engine"]["edited" if fixed.edits else "unchanged"] += 1
    checked = engine.check(text)
    if checked.text != text:
        problems.append("check: check() changed the text")
    return problems


# -- glossary loading -------------------------------------------------------------------------

# fmt: off
YAML_BITS = [
    "\n", "\n  ", "\n    - ", ": ", "- ", "&a ", "*a", "!!python/object/apply:os.system ['true']",
    "{", "}", "[", "]", "'", '"', "#", "~", "null", "yes", "no", "\t", "?", "|", ">-", "%YAML 1.1",
    "---", "...", "\\", "term: ", "variants: ", "patterns: ['(x+x+)+y']", "patterns: ['(a|aa)+$']",
    "context: {near: [a], window: -1}", "case: ", "id: ", "entries: ", "name: ", "\x00", "\ud800",
    "\ufeff", "ё", "@", "`", "!", "&", "*", "0x1F", "1e9999", "window: 99999999999999999999",
]
# fmt: on
# fmt: off
GLOSSARY_KEYS = [
    "name", "languages", "description", "entries", "term", "id", "variants", "patterns", "source",
    "context", "near", "not_near", "window", "case", "unquote", "examples", "input", "output",
    "note", "severity", "bogus",
]
# fmt: on


def _mutate(text: str, rng: random.Random, bits: list[str], count: int) -> str:
    """``count`` random deletions, duplications, insertions and truncations of ``text``."""
    for _ in range(count):
        i, j = sorted(rng.randrange(len(text) + 1) for _ in range(2))
        op = rng.randrange(5)
        if op == 0:
            text = text[:i] + text[j:]
        elif op == 1:
            text = text[:j] + text[i:j] + text[j:]
        elif op == 2:
            text = text[:i] + rng.choice(bits) + text[i:]
        elif op == 3:  # mostly a printable character: a control one stops the YAML reader early
            code = rng.randrange(0x110000) if rng.random() < 0.2 else rng.randrange(0x20, 0x3000)
            text = text[:i] + chr(code) + text[i + 1 :]
        else:
            text = text[:j]
    return text


def _glossary_strategy() -> Any:
    from hypothesis import strategies as st

    sources = [p.read_text("utf-8") for p in GLOSSARIES]
    mutated = st.builds(
        lambda src, seed, count: _mutate(src, random.Random(seed), YAML_BITS, count),
        st.sampled_from(sources),
        st.integers(0, 2**32),
        st.integers(1, 3),
    )
    leaf = st.none() | st.booleans() | st.integers() | st.floats() | _text_strategy(20)
    tree = st.recursive(
        leaf,
        lambda kids: (
            st.lists(kids, max_size=4)
            | st.dictionaries(
                st.sampled_from(GLOSSARY_KEYS) | st.text(max_size=5), kids, max_size=5
            )
        ),
        max_leaves=20,
    )
    dumped = st.builds(_dump, tree)
    # mutated real files get past the YAML parser to the checks behind it: drawn most often
    return st.one_of(mutated, mutated, mutated, dumped, _text_strategy(80))


def _dump(value: object) -> str:
    import yaml

    return yaml.safe_dump(value, allow_unicode=True)


def check_glossary(text: str) -> list[str]:
    """``load_glossaries`` on ``text`` as a file: GlossaryError or success; then a probe check."""
    from normalizer import Normalizer
    from normalizer.glossary import load_glossaries, load_glossary_text

    load_glossary_text(text, "<buffer>")  # the LSP's unsaved buffers: problems, never a raise
    path = Path(_STATE["tmp"]) / "fuzz.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        glossaries = load_glossaries([path])
    except GlossaryError as exc:
        OUTCOMES["glossary"]["GlossaryError"] += 1
        return [] if exc.problems else ["error: GlossaryError without a located problem"]
    OUTCOMES["glossary"]["loaded"] += 1
    engine = Normalizer(glossaries, rules={"cleanup": "off", "suspect": "off"})
    return report_problems(PROBE, engine.fix(PROBE), fixed=True)


def _scratch_setup() -> None:
    _STATE["tmp"] = tempfile.mkdtemp(prefix="mtnorm-fuzz-")


def _scratch_teardown() -> None:
    shutil.rmtree(_STATE.pop("tmp"), ignore_errors=True)


# -- document formats -------------------------------------------------------------------------

FORMAT_TEMPLATES = {
    "text": "{}",
    "markdown": "# Title\n\n{}\n\n```\nNewbie..\n```\n",
    "html": "<html><body><p>{}</p><pre>Newbie..</pre></body></html>\n",
    "xliff": '<?xml version="1.0"?>\n<xliff version="1.2"><file><body><trans-unit id="1">'
    "<source>Новичок</source><target>{}</target></trans-unit></body></file></xliff>\n",
    "po": 'msgid ""\nmsgstr ""\n\nmsgid "Новичок"\nmsgstr "{}"\n',
    "srt": "1\n00:00:01,000 --> 00:00:02,000\n{}\n",
    "vtt": "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n{}\n",
    "jsonl": '{{"id": 1, "text": "{}"}}\n',
}
FORMAT_OF = {
    ".md": "markdown",
    ".html": "html",
    ".xlf": "xliff",
    ".po": "po",
    ".srt": "srt",
    ".vtt": "vtt",
    ".jsonl": "jsonl",
}


def _formats_strategy() -> Any:
    from hypothesis import strategies as st

    in_template = st.tuples(st.sampled_from(sorted(FORMAT_TEMPLATES)), _text_strategy(60)).map(
        lambda ft: (ft[0], FORMAT_TEMPLATES[ft[0]].format(ft[1]))
    )
    fixtures = [(FORMAT_OF[p.suffix], p.read_text("utf-8")) for p in FIXTURES]
    mutated = st.builds(
        lambda fx, seed, count: (fx[0], _mutate(fx[1], random.Random(seed), TOKENS, count)),
        st.sampled_from(fixtures),
        st.integers(0, 2**32),
        st.integers(0, 6),
    )
    return st.one_of(in_template, mutated)


def check_formats(case: tuple[str, str]) -> list[str]:
    """``process_document``: InputError, or a report that replays and is idempotent."""
    from normalizer.formats import process_document

    fmt, doc = case
    try:
        report = process_document(_default_engine(), doc, fmt, fix=True, fields=("text",))
    except InputError:
        OUTCOMES["formats"][f"{fmt}: InputError"] += 1
        return []
    OUTCOMES["formats"][f"{fmt}: {'edited' if report.edits else 'unchanged'}"] += 1
    problems = report_problems(doc, report, fixed=True)
    if problems:
        return problems
    again = process_document(_default_engine(), report.text, fmt, fix=True, fields=("text",))
    if again.text != report.text:
        problems.append(f"idempotence: a second {fmt} fix changed {[e.rule for e in again.edits]}")
    return problems


# -- command line -----------------------------------------------------------------------------

SCRATCH_FILES: dict[str, bytes] = {
    "a.txt": PROBE.encode() + b"\r\nThe newbie on the team.\n",
    "b.md": b"# T\n\npoisoned with \xc2\xabNewbie\xc2\xbb..\n\n`Newbie`\n",
    "c.po": (REPO / "tests" / "fixtures" / "formats" / "plurals.po").read_bytes(),
    "d.jsonl": b'{"text": "Companions of Navalny.."}\n{"text": 5}\nnot json\n',
    "bad.txt": b"caf\xe9 \xff\xfe poisoned with Newbie\n",
    "bin.dat": b"\x00\x01\x02Newbie",
    "empty.txt": b"",
    "sub/e.srt": b"1\n00:00:01,000 --> 00:00:02,000\nSailor silence..\n",
    "terms.csv": b"variant,term\nNewbie,Novichok\nSailor silence,Matrosskaya Tishina\n",
    "bad.csv": b"variant,term\nNewbie\n,\n\xff\n",
    "gl.yaml": b"name: fz\nentries:\n  - term: Novichok\n    variants: [Newbie]\n",
    "broken.yaml": b"name: [\n",
    "config.yaml": f"glossaries: ['{REPO}/glossary/ru-en/*.yaml']\n".encode(),
    "badconf.yaml": b"rules: {cleanup: sometimes}\nglossaries: 7\n",
}
GOOD_PATHS = ["a.txt", "b.md", "c.po", "sub", "-", "empty.txt"]
PATHS = [*SCRATCH_FILES, "sub", "missing.txt", ".", "-"]
# fmt: off
GOOD = [
    ["--config", "config.yaml"], ["--glossary", "gl.yaml"], ["--select", "cleanup"],
    ["--select", "ru-en-weapons/novichok,cleanup/quotes"], ["--ignore", "suspect"],
    ["--source", "a.txt"], ["-j", "2"], ["--exclude", "*.md"], ["--format-in", "po"],
    ["--format-in", "html"], ["--format-in", "jsonl"], ["--field", "text"],
    ["--stdin-filename", "x.md"], ["--stdin-filename", "x.xlf"], ["--apply-suggestions", "0.5"],
    ["--no-progress"],
]
# fmt: on
# fmt: off
BAD = [
    ["--config", "badconf.yaml"], ["--config", "missing.yaml"], ["--glossary", "broken.yaml"],
    ["--ignore", ",nonexistent"], ["-j", "0"], ["-j", "x"], ["--exclude", "["],
    ["--format-in", "bogus"], ["--model", "nomodel"], ["--apply-suggestions", "nan"],
]
# fmt: on
COMMON = GOOD + BAD
# fmt: off
COMMANDS: dict[str, list[list[str]]] = {
    "fix": [
        *COMMON, ["--in-place"], ["--diff"], ["--check"], ["--backup", ".bak"], ["-i"],
    ],
    "check": [
        *COMMON, ["--format", "json"], ["--format", "sarif"], ["--format", "xml"], ["--exit-zero"],
    ],
    "explain": [
        *COMMON, ["--file", "a.txt"], ["--file", "missing.txt"], ["poisoned with Newbie"],
    ],
    "glossary lint": [
        ["gl.yaml"], ["broken.yaml"], ["missing.yaml"], ["--config", "config.yaml"],
    ],
    "glossary import": [
        ["--from", "csv"], ["--from", "csv"], ["--from", "vale"], ["--from", "tbx"],
        ["terms.csv"], ["terms.csv"], ["bad.csv"], ["-o", "-"],
        ["-o", "out.yaml"], ["--name", "Bad Name"], ["gl.yaml"],
    ],
    "suggest": [
        ["a.txt"], ["sub"], ["-o", "-"], ["-o", "draft.yaml"], ["--min-count", "1"],
        ["--source", "a.txt"], ["--min-count", "-3"],
    ],
    "": [
        ["--version"], ["--help"], ["nonsense"], ["glossary"], [],
    ],
}
# fmt: on


def build_argv(rng: random.Random) -> list[str]:
    """A random command line made of the real commands, options, values and scratch paths."""
    command = rng.choice(sorted(COMMANDS))
    argv = command.split()
    careful = rng.random() < 0.5  # half the runs stay on valid options, to get past the checks
    for _ in range(rng.randrange(6)):
        option = rng.choice(COMMANDS[command])
        if not (careful and option in BAD):
            argv += option
    if command in ("fix", "check") or rng.random() < 0.2:
        paths = GOOD_PATHS if careful else PATHS
        argv += rng.sample(paths, min(len(paths), rng.randrange(3)))
    if rng.random() < 0.1:  # a token argparse has never heard of
        argv.insert(rng.randrange(len(argv) + 1), rng.choice(["--nope", "-", "--", "-jj", "=", ""]))
    return argv


def _cli_strategy() -> Any:
    from hypothesis import strategies as st

    return st.tuples(
        st.integers(0, 2**64).map(lambda s: build_argv(random.Random(s))),
        st.binary(max_size=200) | _text_strategy(80).map(_utf8),
    )


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogatepass")


def _fresh_scratch() -> Path:
    root = Path(_STATE["tmp"]) / "cli"
    shutil.rmtree(root, ignore_errors=True)
    for name, data in SCRATCH_FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def check_cli(case: tuple[list[str], bytes]) -> list[str]:
    """``cli.main(argv)`` in the scratch folder with ``stdin`` bytes: must return 0, 1 or 2."""
    from normalizer.cli import main

    argv, stdin = case
    cwd, old_stdin = os.getcwd(), sys.stdin
    os.chdir(_fresh_scratch())
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    err = io.StringIO()
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code: object = main(argv)
    except SystemExit as exc:  # argparse: --help (0) and usage errors (2)
        code = exc.code
    finally:
        sys.stdin = old_stdin
        os.chdir(cwd)
    OUTCOMES["cli"][f"{argv[:2] if argv[:1] == ['glossary'] else argv[:1]} exit {code}"] += 1
    if "internal error" in err.getvalue():  # main's catch-all for our own bugs: a crash here
        return [f"crash: {err.getvalue().strip()[:300]}"]
    return [] if code in (0, 1, 2) else [f"exit: main returned {code!r}"]


def _cli_from_bytes(fdp: Any) -> tuple[list[str], bytes]:
    return build_argv(random.Random(fdp.ConsumeInt(8))), fdp.ConsumeBytes(200)


def _glossary_from_bytes(fdp: Any) -> str:
    if fdp.ConsumeBool():
        return str(fdp.ConsumeUnicode(400))
    source = GLOSSARIES[fdp.ConsumeIntInRange(0, len(GLOSSARIES) - 1)].read_text("utf-8")
    return _mutate(source, random.Random(fdp.ConsumeInt(4)), YAML_BITS, fdp.ConsumeIntInRange(1, 8))


def _formats_from_bytes(fdp: Any) -> tuple[str, str]:
    if fdp.ConsumeBool():
        fmt = sorted(FORMAT_TEMPLATES)[fdp.ConsumeIntInRange(0, len(FORMAT_TEMPLATES) - 1)]
        return fmt, FORMAT_TEMPLATES[fmt].format(fdp.ConsumeUnicode(100))
    path = FIXTURES[fdp.ConsumeIntInRange(0, len(FIXTURES) - 1)]
    text = _mutate(
        path.read_text("utf-8"),
        random.Random(fdp.ConsumeInt(4)),
        TOKENS,
        fdp.ConsumeIntInRange(0, 6),
    )
    return FORMAT_OF[path.suffix], text


TARGETS: dict[str, Target] = {
    "engine": Target("engine", _text_strategy, lambda fdp: fdp.ConsumeUnicode(300), check_engine),
    "glossary": Target(
        "glossary",
        _glossary_strategy,
        _glossary_from_bytes,
        check_glossary,
        _scratch_setup,
        _scratch_teardown,
    ),
    "formats": Target("formats", _formats_strategy, _formats_from_bytes, check_formats),
    "cli": Target(
        "cli", _cli_strategy, _cli_from_bytes, check_cli, _scratch_setup, _scratch_teardown
    ),
}
