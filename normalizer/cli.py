"""The ``mtnorm`` command line: the only place that prints or exits.

Exit codes: 0 clean, 1 findings (``check``, ``fix --check``), 2 bad usage or bad input.
Data goes to standard output, messages to standard error; no traceback unless ``--debug``.
Commands that need optional extras (``lsp``, ``model``, ``suggest``) are imported on use.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from . import __version__
from .errors import MtnormError, Problem

__all__ = ["main", "run"]

# command -> "module:function" taking argv and returning an exit code (imported lazily)
PLUGINS = {
    "suggest": "normalizer.mining:main",
    "model": "normalizer.scoring.cli:main",
    "lsp": "normalizer.lsp:main",
}
GLOSSARY_PLUGINS = {
    "merge": "normalizer.mining_merge:merge_main",
    "import": "normalizer.importers:main",
}
COMMANDS = ("fix", "check", "explain", "glossary")  # parsed here (the plugins parse their own)
EXTRA_HINTS = {"normalizer.lsp": "lsp", "normalizer.scoring.cli": "model"}


def _common(p: argparse.ArgumentParser, *, paths: bool = True) -> None:
    if paths:
        p.add_argument(
            "paths", nargs="*", metavar="PATH", help="files or folders; none or '-': stdin"
        )
    p.add_argument("--config", metavar="PATH", help="config file (default: nearest config.yaml)")
    p.add_argument(
        "--glossary",
        action="append",
        default=[],
        metavar="PATH",
        help="another glossary file (repeatable; added to the config's)",
    )
    p.add_argument(
        "--select", metavar="IDS", help="only these rule ids or prefixes (comma-separated)"
    )
    p.add_argument("--ignore", metavar="IDS", help="turn off these rule ids or prefixes")
    p.add_argument(
        "--source",
        metavar="PATH",
        help="source-language text the input was translated from (line-aligned)",
    )
    p.add_argument("-j", "--jobs", type=int, default=1, metavar="N", help="parallel workers")
    p.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help=".gitignore-style pattern of files to skip (repeatable)",
    )
    p.add_argument(
        "--format-in",
        default="auto",
        metavar="FMT",
        help="input format: auto|text|markdown|html|xliff|po|srt|vtt|jsonl",
    )
    p.add_argument(
        "--field",
        action="append",
        default=[],
        metavar="NAME",
        help="JSONL: the text field(s) to normalize (repeatable)",
    )
    p.add_argument(
        "--stdin-filename",
        metavar="NAME",
        help="the name of the file on stdin (chooses config and format)",
    )
    p.add_argument("--model", metavar="PATH", help="a local model directory, .gguf, or 'default'")
    p.add_argument(
        "--apply-suggestions",
        type=float,
        metavar="THRESHOLD",
        help="apply suspect suggestions scoring at least THRESHOLD (0-1)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--debug", action="store_true", help="show tracebacks")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The ``mtnorm`` parser; with ``only``, just that command gets its options (every command
    is still listed): a run parses one command, and the others' options cost startup time."""

    def full(name: str) -> bool:
        return only is None or only == name

    parser = argparse.ArgumentParser(
        prog="mtnorm",
        description=(
            "Normalize machine-translated text: glossary terms, cleanup, unknown-term suspects."
        ),
    )
    parser.add_argument("--version", action="version", version=f"mtnorm {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    fix = sub.add_parser("fix", help="fix text (stdin to stdout, or files)")
    if full("fix"):
        _fix_options(fix)
    check = sub.add_parser("check", help="report findings")
    if full("check"):
        _check_options(check)
    explain = sub.add_parser("explain", help="show which rules fire where and why")
    if full("explain"):
        _explain_options(explain)
    gl = sub.add_parser("glossary", help="glossary tools: lint, merge, import")
    gsub = gl.add_subparsers(dest="glossary_command", metavar="SUBCOMMAND")
    lint = gsub.add_parser("lint", help="validate glossaries and run their examples")
    if full("glossary"):
        lint.add_argument("files", nargs="*", help="glossary files (default: the config's)")
        lint.add_argument("--config", metavar="PATH")
        lint.add_argument("--debug", action="store_true")
    for name, helptext in (
        ("merge", "merge a reviewed draft into a glossary"),
        ("import", "convert other tools' term lists"),
    ):
        gsub.add_parser(name, help=helptext, add_help=False)
    for name, helptext in (
        ("suggest", "mine a corpus into a draft glossary"),
        ("model", "install or inspect the optional model"),
        ("lsp", "run the language server on stdio"),
    ):
        sub.add_parser(name, help=helptext, add_help=False)
    return parser


def _fix_options(fix: argparse.ArgumentParser) -> None:
    _common(fix)
    mode = fix.add_mutually_exclusive_group()
    mode.add_argument("--in-place", "-i", action="store_true", help="rewrite the files")
    mode.add_argument("--diff", action="store_true", help="print a unified diff, write nothing")
    mode.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 where anything would change"
    )
    fix.add_argument("--backup", metavar="SUFFIX", help="with --in-place: keep originals")
    fix.add_argument(
        "--stream",
        action="store_true",
        help="stdin to stdout in bounded memory, chunk by chunk (for inputs of any size)",
    )


