"""The language server: pure conversions and glossary edits, then end to end over stdio.

The end-to-end tests start ``mtnorm lsp`` (via ``normalizer.lsp.main``) as a subprocess and drive it
with pytest-lsp's client, on the seed MT article and the glossary in tests/fixtures/lsp/.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Union

import pytest
import pytest_asyncio
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("pygls")
from lsprotocol import types as lsp  # noqa: E402

from normalizer.edits import Candidate, Edit, Report, Safety, Suggestion, apply_edits  # noqa: E402
from normalizer.errors import GlossaryError, Problem  # noqa: E402
from normalizer.lsp_chunks import ParagraphCache, split_paragraphs  # noqa: E402
from normalizer.lsp_convert import (  # noqa: E402
    FIX_ALL_KIND,
    code_actions,
    diagnostics,
    ignore_key,
    to_range,
)
from normalizer.lsp_glossary_edit import add_to_glossary  # noqa: E402
from normalizer.lsp_workspace import NormalizerCache, find_config  # noqa: E402
from normalizer.spans import LineIndex  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "lsp"
SEED = REPO / "examples" / "navalny-mt.txt"
URI = "file:///doc.txt"


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def apply_text_edits(text: str, edits: list[lsp.TextEdit]) -> str:
    """What a client does with a WorkspaceEdit: ranges are UTF-16, applied back to front."""
    index = LineIndex(text)
    spans = []
    for e in edits:
        start = index.offset_from_utf16(e.range.start.line, e.range.start.character)
        end = index.offset_from_utf16(e.range.end.line, e.range.end.character)
        spans.append((start, end, e.new_text))
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def covered(text: str, d: lsp.Diagnostic) -> str:
    index = LineIndex(text)
    start = index.offset_from_utf16(d.range.start.line, d.range.start.character)
    return text[start : index.offset_from_utf16(d.range.end.line, d.range.end.character)]


def flagged(text: str, diags: list[lsp.Diagnostic], artifact: str) -> bool:
    """Whether some diagnostic's range lies on an occurrence of ``artifact`` (the engine may
    flag the whole of it, or only the part it changes, like one dot of "..")."""
    index = LineIndex(text)
    spans = []
    for d in diags:
        start = index.offset_from_utf16(d.range.start.line, d.range.start.character)
        spans.append((start, index.offset_from_utf16(d.range.end.line, d.range.end.character)))
    at = text.find(artifact)
    while at != -1:
        end = at + len(artifact)
        if any(s < end and e > at or at <= s == e <= end for s, e in spans):
            return True
        at = text.find(artifact, at + 1)
    return False


# -- conversions (no server) --------------------------------------------------------------------


def _report(text: str) -> Report:
    start = text.index("«Newbie»")
    edit = Edit(start, start + 8, "«Newbie»", "Novichok", "g/novichok", "note from engine")
    dots = text.index("..")
    edits = (edit, Edit(dots, dots + 2, "..", ".", "cleanup/double-punctuation"))
    s0 = text.index("Sailor")
    cands = (Candidate("Matrosskaya Tishina", 0.9, "glossary"), Candidate("Sailor's", 0.1, "model"))
    sugg = Suggestion(s0, s0 + 14, "Sailor silence", "suspect/calque", 0.8, cands)
    return Report(text, apply_edits(text, edits), edits, (sugg,))


TEXT = "😀 poisoned with «Newbie» in 𝔐 Sailor silence..\nnext line"


def test_ranges_count_utf16_units_so_an_emoji_does_not_shift_them() -> None:
    report = _report(TEXT)
    diags = diagnostics(report, LineIndex(TEXT), notes={"g/novichok": "Literal MT."})
    first = diags[0]
    assert first.range.start.character == utf16_len(TEXT[: TEXT.index("«")])
    assert first.range.start.character == TEXT.index("«") + 1  # the emoji is two units
    assert covered(TEXT, first) == "«Newbie»"
    assert [covered(TEXT, d) for d in diags] == ["«Newbie»", "Sailor silence", ".."]


def test_diagnostics_name_rule_replacement_note_and_severity() -> None:
    notes = {"g/novichok": "Literal MT of новичок."}
    hrefs = {"g/novichok": "file:///g.yaml"}
    novichok, suspect, dots = diagnostics(_report(TEXT), LineIndex(TEXT), notes=notes, hrefs=hrefs)
    assert (novichok.code, novichok.source) == ("g/novichok", "mtnorm")
    assert "Novichok" in novichok.message and "Literal MT of новичок." in novichok.message
    assert novichok.severity == lsp.DiagnosticSeverity.Warning
    assert novichok.code_description is not None
    assert novichok.code_description.href == "file:///g.yaml"
    assert dots.code_description is None  # no page to link for a cleanup rule
    assert suspect.severity == lsp.DiagnosticSeverity.Information
    assert "Matrosskaya Tishina" in suspect.message


def test_warn_level_edits_are_information_and_stay_out_of_fix_all() -> None:
    text = "a Newbie b"
    edit = Edit(2, 8, "Newbie", "Novichok", "g/n", safety=Safety.SUGGEST)
    report = Report(text, text, (edit,), ())
    (diag,) = diagnostics(report, LineIndex(text))
    assert diag.severity == lsp.DiagnosticSeverity.Information
    kinds = [a.kind for a in code_actions(URI, report, LineIndex(text), 0, len(text))]
    assert FIX_ALL_KIND not in kinds


def test_code_actions_quick_fix_each_candidate_and_fix_all() -> None:
    report = _report(TEXT)
    index = LineIndex(TEXT)
    s = TEXT.index("Sailor")
    actions = code_actions(URI, report, index, s, s)
    titles = [a.title for a in actions]
    assert sum("Matrosskaya Tishina" in t and t.startswith("Replace") for t in titles) == 1
    assert sum("Sailor's" in t and t.startswith("Replace") for t in titles) == 1
    assert any(t.startswith("Add") and "Matrosskaya Tishina" in t for t in titles)
    assert any(t.startswith("Ignore suspect/calque") for t in titles)
    assert not any("Novichok" in t for t in titles[:-1])  # outside the requested range
    fix_all = actions[-1]
    assert fix_all.kind == FIX_ALL_KIND
    assert apply_text_edits(TEXT, fix_all.edit.changes[URI]) == report.text


def test_only_filters_kinds_and_ignore_hides_a_finding() -> None:
    report = _report(TEXT)
    index = LineIndex(TEXT)
    only_fix_all = code_actions(URI, report, index, 0, len(TEXT), only=["source"])
    assert [a.kind for a in only_fix_all] == [FIX_ALL_KIND]
    quick = code_actions(URI, report, index, 0, len(TEXT), only=[lsp.CodeActionKind.QuickFix])
    assert quick and all(a.kind == lsp.CodeActionKind.QuickFix for a in quick)
    n = TEXT.index("«")
    key = ignore_key(TEXT, n, n + 8, "g/novichok")
    assert key.line == TEXT.splitlines()[0]
    codes = [d.code for d in diagnostics(report, index, ignored={key})]
    assert codes == ["suspect/calque", "cleanup/double-punctuation"]
    fix_all = code_actions(URI, report, index, 0, 0, only=[FIX_ALL_KIND], ignored={key})[0]
    assert "«Newbie»" in apply_text_edits(TEXT, fix_all.edit.changes[URI])


def test_to_range_on_crlf_and_astral_characters() -> None:
    text = "a\r\n𝔐b"
    r = to_range(LineIndex(text), 4, 5)
    assert (r.start.line, r.start.character, r.end.character) == (1, 2, 3)


# -- add to glossary ----------------------------------------------------------------------------

GLOSSARY = """\
# House glossary: keep this comment
name: house   # trailing comment
entries:
  # weapons
  - term: Novichok
    variants: [Newbie]   # literal MT
    note: Literal.

  - term: Matrosskaya Tishina
    variants:
      - Sailor silence
