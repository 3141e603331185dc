"""What each ``mtnorm`` command does; :mod:`normalizer.cli` parses and dispatches here."""

from __future__ import annotations

import sys
from argparse import Namespace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .cli import read_stdin, write_stdout
from .engine import Normalizer
from .errors import InputError, MtnormError, Problem

if TYPE_CHECKING:  # reports render only for check and explain: imported there
    from .edits import Report
    from .render import Named

__all__ = ["run_check", "run_explain", "run_fix", "run_glossary"]


def _is_stdin(args: Namespace) -> bool:
    return not args.paths or args.paths == ["-"]


def _stdin_name(args: Namespace) -> str:
    return args.stdin_filename or "-"


def _scorer(args: Namespace, config: Any) -> Any:
    spec = args.model or (config.model or {}).get("path")
    if not spec:
        return None
    from .scoring.loader import load_scorer

    # a relative model path in config.yaml is relative to the config file's folder
    return load_scorer(spec if args.model else config.model, base_dir=config.root)


def build_normalizer(args: Namespace) -> Normalizer:
    from .config import load_config

    start = None
    if args.stdin_filename:
        start = Path(args.stdin_filename).resolve().parent
    elif args.paths and args.paths != ["-"]:
        first = Path(args.paths[0])
        start = (first if first.is_dir() else first.parent).resolve()
    config = load_config(args.config, start=start)
    args.config_obj = config
    return Normalizer.from_config(
        config,
        glossaries=args.glossary,
        select=args.select_ids,
        ignore=args.ignore_ids or (),
        scorer=_scorer(args, config),
        apply_suggestions=args.apply_suggestions,
    )


def _read_source(args: Namespace) -> str | None:
    if not args.source:
        return None
    from .fileio import read_text

    return read_text(args.source)[0]


def _process_text(n: Normalizer, args: Namespace, text: str, name: str, *, fix: bool) -> Report:
    fmt = "text"
    # standard input without a name is plain text unless --format-in says otherwise
    if args.format_in != "text" and not (args.format_in == "auto" and name == "-"):
        try:
            from . import formats
        except ImportError:  # pragma: no cover - formats ship with the package
            formats = None  # type: ignore[assignment]
        if formats is not None:
            fmt = formats.detect_format(None if name == "-" else name, args.format_in)
            if fmt != "text":
                return formats.process_document(n, text, fmt, fix=fix, fields=args.field, path=name)
    source = _read_source(args)
    return n.fix(text, source) if fix else n.check(text, source)


def run_fix(args: Namespace) -> int:
    n = build_normalizer(args)
    if _is_stdin(args):
        if args.in_place:
            raise MtnormError(
                problems=[Problem("-", 0, 0, "--in-place needs file paths, not stdin")]
            )
        name = _stdin_name(args)
        if args.stream:
            return _stream_stdin(n, args, name)
        report = _process_text(n, args, read_stdin(name), name, fix=True)
        if args.check:
            return 1 if report.changed else 0
        if args.diff:
            from .batch import unified_diff

            write_stdout(unified_diff(Path(name), report))
            return 0
        write_stdout(report.text)
        return 0
    mode = "in-place" if args.in_place else "diff" if args.diff else "fix"
    return _run_files(n, args, mode)


def _stream_stdin(n: Normalizer, args: Namespace, name: str) -> int:
    """``fix --stream``: plain text in chunks with exact seams (see :mod:`normalizer.stream`)."""
    import io

    from .fileio import Utf8Reader

    if args.check or args.diff or args.source or args.format_in not in ("auto", "text"):
        raise MtnormError(
            problems=[
                Problem(
                    name,
                    0,
                    0,
                    "--stream takes plain text to stdout only; drop "
                    "--check/--diff/--source/--format-in",
                )
            ]
        )
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=False)
    try:
        n.fix_stream(Utf8Reader(sys.stdin.buffer, name), out)
    finally:
        out.flush()
        out.detach()
    return 0


def run_check(args: Namespace) -> int:
    n = build_normalizer(args)
    if _is_stdin(args):
        from .render import Named

        name = _stdin_name(args)
        named = [Named(name, _process_text(n, args, read_stdin(name), name, fix=False))]
        _print_reports(args, named)
        code = 1 if any(x.report.findings for x in named) else 0
    else:
        code = _run_files(n, args, "check")
    return 0 if code == 1 and args.exit_zero else code


