"""Import other tools' term lists as mtnorm glossaries (format v1).

``mtnorm glossary import --from vale|csv|tsv|tbx|languagetool FILE... -o OUT.yaml`` turns

- Vale ``substitution`` rules (``swap:`` map; ``ignorecase``; regex keys become ``patterns``),
- CSV/TSV rows ``wrong,right[,note]`` (a header row is detected and used),
- TBX termbases (target-language terms marked deprecated/superseded become variants of the
  preferred term; source-language terms become ``source``),
- LanguageTool ``replace.txt`` lines ``wrong1|wrong2=right1|right2[<TAB>message]``

into one glossary document (a plain ``dict`` as a YAML file would hold it). The ``import_*``
functions are pure apart from reading their file; :func:`main` is the command-line front end.
Problems in the input raise :class:`~normalizer.errors.GlossaryError` located at file:line:column.
What cannot be expressed in format v1 (e.g. a Vale replacement using ``$1``) is left out and
reported as a warning :class:`~normalizer.errors.Problem`.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from normalizer.errors import GlossaryError, InputError, MtnormError, Problem
from normalizer.import_readers import read_csv_rows, read_languagetool_lines, read_tbx_terms

__all__ = [
    "FORMATS",
    "build_document",
    "dump_document",
    "import_csv",
    "import_files",
    "import_languagetool",
    "import_tbx",
    "import_tsv",
    "import_vale",
    "main",
    "slug",
]

Warnings = list[Problem] | None
_REGEX_META = re.compile(r"[.^$*+?{}\[\]\\|()]")


def slug(text: str, fallback: str = "entry") -> str:
    """An ASCII ``[a-z0-9-]+`` slug of ``text`` for glossary names and entry ids."""
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s or fallback


def _read_text(path: str | Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(problems=[Problem(str(path), 0, 0, "file not found")]) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            problems=[
                Problem(str(path), 0, 0, f"not UTF-8 (byte offset {exc.start}); re-save as UTF-8")
            ]
        ) from None
    except OSError as exc:
        raise InputError(problems=[Problem(str(path), 0, 0, exc.strerror or str(exc))]) from None


def _warn(warnings: Warnings, path: str, line: int, col: int, message: str) -> None:
    if warnings is not None:
        warnings.append(Problem(path, line, col, message, severity="warning"))


# ---------------------------------------------------------------- building the document


class _Builder:
    """Collects (wrong form -> term) pairs, grouped into one entry per term, in input order."""

    def __init__(self, path: str, warnings: Warnings) -> None:
        self.path = path
        self.warnings = warnings
        self.entries: dict[str, dict[str, Any]] = {}
        self.seen: dict[str, str] = {}  # case-folded variant/pattern -> term

    def add(self, wrong: str, term: str, line: int, *, pattern: bool = False, **extra: Any) -> None:
        wrong, term = wrong.strip(), term.strip()
        if not wrong or not term:
            _warn(self.warnings, self.path, line, 1, "empty wrong or right form; line skipped")
            return
        key = wrong.casefold()
        if key in self.seen:
            if self.seen[key] != term:
                _warn(
                    self.warnings,
                    self.path,
                    line,
                    1,
                    f"'{wrong}' already maps to '{self.seen[key]}'; '{term}' skipped",
                )
            return
        if not pattern and key == term.casefold() and term == term.lower():
            _warn(
                self.warnings, self.path, line, 1, f"'{wrong}' equals its term; nothing to change"
            )
            return
        self.seen[key] = term
        entry = self.entries.setdefault(term, {"term": term})
        entry.setdefault("patterns" if pattern else "variants", []).append(wrong)
        for name, value in extra.items():
            if value and name == "note":
                notes = entry.setdefault("_notes", [])
                if value not in notes:
                    notes.append(value)
            elif value is not None:
                entry.setdefault(name, value)

    def entry_list(self) -> list[dict[str, Any]]:
        out, ids = [], set()
        for entry in self.entries.values():
            entry = dict(entry)
            notes = entry.pop("_notes", [])
            base = slug(entry["term"])
            ident, n = base, 2
            while ident in ids:
                ident, n = f"{base}-{n}", n + 1
            ids.add(ident)
            ordered = {"term": entry.pop("term"), "id": ident}
            ordered.update(entry)
            if notes:
                ordered["note"] = "; ".join(notes)
            out.append(ordered)
        return out


def build_document(
    name: str,
    entries: list[dict[str, Any]],
    *,
    source: str = "",
    target: str = "",
    description: str = "",
) -> dict[str, Any]:
    """A glossary v1 document with ``entries``; ``name`` is slugged to ``[a-z0-9-]+``."""
    doc: dict[str, Any] = {"name": slug(name, "imported")}
    if source or target:
        doc["languages"] = {k: v for k, v in (("source", source), ("target", target)) if v}
    if description:
        doc["description"] = description
    doc["entries"] = entries
    return doc


# ---------------------------------------------------------------- Vale


def _vale_pattern(key: str, ignorecase: bool, nonword: bool) -> str:
    """Vale wraps swap keys in word boundaries unless ``nonword``; case is explicit per pattern."""
    body = key if nonword else rf"\b(?:{key})\b"
    return f"(?{'i' if ignorecase else '-i'}:{body})"


def _key_position(mapping: Any, key: Any) -> tuple[int, int]:
    """1-based line and column of ``key`` in a ruamel.yaml round-trip map."""
    line, column = mapping.lc.key(key)
    return line + 1, column + 1


def _load_vale_rule(p: str, text: str) -> tuple[Any, Any]:
    """The rule map and its ``swap`` map, checked: a substitution rule with a non-empty swap."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        data = YAML(typ="rt").load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = getattr(exc, "problem", None) or str(exc)
        raise GlossaryError(
            problems=[Problem(p, line, col, f"YAML syntax error: {problem}")]
        ) from None
    if not isinstance(data, dict) or data.get("extends") != "substitution":
        raise GlossaryError(
            problems=[Problem(p, 1, 1, "not a Vale rule with 'extends: substitution'")]
        )
    swap = data.get("swap")
    if not isinstance(swap, dict) or not swap:
        line = _key_position(data, "swap")[0] if "swap" in data else 1
        raise GlossaryError(
            problems=[Problem(p, line, 1, "'swap' must be a non-empty map wrong: right")]
        )
    return data, swap


