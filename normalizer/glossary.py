"""Load glossary files (format v1) strictly: every problem of every file, located, or nothing.

``load_glossaries(paths)`` returns :class:`~normalizer.glossary_model.Glossary` values or raises
:class:`~normalizer.errors.GlossaryError` listing each problem as ``file:line:col: what; mend``.
Cross-file checks (ambiguous variants, duplicate names) run over all files together.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from .errors import GlossaryError, Problem
from .glossary_model import Context, Entry, Example, Glossary, Location
from .patterns import check_pattern
from .yamlpos import Located, YamlFailure, parse_located

__all__ = ["FILE_KEYS", "ENTRY_KEYS", "load_glossaries", "load_glossary_text", "slug"]

FILE_KEYS = ("name", "languages", "description", "entries", "version")
ENTRY_KEYS = (
    "term",
    "variants",
    "patterns",
    "source",
    "context",
    "case",
    "unquote",
    "action",
    "id",
    "note",
    "examples",
)
CONTEXT_KEYS = ("near", "not_near", "window")
LANGUAGE_KEYS = ("source", "target")
EXAMPLE_KEYS = ("input", "output")
_NAME_RE = re.compile(r"[a-z0-9-]+\Z")
_ID_RE = re.compile(r"[a-z0-9][a-z0-9._-]*\Z")


def slug(term: str) -> str:
    """Default entry id: the term in lower case ASCII, non-alphanumerics turned into dashes."""
    ascii_ = unicodedata.normalize("NFKD", term).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")


class _Collector:
    """Gathers problems for one file; helpers return None on a bad value so checks go on."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def add(self, at: Located | tuple[int, int], message: str, severity: str = "error") -> None:
        line, col = (at.line, at.column) if isinstance(at, Located) else at
        self.problems.append(Problem(self.path, line, col, message, severity))

    def keys(self, node: Located, allowed: tuple[str, ...], where: str) -> dict[str, Located]:
        out: dict[str, Located] = {}
        for key, (pos, value) in node.value.items():
            if key in allowed:
                out[key] = value
                continue
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            mend = (
                f"; did you mean {close[0]!r}?" if close else f"; valid keys: {', '.join(allowed)}"
            )
            self.add(pos, f"unknown key {key!r} in {where}{mend}")
        return out

    def string(self, node: Located | None, what: str, *, required: bool = False) -> str | None:
        if node is None or node.value is None:
            return None
        if isinstance(node.value, bool | int | float) and not required:
            return str(node.value)
        if not isinstance(node.value, str):
            self.add(node, f"{what} must be a string")
            return None
        return node.value

    def strings(self, node: Located | None, what: str) -> tuple[str, ...]:
        if node is None or node.value is None:
            return ()
        items = node.value if isinstance(node.value, list) else [node]
        out = []
        for item in items:
            value = item.value
            if isinstance(value, int | float) and not isinstance(value, bool):
                value = str(value)
            if not isinstance(value, str) or not value.strip():
                self.add(item, f"{what} must be a list of non-empty strings")
                continue
            out.append(value.strip())
        return tuple(out)


def load_glossary_text(text: str, path: str = "<memory>") -> tuple[Glossary | None, list[Problem]]:
    """Parse and validate one glossary document; return (glossary or None, problems)."""
    c = _Collector(path)
    try:
        root = parse_located(text, path)
    except YamlFailure as exc:
        return None, [exc.problem]
    if root is None or not isinstance(root.value, dict):
        c.add(root or (1, 1), "a glossary is a mapping with 'name' and 'entries'")
        return None, c.problems
    top = c.keys(root, FILE_KEYS, "the glossary file")
    name = c.string(top.get("name"), "'name'")
    if name is None:
        c.add(root, "missing 'name': add e.g. 'name: ru-en-news' at the top")
    elif not _NAME_RE.match(name):
        c.add(top["name"], f"name {name!r} must match [a-z0-9-]+ (lower case, digits, dashes)")
    languages = _languages(c, top.get("languages"))
    entries_node = top.get("entries")
    entries: list[Entry] = []
    if entries_node is None or not isinstance(entries_node.value, list):
        c.add(entries_node or root, "'entries' must be a list of entries")
    else:
        for item in entries_node.value:
            entry = _entry(c, item, name or "glossary")
            if entry is not None:
                entries.append(entry)
    _check_ids(c, entries)
    if any(p.severity == "error" for p in c.problems):
        return None, c.problems
    glossary = Glossary(
        name=name or "",
        entries=tuple(entries),
        path=path,
        source_language=languages[0],
        target_language=languages[1],
        description=c.string(top.get("description"), "'description'") or "",
    )
    return glossary, c.problems