def _check_options(check: argparse.ArgumentParser) -> None:
    _common(check)
    check.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    check.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even when there are findings (errors still exit 2)",
    )


def _explain_options(explain: argparse.ArgumentParser) -> None:
    explain.add_argument(
        "text",
        nargs="?",
        default="-",
        metavar="TEXT",
        help="the text to explain; '-' (default) reads stdin",
    )
    explain.add_argument("--file", metavar="PATH", help="explain the text of this file instead")
    _common(explain, paths=False)


def _split_ids(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


def _plugin(target: str) -> Callable[[list[str]], int]:
    module_name, func = target.split(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        extra = EXTRA_HINTS.get(module_name)
        hint = f"; install it with: pip install 'mtnorm[{extra}]'" if extra else ""
        raise MtnormError(f"this command is not available ({exc}){hint}") from None
    return getattr(module, func)  # type: ignore[no-any-return]


def run() -> NoReturn:
    """The ``mtnorm`` program (console script and ``python -m normalizer``): :func:`main` on
    ``sys.argv``, then an exit that skips tearing the interpreter down after the built-in
    commands (see :func:`_quick_exit`)."""
    argv = sys.argv[1:]
    builtin = bool(argv) and argv[0] in COMMANDS and "--help" not in argv and "-h" not in argv
    if builtin:
        from . import rxcache

        rxcache.enable()  # compiled glossary patterns are kept between runs
    code = main(argv)
    if builtin:
        rxcache.save()
        if argv[0] != "glossary" or argv[1:2] == ["lint"]:
            _quick_exit(code)
    raise SystemExit(code)


def _quick_exit(code: int) -> NoReturn:
    """Exit without finalizing the interpreter: freeing every module, compiled pattern and table
    one object at a time is ~15-20 ms of a small run, for nothing. Everything else a normal exit
    does is done first: standard streams flushed and atexit handlers run; with a thread still
    running (which a normal exit would wait for) or a stream that cannot be flushed, it is a
    normal exit."""
    import atexit
    import threading

    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        raise SystemExit(code) from None
    if threading.active_count() > 1:
        raise SystemExit(code)
    atexit._run_exitfuncs()
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args_list
    try:
        return _dispatch(args_list)
    except MtnormError as exc:
        _print_error(exc)
        if debug:
            raise
        return 2
    except KeyboardInterrupt:
        print("mtnorm: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (e.g. `| head`); not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug of ours: say so in one line, the traceback on --debug
        if debug:
            raise
        print(
            f"mtnorm: internal error: {type(exc).__name__}: {exc} "
            "(run again with --debug for the traceback, and please report it)",
            file=sys.stderr,
        )
        return 2


def _print_error(exc: MtnormError) -> None:
    lines = [str(p) for p in exc.problems] or [str(exc)]
    for line in lines:
        print(f"mtnorm: {line}", file=sys.stderr)


def _dispatch(argv: list[str]) -> int:
    if argv and argv[0] in PLUGINS:
        return _plugin(PLUGINS[argv[0]])(argv[1:])
    if len(argv) >= 2 and argv[0] == "glossary" and argv[1] in GLOSSARY_PLUGINS:
        return _plugin(GLOSSARY_PLUGINS[argv[1]])(argv[2:])
    parser = build_parser(argv[0] if argv and argv[0] in COMMANDS else None)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    from . import commands

    handler: dict[str, Callable[[Any], int]] = {
        "fix": commands.run_fix,
        "check": commands.run_check,
        "explain": commands.run_explain,
        "glossary": commands.run_glossary,
    }
    if args.command == "glossary" and not args.glossary_command:
        parser.parse_args(["glossary", "--help"])
    args.select_ids = _split_ids(args.select) if hasattr(args, "select") else None
    args.ignore_ids = _split_ids(args.ignore) if hasattr(args, "ignore") else None
    if getattr(args, "jobs", 1) < 1:
        raise MtnormError(problems=[Problem("-j", 0, 0, "the number of jobs must be 1 or more")])
    return handler[args.command](args)


def read_stdin(name: str) -> str:
    """Standard input as strict UTF-8; invalid bytes are an InputError with the byte offset."""
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8")  # strict; a BOM stays as U+FEFF (a UTF-16 BOM fails here)
    except UnicodeDecodeError:
        from .fileio import decode_utf8  # the error with its position and a hint

        return decode_utf8(data, name)


def write_stdout(text: str) -> None:
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.flush()
