"""Unknown terms: spans that look like an MT artifact no glossary entry covers (``suspect/*``).

The engine calls :func:`find_suspects` after cleanup and glossary matching, with the spans those
stages already handled. Cheap signals come first (:mod:`normalizer.suspects_signals`): foreign
quotes, capitalized calques, common words in name position; then glossary near-misses, the
source-aware alignment (:mod:`normalizer.align`) and glossary ``source`` forms; an optional
:class:`~normalizer.scoring.base.Scorer` is asked about the resulting spans only.

Rules: ``suspect/quoted``, ``suspect/calque``, ``suspect/name-position``, ``suspect/near-miss``,
``suspect/source-term`` and ``suspect/source-name`` (a source name whose transliteration is
missing and whose aligned MT span is made of common words). All are report-only.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Sequence

import regex

from .align import Alignment, align_line, line_pairs
from .edits import Candidate, Suggestion
from .glossary_model import Entry
from .scoring.base import Scorer, SpanInContext
from .suspects_lex import TOKEN, TYPE_NOUNS, Sentence, SentenceTable, sentences
from .suspects_near import capital_scan, near_miss_hits, source_term_hits
from .suspects_scan import occurrences
from .suspects_signals import (
    Hit,
    calque_hits,
    credit_hits,
    designator_hits,
    group_name_hits,
    is_designator,
    plain_calque_word,
    plain_quoted_hits,
    plain_quotes,
    quoted_hits,
    type_noun_hits,
)

__all__ = ["MIN_SCORE", "RULES", "find_suspects"]

#: Suspects scoring below this are not reported (precision first).
MIN_SCORE = 0.5
RULES = (
    "suspect/quoted",
    "suspect/calque",
    "suspect/name-position",
    "suspect/near-miss",
    "suspect/source-term",
    "suspect/source-name",
)
_CYRILLIC = regex.compile(r"\p{Cyrillic}")


def find_suspects(
    text: str,
    *,
    covered: Sequence[tuple[int, int]],
    entries: Sequence[Entry],
    source: str | None = None,
    scorer: Scorer | None = None,
    enabled: Callable[[str], bool] = lambda rule_id: True,
) -> list[Suggestion]:
    """Suspect spans of ``text`` not inside ``covered``, as report-only suggestions sorted by
    offset, each with a score in [0, 1], its reasons and candidates (best first)."""
    table = SentenceTable(text)
    later, openers = capital_scan(text, entries)
    hits = _target_hits(text, table, later) + near_miss_hits(text, table, entries, openers)
    if source:
        alignments = _alignments(text, source)
        hits += _source_hits(alignments)
        hits += source_term_hits(text, source, entries, line_pairs(text, source), alignments)
    overlaps = _Spans(covered).overlaps
    hits = [
        h
        for h in hits
        if enabled(h.rule)
        and not overlaps(h.start, h.end)
        and not _CYRILLIC.search(text, h.start, h.end)
    ]
    if source:
        hits = [h for h in hits if not _copied_from_source(text[h.start : h.end], source)]
    groups = [_merge(text, group) for group in _cluster(hits)]
    if source:
        groups = [_with_transliterations(g, alignments) for g in groups]
    if scorer is not None:
        # Only reportable suspects go to the model: measured on WMT22, letting it promote
        # sub-threshold spans tripled false suspects (0.15 -> 0.47 per 100 sentences).
        groups = [g for g in groups if g.score >= MIN_SCORE]
        groups = _rescore(text, sentences(text), groups, scorer) if groups else groups
    return sorted((g for g in groups if g.score >= MIN_SCORE), key=lambda g: (g.start, g.end))


def _target_hits(
    text: str, table: SentenceTable, later: Sequence[tuple[int, int, str]] | None = None
) -> list[Hit]:
    """The target-only signals, each run on the sentences that could give it a hit (see
    :func:`_gated`): most sentences of clean text are never tokenized. ``later``: the
    capitalized words past their sentence's first word (:func:`capital_scan`)."""
    if later is None:
        later = capital_scan(text, ())[0]
    gated = _gated(text, table, later)
    return [
        *quoted_hits(text),
        *plain_quoted_hits(text, gated["quoted"]),
        *calque_hits(text, gated["calque"]),
        *credit_hits(text),
        *designator_hits(text, gated["designator"]),
        *type_noun_hits(text, gated["type_noun"]),
        *group_name_hits(text, gated["group_name"]),
    ]