def _languages(c: _Collector, node: Located | None) -> tuple[str, str]:
    if node is None:
        return "", ""
    if not isinstance(node.value, dict):
        c.add(node, "'languages' must be a mapping like {source: ru, target: en}")
        return "", ""
    keys = c.keys(node, LANGUAGE_KEYS, "'languages'")
    return (
        c.string(keys.get("source"), "'source'") or "",
        c.string(keys.get("target"), "'target'") or "",
    )


def _entry(c: _Collector, node: Located, glossary: str) -> Entry | None:
    if not isinstance(node.value, dict):
        c.add(node, "an entry must be a mapping with 'term' and 'variants' or 'patterns'")
        return None
    before = len(c.problems)
    k = c.keys(node, ENTRY_KEYS, f"entry {_label(node)!r}")
    term = c.string(k.get("term"), "'term'")
    if not term or not term.strip():
        c.add(node, "entry has no 'term': add the correct target-language form")
        return None
    variants = c.strings(k.get("variants"), "'variants'")
    patterns = c.strings(k.get("patterns"), "'patterns'")
    if not variants and not patterns:
        c.add(node, f"entry {term!r} has neither 'variants' nor 'patterns': add what MT writes")
    for item in _items(k.get("patterns")):
        if isinstance(item.value, str) and (msg := check_pattern(item.value)):
            c.add(item, f"pattern {item.value!r} in entry {term!r}: {msg}")
    case = _enum(c, k.get("case"), ("fixed", "match"), "'case'")
    case = case or ("fixed" if any(ch.isupper() for ch in term) else "match")
    if case == "match":
        for item in _items(k.get("variants")):
            if isinstance(item.value, str) and item.value.strip().casefold() == term.casefold():
                c.add(
                    item,
                    f"variant {item.value!r} equals the term {term!r} ignoring case while "
                    "case is 'match': it would change nothing; remove it or use case: fixed",
                )
    entry_id = c.string(k.get("id"), "'id'") or slug(term) or "entry"
    if "id" in k and not _ID_RE.match(entry_id):
        c.add(k["id"], f"id {entry_id!r} must be lower case letters, digits, '-', '_' or '.'")
    entry = Entry(
        term=term.strip(),
        id=entry_id,
        glossary=glossary,
        variants=variants,
        patterns=patterns,
        source=tuple(s.lower() for s in c.strings(k.get("source"), "'source'")),
        context=_context(c, k.get("context")),
        case=case,
        unquote=_bool(c, k.get("unquote"), "'unquote'", True),
        action=_enum(c, k.get("action"), ("fix", "suggest"), "'action'") or "fix",
        note=c.string(k.get("note"), "'note'") or "",
        examples=_examples(c, k.get("examples")),
        location=Location(c.path, node.line, node.column),
    )
    return entry if len(c.problems) == before or _only_warnings(c, before) else None


def _only_warnings(c: _Collector, since: int) -> bool:
    return all(p.severity != "error" for p in c.problems[since:])


def _items(node: Located | None) -> list[Located]:
    if node is None or not isinstance(node.value, list):
        return [] if node is None or node.value is None else [node]
    return node.value


def _label(node: Located) -> str:
    """How errors name an entry: its id, else the slug of its term (the default id)."""
    for key, make in (("id", str), ("term", slug)):
        if key in node.value and isinstance(node.value[key][1].value, str):
            return make(node.value[key][1].value)
    return f"at line {node.line}"


def _enum(c: _Collector, node: Located | None, allowed: tuple[str, ...], what: str) -> str | None:
    if node is None:
        return None
    if node.value not in allowed:
        close = difflib.get_close_matches(str(node.value), allowed, n=1)
        mend = f"did you mean {close[0]!r}?" if close else f"use one of {', '.join(allowed)}"
        c.add(node, f"{what} must be {' or '.join(allowed)}, not {node.value!r}; {mend}")
        return None
    return str(node.value)


def _bool(c: _Collector, node: Located | None, what: str, default: bool) -> bool:
    if node is None:
        return default
    if not isinstance(node.value, bool):
        c.add(node, f"{what} must be true or false")
        return default
    return node.value