"""


def test_add_variant_and_entry_keep_comments_and_layout(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text(GLOSSARY, encoding="utf-8")
    assert add_to_glossary(path, "Novichok", "Beginner") == "variant"
    assert add_to_glossary(path, "Matrosskaya Tishina", "Sailors silence") == "variant"
    assert add_to_glossary(path, "Lefortovo", "Lefort", note="prison") == "entry"
    assert add_to_glossary(path, "Novichok", "newbie") == "present"
    new = path.read_text(encoding="utf-8").splitlines()
    old = GLOSSARY.splitlines()
    untouched = [line for line in old if "Newbie" not in line]
    assert all(line in new for line in untouched)  # comments, blank line, layout
    assert any("[Newbie, Beginner]" in line and "# literal MT" in line for line in new)
    assert new[new.index("      - Sailor silence") + 1] == "      - Sailors silence"
    assert new[-3:] == ["  - term: Lefortovo", "    variants: [Lefort]", "    note: prison"]


def test_add_to_glossary_creates_a_file_and_rejects_broken_yaml(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "user.yaml"
    assert add_to_glossary(path, "Novichok", "Newbie") == "entry"
    assert "name: user" in path.read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nentries: [\n", encoding="utf-8")
    with pytest.raises(GlossaryError) as info:
        add_to_glossary(bad, "A", "B")
    assert info.value.problems[0].path == str(bad)
    assert bad.read_text(encoding="utf-8") == "name: x\nentries: [\n"


# -- workspace state ----------------------------------------------------------------------------


def test_config_lookup_and_last_good_normalizer(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("glossaries: [g.yaml]\n", encoding="utf-8")
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert find_config(tmp_path / "a" / "b") == tmp_path / "config.yaml"
    outcomes: list[Any] = ["first", GlossaryError(problems=[Problem("g.yaml", 3, 5, "bad")])]

    def factory(config: Path | None, extra: Any, start: Any) -> Any:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    cache = NormalizerCache(tmp_path, factory=factory)
    assert cache.get(tmp_path / "a" / "b" / "doc.txt") == "first"
    result = cache.reload_all()[tmp_path / "config.yaml"]
    assert result.failed and result.normalizer == "first"
    assert [(p.line, p.column) for p in cache.problems()] == [(3, 5)]
    assert cache.is_watched(tmp_path / "config.yaml")


@given(st.text(alphabet="ab \n\t\r", max_size=60))
def test_paragraphs_tile_the_text(text: str) -> None:
    spans = split_paragraphs(text)
    assert "".join(text[a:b] for a, b in spans) == text
    assert all(a < b for a, b in spans) or text == ""


def test_paragraph_cache_rechecks_only_changed_paragraphs() -> None:
    calls: list[str] = []

    def check(text: str) -> Report:
        calls.append(text)
        at = text.find("Newbie")
        edits = (Edit(at, at + 6, "Newbie", "Novichok", "g/n"),) if at >= 0 else ()
        return Report(text, text, edits)

    cache = ParagraphCache(check)
    text = "poison Newbie.\n\nOther.\n\n😀 Newbie again\n"
    first = cache.check(text)
    assert [text[e.start : e.end] for e in first.edits] == ["Newbie", "Newbie"]
    calls.clear()
    edited = text.replace("Other.", "Other, longer.")
    second = cache.check(edited)
    assert calls == ["Other, longer.\n\n"]
    assert [edited[e.start : e.end] for e in second.edits] == ["Newbie", "Newbie"]


def test_paragraph_checks_equal_a_whole_check_on_the_seed_article() -> None:
    pytest.importorskip("normalizer.engine")
    from normalizer import Normalizer

    normalizer = Normalizer.from_config(FIXTURE / "config.yaml")
    text = SEED.read_text(encoding="utf-8")
    whole_report = normalizer.check(text)
    chunked = ParagraphCache(normalizer.check).check(text)
    assert whole_report.edits and set(chunked.edits) == set(whole_report.edits)
    # Rules that look across paragraphs (a repeated headline) are left to the server's idle
    # whole-document pass; the paragraph pass never invents a finding.
    assert set(chunked.suggestions) <= set(whole_report.suggestions)


def test_editor_snippets_start_the_server_and_name_the_fix_all_kind() -> None:
    import tomllib

    editors = REPO / "editors"
    helix = tomllib.loads((editors / "helix" / "languages.toml").read_text(encoding="utf-8"))
    server = helix["language-server"]["mtnorm"]
    assert (server["command"], server["args"]) == ("mtnorm", ["lsp"])
    assert all("mtnorm" in lang["language-servers"] for lang in helix["language"])
    for name in ("neovim/mtnorm.lua", "neovim/lspconfig.lua", "emacs/mtnorm-eglot.el"):
        body = (editors / name).read_text(encoding="utf-8")
        assert "'mtnorm', 'lsp'" in body or '"mtnorm" "lsp"' in body, name
    vscode = (editors / "vscode" / "settings.json").read_text(encoding="utf-8")
    assert '"glspc.serverCommandArguments": ["lsp"]' in vscode
    for name in ("neovim/mtnorm.lua", "vscode/settings.json", "emacs/mtnorm-eglot.el"):
        assert FIX_ALL_KIND in (editors / name).read_text(encoding="utf-8"), name


def test_missing_extra_gives_an_install_hint(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    from normalizer import lsp as entry

    monkeypatch.setitem(sys.modules, "pygls", None)
    assert entry.main([]) == 2
    assert "pip install 'mtnorm[lsp]'" in capsys.readouterr().err


# -- end to end over stdio ----------------------------------------------------------------------

SERVER = "import sys; from normalizer.lsp import main; sys.exit(main(sys.argv[1:]))"


def make_client() -> Any:
    """pytest-lsp's client, also recording each document's published version and registrations."""
    from pygls.protocol import default_converter
    from pytest_lsp import LanguageClient
    from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

    # pygls passes the client to a handler whose first parameter is named ``ls``.
    def published(ls: Any, params: lsp.PublishDiagnosticsParams) -> None:
        ls.diagnostics[params.uri] = params.diagnostics
        ls.versions[params.uri] = params.version

    def register(ls: Any, params: lsp.RegistrationParams) -> None:
        ls.registrations.append(params)

    def converter() -> Any:
        # lsprotocol decodes any code action that has a "command" as a bare Command; the spec
        # (and every editor) tells them apart by whether "command" is a string.
        conv = default_converter()

        def action(obj: Any, _: Any) -> Any:
            kind = lsp.Command if isinstance(obj.get("command"), str) else lsp.CodeAction
            return conv.structure(obj, kind)

        conv.register_structure_hook(lsp.Command | lsp.CodeAction, action)
        conv.register_structure_hook(Union[lsp.Command, lsp.CodeAction], action)  # noqa: UP007
        return conv

    client = LanguageClient(converter_factory=converter)
    client.versions, client.registrations = {}, []
    features = {
        **DEFAULT_CLIENT_FEATURES,
        lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: published,
        lsp.CLIENT_REGISTER_CAPABILITY: register,
    }
    register_lsp_features(client, features)
    return client


@asynccontextmanager
async def session(root: Path, **options: Any) -> AsyncIterator[Any]:
    """A started and initialized server on ``root``; shut down and stopped on exit."""
    from pytest_lsp import client_capabilities

    client = make_client()
    # Run from the workspace (as editors do), importing this checkout's package.
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    await client.start_io(sys.executable, "-c", SERVER, cwd=str(root), env=env)
    try:
        await client.initialize_session(
            lsp.InitializeParams(
                capabilities=client_capabilities("visual-studio-code"),
                root_uri=root.as_uri(),
                workspace_folders=[lsp.WorkspaceFolder(root.as_uri(), root.name)],
                initialization_options={"debounceMs": 20, **options},
            )
        )
        yield client
        await asyncio.wait_for(client.shutdown_session(), 20)
    finally:
        server = client._server  # after a failed assertion: do not wait for a polite exit
        if server is not None and server.returncode is None:
            server.kill()
        await client.stop()


# The engine loads its word lists on the first check (seconds on a busy machine): one server
# serves every end-to-end test, and the first diagnostics get a generous wait.
E2E = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("normalizer.engine")
    root = tmp_path_factory.mktemp("lsp") / "ws"
    shutil.copytree(FIXTURE, root)
    return root


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client(workspace: Path) -> AsyncIterator[Any]:
    async with session(workspace, maxDocumentChars=1_000_000) as c:
        yield c


async def diagnostics_for(client: Any, uri: str, version: int | None = None) -> list[Any]:
    """Wait until diagnostics for ``uri`` (at ``version``, if given) have arrived."""
    for _ in range(1200):
        if uri in client.diagnostics and (version is None or client.versions[uri] == version):
            return list(client.diagnostics[uri])
        await asyncio.sleep(0.025)
    raise AssertionError(f"no diagnostics for {uri} (version {version})")


def open_doc(client: Any, uri: str, text: str, version: int = 1) -> None:
    item = lsp.TextDocumentItem(uri=uri, language_id="plaintext", version=version, text=text)
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(item))


async def actions(client: Any, uri: str, rng: lsp.Range, only: list[str] | None = None) -> list:
    params = lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri),
        range=rng,
        context=lsp.CodeActionContext(diagnostics=[], only=only),
    )
    return list(await client.text_document_code_action_async(params) or [])


def command_of(action: lsp.CodeAction) -> dict[str, Any]:
    assert isinstance(action, lsp.CodeAction) and action.command is not None
    return {"command": action.command.command, "arguments": action.command.arguments}


def send_raw(client: Any, body: bytes) -> None:
    """Write one framed message as is, bypassing the client's (validating) encoder."""
    client.protocol.writer.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))


