"""Built-in text cleanup rules: a name → rule table, like ftfy's fixers.

Each rule is a function ``(text, options) -> Iterable[Edit | Suggestion]`` with a docstring that
says what it finds, why it is wrong, an example and whether its fix is safe. Rule ids are
``cleanup/<name>``. :func:`run_cleanup` runs the chosen rules and returns findings against the
original text whose edits never overlap and leave nothing for a second run to fix:

>>> text = "poisoned with «Newbie»&# 160;\\nmedia outlets.."
>>> [(e.rule, e.old, e.new) for e in run_cleanup(text, ["entities", "quotes", "punctuation"])]
... # doctest: +NORMALIZE_WHITESPACE
[('cleanup/quotes', '«', '“'), ('cleanup/quotes', '»', '”'),
 ('cleanup/entities', '&# 160;', ''), ('cleanup/punctuation', '.', '')]
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from . import cleanup_lines, cleanup_quotes, cleanup_script, cleanup_text
from .edits import Edit, Suggestion, apply_edits, compose_edits, select_non_overlapping
from .errors import ConfigError, Problem

__all__ = ["RULES", "CleanupRule", "Finding", "default_rules", "run_cleanup"]

Finding = Edit | Suggestion
RuleFunc = Callable[[str, Mapping[str, Any]], Iterable[Finding]]
# Edits can make new work for other rules ("&laquo;" decodes to "«"); a few passes settle it.
_MAX_PASSES = 4


@dataclass(frozen=True)
class CleanupRule:
    """One built-in rule: its function, default severity and the options it accepts."""

    name: str
    func: RuleFunc
    default: str  # "fix" | "warn" | "off"
    doc: str
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    reports_only: bool = False  # yields only Suggestions: no need to rerun it while settling
    # Findings depend only on the line they are in (and, for mixed-script, on document-wide
    # letter counts passed in): settling reruns the rule on the edited lines only.
    line_local: bool = True

    @property
    def id(self) -> str:
        return "cleanup/" + self.name

    def __reduce__(self) -> tuple[Any, ...]:
        # A rule is a registry member: pickle it by name (worker processes import the same table;
        # its read-only options mapping could not be pickled by value anyway).
        return (_registered, (self.name,))


def _registered(name: str) -> CleanupRule:
    return RULES[name]


def _rule(
    name: str,
    func: RuleFunc,
    default: str,
    reports_only: bool = False,
    line_local: bool = True,
    **options: Any,
) -> CleanupRule:
    doc = func.__doc__ or ""
    return CleanupRule(
        name, func, default, doc, MappingProxyType(options), reports_only, line_local
    )


# Priority order: an earlier rule wins where findings would collide.
RULES: Mapping[str, CleanupRule] = MappingProxyType(
    {
        r.name: r
        for r in (
            _rule("mojibake", cleanup_lines.mojibake, "fix"),
            _rule("entities", cleanup_text.entities, "fix"),
            _rule("mixed-script", cleanup_script.mixed_script, "fix"),
            _rule("quotes", cleanup_quotes.quotes, "fix", line_local=False, style="curly"),
            _rule("punctuation", cleanup_text.punctuation, "fix"),
            _rule("spacing", cleanup_text.spacing, "fix"),
            _rule(
                "untranslated", cleanup_script.untranslated, "warn", True, max_cyrillic_ratio=0.5
            ),
            _rule("repeated-line", cleanup_lines.repeated_line, "warn", True, window=10),
        )
    }
)


def default_rules() -> list[str]:
    """Names of the rules that are on by default (severity "fix" or "warn")."""
    return [name for name, rule in RULES.items() if rule.default != "off"]


def _resolve(
    names: Iterable[str], options: Mapping[str, Mapping[str, Any]] | None
) -> list[tuple[CleanupRule, Mapping[str, Any]]]:
    """The rules to run, in priority order, each with its options merged over the defaults."""
    wanted = {n.removeprefix("cleanup/") for n in names}
    problems = [
        Problem("<rules>", 0, 0, f"unknown cleanup rule 'cleanup/{n}'; known: {', '.join(RULES)}")
        for n in sorted(wanted - RULES.keys())
    ]
    options = options or {}
    for rule_id, given in options.items():
        rule = RULES.get(rule_id.removeprefix("cleanup/"))
        unknown = sorted(set(given) - set(rule.options)) if rule else []
        problems += [
            Problem("<options>", 0, 0, f"{rule_id}: unknown option {key!r}") for key in unknown
        ]
    if problems:
        raise ConfigError(problems=problems)
    return [
        (rule, {**rule.options, **options.get(rule.id, {})})
        for name, rule in RULES.items()
        if name in wanted
    ]


def run_cleanup(
    text: str, names: Iterable[str], options: Mapping[str, Mapping[str, Any]] | None = None
) -> list[Finding]:
    """Run the named cleanup rules on ``text``; return non-overlapping edits, then suggestions.

    ``names`` are rule names or ids ("quotes" or "cleanup/quotes"); ``options`` maps a rule id
    to that rule's options. Edits are settled: where applying them would give another rule
    something to fix ("&laquo;" → "«" → "“"), the follow-up is folded into the first edit, so
    one application reaches a fixed point (up to a few passes). Raises ConfigError for an
    unknown rule or option.
    """
    rules = _resolve(names, options)
    first = [f for rule, opts in rules for f in rule.func(text, opts)]
    suggestions = sorted(
        (f for f in first if isinstance(f, Suggestion)), key=lambda s: (s.start, s.end)
    )
    edits, _ = select_non_overlapping(f for f in first if isinstance(f, Edit))
    settling = [(rule, opts) for rule, opts in rules if not rule.reports_only]
    for _ in range(_MAX_PASSES):
        if not edits:  # nothing applied: the first pass already saw the final text
            break
        fixed = apply_edits(text, edits)
        more = _settle(fixed, _edited_lines(fixed, edits), _needed(settling, text, edits))
        if not more:
            break
        edits = compose_edits(text, edits, select_non_overlapping(more)[0], fixed)
    return [*edits, *suggestions]


def _needed(
    rules: list[tuple[CleanupRule, Mapping[str, Any]]], text: str, edits: list[Edit]
) -> list[tuple[CleanupRule, Mapping[str, Any]]]:
    """``rules`` less quotes when the fixed text cannot hold a foreign quotation mark: one
    would come from an edit's new text, or from the original text where no edit replaced it."""
    if any(cleanup_quotes.has_foreign_marks(e.new) for e in edits) or _marks_left(text, edits):
        return rules
    return [(rule, opts) for rule, opts in rules if rule.name != "quotes"]