def _context(c: _Collector, node: Located | None) -> Context | None:
    if node is None or node.value is None:
        return None
    if not isinstance(node.value, dict):
        c.add(node, "'context' must be a mapping with 'near', 'not_near' and/or 'window'")
        return None
    k = c.keys(node, CONTEXT_KEYS, "'context'")
    window = k.get("window")
    win: int | None = None
    if window is not None:
        if isinstance(window.value, bool) or not isinstance(window.value, int) or window.value < 1:
            c.add(window, "'window' must be a whole number of words (1 or more)")
        else:
            win = window.value
    ctx = Context(
        near=c.strings(k.get("near"), "'near'"),
        not_near=c.strings(k.get("not_near"), "'not_near'"),
        window=win,
    )
    if not ctx.near and not ctx.not_near:
        c.add(node, "'context' needs 'near' or 'not_near' words")
    return ctx


def _examples(c: _Collector, node: Located | None) -> tuple[Example, ...]:
    out = []
    for item in _items(node):
        if not isinstance(item.value, dict):
            c.add(item, "an example is a mapping {input: ..., output: ...}")
            continue
        k = c.keys(item, EXAMPLE_KEYS, "an example")
        inp, outp = c.string(k.get("input"), "'input'"), c.string(k.get("output"), "'output'")
        if inp is None or outp is None:
            c.add(item, "an example needs both 'input' and 'output'")
            continue
        out.append(Example(inp, outp, Location(c.path, item.line, item.column)))
    return tuple(out)


def _check_ids(c: _Collector, entries: list[Entry]) -> None:
    seen: dict[str, Entry] = {}
    for e in entries:
        if e.id in seen:
            loc = e.location
            c.add(
                (loc.line, loc.column) if loc else (1, 1),
                f"duplicate entry id {e.id!r} (also for term {seen[e.id].term!r}); "
                "give one of them an explicit 'id'",
            )
        seen[e.id] = e


def cross_check(glossaries: Iterable[Glossary]) -> list[Problem]:
    """Checks across all loaded glossaries: duplicate names, ambiguous variants, cascades."""
    problems: list[Problem] = []
    names: dict[str, Glossary] = {}
    by_variant: dict[str, Entry] = {}
    terms: dict[str, Entry] = {}
    entries = [e for g in glossaries for e in g.entries]
    for g in glossaries:
        if g.name in names:
            problems.append(
                Problem(
                    g.path,
                    1,
                    1,
                    f"glossary name {g.name!r} is also used by "
                    f"{names[g.name].path}; rule ids must be unique",
                )
            )
        names[g.name] = g
    for e in entries:
        terms.setdefault(e.term.casefold(), e)
        for v in e.variants:
            key = " ".join(v.casefold().split())
            other = by_variant.get(key)
            if other is not None and other is not e and e.context is None and other.context is None:
                problems.append(
                    _at(
                        e,
                        f"variant {v!r} of {e.rule_id} is also a variant of "
                        f"{other.rule_id} and neither has a 'context': ambiguous; "
                        "add a context to one or remove the duplicate",
                    )
                )
            by_variant.setdefault(key, e)
    for e in entries:
        for v in e.variants:
            other = terms.get(v.casefold())
            if other is not None and other is not e:
                problems.append(
                    _at(
                        e,
                        f"variant {v!r} of {e.rule_id} is the term of "
                        f"{other.rule_id}; replacements are not rescanned (no cascade)",
                        "warning",
                    )
                )
    return problems


def _at(e: Entry, message: str, severity: str = "error") -> Problem:
    loc = e.location or Location("<memory>", 0, 0)
    return Problem(loc.path, loc.line, loc.column, message, severity)


def load_glossaries(
    paths: Iterable[str | Path], *, warnings: list[Problem] | None = None
) -> list[Glossary]:
    """Load every file; raise GlossaryError with all problems if any file is bad."""
    glossaries: list[Glossary] = []
    problems: list[Problem] = []
    for p in paths:
        path = Path(p)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            problems.append(Problem(str(p), 0, 0, "glossary file not found; check the path"))
            continue
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(str(p), 0, 0, f"cannot read glossary: {exc}"))
            continue
        glossary, found = load_glossary_text(text, str(p))
        problems.extend(found)
        if glossary is not None:
            glossaries.append(glossary)
    problems.extend(cross_check(glossaries))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise GlossaryError(problems=errors + [p for p in problems if p.severity != "error"])
    if warnings is not None:
        warnings.extend(problems)
    return glossaries
