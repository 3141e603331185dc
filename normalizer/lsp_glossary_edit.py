"""Add to glossary: write a new entry, or a new variant of an existing entry, into a glossary.

The file is edited round-trip with ``ruamel.yaml`` so the author's comments, key order, quoting,
flow lists and indentation survive; only the added lines change. The write is atomic (a temporary
file renamed over the old one), so a reload never sees half a file.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Literal

from .errors import GlossaryError, Problem

__all__ = ["AddResult", "add_to_glossary", "slug"]

AddResult = Literal["entry", "variant", "present"]


def slug(term: str) -> str:
    """An entry id from a term, as the glossary format's default id ([a-z0-9-])."""
    return re.sub(r"[^a-z0-9]+", "-", term.casefold()).strip("-") or "entry"


def _yaml() -> Any:
    from ruamel.yaml import YAML

    y = YAML()  # round-trip mode: comments and layout are kept
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap the author's long lines
    return y


def _load(path: Path, name: str) -> tuple[Any, Any]:
    """The round-trip document and a YAML instance set to the file's own indentation."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.util import load_yaml_guess_indent

    y = _yaml()
    if not path.exists() or not path.read_text(encoding="utf-8").strip():
        doc = CommentedMap(name=name, entries=CommentedSeq())
        y.indent(mapping=2, sequence=4, offset=2)
        return doc, y
    try:
        _, indent, block_seq_indent = load_yaml_guess_indent(path.read_text(encoding="utf-8"))
        doc = y.load(path.read_text(encoding="utf-8"))
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise GlossaryError(
            problems=[Problem(str(path), line, col, f"cannot edit: {exc}")]
        ) from exc
    # The guess gives the sequence indent (dash offset included) and the dash offset; the mapping
    # indent inside an entry is what is left after the dash.
    sequence = indent or 2
    offset = block_seq_indent or 0
    y.indent(
        mapping=sequence - offset if sequence > offset else sequence,
        sequence=sequence,
        offset=offset,
    )
    if not isinstance(doc, dict) or not isinstance(doc.get("entries", []), list):
        raise GlossaryError(
            problems=[Problem(str(path), 1, 1, "not a glossary: no 'entries' list")]
        )
    if doc.get("entries") is None or "entries" not in doc:
        doc["entries"] = CommentedSeq()
    return doc, y


def _new_entry(term: str, variant: str, note: str) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    variants = CommentedSeq([variant])
    variants.fa.set_flow_style()  # `variants: [X]`, as the format's examples write it
    entry = CommentedMap(term=term, variants=variants)
    if note:
        entry["note"] = note
    return entry


def add_to_glossary(
    path: Path, term: str, variant: str, *, note: str = "", name: str = "user"
) -> AddResult:
    """Make ``variant`` an artifact of ``term`` in the glossary at ``path``.

    Adds the variant to the entry whose term is ``term`` (case-sensitive, as terms are written),
    else appends a new entry; creates the file (glossary ``name``) if it does not exist. Returns
    what was done; "present" when the variant was already there (the file is not rewritten).
    """
    term, variant = term.strip(), " ".join(variant.split())
    if not term or not variant:
        raise ValueError("add_to_glossary needs a term and a variant")
    doc, y = _load(path, name)
    entries = doc["entries"]
    for entry in entries:
        if isinstance(entry, dict) and entry.get("term") == term:
            variants = entry.get("variants")
            if variants is None:
                entry["variants"] = variants = _new_entry(term, variant, "")["variants"]
                result: AddResult = "variant"
            elif any(str(v).casefold() == variant.casefold() for v in variants):
                return "present"
            else:
                variants.append(variant)
                result = "variant"
            break
    else:
        entries.append(_new_entry(term, variant, note))
        result = "entry"
    _write_atomic(path, y, doc)
    return result


def _write_atomic(path: Path, y: Any, doc: Any) -> None:
    buffer = io.StringIO()
    y.dump(doc, buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(buffer.getvalue())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
