"""The mtnorm language server (pygls 2): diagnostics, code actions, glossary reloads.

Imported only by :func:`normalizer.lsp.main`, after the ``[lsp]`` extra is known to be there.

- Diagnostics are computed on worker threads (the Normalizer is thread-safe), debounced after a
  change; a result is published only if the document is still at the version it was computed
  for, so the latest version wins.
- Positions are always UTF-16 (the encoding every client must support): the server declines the
  other encodings a client may offer, because :mod:`normalizer.lsp_convert` counts in UTF-16.
- "Ignore here" keeps a per-document, in-memory list (:class:`~normalizer.lsp_convert.IgnoreKey`):
  plain text has no comment syntax to write an inline marker into, and an ignore that edits the
  document or a shared file would surprise co-translators. It lasts until the document is closed.
- A glossary or config that fails to load is shown as diagnostics in that file; documents keep the
  last Normalizer that loaded.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method
from pygls.uris import from_fs_path, to_fs_path

from . import __version__
from .edits import Report
from .lsp_chunks import ParagraphCache
from .lsp_convert import SOURCE, IgnoreKey
from .lsp_convert import diagnostics as report_diagnostics
from .lsp_workspace import NormalizerCache
from .spans import LineIndex

__all__ = ["MtnormLanguageServer", "create_server"]

log = logging.getLogger(__name__)

DEFAULT_DEBOUNCE_MS = 150
DEFAULT_MAX_CHARS = 2_000_000
DEFAULT_INCREMENTAL_ABOVE = 20_000  # characters; smaller documents are checked whole
USER_GLOSSARY = "mtnorm-glossary.yaml"


class _Protocol(LanguageServerProtocol):
    """Always negotiate UTF-16 positions (see the module docstring)."""

    @lsp_method(lsp.INITIALIZE)
    def lsp_initialize(self, params: lsp.InitializeParams) -> Any:
        general = params.capabilities.general
        if general is not None:
            general.position_encodings = [lsp.PositionEncodingKind.Utf16]
        return (yield from super().lsp_initialize(params))


class _Checked:
    """The last report of one document, with the version and index it was computed for."""

    __slots__ = ("index", "report", "version")

    def __init__(self, version: int | None, report: Report, index: LineIndex) -> None:
        self.version, self.report, self.index = version, report, index


class MtnormLanguageServer(LanguageServer):
    """pygls server holding the per-workspace state mtnorm needs."""

    def __init__(self, debounce_ms: int | None = None) -> None:
        super().__init__(
            "mtnorm",
            __version__,
            text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
            protocol_cls=_Protocol,
        )
        self.debounce = (DEFAULT_DEBOUNCE_MS if debounce_ms is None else debounce_ms) / 1000
        self.max_chars = DEFAULT_MAX_CHARS
        self.incremental_above = DEFAULT_INCREMENTAL_ABOVE
        self.paragraphs: dict[int, tuple[Any, ParagraphCache]] = {}
        self.running: dict[str, asyncio.Future[Any]] = {}
        self.full_pending: dict[str, asyncio.Task[None]] = {}
        self.full_delay = 1.0  # seconds idle before the exact whole-document pass
        self.glossary_file: Path | None = None
        self.cache = NormalizerCache()
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.checked: dict[str, _Checked] = {}
        self.ignored: dict[str, set[IgnoreKey]] = {}
        self.problem_uris: set[str] = set()

    # -- configuration -------------------------------------------------------------------------

    def configure(self, options: Any, root: str | None) -> None:
        """Apply ``initializationOptions``: debounceMs, maxDocumentChars, incrementalAbove
        (check paragraph by paragraph above this many characters; -1: never), fullCheckDelayMs
        (idle time before the exact whole-document pass of such a document), glossaryFile."""
        opts = options if isinstance(options, dict) else {}
        if isinstance(opts.get("debounceMs"), int | float):
            self.debounce = max(0.0, opts["debounceMs"] / 1000)
        if isinstance(opts.get("maxDocumentChars"), int):
            self.max_chars = opts["maxDocumentChars"]
        if isinstance(opts.get("incrementalAbove"), int):
            self.incremental_above = opts["incrementalAbove"]
        if isinstance(opts.get("fullCheckDelayMs"), int | float):
            self.full_delay = max(0.0, opts["fullCheckDelayMs"] / 1000)
        root_path = Path(root).resolve() if root else None
        if isinstance(opts.get("glossaryFile"), str):
            target = Path(opts["glossaryFile"]).expanduser()
            if not target.is_absolute() and root_path is not None:
                target = root_path / target
            self.glossary_file = target.resolve()
        extra = [self.glossary_file] if self.glossary_file else []
        self.cache = NormalizerCache(root_path, extra_glossaries=extra)

    def glossary_target(self, document: Path | None) -> Path | None:
        """Where "add to glossary" writes: the option, the config's first glossary, or new file."""
        if self.glossary_file is not None:
            return self.glossary_file
        files = self.cache.glossary_files(document)
        if files:
            return files[0]
        base = self.cache.root or (document.parent if document else None)
        return base / USER_GLOSSARY if base is not None else None

    def warm_up(self) -> None:
        """Build the workspace's Normalizer and run it once, off the event loop.

        The engine loads word lists and models lazily on its first check (seconds); doing that
        right after ``initialized`` keeps it out of the user's first diagnostics.
        """
        root = self.cache.root
        normalizer = self.cache.get(root / "_" if root is not None else None)
        if normalizer is not None:
            normalizer.check("Warm-up: poisoned with «Newbie».. ")

    def shutdown(self) -> None:
        """Stop quickly on exit: drop pending checks instead of waiting for them."""
        for task in [*self.pending.values(), *self.full_pending.values()]:
            task.cancel()
        if self._thread_pool is not None:
            self._thread_pool.shutdown(wait=False, cancel_futures=True)
            self._thread_pool = None  # so pygls does not wait for a check still running
        super().shutdown()

    # -- checking ------------------------------------------------------------------------------

    def check_text(self, path: Path | None, text: str) -> tuple[Report, LineIndex] | None:
        """Run the document's Normalizer (on a worker thread); None when none could be built."""
        normalizer = self.cache.get(path)
        if normalizer is None:
            return None
        if 0 <= self.incremental_above < len(text):
            key = id(normalizer)
            entry = self.paragraphs.get(key)
            if entry is None or entry[0] is not normalizer:
                entry = self.paragraphs[key] = (normalizer, ParagraphCache(normalizer.check))
            return entry[1].check(text), LineIndex(text)
        return normalizer.check(text), LineIndex(text)

    def notes_and_hrefs(self, path: Path | None) -> tuple[dict[str, str], dict[str, str]]:
        """Per rule id: the glossary entry's note, and a link to its glossary file."""
        notes: dict[str, str] = {}
        hrefs: dict[str, str] = {}
        for glossary in self.cache.glossaries(path):
            uri = from_fs_path(str(glossary.path)) if glossary.path != "<memory>" else None
            for entry in glossary.entries:
                if entry.note:
                    notes[entry.rule_id] = entry.note
                if uri:
                    hrefs[entry.rule_id] = uri
        return notes, hrefs

    def diagnostics_for(self, uri: str, checked: _Checked) -> list[lsp.Diagnostic]:
        notes, hrefs = self.notes_and_hrefs(_path(uri))
        return report_diagnostics(
            checked.report,
            checked.index,
            ignored=self.ignored.get(uri, ()),
            notes=notes,
            hrefs=hrefs,
        )

    def schedule(self, uri: str, delay: float) -> None:
        """Check ``uri`` after ``delay`` seconds, replacing a check not yet started."""
        for tasks in (self.pending, self.full_pending):
            old = tasks.pop(uri, None)
            if old is not None:
                old.cancel()
        task = asyncio.get_running_loop().create_task(self._lint(uri, delay))
        self.pending[uri] = task
        task.add_done_callback(
            lambda t: self.pending.pop(uri, None) if self.pending.get(uri) is t else None
        )

    async def _lint(self, uri: str, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        try:
            doc = self.workspace.get_text_document(uri)
            version, text = doc.version, doc.source
        except Exception:  # closed meanwhile, or a URI pygls cannot read
            return
        if len(text) > self.max_chars:
            self.publish(uri, version, [_too_large(len(text), self.max_chars)])
            return
        previous = self.running.get(uri)
        if previous is not None and not previous.done():
            # One check per document at a time: a check cannot be interrupted, and the next one
            # reuses its paragraphs, so waiting is cheaper than running both side by side.
            await asyncio.wait([previous])
            if self.workspace.get_text_document(uri).version != version:
                return
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self.thread_pool, self.check_text, _path(uri), text)
        self.running[uri] = future
        try:
            result = await future
        except Exception as exc:  # an engine bug: say so once, keep serving
            log.exception("checking %s failed", uri)
            self.publish(uri, version, [_internal_error(exc)])
            return
        self.publish_problems()  # this check may have been the first load of its config
        if result is None or self.workspace.get_text_document(uri).version != version:
            return  # a newer version is (or will be) checked: the latest wins
        checked = _Checked(version, *result)
        self.checked[uri] = checked
        self.publish(uri, version, self.diagnostics_for(uri, checked))
        if 0 <= self.incremental_above < len(text):
            full = asyncio.get_running_loop().create_task(self._full(uri, version, text))
            self.full_pending[uri] = full

    async def _full(self, uri: str, version: int | None, text: str) -> None:
        """Once the document rests, check it whole: rules that look across paragraphs (a
        repeated headline) only show here; the paragraph pass gave the fast first answer."""
        await asyncio.sleep(self.full_delay)
        normalizer = self.cache.get(_path(uri))
        if normalizer is None:
            return
        loop = asyncio.get_running_loop()
        try:
            report = await loop.run_in_executor(self.thread_pool, normalizer.check, text)
        except Exception:
            log.exception("whole-document check of %s failed", uri)
            return
        if self.workspace.get_text_document(uri).version != version:
            return
        checked = _Checked(version, report, LineIndex(text))
        self.checked[uri] = checked
        self.publish(uri, version, self.diagnostics_for(uri, checked))

    def publish(self, uri: str, version: int | None, diags: list[lsp.Diagnostic]) -> None:
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diags, version=version)
        )

    def current(self, uri: str) -> _Checked | None:
        """The report for the document as it is now, recomputing if the cached one is stale."""
        doc = self.workspace.get_text_document(uri)
        checked = self.checked.get(uri)
        if checked is not None and checked.report.original == doc.source:
            return checked
        if len(doc.source) > self.max_chars:
            return None
        result = self.check_text(_path(uri), doc.source)
        if result is None:
            return None
        checked = _Checked(doc.version, *result)
        self.checked[uri] = checked
        return checked

    # -- reloads -------------------------------------------------------------------------------

    def reload(self) -> None:
        """Rebuild Normalizers after a glossary or config change; show their problems; recheck."""
        self.cache.reload_all()
        self.paragraphs.clear()
        self.publish_problems()
        self.checked.clear()
        for uri in list(self.workspace.text_documents):
            if not self.is_config_file(uri):
                self.schedule(uri, 0)

    def publish_problems(self) -> None:
        """Show the latest load problems in the glossary/config files; clear the mended ones."""
        by_uri: dict[str, list[lsp.Diagnostic]] = {}
        for problem in self.cache.problems():
            if problem.path:
                uri = from_fs_path(str(Path(problem.path).resolve())) or problem.path
                by_uri.setdefault(uri, []).append(_problem_diagnostic(problem))
        if not by_uri and not self.problem_uris:
            return
        for uri in self.problem_uris - set(by_uri):
            self.publish(uri, None, [])  # mended since: clear
        for uri, diags in by_uri.items():
            self.publish(uri, None, diags)
        self.problem_uris = set(by_uri)

    def is_config_file(self, uri: str) -> bool:
        path = _path(uri)
        return path is not None and path.suffix in {".yaml", ".yml"} and self.cache.is_watched(path)


