"""``mtnorm lsp``: the language server's entry point (stdio).

The server itself lives in :mod:`normalizer.lsp_server` (pygls); positions and code actions in
:mod:`normalizer.lsp_convert`; configuration lookup and reloads in :mod:`normalizer.lsp_workspace`;
"add to glossary" in :mod:`normalizer.lsp_glossary_edit`. This module only parses arguments and
imports pygls lazily, so a missing ``[lsp]`` extra gives a one-line install hint, not a traceback.

stdout is the protocol channel: nothing here may print to it.
"""

from __future__ import annotations

import argparse
import logging
import sys

__all__ = ["INSTALL_HINT", "main"]

INSTALL_HINT = "mtnorm lsp needs the [lsp] extra: pip install 'mtnorm[lsp]'"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="mtnorm lsp",
        description="Run the mtnorm language server over stdio (for editors).",
    )
    p.add_argument(
        "--stdio", action="store_true", help="use stdio (the default and only transport)"
    )
    p.add_argument(
        "--debounce-ms",
        type=int,
        default=None,
        help="wait this long after a change before checking (default 150; "
        "initializationOptions.debounceMs overrides)",
    )
    p.add_argument("--log-file", default=None, help="write the server's log to this file")
    p.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    return p


def main(argv: list[str]) -> int:
    """Run the server until the client says exit; return the process exit code.

    ``argv`` are the arguments after ``mtnorm lsp``. Returns 2 when the ``[lsp]`` extra is missing.
    """
    args = _parser().parse_args(argv)
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError:
        print(INSTALL_HINT, file=sys.stderr)
        return 2
    # Logging goes to stderr or a file: stdout carries the protocol.
    handler = logging.FileHandler(args.log_file) if args.log_file else logging.StreamHandler()
    logging.basicConfig(
        handlers=[handler],
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    from .lsp_server import create_server

    server = create_server(debounce_ms=args.debounce_ms)
    server.start_io()
    return 0


if __name__ == "__main__":  # pragma: no cover - `python -m normalizer.lsp`
    sys.exit(main(sys.argv[1:]))