def _words_by_initial(words: frozenset[str]) -> str:
    """An alternation grouped by first letter (3x faster to search than a flat one)."""
    groups: dict[str, list[str]] = {}
    for w in sorted(words):
        groups.setdefault(w[0], []).append(re.escape(w[1:]))
    return "|".join(f"{re.escape(k)}(?:{'|'.join(v)})" for k, v in groups.items())


# any type noun inside a case-folded sentence (a superset of the whole words the detector wants)
_TYPE_NOUN_FOLDED = re.compile(_words_by_initial(TYPE_NOUNS))
# "Companions of Navalny": a capitalized word ending in s (once case-folded), " of ", a capital
_GROUP = regex.compile(
    r"(?<![\p{L}\p{M}\p{N}])[\p{Uppercase}\p{Lt}][\p{L}\p{M}\p{N}'’-]*"
    r"[sSßẞſ] of [\p{Uppercase}\p{Lt}]"
)
_GROUP_WORD = regex.compile(r"[\p{L}\p{M}\p{N}'’-]")


def group_starts(text: str) -> list[int]:
    """Where :data:`_GROUP` matches start, found from the literal "s of " (a superset of
    ``_GROUP.finditer``'s starts: a match overlapping the previous one is kept too)."""
    out = []
    found = [i + 1 for s in "sSßẞſ" for i in occurrences(text, s + " of ")]
    for i in sorted(found):
        after = text[i + 4 : i + 5]
        if not after or after.isascii() and not after.isupper():
            continue
        j = i - 1  # back to the start of the word before " of "
        while j > 0 and _GROUP_WORD.match(text, j - 1):
            j -= 1
        m = _GROUP.search(text, j, i + 5)
        if m is not None:
            out.append(m.start())
    return out


_CONNECTOR_GAP = regex.compile(r"[^\p{L}\p{M}\p{N}]*(?:of|and|the|for|de)[^\p{L}\p{M}\p{N}]*")


def _gated(
    text: str, table: SentenceTable, later: Sequence[tuple[int, int, str]]
) -> dict[str, list[Sentence]]:
    """For each sentence detector, the sentences that pass a necessary condition of its hits,
    found by a few scans of the whole text: only those sentences are tokenized."""
    wanted: dict[int, set[str]] = {}

    def want(offset: int, key: str) -> None:
        k = table.index_of(offset)
        if k is not None:
            wanted.setdefault(k, set()).add(key)

    _capital_gates(text, table, later, want)
    _quote_gates(text, want)
    for start in group_starts(text):
        want(start, "group_name")
    out: dict[str, list[Sentence]] = {
        k: [] for k in ("quoted", "calque", "designator", "type_noun", "group_name")
    }
    for k in sorted(wanted):
        keys = wanted[k]
        if "plain" in keys and _TYPE_NOUN_FOLDED.search(text[slice(*table.spans[k])].casefold()):
            keys.add("type_noun")
        for key in keys & out.keys():
            out[key].append(table.sentence(k))
    return out