def _marks_left(text: str, edits: list[Edit]) -> bool:
    """Whether a foreign quotation mark of ``text`` lies outside ``edits`` (sorted, not
    overlapping); True where the text's marks are not listed (a mostly non-ASCII text)."""
    if not cleanup_quotes.has_foreign_marks(text):
        return False
    alphabet = cleanup_text.non_ascii_chars(text)
    if alphabet is None:
        return True
    i = 0
    for at in cleanup_text.offsets_of(text, alphabet.intersection(cleanup_quotes.FOREIGN_MARKS)):
        while i < len(edits) and edits[i].end <= at:
            i += 1
        if i == len(edits) or edits[i].start > at:
            return True
    return False


def _settle(
    fixed: str, lines: list[tuple[int, int]], rules: list[tuple[CleanupRule, Mapping[str, Any]]]
) -> list[Edit]:
    """The edits ``rules`` find in ``fixed`` (text with the edits so far applied).

    A line no edit touched is a line of the original text, where the first pass found nothing
    (anything found there would have been applied, or skipped for overlapping an applied edit,
    which touches the line). So line-local rules look only at the edited ``lines``; the others
    (quotes pair marks across lines) look at the whole text.
    """
    more: list[Edit] = []
    document_latin = functools.cache(lambda: cleanup_script.document_latin_of(fixed))
    for rule, opts in rules:
        if not rule.line_local:
            more += [f for f in rule.func(fixed, opts) if isinstance(f, Edit)]
            continue
        if rule.name == "mixed-script":  # its tie-break counts letters of the whole document
            opts = {**opts, "_document_latin": document_latin}
        for lo, hi in lines:
            more += [f.shifted(lo) for f in rule.func(fixed[lo:hi], opts) if isinstance(f, Edit)]
    return more


def _edited_lines(fixed: str, edits: list[Edit]) -> list[tuple[int, int]]:
    """(start, end) in ``fixed`` of the lines holding the new text of ``edits`` (applied to
    the original to give ``fixed``), without line breaks; lines next to each other merge.

    Every search starts past the previous line found, so a text of one long line costs one
    scan, not one per edit.
    """
    breaks = re.compile("[\r\n]" if "\r" in fixed else "\n")
    lines: list[tuple[int, int]] = []
    shift = 0
    for e in edits:  # sorted and non-overlapping
        start = e.start + shift
        end = start + len(e.new)
        shift += len(e.new) - len(e.old)
        if lines and start <= lines[-1][1]:  # starts in the last line found
            lo = lines.pop()[0]
        else:
            floor = lines[-1][1] if lines else 0
            lo = max(fixed.rfind("\n", floor, start), fixed.rfind("\r", floor, start)) + 1
            lo = max(lo, floor)
        found = breaks.search(fixed, max(end, lines[-1][1] if lines else 0))
        lines.append((lo, found.start() if found else len(fixed)))
    return lines