def whole(text: str) -> lsp.Range:
    index = LineIndex(text)
    return to_range(index, 0, len(text))


@E2E
async def test_seed_article_diagnostics_and_fix_all_equal_normalizer_fix(
    client: Any, workspace: Path
) -> None:
    from normalizer import Normalizer

    text = SEED.read_text(encoding="utf-8")
    uri = (workspace / "navalny-mt.txt").as_uri()
    open_doc(client, uri, text)
    diags = await diagnostics_for(client, uri, 1)
    for artifact in ("«Newbie»", "«Sailor silence»", "Companions", "&# 160;", ".."):
        assert flagged(text, diags, artifact), artifact
    assert all(d.source == "mtnorm" and d.code for d in diags)
    fix_all = await actions(client, uri, whole(text), only=["source.fixAll"])
    assert [a.kind for a in fix_all] == [FIX_ALL_KIND]
    expected = Normalizer.from_config(workspace / "config.yaml").fix(text).text
    assert expected != text
    assert apply_text_edits(text, fix_all[0].edit.changes[uri]) == expected
    # The per-diagnostic quick fixes, applied together, give the same text.
    quick = []
    for d in diags:
        for a in await actions(client, uri, d.range, only=["quickfix"]):
            if isinstance(a, lsp.CodeAction) and a.is_preferred and a.edit is not None:
                quick += [e for e in a.edit.changes[uri] if e not in quick]
    assert apply_text_edits(text, quick) == expected


