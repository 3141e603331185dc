"""The Normalizer: glossaries, cleanup rules and suspect detection over one text.

Stages run against the original text, in priority order (earlier wins overlapping edits):
1. glossary entries (leftmost-longest across all glossaries);
2. cleanup rules (:mod:`normalizer.cleanup`);
3. suspects on spans nobody else covered (:mod:`normalizer.suspects`), then the optional scorer.
``check`` finds everything and changes nothing; ``fix`` applies the edits once with
:func:`normalizer.edits.apply_edits`.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .cache import load_glossaries_cached
from .config import Config, RuleLevels, load_config
from .edits import (
    Candidate,
    Edit,
    Report,
    Safety,
    Suggestion,
    apply_edits,
    compose_edits,
    offsets_before,
)
from .glossary_model import Entry, Glossary
from .glossary_rules import GlossaryMatcher
from .protect import Inside, protected_spans
from .scoring.base import Scorer

__all__ = ["Normalizer"]


def as_suggestion(edit: Edit, origin: str = "rule", note: str = "") -> Suggestion:
    """A report-only form of an edit (its rule is at ``warn``, or it lost an overlap)."""
    message = edit.message + (f" ({note})" if note else "")
    return Suggestion(
        edit.start, edit.end, edit.old, edit.rule, 1.0, (Candidate(edit.new, 1.0, origin),), message
    )


class Normalizer:
    """Built once from glossaries and settings; ``check``/``fix`` many texts. Thread-safe and
    picklable: all state is read-only after construction."""

    def __init__(
        self,
        glossaries: Iterable[str | Path | Glossary] = (),
        *,
        rules: Mapping[str, str] | None = None,
        select: Iterable[str] | None = None,
        ignore: Iterable[str] = (),
        options: Mapping[str, Mapping[str, Any]] | None = None,
        scorer: Scorer | None = None,
        engine: str = "auto",
        apply_suggestions: float | None = None,
    ) -> None:
        items = list(glossaries)
        paths = [g for g in items if not isinstance(g, Glossary)]
        # [perf hook] content-keyed cache of parsed glossaries (normalizer/cache.py)
        loaded = load_glossaries_cached(paths) if paths else []
        self.glossaries: tuple[Glossary, ...] = tuple(
            [g for g in items if isinstance(g, Glossary)] + loaded
        )
        self.levels = RuleLevels(rules, select=select, ignore=ignore)
        self.options: Mapping[str, Mapping[str, Any]] = dict(options or {})
        self.scorer = scorer
        self.apply_suggestions = apply_suggestions
        self.engine = engine
        self.entries: tuple[Entry, ...] = tuple(e for g in self.glossaries for e in g.entries)
        self._matcher = GlossaryMatcher(self.entries, engine)
        # per entry (on first use): level, rule id, safety, and its messages by replacement
        self._routes: dict[int, tuple[str, str, Safety, dict[str, str]]] = {}

    @classmethod
    def from_config(
        cls,
        path: str | Path | Config | None = None,
        *,
        glossaries: Iterable[str | Path] = (),
        select: Iterable[str] | None = None,
        ignore: Iterable[str] = (),
        start: Path | None = None,
        scorer: Scorer | None = None,
        apply_suggestions: float | None = None,
    ) -> Normalizer:
        """Build from ``config.yaml`` (looked up per the interfaces spec when ``path`` is None)."""
        config = path if isinstance(path, Config) else load_config(path, start=start)
        files = [*config.glossary_paths(), *map(Path, glossaries)]
        return cls(
            files,
            rules=config.rules,
            select=select,
            ignore=ignore,
            options=config.options,
            scorer=scorer,
            engine=config.engine,
            apply_suggestions=apply_suggestions,
        )

    # -- public API ---------------------------------------------------------------------------

    def check(self, text: str, source: str | None = None) -> Report:
        """Everything that would change and every suggestion; ``report.text`` is unchanged."""
        edits, suggestions = self._settled(text, source)
        return Report(original=text, text=text, edits=tuple(edits), suggestions=tuple(suggestions))

    def fix(self, text: str, source: str | None = None) -> Report:
        """Apply the safe edits once; ``report.edits`` are the applied edits."""
        edits, suggestions = self._settled(text, source)
        return Report(
            original=text,
            text=apply_edits(text, edits),
            edits=tuple(edits),
            suggestions=tuple(suggestions),
        )

    def fix_stream(
        self, reader: Any, writer: Any, *, chunk_size: int = 1 << 20, overlap: int = 1 << 14
    ) -> Any:
        """[perf hook] Fix text of any size in bounded memory (see :mod:`normalizer.stream`)."""
        from .stream import fix_stream

        return fix_stream(self, reader, writer, chunk_size=chunk_size, overlap=overlap)

    def normalize(self, text: str, source: str | None = None) -> Report:
        """The library entry point of the interfaces spec: the same as :meth:`fix`."""
        return self.fix(text, source)

    def explain(self, text: str) -> list[tuple[int, int, Entry, str]]:
        """Glossary matches with what each candidate entry made of them ("edit", "no change",
        "context" where its condition failed): the why-not behind ``mtnorm explain``."""
        return self._matcher.explain(text)

    def level(self, rule: str, default: str = "fix") -> str:
        return self.levels.level(rule, default)

    # -- stages -------------------------------------------------------------------------------

    def _settled(self, text: str, source: str | None) -> tuple[list[Edit], list[Suggestion]]:
        """Edits whose one application is final, so ``fix(fix(x))`` changes nothing.

        Two kinds of first-pass edit leave work for a second pass over the fixed text: one that
        lost an overlap only in part (a cleanup edit that also covered text past a glossary
        edit), and a cleanup edit that may complete a glossary variant ("Sailor&#160;silence",
        a Cyrillic "е" in "Newbiе"). What that pass finds touching them is folded into the
        first pass's edits; what it finds elsewhere is not kept, so the result never depends on
        text far away (a streamed window sees only its neighbourhood). Rare, so usually one
        pass; suggestions inside the new edits go.
        """
        edits, suggestions, regions = self._findings(text, source)
        regions += [(e.start, e.end) for e in edits if _may_complete_a_variant(text, e)]
        first = edits
        for _ in range(_SETTLE_PASSES):
            if not regions:
                break
            mid = apply_edits(text, edits)
            more, _, conflicts = self._findings(mid, None, suspects=False)
            back = offsets_before(edits)
            more = [e for e in more if _touches(back(e.start), back(e.end), regions)]
            if not more:
                break
            regions = [(back(a), back(b)) for a, b in conflicts]
            edits = compose_edits(text, edits, more, mid)
        if edits is not first:
            grown = [(e.start, e.end) for e in set(edits).difference(first)]
            suggestions = [
                x for x in suggestions if not any(a <= x.start and x.end <= b for a, b in grown)
            ]
        return edits, suggestions

    def _findings(
        self, text: str, source: str | None, *, suspects: bool = True
    ) -> tuple[list[Edit], list[Suggestion], list[tuple[int, int]]]:
        """Kept edits, suggestions, and the spans of edits that lost an overlap in part
        (see :meth:`_settled`)."""
        # priority order: glossary, then cleanup
        proposed, suggestions, maybe_www = self._glossary(text)
        for item in self._cleanup(text):
            if isinstance(item, Suggestion):
                if self.levels.enabled(item.rule, "warn"):
                    suggestions.append(item)
            else:
                self._route(item, self._cleanup_default(item.rule), proposed, suggestions)
        protected = protected_spans(text, www=maybe_www)
        if protected:
            inside = Inside(protected)
            proposed = [e for e in proposed if not inside(e.start, e.end)]
            suggestions = [x for x in suggestions if not inside(x.start, x.end)]
        kept, skipped = select_by_priority(proposed)
        conflicts = _unsubsumed(skipped, kept)
        suggestions.extend(conflicts)
        unsettled = [(c.start, c.end) for c in conflicts]
        if not suspects:
            return kept, suggestions, unsettled
        if self.levels.enabled("suspect", "warn"):
            # spans already reported (edits, glossary/cleanup findings at warn) are not suspects
            covered = [(e.start, e.end) for e in kept] + [(s.start, s.end) for s in suggestions]
            covered += protected
            suggestions.extend(self._suspects(text, covered, source))
        if self.apply_suggestions is not None:
            kept, suggestions = self._promote(kept, suggestions)
        suggestions.sort(key=lambda s: (s.start, s.end, s.rule))
        return kept, suggestions, unsettled

    def _glossary(self, text: str) -> tuple[list[Edit], list[Suggestion], bool]:
        """The glossary stage: edits at ``fix``, suggestions at ``warn`` (per entry rule); and
        whether the text may hold ``www.`` (see :func:`protected_spans`)."""
        from .edits import unchecked_edit

        edits: list[Edit] = []
        suggestions: list[Suggestion] = []
        routes = self._routes
        rewrites, warnings, maybe_www = self._matcher.rewrites_www(text)
        for warning in warnings:  # "rule id: what happened": a pattern stopped by its time bound
            rule = warning.split(": ", 1)[0]
            if self.levels.level(rule, "warn") != "off":
                suggestions.append(Suggestion(0, 0, "", rule, 1.0, (), warning))
        for s, e, new, idx, _, _ in rewrites:
            route = routes.get(idx)
            if route is None:
                route = routes[idx] = self._entry_route(idx)
            level, rule, safety, messages = route
            if level == "off":
                continue
            message = messages.get(new)
            if message is None:
                if len(messages) >= 64:  # an entry's messages: one per form of its term
                    messages.clear()
                note = self.entries[idx].note
                message = messages[new] = f"use {new!r}" + (f": {note}" if note else "")
            edit = unchecked_edit(s, e, text[s:e], new, rule, message, safety)
            if level == "fix" and safety is Safety.FIX:
                edits.append(edit)
            else:
                suggestions.append(as_suggestion(edit, "glossary"))
        return edits, suggestions, maybe_www

    def _entry_route(self, idx: int) -> tuple[str, str, Safety, dict[str, str]]:
        """(level, rule id, safety, messages by replacement) of entry ``idx``, as ``_route``
        decides them."""
        e = self.entries[idx]
        fix = e.action == "fix"
        level = self.levels.level(e.rule_id, "fix" if fix else "warn")
        return level, e.rule_id, Safety.FIX if fix else Safety.SUGGEST, {}

    def _route(
        self,
        edit: Edit,
        default: str,
        edits: list[Edit],
        suggestions: list[Suggestion],
        origin: str = "rule",
    ) -> None:
        level = self.levels.level(edit.rule, default)
        if level == "fix" and edit.safety is Safety.FIX:
            edits.append(edit)
        elif level != "off":
            suggestions.append(as_suggestion(edit, origin))

    def _cleanup_default(self, rule: str) -> str:
        from . import cleanup

        r = cleanup.RULES.get(rule.removeprefix("cleanup/"))
        return r.default if r else "fix"

    def _cleanup(self, text: str) -> list[Edit | Suggestion]:
        try:
            from . import cleanup
        except ImportError:  # pragma: no cover - only while the module is being written
            return []
        # Fix-level and warn-level rules run apart: run_cleanup folds follow-up fixes into the
        # edit that caused them, which must not carry a warn rule's change into a fix.
        out: list[Edit | Suggestion] = []
        for level in ("fix", "warn"):
            names = [
                n for n, r in cleanup.RULES.items() if self.levels.level(r.id, r.default) == level
            ]
            if names:
                out.extend(cleanup.run_cleanup(text, names, self.options))
        return out

    def _suspects(
        self, text: str, covered: Sequence[tuple[int, int]], source: str | None
    ) -> list[Suggestion]:
        if not self.levels.enabled("suspect", "warn"):
            return []
        try:
            from .suspects import find_suspects
        except ImportError:  # pragma: no cover - only while the module is being written
            return []
        return find_suspects(
            text,
            covered=covered,
            entries=self.entries,
            source=source,
            scorer=self.scorer,
            enabled=lambda rid: self.levels.enabled(rid, "warn"),
        )

    def _promote(
        self, kept: list[Edit], suggestions: list[Suggestion]
    ) -> tuple[list[Edit], list[Suggestion]]:
        """``--apply-suggestions T``: suspects scoring at least T become edits (top candidate).

        A zero-width finding (a source term the MT has no span for) stays a suggestion: there is
        nothing to replace, and inserting the term at the line start would corrupt the text."""
        threshold = self.apply_suggestions or 0.0
        promoted, rest = [], []
        for s in suggestions:
            if (
                s.rule.startswith("suspect/")
                and s.candidates
                and s.score >= threshold
                and s.end > s.start
            ):
                promoted.append(
                    Edit(
                        s.start,
                        s.end,
                        s.text,
                        s.candidates[0].text,
                        s.rule,
                        s.message or "applied suggestion",
                    )
                )
            else:
                rest.append(s)
        merged, skipped = select_by_priority([*kept, *promoted])
        rest.extend(_unsubsumed(skipped, merged))
        return merged, rest


_SETTLE_PASSES = 2


def _may_complete_a_variant(text: str, edit: Edit) -> bool:
    """A cleanup edit that writes a word character (a homoglyph or mojibake mended inside a
    word), or stands between two word characters and changes more than white space (an entity
    between two words): the fixed text may hold a glossary variant the first pass could not
    see."""
    if not edit.rule.startswith("cleanup/"):
        return False
    if any(c.isalnum() for c in edit.new):
        return True
    s, e = edit.start, edit.end
    return (
        0 < s
        and e < len(text)
        and text[s - 1].isalnum()
        and text[e].isalnum()
        and not (edit.old.isspace() and (edit.new.isspace() or not edit.new))
    )


def _touches(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    """Whether ``start:end`` overlaps or touches one of ``spans``."""
    return any(a <= end and start <= b for a, b in spans)


def _unsubsumed(skipped: Sequence[Edit], kept: Sequence[Edit]) -> list[Suggestion]:
    """Skipped edits as suggestions, except those inside a kept edit (``«`` of ``«Newbie»``
    goes away with the glossary fix that removes the quotes: nothing is left to report)."""
    if not skipped:
        return []
    starts = [k.start for k in kept]
    out = []
    for e in skipped:
        i = bisect.bisect_right(starts, e.start) - 1
        if i >= 0 and kept[i].start <= e.start and e.end <= kept[i].end:
            continue
        out.append(as_suggestion(e, note="overlaps another edit; not applied"))
    return out


def _collide(a: Edit, b: Edit) -> bool:
    """Overlapping spans, or two insertions at the same point (their order would be arbitrary)."""
    return (a.start < b.end and b.start < a.end) or (a.start == a.end == b.start == b.end)


def select_by_priority(edits: Sequence[Edit]) -> tuple[list[Edit], list[Edit]]:
    """Keep edits so none collide, preferring earlier ones in ``edits`` (the priority order).

    Edits are swept by position into clusters that might collide; inside a cluster they are
    taken in priority order, each kept unless it collides with one already kept.
    Returns (kept, sorted by offset; skipped).
    """
    if _in_order(edits):  # the common case (glossary edits alone): nothing collides
        return list(edits), []
    order = sorted(range(len(edits)), key=lambda i: (edits[i].start, edits[i].end, i))
    clusters: list[list[int]] = []
    end = -1
    for i in order:
        e = edits[i]
        if clusters and (e.start < end or e.start == end == e.end):
            clusters[-1].append(i)
        else:
            clusters.append([i])
        end = max(end, e.end) if len(clusters[-1]) > 1 else e.end
    kept: list[Edit] = []
    skipped: list[Edit] = []
    for cluster in clusters:
        chosen: list[Edit] = []
        for j in sorted(cluster):
            (skipped if any(_collide(edits[j], k) for k in chosen) else chosen).append(edits[j])
        kept.extend(sorted(chosen, key=lambda x: (x.start, x.end)))
    return kept, skipped


def _in_order(edits: Sequence[Edit]) -> bool:
    """Whether ``edits`` are sorted by (start, end) and no two collide."""
    end = -1
    prev: Edit | None = None
    for e in edits:
        if e.start < end or prev is not None and e.start == e.end == prev.start == prev.end:
            return False
        end = e.end
        prev = e
    return True
