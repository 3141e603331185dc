"""Readers behind :mod:`normalizer.importers`: CSV/TSV rows and TBX concepts, with line numbers.

Kept apart from the importers so each module stays small; they only parse, the importers build
glossary documents from what they return.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from normalizer.errors import GlossaryError, Problem

__all__ = ["TbxConcept", "read_csv_rows", "read_languagetool_lines", "read_tbx_terms"]

_HEADER_NAMES = {
    "wrong": {"wrong", "incorrect", "variant", "variants", "from", "source", "bad", "avoid"},
    "right": {"right", "correct", "term", "to", "target", "good", "use", "replacement"},
    "note": {"note", "notes", "comment", "comments", "message", "description"},
}


def _header_columns(cells: list[str]) -> dict[str, int] | None:
    """Column numbers of a header row, or None where the row is data."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        for role, names in _HEADER_NAMES.items():
            if cell.strip().lower() in names and role not in found:
                found[role] = index
    return found if {"wrong", "right"} <= found.keys() else None


def read_csv_rows(path: str, text: str, delimiter: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a ``wrong,right[,note]`` file as (line, {wrong, right, note}); skips ``#`` lines."""
    reader = csv.reader(text.splitlines(), delimiter=delimiter)
    columns: dict[str, int] | None = None
    for number, cells in enumerate(reader, start=1):
        if not cells or not "".join(cells).strip() or cells[0].lstrip().startswith("#"):
            continue
        if columns is None:
            columns = _header_columns(cells)
            if columns is not None:
                continue
            columns = {"wrong": 0, "right": 1, "note": 2}
        if len(cells) <= max(columns["wrong"], columns["right"]):
            sep = "TAB" if delimiter == "\t" else repr(delimiter)
            raise GlossaryError(
                problems=[
                    Problem(
                        path,
                        number,
                        1,
                        f"expected wrong{sep}right[{sep}note], found {len(cells)} column(s)",
                    )
                ]
            )
        note = cells[columns["note"]] if "note" in columns and columns["note"] < len(cells) else ""
        yield (
            number,
            {
                "wrong": cells[columns["wrong"]],
                "right": cells[columns["right"]],
                "note": note.strip(),
            },
        )


_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_DEPRECATED = ("deprecated", "superseded", "notrecommended", "obsolete")


@dataclass(frozen=True, slots=True)
class TbxConcept:
    """One TBX concept: the preferred target term, deprecated target terms, source terms."""

    preferred: str
    variants: tuple[str, ...]
    source: tuple[str, ...]
    note: str
    line: int


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _term_status(term_el: Any) -> str:
    """administrativeStatus / normativeAuthorization of a term (TBX v2 and v3), lower case."""
    group = term_el.getparent()
    for el in group.iter():
        if _local(el.tag) in ("termNote", "descrip") and el.get("type") in (
            "administrativeStatus",
            "normativeAuthorization",
        ):
            return (el.text or "").strip().lower()
    return ""


def _lang_terms(lang_el: Any) -> list[tuple[str, str]]:
    return [
        ((t.text or "").strip(), _term_status(t))
        for t in lang_el.iter()
        if _local(t.tag) == "term" and (t.text or "").strip()
    ]


def _concept(entry: Any, source_lang: str, target_lang: str) -> tuple[TbxConcept | None, str]:
    target: list[tuple[str, str]] = []
    source: list[str] = []
    src_seen = ""
    for lang_el in entry:
        if _local(lang_el.tag) not in ("langSec", "langSet"):
            continue
        lang = (lang_el.get(_XML_LANG) or lang_el.get("lang") or "").lower()
        if lang.split("-")[0] == target_lang.lower():
            target.extend(_lang_terms(lang_el))
        elif not source_lang or lang.split("-")[0] == source_lang.lower():
            source.extend(term for term, _ in _lang_terms(lang_el))
            src_seen = src_seen or lang.split("-")[0]
    preferred = [
        t
        for t, st in target
        if st.startswith(("preferred", "admitted")) or not st.startswith(_DEPRECATED)
    ]
    variants = tuple(t for t, st in target if st.startswith(_DEPRECATED))
    if not preferred:
        return None, src_seen
    note = " ".join(
        (el.text or "").strip()
        for el in entry.iter()
        if _local(el.tag) == "descrip" and el.get("type") == "definition"
    )
    return TbxConcept(preferred[0], variants, tuple(source), note, entry.sourceline or 0), src_seen


def read_tbx_terms(
    path: str, text: str, source_lang: str, target_lang: str
) -> tuple[list[TbxConcept], str]:
    """Concepts of a TBX file (v2 ``termEntry`` or v3 ``conceptEntry``) and the source language."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (0, 0)
        raise GlossaryError(
            problems=[Problem(path, line, col + 1, f"XML syntax error: {exc.msg}")]
        ) from None
    concepts, src = [], source_lang
    for entry in root.iter():
        if _local(entry.tag) in ("termEntry", "conceptEntry"):
            concept, seen = _concept(entry, source_lang, target_lang)
            src = src or seen
            if concept is not None:
                concepts.append(concept)
    if not concepts:
        raise GlossaryError(
            problems=[
                Problem(path, 1, 1, f"no concept with a '{target_lang}' term; check --target-lang")
            ]
        )
    return concepts, src


def read_languagetool_lines(
    path: str, text: str
) -> Iterator[tuple[int, list[str], list[str], str]]:
    """``replace.txt`` lines as (line, wrong forms, right forms, message); skips ``#`` lines."""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        body, _, message = line.partition("\t")
        if "=" not in body:
            why = "expected 'wrong=right'; add '=' and the replacement"
            raise GlossaryError(problems=[Problem(path, number, 1, why)])
        wrongs, _, rights = body.partition("=")
        choices = [r.strip() for r in rights.split("|") if r.strip()]
        if not choices:
            raise GlossaryError(
                problems=[Problem(path, number, len(wrongs) + 2, "empty replacement")]
            )
        note = message.strip()
        if note.startswith(("http://", "https://")):
            note = f"See {note}"
        yield number, wrongs.split("|"), choices, note