@E2E
async def test_emoji_before_newbie_and_latest_change_wins(client: Any, workspace: Path) -> None:
    uri = (workspace / "emoji.txt").as_uri()
    text = "😀😀 She was poisoned with «Newbie».\n"
    open_doc(client, uri, text)
    (diag,) = [d for d in await diagnostics_for(client, uri, 1) if "novichok" in str(d.code)]
    assert diag.range.start.character == utf16_len(text[: text.index("«")])
    assert covered(text, diag) == "«Newbie»"
    # Three quick full-text changes: only the last one's findings may be published last.
    for version, new in ((2, "nothing here\n"), (3, "😀 «Newbie» «Newbie» poison\n")):
        change = lsp.TextDocumentContentChangeWholeDocument(text=new)
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                lsp.VersionedTextDocumentIdentifier(uri=uri, version=version), [change]
            )
        )
    final = await diagnostics_for(client, uri, 3)
    await asyncio.sleep(0.3)
    assert client.versions[uri] == 3  # nothing older was published after it
    assert [covered(new, d) for d in final if "novichok" in str(d.code)] == ["«Newbie»"] * 2


@E2E
async def test_ignore_here_and_add_to_glossary_reload(client: Any, workspace: Path) -> None:
    uri = (workspace / "doc.txt").as_uri()
    text = "Companions of Navalny met. He was held in Lefortovsky isolator.\n"
    open_doc(client, uri, text)
    diags = await diagnostics_for(client, uri, 1)
    allies = next(d for d in diags if d.code == "lsp-test/allies")
    found = await actions(client, uri, allies.range, only=["quickfix"])
    ignore = next(command_of(a) for a in found if a.title.startswith("Ignore"))
    client.diagnostics.pop(uri)
    await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(ignore["command"], ignore["arguments"])
    )
    assert "lsp-test/allies" not in [d.code for d in await diagnostics_for(client, uri)]
    glossary = workspace / "glossary" / "lsp-test.yaml"
    before = glossary.read_text(encoding="utf-8")
    client.diagnostics.pop(uri)
    args = [{"uri": uri, "term": "Lefortovo", "variant": "Lefortovsky isolator"}]
    done = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams("mtnorm.addToGlossary", args)
    )
    assert done == "entry"
    after = glossary.read_text(encoding="utf-8")
    assert after.startswith(before) and "Lefortovsky isolator" in after
    rechecked = await diagnostics_for(client, uri)
    assert "Lefortovsky isolator" in {covered(text, d) for d in rechecked}