def import_vale(path: str | Path, warnings: Warnings = None) -> dict[str, Any]:
    """A Vale ``extends: substitution`` rule file as a glossary named ``<folder>-<file stem>``."""
    p = str(path)
    data, swap = _load_vale_rule(p, _read_text(path))
    ignorecase = bool(data.get("ignorecase", False))
    nonword = bool(data.get("nonword", False))
    fixes = isinstance(data.get("action"), dict) and data["action"].get("name") == "replace"
    builder = _Builder(p, warnings)
    for key, right in swap.items():
        line, col = _key_position(swap, key)
        key, right = str(key), str(right)
        if re.search(r"\$\d|\\\d", right):
            why = f"replacement '{right}' uses regex groups, which format v1 cannot express"
            _warn(warnings, p, line, col, why + "; rule skipped")
            continue
        literal = not _REGEX_META.search(key)
        if literal and ignorecase and not nonword:
            builder.add(key, right, line)
        else:
            builder.add(_vale_pattern(key, ignorecase, nonword), right, line, pattern=True)
    entries = builder.entry_list()
    for entry in entries:
        # capitalize: keep a sentence-initial capital; otherwise the replacement is as written
        entry["case"] = "match" if data.get("capitalize") else "fixed"
        entry["action"] = "fix" if fixes else "suggest"
        if "message" in data:
            entry["note"] = f"Vale message: {data['message']}"
    rule = f"{Path(p).parent.name}-{Path(p).stem}"
    return build_document(rule, entries, description=f"Imported from Vale rule {Path(p).name}.")


# ---------------------------------------------------------------- CSV / TSV


def _rows_to_document(
    path: str, rows: Iterable[tuple[int, dict[str, str]]], warnings: Warnings, kind: str
) -> dict[str, Any]:
    builder = _Builder(path, warnings)
    for line, row in rows:
        builder.add(row["wrong"], row["right"], line, note=row.get("note") or None)
    return build_document(
        Path(path).stem,
        builder.entry_list(),
        description=f"Imported from {kind} file {Path(path).name}.",
    )


def import_csv(
    path: str | Path, warnings: Warnings = None, *, delimiter: str = ","
) -> dict[str, Any]:
    """A ``wrong,right[,note]`` CSV file (header row optional) as a glossary."""
    p = str(path)
    rows = read_csv_rows(p, _read_text(path), delimiter)
    return _rows_to_document(p, rows, warnings, "TSV" if delimiter == "\t" else "CSV")


def import_tsv(path: str | Path, warnings: Warnings = None) -> dict[str, Any]:
    """A tab-separated ``wrong<TAB>right[<TAB>note]`` file as a glossary."""
    return import_csv(path, warnings, delimiter="\t")


# ---------------------------------------------------------------- TBX


