"""The LSP methods mtnorm answers, registered on a :class:`MtnormLanguageServer`.

Kept apart from the server's state so each handler stays a few lines: find the document, ask the
server, answer. Handlers never raise for a user's data; a request pygls cannot decode gets a
JSON-RPC error from pygls and the server carries on.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp

from .errors import MtnormError
from .lsp_convert import ADD_TO_GLOSSARY, FIX_ALL_KIND, IGNORE, IgnoreKey, code_actions
from .lsp_glossary_edit import add_to_glossary
from .lsp_server import MtnormLanguageServer, _path

__all__ = ["register"]

log = logging.getLogger(__name__)

_WATCH_GLOBS = ("**/config.yaml", "**/*.yaml", "**/*.yml")


def _register_documents(ls: MtnormLanguageServer) -> None:
    @ls.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: MtnormLanguageServer, params: lsp.DidOpenTextDocumentParams) -> None:
        if not ls.is_config_file(params.text_document.uri):
            ls.schedule(params.text_document.uri, 0)

    @ls.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: MtnormLanguageServer, params: lsp.DidChangeTextDocumentParams) -> None:
        if not ls.is_config_file(params.text_document.uri):
            ls.schedule(params.text_document.uri, ls.debounce)

    @ls.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: MtnormLanguageServer, params: lsp.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        path = _path(uri)
        if path is not None and path.suffix in {".yaml", ".yml"} and ls.cache.is_watched(path):
            ls.reload()
        else:
            ls.schedule(uri, 0)

    @ls.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: MtnormLanguageServer, params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        for tasks in (ls.pending, ls.full_pending):
            task = tasks.pop(uri, None)
            if task is not None:
                task.cancel()
        ls.checked.pop(uri, None)
        ls.ignored.pop(uri, None)
        if uri not in ls.problem_uris:
            ls.publish(uri, None, [])


def _register_lifecycle(ls: MtnormLanguageServer) -> None:
    @ls.feature(lsp.INITIALIZE)
    def initialize(ls: MtnormLanguageServer, params: lsp.InitializeParams) -> None:
        root = ls.workspace.root_path
        ls.configure(params.initialization_options, root)

    @ls.feature(lsp.INITIALIZED)
    async def initialized(ls: MtnormLanguageServer, params: lsp.InitializedParams) -> None:
        asyncio.get_running_loop().create_task(_warm_up(ls))
        ws = ls.client_capabilities.workspace
        watch = ws.did_change_watched_files if ws is not None else None
        if watch is None or not watch.dynamic_registration:
            return  # the client does not watch for us: didSave of glossaries still reloads
        options = lsp.DidChangeWatchedFilesRegistrationOptions(
            watchers=[lsp.FileSystemWatcher(glob_pattern=g) for g in _WATCH_GLOBS]
        )
        registration = lsp.Registration(
            id="mtnorm-watch",
            method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=options,
        )
        ls.client_register_capability(lsp.RegistrationParams(registrations=[registration]))

    @ls.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: MtnormLanguageServer, params: lsp.DidChangeWatchedFilesParams) -> None:
        paths = [_path(change.uri) for change in params.changes]
        if any(p is not None and ls.cache.is_watched(p) for p in paths):
            ls.reload()


def _register_actions(ls: MtnormLanguageServer) -> None:
    kinds = [lsp.CodeActionKind.QuickFix, FIX_ALL_KIND]

    @ls.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(code_action_kinds=kinds))
    def code_action(ls: MtnormLanguageServer, params: lsp.CodeActionParams) -> list[Any] | None:
        uri = params.text_document.uri
        if ls.is_config_file(uri):
            return None  # a glossary is not translated text
        checked = ls.current(uri)
        if checked is None:
            return None
        lo = checked.index.offset_from_utf16(params.range.start.line, params.range.start.character)
        hi = checked.index.offset_from_utf16(params.range.end.line, params.range.end.character)
        return code_actions(
            uri,
            checked.report,
            checked.index,
            lo,
            hi,
            only=params.context.only,
            ignored=ls.ignored.get(uri, ()),
            glossary_target=ls.glossary_target(_path(uri)),
        )


def _register_commands(ls: MtnormLanguageServer) -> None:
    @ls.command(IGNORE)
    def ignore(ls: MtnormLanguageServer, *args: Any) -> bool:
        spec = _argument(args, ("uri", "rule", "text", "line"))
        uri = spec["uri"]
        ls.ignored.setdefault(uri, set()).add(IgnoreKey(spec["rule"], spec["text"], spec["line"]))
        checked = ls.checked.get(uri)
        if checked is not None:
            ls.publish(uri, checked.version, ls.diagnostics_for(uri, checked))
        return True

    @ls.command(ADD_TO_GLOSSARY)
    def add(ls: MtnormLanguageServer, *args: Any) -> str:
        spec = _argument(args, ("uri", "term", "variant"))
        target = ls.glossary_target(_path(spec["uri"]))
        if target is None:
            raise ValueError("no glossary file to write to: set initializationOptions.glossaryFile")
        try:
            done = add_to_glossary(Path(target), spec["term"], spec["variant"])
        except MtnormError as exc:
            ls.window_show_message(lsp.ShowMessageParams(lsp.MessageType.Error, str(exc)))
            return "error"
        if target not in ls.cache.extra_glossaries and target not in ls.cache.glossary_files(
            _path(spec["uri"])
        ):
            ls.cache.extra_glossaries = (*ls.cache.extra_glossaries, target)
        ls.reload()
        return done


async def _warm_up(ls: MtnormLanguageServer) -> None:
    try:
        await asyncio.get_running_loop().run_in_executor(ls.thread_pool, ls.warm_up)
    except Exception:  # a warm-up that fails is retried by the first real check
        log.exception("warm-up failed")
    ls.publish_problems()  # a glossary that does not load shows at once, in its own file


def _argument(args: tuple[Any, ...], keys: tuple[str, ...]) -> dict[str, str]:
    """The single object argument of a command, checked (a bad call is the client's error)."""
    if len(args) != 1 or not isinstance(args[0], dict):
        raise ValueError(f"expected one object argument with {', '.join(keys)}")
    spec = args[0]
    missing = [k for k in keys if not isinstance(spec.get(k), str)]
    if missing:
        raise ValueError(f"missing or non-string argument(s): {', '.join(missing)}")
    return spec


def register(ls: MtnormLanguageServer) -> None:
    """Register every mtnorm feature and command on ``ls``."""
    _register_lifecycle(ls)
    _register_documents(ls)
    _register_actions(ls)
    _register_commands(ls)
