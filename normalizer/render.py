"""Reports as text lines, JSON (interfaces spec) and SARIF 2.1.0 for CI code scanning."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .edits import Edit, Report, Suggestion
from .spans import LineIndex

__all__ = ["Named", "finding_lines", "to_json", "to_sarif"]


@dataclass(frozen=True, slots=True)
class Named:
    """A report with the name of its input ("-" or "<stdin>" for standard input)."""

    path: str
    report: Report


def _line_index(report: Report) -> Any:
    """Line/column lookup: a streamed file's report brings its own (it keeps no text)."""
    return getattr(report, "positions", None) or LineIndex(report.original)


def _findings(report: Report) -> list[Edit | Suggestion]:
    items: list[Edit | Suggestion] = [*report.edits, *report.suggestions]
    return sorted(items, key=lambda f: (f.start, f.end, f.rule))


def _describe(f: Edit | Suggestion) -> str:
    if isinstance(f, Edit):
        return f"{f.message or 'replace'} [fix: {f.old!r} -> {f.new!r}]"
    cands = ", ".join(repr(c.text) for c in f.candidates[:3])
    tail = f" [suggest: {cands}]" if cands else ""
    return f"{f.message or 'suspect ' + repr(f.text)} (score {f.score:.2f}){tail}"


def finding_lines(named: Named) -> list[str]:
    """``path:line:col: rule-id message`` lines, sorted by position."""
    index = _line_index(named.report)
    out = []
    for f in _findings(named.report):
        line, col = index.line_col(f.start)
        out.append(f"{named.path}:{line}:{col}: {f.rule} {_describe(f)}")
    return out


def _edit_json(e: Edit, index: LineIndex) -> dict[str, Any]:
    line, col = index.line_col(e.start)
    return {
        "rule": e.rule,
        "start": e.start,
        "end": e.end,
        "line": line,
        "column": col,
        "old": e.old,
        "new": e.new,
        "message": e.message,
    }


def _suggestion_json(s: Suggestion, index: LineIndex) -> dict[str, Any]:
    line, col = index.line_col(s.start)
    return {
        "rule": s.rule,
        "start": s.start,
        "end": s.end,
        "line": line,
        "column": col,
        "text": s.text,
        "score": round(min(1.0, max(0.0, s.score)), 4),
        "candidates": [
            {"text": c.text, "score": round(c.score, 4), "origin": c.origin} for c in s.candidates
        ],
        "message": s.message,
    }


def report_dict(named: Named) -> dict[str, Any]:
    index = _line_index(named.report)
    r = named.report
    return {
        "path": named.path,
        "changed": bool(r.edits) or r.changed,
        "edits": [_edit_json(e, index) for e in r.edits],
        "suggestions": [_suggestion_json(s, index) for s in r.suggestions],
    }


def to_json(reports: Sequence[Named]) -> str:
    import json

    return json.dumps([report_dict(n) for n in reports], ensure_ascii=False, indent=2)


def to_sarif(reports: Sequence[Named], version: str) -> str:
    """SARIF 2.1.0: one run, a result per finding, fixes for edits."""
    import json

    rules: dict[str, dict[str, Any]] = {}
    results = []
    for named in reports:
        index = _line_index(named.report)
        for f in _findings(named.report):
            rules.setdefault(f.rule, {"id": f.rule, "shortDescription": {"text": f.rule}})
            results.append(_sarif_result(named.path, f, index))
    run = {
        "tool": {
            "driver": {
                "name": "mtnorm",
                "version": version,
                "informationUri": "https://pypi.org/project/mtnorm/",
                "rules": list(rules.values()),
            }
        },
        "results": results,
    }
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)


def _sarif_result(path: str, f: Edit | Suggestion, index: LineIndex) -> dict[str, Any]:
    sl, sc = index.line_col(f.start)
    el, ec = index.line_col(f.end)
    region = {"startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec}
    location = {"physicalLocation": {"artifactLocation": {"uri": path}, "region": region}}
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "level": "warning" if isinstance(f, Edit) else "note",
        "message": {"text": _describe(f)},
        "locations": [location],
    }
    if isinstance(f, Edit):
        result["fixes"] = [
            {
                "description": {"text": f.message or f.rule},
                "artifactChanges": [
                    {
                        "artifactLocation": {"uri": path},
                        "replacements": [
                            {"deletedRegion": region, "insertedContent": {"text": f.new}}
                        ],
                    }
                ],
            }
        ]
    return result