def import_tbx(
    path: str | Path, warnings: Warnings = None, *, source_lang: str = "", target_lang: str = "en"
) -> dict[str, Any]:
    """A TBX termbase: deprecated target terms become variants of the concept's preferred term."""
    p = str(path)
    concepts, src = read_tbx_terms(p, _read_text(path), source_lang, target_lang)
    builder = _Builder(p, warnings)
    for concept in concepts:
        if not concept.variants:
            continue
        for wrong in concept.variants:
            builder.add(
                wrong,
                concept.preferred,
                concept.line,
                source=sorted({s.lower() for s in concept.source}) or None,
                note=concept.note or None,
            )
    return build_document(
        Path(p).stem,
        builder.entry_list(),
        source=src,
        target=target_lang,
        description=f"Imported from TBX file {Path(p).name}.",
    )


# ---------------------------------------------------------------- LanguageTool


def import_languagetool(path: str | Path, warnings: Warnings = None) -> dict[str, Any]:
    """A LanguageTool ``replace.txt``: ``wrong1|wrong2=right1|right2[<TAB>message]`` lines."""
    p = str(path)
    builder = _Builder(p, warnings)
    for number, wrongs, choices, note in read_languagetool_lines(p, _read_text(path)):
        if len(choices) > 1:
            note = "; ".join(filter(None, [note, "alternatives: " + ", ".join(choices)]))
        # Several replacements: a person must choose, so the entry only suggests.
        action = "suggest" if len(choices) > 1 else None
        for wrong in wrongs:
            builder.add(wrong, choices[0], number, note=note or None, action=action)
    name = Path(p).name
    return build_document(
        Path(p).stem, builder.entry_list(), description=f"Imported from LanguageTool file {name}."
    )


FORMATS: dict[str, Callable[..., dict[str, Any]]] = {
    "vale": import_vale,
    "csv": import_csv,
    "tsv": import_tsv,
    "tbx": import_tbx,
    "languagetool": import_languagetool,
}


def import_files(
    fmt: str,
    paths: Iterable[str | Path],
    *,
    name: str = "",
    warnings: Warnings = None,
    **options: Any,
) -> dict[str, Any]:
    """Import every file of ``paths`` and merge them into one glossary (ids kept unique)."""
    docs: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            docs.append(FORMATS[fmt](path, warnings, **options))
        except MtnormError as exc:
            problems.extend(exc.problems)  # report every bad file at once
    if problems:
        raise GlossaryError(problems=problems)
    if len(docs) == 1 and not name:
        return docs[0]
    entries: list[dict[str, Any]] = []
    ids: set[str] = set()
    for doc in docs:
        for entry in doc["entries"]:
            if entry["id"] in ids:
                entry = {**entry, "id": f"{doc['name']}-{entry['id']}"}
            ids.add(entry["id"])
            entries.append(entry)
    first = docs[0] if docs else {}
    langs = first.get("languages", {})
    return build_document(
        name or (first.get("name", "imported")),
        entries,
        source=langs.get("source", ""),
        target=langs.get("target", ""),
        description=f"Imported from {fmt}: {len(docs)} file(s).",
    )


def dump_document(doc: dict[str, Any], stream: Any, *, schema: str | None = None) -> None:
    """Write ``doc`` as YAML (ruamel.yaml, block style, keys in order) to a text stream."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.default_flow_style = False
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    if schema:
        stream.write(f"# yaml-language-server: $schema={schema}\n")
    yaml.dump(doc, stream)


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="mtnorm glossary import",
        description="Convert other tools' term lists into a glossary.",
    )
    ap.add_argument("--from", dest="fmt", required=True, choices=sorted(FORMATS))
    ap.add_argument("files", nargs="+", metavar="FILE")
    ap.add_argument("-o", "--output", default="-", help="output YAML file ('-': standard output)")
    ap.add_argument("--name", default="", help="glossary name ([a-z0-9-]+)")
    ap.add_argument("--source-lang", default="", help="TBX: source language (default: any other)")
    ap.add_argument("--target-lang", default="en", help="TBX: target language (default: en)")
    ap.add_argument(
        "--schema", default=None, help="path of schema.json to reference from the output"
    )
    return ap


def main(argv: list[str]) -> int:
    """Front end of ``mtnorm glossary import``: 0 written, 2 bad input or usage."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage message
        return 0 if exc.code == 0 else 2
    options = (
        {"source_lang": args.source_lang, "target_lang": args.target_lang}
        if args.fmt == "tbx"
        else {}
    )
    warnings: list[Problem] = []
    try:
        doc = import_files(args.fmt, args.files, name=args.name, warnings=warnings, **options)
    except MtnormError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    for problem in warnings:
        sys.stderr.write(f"{problem}\n")
    if args.output == "-":
        dump_document(doc, sys.stdout, schema=args.schema)
    else:
        with open(args.output, "w", encoding="utf-8") as out:
            dump_document(doc, out, schema=args.schema)
    return 0
