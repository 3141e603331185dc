"""Diagnostics latency of ``mtnorm lsp`` on a 50 KB document, after the first load.

Starts the server over stdio with the debounce set to 0, opens a document made of the seed MT
article repeated to ~50 KB, waits for the first diagnostics (engine load and warm-up), then makes
N whole-document changes and times each from sending ``didChange`` to receiving the
``publishDiagnostics`` of that version. For comparison it also times ``Normalizer.check`` on the
same text in this process, so the server's own overhead (JSON, positions, transport) shows.

    python bench/lsp_latency.py [--size 50000] [--changes 20] [--root WORKSPACE]

Target (issue 5): under 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "examples" / "navalny-mt.txt"
SERVER = "import sys; from normalizer.lsp import main; sys.exit(main(sys.argv[1:]))"


def make_document(size: int) -> str:
    seed = SEED.read_text(encoding="utf-8")
    return (seed + "\n\n") * (size // (len(seed) + 2) + 1)


def _client(arrivals: dict[int, float]) -> Any:
    from lsprotocol import types as lsp
    from pygls.protocol import default_converter
    from pytest_lsp import LanguageClient
    from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

    def published(ls: Any, params: lsp.PublishDiagnosticsParams) -> None:
        ls.diagnostics[params.uri] = params.diagnostics
        if params.version is not None:
            arrivals.setdefault(params.version, time.perf_counter())

    client = LanguageClient(converter_factory=default_converter)
    features = {**DEFAULT_CLIENT_FEATURES, lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: published}
    features[lsp.CLIENT_REGISTER_CAPABILITY] = lambda ls, params: None
    register_lsp_features(client, features)
    return client


async def _wait(arrivals: dict[int, float], version: int, timeout: float) -> float:
    deadline = time.perf_counter() + timeout
    while version not in arrivals:
        if time.perf_counter() > deadline:
            raise TimeoutError(f"no diagnostics for version {version}")
        await asyncio.sleep(0.0005)
    return arrivals[version]


async def measure(root: Path, text: str, changes: int) -> tuple[float, list[float], int]:
    """(seconds to the first diagnostics, seconds per change, diagnostics per publication)."""
    from lsprotocol import types as lsp
    from pytest_lsp import client_capabilities

    arrivals: dict[int, float] = {}
    client = _client(arrivals)
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    await client.start_io(
        sys.executable, "-c", SERVER, cwd=str(root), env={**os.environ, "PYTHONPATH": path}
    )
    await client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=root.as_uri(),
            initialization_options={"debounceMs": 0},  # time the check, not the debounce
        )
    )
    uri = (root / "bench.txt").as_uri()
    start = time.perf_counter()
    item = lsp.TextDocumentItem(uri=uri, language_id="plaintext", version=1, text=text)
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(item))
    first = await _wait(arrivals, 1, 120) - start
    timings = []
    for version in range(2, changes + 2):
        # A realistic edit: one more word at the end, sent as the whole text (the worst case).
        text += f" word{version}"
        change = lsp.TextDocumentContentChangeWholeDocument(text=text)
        params = lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(uri=uri, version=version), [change]
        )
        sent = time.perf_counter()
        client.text_document_did_change(params)
        timings.append(await _wait(arrivals, version, 60) - sent)
    count = len(client.diagnostics.get(uri, []))
    await client.shutdown_session()
    await client.stop()
    return first, timings, count


def engine_only(root: Path, text: str, runs: int) -> list[float]:
    """``Normalizer.check`` alone on the same text, in this process, after a warm-up run."""
    sys.path.insert(0, str(REPO))
    from normalizer.lsp_workspace import NormalizerCache

    normalizer = NormalizerCache(root).get(root / "bench.txt")
    normalizer.check(text)
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        normalizer.check(text)
        out.append(time.perf_counter() - t)
    return out


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return f"median {statistics.median(values) * 1000:.1f} ms, p90 {p90 * 1000:.1f} ms"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Diagnostics latency of mtnorm lsp (50 KB document).")
    p.add_argument("--size", type=int, default=50_000, help="document size in characters")
    p.add_argument("--changes", type=int, default=20, help="timed changes")
    p.add_argument(
        "--root",
        type=Path,
        default=None,
        help="workspace folder (its config.yaml applies; default: an empty folder, so the "
        "packaged defaults and shipped glossaries)",
    )
    args = p.parse_args(argv)
    text = make_document(args.size)
    with tempfile.TemporaryDirectory() as tmp:
        # The document is never written: it lives in the editor (here, the client) only.
        root = (args.root or Path(tmp)).resolve()
        first, timings, count = asyncio.run(measure(root, text, args.changes))
        engine = engine_only(root, text, min(args.changes, 10))
    print(f"document: {len(text)} characters, {count} diagnostics")
    print(f"first diagnostics (engine load + warm-up): {first * 1000:.0f} ms")
    print(f"didChange -> publishDiagnostics over {len(timings)} changes: {_ms(timings)}")
    print(f"Normalizer.check alone on the same text: {_ms(engine)}")
    verdict = "met" if statistics.median(timings) < 0.100 else "NOT met"
    print(f"target < 100 ms: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