def _run_files(n: Normalizer, args: Namespace, mode: str) -> int:
    from .batch import discover, make_processor, run_batch
    from .render import Named

    config = args.config_obj
    files = discover(args.paths, exclude=[*config.exclude, *args.exclude])
    if not files:
        raise InputError(problems=[Problem(args.paths[0], 0, 0, "no files to process")])
    if args.source and len(files) > 1:
        raise MtnormError(
            problems=[Problem(args.source, 0, 0, "--source goes with exactly one input file")]
        )
    source_path = Path(args.source) if args.source else None
    process = make_processor(
        n,
        mode="check" if mode == "check" else mode,  # type: ignore[arg-type]
        backup_suffix=getattr(args, "backup", None),
        source_for=(lambda _p: source_path) if source_path else None,
        format_in=args.format_in,
        fields=args.field,
        lean=True,  # only what is printed comes back from worker processes
    )
    # run_batch draws a bar only on a terminal and ends with a summary line on stderr; a single
    # file fixed to stdout is a filter run, where the summary would only be noise
    progress = not args.no_progress and (mode != "fix" or len(files) > 1)
    named: list[Named] = []
    errors = findings = 0
    for result in run_batch(files, process, jobs=args.jobs, progress=progress):
        if result.status == "error":
            errors += 1
            print(f"mtnorm: {result.error}", file=sys.stderr)
            continue
        if result.report is None:
            if result.note:
                print(f"mtnorm: {result.path}: {result.note}", file=sys.stderr)
            continue
        report = result.report
        if mode == "check":
            findings += report.findings
            named.append(Named(str(result.path), report))
            if getattr(args, "format", "text") == "text":
                _print_lines(Named(str(result.path), report))
        elif result.status == "changed":
            findings += 1
            if mode == "diff" and result.output:
                write_stdout(result.output)
            elif mode == "fix" and not args.check:
                write_stdout(report.text)
        elif mode == "fix" and not args.check:
            write_stdout(report.text)
    if mode == "check" and getattr(args, "format", "text") != "text":
        _print_reports(args, named)
    if errors:
        return 2
    if mode == "check" or (mode in ("fix", "diff") and args.check):
        return 1 if findings else 0
    return 0


def _print_lines(named: Named) -> None:
    from .render import finding_lines

    lines = finding_lines(named)
    if lines:
        write_stdout("\n".join(lines) + "\n")


def _print_reports(args: Namespace, named: list[Named]) -> None:
    from .render import to_json, to_sarif

    fmt = getattr(args, "format", "text")
    if fmt == "json":
        write_stdout(to_json(named) + "\n")
    elif fmt == "sarif":
        write_stdout(to_sarif(named, __version__) + "\n")
    else:
        for item in named:
            _print_lines(item)


def run_explain(args: Namespace) -> int:
    """Which rules fire where and why, including glossary matches whose context failed."""
    args.paths = [args.file] if args.file else []
    n = build_normalizer(args)
    if args.file:
        from .fileio import read_text

        text, name = read_text(args.file)[0], args.file
    elif args.text == "-":
        name = _stdin_name(args)
        text = read_stdin(name)
    else:
        text, name = args.text, "<text>"
    from .render import Named, finding_lines
    from .spans import LineIndex

    index = LineIndex(text)
    out = []
    for start, end, entry, outcome in n.explain(text):
        line, col = index.line_col(start)
        if outcome == "edit":
            why = f"replaced by {entry.term!r}"
        elif outcome == "no change":
            why = "already the term's form"
        else:
            why = f"not replaced: context {_ctx(entry)} does not hold here"
        level = n.level(entry.rule_id, "fix" if entry.action == "fix" else "warn")
        out.append(
            f"{name}:{line}:{col}: {entry.rule_id} [{level}] {text[start:end]!r}: {why}"
            + (f" -- {entry.note}" if entry.note else "")
        )
    report = n.check(text)
    out.extend(finding_lines(Named(name, report)))
    write_stdout("\n".join(out) + ("\n" if out else ""))
    if not out:
        print("mtnorm: no rule fires on this text", file=sys.stderr)
    return 1 if report.findings else 0


def _ctx(entry: Any) -> str:
    c = entry.context
    parts = []
    if c.near:
        parts.append("near " + "/".join(c.near))
    if c.not_near:
        parts.append("not near " + "/".join(c.not_near))
    parts.append(f"within {c.window} words" if c.window else "in the same sentence")
    return "(" + ", ".join(parts) + ")"


def run_glossary(args: Namespace) -> int:
    from .config import load_config
    from .glossary import load_glossaries
    from .lint import lint_examples

    files = [Path(f) for f in args.files] or load_config(args.config).glossary_paths()
    warnings: list[Problem] = []
    glossaries = load_glossaries(files, warnings=warnings)
    problems = [*warnings, *lint_examples(glossaries)]
    for p in problems:
        print(str(p), file=sys.stdout)
    count = sum(len(e.examples) for g in glossaries for e in g.entries)
    failed = sum(1 for p in problems if p.severity == "error")
    print(
        f"mtnorm: {len(glossaries)} glossaries, {sum(len(g.entries) for g in glossaries)} "
        f"entries, {count} examples, {failed} failing",
        file=sys.stderr,
    )
    return 1 if failed else 0