def _capital_gates(
    text: str,
    table: SentenceTable,
    later: Sequence[tuple[int, int, str]],
    want: Callable[[int, str], None],
) -> None:
    """A calque needs a run of capitalized words (spaces or a connector between, no designator)
    all plain common words, two or more past the sentence's first word (:func:`_close_run`); a
    word next to a type noun one plain word past the first ("plain"); a designator a capital
    letter past the first word after a space or hyphen, not an abbreviation ("U.S.").

    ``later`` leaves out the capitals that certainly open their sentence: one is neither past
    the first word nor, alone, a run, and the next capital of a run it opens is in its
    sentence, not the previous capital's, so the run restarts there anyway."""
    run: list[tuple[int, bool, bool]] = []  # (start, plain, past the first word) of each capital
    prev: tuple[int, int | None] = (-1, None)  # end and sentence of the previous capital
    for start, end, word in later:
        is_plain, designator = _kind(word)
        k = table.index_of(start)
        past = k is not None and table.past_first_word(k, start)
        if past and designator and text[start - 1 : start] in (" ", "-"):
            if text[end : end + 1] != ".":
                want(start, "designator")
        if past and is_plain:
            want(start, "plain")
        joins = run and prev[1] == k and _adjacent(text, prev[0], start)
        if designator or k is None or not joins:
            _close_run(run, want)
            run = []
        if not designator and k is not None:
            run.append((start, is_plain, past))
        prev = (end, k)
    _close_run(run, want)


def _close_run(run: Sequence[tuple[int, bool, bool]], want: Callable[[int, str], None]) -> None:
    """Its sentence may hold a calque if the run, or the run without its first word (a run that
    opens a sentence or a part of it loses that word), is two or more plain words."""
    for words in (run, run[1:]):
        if len(words) >= 2 and all(plain and past for _, plain, past in words):
            want(words[0][0], "calque")
            return


def _adjacent(text: str, end: int, start: int) -> bool:
    """Two capitalized words of one run: only spaces between, or a connector ("of")."""
    between = text[end:start]
    return not between.strip(" ") or _CONNECTOR_GAP.fullmatch(between) is not None


def _quote_gates(text: str, want: Callable[[int, str], None]) -> None:
    """A plain-quoted name: up to four words in English quotes, all but designators capitalized
    plain common words."""
    for m in plain_quotes(text):
        group = 1 if m.group(1) is not None else 2
        words = TOKEN.findall(text, m.start(group), m.end(group))
        names = [w for w in words if not is_designator(w)]
        if names and len(words) <= 4 and all(w[:1].isupper() and _kind(w)[0] for w in names):
            want(m.start(group), "quoted")


@functools.lru_cache(maxsize=65536)
def _kind(word: str) -> tuple[bool, bool]:
    """(a plain common word, a designator letter) for a capitalized word."""
    return plain_calque_word(word), is_designator(word)


def _alignments(text: str, source: str) -> list[Alignment]:
    out: list[Alignment] = []
    for start, end, line in line_pairs(text, source):
        out.extend(align_line(text, start, end, line))
    return out


def _source_hits(alignments: Sequence[Alignment]) -> list[Hit]:
    """MT spans aligned with a source name whose transliteration the MT lacks."""
    hits = []
    for a in alignments:
        if a.found or a.end <= a.start:
            continue
        reason = f"source has «{a.name.text}», translation lacks '{a.name.suggestion}'"
        if a.partial:
            reason = f"a partial transliteration of «{a.name.text}» ('{a.name.suggestion}')"
        hits.append(Hit(a.start, a.end, "suspect/source-name", 0.6, reason, (a.candidate,)))
    return hits


def _with_transliterations(s: Suggestion, alignments: Sequence[Alignment]) -> Suggestion:
    """Add the transliteration of an aligned source name to a suspect found by target signals."""
    extra = [a.candidate for a in alignments if not a.found and a.start < s.end and s.start < a.end]
    if not extra:
        return s
    return _replace(s, candidates=_rank([*s.candidates, *extra]))


def _copied_from_source(span: str, source: str) -> bool:
    """A span that stands in the source as it is (a Latin brand name) is no translation artifact."""
    return bool(span.strip()) and span.casefold() in source.casefold()