@E2E
async def test_bad_glossary_is_a_diagnostic_in_that_file_and_the_last_good_one_stays(
    client: Any, workspace: Path
) -> None:
    uri = (workspace / "bad.txt").as_uri()
    text = "She was poisoned with «Newbie».\n"
    glossary = workspace / "glossary" / "lsp-test.yaml"
    good = glossary.read_text(encoding="utf-8")
    assert client.registrations  # the server asked the client to watch glossaries
    open_doc(client, uri, text)
    assert await diagnostics_for(client, uri, 1)
    glossary.write_text(good.replace("    variants: [Newbie]", "    variants: [Newbie"))
    changed = lsp.FileEvent(uri=glossary.as_uri(), type=lsp.FileChangeType.Changed)
    client.diagnostics.pop(uri)
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams([changed]))
    problems = await diagnostics_for(client, glossary.as_uri())
    assert problems and problems[0].severity == lsp.DiagnosticSeverity.Error
    assert problems[0].range.start.line > 0  # located, not just "somewhere in the file"
    still = await diagnostics_for(client, uri, 1)
    assert "«Newbie»" in [covered(text, d) for d in still]
    glossary.write_text(good)
    client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams([changed]))
    for _ in range(100):
        if not client.diagnostics[glossary.as_uri()]:
            break
        await asyncio.sleep(0.02)
    assert list(client.diagnostics[glossary.as_uri()]) == []


