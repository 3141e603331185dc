"""Corpus mining (``mtnorm suggest``) and merging reviewed drafts (``mtnorm glossary merge``).

:func:`mine` runs suspect detection over many files, clusters the renderings of one entity (the
same source name, the same top candidate, or the same words up to case and inflection), counts
them and keeps the words near them and example sentences. :func:`write_draft` writes the
clusters as a v1 glossary with ``action: suggest`` for a human to review; :func:`merge` adds the
reviewed entries to an existing glossary file, keeping its comments and layout (``ruamel.yaml``
round-trip): new entries are appended, new variants and source forms join an entry with the
same id or term.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regex

from .edits import Suggestion
from .errors import InputError, MtnormError
from .glossary_model import Glossary
from .mining_merge import TODO, MergeResult, dump_yaml, flow, merge, merge_main
from .suspects import find_suspects
from .suspects_lex import sentences, tokens, zipf_en

__all__ = [
    "DraftEntry",
    "MergeResult",
    "draft_text",
    "main",
    "merge",
    "merge_main",
    "mine",
    "write_draft",
]

_INFLECTION = regex.compile(r"(?:['’]s|s)$")


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One suspect in one file."""

    path: str
    line: int
    text: str
    sentence: str
    suggestion: Suggestion


@dataclass(frozen=True, slots=True)
class DraftEntry:
    """A cluster of renderings of one entity, ready to be written as a draft glossary entry."""

    term: str
    variants: tuple[tuple[str, int], ...]  # (rendering, count), most frequent first
    near: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    files: int = 0
    score: float = 0.0

    @property
    def count(self) -> int:
        return sum(n for _, n in self.variants)


def _read(path: str) -> str:
    from .fileio import read_text

    return read_text(path)[0]


def mine(
    paths: Sequence[str | Path],
    sources: Sequence[str | Path] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    glossaries: Sequence[str | Path | Glossary] = (),
) -> list[DraftEntry]:
    """Scan files (``sources``: line-aligned source files, one per path) into draft entries,
    most frequent first. ``progress(done, total, path)`` is called after each file.

    With ``glossaries``, the engine runs with them, so what they already fix is not drafted
    again and near-misses of their variants are; without, suspect detection runs alone.
    """
    if sources is not None and len(sources) != len(paths):
        raise InputError(
            f"{len(sources)} source files for {len(paths)} corpus files; give one each"
        )
    finder = _finder(glossaries)
    occurrences: list[Occurrence] = []
    for i, p in enumerate(paths):
        text = _read(str(p))
        source = _read(str(sources[i])) if sources is not None else None
        occurrences.extend(_occurrences(str(p), text, source, finder))
        if progress is not None:
            progress(i + 1, len(paths), str(p))
    return sorted(
        (_draft(c) for c in _clusters(occurrences)), key=lambda d: (-d.count, d.variants[0][0])
    )


_Finder = Callable[[str, str | None], Sequence[Suggestion]]


def _finder(glossaries: Sequence[str | Path | Glossary]) -> _Finder:
    """Suspects of a text: through the engine when glossaries are given (they cover spans)."""
    if not glossaries:
        return lambda text, source: find_suspects(text, covered=(), entries=(), source=source)
    from .engine import Normalizer

    engine = Normalizer(glossaries, rules={"cleanup": "off"})

    def run(text: str, source: str | None) -> Sequence[Suggestion]:
        report = engine.check(text, source=source)
        return [s for s in report.suggestions if s.rule.startswith("suspect/")]

    return run


def _occurrences(path: str, text: str, source: str | None, finder: _Finder) -> list[Occurrence]:
    found = finder(text, source)
    sents = sentences(text)
    out = []
    for s in found:
        sentence = next((x for x in sents if x.start <= s.start < x.end), None)
        body = text[sentence.start : sentence.end] if sentence else s.text
        out.append(Occurrence(path, text.count("\n", 0, s.start) + 1, s.text, body, s))
    return out


def _keys(o: Occurrence) -> list[str]:
    """Cluster keys: words up to case and inflection; the top candidate; the source name."""
    words = [_INFLECTION.sub("", w.text.casefold()) for w in tokens(o.text)]
    keys = ["text:" + " ".join(words)]
    cands = o.suggestion.candidates
    if cands:
        keys.append("cand:" + cands[0].text.casefold())
    return keys