def _path(uri: str) -> Path | None:
    fs = to_fs_path(uri)
    return Path(fs) if fs else None


def _problem_diagnostic(problem: Any) -> lsp.Diagnostic:
    line, col = max(problem.line - 1, 0), max(problem.column - 1, 0)
    return lsp.Diagnostic(
        range=lsp.Range(lsp.Position(line, col), lsp.Position(line, col + 1)),
        message=problem.message,
        severity=lsp.DiagnosticSeverity.Warning
        if problem.severity == "warning"
        else lsp.DiagnosticSeverity.Error,
        source=SOURCE,
        code="glossary",
    )


def _too_large(size: int, limit: int) -> lsp.Diagnostic:
    return lsp.Diagnostic(
        range=lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)),
        message=f"mtnorm: document not checked ({size} characters; the limit is {limit}, "
        "set initializationOptions.maxDocumentChars to raise it)",
        severity=lsp.DiagnosticSeverity.Information,
        source=SOURCE,
    )


def _internal_error(exc: Exception) -> lsp.Diagnostic:
    return lsp.Diagnostic(
        range=lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)),
        message=f"mtnorm: internal error while checking: {exc!r}",
        severity=lsp.DiagnosticSeverity.Error,
        source=SOURCE,
    )


def create_server(debounce_ms: int | None = None) -> MtnormLanguageServer:
    """A server with every mtnorm feature registered (not started)."""
    from .lsp_features import register

    server = MtnormLanguageServer(debounce_ms)
    register(server)
    return server
