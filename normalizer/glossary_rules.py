"""Glossary entries compiled into one matcher, with the spec's policies applied per match.

Policies, in the order they apply to a chosen span: context (rule 6, 7), case ("Case"), quotes
("Quotes"), possessive (rule 3: the ``'s`` stays outside the edit), article agreement ("a
companion" -> "an ally", reported as part of the same edit).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import regex

from . import rxcache
from .casing import article_for, case_class, case_forms
from .glossary_model import Context, Entry
from .matcher import build_finder, normalize_key
from .patterns import SEARCH_TIMEOUT, compile_pattern
from .text import is_boundary

__all__ = ["GlossaryFinding", "GlossaryMatcher", "QUOTE_PAIRS"]

QUOTE_PAIRS = {
    "\u00ab": "\u00bb",  # « »
    "\u201c": "\u201d",  # “ ”
    "\u201e": "\u201c\u201d",  # „ “ (and „ ” as written in some house styles)
    '"': '"',
    "\u2039": "\u203a",  # ‹ ›
}
_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"'\u00bb\u201d\u2019)\]]*\s+|\n[ \t]*\n")
_ARTICLE_BEFORE = re.compile(r"(?<![\w'\u2019])(an|a)(\s+)\Z", re.IGNORECASE)
_INFLECTION = r"(?:e?s|e?d|ing)?"
_WORDS = re.compile(r"\w+(?:['\u2019]\w+)*")


@dataclass(frozen=True, slots=True)
class GlossaryFinding:
    """A rewrite proposed by ``entry`` for ``text[start:end]`` (already including quotes and a
    fixed article)."""

    start: int
    end: int
    old: str
    new: str
    entry: Entry
    matched: str


class _Phrases:
    """Whole-word, case-insensitive search for context words and phrases."""

    def __init__(self, phrases: Sequence[str]) -> None:
        # A context word also matches its regular English inflections ("poison" is near in
        # "poisoned", "poisoning"): the spec's own example needs it, and a context is evidence
        # of a topic, not a spelling.
        alts = sorted(
            (r"\s+".join(map(regex.escape, p.split())) + _INFLECTION for p in phrases),
            key=len,
            reverse=True,
        )
        self._source = "|".join(alts)
        self._rx: regex.Pattern[str] | None = None  # compiled on first use: most never are

    def found(self, text: str, start: int, end: int, skip: tuple[int, int]) -> bool:
        if not self._source:
            return False
        if self._rx is None:
            self._rx = rxcache.compile(self._source, regex.IGNORECASE | regex.V0)
        for m in self._rx.finditer(text, start, end, overlapped=True):
            if m.start() >= skip[0] and m.end() <= skip[1]:
                continue  # the match itself does not count as its own context
            if is_boundary(text, m.start(), m.end()):
                return True
        return False


class _CompiledContext:
    def __init__(self, ctx: Context) -> None:
        self.near = _Phrases(ctx.near)
        self.not_near = _Phrases(ctx.not_near)
        self.has_near = bool(ctx.near)
        self.window = ctx.window

    def holds(self, text: str, start: int, end: int) -> bool:
        lo, hi = _region(text, start, end, self.window)
        if self.has_near and not self.near.found(text, lo, hi, (start, end)):
            return False
        return not self.not_near.found(text, lo, hi, (start, end))


def _region(text: str, start: int, end: int, window: int | None) -> tuple[int, int]:
    """The character range a context is looked for in: ``window`` words either side, else the
    sentence around the match."""
    if window is None:
        lo = max(0, start - 2000)  # a bounded look-back keeps streamed chunks exact
        for m in _SENTENCE_END.finditer(text, lo, start):
            lo = m.end()
        m2 = _SENTENCE_END.search(text, end, end + 2000)
        hi = m2.start() if m2 else min(len(text), end + 2000)
        return lo, hi
    before = list(_WORDS.finditer(text, max(0, start - 40 * window), start))
    after = _WORDS.finditer(text, end, min(len(text), end + 40 * window))
    lo = (
        before[-window].start()
        if len(before) >= window
        else (before[0].start() if before else start)
    )
    hi = end
    for i, m in enumerate(after):
        hi = m.end()
        if i + 1 >= window:
            break
    return lo, hi


class GlossaryMatcher:
    """All entries of all glossaries, compiled once. Picklable (rebuilt from entries)."""

    def __init__(self, entries: Sequence[Entry], engine: str = "auto") -> None:
        self.entries = tuple(entries)
        self.engine = engine
        keys: dict[str, int] = {}
        owners: list[list[int]] = []
        for idx, e in enumerate(self.entries):
            for v in e.variants:
                k = normalize_key(v)
                if k not in keys:
                    keys[k] = len(owners)
                    owners.append([])
                if idx not in owners[keys[k]]:
                    owners[keys[k]].append(idx)
        self._owners = [tuple(o) for o in owners]
        self._finder = build_finder(list(keys), engine)
        # occurrences, and whether the text may hold "www." (True when the finder cannot tell)
        self._occurrences: Callable[[str], tuple[list[tuple[int, int, int]], bool]] = getattr(
            self._finder, "occurrences_www", self._hits
        )
        # per entry (on first use): what case transfer makes of its term for each case class,
        # and whether quotes around a match go (the hot path touches no Entry object)
        self._info: list[tuple[str, str, str, str, str] | None] = [None] * len(self.entries)
        self._patterns = [(idx, p) for idx, e in enumerate(self.entries) for p in e.patterns]
        self._contexts = {
            idx: _CompiledContext(e.context)
            for idx, e in enumerate(self.entries)
            if e.context is not None
        }

    def __reduce__(self) -> tuple[type, tuple[tuple[Entry, ...], str]]:
        return (type(self), (self.entries, self.engine))

    def _hits(self, text: str) -> tuple[list[tuple[int, int, int]], bool]:
        return [(h.start, h.end, h.key) for h in self._finder.find_all(text)], True

    def _chosen(self, text: str) -> tuple[list[tuple[int, int, tuple[int, ...]]], list[str]]:
        """Spans chosen leftmost-longest over variant and pattern hits, each with its candidate
        entries in glossary order; and warnings (e.g. pattern timeouts)."""
        spans, warnings, _ = self._chosen_www(text)
        return spans, warnings

    def _chosen_www(
        self, text: str
    ) -> tuple[list[tuple[int, int, tuple[int, ...]]], list[str], bool]:
        occ, www = self._occurrences(text)
        # candidate "keys" below are entry-ordered owner lists: variant keys first, then patterns
        owner_lists: list[tuple[int, ...]] = self._owners
        warnings: list[str] = []
        if self._patterns:
            owner_lists = list(owner_lists)
            for idx, pattern in self._patterns:
                owner_lists.append((idx,))
                key = len(owner_lists) - 1
                try:
                    for m in compile_pattern(pattern).finditer(
                        text, overlapped=True, timeout=SEARCH_TIMEOUT
                    ):
                        if m.end() > m.start() and is_boundary(text, m.start(), m.end()):
                            occ.append((m.start(), m.end(), key))
                except TimeoutError:
                    warnings.append(
                        f"{self.entries[idx].rule_id}: pattern {pattern!r} timed out; "
                        "skipped for this text"
                    )
        return select_spans(occ, owner_lists), warnings, www

    def rewrites(self, text: str) -> tuple[list[tuple[int, int, str, int, int, int]], list[str]]:
        """The edits ``text`` needs, as ``(start, end, new, entry index, match start, match
        end)`` (sorted, non-overlapping; ``start:end`` includes removed quotes and a fixed
        article), and warnings (e.g. pattern timeouts)."""
        out, warnings, _ = self.rewrites_www(text)
        return out, warnings

    def rewrites_www(
        self, text: str
    ) -> tuple[list[tuple[int, int, str, int, int, int]], list[str], bool]:
        """:meth:`rewrites`, and whether the text may hold ``www.`` after a non-word character
        (False: it certainly does not; the automaton looked for it during the same scan)."""
        spans, warnings, www = self._chosen_www(text)
        out = []
        contexts, rewrite = self._contexts, self._rewrite
        if not contexts:  # the first candidate entry of each span decides
            for start, end, order in spans:
                done = rewrite(text, start, end, order[0])
                if done is not None:
                    out.append(done)
            return out, warnings, www
        for start, end, order in spans:
            for idx in order:
                ctx = contexts.get(idx)
                if ctx is not None and not ctx.holds(text, start, end):
                    continue  # rule 7: no edit; the scan has already moved past this span
                done = rewrite(text, start, end, idx)
                if done is not None:
                    out.append(done)
                break
        return out, warnings, www

    def find(self, text: str) -> tuple[list[GlossaryFinding], list[str]]:
        """Findings for ``text`` (sorted, non-overlapping) and warnings (e.g. pattern timeouts)."""
        rewrites, warnings = self.rewrites(text)
        entries = self.entries
        findings = [
            GlossaryFinding(s, e, text[s:e], new, entries[idx], text[ms:me])
            for s, e, new, idx, ms, me in rewrites
        ]
        return findings, warnings

    def explain(self, text: str) -> list[tuple[int, int, Entry, str]]:
        """Every chosen span with each candidate entry and what happened: "edit", "no change"
        (the replacement equals the text), or "context" (its condition failed)."""
        out = []
        for start, end, order in self._chosen(text)[0]:
            for idx in order:
                entry = self.entries[idx]
                ctx = self._contexts.get(idx)
                if ctx is not None and not ctx.holds(text, start, end):
                    out.append((start, end, entry, "context"))
                    continue
                done = self._rewrite(text, start, end, idx)
                out.append((start, end, entry, "edit" if done else "no change"))
                break
        return out

    def _rewrite(
        self, text: str, start: int, end: int, idx: int
    ) -> tuple[int, int, str, int, int, int] | None:
        """Case, quotes, article (in this order); None where nothing changes."""
        matched = text[start:end]
        info = self._info[idx]
        if info is None:
            entry = self.entries[idx]
            unquote = "y" if entry.unquote else ""  # a str keeps the tuple of one type
            info = self._info[idx] = (*case_forms(entry.term, entry.case), unquote)
        new = info[0 if matched.islower() and matched.isascii() else case_class(matched)]
        s, e = start, end
        if s:
            closing = QUOTE_PAIRS.get(text[s - 1])
            if closing is not None and info[4] and e < len(text) and text[e] in closing:
                s, e = s - 1, e + 1
        if (
            s >= 2
            and text[s - 1].isspace()
            and (text[s - 2] in "aAnN" or text[s - 2].isspace())  # (inlined common "no")
            and _may_follow_article(text, s - 2)
        ):
            m = _ARTICLE_BEFORE.search(text, max(0, s - 12), s)
            if m:
                fixed = article_for(m.group(1), new)
                if fixed != m.group(1):
                    s, new = m.start(), fixed + m.group(2) + new
        if (text[s:e] if s != start or e != end else matched) == new:
            return None  # rule 8: only where the replacement differs
        return s, e, new, idx, start, end


def _may_follow_article(text: str, i: int) -> bool:
    """Whether ``text[i]``, the character before the white space before a match, may end an
    article: white space (a longer run), or the "a"/"an" of a word that starts there (a letter
    before it is a word character, which the article's look-behind refuses)."""
    c = text[i]
    if c in "aA":
        return i == 0 or not text[i - 1].isalpha()
    if c in "nN":
        return i >= 1 and text[i - 1] in "aA" and (i == 1 or not text[i - 2].isalpha())
    return c.isspace()


def select_spans(
    occ: list[tuple[int, int, int]], owners: Sequence[tuple[int, ...]]
) -> list[tuple[int, int, tuple[int, ...]]]:
    """Occurrences ``(start, end, key)`` chosen leftmost-longest without overlap (spec rule 4),
    each chosen span with the owners of its keys (glossary order). Sorts ``occ`` in place."""
    occ.sort()
    out: list[tuple[int, int, tuple[int, ...]]] = []
    pos = last = -1
    for s, e, k in occ:
        if s < pos:
            if s == last:  # the same start as the last chosen span, and as long or longer
                _, pe, po = out[-1]
                if e == pe:
                    out[-1] = (s, e, tuple(sorted({*po, *owners[k]})))
                else:
                    out[-1] = (s, e, owners[k])
                    pos = e
            continue
        if s == e:
            continue
        out.append((s, e, owners[k]))
        pos, last = e, s
    return out