def _clusters(occurrences: Sequence[Occurrence]) -> list[list[Occurrence]]:
    """Union occurrences that share any key."""
    parent = list(range(len(occurrences)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, o in enumerate(occurrences):
        for k in _keys(o):
            if k in first:
                parent[find(i)] = find(first[k])
            else:
                first[k] = i
    groups: dict[int, list[Occurrence]] = {}
    for i, o in enumerate(occurrences):
        groups.setdefault(find(i), []).append(o)
    return list(groups.values())


def _draft(group: Sequence[Occurrence]) -> DraftEntry:
    renderings = Counter(o.text for o in group)
    cand_scores: dict[str, float] = {}
    for o in group:
        for c in o.suggestion.candidates[:3]:
            cand_scores[c.text] = cand_scores.get(c.text, 0.0) + c.score
    term = max(cand_scores, key=lambda t: cand_scores[t]) if cand_scores else TODO
    source = sorted(
        {
            _nominative(m.group(1))
            for o in group
            for m in _SOURCE_IN_MESSAGE.finditer(o.suggestion.message)
        }
    )
    examples = list(dict.fromkeys(o.sentence.strip() for o in group))[:3]
    return DraftEntry(
        term=term,
        variants=tuple(sorted(renderings.items(), key=lambda kv: (-kv[1], kv[0]))),
        near=_near_words(group),
        examples=tuple(examples),
        source=tuple(source),
        rules=tuple(sorted({o.suggestion.rule for o in group})),
        files=len({o.path for o in group}),
        score=round(max(o.suggestion.score for o in group), 3),
    )


_SOURCE_IN_MESSAGE = regex.compile(r"«([^«»]+)»")


def _nominative(phrase: str) -> str:
    """A source form as glossaries keep it: nominative, lower case («Новичком» → новичок)."""
    from .translit import to_nominative

    return to_nominative(phrase).casefold()


def _near_words(group: Sequence[Occurrence], window: int = 6, keep: int = 4) -> tuple[str, ...]:
    """Content words near the renderings, most frequent first (for ``context.near``). Words
    count by their first five letters, so "poisoned" and "poisoning" agree; where several
    occurrences exist, a word must be near two of them."""
    counts: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    for o in group:
        toks = [t.text for t in tokens(o.sentence)]
        span = {t.text.casefold() for t in tokens(o.text)}
        idx = next((i for i, t in enumerate(toks) if t.casefold() in span), None)
        if idx is None:
            continue
        stems: set[str] = set()
        for w in (t.casefold() for t in toks[max(0, idx - window) : idx + window + 1]):
            if w not in span and len(w) >= 4 and w.isalpha() and zipf_en(w) < 6.0:
                stems.add(w[:5])
                forms.setdefault(w[:5], Counter())[w] += 1
        counts.update(stems)
    needed = 2 if len(group) > 1 else 1
    return tuple(
        forms[stem].most_common(1)[0][0] for stem, n in counts.most_common(keep) if n >= needed
    )


def write_draft(entries: Iterable[DraftEntry], path: str | Path, name: str = "draft") -> None:
    """Write a v1 glossary of ``action: suggest`` entries with counts as comments ('-': stdout)."""
    text = draft_text(entries, name)
    if str(path) == "-":
        sys.stdout.write(text)
        return
    from .fileio import atomic_write

    target = Path(path)
    if target.exists():
        atomic_write(target, text)
    else:
        target.write_text(text, encoding="utf-8")


def draft_text(entries: Iterable[DraftEntry], name: str = "draft") -> str:
    """The draft glossary as YAML text (see :func:`write_draft`)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    doc = CommentedMap()
    doc["name"] = name
    doc["languages"] = CommentedMap(source="ru", target="en")
    doc["languages"].fa.set_flow_style()
    doc["description"] = "Draft from `mtnorm suggest`: review each entry, set its term, then merge."
    items = CommentedSeq()
    for d in entries:
        items.append(_entry_map(d))
        note = f"seen {d.count}x in {d.files} file(s): " + ", ".join(
            f"'{v}' x{n}" for v, n in d.variants
        )
        note += f"; rules {', '.join(d.rules)}; score {d.score}"
        if d.term == TODO:
            note += "; no candidate found: set the term"
        items.yaml_set_comment_before_after_key(len(items) - 1, before=note, indent=2)
    doc["entries"] = items
    return dump_yaml(
        doc, header="Draft glossary for human review (action: suggest never rewrites text)."
    )


def _entry_map(d: DraftEntry) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    m = CommentedMap()
    m["term"] = d.term
    variants = [v for v, _ in d.variants if v.casefold() != d.term.casefold()]
    m["variants"] = flow(CommentedSeq(variants))
    if d.source:
        m["source"] = flow(CommentedSeq(d.source))
    if d.near:
        m["context"] = CommentedMap(near=flow(CommentedSeq(d.near)))
    m["action"] = "suggest"
    if d.examples:
        m["examples"] = CommentedSeq(flow(CommentedMap(input=e, output=e)) for e in d.examples)
    return m


def main(argv: list[str]) -> int:
    """``mtnorm suggest CORPUS... [--source PATH...] -o draft.yaml``."""
    p = argparse.ArgumentParser(
        prog="mtnorm suggest", description="Mine a corpus into a draft glossary."
    )
    p.add_argument("corpus", nargs="+", help="MT text files (folders: their *.txt files)")
    p.add_argument(
        "--source",
        action="append",
        default=None,
        metavar="PATH",
        help="the line-aligned source file of each corpus file, in the same order",
    )
    p.add_argument("-o", "--output", default="-", help="draft glossary to write ('-': stdout)")
    p.add_argument("--name", default="draft", help="the draft glossary's name (default: draft)")
    p.add_argument("--min-count", type=int, default=1, help="keep entities seen this many times")
    p.add_argument(
        "--glossary",
        action="append",
        default=[],
        metavar="PATH",
        help="known glossaries: what they fix is not drafted again (repeatable)",
    )
    args = p.parse_args(argv)
    paths = _expand(args.corpus)
    sources = _expand(args.source) if args.source else None
    drafts = _with_progress(lambda cb: mine(paths, sources, cb, args.glossary), len(paths))
    kept = [d for d in drafts if d.count >= args.min_count]
    write_draft(kept, args.output, name=args.name)
    print(f"{len(kept)} draft entries from {len(paths)} file(s)", file=sys.stderr)
    return 0


def _expand(items: Sequence[str]) -> list[str]:
    out: list[str] = []
    for item in items:
        path = Path(item)
        if path.is_dir():
            out.extend(str(f) for f in sorted(path.rglob("*.txt")))
        else:
            out.append(item)
    if not out:
        raise MtnormError("no corpus files found")
    return out


def _with_progress(
    run: Callable[[Callable[[int, int, str], None] | None], list[DraftEntry]], total: int
) -> list[DraftEntry]:
    """Run with a ``rich`` progress bar when standard error is a terminal."""
    if not sys.stderr.isatty():
        return run(None)
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task("mining", total=total)
        return run(lambda done, _total, _path: bar.update(task, completed=done))
