"""Glossary YAML written and merged round-trip (``ruamel.yaml``): drafts out, reviewed entries in.

``mtnorm glossary merge DRAFT GLOSSARY`` adds a reviewed draft's new entries and new variants to an
existing glossary file, keeping its comments, order and quoting, and writes it atomically.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import GlossaryError, Problem

__all__ = ["TODO", "MergeResult", "dump_yaml", "flow", "merge", "merge_main"]

#: The term of a draft entry no candidate was found for; merge refuses it until it is set.
TODO = "TODO"


def _read(path: str) -> str:
    from .fileio import read_text

    return read_text(path)[0]


@dataclass(frozen=True, slots=True)
class MergeResult:
    """What :func:`merge` changed."""

    added: tuple[str, ...] = ()
    extended: tuple[str, ...] = ()
    variants: int = 0


def flow(node: Any) -> Any:
    node.fa.set_flow_style()
    return node


def _yaml() -> Any:
    from ruamel.yaml import YAML

    y = YAML()  # round-trip: comments, order and quoting survive
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def dump_yaml(doc: Any, header: str = "") -> str:
    buf = io.StringIO()
    if header:
        buf.write(f"# {header}\n")
    _yaml().dump(doc, buf)
    return buf.getvalue()


def _load_yaml(path: str | Path) -> Any:
    from ruamel.yaml.error import YAMLError

    text = _read(str(path))
    try:
        return _yaml().load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise GlossaryError(
            problems=[Problem(str(path), line, col, f"YAML syntax error: {exc}")]
        ) from exc


def merge(draft_path: str | Path, glossary_path: str | Path) -> MergeResult:
    """Merge the reviewed entries of a draft into a glossary file, keeping comments and layout."""
    from .glossary import slug

    draft, glossary = _load_yaml(draft_path), _load_yaml(glossary_path)
    new_entries = _entries_of(draft, draft_path)
    existing = _entries_of(glossary, glossary_path)
    _check_reviewed(new_entries, draft_path)
    index: dict[str, Any] = {}
    for e in existing:
        index.setdefault(str(e.get("id") or slug(str(e["term"]))), e)
        index.setdefault("term:" + str(e["term"]).casefold(), e)
    added: list[str] = []
    extended: list[str] = []
    count = 0
    for e in new_entries:
        key = str(e.get("id") or slug(str(e["term"])))
        target = index.get(key) or index.get("term:" + str(e["term"]).casefold())
        if target is None:
            existing.append(e)
            index[key] = e
            added.append(key)
            count += len(e.get("variants") or ())
            continue
        n = _extend_list(target, "variants", e.get("variants") or ()) + _extend_list(
            target, "source", e.get("source") or ()
        )
        if n:
            extended.append(key)
            count += n
    from .fileio import atomic_write

    atomic_write(glossary_path, dump_yaml(glossary))
    return MergeResult(tuple(added), tuple(extended), count)


def _entries_of(doc: Any, path: str | Path) -> Any:
    entries = doc.get("entries") if hasattr(doc, "get") else None
    if entries is None:
        raise GlossaryError(
            problems=[Problem(str(path), 1, 1, "no 'entries' list; is this a v1 glossary?")]
        )
    return entries


def _check_reviewed(entries: Iterable[Any], path: str | Path) -> None:
    problems = []
    for e in entries:
        if str(e.get("term", "")).strip() in ("", TODO):
            line, col = e.lc.line + 1, e.lc.col + 1
            problems.append(
                Problem(
                    str(path), line, col, "entry still has no term: set 'term' or delete the entry"
                )
            )
    if problems:
        raise GlossaryError(problems=problems)


def _extend_list(entry: Any, key: str, values: Iterable[Any]) -> int:
    """Append values not yet in ``entry[key]`` (case-insensitively); return how many were added."""
    from ruamel.yaml.comments import CommentedSeq

    current = entry.get(key)
    if current is None:
        current = flow(CommentedSeq())
        entry[key] = current
    seen = {str(v).casefold() for v in current}
    term = str(entry.get("term", "")).casefold()
    added = 0
    for v in values:
        if str(v).casefold() not in seen and (key != "variants" or str(v).casefold() != term):
            current.append(v)
            seen.add(str(v).casefold())
            added += 1
    if not current:
        del entry[key]
    return added


def merge_main(argv: list[str]) -> int:
    """``mtnorm glossary merge DRAFT GLOSSARY``."""
    p = argparse.ArgumentParser(
        prog="mtnorm glossary merge", description="Merge a reviewed draft into a glossary."
    )
    p.add_argument("draft")
    p.add_argument("glossary")
    args = p.parse_args(argv)
    result = merge(args.draft, args.glossary)
    print(
        f"{args.glossary}: {len(result.added)} new entries, {result.variants} new variants/sources"
        f" ({len(result.extended)} entries extended)",
        file=sys.stderr,
    )
    return 0