@E2E
async def test_huge_document_and_bad_requests_do_not_kill_the_server(
    client: Any, workspace: Path
) -> None:
    uri = (workspace / "huge.txt").as_uri()
    huge = "poisoned with «Newbie». " * 120_000  # ~2.9 million characters
    open_doc(client, uri, huge)
    (note,) = await diagnostics_for(client, uri, 1)
    assert "not checked" in note.message
    # Malformed JSON, a request with the wrong shape, a bad command: errors, not a crash.
    send_raw(client, b"{not json}")
    send_raw(
        client,
        b'{"jsonrpc": "2.0", "id": 9001, "method": "textDocument/codeAction", '
        b'"params": {"textDocument": 5}}',
    )
    with pytest.raises(Exception):  # noqa: B017 - the JSON-RPC error type is pygls' business
        await client.workspace_execute_command_async(
            lsp.ExecuteCommandParams("mtnorm.ignore", ["not an object"])
        )
    small = (workspace / "small.txt").as_uri()
    open_doc(client, small, "poisoned with «Newbie»\n")
    assert await diagnostics_for(client, small, 1)


@E2E
async def test_a_glossary_broken_from_the_start_shows_in_its_file(
    workspace: Path, tmp_path: Path
) -> None:
    root = tmp_path / "broken"
    shutil.copytree(FIXTURE, root)
    glossary = root / "glossary" / "lsp-test.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8") + "  - term: [\n", encoding="utf-8")
    async with session(root) as fresh:
        open_doc(fresh, (root / "doc.txt").as_uri(), "poisoned with «Newbie»\n")
        problems = await diagnostics_for(fresh, glossary.resolve().as_uri())
        assert problems and problems[0].source == "mtnorm"
        assert problems[0].range.start.line >= 20  # at the broken line, near the end
