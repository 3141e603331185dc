"""Reports to LSP values: diagnostics and code actions, positions in UTF-16 code units.

Offsets stay code points (the engine's unit) until this edge, where :class:`LineIndex` turns them
into 0-based UTF-16 positions; an emoji (two UTF-16 units, one code point) before "Newbie"
therefore cannot shift a range. Pure functions over ``lsprotocol`` types: no server state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp

from .edits import Edit, Report, Safety, Suggestion, select_non_overlapping
from .spans import LineIndex

__all__ = [
    "ADD_TO_GLOSSARY",
    "FIX_ALL_KIND",
    "IGNORE",
    "SOURCE",
    "IgnoreKey",
    "code_actions",
    "diagnostics",
    "edit_diagnostic",
    "fix_all_action",
    "ignore_key",
    "suggestion_diagnostic",
    "to_range",
]

SOURCE = "mtnorm"
FIX_ALL_KIND = "source.fixAll.mtnorm"
IGNORE = "mtnorm.ignore"
ADD_TO_GLOSSARY = "mtnorm.addToGlossary"


@dataclass(frozen=True, slots=True)
class IgnoreKey:
    """One ignored finding: its rule, its text, and the whole line it stands on.

    Keyed by the line's content rather than an offset so the ignore survives edits elsewhere in
    the document, and lapses (the finding comes back) when that line itself is rewritten.
    """

    rule: str
    text: str
    line: str


def ignore_key(text: str, start: int, end: int, rule: str) -> IgnoreKey:
    """The ignore key of the finding ``text[start:end]`` made by ``rule``."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : len(text) if line_end == -1 else line_end]
    return IgnoreKey(rule, text[start:end], line.rstrip("\r"))


def to_range(index: LineIndex, start: int, end: int) -> lsp.Range:
    """The LSP range (UTF-16) of a half-open code-point span."""
    sl, sc = index.utf16_position(start)
    el, ec = index.utf16_position(end)
    return lsp.Range(lsp.Position(sl, sc), lsp.Position(el, ec))


def _quote(s: str) -> str:
    return f"“{s}”"


def _entry_suffix(rule: str, notes: Mapping[str, str]) -> str:
    note = notes.get(rule, "")
    return f": {note}" if note else ""


def _href(rule: str, hrefs: Mapping[str, str]) -> lsp.CodeDescription | None:
    href = hrefs.get(rule)
    return lsp.CodeDescription(href=href) if href else None


def edit_diagnostic(
    edit: Edit, index: LineIndex, notes: Mapping[str, str], hrefs: Mapping[str, str]
) -> lsp.Diagnostic:
    """A diagnostic for an edit: Warning when ``fix`` applies it, Information when it only warns."""
    if edit.new:
        what = f"Replace {_quote(edit.old)} with {_quote(edit.new)}"
    else:
        what = f"Remove {_quote(edit.old)}"
    detail = _entry_suffix(edit.rule, notes) or (f": {edit.message}" if edit.message else "")
    severity = (
        lsp.DiagnosticSeverity.Warning
        if edit.safety is Safety.FIX
        else lsp.DiagnosticSeverity.Information
    )
    return lsp.Diagnostic(
        range=to_range(index, edit.start, edit.end),
        message=f"{what}{detail}",
        severity=severity,
        code=edit.rule,
        code_description=_href(edit.rule, hrefs),
        source=SOURCE,
        data={"kind": "edit", "start": edit.start, "end": edit.end, "new": edit.new},
    )


def suggestion_diagnostic(
    s: Suggestion, index: LineIndex, notes: Mapping[str, str], hrefs: Mapping[str, str]
) -> lsp.Diagnostic:
    """A diagnostic for a report-only finding: suspects are hints unless they score high."""
    names = ", ".join(_quote(c.text) for c in s.candidates[:3])
    what = s.message or f"Possible MT artifact {_quote(s.text)}"
    if names:
        what += f" (maybe {names})"
    what += _entry_suffix(s.rule, notes)
    suspect = s.rule.startswith("suspect/")
    severity = (
        lsp.DiagnosticSeverity.Hint
        if suspect and s.score < 0.5
        else lsp.DiagnosticSeverity.Information
    )
    return lsp.Diagnostic(
        range=to_range(index, s.start, s.end),
        message=what,
        severity=severity,
        code=s.rule,
        code_description=_href(s.rule, hrefs),
        source=SOURCE,
        data={"kind": "suggestion", "start": s.start, "end": s.end},
    )


def _visible(report: Report, ignored: Iterable[IgnoreKey]) -> tuple[list[Edit], list[Suggestion]]:
    skip = set(ignored)
    text = report.original
    edits = [e for e in report.edits if ignore_key(text, e.start, e.end, e.rule) not in skip]
    suggestions = [
        s for s in report.suggestions if ignore_key(text, s.start, s.end, s.rule) not in skip
    ]
    return edits, suggestions