class _Spans:
    """Spans asked whether any overlaps a given one, in O(log n): sorted by start, with the
    largest end among each prefix (the spans starting before ``end`` reach past ``start``)."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [a for a, _ in ordered]
        self._reach: list[int] = []
        top = -1
        for _, b in ordered:
            top = max(top, b)
            self._reach.append(top)

    def overlaps(self, start: int, end: int) -> bool:
        """``any(start < b and a < end for a, b in spans)``."""
        i = bisect.bisect_left(self._starts, end)
        return i > 0 and self._reach[i - 1] > start


def _cluster(hits: Sequence[Hit]) -> list[list[Hit]]:
    """Group overlapping hits: one span, one suggestion."""
    groups: list[list[Hit]] = []
    end = -1
    for h in sorted(hits, key=lambda h: (h.start, -h.end)):
        if groups and h.start < end:
            groups[-1].append(h)
            end = max(end, h.end)
        else:
            groups.append([h])
            end = h.end
    return groups


def _merge(text: str, group: Sequence[Hit]) -> Suggestion:
    """One suggestion from overlapping hits: the strongest hit's span and rule; independent
    reasons combine by noisy-or (each is a separate chance the span is an artifact)."""
    best = max(group, key=lambda h: (h.weight, h.end - h.start))
    miss = 1.0
    reasons: list[str] = []
    for h in sorted(group, key=lambda h: -h.weight):
        for part in h.reason.split("; "):
            if part not in reasons:
                reasons.append(part)
        miss *= 1.0 - h.weight
    score = round(min(0.99, 1.0 - miss), 3)
    candidates = _rank([c for h in group for c in h.candidates])
    span = text[best.start : best.end]
    return Suggestion(best.start, best.end, span, best.rule, score, candidates, "; ".join(reasons))


def _rank(candidates: Sequence[Candidate]) -> tuple[Candidate, ...]:
    """Deduplicate (case-insensitively, keeping the best score) and sort best first."""
    best: dict[str, Candidate] = {}
    for c in candidates:
        key = c.text.casefold()
        if key not in best or c.score > best[key].score:
            best[key] = c
    return tuple(sorted(best.values(), key=lambda c: -c.score))


def _replace(s: Suggestion, **changes: object) -> Suggestion:
    from dataclasses import replace

    return replace(s, **changes)  # type: ignore[arg-type]


def _rescore(
    text: str, sents: Sequence[Sentence], groups: Sequence[Suggestion], scorer: Scorer
) -> list[Suggestion]:
    """Adjust cheap scores by the scorer's, asked once (batched) for the suspect spans only;
    re-rank candidates by the scorer's plausibility of each in the sentence."""
    # a zero-width finding (a source term with no MT span) has nothing for the model to read
    spans = [g for g in groups if g.end > g.start]
    contexts = [_context(text, sents, g) for g in spans]
    model = scorer.artifact_scores(contexts) if spans else []
    out = [g for g in groups if g.end <= g.start]
    for g, ctx, m in zip(spans, contexts, model, strict=True):
        # The model moves a cheap score by at most ±0.1: small models are noisy, and a span no
        # cheap signal supports should not become a suspect on the model's word alone.
        score = round(min(0.99, max(0.0, g.score + 0.2 * (float(m) - 0.5))), 3)
        cands = g.candidates
        if cands:
            plaus = scorer.rank_candidates(ctx, [c.text for c in cands])
            cands = _rank(
                [
                    Candidate(c.text, round(0.5 * c.score + 0.5 * float(p), 3), c.origin)
                    for c, p in zip(cands, plaus, strict=True)
                ]
            )
        out.append(
            _replace(g, score=score, candidates=cands, message=f"{g.message}; model {m:.2f}")
        )
    return out


def _context(text: str, sents: Sequence[Sentence], g: Suggestion) -> SpanInContext:
    for i, s in enumerate(sents):
        if s.start <= g.start < s.end or (s.start <= g.start and g.end <= s.end):
            prev = text[sents[i - 1].start : sents[i - 1].end] if i else ""
            return SpanInContext(
                text[s.start : s.end], g.start - s.start, min(g.end, s.end) - s.start, prev
            )
    return SpanInContext(text[g.start : g.end], 0, g.end - g.start)