def diagnostics(
    report: Report,
    index: LineIndex,
    *,
    ignored: Iterable[IgnoreKey] = (),
    notes: Mapping[str, str] | None = None,
    hrefs: Mapping[str, str] | None = None,
    limit: int = 5000,
) -> list[lsp.Diagnostic]:
    """Diagnostics of a report, sorted by position; at most ``limit`` (editors choke on more)."""
    notes, hrefs = notes or {}, hrefs or {}
    edits, suggestions = _visible(report, ignored)
    spans: list[tuple[int, int, Edit | Suggestion]] = [(e.start, e.end, e) for e in edits]
    spans += [(s.start, s.end, s) for s in suggestions]
    spans.sort(key=lambda t: (t[0], t[1]))
    out: list[lsp.Diagnostic] = []
    for _, _, finding in spans[:limit]:
        if isinstance(finding, Edit):
            out.append(edit_diagnostic(finding, index, notes, hrefs))
        else:
            out.append(suggestion_diagnostic(finding, index, notes, hrefs))
    return out


def _text_edit_action(
    title: str, uri: str, index: LineIndex, start: int, end: int, new: str, preferred: bool
) -> lsp.CodeAction:
    change = lsp.TextEdit(range=to_range(index, start, end), new_text=new)
    return lsp.CodeAction(
        title=title,
        kind=lsp.CodeActionKind.QuickFix,
        edit=lsp.WorkspaceEdit(changes={uri: [change]}),
        is_preferred=preferred or None,
    )


def fix_all_action(
    uri: str, report: Report, index: LineIndex, ignored: Iterable[IgnoreKey] = ()
) -> lsp.CodeAction | None:
    """The "Fix all mtnorm findings" source action: every edit ``fix`` would apply, at once."""
    edits, _ = _visible(report, ignored)
    kept, _ = select_non_overlapping(e for e in edits if e.safety is Safety.FIX)
    if not kept:
        return None
    changes = [lsp.TextEdit(range=to_range(index, e.start, e.end), new_text=e.new) for e in kept]
    return lsp.CodeAction(
        title="Fix all mtnorm findings",
        kind=FIX_ALL_KIND,
        edit=lsp.WorkspaceEdit(changes={uri: changes}),
    )


def _wanted(kind: str, only: Sequence[str] | None) -> bool:
    # LSP: a requested kind matches itself and every kind below it ("source" covers fixAll).
    return not only or any(kind == k or kind.startswith(k + ".") for k in only)


def _overlaps(start: int, end: int, lo: int, hi: int) -> bool:
    return start <= hi and lo <= end


def _ignore_action(uri: str, report: Report, start: int, end: int, rule: str) -> lsp.CodeAction:
    key = ignore_key(report.original, start, end, rule)
    return lsp.CodeAction(
        title=f"Ignore {rule} here",
        kind=lsp.CodeActionKind.QuickFix,
        command=lsp.Command(
            title="Ignore here",
            command=IGNORE,
            arguments=[{"uri": uri, "rule": key.rule, "text": key.text, "line": key.line}],
        ),
    )


def _add_action(uri: str, term: str, variant: str, target: Path | None) -> lsp.CodeAction:
    where = f" ({target.name})" if target is not None else ""
    return lsp.CodeAction(
        title=f"Add {_quote(variant)} → {_quote(term)} to the glossary{where}",
        kind=lsp.CodeActionKind.QuickFix,
        command=lsp.Command(
            title="Add to glossary",
            command=ADD_TO_GLOSSARY,
            arguments=[{"uri": uri, "term": term, "variant": variant}],
        ),
    )


def _edit_actions(uri: str, report: Report, index: LineIndex, e: Edit) -> list[lsp.CodeAction]:
    title = f"Replace {_quote(e.old)} with {_quote(e.new)}" if e.new else f"Remove {_quote(e.old)}"
    return [
        _text_edit_action(
            f"{title} ({e.rule})", uri, index, e.start, e.end, e.new, e.safety is Safety.FIX
        ),
        _ignore_action(uri, report, e.start, e.end, e.rule),
    ]


def _suggestion_actions(
    uri: str, report: Report, index: LineIndex, s: Suggestion, target: Path | None
) -> list[lsp.CodeAction]:
    out = [
        _text_edit_action(
            f"Replace {_quote(s.text)} with {_quote(c.text)} ({c.origin}, {c.score:.2f})",
            uri,
            index,
            s.start,
            s.end,
            c.text,
            False,
        )
        for c in s.candidates
    ]
    if s.rule.startswith("suspect/"):
        variant = s.text.strip('«»“”„"‹› ')
        out += [_add_action(uri, c.text, variant, target) for c in s.candidates[:3]]
    out.append(_ignore_action(uri, report, s.start, s.end, s.rule))
    return out


def code_actions(
    uri: str,
    report: Report,
    index: LineIndex,
    lo: int,
    hi: int,
    *,
    only: Sequence[str] | None = None,
    ignored: Iterable[IgnoreKey] = (),
    glossary_target: Path | None = None,
) -> list[Any]:
    """Code actions for findings overlapping ``[lo, hi]`` plus the fix-all source action."""
    ignored = set(ignored)
    edits, suggestions = _visible(report, ignored)
    out: list[lsp.CodeAction] = []
    if _wanted(lsp.CodeActionKind.QuickFix, only):
        for e in edits:
            if _overlaps(e.start, e.end, lo, hi):
                out += _edit_actions(uri, report, index, e)
        for s in suggestions:
            if _overlaps(s.start, s.end, lo, hi):
                out += _suggestion_actions(uri, report, index, s, glossary_target)
    if _wanted(FIX_ALL_KIND, only):
        fix_all = fix_all_action(uri, report, index, ignored)
        if fix_all is not None:
            out.append(fix_all)
    return out
